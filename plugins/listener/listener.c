/* listener.c - the Listener resource in both generations: the seed's
 * wsman:microsoft.com/wsman/2005/06/config/Listener (selectors IP, Port)
 * and today's .../wsman/1/config/listener (selectors Address, Transport,
 * and Port when listeners share the first two).  IP and Port identify a
 * record.  Records live in the core, which binds them; this provider
 * translates selectors and documents into records and back. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <winrmd/provider.h>

#include "listener_xml.h"

static const winrmd_host *host;

/* A listener given with winrmd's --listen option is served but not
 * stored: it shows, and only the command line changes it. */
static winrmd_status read_only_record(winrmd_ctx *ctx, const struct lxrec *l)
{
        char msg[300];

        snprintf(msg, sizeof(msg), "The listener on %s port %d was given with winrmd's --listen option "
                 "(Source=CommandLine) and is read-only: change winrmd's command line to change or remove it.",
                 lx_legacy_ip(l), (int)l->port);
        return host->fault(ctx, WINRMD_E_DENIED, msg);
}

static winrmd_status fault_for(winrmd_ctx *ctx, int r, const struct lxrec *l)
{
        const char *why;
        char msg[512];

        switch (r) {
        case -EEXIST:
                snprintf(msg, sizeof(msg), "A listener on IP %s and port %d already exists; listeners are "
                         "told apart by IP and port (IP * and MAC listeners count as IP *).",
                         lx_legacy_ip(l), (int)l->port);
                return host->fault(ctx, WINRMD_E_EXISTS, msg);
        case -EADDRNOTAVAIL:
                snprintf(msg, sizeof(msg), "The address %s is not an address of this host.", l->address);
                return host->fault(ctx, WINRMD_E_INVALID_VALUE, msg);
        case -EADDRINUSE:
                snprintf(msg, sizeof(msg), "Port %d is already in use on %s.", (int)l->port, l->address);
                return host->fault(ctx, WINRMD_E_INVALID_VALUE, msg);
        case -ENODEV:
                snprintf(msg, sizeof(msg), "No network interface has the MAC address %s.", l->address + 4);
                return host->fault(ctx, WINRMD_E_INVALID_VALUE, msg);
        case -ENOKEY:
                return host->fault(ctx, WINRMD_E_CERT_NOT_FOUND, NULL);
        case -ENOENT:
                return host->fault(ctx, WINRMD_E_NOT_FOUND, NULL);
        case -EROFS:
                return read_only_record(ctx, l);
        default:
                /* the certificate's problems, in the core's words */
                why = host->record_error(ctx);
                return host->fault(ctx, WINRMD_E_INVALID_VALUE,
                                   why && *why ? why : "The listener has a field that is not valid.");
        }
}

/* How many records key names (lx_same); the index of the first in *first. */
static size_t count_named(winrmd_ctx *ctx, const struct lview *v, const struct lxrec *key, long *first)
{
        struct lxrec l;
        size_t n = 0;

        for (size_t i = 0; i < host->record_count(ctx, "listener"); i++)
                if (lx_read(host, ctx, i, &l) == 0 && lx_same(v, key, &l) && n++ == 0)
                        *first = (long)i;
        return n;
}

/* The record the selectors name: its index, or a fault status in *st.
 * Today's Address and Transport shared by several records need Port. */
static long find(winrmd_ctx *ctx, const struct lview *v, struct lxrec *key, winrmd_status *st)
{
        char msg[300];
        long i = -1;
        size_t n;

        *st = lx_selectors(host, ctx, v, key);
        if (*st != WINRMD_OK)
                return -1;
        n = count_named(ctx, v, key, &i);
        if (n == 1)
                return i;
        if (!n) {
                *st = host->fault(ctx, WINRMD_E_NOT_FOUND, NULL);
                return -1;
        }
        snprintf(msg, sizeof(msg), "%zu listeners have Address %s and Transport %s; add the Port selector "
                 "to name one of them.", n, key->address, key->transport);
        *st = host->fault(ctx, WINRMD_E_SELECTORS, msg);
        return -1;
}

static winrmd_status render_index(winrmd_ctx *ctx, const struct lview *v, size_t i)
{
        struct lxrec l;
        char bound[1024];

        if (lx_read(host, ctx, i, &l) < 0)
                return host->fault(ctx, WINRMD_E_NOT_FOUND, NULL);
        host->record_status(ctx, "listener", i, bound, sizeof(bound));
        lx_render(host, ctx, v, &l, bound);
        return WINRMD_OK;
}

static winrmd_status l_get(winrmd_ctx *ctx)
{
        const struct lview *v = lx_view(host->resource_uri(ctx));
        struct lxrec key;
        winrmd_status st;
        long i = find(ctx, v, &key, &st);

        return i < 0 ? st : render_index(ctx, v, (size_t)i);
}

typedef int (*add_selector)(winrmd_ctx *ctx, const char *name, const char *value);

/* The selectors that name l, given to add (ResourceCreated's, or an
 * enumerated item's): the seed's IP and Port; today's Address and
 * Transport, and Port when another record shares those two or l is the
 * --listen record (which only a Port selector names in today's view). */
