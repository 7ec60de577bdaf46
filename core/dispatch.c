/* dispatch.c - (ResourceURI, Action) -> provider callback -> reply. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <event2/event.h>

#include "config.h"
#include "dispatch.h"
#include "enumctx.h"
#include "event.h"
#include "log.h"
#include "ns.h"
#include "plugin.h"
#include "sddl.h"
#include "util.h"

static unsigned in_flight;

int64_t dispatch_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const struct {
        const char *action;
        enum op op;
} actions[] = {
        { ACT_GET, OP_GET }, { ACT_PUT, OP_PUT }, { ACT_CREATE, OP_CREATE },
        { ACT_DELETE, OP_DELETE }, { ACT_ENUMERATE, OP_ENUMERATE },
        { ACT_PULL, OP_PULL }, { ACT_RELEASE, OP_RELEASE },
};

static enum op classify(const char *action)
{
        for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
                if (!strcmp(action, actions[i].action))
                        return actions[i].op;
        return OP_INVOKE;
}

static bool is_mutating(enum op op)
{
        return op == OP_PUT || op == OP_CREATE || op == OP_DELETE || op == OP_INVOKE;
}

/* The callback of res for op, as a flag check. */
static bool supports(const winrmd_resource *r, enum op op)
{
        switch (op) {
        case OP_IDENTIFY:
        case OP_GET: return r->get != NULL;
        case OP_PUT: return r->put != NULL;
        case OP_CREATE: return r->create != NULL;
        case OP_DELETE: return r->remove != NULL;
        case OP_ENUMERATE: return r->enumerate != NULL;
        case OP_INVOKE: return r->invoke != NULL;
        default: return false;
        }
}

static const char *method_of(const char *action)
{
        const char *slash = strrchr(action, '/');
        return slash ? slash + 1 : action;
}

/* Puts x:ResourceCreated first in the body (the provider's extra elements
 * follow it); a and w are declared on the envelope. */
static void build_created(struct winrmd_ctx *ctx)
{
        struct sbuf o = { 0 };
        char addr[1024];

        if (ctx->legacy) {
                /* the seed names the created resource by its schema's
                 * lower-case name: ...?ResourceURI=(.../config/listener) */
                const char *uri = ctx->env->resource_uri, *last = strrchr(uri, '/');
                int n = snprintf(addr, sizeof(addr), "%s?ResourceURI=(%.*s", WSA_ANONYMOUS,
                                 (int)(last ? last - uri : 0), uri);
                for (const char *p = last ? last : uri; *p && n > 0 && (size_t)n + 2 < sizeof(addr); p++)
                        addr[n++] = (char)tolower((unsigned char)*p);
                if (n > 0 && (size_t)n + 1 < sizeof(addr)) {
                        addr[n++] = ')';
                        addr[n] = '\0';
                }
        } else
                snprintf(addr, sizeof(addr), "%s", WSA_ANONYMOUS);
        sbuf_adds(&o, "<x:ResourceCreated xmlns:x=\"" NS_WXF "\">");
        sbuf_add_element(&o, "a:Address", addr);
        sbuf_adds(&o, "<a:ReferenceParameters>");
        sbuf_add_element(&o, "w:ResourceURI", ctx->env->resource_uri);
        sbuf_adds(&o, "<w:SelectorSet>");
        for (size_t i = 0; i < ctx->n_created; i++) {
                sbuf_adds(&o, "<w:Selector Name=\"");
                sbuf_add_escaped(&o, ctx->created_sel[i][0], true);
                sbuf_adds(&o, "\">");
                sbuf_add_escaped(&o, ctx->created_sel[i][1], false);
                sbuf_adds(&o, "</w:Selector>");
        }
        sbuf_adds(&o, "</w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>");
        request_writer_finish(ctx);
        sbuf_add(&o, ctx->body.p, ctx->body.len);
        if (o.err)
                ctx->writer_error = true;
        sbuf_free(&ctx->body);
        ctx->body = o;
}

static long max_elements(xmlNode *parent, const char *ns)
{
        xmlNode *m = xml_child(parent, ns, "MaxElements");
        _cleanup_free_ char *t = m ? xml_text(m) : NULL;
        long v = 1;

        if (t && parse_long(t, 1, 0x7fffffffL, &v) < 0)
                return -1;
        if (v > config_long("max_batch_items"))
                v = config_long("max_batch_items");
        return v;
}

