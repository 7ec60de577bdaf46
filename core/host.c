/* host.c - the winrmd_host table: what providers may do with a request. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <libxml/tree.h>

#include "config.h"
#include "dispatch.h"
#include "event.h"
#include "host_listener.h"
#include "log.h"
#include "plugin.h"
#include "request.h"
#include "util.h"

static const char *h_resource_uri(const winrmd_ctx *c)
{
        return c->env ? c->env->resource_uri : NULL;
}

static const char *h_action(const winrmd_ctx *c)
{
        return c->env ? c->env->action : NULL;
}

static const char *h_selector(const winrmd_ctx *c, const char *name)
{
        return c->env ? env_selector(c->env, name) : NULL;
}

static size_t h_selector_count(const winrmd_ctx *c)
{
        return c->env ? c->env->n_selectors : 0;
}

static const char *h_selector_name(const winrmd_ctx *c, size_t i)
{
        return c->env && i < c->env->n_selectors ? c->env->selectors[i].name : NULL;
}

static const char *h_option(const winrmd_ctx *c, const char *name)
{
        return c->env ? env_option(c->env, name) : NULL;
}

static const winrmd_node *h_body(const winrmd_ctx *c)
{
        return c->env ? (const winrmd_node *)c->env->body_first : NULL;
}

static const char *h_user(const winrmd_ctx *c)
{
        return c->user;
}

static int h_is_local(const winrmd_ctx *c)
{
        return c->local;
}

static int h_is_anonymous(const winrmd_ctx *c)
{
        return c->anonymous;
}

static const char *h_transport(const winrmd_ctx *c)
{
        return c->transport;
}

static const char *h_node_name(const winrmd_node *n)
{
        return n ? (const char *)((const xmlNode *)n)->name : NULL;
}

static const char *h_node_ns(const winrmd_node *n)
{
        const xmlNode *x = (const xmlNode *)n;
        return x && x->ns && x->ns->href ? (const char *)x->ns->href : "";
}

static const winrmd_node *h_node_child(const winrmd_node *n)
{
        return (const winrmd_node *)xml_first_elem((const xmlNode *)n);
}

static const winrmd_node *h_node_next(const winrmd_node *n)
{
        return (const winrmd_node *)xml_next_elem((const xmlNode *)n);
}

static const char *h_node_text(winrmd_ctx *c, const winrmd_node *n)
{
        char *t;
        const char *kept;

        if (!n)
                return NULL;
        t = xml_text((const xmlNode *)n);
        if (!t)
                return NULL;
        kept = request_keep(c, t);
        free(t);
        return kept;
}

static const char *h_node_text_exact(winrmd_ctx *c, const winrmd_node *n)
{
        xmlChar *t;
        const char *kept;

        if (!n)
                return NULL;
        t = xmlNodeGetContent((const xmlNode *)n);
        kept = request_keep(c, t ? (const char *)t : "");
        xmlFree(t);
        return kept;
}

static const char *h_node_attr_name(const winrmd_node *n, size_t i, const char **ns)
{
        const xmlAttr *a = n ? ((const xmlNode *)n)->properties : NULL;

        for (; a && i > 0; i--)
                a = a->next;
        if (!a)
                return NULL;
        if (ns)
                *ns = a->ns && a->ns->href ? (const char *)a->ns->href : "";
        return (const char *)a->name;
}

static const char *h_node_attr(winrmd_ctx *c, const winrmd_node *n, const char *name)
{
        xmlChar *v;
        const char *kept;

        if (!n || !name)
                return NULL;
        v = xmlGetNoNsProp((const xmlNode *)n, BAD_CAST name);
        if (!v)
                return NULL;
        kept = request_keep(c, (const char *)v);
        xmlFree(v);
        return kept;
}

/* --- the element writer: text straight into the reply body --- */

static void close_tag(winrmd_ctx *c)
{
        if (c->tag_open) {
                sbuf_add(&c->body, ">", 1);
                c->tag_open = false;
        }
}

/* An XML name as libxml2 would accept it for an element or attribute. */
static bool valid_name(const char *s)
{
        if (!*s || strlen(s) > 95)
                return false;
        for (const char *p = s; *p; p++)
                if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.' ||
                      (unsigned char)*p >= 0x80) || (p == s && (isdigit((unsigned char)*p) || *p == '-' || *p == '.')))
                        return false;
        return true;
}

