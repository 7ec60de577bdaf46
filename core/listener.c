/* listener.c - listening sockets and their accept loops.
 *
 * Running out of descriptors must not spin the loop or lock out root: a
 * reserve descriptor is kept for the control socket (closed to accept one
 * administrator when the table is full), and a TCP listener that hits
 * EMFILE/ENFILE cuts the oldest unauthenticated connections and stops
 * accepting for a moment instead of retrying at once. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>

#include "config.h"
#include "conn.h"
#include "event.h"
#include "listener.h"
#include "log.h"
#include "priv.h"
#include "tls.h"
#include "util.h"

#define ACCEPT_BATCH 32           /* accepts per wake-up, to stay fair */
#define PAUSE_MS 100              /* after running out of descriptors */
#define EVICT_ON_EMFILE 4

static struct listener *all;
static unsigned next_id = 1;
static int reserve_fd = -1;

static void keep_reserve(void)
{
        if (reserve_fd < 0)
                reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void on_pause_end(evutil_socket_t fd, short what, void *arg)
{
        struct listener *l = arg;

        keep_reserve();
        event_add(l->accept_ev, NULL);
}

/* The control socket spends the reserve on one administrator; a TCP
 * listener makes room and pauses. */
static void out_of_descriptors(struct listener *l, int err)
{
        struct timeval tv = { 0, PAUSE_MS * 1000 };

        if (l->info.kind == LISTENER_UNIX && reserve_fd >= 0) {
                int fd;
                close(reserve_fd);
                reserve_fd = -1;
                fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd >= 0) {
                        (void)conn_accept(fd, &l->info);
                        log_warn("control socket: out of descriptors, the reserve served a client");
                }
                keep_reserve();
                return;
        }
        for (int i = 0; i < EVICT_ON_EMFILE && conn_evict_one(); i++)
                ;
        log_warn("%s: accept: %s; not accepting for %d ms", l->desc, strerror(err), PAUSE_MS);
        event_del(l->accept_ev);
        evtimer_add(l->pause_ev, &tv);
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
        struct listener *l = arg;

        for (int i = 0; i < ACCEPT_BATCH; i++) {
                int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

                if (fd < 0) {
                        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                                out_of_descriptors(l, errno);
                        /* EAGAIN: done; ECONNABORTED and the like: gone already */
                        return;
                }
                (void)conn_accept(fd, &l->info);
        }
}

/* A listener on the listening socket fd (taken over). */
static int listener_new(int fd, enum listener_kind kind, const char *transport, struct listener **ret)
{
        struct listener *l = calloc(1, sizeof(*l));

        if (!l) {
                close(fd);
                return -ENOMEM;
        }
        l->fd = fd;
        l->info.id = next_id++;
        l->info.kind = kind;
        l->info.transport = transport;
        l->accept_ev = event_new(event_loop_base(), fd, EV_READ | EV_PERSIST, on_accept, l);
        l->pause_ev = evtimer_new(event_loop_base(), on_pause_end, l);
        if (!l->accept_ev || !l->pause_ev || event_add(l->accept_ev, NULL) < 0) {
                if (l->accept_ev)
                        event_free(l->accept_ev);
                if (l->pause_ev)
                        event_free(l->pause_ev);
                close(fd);
                free(l);
                return -ENOMEM;
        }
        keep_reserve();
        l->next = all;
        all = l;
        *ret = l;
        return 0;
}

static gid_t admin_gid(void)
{
        const char *list = config_get("service.admin_groups");
        char g[128];

        while (next_word(&list, g, sizeof(g))) {
                struct group *gr = getgrnam(g);
                if (gr)
                        return gr->gr_gid;
        }
        return (gid_t)-1;
}

int listener_open_unix(const char *path, struct listener **ret)
{
        struct listener *l;
        int fd, r;

        fd = priv_listen_unix(path, admin_gid(), 0660);
        if (fd < 0)
                return fd;
        r = listener_new(fd, LISTENER_UNIX, "unix", &l);
        if (r < 0)
                return r;
        snprintf(l->desc, sizeof(l->desc), "%s", path);
        *ret = l;
        return 0;
}

int listener_try_bind(const struct tcp_spec *spec)
{
        int fd = priv_listen_tcp(spec->addr, spec->port, spec->freebind);

        if (fd < 0)
                return fd;
        close(fd);
        return 0;
}

int listener_open_tcp(const struct tcp_spec *spec, struct listener **ret)
{
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        struct listener *l;
        int fd, r;

        fd = priv_listen_tcp(spec->addr, spec->port, spec->freebind);
        if (fd < 0)
                return fd;
        r = listener_new(fd, LISTENER_TCP, spec->tls ? "https" : "http", &l);
        if (r < 0)
                return r;
        if (spec->tls)
                listener_set_tls(l, spec->tls, spec->tls_thumbprint);
        snprintf(l->ip, sizeof(l->ip), "%s", spec->addr);
        if (spec->url_prefix)
                snprintf(l->info.url_prefix, sizeof(l->info.url_prefix), "%s", spec->url_prefix);
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
                l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                         : ((struct sockaddr_in *)&ss)->sin_port);
        if (strchr(spec->addr, ':'))
                snprintf(l->desc, sizeof(l->desc), "[%s]:%d", spec->addr, l->port);
        else
                snprintf(l->desc, sizeof(l->desc), "%s:%d", spec->addr, l->port);
        *ret = l;
        return 0;
}

void listener_set_tls(struct listener *l, struct tls_creds *creds, const char *thumbprint)
{
        struct tls_creds *old = l->info.tls;

        l->info.tls = tls_creds_ref(creds);
        tls_creds_unref(old);
        snprintf(l->tls_thumbprint, sizeof(l->tls_thumbprint), "%s", thumbprint ? thumbprint : "");
}

void listener_close(struct listener *l)
{
        for (struct listener **p = &all; *p; p = &(*p)->next) {
                if (*p == l) {
                        *p = l->next;
                        break;
                }
        }
        if (l->info.kind == LISTENER_UNIX)
                (void)unlink(l->desc);
        event_free(l->accept_ev);
        event_free(l->pause_ev);
        close(l->fd);
        conn_listener_closed(l->info.id);
        tls_creds_unref(l->info.tls);
        free(l);
}

void listener_close_all(void)
{
        while (all)
                listener_close(all);
        if (reserve_fd >= 0)
                close(reserve_fd);
        reserve_fd = -1;
}
