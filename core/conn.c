/* conn.c - connection tracking through a pass-through bufferevent filter:
 * the filter's callbacks see every byte in and out, and its free callback
 * tells us when evhttp has closed the connection. */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "config.h"
#include "conn.h"
#include "dispatch.h"
#include "log.h"

struct conn {
        struct conn *prev, *next;   /* oldest first */
        struct bufferevent *bev;
        struct event *deadline;
        struct event *kick;         /* pushes queued output through the filter */
        int fd;                     /* -1 until known */
        bool active;                /* a request is being received or served */
        bool busy;                  /* a provider holds the request */
        struct winrmd_ctx *pending; /* ... this one */
        struct event *gone;         /* peer hung up while a provider holds pending */
        bool closing;
};

static struct conn *oldest, *newest;
static unsigned n_open, cap;
static struct conn **by_fd;
static size_t by_fd_len;

/* The most connections open at once: the file-descriptor limit less room
 * for everything else, computed once. */
static unsigned conn_cap(void)
{
        struct rlimit rl;

        if (cap == 0) {
                cap = 1024;
                if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
                    rl.rlim_cur > 256)
                        cap = (unsigned)(rl.rlim_cur - 128);
                if (cap > 1000000)
                        cap = 1000000;
        }
        return cap;
}

static void arm(struct conn *c)
{
        long ms = config_long("service.idle_timeout_ms");
        struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

        if (!c->busy)
                evtimer_add(c->deadline, &tv);
}

static void index_fd(struct conn *c)
{
        int fd;

        if (c->fd >= 0)
                return;
        fd = bufferevent_getfd(c->bev);
        if (fd < 0)
                return;
        if ((size_t)fd >= by_fd_len) {
                size_t n = by_fd_len ? by_fd_len : 1024;
                struct conn **p;
                while (n <= (size_t)fd)
                        n *= 2;
                p = realloc(by_fd, n * sizeof(*p));
                if (!p)
                        return;
                for (size_t i = by_fd_len; i < n; i++)
                        p[i] = NULL;
                by_fd = p;
                by_fd_len = n;
        }
        by_fd[fd] = c;
        c->fd = fd;
}

/* Cuts the connection: evhttp sees end-of-file and frees it, which calls
 * conn_freed(); we never close the fd ourselves. */
static void cut(struct conn *c)
{
        index_fd(c);
        if (c->fd >= 0 && !c->closing) {
                c->closing = true;
                (void)shutdown(c->fd, SHUT_RDWR);
        }
}

static void expire(evutil_socket_t fd, short what, void *arg)
{
        struct conn *c = arg;

        if (c->busy)
                return;
        if (bufferevent_getfd(c->bev) < 0) {
                struct timeval zero = { 0, 1000 };
                evtimer_add(c->deadline, &zero);
                return;
        }
        log_debug("connection %d cut: %s", bufferevent_getfd(c->bev), c->active ? "request not completed in time" : "idle");
        cut(c);
}

static enum bufferevent_filter_result pass_in(struct evbuffer *src, struct evbuffer *dst,
                                              ev_ssize_t limit, enum bufferevent_flush_mode mode,
                                              void *arg)
{
        struct conn *c = arg;

        if (evbuffer_get_length(src) > 0) {
                index_fd(c);
                if (!c->active) {
                        c->active = true;
                        arm(c);
                }
        }
        evbuffer_remove_buffer(src, dst, limit >= 0 ? (size_t)limit : evbuffer_get_length(src));
        return BEV_OK;
}

static enum bufferevent_filter_result pass_out(struct evbuffer *src, struct evbuffer *dst,
                                               ev_ssize_t limit, enum bufferevent_flush_mode mode,
                                               void *arg)
{
        struct conn *c = arg;

        if (evbuffer_get_length(src) > 0 && c->active && !c->busy) {
                c->active = false;
                arm(c);
        }
        evbuffer_add_buffer(dst, src);
        return BEV_OK;
}

static void unlink_conn(struct conn *c)
{
        if (c->prev)
                c->prev->next = c->next;
        else
                oldest = c->next;
        if (c->next)
                c->next->prev = c->prev;
        else
                newest = c->prev;
        c->prev = c->next = NULL;
}

static void conn_freed(void *arg)
{
        struct conn *c = arg;

        log_debug("connection %d closed", c->fd);
        if (c->pending)
                dispatch_abandon(c->pending);
        if (c->gone)
                event_free(c->gone);
        c->active = false;
        unlink_conn(c);
        if (c->fd >= 0 && (size_t)c->fd < by_fd_len && by_fd[c->fd] == c)
                by_fd[c->fd] = NULL;
        event_free(c->deadline);
        event_free(c->kick);
        free(c);
        n_open--;
}

