/* config.c - the configuration resource in both generations (the seed's
 * wsman:microsoft.com/wsman/2005/06/config and today's .../wsman/1/config
 * family): Get renders the store, Put validates every element and stages
 * the whole change, which the core stores atomically or not at all. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <winrmd/provider.h>

#include "plugin_cfg.h"
#include "schema.h"

#define MSG_UNKNOWN "Input xml contained an unrecognized xml element \"%s\".  " \
                    "Double check the spelling and case of the element name."

static const winrmd_host *host;

static bool is_true(const char *v)
{
        return v && !strcmp(v, "true");
}

/* Parses an xs:boolean as WinRM does; -EINVAL if it is not one. */
static int parse_bool(const char *s, bool *out)
{
        if (!strcasecmp(s, "true") || !strcmp(s, "1"))
                *out = true;
        else if (!strcasecmp(s, "false") || !strcmp(s, "0"))
                *out = false;
        else
                return -EINVAL;
        return 0;
}

static const char *side_key(char *buf, size_t n, const char *side, const char *leaf)
{
        snprintf(buf, n, "%s.%s", side, leaf);
        return buf;
}

static bool list_has(const char *list, const char *word)
{
        size_t n = strlen(word);

        for (const char *p = list; p && *p;) {
                size_t len;
                while (*p == ',' || *p == ' ')
                        p++;
                len = strcspn(p, ", ");
                if (len == n && !strncasecmp(p, word, n))
                        return true;
                p += len;
        }
        return false;
}

/* The text an element shows for the current (or staged) store. */
static const char *value_of(winrmd_ctx *ctx, const struct cfg_node *n)
{
        char k1[64], k2[64];

        switch (n->kind) {
        case CFG_LEAF:
                return host->config_value(ctx, n->key);
        case CFG_UNENCRYPTED:
                return is_true(host->config_value(ctx, side_key(k1, sizeof(k1), n->side, "allow_unencrypted"))) &&
                       list_has(host->config_value(ctx, side_key(k2, sizeof(k2), n->side, "plain_schemes")), n->key)
                               ? "true" : "false";
        case CFG_NEGOTIATE:
                return is_true(host->config_value(ctx, side_key(k1, sizeof(k1), n->side, "auth.negotiate"))) ||
                       is_true(host->config_value(ctx, side_key(k2, sizeof(k2), n->side, "auth.kerberos")))
                               ? "true" : "false";
        case CFG_ALLOW_PLAIN:
                return host->config_value(ctx, side_key(k1, sizeof(k1), n->side, "allow_unencrypted"));
        default:
                return NULL;
        }
}

static void render(winrmd_ctx *ctx, const struct cfg_node *nodes)
{
        char q[96];

        for (const struct cfg_node *n = nodes; n->name; n++) {
                if (n->kind == CFG_GROUP) {
                        snprintf(q, sizeof(q), "cfg:%s", n->name);
                        host->begin(ctx, NULL, q);
                        render(ctx, n->children);
                        host->end(ctx);
                } else {
                        const char *v = value_of(ctx, n);
                        host->text(ctx, n->name, v && *v ? v : NULL);
                }
        }
}

static void render_view(winrmd_ctx *ctx, const struct cfg_view *v)
{
        char q[96];

        snprintf(q, sizeof(q), "cfg:%s", v->root);
        host->begin(ctx, v->ns, q);
        render(ctx, v->tree);
        host->end(ctx);
}

static winrmd_status unknown(winrmd_ctx *ctx, const char *name)
{
        char msg[512];

        snprintf(msg, sizeof(msg), MSG_UNKNOWN, name);
        return host->fault(ctx, WINRMD_E_SCHEMA, msg);
}

static winrmd_status twice(winrmd_ctx *ctx, const char *name)
{
        char msg[512];

        snprintf(msg, sizeof(msg), "The element \"%s\" appears more than once.", name);
        return host->fault(ctx, WINRMD_E_SCHEMA, msg);
}

static winrmd_status bad_attribute(winrmd_ctx *ctx, const char *element, const char *attr)
{
        char msg[512];

        snprintf(msg, sizeof(msg), "The element \"%s\" has an unrecognized attribute \"%s\".", element, attr);
        return host->fault(ctx, WINRMD_E_SCHEMA, msg);
}

/* Only xsi:nil may qualify an element of the configuration. */
static winrmd_status check_attributes(winrmd_ctx *ctx, const winrmd_node *e)
{
        const char *ns, *a;

        for (size_t i = 0; (a = host->node_attr_name(e, i, &ns)); i++)
                if (strcmp(a, "nil") || strcmp(ns, "http://www.w3.org/2001/XMLSchema-instance"))
                        return bad_attribute(ctx, host->node_name(e), a);
        return WINRMD_OK;
}

