/* sockio.c - the winrm command's socket with a deadline (sockio.h).
 *
 * Shape: straight-line code over a non-blocking socket.  The deadline is
 * taken once when the exchange starts, so it covers connecting, the TLS
 * handshake, sending and the whole reply.  This file owns the waiting, the
 * plain (not TLS) sends and reads, and the sentences for time-outs and I/O
 * failures; it calls nothing else of the winrm command. */
#include "autoconfig.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockio.h"

/* CLOCK_MONOTONIC in milliseconds. */
static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* No socket yet, no peer name, the deadline set. */
void sockio_init(struct sockio *io, long timeout_ms, char *err, size_t err_len)
{
        memset(io, 0, sizeof(*io));
        io->fd = -1;
        io->deadline = timeout_ms > 0 ? now_ms() + timeout_ms : -1;
        io->timeout_ms = timeout_ms;
        io->err = err;
        io->err_len = err_len;
}

/* The deadline's remainder, clamped to poll()'s int. */
int sockio_time_left(const struct sockio *io)
{
        int64_t left;

        if (io->deadline < 0)
                return -1;
        left = io->deadline - now_ms();
        if (left <= 0)
                return 0;
        return left > INT_MAX ? INT_MAX : (int)left;
}

/* poll() again after EINTR, with what is left of the deadline. */
int sockio_wait(struct sockio *io, short events)
{
        struct pollfd p = { .fd = io->fd, .events = events };
        int ms, r;

        for (;;) {
                ms = sockio_time_left(io);
                if (ms == 0)
                        return -ETIMEDOUT;
                r = poll(&p, 1, ms);
                if (r > 0)
                        return 0;
                if (r == 0)
                        return -ETIMEDOUT;
                if (errno != EINTR)
                        return -errno;
        }
}

/* vsnprintf() into the caller's buffer, when it gave one. */
int sockio_fail(struct sockio *io, int r, const char *fmt, ...)
{
        va_list ap;

        if (io->err && io->err_len) {
                va_start(ap, fmt);
                vsnprintf(io->err, io->err_len, fmt, ap);
                va_end(ap);
        }
        return r;
}

/* Names the time-out the caller asked for and who did not answer. */
int sockio_timed_out(struct sockio *io)
{
        return sockio_fail(io, -ETIMEDOUT, "Timed out after %ld ms waiting for %s.", io->timeout_ms, io->peer);
}

/* strerror() with the peer and what was being done. */
int sockio_io_failed(struct sockio *io, int r, const char *doing)
{
        if (r == -ETIMEDOUT)
                return sockio_timed_out(io);
        return sockio_fail(io, r, "%s (%s, %s)", strerror(-r), io->peer, doing);
}

/* send() until done, waiting for room when the socket is full. */
int sockio_send_all(struct sockio *io, const char *p, size_t n)
{
        ssize_t r;
        int w;

        while (n > 0) {
                r = send(io->fd, p, n, MSG_NOSIGNAL);
                if (r >= 0) {
                        p += r;
                        n -= (size_t)r;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                        return sockio_io_failed(io, -errno, "sending the request");
                w = sockio_wait(io, POLLOUT);
                if (w < 0)
                        return sockio_io_failed(io, w, "sending the request");
        }
        return 0;
}

/* recv() once there is something to read. */
ssize_t sockio_recv(struct sockio *io, char *p, size_t n)
{
        ssize_t r;
        int w;

        for (;;) {
                r = recv(io->fd, p, n, 0);
                if (r >= 0)
                        return r;
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                        return sockio_io_failed(io, -errno, "reading the reply");
                w = sockio_wait(io, POLLIN);
                if (w < 0)
                        return sockio_io_failed(io, w, "reading the reply");
        }
}

/* close() once; fd is -1 afterwards. */
void sockio_close(struct sockio *io)
{
        if (io->fd >= 0)
                close(io->fd);
        io->fd = -1;
}
