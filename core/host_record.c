/* host_record.c - durable records for providers.  Listener records keep
 * their own lines and checks (host_listener.c); every other kind is a
 * "record = KIND FIELDS" line of the store, staged in the request like
 * configuration keys.  "security" records are checked here: a resource
 * that is served, and a descriptor that parses, one record per resource.
 * "certmapping" records (client certificates to accounts) are checked by
 * certmap.c, one per Issuer, Subject and URI.  A provider's own kinds
 * start with its name and a dot. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certmap.h"
#include "config.h"
#include "host_listener.h"
#include "host_record.h"
#include "lrec.h"
#include "plugin.h"
#include "record.h"
#include "request.h"
#include "sddl.h"

#define LIVE(c) ((c) && !(c)->st.dead)

static bool is_listener(const char *kind)
{
        return !strcmp(kind, "listener");
}

/* The staged or stored lines; those of kind are the matches. */
static size_t lines_of(const winrmd_ctx *c, const char *const **lines)
{
        return config_records(LIVE(c) ? c->st.txn : NULL, lines);
}

static bool of_kind(const char *line, const char *kind)
{
        size_t n = strlen(kind);

        return !strncmp(line, kind, n) && line[n] == ' ';
}

/* The i-th line of kind: its index among all lines, or -1. */
static long nth(const char *const *lines, size_t n, const char *kind, size_t i)
{
        for (size_t k = 0; k < n; k++)
                if (of_kind(lines[k], kind) && i-- == 0)
                        return (long)k;
        return -1;
}

size_t hr_count(const winrmd_ctx *c, const char *kind)
{
        const char *const *lines;
        size_t n, count = 0;

        if (!LIVE(c) || !kind)
                return 0;
        if (is_listener(kind))
                return hl_count(c);
        n = lines_of(c, &lines);
        for (size_t k = 0; k < n; k++)
                count += of_kind(lines[k], kind);
        return count;
}

/* The listener record's text, fields as the store writes them. */
static int listener_text(const winrmd_ctx *c, size_t i, char *buf, size_t len)
{
        struct lrec l;

        return hl_get(c, i, &l) < 0 ? -ENOENT : lrec_format(&l, buf, len);
}

const char *hr_field(const winrmd_ctx *c, const char *kind, size_t i, const char *name)
{
        char text[RECORD_MAX], value[RECORD_MAX];
        const char *const *lines;
        size_t n;
        long at;

        if (!LIVE(c) || !kind || !name)
                return NULL;
        if (is_listener(kind) && !strcmp(name, "source"))
                return hl_source(c, i);
        if (is_listener(kind)) {
                if (listener_text(c, i, text, sizeof(text)) < 0)
                        return NULL;
        } else {
                n = lines_of(c, &lines);
                at = nth(lines, n, kind, i);
                if (at < 0)
                        return NULL;
                snprintf(text, sizeof(text), "%s", lines[at] + strlen(kind) + 1);
        }
        if (record_field(text, name, value, sizeof(value)) < 0)
                return NULL;
        return request_keep((winrmd_ctx *)c, value);
}

/* Whether the provider serving c may change records of kind. */
static bool may_write(const winrmd_ctx *c, const char *kind)
{
        const char *me = c->in.res ? plugin_name(c->in.res) : "";
        size_t n = strlen(me);

        if (!strcmp(kind, "security") || !strcmp(kind, "certmapping"))
                return true;
        return n > 0 && !strncmp(kind, me, n) && kind[n] == '.' && kind[n + 1];
}

/* The security kind's checks: uri served, sddl parses, one per uri. */
static int check_security(const char *const *lines, size_t n, const char *text, long replacing)
{
        char uri[1024], sddl[RECORD_MAX], other[1024];
        struct sddl parsed;

        if (record_field(text, "uri", uri, sizeof(uri)) < 0 || record_field(text, "sddl", sddl, sizeof(sddl)) < 0 ||
            !plugin_find(uri) || strcmp(plugin_find(uri)->res.uri, uri) || sddl_parse(sddl, &parsed, NULL) < 0)
                return -EINVAL;
        for (size_t k = 0; k < n; k++)
                if ((long)k != replacing && of_kind(lines[k], "security") &&
                    record_field(lines[k] + 9, "uri", other, sizeof(other)) == 0 && !strcmp(other, uri))
                        return -EEXIST;
        return 0;
}