/* Copies the name of the open element at depth d into out[128] (the body
 * may move while it grows, so names are copied out, never aliased). */
static void frame_name(const winrmd_ctx *c, int d, char out[128], size_t *len, size_t *prefix_len)
{
        *len = c->frames[d].name_len;
        *prefix_len = c->frames[d].prefix_len;
        memcpy(out, c->body.p + c->frames[d].name_off, *len);
        out[*len] = '\0';
}

static int h_begin(winrmd_ctx *c, const char *ns, const char *qname)
{
        const char *colon = strchr(qname, ':');
        const char *local = colon ? colon + 1 : qname;
        char name[128], parent[128];
        size_t plen = colon ? (size_t)(colon - qname) : 0, llen = strlen(local), n, pn, ppl;

        if (c->depth >= WRITER_DEPTH)
                return -E2BIG;
        if (plen >= 32 || llen >= 96 || !valid_name(local))
                return -EINVAL;
        memcpy(name, qname, plen);
        name[plen] = '\0';
        if (plen && !valid_name(name))
                return -EINVAL;
        /* without a namespace of its own an element is in its parent's */
        if (!ns) {
                plen = 0;
                if (c->depth) {
                        frame_name(c, c->depth - 1, parent, &pn, &ppl);
                        plen = ppl;
                        memcpy(name, parent, plen);
                }
        }
        n = plen;
        if (plen)
                name[n++] = ':';
        memcpy(name + n, local, llen);
        n += llen;
        close_tag(c);
        if (c->collect_items && c->depth == 0)
                c->item_start = c->body.len;
        sbuf_add(&c->body, "<", 1);
        c->frames[c->depth].name_off = c->body.len;
        c->frames[c->depth].name_len = (unsigned short)n;
        c->frames[c->depth].prefix_len = (unsigned short)plen;
        sbuf_add(&c->body, name, n);
        if (ns) {
                if (plen) {
                        sbuf_add(&c->body, " xmlns:", 7);
                        sbuf_add(&c->body, name, plen);
                } else {
                        sbuf_add(&c->body, " xmlns", 6);
                }
                sbuf_add(&c->body, "=\"", 2);
                sbuf_add_escaped(&c->body, ns, true);
                sbuf_add(&c->body, "\"", 1);
        }
        c->depth++;
        c->tag_open = true;
        return c->body.err ? -ENOMEM : 0;
}

static int h_text(winrmd_ctx *c, const char *name, const char *value)
{
        char q[128];
        size_t n, plen, llen = strlen(name);

        if (c->depth == 0 || llen >= 96 || !valid_name(name))
                return -EINVAL;
        frame_name(c, c->depth - 1, q, &n, &plen);
        n = plen;
        if (plen)
                q[n++] = ':';
        memcpy(q + n, name, llen);
        n += llen;
        close_tag(c);
        sbuf_add(&c->body, "<", 1);
        sbuf_add(&c->body, q, n);
        if (!value) {
                sbuf_add(&c->body, "/>", 2);
        } else {
                sbuf_add(&c->body, ">", 1);
                sbuf_add_escaped(&c->body, value, false);
                sbuf_add(&c->body, "</", 2);
                sbuf_add(&c->body, q, n);
                sbuf_add(&c->body, ">", 1);
        }
        return c->body.err ? -ENOMEM : 0;
}

static int h_attr(winrmd_ctx *c, const char *name, const char *value)
{
        /* attributes go on the element opened last, before its children */
        if (c->depth == 0 || !c->tag_open || !valid_name(name))
                return -EINVAL;
        sbuf_add(&c->body, " ", 1);
        sbuf_adds(&c->body, name);
        sbuf_add(&c->body, "=\"", 2);
        sbuf_add_escaped(&c->body, value ? value : "", true);
        sbuf_add(&c->body, "\"", 1);
        return c->body.err ? -ENOMEM : 0;
}

/* Keeps the element just closed at depth 0 as one enumeration item. */
static void end_item(winrmd_ctx *c)
{
        char *item;

        if (c->n_items == c->cap_items) {
                size_t cap = c->cap_items ? c->cap_items * 2 : 16;
                char **p = realloc(c->items, cap * sizeof(*p));
                if (!p) {
                        c->writer_error = true;
                        return;
                }
                c->items = p;
                c->cap_items = cap;
        }
        item = strndup(c->body.p + c->item_start, c->body.len - c->item_start);
        if (!item) {
                c->writer_error = true;
                return;
        }
        c->items[c->n_items++] = item;
        c->body.len = c->item_start;
}

