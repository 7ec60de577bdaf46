/* lman.c - listener records -> bound sockets.  An HTTPS record serves the
 * certificate its CertificateThumbprint names (whatever its state: the
 * administrator chose it, and Create/Put checked it), or, with no
 * thumbprint, the newest certificate in the store that is valid now and
 * names its Hostname; every change of the store re-resolves them, and a
 * new certificate reaches new connections without closing the socket. */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/event.h>

#include "certstore.h"
#include "config.h"
#include "event.h"
#include "listener.h"
#include "lman.h"
#include "log.h"
#include "lrec.h"
#include "netif.h"
#include "tls.h"

#define MAX_WANTS NETIF_MAX_ADDRS
#define RETRY_SECONDS 5

struct want {
        char ip[64];
        int port;
        char url_prefix[64];
        bool freebind;
        bool https;
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

        if (!r->enabled)
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
                out[i].https = !strcmp(r->transport, "HTTPS");
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

static const char *scheme(const struct want *w)
{
        return w->https ? "https" : "http";
}

static void close_binding(struct binding *b)
{
        log_info("listener %s://%s/%s closed", scheme(&b->w), b->l->desc, b->w.url_prefix);
        listener_close(b->l);
        free(b);
}

static bool open_binding(const struct want *w, const struct cert_info *cert)
{
        struct tcp_spec spec = { .addr = w->ip, .port = w->port, .url_prefix = w->url_prefix,
                                 .freebind = w->freebind, .tls = cert ? certstore_creds(cert) : NULL,
                                 .tls_thumbprint = cert ? cert->thumbprint : NULL };
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
        log_info("listener %s://%s/%s bound%s%s", scheme(w), l->desc, w->url_prefix,
                 cert ? ", certificate " : "", cert ? cert->thumbprint : "");
        return true;
}

/* The certificate record r serves now (see the top of the file), or NULL
 * with the reason in why. */
static const struct cert_info *cert_for(const struct lrec *r, char *why, size_t len)
{
        const struct cert_info *c;

        if (r->thumbprint[0]) {
                c = certstore_find(r->thumbprint);
                if (!c)
                        snprintf(why, len, "the certificate %s is not in the store", r->thumbprint);
                return c;
        }
        c = certstore_newest_for(r->hostname, time(NULL));
        if (!c)
                snprintf(why, len, "no certificate in the store is valid now for the host name \"%s\"",
                         r->hostname);
        return c;
}

/* An HTTPS binding kept: new connections get cert's credentials (none:
 * keep serving the ones it has).  A reread makes new credentials even for
 * the same certificate (the client CAs may have changed): they replace the
 * old ones, quietly when the certificate is the same. */
static void update_cert(struct binding *b, const struct cert_info *cert)
{
        struct tls_creds *creds = cert ? certstore_creds(cert) : NULL;
        bool same = cert && !strcmp(b->l->tls_thumbprint, cert->thumbprint);

        if (!creds || creds == b->l->info.tls)
                return;
        listener_set_tls(b->l, creds, cert->thumbprint);
        if (!same)
                log_info("listener https://%s/%s: certificate %s for new connections", b->l->desc,
                         b->w.url_prefix, cert->thumbprint);
}

struct pending {
        struct want w;
        const struct cert_info *cert;
};

void lman_sync(void)
{
        struct want w[MAX_WANTS];
        struct pending *all = NULL;
        size_t n_all = 0, cap = 0;
        bool failed = false;

        for (struct binding *b = bindings; b; b = b->next)
                b->keep = false;
        for (size_t i = 0; i < config_listener_count(); i++) {
                const struct cert_info *cert = NULL;
                char why[512];
                struct lrec r;
                int n;
                if (lrec_parse(config_listener(i), &r) < 0)
                        continue;
                n = wants_for(&r, w, MAX_WANTS);
                if (n > 0 && !strcmp(r.transport, "HTTPS") && !(cert = cert_for(&r, why, sizeof(why))))
                        log_warn("listener %s port %d (HTTPS): %s", r.address, (int)r.port, why);
                for (int k = 0; k < n; k++) {
                        struct binding *b = find_binding(&w[k]);
                        if (b && !strcmp(b->w.url_prefix, w[k].url_prefix) && b->w.https == w[k].https) {
                                b->keep = true;
                                if (b->w.https)
                                        update_cert(b, cert);
                                continue;
                        }
                        if (w[k].https && !cert)
                                continue;       /* bound when the store has one */
                        if (n_all == cap) {
                                struct pending *p = realloc(all, (cap ? cap * 2 : 8) * sizeof(*p));
                                if (!p)
                                        continue;
                                all = p;
                                cap = cap ? cap * 2 : 8;
                        }
                        all[n_all].w = w[k];
                        all[n_all++].cert = cert;
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
                if (!open_binding(&all[i].w, all[i].cert))
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

/* Create/Put: an HTTPS record's certificate must be in the store and fit
 * (valid now, for server authentication, naming the Hostname); with no
 * thumbprint, one that fits must exist. */
static int check_cert(const struct lrec *l, char *why, size_t len)
{
        const struct cert_info *c;

        if (!l->thumbprint[0]) {
                if (certstore_newest_for(l->hostname, time(NULL)))
                        return 0;
                snprintf(why, len, "No certificate in the store is valid now for server authentication and names the host \"%s\"; add one to the certificate store or name one with CertificateThumbprint.",
                         l->hostname);
                return -EKEYREJECTED;
        }
        c = certstore_find(l->thumbprint);
        if (!c) {
                snprintf(why, len, "The requested certificate was not found.");
                return -ENOKEY;
        }
        return certstore_check_server(c, l->hostname, time(NULL), why, len);
}

int lman_check(const struct lrec *l, const struct lrec *old, char *why, size_t why_len)
{
        struct want w[MAX_WANTS];
        char mac[18], addrs[1][64];
        int n, r;

        if (why_len)
                why[0] = '\0';
        if (lrec_mac(l, mac) && netif_addrs_by_mac(mac, addrs, 1) == -ENODEV)
                return -ENODEV;
        if (l->enabled && !strcmp(l->transport, "HTTPS") && (r = check_cert(l, why, why_len)) < 0)
                return r;
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
        for (int i = 0; i < n; i++) {
                struct binding *b = find_binding(&w[i]);
                if (b && b->w.https && b->l->tls_thumbprint[0]) {
                        snprintf(buf + used, len - used, "%scert=%s", used ? " " : "", b->l->tls_thumbprint);
                        break;
                }
        }
        return count;
}
