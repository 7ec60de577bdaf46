/* conn.c - connection tracking under evhttp.  We create each connection's
 * socket bufferevent (evhttp's bevcb): callbacks on its input and output
 * buffers see requests start and replies leave, and the evhttp connection's
 * close callback, set as soon as evhttp has made the connection, tells us
 * when it goes away.  A reference held from creation until then keeps the
 * bufferevent valid for that first look. */
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
        struct evhttp_connection *evcon; /* NULL until attached */
        struct evbuffer_cb_entry *in_cb, *out_cb;
        struct event *deadline;
        struct event *attach;       /* runs once evhttp has made the connection */
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
 * closed(); we never close the fd ourselves. */
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
        if (!c->evcon || bufferevent_getfd(c->bev) < 0) {
                struct timeval soon = { 0, 1000 };
                evtimer_add(c->deadline, &soon);
                return;
        }
        log_debug("connection %d cut: %s", bufferevent_getfd(c->bev), c->active ? "request not completed in time" : "idle");
        cut(c);
}

/* Input arrived: a request starts (or goes on); the deadline runs. */
static void input_changed(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
        struct conn *c = arg;

        if (info->n_added > 0 && !c->active) {
                c->active = true;
                arm(c);
        }
}

/* Output drained to the socket: the reply left; the idle deadline runs. */
static void output_changed(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
        struct conn *c = arg;

        if (info->n_deleted > 0 && info->orig_size == info->n_deleted && c->active && !c->busy) {
                c->active = false;
                arm(c);
        }
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

/* Forgets c; the bufferevent is evhttp's (or about to be freed). */
static void release(struct conn *c)
{
        if (c->pending)
                dispatch_abandon(c->pending);
        if (c->in_cb)
                evbuffer_remove_cb_entry(bufferevent_get_input(c->bev), c->in_cb);
        if (c->out_cb)
                evbuffer_remove_cb_entry(bufferevent_get_output(c->bev), c->out_cb);
        if (c->gone)
                event_free(c->gone);
        c->active = false;
        unlink_conn(c);
        if (c->fd >= 0 && (size_t)c->fd < by_fd_len && by_fd[c->fd] == c)
                by_fd[c->fd] = NULL;
        event_free(c->deadline);
        event_free(c->attach);
        free(c);
        n_open--;
}

static void closed(struct evhttp_connection *evcon, void *arg)
{
        struct conn *c = arg;

        log_debug("connection %d closed", c->fd);
        release(c);
}

/* The next loop turn after accept: evhttp has made its connection and set
 * itself as the bufferevent's callback argument. */
static void attach_cb(evutil_socket_t fd, short what, void *arg)
{
        struct conn *c = arg;
        struct bufferevent *bev = c->bev;
        void *evcon = NULL;

        bufferevent_getcb(bev, NULL, NULL, NULL, &evcon);
        if (evcon) {
                c->evcon = evcon;
                evhttp_connection_set_closecb(c->evcon, closed, c);
                index_fd(c);
                bufferevent_decref(bev);
        } else {
                /* evhttp is already done with it */
                release(c);
                bufferevent_decref(bev);
        }
}

/* Over the cap: the oldest idle connection goes (never one mid-request). */
static void make_room(void)
{
        for (struct conn *c = oldest; c && n_open > conn_cap(); c = c->next) {
                if (!c->active && !c->busy && !c->closing && c->evcon) {
                        struct timeval zero = { 0, 0 };
                        event_del(c->deadline);
                        evtimer_add(c->deadline, &zero);
                        return;
                }
        }
}

struct bufferevent *conn_bevcb(struct event_base *base, void *arg)
{
        struct conn *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
        c->fd = -1;
        c->bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
        c->deadline = evtimer_new(base, expire, c);
        c->attach = event_new(base, -1, 0, attach_cb, c);
        if (!c->bev || !c->deadline || !c->attach)
                goto fail;
        c->in_cb = evbuffer_add_cb(bufferevent_get_input(c->bev), input_changed, c);
        c->out_cb = evbuffer_add_cb(bufferevent_get_output(c->bev), output_changed, c);
        if (!c->in_cb || !c->out_cb)
                goto fail;
        bufferevent_incref(c->bev);
        event_active(c->attach, 0, 0);
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
        if (c->bev)
                bufferevent_free(c->bev);
        if (c->deadline)
                event_free(c->deadline);
        if (c->attach)
                event_free(c->attach);
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
        evhttp_send_reply(req, status, reason, NULL);
}