static int h_end(winrmd_ctx *c)
{
        if (c->depth == 0)
                return -EINVAL;
        c->depth--;
        if (c->tag_open) {
                sbuf_add(&c->body, "/>", 2);
                c->tag_open = false;
        } else {
                char q[128];
                size_t n, plen;
                frame_name(c, c->depth, q, &n, &plen);
                sbuf_add(&c->body, "</", 2);
                sbuf_add(&c->body, q, n);
                sbuf_add(&c->body, ">", 1);
        }
        if (c->collect_items && c->depth == 0)
                end_item(c);
        return c->body.err ? -ENOMEM : 0;
}

void request_writer_finish(winrmd_ctx *c)
{
        while (c->depth > 0)
                (void)h_end(c);
}

static int h_created_selector(winrmd_ctx *c, const char *name, const char *value)
{
        if (c->n_created >= ARRAY_SIZE(c->created_sel))
                return -E2BIG;
        c->created_sel[c->n_created][0] = strdup(name);
        c->created_sel[c->n_created][1] = strdup(value);
        c->n_created++;
        return c->created_sel[c->n_created - 1][0] && c->created_sel[c->n_created - 1][1] ? 0 : -ENOMEM;
}

static winrmd_status h_fault(winrmd_ctx *c, winrmd_status st, const char *message)
{
        c->has_fault = true;
        c->fault = fault_from_status(st);
        free(c->fault_msg);
        c->fault_msg = message ? strdup(message) : NULL;
        return st;
}

static void h_complete(winrmd_ctx *c, winrmd_status st)
{
        dispatch_complete(c, st);
}

static int h_config_set(winrmd_ctx *c, const char *key, const char *value)
{
        if (!c->txn) {
                c->txn = config_txn_new();
                if (!c->txn)
                        return -ENOMEM;
        }
        return config_txn_set(c->txn, key, value);
}

static void *h_state(const winrmd_ctx *c)
{
        return c->res ? plugin_state(c->res) : NULL;
}

static void h_log(int level, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, fmt, ap);
        va_end(ap);
}

static unsigned h_operations_served(void)
{
        return plugin_operations();
}

static void *h_event_base(void)
{
        return event_loop_base();
}

static const char *h_version(void)
{
        return PACKAGE_VERSION;
}

static int h_is_admin(const winrmd_ctx *c)
{
        return c->is_admin;
}

static int64_t h_time_left_ms(const winrmd_ctx *c)
{
        int64_t left = dispatch_timeout_ms(c) - (dispatch_now_ms() - c->started_ms);

        return left > 0 ? left : 0;
}

static const char *h_config_value(const winrmd_ctx *c, const char *key)
{
        const char *v = c->txn ? config_txn_get(c->txn, key) : NULL;

        return v ? v : config_get(key);
}

static const winrmd_host table = {
        .size = sizeof(winrmd_host),
        .resource_uri = h_resource_uri,
        .action = h_action,
        .selector = h_selector,
        .selector_count = h_selector_count,
        .selector_name = h_selector_name,
        .option = h_option,
        .body = h_body,
        .user = h_user,
        .is_local = h_is_local,
        .is_anonymous = h_is_anonymous,
        .transport = h_transport,
        .node_name = h_node_name,
        .node_ns = h_node_ns,
        .node_child = h_node_child,
        .node_next = h_node_next,
        .node_text = h_node_text,
        .node_attr = h_node_attr,
        .begin = h_begin,
        .text = h_text,
        .attr = h_attr,
        .end = h_end,
        .created_selector = h_created_selector,
        .fault = h_fault,
        .complete = h_complete,
        .config_get = config_get,
        .config_set = h_config_set,
        .state = h_state,
        .log = h_log,
        .operations_served = h_operations_served,
        .event_base = h_event_base,
        .version = h_version,
        .is_admin = h_is_admin,
        .time_left_ms = h_time_left_ms,
        .config_value = h_config_value,
        .listener_count = hl_count,
        .listener_get = hl_get,
        .listener_set = hl_set,
        .listener_remove = hl_remove,
        .listener_bound = hl_bound,
        .node_text_exact = h_node_text_exact,
        .node_attr_name = h_node_attr_name,
};

const winrmd_host *host_table(void)
{
        return &table;
}
