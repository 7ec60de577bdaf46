/* host.c - the winrmd_host table: what providers may do with a request. */
#include "autoconfig.h"

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

static int h_begin(winrmd_ctx *c, const char *ns, const char *qname)
{
        const char *colon = strchr(qname, ':');
        char prefix[64] = "";
        const char *local = qname;
        xmlNode *n;
        xmlNs *x = NULL;

        if (!c->cursor)
                return -EINVAL;
        if (colon) {
                size_t l = (size_t)(colon - qname);
                if (l >= sizeof(prefix))
                        return -EINVAL;
                memcpy(prefix, qname, l);
                prefix[l] = '\0';
                local = colon + 1;
        }
        n = xmlNewChild(c->cursor, NULL, BAD_CAST local, NULL);
        if (!n)
                return -ENOMEM;
        if (ns)
                x = xmlNewNs(n, BAD_CAST ns, colon ? BAD_CAST prefix : NULL);
        else if (c->cursor != c->out)
                x = c->cursor->ns;
        xmlSetNs(n, x);
        c->cursor = n;
        return 0;
}

static int h_text(winrmd_ctx *c, const char *name, const char *value)
{
        xmlNode *n;

        if (!c->cursor || c->cursor == c->out)
                return -EINVAL;
        n = xmlNewTextChild(c->cursor, c->cursor->ns, BAD_CAST name, value ? BAD_CAST value : NULL);
        return n ? 0 : -ENOMEM;
}

static int h_attr(winrmd_ctx *c, const char *name, const char *value)
{
        if (!c->cursor || c->cursor == c->out)
                return -EINVAL;
        return xmlSetProp(c->cursor, BAD_CAST name, BAD_CAST value) ? 0 : -ENOMEM;
}

static int h_end(winrmd_ctx *c)
{
        if (!c->cursor || c->cursor == c->out)
                return -EINVAL;
        c->cursor = c->cursor->parent;
        return 0;
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
};

const winrmd_host *host_table(void)
{
        return &table;
}