static winrmd_status bad_value(winrmd_ctx *ctx, const char *name, const char *text)
{
        char msg[512];

        snprintf(msg, sizeof(msg), "The value \"%.200s\" is not valid for %s.", text, name);
        return host->fault(ctx, WINRMD_E_INVALID_VALUE, msg);
}

/* Stages one side's plain-HTTP schemes and AllowUnencrypted. */
static int stage_plain(winrmd_ctx *ctx, const char *side, const char *schemes, bool allow)
{
        char k[64];

        if (host->config_set(ctx, side_key(k, sizeof(k), side, "plain_schemes"), schemes) < 0)
                return -EINVAL;
        return host->config_set(ctx, side_key(k, sizeof(k), side, "allow_unencrypted"), allow ? "true" : "false");
}

/* Legacy HTTP/Unencrypted/<scheme>: true adds the scheme and allows plain
 * HTTP; false removes it, and plain HTTP ends with the last scheme. */
static int stage_unencrypted(winrmd_ctx *ctx, const struct cfg_node *n, bool on)
{
        static const char *all[] = { "basic", "digest", "negotiate" };
        char k[64], out[64] = "";
        const char *cur = host->config_value(ctx, side_key(k, sizeof(k), n->side, "plain_schemes"));
        bool allow = is_true(host->config_value(ctx, side_key(k, sizeof(k), n->side, "allow_unencrypted")));

        size_t used = 0;

        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
                bool keep = !strcmp(all[i], n->key) ? on : list_has(cur, all[i]);
                if (keep)
                        used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", used ? "," : "", all[i]);
        }
        if (on)
                allow = true;
        else if (!*out)
                allow = false;
        return stage_plain(ctx, n->side, out, allow);
}

static int stage_special(winrmd_ctx *ctx, const struct cfg_node *n, bool on)
{
        char k[64];

        switch (n->kind) {
        case CFG_UNENCRYPTED:
                return stage_unencrypted(ctx, n, on);
        case CFG_NEGOTIATE:
                if (host->config_set(ctx, side_key(k, sizeof(k), n->side, "auth.negotiate"), on ? "true" : "false") < 0)
                        return -EINVAL;
                return host->config_set(ctx, side_key(k, sizeof(k), n->side, "auth.kerberos"), on ? "true" : "false");
        case CFG_ALLOW_PLAIN:
                return stage_plain(ctx, n->side,
                                   on ? (!strcmp(n->side, "client") ? "basic,digest,negotiate" : "basic,negotiate") : "",
                                   on);
        default:
                return -EINVAL;
        }
}

static const struct cfg_node *find(const struct cfg_node *nodes, const char *name)
{
        for (const struct cfg_node *n = nodes; n->name; n++)
                if (!strcmp(n->name, name))
                        return n;
        return NULL;
}

#define MAX_GROUP 256               /* children of one element in the schema */

/* Validates and stages every child of parent against nodes: each known,
 * once at most, without attributes but xsi:nil, its value exactly as the
 * store takes it (no blanks around it). */
static winrmd_status apply(winrmd_ctx *ctx, const struct cfg_view *v, const winrmd_node *parent,
                           const struct cfg_node *nodes)
{
        unsigned char seen[MAX_GROUP / 8] = { 0 };

        for (const winrmd_node *e = host->node_child(parent); e; e = host->node_next(e)) {
                const char *name = host->node_name(e);
                const struct cfg_node *n = find(nodes, name);
                const char *text, *exact;
                size_t i;
                winrmd_status st;
                bool on;

                if (!n || strcmp(host->node_ns(e), v->ns))
                        return unknown(ctx, name);
                i = (size_t)(n - nodes);
                if (i >= MAX_GROUP)
                        return host->fault(ctx, WINRMD_E_INTERNAL, NULL);
                if (seen[i / 8] & (1u << (i % 8)))
                        return twice(ctx, name);
                seen[i / 8] |= (unsigned char)(1u << (i % 8));
                st = check_attributes(ctx, e);
                if (st != WINRMD_OK)
                        return st;
                if (n->kind == CFG_GROUP) {
                        st = apply(ctx, v, e, n->children);
                        if (st != WINRMD_OK)
                                return st;
                        continue;
                }
                if (host->node_child(e))
                        return unknown(ctx, host->node_name(host->node_child(e)));
                text = host->node_text(ctx, e);
                exact = host->node_text_exact(ctx, e);
                if (!text || !exact)
                        return host->fault(ctx, WINRMD_E_INTERNAL, NULL);
                if (strcmp(text, exact))
                        return bad_value(ctx, name, exact);
                if (n->kind == CFG_LEAF) {
                        if (host->config_set(ctx, n->key, text) < 0)
                                return bad_value(ctx, name, text);
                        continue;
                }
                if (parse_bool(text, &on) < 0)
                        return bad_value(ctx, name, text);
                /* These elements are not keys of their own but views of
                 * several (PROTOCOL.md 5.3): written with the value they
                 * show, they change nothing, so that a Put of what a Get
                 * returned leaves the store as it was. */
                if (on == is_true(value_of(ctx, n)))
                        continue;
                if (stage_special(ctx, n, on) < 0)
                        return bad_value(ctx, name, text);
        }
        return WINRMD_OK;
}