/* Appends up to max items of c to o; true when c is exhausted. */
static bool serve_items(struct enumctx *c, struct sbuf *o, long max)
{
        for (long i = 0; i < max; i++) {
                const char *item = enumctx_next(c);
                if (!item)
                        break;
                sbuf_adds(o, item);
        }
        return enumctx_done(c);
}

/* The generic right op needs under RootSDDL. */
static uint32_t right_for(enum op op)
{
        switch (op) {
        case OP_PUT: case OP_CREATE: case OP_DELETE: return SDDL_GW;
        case OP_INVOKE: return SDDL_GX;
        default: return SDDL_GR;
        }
}

/* RootSDDL decides who may use the service at all; the control socket's
 * callers are administrators and pass like any other. */
static bool root_sddl_allows(const struct winrmd_ctx *ctx)
{
        struct sddl s;
        struct sddl_caller who = { ctx->authenticated, ctx->is_admin,
                                   !strcmp(ctx->user, "root"), ctx->local };

        if (ctx->op == OP_IDENTIFY)
                return true;
        if (!ctx->authenticated || sddl_parse(config_get("service.root_sddl"), &s, NULL) < 0)
                return false;
        return sddl_allows(&s, &who, right_for(ctx->op));
}

/* Who asks, for which resource: what an enumeration context is bound to.
 * A Pull or Release names its resource as the Enumerate did (or names one
 * no provider serves: then no context matches). */
static struct enumctx_owner owner_of(const struct winrmd_ctx *ctx)
{
        struct enumctx_owner o = { ctx->user, ctx->is_admin, ctx->res };

        if (!o.resource)
                o.resource = plugin_find(ctx->env->resource_uri);
        return o;
}

/* Hands the items the provider wrote to a new context and answers. */
static void finish_enumerate(struct winrmd_ctx *ctx)
{
        xmlNode *e = ctx->env->body_first;
        bool optimize = xml_child(e, NS_WSMAN, "OptimizeEnumeration") != NULL;
        long max = optimize ? max_elements(e, NS_WSMAN) : 0;
        struct sbuf *o = &ctx->body;
        struct enumctx_owner who = owner_of(ctx);
        char id[48];
        struct enumctx *c;
        bool done = false;
        int r;

        r = enumctx_create(ctx->items, ctx->n_items, &who, dispatch_now_ms(),
                           config_long("service.enum_timeout_ms"), id);
        if (r < 0) {
                request_send_fault(ctx, F_QUOTA_LIMIT, "Too many enumeration contexts are open.");
                return;
        }
        ctx->items = NULL;
        ctx->n_items = ctx->cap_items = 0;
        c = enumctx_find(id, &who, dispatch_now_ms());
        sbuf_reset(o);
        sbuf_adds(o, "<n:EnumerateResponse xmlns:n=\"" NS_WSEN "\">");
        if (optimize) {
                struct sbuf items = { 0 };
                done = serve_items(c, &items, max < 1 ? 1 : max);
                if (done)
                        sbuf_adds(o, "<n:EnumerationContext/>");
                else
                        sbuf_add_element(o, "n:EnumerationContext", id);
                sbuf_adds(o, "<w:Items>");
                sbuf_add(o, items.p, items.len);
                sbuf_adds(o, "</w:Items>");
                if (done)
                        sbuf_adds(o, "<w:EndOfSequence/>");
                sbuf_free(&items);
        } else {
                sbuf_add_element(o, "n:EnumerationContext", id);
        }
        sbuf_adds(o, "</n:EnumerateResponse>");
        if (done)
                enumctx_release(c);
        request_send(ctx, 200);
}

static void finish(struct winrmd_ctx *ctx, winrmd_status st)
{
        int r;

        if (st == WINRMD_OK && ctx->has_fault)
                st = WINRMD_E_INTERNAL;
        if (st != WINRMD_OK) {
                request_send_fault(ctx, ctx->has_fault ? ctx->fault : fault_from_status(st),
                                   ctx->fault_msg);
                return;
        }
        if (ctx->op == OP_CREATE)
                build_created(ctx);
        if (ctx->txn && config_txn_count(ctx->txn) > 0) {
                /* A reply the client cannot take refuses the change too. */
                if (ctx->op != OP_ENUMERATE && !request_reply_fits(ctx)) {
                        request_send_fault(ctx, F_MAX_ENVELOPE_SIZE, NULL);
                        return;
                }
                r = config_txn_commit(ctx->txn);
                if (r < 0) {
                        log_err("configuration store: %s", strerror(-r));
                        request_send_fault(ctx, F_INTERNAL, "The configuration could not be saved.");
                        return;
                }
        }
        if (ctx->op == OP_ENUMERATE) {
                finish_enumerate(ctx);
                return;
        }
        request_send(ctx, 200);
}

