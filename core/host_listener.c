/* host_listener.c - the listener part of the winrmd_host table: records
 * staged in the request's transaction, checked against each other and
 * against what the host can bind before anything is stored. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "config.h"
#include "host_listener.h"
#include "lman.h"
#include "lrec.h"
#include "request.h"

#define MAX_CMDLINE 16

/* Listeners given with --listen: served, never stored, shown read-only
 * after the store's records (Source = CommandLine). */
static struct lrec cmdline[MAX_CMDLINE];
static size_t n_cmdline;

int hl_add_cmdline(const char *ip, int port)
{
        unsigned char bin[16];
        char text[INET6_ADDRSTRLEN];
        int af = strchr(ip, ':') ? AF_INET6 : AF_INET;
        struct lrec *l;

        if (n_cmdline >= MAX_CMDLINE)
                return -E2BIG;
        if (port < 1 || port > 65535 || inet_pton(af, ip, bin) != 1 || !inet_ntop(af, bin, text, sizeof(text)))
                return -EINVAL;
        l = &cmdline[n_cmdline++];
        memset(l, 0, sizeof(*l));
        snprintf(l->address, sizeof(l->address), "IP:%s", text);
        snprintf(l->transport, sizeof(l->transport), "HTTP");
        l->port = port;
        l->enabled = 1;
        return 0;
}

/* The store's list as this request sees it: staged, else committed. */
static size_t view_count(const winrmd_ctx *c)
{
        long n = config_txn_listener_count(c->st.txn);

        return n >= 0 ? (size_t)n : config_listener_count();
}

static const char *view_line(const winrmd_ctx *c, size_t i)
{
        return config_txn_listener_count(c->st.txn) >= 0 ? config_txn_listener(c->st.txn, i) : config_listener(i);
}

size_t hl_count(const winrmd_ctx *c)
{
        return view_count(c) + n_cmdline;
}

int hl_get(const winrmd_ctx *c, size_t i, struct lrec *out)
{
        size_t n = view_count(c);
        const char *line = i < n ? view_line(c, i) : NULL;

        if (i >= n && i - n < n_cmdline) {
                /* it serves Client/URLPrefix, whatever that is now */
                *out = cmdline[i - n];
                snprintf(out->url_prefix, sizeof(out->url_prefix), "%s", config_get("client.url_prefix"));
                return 0;
        }
        return line && lrec_parse(line, out) == 0 ? 0 : -ENOENT;
}

const char *hl_source(const winrmd_ctx *c, size_t i)
{
        size_t n = view_count(c);

        return i >= n && i - n < n_cmdline ? "CommandLine" : NULL;
}

/* Stages lines[0..n) plus, at index (or appended when index == n), repl. */
static int stage(winrmd_ctx *c, const char **lines, size_t n)
{
        if (!c->st.txn) {
                c->st.txn = config_txn_new();
                if (!c->st.txn)
                        return -ENOMEM;
        }
        return config_txn_set_listeners(c->st.txn, lines, n);
}

/* True when in holds what old holds, once in is in canonical form. */
static bool same_record(const struct lrec *in, const struct lrec *old)
{
        struct lrec a = *in;
        char x[1024], y[1024];

        return lrec_check_fields(&a) == 0 && lrec_format(&a, x, sizeof(x)) == 0 &&
               lrec_format(old, y, sizeof(y)) == 0 && !strcmp(x, y);
}

int hl_set(winrmd_ctx *c, long index, const struct lrec *in)
{
        size_t n = view_count(c);
        struct lrec l = *in, other, old;
        char line[1024];
        const char **lines;
        bool have_old = index >= 0 && hl_get(c, (size_t)index, &old) == 0;
        int r;

        if (index >= 0 && !have_old)
                return -ENOENT;
        if (index >= 0 && hl_source(c, (size_t)index))
                return -EROFS;
        /* a record put back as it is changes nothing: its line in the
         * store stays as written */
        if (have_old && same_record(in, &old))
                return 0;
        l.address[sizeof(l.address) - 1] = l.transport[sizeof(l.transport) - 1] = '\0';
        l.hostname[sizeof(l.hostname) - 1] = l.url_prefix[sizeof(l.url_prefix) - 1] = '\0';
        l.thumbprint[sizeof(l.thumbprint) - 1] = '\0';
        /* an HTTPS listener names the host its certificate must name: by
         * default this host's name, as WinRM's quickconfig does */
        if (!strcasecmp(l.transport, "HTTPS") && !l.hostname[0] && gethostname(l.hostname, sizeof(l.hostname) - 1) < 0)
                l.hostname[0] = '\0';
        if (lrec_check_fields(&l) < 0)
                return -EINVAL;
        for (size_t i = 0; i < hl_count(c); i++)
                if ((long)i != index && hl_get(c, i, &other) == 0 && lrec_conflict(&l, &other))
                        return -EEXIST;
        r = lman_check(&l, have_old ? &old : NULL, c->st.record_error, sizeof(c->st.record_error));
        if (r < 0)
                return r;
        if (lrec_format(&l, line, sizeof(line)) < 0)
                return -EINVAL;
        lines = calloc(n + 1, sizeof(*lines));
        if (!lines)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                lines[i] = view_line(c, i);
        if (index >= 0)
                lines[index] = line;
        else
                lines[n++] = line;
        /* the staged copy replaces the list the pointers came from */
        r = stage(c, lines, n);
        free(lines);
        return r;
}

int hl_remove(winrmd_ctx *c, size_t index)
{
        size_t n = view_count(c), k = 0;
        const char **lines;
        int r;

        if (hl_source(c, index))
                return -EROFS;
        if (index >= n)
                return -ENOENT;
        lines = calloc(n ? n : 1, sizeof(*lines));
        if (!lines)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (i != index)
                        lines[k++] = view_line(c, i);
        r = stage(c, lines, k);
        free(lines);
        return r;
}

size_t hl_bound(const winrmd_ctx *c, size_t i, char *buf, size_t len)
{
        struct lrec l;

        if (len)
                buf[0] = '\0';
        if (hl_get(c, i, &l) < 0)
                return 0;
        if (hl_source(c, i)) {
                snprintf(buf, len, "%s", lrec_ip(&l));
                return 1;
        }
        return lman_bound(&l, buf, len);
}
