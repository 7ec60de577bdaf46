/* sockio.h - the winrm command's socket with a deadline: waiting on it,
 * plain sends and reads on it, and the one-line reasons its failures give.
 * Every wait is a poll() bounded by the one deadline of the exchange. */
#ifndef WINRM_SOCKIO_H
#define WINRM_SOCKIO_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sockio {
        int fd;                     /* non-blocking; -1 when closed */
        int64_t deadline;           /* CLOCK_MONOTONIC ms; -1: none */
        long timeout_ms;            /* what the deadline was made of, for messages */
        char peer[INET6_ADDRSTRLEN + 64];   /* "ADDRESS port N", or the socket path */
        char *err;                  /* the caller's reason buffer (may be NULL) */
        size_t err_len;
};

/* Starts io: no socket, a deadline timeout_ms from now (none if <= 0). */
void sockio_init(struct sockio *io, long timeout_ms, char *err, size_t err_len);
/* Milliseconds left for poll(): -1 without a deadline, 0 once it has passed. */
int sockio_time_left(const struct sockio *io);
/* Waits until the socket is ready for events (or has an error to report):
 * 0, -ETIMEDOUT at the deadline, or -errno.  Writes no reason. */
int sockio_wait(struct sockio *io, short events);
/* Writes the one-line reason into err; returns r. */
int sockio_fail(struct sockio *io, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* -ETIMEDOUT with "Timed out after N ms waiting for PEER." */
int sockio_timed_out(struct sockio *io);
/* An I/O failure r as a sentence; doing is "sending the request" or
 * "reading the reply".  Returns r. */
int sockio_io_failed(struct sockio *io, int r, const char *doing);
/* Sends all of p[0..n) on the plain socket: 0 or -errno (reason written). */
int sockio_send_all(struct sockio *io, const char *p, size_t n);
/* Reads what is there: bytes, 0 at the end of the stream, or -errno
 * (reason written). */
ssize_t sockio_recv(struct sockio *io, char *p, size_t n);
/* Closes the socket, if open. */
void sockio_close(struct sockio *io);

#endif