static void pull(struct winrmd_ctx *ctx)
{
        xmlNode *p = ctx->env->body_first;
        xmlNode *cn = xml_child(p, NS_WSEN, "EnumerationContext");
        _cleanup_free_ char *id = cn ? xml_text(cn) : NULL;
        struct enumctx_owner who = owner_of(ctx);
        struct enumctx *c = id && who.resource ? enumctx_find(id, &who, dispatch_now_ms()) : NULL;
        struct sbuf items = { 0 }, *o = &ctx->body;
        long max;

        if (!xml_is(p, NS_WSEN, "Pull") || !c) {
                request_send_fault(ctx, F_INVALID_ENUM_CONTEXT, NULL);
                return;
        }
        max = max_elements(p, NS_WSEN);
        if (max < 0) {
                request_send_fault(ctx, F_INVALID_PARAMETER, "MaxElements is not a positive integer.");
                return;
        }
        request_reply_begin(ctx, ACT_PULL "Response");
        sbuf_adds(o, "<n:PullResponse xmlns:n=\"" NS_WSEN "\">");
        if (serve_items(c, &items, max)) {
                sbuf_adds(o, "<n:Items>");
                sbuf_add(o, items.p, items.len);
                sbuf_adds(o, "</n:Items><n:EndOfSequence/>");
                enumctx_release(c);
        } else {
                sbuf_add_element(o, "n:EnumerationContext", enumctx_id(c));
                sbuf_adds(o, "<n:Items>");
                sbuf_add(o, items.p, items.len);
                sbuf_adds(o, "</n:Items>");
                enumctx_touch(c, dispatch_now_ms(), config_long("service.enum_timeout_ms"));
        }
        sbuf_adds(o, "</n:PullResponse>");
        sbuf_free(&items);
        request_send(ctx, 200);
}

static void release(struct winrmd_ctx *ctx)
{
        xmlNode *cn = xml_child(ctx->env->body_first, NS_WSEN, "EnumerationContext");
        _cleanup_free_ char *id = cn ? xml_text(cn) : NULL;
        struct enumctx_owner who = owner_of(ctx);
        struct enumctx *c = id && who.resource ? enumctx_find(id, &who, dispatch_now_ms()) : NULL;

        if (!c) {
                request_send_fault(ctx, F_INVALID_ENUM_CONTEXT, NULL);
                return;
        }
        enumctx_release(c);
        request_reply_begin(ctx, ACT_RELEASE "Response");
        request_send(ctx, 200);
}

/* Checks of the Enumerate body the core owns: filters and modes. */
static bool enumerate_supported(struct winrmd_ctx *ctx)
{
        xmlNode *e = ctx->env->body_first;

        if (!xml_is(e, NS_WSEN, "Enumerate")) {
                request_send_fault(ctx, F_SCHEMA, "The Enumerate body is missing.");
                return false;
        }
        if (xml_child(e, NS_WSMAN, "Filter") || xml_child(e, NS_WSEN, "Filter")) {
                request_send_fault(ctx, F_FILTER_DIALECT, NULL);
                return false;
        }
        if (xml_child(e, NS_WSMAN, "EnumerationMode")) {
                request_send_fault(ctx, F_ENUMERATION_MODE, NULL);
                return false;
        }
        return true;
}

static winrmd_status call(struct winrmd_ctx *ctx, const char *method)
{
        const winrmd_resource *r = ctx->res->res;

        switch (ctx->op) {
        case OP_IDENTIFY:
        case OP_GET: return r->get(ctx);
        case OP_PUT: return r->put(ctx);
        case OP_CREATE: return r->create(ctx);
        case OP_DELETE: return r->remove(ctx);
        case OP_ENUMERATE: return r->enumerate(ctx);
        case OP_INVOKE: return r->invoke(ctx, method);
        default: return WINRMD_E_INTERNAL;
        }
}

static const char *reply_action(struct winrmd_ctx *ctx, char *buf, size_t n)
{
        if (ctx->op == OP_IDENTIFY)
                return NULL;
        snprintf(buf, n, "%sResponse", ctx->env->action);
        return buf;
}

int64_t dispatch_timeout_ms(const struct winrmd_ctx *ctx)
{
        int64_t t = ctx->env && ctx->env->operation_timeout_ms >= 0 ? ctx->env->operation_timeout_ms : 60000;
        int64_t max = config_long("max_timeout_ms");

        return t > max ? max : t;
}