/* The certmapping kind's checks (text canonicalised in place). */
static int check_certmapping(winrmd_ctx *c, const char *const *lines, size_t n, char *text, size_t cap,
                             long replacing)
{
        int r = certmap_check(text, cap, c->st.record_error, sizeof(c->st.record_error));

        if (r < 0)
                return r;
        for (size_t k = 0; k < n; k++)
                if ((long)k != replacing && of_kind(lines[k], "certmapping") &&
                    certmap_same(lines[k] + strlen("certmapping "), text))
                        return -EEXIST;
        return 0;
}

/* Stages lines with line `at` replaced by repl (at == n appends), or
 * dropped (repl NULL). */
static int stage(winrmd_ctx *c, const char *const *lines, size_t n, size_t at, const char *repl)
{
        const char **next = calloc(n + 1, sizeof(*next));
        size_t k = 0;
        int r;

        if (!next)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (i != at)
                        next[k++] = lines[i];
                else if (repl)
                        next[k++] = repl;
        if (at == n && repl)
                next[k++] = repl;
        if (!c->st.txn && !(c->st.txn = config_txn_new())) {
                free(next);
                return -ENOMEM;
        }
        /* the staged copy replaces the list the pointers came from */
        r = config_txn_set_records(c->st.txn, next, k);
        free(next);
        return r;
}

/* True when the stored line now holds what line (canonical) holds; a
 * certmapping line is compared in canonical form. */
static bool same_line(const char *kind, const char *now, const char *line)
{
        char text[RECORD_MAX], why[8];
        size_t n = strlen(kind) + 1;

        if (!strcmp(now, line))
                return true;
        if (strcmp(kind, "certmapping") || strlen(now) <= n || strlen(now + n) >= sizeof(text))
                return false;
        memcpy(text, now + n, strlen(now + n) + 1);
        return certmap_check(text, sizeof(text), why, sizeof(why)) == 0 && !strcmp(text, line + n);
}

int hr_put(winrmd_ctx *c, const char *kind, size_t i, const char *const *names, const char *const *values,
           size_t n)
{
        char text[RECORD_MAX], line[RECORD_MAX + 128];
        const char *const *lines;
        size_t count;
        long at;
        int r;

        if (!LIVE(c) || !kind || (n && (!names || !values)))
                return -EINVAL;
        c->st.record_error[0] = '\0';
        r = record_format(names, values, n, text, sizeof(text));
        if (r < 0)
                return r;
        if (is_listener(kind)) {
                struct lrec l;
                if (lrec_parse(text, &l) < 0)
                        return -EINVAL;
                return hl_set(c, i < hl_count(c) ? (long)i : -1, &l);
        }
        if (!may_write(c, kind))
                return -EPERM;
        count = lines_of(c, &lines);
        at = nth(lines, count, kind, i);
        if (at < 0 && i != hr_count(c, kind))
                return -ENOENT;
        if (!strcmp(kind, "security") && (r = check_security(lines, count, text, at)) < 0)
                return r;
        if (!strcmp(kind, "certmapping") &&
            (r = check_certmapping(c, lines, count, text, sizeof(text), at)) < 0)
                return r;
        snprintf(line, sizeof(line), "%s %s", kind, text);
        /* a record put back as it is changes nothing */
        if (at >= 0 && same_line(kind, lines[at], line))
                return 0;
        return stage(c, lines, count, at < 0 ? count : (size_t)at, line);
}

int hr_remove(winrmd_ctx *c, const char *kind, size_t i)
{
        const char *const *lines;
        size_t count;
        long at;

        if (!LIVE(c) || !kind)
                return -EINVAL;
        c->st.record_error[0] = '\0';
        if (is_listener(kind))
                return hl_remove(c, i);
        if (!may_write(c, kind))
                return -EPERM;
        count = lines_of(c, &lines);
        at = nth(lines, count, kind, i);
        if (at < 0)
                return -ENOENT;
        return stage(c, lines, count, (size_t)at, NULL);
}

size_t hr_status(const winrmd_ctx *c, const char *kind, size_t i, char *buf, size_t len)
{
        if (len)
                buf[0] = '\0';
        if (!LIVE(c) || !kind || !is_listener(kind))
                return 0;
        hl_bound(c, i, buf, len);
        return len ? strlen(buf) : 0;
}

const char *hr_error(const winrmd_ctx *c)
{
        return LIVE(c) ? c->st.record_error : "";
}
