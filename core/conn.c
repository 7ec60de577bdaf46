/* conn.c - client connections: HTTP/1.1 framing on a socket bufferevent.
 *
 * A connection is in one of three states:
 *   READ   reading a request (the only state in which bytes are read);
 *   HELD   the handler has the request (authenticating, or a provider
 *          working): nothing is read, a hang-up is watched for;
 *   WRITE  the reply is being sent: the next request is read once less
 *          than WRITE_LOWAT bytes of it remain unsent.
 *   LINGER after a last reply: our side is shut down, what the client still
 *          sends is read and dropped for a moment, so that closing does not
 *          reset the connection before the client read the reply.
 * So a client has one request in flight: pipelining is served in order and
 * a client that never reads its replies stops being read.  The input
 * buffer holds at most a head's worth (the read high-water mark), the
 * output one reply.
 *
 * One deadline (Service idle timeout): an idle keep-alive connection, a
 * request from its first byte until complete, and a reply from queued to
 * sent.  Connections are capped below the descriptor limit, leaving room
 * for the control socket and the daemon's own descriptors; at the cap, the
 * oldest connection that never authenticated is cut, then the oldest idle
 * one.
 *
 * An HTTPS connection reads and writes through tls.c's filter over the
 * socket's bufferevent (c->bev is the filter, c->sock the socket's); the
 * states are the same, and its last reply ends with close_notify, then the
 * shutdown once the socket has taken every byte. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "config.h"
#include "conn.h"
#include "event.h"
#include "http_parse.h"
#include "listener.h"
#include "log.h"
#include "tls.h"

#define WRITE_LOWAT (16 * 1024)   /* read the next request below this */
#define DRAIN_MAX (64 * 1024)     /* a refused request's body we skip */
#define UNIX_MAX 32               /* control-socket connections */
#define FD_RESERVE 64             /* descriptors kept for everything else */
#define LINGER_MS 2000            /* reading what follows a last reply */
#define LINGER_MAX (256 * 1024)
#define HANDSHAKE_MS 10000        /* TLS, at most (less when the idle timeout is) */

enum conn_state { CS_READ, CS_HELD, CS_WRITE, CS_LINGER };

struct conn {
        struct conn *prev, *next;   /* oldest first */
        struct listen_info lst;
        struct bufferevent *bev;    /* what requests are read from, replies written to */
        struct bufferevent *sock;   /* the socket's (== bev for plain HTTP) */
        struct tls_conn *tls;       /* HTTPS: the session inside bev */
        struct evbuffer_cb_entry *sock_out_cb;
        bool shut_pending;          /* shutdown once the socket's output is sent */
        struct event *deadline;
        struct event *gone;         /* hang-up watch while HELD */
        struct event *kick;         /* runs process() from the loop */
        struct hp rd;
        enum conn_state state;
        bool is_unix;
        bool authenticated;         /* a request here authenticated */
        bool started;               /* bytes of the current request arrived */
        bool closing;               /* close once the reply is out */
        bool skipping;              /* skipping a refused request's body */
        bool in_process;            /* process() is on the stack */
        bool have_uid;
        uid_t uid;
        size_t lingered;            /* bytes dropped while lingering */
        void *data;
        char peer[INET6_ADDRSTRLEN];
        bool local;
};

static const struct conn_handler *handler;
static struct conn *oldest, *newest;
static unsigned n_tcp, n_unix;

void conn_set_handler(const struct conn_handler *h)
{
        handler = h;
}

/* The most TCP connections at once: the descriptor limit less the control
 * socket's share and a reserve. */
static unsigned tcp_cap(void)
{
        static unsigned cap;
        struct rlimit rl;

        if (cap == 0) {
                rlim_t n = 1024;
                if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
                        n = rl.rlim_cur;
                if (n > 1000000)
                        n = 1000000;
                cap = n > FD_RESERVE + UNIX_MAX + 16 ? (unsigned)(n - FD_RESERVE - UNIX_MAX) : 16;
        }
        return cap;
}