static void key_selectors(winrmd_ctx *ctx, const struct lview *v, const struct lxrec *l, add_selector add)
{
        struct lxrec key = *l;
        char port[16];
        long first;

        snprintf(port, sizeof(port), "%d", (int)l->port);
        if (v->legacy) {
                add(ctx, "IP", lx_legacy_ip(l));
                add(ctx, "Port", port);
                return;
        }
        add(ctx, "Address", l->address);
        add(ctx, "Transport", l->transport);
        key.port = 0;
        if (l->source[0] || count_named(ctx, v, &key, &first) > 1)
                add(ctx, "Port", port);
}

static winrmd_status l_enumerate(winrmd_ctx *ctx)
{
        const struct lview *v = lx_view(host->resource_uri(ctx));
        bool named = WINRMD_HOST_HAS(host, item_selector);
        struct lxrec l;

        for (size_t i = 0; i < host->record_count(ctx, "listener"); i++) {
                render_index(ctx, v, i);
                /* each item carries its key: EnumerateEPR, SelectorFilter */
                if (named && lx_read(host, ctx, i, &l) == 0)
                        key_selectors(ctx, v, &l, host->item_selector);
        }
        return WINRMD_OK;
}

static winrmd_status l_create(winrmd_ctx *ctx)
{
        const struct lview *v = lx_view(host->resource_uri(ctx));
        struct lxrec l;
        winrmd_status st;
        int32_t sel_port;
        char msg[200];
        int r;

        st = lx_selectors(host, ctx, v, &l);
        if (st != WINRMD_OK)
                return st;
        sel_port = l.port;      /* 0: today's view without a Port selector */
        lx_defaults(host, v, &l);
        st = lx_apply_body(host, ctx, v, &l, true);
        if (st != WINRMD_OK)
                return st;
        if (sel_port && l.port != sel_port) {
                snprintf(msg, sizeof(msg), "The Port element (%d) disagrees with the Port selector (%d); "
                         "leave the element out or give the same port.", (int)l.port, (int)sel_port);
                return host->fault(ctx, WINRMD_E_READ_ONLY, msg);
        }
        r = lx_write(host, ctx, host->record_count(ctx, "listener"), &l);
        if (r < 0)
                return fault_for(ctx, r, &l);
        key_selectors(ctx, v, &l, host->created_selector);
        return WINRMD_OK;
}

static winrmd_status l_put(winrmd_ctx *ctx)
{
        const struct lview *v = lx_view(host->resource_uri(ctx));
        struct lxrec key, l;
        winrmd_status st;
        long i = find(ctx, v, &key, &st);
        int r;

        if (i < 0)
                return st;
        lx_read(host, ctx, (size_t)i, &l);
        if (l.source[0])
                return read_only_record(ctx, &l);
        st = lx_apply_body(host, ctx, v, &l, false);
        if (st != WINRMD_OK)
                return st;
        r = lx_write(host, ctx, (size_t)i, &l);
        if (r < 0)
                return fault_for(ctx, r, &l);
        /* The reply is built before the change is bound: ListeningOn shows
         * the addresses the staged record holds now (none once disabled; a
         * new port shows in a Get after the reply). */
        return render_index(ctx, v, (size_t)i);
}

static winrmd_status l_remove(winrmd_ctx *ctx)
{
        const struct lview *v = lx_view(host->resource_uri(ctx));
        struct lxrec key;
        winrmd_status st;
        long i = find(ctx, v, &key, &st);
        int r;

        if (i < 0)
                return st;
        if (lx_read(host, ctx, (size_t)i, &key) == 0 && key.source[0])
                return read_only_record(ctx, &key);
        r = host->record_remove(ctx, "listener", (size_t)i);
        return r < 0 ? fault_for(ctx, r, &key) : WINRMD_OK;
}

#define RES(u, f) { .uri = u, .flags = (f) | WINRMD_URI_LOCAL_WRITE, .get = l_get, .put = l_put, \
                    .create = l_create, .remove = l_remove, .enumerate = l_enumerate }
static const winrmd_resource resources[] = {
        RES(LX_LEGACY_URI, 0),
        RES(LX_CURRENT_URI, WINRMD_URI_CASELESS),
        RES("winrm/config/listener", WINRMD_URI_CASELESS),
        { .uri = NULL }
};

static int l_load(const winrmd_host *h, void **ret_state, char *reason, size_t reason_len)
{
        if (!WINRMD_HOST_HAS(h, record_error)) {
                snprintf(reason, reason_len, "this winrmd's host table lacks record_error");
                return -1;
        }
        host = h;
        *ret_state = NULL;
        return 0;
}

/* The provider's entry: the Listener resources, no state of its own. */
__attribute__((visibility("default")))
const winrmd_provider winrmd_provider_v1 = {
        WINRMD_PROVIDER_INIT,
        .name = "listener",
        .version = WINRMD_VERSION,
        .resources = resources,
        .load = l_load,
};
