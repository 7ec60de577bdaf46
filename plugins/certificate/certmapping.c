/* certmapping.c - winrm/config/service/certmapping: records of the core's
 * "certmapping" kind, named by the selectors Issuer, Subject and URI, with
 * UserName and Enabled in the body.  A Password element is accepted for
 * WinRM's scripts and dropped: on Linux no password is needed to act as
 * the account, and none is ever stored.  Create, Put and Delete only from
 * local callers (the core enforces it). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "certmapping.h"

#define MSG_UNKNOWN "Input xml contained an unrecognized xml element \"%s\".  " \
                    "Double check the spelling and case of the element name."

static const winrmd_host *host;

struct mapping {
        char issuer[64];
        char subject[256];
        char uri[1024];
        char user[64];
        bool enabled;
};

void certmapping_init(const winrmd_host *h)
{
        host = h;
}

static void field(const winrmd_ctx *ctx, size_t i, const char *name, char *out, size_t len)
{
        const char *v = host->record_field(ctx, "certmapping", i, name);

        snprintf(out, len, "%s", v ? v : "");
}

static void read_one(const winrmd_ctx *ctx, size_t i, struct mapping *m)
{
        char enabled[8];

        field(ctx, i, "issuer", m->issuer, sizeof(m->issuer));
        field(ctx, i, "subject", m->subject, sizeof(m->subject));
        field(ctx, i, "uri", m->uri, sizeof(m->uri));
        field(ctx, i, "user", m->user, sizeof(m->user));
        field(ctx, i, "enabled", enabled, sizeof(enabled));
        m->enabled = !strcmp(enabled, "true");
}

static int write_one(winrmd_ctx *ctx, size_t i, const struct mapping *m)
{
        static const char *const names[] = { "issuer", "subject", "uri", "user", "enabled" };
        const char *values[] = { m->issuer, m->subject, m->uri, m->user, m->enabled ? "true" : "false" };

        return host->record_put(ctx, "certmapping", i, names, values, 5);
}

static void render(winrmd_ctx *ctx, const struct mapping *m)
{
        host->begin(ctx, CERTMAPPING_URI, "cfg:certmapping");
        host->text(ctx, "Issuer", m->issuer);
        host->text(ctx, "Subject", m->subject);
        host->text(ctx, "URI", m->uri);
        host->text(ctx, "UserName", m->user);
        host->text(ctx, "Enabled", m->enabled ? "true" : "false");
        host->end(ctx);
}

/* The selectors into m's key; a fault status when one is missing or unknown. */
static winrmd_status selectors(winrmd_ctx *ctx, struct mapping *m)
{
        static const char *const need[] = { "Issuer", "Subject", "URI" };
        char *dst[] = { m->issuer, m->subject, m->uri };
        size_t cap[] = { sizeof(m->issuer), sizeof(m->subject), sizeof(m->uri) };

        memset(m, 0, sizeof(*m));
        for (size_t i = 0; i < host->selector_count(ctx); i++) {
                const char *n = host->selector_name(ctx, i);
                if (strcasecmp(n, "Issuer") && strcasecmp(n, "Subject") && strcasecmp(n, "URI"))
                        return host->fault(ctx, WINRMD_E_SELECTORS,
                                           "The certmapping resource takes the selectors Issuer, Subject and URI.");
        }
        for (size_t k = 0; k < 3; k++) {
                const char *v = host->selector(ctx, need[k]);
                if (!v || !*v || strlen(v) >= cap[k])
                        return host->fault(ctx, WINRMD_E_SELECTORS,
                                           "The certmapping resource needs the selectors Issuer, Subject and URI.");
                snprintf(dst[k], cap[k], "%s", v);
        }
        return WINRMD_OK;
}

static long find(const winrmd_ctx *ctx, const struct mapping *key, struct mapping *out)
{
        for (size_t i = 0; i < host->record_count(ctx, "certmapping"); i++) {
                read_one(ctx, i, out);
                if (!strcasecmp(out->issuer, key->issuer) && !strcasecmp(out->subject, key->subject) &&
                    !strcasecmp(out->uri, key->uri))
                        return (long)i;
        }
        return -1;
}

/* The record the selectors name: its index with it in *m, or -1 with a
 * fault status in *st. */
static long named(winrmd_ctx *ctx, struct mapping *m, winrmd_status *st)
{
        struct mapping key;
        long i;

        *st = selectors(ctx, &key);
        if (*st != WINRMD_OK)
                return -1;
        i = find(ctx, &key, m);
        if (i < 0)
                *st = host->fault(ctx, WINRMD_E_NOT_FOUND, NULL);
        return i;
}

static winrmd_status unknown(winrmd_ctx *ctx, const char *name)
{
        char msg[512];

        snprintf(msg, sizeof(msg), MSG_UNKNOWN, name);
        return host->fault(ctx, WINRMD_E_SCHEMA, msg);
}

static winrmd_status bad(winrmd_ctx *ctx, const char *name)
{
        char msg[256];

        snprintf(msg, sizeof(msg), "The value of %s is not valid.", name);
        return host->fault(ctx, WINRMD_E_INVALID_VALUE, msg);
}

/* A changed key field: the message names it, the mapping's value and the
 * one sent. */
static winrmd_status read_only(winrmd_ctx *ctx, const char *name, const char *has, const char *sent)
{
        char msg[768];

        snprintf(msg, sizeof(msg), "%s is read-only: Issuer, Subject and URI name the mapping, whose %s is "
                 "\"%.200s\", and the Put sends \"%.200s\". Send %s unchanged or leave it out; use the selectors "
                 "to address another mapping.", name, name, has, sent, name);
        return host->fault(ctx, WINRMD_E_READ_ONLY, msg);
}

