/* event.h - the daemon's one libevent loop. */
#ifndef WINRMD_EVENT_H
#define WINRMD_EVENT_H

struct event_base;

/* The loop every listener, timer and provider uses (NULL before start). */
struct event_base *event_loop_base(void);
/* Sets it once at start-up (tests may set their own). */
void event_loop_set(struct event_base *base);

#endif