static void arm(struct conn *c)
{
        long ms = config_long("service.idle_timeout_ms");
        struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

        evtimer_add(c->deadline, &tv);
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
}

static void conn_free(struct conn *c)
{
        unlink_conn(c);
        if (c->is_unix)
                n_unix--;
        else
                n_tcp--;
        if (c->gone)
                event_free(c->gone);
        if (c->kick)
                event_free(c->kick);
        event_free(c->deadline);
        if (c->tls) {
                tls_detach(c->tls);
                if (c->sock_out_cb)
                        evbuffer_remove_cb_entry(bufferevent_get_output(c->sock), c->sock_out_cb);
        }
        bufferevent_free(c->bev);
        hp_free(&c->rd);
        free(c);
}

/* Ends c now; a request the handler has (held, or whose body is being
 * read) is handed back to it first. */
static void drop(struct conn *c, const char *why)
{
        log_debug("connection from %s closed: %s", c->peer, why);
        if ((c->state == CS_HELD || c->data) && handler)
                handler->abort(c);
        conn_free(c);
}

static void process(struct conn *c);

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
        process(arg);
}

static void watch_hangup(evutil_socket_t fd, short what, void *arg)
{
        struct conn *c = arg;

        drop(c, "client gone while its request was served");
}

/* The handler takes the request: stop reading, watch for a hang-up. */
static void hold(struct conn *c)
{
        c->state = CS_HELD;
        bufferevent_disable(c->bev, EV_READ);
        event_del(c->deadline);
        if (!c->gone)
                c->gone = event_new(bufferevent_get_base(c->bev), bufferevent_getfd(c->sock),
                                    EV_CLOSED, watch_hangup, c);
        if (c->gone)
                event_add(c->gone, NULL);
}

static void unhold(struct conn *c)
{
        if (c->gone)
                event_del(c->gone);
}

/* Back to reading: the next request, or the rest of this one. */
static void resume(struct conn *c)
{
        c->state = CS_READ;
        bufferevent_enable(c->bev, EV_READ);
        if (c->in_process)
                return;         /* the loop in process() goes on */
        /* run process() from the loop, with what is already buffered */
        if (!c->kick)
                c->kick = event_new(bufferevent_get_base(c->bev), -1, 0, on_kick, c);
        if (c->kick)
                event_active(c->kick, 0, 0);
        /* else the next bytes to arrive run it (or the deadline ends c) */
}

static void next_request(struct conn *c)
{
        hp_next(&c->rd);
        c->started = false;
        c->skipping = false;
        arm(c);
}

/* A request that cannot be read is answered here and the connection ends. */
static void refuse(struct conn *c, int status, const char *reason)
{
        log_debug("request from %s refused: %d %s", c->peer, status, reason);
        c->state = CS_HELD;
        conn_reply(c, status, reason, NULL, NULL, 0);
}

static void process(struct conn *c)
{
        struct evbuffer *in = bufferevent_get_input(c->bev);

        c->in_process = true;
        /* TLS: what the session decrypted while c was not reading first */
        if (c->tls && c->state == CS_READ)
                tls_flush_input(c->tls);
        while (c->state == CS_READ && evbuffer_get_length(in) > 0) {
                struct evbuffer_iovec v;
                size_t used;

                if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
                        break;
                used = hp_feed(&c->rd, v.iov_base, v.iov_len);
                evbuffer_drain(in, used);
                if (used == 0 && (c->rd.state == HP_HEAD || c->rd.state == HP_BODY))
                        break;          /* cannot happen: hp_feed takes a byte at least */
                if (used && !c->started) {
                        c->started = true;
                        arm(c);         /* the whole request within the deadline */
                }
                switch (c->rd.state) {
                case HP_HEAD:
                case HP_BODY:
                        break;
                case HP_HEAD_DONE:
                        hold(c);
                        handler->head(c, &c->rd.head);
                        break;
                case HP_DONE:
                        if (c->skipping) {
                                next_request(c);
                                break;
                        }
                        hold(c);
                        handler->body(c, c->rd.body.p ? c->rd.body.p : "", c->rd.body.len);
                        break;
                case HP_ERROR:
                        if (c->rd.status == 413 && !c->skipping) {
                                hold(c);
                                handler->body(c, NULL, 0);
                        } else {
                                refuse(c, c->rd.status, c->rd.reason);
                        }
                        break;
                }
                if (c->tls && c->state == CS_READ && evbuffer_get_length(in) == 0)
                        tls_flush_input(c->tls);
        }
        c->in_process = false;
}