/* The body's elements into m: UserName, Enabled, Password (dropped); the
 * key elements only when they repeat the selectors. */
static winrmd_status apply_body(winrmd_ctx *ctx, struct mapping *m, bool create)
{
        const winrmd_node *root = host->body(ctx);

        if (!root)
                return create ? host->fault(ctx, WINRMD_E_SCHEMA, "A certmapping needs a UserName.")
                              : host->fault(ctx, WINRMD_E_SCHEMA, "The Put request has an empty body.");
        if (strcmp(host->node_name(root), "certmapping") || strcmp(host->node_ns(root), CERTMAPPING_URI))
                return unknown(ctx, host->node_name(root));
        if (host->node_next(root))
                return unknown(ctx, host->node_name(host->node_next(root)));
        for (const winrmd_node *e = host->node_child(root); e; e = host->node_next(e)) {
                const char *name = host->node_name(e), *text;
                if (strcmp(host->node_ns(e), CERTMAPPING_URI) || host->node_child(e))
                        return unknown(ctx, name);
                text = host->node_text(ctx, e);
                if (!text)
                        return host->fault(ctx, WINRMD_E_INTERNAL, NULL);
                if (!strcmp(name, "UserName")) {
                        if (!*text || strlen(text) >= sizeof(m->user))
                                return bad(ctx, name);
                        snprintf(m->user, sizeof(m->user), "%s", text);
                } else if (!strcmp(name, "Enabled")) {
                        if (!strcasecmp(text, "true") || !strcmp(text, "1"))
                                m->enabled = true;
                        else if (!strcasecmp(text, "false") || !strcmp(text, "0"))
                                m->enabled = false;
                        else
                                return bad(ctx, name);
                } else if (!strcmp(name, "Password")) {
                        /* not needed on Linux; never stored */
                } else if (!strcmp(name, "Issuer") || !strcmp(name, "Subject") || !strcmp(name, "URI")) {
                        const char *key = !strcmp(name, "Issuer") ? m->issuer :
                                          !strcmp(name, "Subject") ? m->subject : m->uri;
                        if (strcasecmp(text, key))
                                return read_only(ctx, name, key, text);
                } else {
                        return unknown(ctx, name);
                }
        }
        if (!m->user[0])
                return host->fault(ctx, WINRMD_E_SCHEMA, "A certmapping needs a UserName.");
        return WINRMD_OK;
}

static winrmd_status fault_for(winrmd_ctx *ctx, int r)
{
        const char *why = host->record_error(ctx);

        if (r == -EEXIST)
                return host->fault(ctx, WINRMD_E_EXISTS, "A mapping with this Issuer, Subject and URI already exists.");
        return host->fault(ctx, WINRMD_E_INVALID_VALUE, why && *why ? why : "The mapping has a field that is not valid.");
}

winrmd_status certmapping_get(winrmd_ctx *ctx)
{
        struct mapping m;
        winrmd_status st;

        if (named(ctx, &m, &st) < 0)
                return st;
        render(ctx, &m);
        return WINRMD_OK;
}

winrmd_status certmapping_enumerate(winrmd_ctx *ctx)
{
        struct mapping m;

        for (size_t i = 0; i < host->record_count(ctx, "certmapping"); i++) {
                read_one(ctx, i, &m);
                render(ctx, &m);
                /* named by its key, as Get takes it: EnumerateEPR, SelectorFilter */
                if (WINRMD_HOST_HAS(host, item_selector)) {
                        host->item_selector(ctx, "Issuer", m.issuer);
                        host->item_selector(ctx, "Subject", m.subject);
                        host->item_selector(ctx, "URI", m.uri);
                }
        }
        return WINRMD_OK;
}

winrmd_status certmapping_create(winrmd_ctx *ctx)
{
        struct mapping m, other;
        winrmd_status st = selectors(ctx, &m);
        int r;

        if (st != WINRMD_OK)
                return st;
        if (find(ctx, &m, &other) >= 0)
                return fault_for(ctx, -EEXIST);
        m.enabled = true;
        st = apply_body(ctx, &m, true);
        if (st != WINRMD_OK)
                return st;
        r = write_one(ctx, host->record_count(ctx, "certmapping"), &m);
        if (r < 0)
                return fault_for(ctx, r);
        host->created_selector(ctx, "Issuer", m.issuer);
        host->created_selector(ctx, "Subject", m.subject);
        host->created_selector(ctx, "URI", m.uri);
        return WINRMD_OK;
}

winrmd_status certmapping_put(winrmd_ctx *ctx)
{
        struct mapping m;
        winrmd_status st;
        long i = named(ctx, &m, &st);
        int r;

        if (i < 0)
                return st;
        st = apply_body(ctx, &m, false);
        if (st != WINRMD_OK)
                return st;
        r = write_one(ctx, (size_t)i, &m);
        if (r < 0)
                return fault_for(ctx, r);
        read_one(ctx, (size_t)i, &m);
        render(ctx, &m);
        return WINRMD_OK;
}

winrmd_status certmapping_remove(winrmd_ctx *ctx)
{
        struct mapping m;
        winrmd_status st;
        long i = named(ctx, &m, &st);

        if (i < 0)
                return st;
        return host->record_remove(ctx, "certmapping", (size_t)i) < 0 ? host->fault(ctx, WINRMD_E_INTERNAL, NULL)
                                                                     : WINRMD_OK;
}
