/* winrs_session.h - one winrs session against a shell service: the
 * requests sent (each on its own connection, so that a Send or a Signal
 * never waits behind a Receive), and the two threads that run beside the
 * main one: the worker (Create, Command, then Receive until the command is
 * done, writing its output as it comes) and the stdin reader (a Send per
 * chunk read, End="true" at the end of the input).  The main thread only
 * waits for signals and the worker's end, then cleans up (winrs.c). */
#ifndef WINRS_SESSION_H
#define WINRS_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <libxml/tree.h>

#include "target.h"
#include "winrs_args.h"
#include "winrs_proto.h"

/* winrs's own failures, told apart from the remote command's exit code */
#define WINRS_EXIT_LOCAL 255
#define WINRS_EXIT_USAGE 2

/* A thread of the session. */
struct winrs_thread {
        pthread_t tid;
        bool started;
};

struct winrs_session {
        const struct target *t;             /* borrowed, read-only */
        const struct winrs_opts *o;         /* borrowed, read-only */
        pthread_t main_tid;                 /* woken with SIGUSR1 when the worker ends */
        int wake[2];                        /* a byte on wake[1] stops the reader */
        pthread_mutex_t lock;               /* guards what follows */
        char shell_id[WINRS_ID_MAX];        /* "" until Create answered */
        char command_id[WINRS_ID_MAX];      /* "" until Command answered */
        bool finished;                      /* the worker is done: status holds the result */
        int status;                         /* the exit status to give */
        bool closing;                       /* main is cleaning up: the threads say nothing more */
        char send_err[512];                 /* why stdin stopped being forwarded, or "" */
        struct winrs_thread worker, reader, interrupter;
};

/* Starts s (t and o borrowed for its life) and its worker thread, which
 * signals main_tid with SIGUSR1 when it is done: 0, or -1 after printing
 * why. */
int winrs_session_start(struct winrs_session *s, const struct target *t, const struct winrs_opts *o);
/* Sends Signal ctrl_c for the running command from a thread of its own
 * (once; a failure is printed): 0, or -1 when there is no command running
 * or the thread cannot start. */
int winrs_session_interrupt(struct winrs_session *s);
/* Ends the session: marks it closing (the threads stay quiet), stops the
 * stdin reader, sends Signal terminate for a command that was started and
 * Delete for a shell that was created (failures printed unless quiet).
 * Then whether every thread was joined within a grace period (false: one
 * is still inside a request, and the process must end with _exit()). */
bool winrs_session_end(struct winrs_session *s, bool quiet);

#endif