/* Forgets a pending ctx everywhere; the provider is told first. */
static void drop_pending(struct winrmd_ctx *ctx)
{
        plugin_cancel(ctx->res, ctx);
        ctx->pending = false;
        in_flight--;
        if (ctx->timer)
                event_del(ctx->timer);
}

static void pending_expired(evutil_socket_t fd, short what, void *arg)
{
        struct winrmd_ctx *ctx = arg;

        drop_pending(ctx);
        request_send_fault(ctx, F_TIMED_OUT, NULL);
}

void dispatch_abandon(struct winrmd_ctx *ctx)
{
        drop_pending(ctx);
        request_free(ctx);
}

void dispatch(struct winrmd_ctx *ctx)
{
        const char *uri;
        char action[1100];
        winrmd_status st;

        if (ctx->env->is_identify) {
                ctx->op = OP_IDENTIFY;
                uri = WINRMD_IDENTIFY_URI;
        } else {
                ctx->op = classify(ctx->env->action);
                uri = ctx->env->resource_uri;
        }
        ctx->legacy = uri_is_legacy(uri);
        ctx->started_ms = dispatch_now_ms();
        if (ctx->env->operation_timeout_ms > config_long("max_timeout_ms")) {
                request_send_fault(ctx, F_INVALID_PARAMETER,
                                   "The OperationTimeout of the request exceeds MaxTimeoutms.");
                return;
        }
        if (!root_sddl_allows(ctx)) {
                log_warn("user %s refused by RootSDDL", LQ(ctx->user));
                request_send_fault(ctx, F_ACCESS_DENIED, NULL);
                return;
        }
        if (ctx->op == OP_PULL) {
                pull(ctx);
                return;
        }
        if (ctx->op == OP_RELEASE) {
                release(ctx);
                return;
        }
        if (!uri) {
                request_send_fault(ctx, F_INVALID_RESOURCE_URI, "The ResourceURI header is missing.");
                return;
        }
        ctx->res = plugin_find(uri);
        if (!ctx->res) {
                request_send_fault(ctx, F_INVALID_RESOURCE_URI, NULL);
                return;
        }
        if (!supports(ctx->res->res, ctx->op)) {
                request_send_fault(ctx, ctx->op == OP_INVOKE ? F_ACTION_NOT_SUPPORTED : F_ACTION_MISMATCH, NULL);
                return;
        }
        if ((ctx->res->res->flags & WINRMD_URI_LOCAL_WRITE) && is_mutating(ctx->op) &&
            !(ctx->local && ctx->is_admin)) {
                request_send_fault(ctx, F_ACCESS_DENIED,
                                   "This operation is allowed only to local administrators.");
                return;
        }
        if (ctx->op == OP_ENUMERATE && !enumerate_supported(ctx))
                return;
        if (in_flight >= (unsigned long)config_long("max_provider_requests") ||
            in_flight >= (unsigned long)config_long("service.max_concurrent_ops")) {
                request_send_fault(ctx, F_QUOTA_LIMIT, "Too many operations are in progress.");
                return;
        }
        if (request_reply_begin(ctx, reply_action(ctx, action, sizeof(action))) < 0) {
                request_send_http(ctx, 500, "Internal Server Error", NULL);
                return;
        }
        ctx->collect_items = ctx->op == OP_ENUMERATE;
        in_flight++;
        st = call(ctx, ctx->op == OP_INVOKE ? method_of(ctx->env->action) : NULL);
        if (st == WINRMD_PENDING) {
                struct timeval tv;
                int64_t left = dispatch_timeout_ms(ctx);
                ctx->pending = true;
                tv.tv_sec = left / 1000;
                tv.tv_usec = (left % 1000) * 1000;
                ctx->timer = evtimer_new(event_loop_base(), pending_expired, ctx);
                if (ctx->timer)
                        evtimer_add(ctx->timer, &tv);
                return;
        }
        in_flight--;
        request_writer_finish(ctx);
        ctx->collect_items = false;
        finish(ctx, st);
}

void dispatch_complete(struct winrmd_ctx *ctx, winrmd_status st)
{
        if (!ctx->pending)
                return;
        ctx->pending = false;
        in_flight--;
        if (ctx->timer)
                event_del(ctx->timer);
        request_writer_finish(ctx);
        ctx->collect_items = false;
        finish(ctx, st);
}
