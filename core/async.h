/* async.h - timers and a small thread pool for providers, so that slow
 * work never runs on the event loop and providers need no libevent.
 * Callbacks run on the loop, on behalf of the provider that made them. */
#ifndef WINRMD_ASYNC_H
#define WINRMD_ASYNC_H

#include <stdint.h>

#define ASYNC_THREADS 4             /* the pool */
#define ASYNC_QUEUE 1024            /* jobs waiting for a thread */

struct winrmd_timer;

/* Starts the pool (threads are made on first use); 0 or -errno. */
int async_init(void);
/* Stops the pool: waits for running jobs, drops queued ones (their done
 * is not called).  Before providers are unloaded. */
void async_stop_pool(void);
/* Stops the pool if it runs, frees every timer left.  After providers are
 * unloaded. */
void async_shutdown(void);
/* See winrmd_host: timer_new, timer_start, timer_stop, timer_free. */
struct winrmd_timer *async_timer_new(void (*fn)(void *arg), void *arg);
void async_timer_start(struct winrmd_timer *t, int64_t ms);
void async_timer_stop(struct winrmd_timer *t);
void async_timer_free(struct winrmd_timer *t);
/* See winrmd_host.work: 0, or -EAGAIN when the queue is full. */
int async_work(void (*run)(void *arg), void (*done)(void *arg), void *arg);
/* Jobs queued or running now. */
unsigned async_pending(void);

#endif