static void on_read(struct bufferevent *bev, void *arg)
{
        struct conn *c = arg;
        struct evbuffer *in = bufferevent_get_input(bev);

        if (c->state != CS_LINGER) {
                process(c);
                return;
        }
        c->lingered += evbuffer_get_length(in);
        evbuffer_drain(in, evbuffer_get_length(in));
        if (c->lingered > LINGER_MAX)
                drop(c, "reply sent, connection: close");
}

static void shut_and_linger(struct conn *c)
{
        struct timeval tv = { LINGER_MS / 1000, (LINGER_MS % 1000) * 1000 };

        c->shut_pending = false;
        (void)shutdown(bufferevent_getfd(c->sock), SHUT_WR);
        evtimer_add(c->deadline, &tv);
}

/* The last reply is out: shut our side, read and drop what still comes.
 * Under TLS the reply (and close_notify) may still sit in the socket's
 * output: the shutdown waits for it, within the idle deadline. */
static void linger(struct conn *c)
{
        c->state = CS_LINGER;
        bufferevent_disable(c->bev, EV_WRITE);
        bufferevent_enable(c->bev, EV_READ);
        if (c->tls) {
                tls_bye(c->tls);
                if (evbuffer_get_length(bufferevent_get_output(c->sock)) > 0) {
                        c->shut_pending = true;
                        arm(c);
                        return;
                }
        }
        shut_and_linger(c);
}

/* TLS: the socket's output changed; once it is empty a pending shutdown goes. */
static void on_sock_output(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
        struct conn *c = arg;

        if (c->shut_pending && info->n_deleted && evbuffer_get_length(buf) == 0)
                shut_and_linger(c);
}

/* Output drained below the low-water mark: the next request, or the end. */
static void on_write(struct bufferevent *bev, void *arg)
{
        struct conn *c = arg;

        if (c->state != CS_WRITE)
                return;
        if (c->closing) {
                if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
                        linger(c);
                return;
        }
        if (c->skipping) {
                /* the refused request's body comes first */
                c->state = CS_READ;
                arm(c);
                resume(c);
                return;
        }
        next_request(c);
        resume(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
        struct conn *c = arg;

        if (what & BEV_EVENT_EOF)
                drop(c, c->state == CS_LINGER ? (c->shut_pending ? "last reply not taken in time"
                                                         : "reply sent, connection: close") :
                        c->started ? "end of file in a request" : "end of file");
        else if (what & BEV_EVENT_ERROR)
                drop(c, strerror(EVUTIL_SOCKET_ERROR()));
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
        struct conn *c = arg;

        if (c->state == CS_HELD)
                return;
        drop(c, c->state == CS_LINGER ? (c->shut_pending ? "last reply not taken in time"
                                                         : "reply sent, connection: close") :
                c->state == CS_WRITE ? "reply not taken in time" :
                c->started ? "request not completed in time" : "idle");
}

/* A connection that is only lingering, else the oldest that never
 * authenticated (whatever it did so far), else the oldest idle one; never
 * one whose request is served. */
static struct conn *victim(bool want_unix)
{
        for (struct conn *c = oldest; c; c = c->next)
                if (c->is_unix == want_unix && c->state == CS_LINGER)
                        return c;
        for (struct conn *c = oldest; c; c = c->next)
                if (c->is_unix == want_unix && !c->authenticated)
                        return c;
        for (struct conn *c = oldest; c; c = c->next)
                if (c->is_unix == want_unix && c->state == CS_READ && !c->started)
                        return c;
        return NULL;
}

bool conn_evict_one(void)
{
        struct conn *c = victim(false);

        if (!c)
                return false;
        drop(c, "evicted to make room");
        return true;
}

static void describe_peer(struct conn *c, int fd)
{
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);

        if (c->is_unix) {
                struct ucred cred;
                socklen_t len = sizeof(cred);
                snprintf(c->peer, sizeof(c->peer), "local");
                c->local = true;
                if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
                        c->have_uid = true;
                        c->uid = cred.uid;
                }
                return;
        }
        snprintf(c->peer, sizeof(c->peer), "?");
        if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
                return;
        if (ss.ss_family == AF_INET) {
                const struct in_addr *a = &((struct sockaddr_in *)&ss)->sin_addr;
                inet_ntop(AF_INET, a, c->peer, sizeof(c->peer));
                c->local = (ntohl(a->s_addr) >> 24) == 127;
        } else if (ss.ss_family == AF_INET6) {
                const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
                if (IN6_IS_ADDR_V4MAPPED(a)) {
                        inet_ntop(AF_INET, &a->s6_addr[12], c->peer, sizeof(c->peer));
                        c->local = a->s6_addr[12] == 127;
                } else {
                        inet_ntop(AF_INET6, a, c->peer, sizeof(c->peer));
                        c->local = IN6_IS_ADDR_LOOPBACK(a);
                }
        }
}