/* Over the cap: the oldest idle connection goes (never one mid-request). */
static void make_room(void)
{
        for (struct conn *c = oldest; c && n_open > conn_cap(); c = c->next) {
                if (!c->active && !c->busy && !c->closing) {
                        struct timeval zero = { 0, 0 };
                        event_del(c->deadline);
                        evtimer_add(c->deadline, &zero);
                        return;
                }
        }
}

/* A filter bufferevent does not pass on output that was queued while
 * evhttp had writing disabled (evhttp enables it only after queueing a
 * reply, including its own 400/413 pages), so every time output is queued
 * we flush once on the next loop turn. */
static void kick_cb(evutil_socket_t fd, short what, void *arg)
{
        struct conn *c = arg;

        bufferevent_flush(c->bev, EV_WRITE, BEV_NORMAL);
}

static bool in_send;   /* conn_send_reply() flushes by itself */

static void output_added(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
        struct conn *c = arg;

        if (info->n_added > 0 && !in_send)
                event_active(c->kick, 0, 0);
}

struct bufferevent *conn_bevcb(struct event_base *base, void *arg)
{
        struct conn *c = calloc(1, sizeof(*c));
        struct bufferevent *under;

        if (!c)
                return NULL;
        c->fd = -1;
        under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
        c->deadline = evtimer_new(base, expire, c);
        c->kick = event_new(base, -1, 0, kick_cb, c);
        if (!under || !c->deadline || !c->kick)
                goto fail;
        c->bev = bufferevent_filter_new(under, pass_in, pass_out, BEV_OPT_CLOSE_ON_FREE,
                                        conn_freed, c);
        if (!c->bev)
                goto fail;
        evbuffer_add_cb(bufferevent_get_output(c->bev), output_added, c);
        c->prev = newest;
        if (newest)
                newest->next = c;
        else
                oldest = c;
        newest = c;
        n_open++;
        log_debug("connection opened (%u open)", n_open);
        arm(c);
        if (n_open > conn_cap())
                make_room();
        return c->bev;
fail:
        if (under)
                bufferevent_free(under);
        if (c->deadline)
                event_free(c->deadline);
        if (c->kick)
                event_free(c->kick);
        free(c);
        return NULL;
}

/* evhttp does not read while a request is being answered, so it would not
 * notice a client that hung up until the reply is written: watch for the
 * hang-up ourselves, cancel the provider's work, and let evhttp fail the
 * write and close. */
static void peer_gone(evutil_socket_t fd, short what, void *arg)
{
        struct conn *c = arg;
        struct winrmd_ctx *ctx = c->pending;
        struct evhttp_request *req;

        event_free(c->gone);
        c->gone = NULL;
        if (!ctx)
                return;
        c->pending = NULL;
        c->busy = false;
        req = dispatch_abandon_request(ctx);
        if (req)
                evhttp_send_reply(req, 500, "Client gone", NULL);
}

void conn_set_busy(struct evhttp_request *req, struct winrmd_ctx *ctx)
{
        struct evhttp_connection *evc = evhttp_request_get_connection(req);
        struct bufferevent *bev = evc ? evhttp_connection_get_bufferevent(evc) : NULL;
        int fd = bev ? bufferevent_getfd(bev) : -1;
        struct conn *c = fd >= 0 && (size_t)fd < by_fd_len ? by_fd[fd] : NULL;

        if (!c || c->bev != bev)
                return;
        c->busy = ctx != NULL;
        c->pending = ctx;
        if (c->gone) {
                event_free(c->gone);
                c->gone = NULL;
        }
        if (ctx) {
                c->gone = event_new(bufferevent_get_base(bev), fd, EV_CLOSED, peer_gone, c);
                if (c->gone)
                        event_add(c->gone, NULL);
        }
        if (c->busy)
                event_del(c->deadline);
        else
                arm(c);
}

void conn_send_reply(struct evhttp_request *req, int status, const char *reason)
{
        struct evhttp_connection *evc = evhttp_request_get_connection(req);
        struct bufferevent *bev = evc ? evhttp_connection_get_bufferevent(evc) : NULL;

        /* evhttp enables writing once the reply is queued: flush it through
         * the filter now rather than on the next loop turn.  The reference
         * keeps bev valid if evhttp frees the connection meanwhile. */
        if (bev)
                bufferevent_incref(bev);
        in_send = true;
        evhttp_send_reply(req, status, reason, NULL);
        in_send = false;
        if (bev) {
                bufferevent_flush(bev, EV_WRITE, BEV_NORMAL);
                bufferevent_decref(bev);
        }
}
