/* host.c - the winrmd_host table: what providers may do with a request.
 * Every member checks its arguments (NULL strings, a ctx that was already
 * answered) rather than trusting the provider. */
#include "autoconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libxml/tree.h>

#include "access.h"
#include "async.h"
#include "config.h"
#include "host.h"
#include "conn.h"
#include "enumerate.h"
#include "host_cert.h"
#include "host_process.h"
#include "host_record.h"
#include "log.h"
#include "pending.h"
#include "plugin.h"
#include "request.h"
#include "util.h"

#define LIVE(c) ((c) && !(c)->st.dead)

static const char *h_resource_uri(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.env ? c->in.env->resource_uri : NULL;
}

static const char *h_action(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.env ? c->in.env->action : NULL;
}

static const char *h_selector(const winrmd_ctx *c, const char *name)
{
        return LIVE(c) && c->in.env && name ? env_selector(c->in.env, name) : NULL;
}

static size_t h_selector_count(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.env ? c->in.env->n_selectors : 0;
}

static const char *h_selector_name(const winrmd_ctx *c, size_t i)
{
        return LIVE(c) && c->in.env && i < c->in.env->n_selectors ? c->in.env->selectors[i].name : NULL;
}

static const char *h_option(const winrmd_ctx *c, const char *name)
{
        return LIVE(c) && c->in.env && name ? env_option(c->in.env, name) : NULL;
}

static const winrmd_node *h_body(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.env ? (const winrmd_node *)c->in.env->body_first : NULL;
}

static const char *h_user(const winrmd_ctx *c)
{
        return LIVE(c) ? c->in.user : "";
}

static int h_is_local(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.local;
}

static int h_is_admin(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.is_admin;
}

static int h_is_anonymous(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.anonymous;
}

static const char *h_transport(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.transport ? c->in.transport : "";
}

static int64_t h_time_left_ms(const winrmd_ctx *c)
{
        int64_t left;

        if (!LIVE(c))
                return 0;
        left = pending_timeout_ms(c) - (pending_now_ms() - c->in.started_ms);
        return left > 0 ? left : 0;
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
        return n ? (const winrmd_node *)xml_first_elem((const xmlNode *)n) : NULL;
}

static const winrmd_node *h_node_next(const winrmd_node *n)
{
        return n ? (const winrmd_node *)xml_next_elem((const xmlNode *)n) : NULL;
}

static const char *h_node_text(winrmd_ctx *c, const winrmd_node *n)
{
        char *t;
        const char *kept;

        if (!LIVE(c) || !n)
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

        if (!LIVE(c) || !n)
                return NULL;
        t = xmlNodeGetContent((const xmlNode *)n);
        kept = request_keep(c, t ? (const char *)t : "");
        xmlFree(t);
        return kept;
}

