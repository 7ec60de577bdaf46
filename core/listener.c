/* listener.c - binding sockets and giving each its evhttp. */
#include "autoconfig.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "config.h"
#include "conn.h"
#include "event.h"
#include "http.h"
#include "listener.h"
#include "log.h"
#include "priv.h"
#include "util.h"

static struct listener *all;

static void apply_limits(struct listener *l)
{
        long kb = config_long("max_envelope_kb");
        struct timeval tv = { config_long("service.idle_timeout_ms") / 1000,
                              (config_long("service.idle_timeout_ms") % 1000) * 1000 };

        /* Bodies up to 1 MiB over MaxEnvelopeSizekb are read and answered
         * with the precise w:EncodingLimit fault (http.c); evhttp refuses
         * anything larger while reading, with 413 and a close. */
        evhttp_set_max_body_size(l->http, (ev_ssize_t)kb * 1024 + 1024 * 1024);
        evhttp_set_max_headers_size(l->http, 64 * 1024);
        evhttp_set_timeout_tv(l->http, &tv);
}

void listener_apply_limits(void)
{
        for (struct listener *l = all; l; l = l->next)
                apply_limits(l);
}

static struct listener *listener_new(enum listener_kind kind, const char *transport)
{
        struct listener *l = calloc(1, sizeof(*l));

        if (!l)
                return NULL;
        l->kind = kind;
        l->transport = transport;
        l->http = evhttp_new(event_loop_base());
        if (!l->http) {
                free(l);
                return NULL;
        }
        evhttp_set_allowed_methods(l->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
        evhttp_set_gencb(l->http, http_handle, l);
        evhttp_set_bevcb(l->http, conn_bevcb, NULL);
        evhttp_set_default_content_type(l->http, "application/soap+xml;charset=UTF-8");
        apply_limits(l);
        return l;
}

static void link_listener(struct listener *l)
{
        l->next = all;
        all = l;
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
        struct evconnlistener *el;
        struct listener *l;
        int fd;

        fd = priv_listen_unix(path, admin_gid(), 0660);
        if (fd < 0)
                return fd;
        l = listener_new(LISTENER_UNIX, "unix");
        if (!l) {
                close(fd);
                return -ENOMEM;
        }
        el = evconnlistener_new(event_loop_base(), NULL, NULL,
                                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
        if (!el) {
                close(fd);
                evhttp_free(l->http);
                free(l);
                return -ENOMEM;
        }
        l->bound = evhttp_bind_listener(l->http, el);
        snprintf(l->desc, sizeof(l->desc), "%s", path);
        link_listener(l);
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
        struct evconnlistener *el;
        struct listener *l;
        const char *addr = spec->addr;
        int fd;

        fd = priv_listen_tcp(spec->addr, spec->port, spec->freebind);
        if (fd < 0)
                return fd;
        l = listener_new(LISTENER_TCP, "http");
        if (!l) {
                close(fd);
                return -ENOMEM;
        }
        el = evconnlistener_new(event_loop_base(), NULL, NULL,
                                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
        if (!el) {
                close(fd);
                evhttp_free(l->http);
                free(l);
                return -ENOMEM;
        }
        l->bound = evhttp_bind_listener(l->http, el);
        snprintf(l->ip, sizeof(l->ip), "%s", addr);
        if (spec->url_prefix)
                snprintf(l->url_prefix, sizeof(l->url_prefix), "%s", spec->url_prefix);
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
                l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                         : ((struct sockaddr_in *)&ss)->sin_port);
        if (strchr(addr, ':'))
                snprintf(l->desc, sizeof(l->desc), "[%s]:%d", addr, l->port);
        else
                snprintf(l->desc, sizeof(l->desc), "%s:%d", addr, l->port);
        link_listener(l);
        *ret = l;
        return 0;
}

void listener_close(struct listener *l)
{
        for (struct listener **p = &all; *p; p = &(*p)->next) {
                if (*p == l) {
                        *p = l->next;
                        break;
                }
        }
        if (l->kind == LISTENER_UNIX)
                (void)unlink(l->desc);
        evhttp_free(l->http);
        free(l);
}

void listener_close_all(void)
{
        while (all)
                listener_close(all);
}
