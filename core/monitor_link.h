/* monitor_link.h - the network process's end of the monitor's socket: one
 * reader on the event loop that hands each message (with its descriptors)
 * to the part that asked for its type, and a sender. */
#ifndef WINRMD_MONITOR_LINK_H
#define WINRMD_MONITOR_LINK_H

#include <stddef.h>
#include <sys/types.h>

/* A message of a type registered with monitor_link_on(): msg[0..len) and
 * fds[0..nfds) (the handler owns the descriptors). */
typedef void monitor_handler_fn(const void *msg, size_t len, int *fds, int nfds);

/* Takes over the socket fd; lost() runs (once) when the monitor is gone. */
int monitor_link_init(int fd, void (*lost)(void));
/* Stops reading and closes the socket. */
void monitor_link_shutdown(void);
/* Messages of type go to fn. */
void monitor_link_on(unsigned type, monitor_handler_fn *fn);
/* Sends a message (with nfds descriptors, not closed), without blocking:
 * 0, -EAGAIN (the socket is full), -EIO (no monitor). */
int monitor_link_send(const void *msg, size_t len, const int *fds, int nfds);
/* A new sequence number for a request. */
unsigned monitor_link_seq(void);
/* What the monitor said at start: how job limits are enforced. */
const char *monitor_link_mechanism(void);

#endif