static void on_tls_fail(void *arg, const char *why)
{
        drop(arg, why);
}

/* Puts a TLS session between c and its socket (freed on failure). */
static int wrap_tls(struct conn *c, struct tls_creds *creds)
{
        struct tls_opts o = {
                .request_client_cert = config_bool("service.auth.certificate"),
                .max_client_chain = (size_t)config_long("service.max_client_cert_info"),
                .handshake_ms = config_long("service.idle_timeout_ms"),
        };

        if (o.handshake_ms > HANDSHAKE_MS)
                o.handshake_ms = HANDSHAKE_MS;

        /* ciphertext read ahead and written behind stays bounded too */
        bufferevent_setwatermark(c->sock, EV_READ, 0, HTTP_MAX_HEAD);
        bufferevent_setwatermark(c->sock, EV_WRITE, 0, WRITE_LOWAT);
        c->bev = tls_wrap(c->sock, creds, &o, on_tls_fail, c, &c->tls);
        if (!c->bev)
                return -ENOMEM;
        c->lst.tls = NULL;
        c->sock_out_cb = evbuffer_add_cb(bufferevent_get_output(c->sock), on_sock_output, c);
        return 0;
}

int conn_accept(int fd, const struct listen_info *l)
{
        bool is_unix = l->kind == LISTENER_UNIX;
        struct conn *c;
        int one = 1;

        if (is_unix ? n_unix >= UNIX_MAX : n_tcp >= tcp_cap()) {
                struct conn *v = victim(is_unix);
                if (!v) {
                        close(fd);
                        return -EMFILE;
                }
                drop(v, "evicted to make room");
        }
        c = calloc(1, sizeof(*c));
        if (!c) {
                close(fd);
                return -ENOMEM;
        }
        c->lst = *l;
        c->is_unix = is_unix;
        if (!is_unix)
                (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        describe_peer(c, fd);
        c->bev = bufferevent_socket_new(event_loop_base(), fd, BEV_OPT_CLOSE_ON_FREE);
        if (!c->bev) {
                close(fd);
                free(c);
                return -ENOMEM;
        }
        c->sock = c->bev;
        if (l->tls && wrap_tls(c, l->tls) < 0) {
                free(c);
                return -ENOMEM;
        }
        c->deadline = evtimer_new(event_loop_base(), on_deadline, c);
        if (!c->deadline) {
                if (c->tls)
                        tls_detach(c->tls);
                bufferevent_free(c->bev);
                free(c);
                return -ENOMEM;
        }
        hp_init(&c->rd);
        bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
        bufferevent_setwatermark(c->bev, EV_READ, 0, HTTP_MAX_HEAD);
        bufferevent_setwatermark(c->bev, EV_WRITE, WRITE_LOWAT, 0);
        bufferevent_enable(c->bev, EV_READ | EV_WRITE);
        c->prev = newest;
        if (newest)
                newest->next = c;
        else
                oldest = c;
        newest = c;
        if (is_unix)
                n_unix++;
        else
                n_tcp++;
        arm(c);
        log_debug("connection from %s (%u TCP, %u local open)", c->peer, n_tcp, n_unix);
        return 0;
}

void conn_read_body(struct conn *c, size_t limit)
{
        if (c->state != CS_HELD || c->rd.state != HP_HEAD_DONE)
                return;
        unhold(c);
        if (c->rd.head.expect_continue)
                bufferevent_write(c->bev, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        hp_read_body(&c->rd, limit, true);
        arm(c);
        resume(c);
}

/* "Date: ..." for the current second, kept until the next. */
static const char *date_header(void)
{
        static char buf[64];
        static time_t last;
        time_t now = time(NULL);
        struct tm tm;

        if (now != last && gmtime_r(&now, &tm)) {
                strftime(buf, sizeof(buf), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
                last = now;
        }
        return buf;
}

/* Whether the connection can carry another request after this reply; a
 * refused request's body is skipped when it is small and was announced. */
static bool keeps_going(struct conn *c)
{
        const struct hp_head *h = &c->rd.head;

        if (c->closing || c->rd.state == HP_ERROR || !h->keep_alive)
                return false;
        if (c->rd.state == HP_DONE)
                return true;
        if (c->rd.state != HP_HEAD_DONE)
                return false;
        /* answered before the body was read */
        if (h->chunked || h->expect_continue)
                return false;
        if (h->content_length > DRAIN_MAX)
                return false;
        hp_read_body(&c->rd, DRAIN_MAX, false);
        c->skipping = true;
        return true;
}

void conn_reply(struct conn *c, int status, const char *reason, const char *headers,
                const void *body, size_t len)
{
        struct evbuffer *out = bufferevent_get_output(c->bev);

        if (c->state != CS_HELD)
                return;
        unhold(c);
        if (!keeps_going(c))
                c->closing = true;
        evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n%s%sContent-Length: %zu\r\n%s\r\n", status, reason,
                            date_header(), headers ? headers : "", len,
                            c->closing ? "Connection: close\r\n" :
                            c->rd.head.minor == 0 ? "Connection: keep-alive\r\n" : "");
        if (len)
                evbuffer_add(out, body, len);
        c->state = CS_WRITE;
        c->data = NULL;
        bufferevent_setwatermark(c->bev, EV_WRITE, c->closing ? 0 : WRITE_LOWAT, 0);
        arm(c);
}

void conn_close_after(struct conn *c)
{
        c->closing = true;
}

void *conn_data(const struct conn *c)
{
        return c->data;
}

void conn_set_data(struct conn *c, void *data)
{
        c->data = data;
}

void conn_set_authenticated(struct conn *c)
{
        c->authenticated = true;
}

const struct listen_info *conn_listener(const struct conn *c)
{
        return &c->lst;
}

void conn_listener_closed(unsigned id)
{
        struct conn *c = oldest, *next;

        for (; c; c = next) {
                next = c->next;
                if (c->lst.id != id)
                        continue;
                if (c->state == CS_READ && !c->started)
                        drop(c, "its listener closed");
                else
                        c->closing = true;
        }
}

int conn_fd(const struct conn *c)
{
        return bufferevent_getfd(c->sock);
}

struct tls_conn *conn_tls(const struct conn *c)
{
        return c->tls;
}

const char *conn_peer(const struct conn *c)
{
        return c->peer;
}

bool conn_is_local(const struct conn *c)
{
        return c->local;
}

int conn_peer_uid(const struct conn *c, uid_t *uid)
{
        if (!c->have_uid)
                return -ENOENT;
        *uid = c->uid;
        return 0;
}

unsigned conn_open_tcp(void)
{
        return n_tcp;
}

unsigned conn_open_unix(void)
{
        return n_unix;
}

void conn_close_all(void)
{
        while (oldest)
                drop(oldest, "shutting down");
}