static const char *h_node_attr(winrmd_ctx *c, const winrmd_node *n, const char *name)
{
        xmlChar *v;
        const char *kept;

        if (!LIVE(c) || !n || !name)
                return NULL;
        v = xmlGetNoNsProp((const xmlNode *)n, BAD_CAST name);
        if (!v)
                return NULL;
        kept = request_keep(c, (const char *)v);
        xmlFree(v);
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

/* --- writing: the request's checked writer --- */

static int h_begin(winrmd_ctx *c, const char *ns, const char *qname)
{
        return LIVE(c) ? writer_begin(&c->out.body, ns, qname) : -EINVAL;
}

static int h_text(winrmd_ctx *c, const char *name, const char *value)
{
        return LIVE(c) ? writer_text(&c->out.body, name, value) : -EINVAL;
}

static int h_attr(winrmd_ctx *c, const char *name, const char *value)
{
        return LIVE(c) ? writer_attr(&c->out.body, name, value) : -EINVAL;
}

static int h_content(winrmd_ctx *c, const char *text)
{
        return LIVE(c) ? writer_content(&c->out.body, text) : -EINVAL;
}

static int h_end(winrmd_ctx *c)
{
        return LIVE(c) ? writer_end(&c->out.body) : -EINVAL;
}

static int h_created_selector(winrmd_ctx *c, const char *name, const char *value)
{
        char *n, *v;

        if (!LIVE(c) || !name || !value || !*name)
                return -EINVAL;
        if (c->st.n_created >= ARRAY_SIZE(c->st.created_sel))
                return -E2BIG;
        if (!writer_valid_text(name, strlen(name)) || !writer_valid_text(value, strlen(value)))
                return -EINVAL;
        n = strdup(name);
        v = strdup(value);
        if (!n || !v) {
                free(n);
                free(v);
                return -ENOMEM;
        }
        c->st.created_sel[c->st.n_created][0] = n;
        c->st.created_sel[c->st.n_created][1] = v;
        c->st.n_created++;
        return 0;
}

static winrmd_status h_fault(winrmd_ctx *c, winrmd_status st, const char *message)
{
        if (!LIVE(c))
                return st;
        c->st.has_fault = true;
        c->st.fault = fault_from_status(st);
        c->st.fault_code = 0;
        free(c->st.fault_msg);
        c->st.fault_msg = NULL;
        if (message && writer_valid_text(message, strlen(message)))
                c->st.fault_msg = strdup(message);
        return st;
}

static void h_complete(winrmd_ctx *c, winrmd_status st)
{
        pending_complete(c, st);
}

/* --- configuration --- */

static const char *h_config_get(const char *key)
{
        return key ? config_get(key) : NULL;
}

static int h_config_set(winrmd_ctx *c, const char *key, const char *value)
{
        if (!LIVE(c) || !key || !value)
                return -EINVAL;
        if (!c->st.txn) {
                c->st.txn = config_txn_new();
                if (!c->st.txn)
                        return -ENOMEM;
        }
        return config_txn_set(c->st.txn, key, value);
}

static const char *h_config_value(const winrmd_ctx *c, const char *key)
{
        const char *v;

        if (!key)
                return NULL;
        v = LIVE(c) && c->st.txn ? config_txn_get(c->st.txn, key) : NULL;
        return v ? v : config_get(key);
}

/* --- the daemon --- */

static void *h_state(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.res ? plugin_state(c->in.res) : NULL;
}

static void h_log(int level, const char *fmt, ...)
{
        char line[2048];
        va_list ap;

        if (!fmt)
                return;
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        if (level < LOG_LVL_ERR)
                level = LOG_LVL_ERR;
        log_msg(level, "provider %s: %s", plugin_current_name()[0] ? plugin_current_name() : "?", line);
}

static unsigned h_operations_served(void)
{
        return plugin_operations();
}

static const char *h_version(void)
{
        return PACKAGE_VERSION;
}

static const winrmd_provider *h_provider_at(size_t i, const char **file)
{
        return plugin_at(i, file);
}

static const char *h_resource_sddl(const winrmd_ctx *c, const char *uri)
{
        const struct registered *r = uri ? plugin_find(uri) : NULL;

        return r ? access_resource_sddl(r, LIVE(c) ? c->st.txn : NULL) : NULL;
}

static winrmd_status h_fault_code(winrmd_ctx *c, winrmd_status st, uint32_t code, const char *message)
{
        h_fault(c, st, message);
        if (LIVE(c))
                c->st.fault_code = code;
        return st;
}

static size_t h_reply_limit(const winrmd_ctx *c)
{
        return LIVE(c) ? request_reply_limit(c) : 0;
}

static const char *h_peer_address(const winrmd_ctx *c)
{
        return LIVE(c) && c->in.conn ? conn_peer(c->in.conn) : "";
}

static int h_item_selector(winrmd_ctx *c, const char *name, const char *value)
{
        return LIVE(c) ? enum_item_selector(c, name, value) : -EINVAL;
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
        .is_admin = h_is_admin,
        .is_anonymous = h_is_anonymous,
        .transport = h_transport,
        .time_left_ms = h_time_left_ms,
        .node_name = h_node_name,
        .node_ns = h_node_ns,
        .node_child = h_node_child,
        .node_next = h_node_next,
        .node_text = h_node_text,
        .node_text_exact = h_node_text_exact,
        .node_attr = h_node_attr,
        .node_attr_name = h_node_attr_name,
        .begin = h_begin,
        .text = h_text,
        .attr = h_attr,
        .content = h_content,
        .end = h_end,
        .created_selector = h_created_selector,
        .fault = h_fault,
        .complete = h_complete,
        .config_get = h_config_get,
        .config_set = h_config_set,
        .config_value = h_config_value,
        .record_count = hr_count,
        .record_field = hr_field,
        .record_put = hr_put,
        .record_remove = hr_remove,
        .record_status = hr_status,
        .state = h_state,
        .log = h_log,
        .operations_served = h_operations_served,
        .version = h_version,
        .provider_at = h_provider_at,
        .resource_sddl = h_resource_sddl,
        .timer_new = async_timer_new,
        .timer_start = async_timer_start,
        .timer_stop = async_timer_stop,
        .timer_free = async_timer_free,
        .work = async_work,
        .record_error = hr_error,
        .certificate_count = hc_count,
        .certificate_field = hc_field,
        .jobs_new = hp_jobs_new,
        .spawn = hp_spawn,
        .process_read = hp_read,
        .process_write = hp_write,
        .process_close_stdin = hp_close_stdin,
        .process_signal = hp_signal,
        .process_free = hp_process_free,
        .jobs_free = hp_jobs_free,
        .jobs_mechanism = hp_jobs_mechanism,
        .fault_code = h_fault_code,
        .reply_limit = h_reply_limit,
        .peer_address = h_peer_address,
        .item_selector = h_item_selector,
};

const winrmd_host *host_table(void)
{
        return &table;
}