static const struct cfg_view *view_of(winrmd_ctx *ctx)
{
        return cfg_view_for(host->resource_uri(ctx));
}

static winrmd_status config_get(winrmd_ctx *ctx)
{
        const struct cfg_view *v = view_of(ctx);

        if (!v)
                return host->fault(ctx, WINRMD_E_NOT_FOUND, NULL);
        if (host->selector_count(ctx) > 0)
                return host->fault(ctx, WINRMD_E_SELECTORS, "The configuration resource takes no selectors.");
        render_view(ctx, v);
        return WINRMD_OK;
}

static winrmd_status config_put(winrmd_ctx *ctx)
{
        const struct cfg_view *v = view_of(ctx);
        const winrmd_node *root = host->body(ctx);
        winrmd_status st;

        if (!v)
                return host->fault(ctx, WINRMD_E_NOT_FOUND, NULL);
        if (host->selector_count(ctx) > 0)
                return host->fault(ctx, WINRMD_E_SELECTORS, "The configuration resource takes no selectors.");
        if (!root)
                return host->fault(ctx, WINRMD_E_SCHEMA, "The Put request has an empty body.");
        if (strcmp(host->node_name(root), v->root) || strcmp(host->node_ns(root), v->ns))
                return unknown(ctx, host->node_name(root));
        if (host->node_next(root))
                return unknown(ctx, host->node_name(host->node_next(root)));
        st = check_attributes(ctx, root);
        if (st != WINRMD_OK)
                return st;
        st = apply(ctx, v, root, v->tree);
        if (st != WINRMD_OK)
                return st;
        render_view(ctx, v);
        return WINRMD_OK;
}

#define RES(u, f) { .uri = u, .flags = (f) | WINRMD_URI_FRAGMENTS, .get = config_get, .put = config_put }
static const winrmd_resource resources[] = {
        RES("wsman:microsoft.com/wsman/2005/06/config", 0),
        RES("http://schemas.microsoft.com/wbem/wsman/1/config", WINRMD_URI_CASELESS),
        RES("http://schemas.microsoft.com/wbem/wsman/1/config/client", WINRMD_URI_CASELESS),
        RES("http://schemas.microsoft.com/wbem/wsman/1/config/client/auth", WINRMD_URI_CASELESS),
        RES("http://schemas.microsoft.com/wbem/wsman/1/config/service", WINRMD_URI_CASELESS),
        RES("http://schemas.microsoft.com/wbem/wsman/1/config/service/auth", WINRMD_URI_CASELESS),
        RES("http://schemas.microsoft.com/wbem/wsman/1/config/winrs", WINRMD_URI_CASELESS),
        RES("winrm/config", WINRMD_URI_CASELESS),
        RES("winrm/config/client", WINRMD_URI_CASELESS),
        RES("winrm/config/client/auth", WINRMD_URI_CASELESS),
        RES("winrm/config/service", WINRMD_URI_CASELESS),
        RES("winrm/config/service/auth", WINRMD_URI_CASELESS),
        RES("winrm/config/winrs", WINRMD_URI_CASELESS),
#define PLUGINS(u) { .uri = u, .flags = WINRMD_URI_CASELESS, .get = plugin_cfg_get, .put = plugin_cfg_put, \
                     .enumerate = plugin_cfg_enumerate }
        PLUGINS(PLUGIN_CFG_URI),
        PLUGINS("winrm/config/plugin"),
        { .uri = NULL }
};

static int config_load(const winrmd_host *h, void **ret_state, char *reason, size_t reason_len)
{
        (void)reason;
        (void)reason_len;
        host = h;
        plugin_cfg_init(h);
        *ret_state = NULL;
        return 0;
}

/* The provider's entry: the configuration resources, no state. */
__attribute__((visibility("default")))
const winrmd_provider winrmd_provider_v1 = {
        WINRMD_PROVIDER_INIT,
        .name = "config",
        .version = WINRMD_VERSION,
        .resources = resources,
        .load = config_load,
};
