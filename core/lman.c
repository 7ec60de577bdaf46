/* lman.c - listener records -> bound sockets. */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/event.h>

#include "config.h"
#include "event.h"
#include "listener.h"
#include "lman.h"
#include "log.h"
#include "lrec.h"
#include "netif.h"

#define MAX_WANTS NETIF_MAX_ADDRS
#define RETRY_SECONDS 5

struct want {
        char ip[64];
        int port;
        char url_prefix[64];
        bool freebind;
};

struct binding {
        struct binding *next;
        struct want w;
        struct listener *l;
        bool keep;
};

static struct binding *bindings;
static struct event *retry_ev;

/* The sockets record r asks for now. */
static int wants_for(const struct lrec *r, struct want *out, size_t max)
{
        char addrs[MAX_WANTS][64], mac[18];
        int n = 0;

        if (!r->enabled || strcmp(r->transport, "HTTP"))
                return 0;
        if (!strcmp(r->address, "*")) {
                snprintf(addrs[n++], 64, "0.0.0.0");
                snprintf(addrs[n++], 64, "::");
        } else if (lrec_ip(r)) {
                snprintf(addrs[n++], 64, "%s", lrec_ip(r));
        } else if (lrec_mac(r, mac)) {
                n = netif_addrs_by_mac(mac, addrs, MAX_WANTS);
                if (n < 0)
                        return 0;
        }
        for (int i = 0; i < n && (size_t)i < max; i++) {
                memcpy(out[i].ip, addrs[i], sizeof(out[i].ip));
                out[i].ip[sizeof(out[i].ip) - 1] = '\0';
                out[i].port = r->port;
                snprintf(out[i].url_prefix, sizeof(out[i].url_prefix), "%s", r->url_prefix);
                out[i].freebind = r->address[0] == 'M';
        }
        return n;
}

static struct binding *find_binding(const struct want *w)
{
        for (struct binding *b = bindings; b; b = b->next)
                if (b->w.port == w->port && !strcmp(b->w.ip, w->ip))
                        return b;
        return NULL;
}

static void retry_cb(evutil_socket_t fd, short what, void *arg)
{
        lman_sync();
}

static void schedule_retry(void)
{
        struct timeval tv = { RETRY_SECONDS, 0 };

        if (!retry_ev)
                retry_ev = evtimer_new(event_loop_base(), retry_cb, NULL);
        if (retry_ev && !evtimer_pending(retry_ev, NULL))
                evtimer_add(retry_ev, &tv);
}

static void close_binding(struct binding *b)
{
        log_info("listener http://%s/%s closed", b->l->desc, b->w.url_prefix);
        listener_close(b->l);
        free(b);
}

static bool open_binding(const struct want *w)
{
        struct tcp_spec spec = { .addr = w->ip, .port = w->port, .url_prefix = w->url_prefix,
                                 .freebind = w->freebind };
        struct binding *b;
        struct listener *l;
        int r = listener_open_tcp(&spec, &l);

        if (r < 0) {
                log_err("listener %s port %d: %s (retrying every %d s)", w->ip, w->port, strerror(-r),
                        RETRY_SECONDS);
                return false;
        }
        b = calloc(1, sizeof(*b));
        if (!b) {
                listener_close(l);
                return false;
        }
        b->w = *w;
        b->l = l;
        b->keep = true;
        b->next = bindings;
        bindings = b;
        log_info("listener http://%s/%s bound", l->desc, w->url_prefix);
        return true;
}

void lman_sync(void)
{
        struct want w[MAX_WANTS];
        struct want *all = NULL;
        size_t n_all = 0, cap = 0;
        bool failed = false;

        for (struct binding *b = bindings; b; b = b->next)
                b->keep = false;
        for (size_t i = 0; i < config_listener_count(); i++) {
                struct lrec r;
                int n;
                if (lrec_parse(config_listener(i), &r) < 0)
                        continue;
                n = wants_for(&r, w, MAX_WANTS);
                for (int k = 0; k < n; k++) {
                        struct binding *b = find_binding(&w[k]);
                        if (b && !strcmp(b->w.url_prefix, w[k].url_prefix)) {
                                b->keep = true;
                                continue;
                        }
                        if (n_all == cap) {
                                struct want *p = realloc(all, (cap ? cap * 2 : 8) * sizeof(*p));
                                if (!p)
                                        continue;
                                all = p;
                                cap = cap ? cap * 2 : 8;
                        }
                        all[n_all++] = w[k];
                }
        }
        /* close first: a changed record may reuse the address it held */
        for (struct binding **p = &bindings; *p;) {
                struct binding *b = *p;
                if (b->keep) {
                        p = &b->next;
                        continue;
                }
                *p = b->next;
                close_binding(b);
        }
        for (size_t i = 0; i < n_all; i++)
                if (!open_binding(&all[i]))
                        failed = true;
        free(all);
        if (failed)
                schedule_retry();
}

static void on_netif_change(void *arg)
{
        lman_sync();
}

int lman_start(void)
{
        int r = netif_watch(on_netif_change, NULL);

        if (r < 0)
                log_warn("netlink: %s: MAC listeners will not follow address changes", strerror(-r));
        lman_sync();
        return 0;
}

void lman_stop(void)
{
        netif_unwatch();
        while (bindings) {
                struct binding *b = bindings;
                bindings = b->next;
                listener_close(b->l);
                free(b);
        }
        if (retry_ev)
                event_free(retry_ev);
        retry_ev = NULL;
}

int lman_check(const struct lrec *l, const struct lrec *old)
{
        struct want w[MAX_WANTS];
        char mac[18], addrs[1][64];
        int n, r;

        if (strcmp(l->transport, "HTTP"))
                return -ENOTSUP;
        if (lrec_mac(l, mac) && netif_addrs_by_mac(mac, addrs, 1) == -ENODEV)
                return -ENODEV;
        n = wants_for(l, w, MAX_WANTS);
        for (int i = 0; i < n; i++) {
                struct tcp_spec spec = { .addr = w[i].ip, .port = w[i].port, .freebind = w[i].freebind };
                if (find_binding(&w[i]) && old && old->enabled && old->port == l->port &&
                    !strcmp(old->address, l->address))
                        continue;
                r = listener_try_bind(&spec);
                if (r < 0)
                        return r;
        }
        return 0;
}

size_t lman_bound(const struct lrec *l, char *buf, size_t len)
{
        struct want w[MAX_WANTS];
        int n = wants_for(l, w, MAX_WANTS);
        size_t count = 0, used = 0;

        if (len)
                buf[0] = '\0';
        for (int i = 0; i < n; i++) {
                int k;
                if (!find_binding(&w[i]))
                        continue;
                k = snprintf(buf + used, len - used, "%s%s", count ? " " : "", w[i].ip);
                if (k < 0 || (size_t)k >= len - used)
                        break;
                used += (size_t)k;
                count++;
        }
        return count;
}
