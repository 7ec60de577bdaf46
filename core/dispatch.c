/* dispatch.c - (ResourceURI, Action) -> checks -> provider callback ->
 * reply.  In order: the OperationTimeout, RootSDDL, the resource and its
 * operation (a custom Action must be the resource's action namespace
 * followed by "/METHOD"), the resource's own security descriptor, local
 * writes, the concurrency quotas; then the provider, whose output the
 * writer checked and whose number of top-level elements is checked here.
 * The access decision of the two descriptors is one audit line when
 * their SACLs ask for it (Identify is never checked, so never audited).
 * Enumerate/Pull/Release go to enumerate.c, late answers to pending.c. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "config.h"
#include "conn.h"
#include "dispatch.h"
#include "enumerate.h"
#include "fragment.h"
#include "log.h"
#include "ns.h"
#include "pending.h"
#include "plugin.h"
#include "util.h"

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

static bool supports(const winrmd_resource *r, enum op op)
{
        switch (op) {
        case OP_IDENTIFY:
        case OP_GET: return r->get != NULL;
        case OP_PUT: return r->put != NULL;
        case OP_CREATE: return r->create != NULL;
        case OP_DELETE: return r->remove != NULL;
        case OP_ENUMERATE: return r->enumerate != NULL || r->enum_open != NULL;
        case OP_INVOKE: return r->invoke != NULL;
        default: return false;
        }
}

/* The METHOD of a custom Action: what follows the resource's action
 * namespace (or its URI) and one '/'; NULL when the Action is not one of
 * the resource's. */
static const char *method_of(const winrmd_resource *r, const char *action)
{
        const char *ns = r->action_ns ? r->action_ns : r->uri;
        const char *slash = strrchr(action, '/');
        char prefix[1024];

        if (!slash || !slash[1] || (size_t)(slash - action) >= sizeof(prefix))
                return NULL;
        memcpy(prefix, action, (size_t)(slash - action));
        prefix[slash - action] = '\0';
        /* compared as resource URIs are: a wsman: host without case */
        return uri_matches(ns, r->flags, prefix) ? slash + 1 : NULL;
}

/* Puts x:ResourceCreated first in the body (the provider's extra elements
 * follow it); a and w are declared on the envelope. */
static void build_created(struct winrmd_ctx *ctx)
{
        struct sbuf o = { 0 };
        struct writer *w = &ctx->out.body;
        const char *sel;
        char addr[1024];

        if (ctx->in.legacy) {
                /* the seed names the created resource by its schema's
                 * lower-case name: ...?ResourceURI=(.../config/listener);
                 * another URI asked for in the 2005/06 namespace as it is */
                const char *uri = ctx->in.env->resource_uri, *last = strrchr(uri, '/');
                bool lower = uri_is_legacy(uri);
                int n = snprintf(addr, sizeof(addr), "%s?ResourceURI=(%.*s", WSA_ANONYMOUS,
                                 (int)(last ? last - uri : 0), uri);
                for (const char *p = last ? last : uri; *p && n > 0 && (size_t)n + 2 < sizeof(addr); p++)
                        addr[n++] = lower ? (char)tolower((unsigned char)*p) : *p;
                if (n > 0 && (size_t)n + 1 < sizeof(addr)) {
                        addr[n++] = ')';
                        addr[n] = '\0';
                }
        } else
                snprintf(addr, sizeof(addr), "%s", WSA_ANONYMOUS);
        /* the seed's reply names the selectors in the 2005/06 management
         * namespace and the resource only in the address */
        sel = ctx->in.legacy ? "wsman:" : "w:";
        sbuf_adds(&o, ctx->in.legacy ? "<x:ResourceCreated xmlns:x=\"" NS_WXF "\" xmlns:wsman=\"" NS_WSMAN_2005 "\">"
                                     : "<x:ResourceCreated xmlns:x=\"" NS_WXF "\">");
        sbuf_add_element(&o, "a:Address", addr);
        sbuf_adds(&o, "<a:ReferenceParameters>");
        if (!ctx->in.legacy)
                sbuf_add_element(&o, "w:ResourceURI", ctx->in.env->resource_uri);
        sbuf_adds(&o, "<");
        sbuf_adds(&o, sel);
        sbuf_adds(&o, "SelectorSet>");
        for (size_t i = 0; i < ctx->st.n_created; i++) {
                sbuf_adds(&o, "<");
                sbuf_adds(&o, sel);
                sbuf_adds(&o, "Selector Name=\"");
                sbuf_add_escaped(&o, ctx->st.created_sel[i][0], true);
                sbuf_adds(&o, "\">");
                sbuf_add_escaped(&o, ctx->st.created_sel[i][1], false);
                sbuf_adds(&o, "</");
                sbuf_adds(&o, sel);
                sbuf_adds(&o, "Selector>");
        }
        sbuf_adds(&o, "</");
        sbuf_adds(&o, sel);
        sbuf_adds(&o, "SelectorSet></a:ReferenceParameters></x:ResourceCreated>");
        sbuf_add(&o, w->out.p, w->out.len);
        if (o.err)
                w->out.err = true;
        sbuf_free(&w->out);
        w->out = o;
}

/* The generic right op needs under a security descriptor. */
static uint32_t right_for(enum op op)
{
        switch (op) {
        case OP_PUT: case OP_CREATE: case OP_DELETE: return SDDL_GW;
        case OP_INVOKE: return SDDL_GX;
        default: return SDDL_GR;
        }
}

/* Fills who with ctx's caller; who borrows ctx's user name.  The control
 * socket's peer is known by its uid (SO_PEERCRED), others by name. */
static void caller_of(const struct winrmd_ctx *ctx, struct access_who *who)
{
        uid_t uid;

        memset(who, 0, sizeof(*who));
        who->c.authenticated = ctx->in.authenticated;
        who->c.admin = ctx->in.is_admin;
        who->c.root = !strcmp(ctx->in.user, "root");
        who->c.local = ctx->in.local;
        who->user = ctx->in.user;
        if (ctx->in.conn && conn_peer_uid(ctx->in.conn, &uid) == 0) {
                who->by_uid = true;
                who->uid = uid;
        }
}

/* The operation's name in audit lines (static). */
static const char *op_name(enum op op)
{
        switch (op) {
        case OP_IDENTIFY: return "Identify";
        case OP_GET: return "Get";
        case OP_PUT: return "Put";
        case OP_CREATE: return "Create";
        case OP_DELETE: return "Delete";
        case OP_ENUMERATE: return "Enumerate";
        case OP_PULL: return "Pull";
        case OP_RELEASE: return "Release";
        case OP_INVOKE: return "Invoke";
        default: return "?";
        }
}

/* Writes the audit line of ctx's access decision (granted or refused by a
 * descriptor) when a SACL asked for it: audit holds the SDDL_AUDIT_* bits
 * of the descriptors consulted.  Every client-chosen value is quoted. */
static void audit_access(const struct winrmd_ctx *ctx, bool granted, unsigned audit)
{
        const char *uri = ctx->in.env->resource_uri;

        if (!(audit & (granted ? SDDL_AUDIT_SUCCESS : SDDL_AUDIT_FAILURE)))
                return;
        log_info("audit: %s user=%s from=%s op=%s resource=%s", granted ? "success" : "failure",
                 LQ(ctx->in.user), LQ(ctx->in.conn ? conn_peer(ctx->in.conn) : "?"), op_name(ctx->in.op),
                 LQ(uri ? uri : ""));
}

/* How many top-level elements op's reply takes from a provider: -1 any. */
static int top_wanted(enum op op)
{
        switch (op) {
        case OP_IDENTIFY: case OP_GET: case OP_PUT: case OP_INVOKE: return 1;
        case OP_DELETE: return 0;
        default: return -1;
        }
}

/* A provider broke the writer's rules or the operation's shape: its
 * request gets w:InternalError, the log says who and what. */
static bool output_ok(struct winrmd_ctx *ctx)
{
        struct writer *w = &ctx->out.body;
        int want = top_wanted(ctx->in.op);

        if (writer_finish(w) == 0 && want >= 0 && w->top != (unsigned)want)
                snprintf(w->error, sizeof(w->error), "wrote %u top-level elements, %d expected", w->top, want);
        if (!writer_failed(w))
                return true;
        log_err("provider %s: %s: %s", plugin_name(ctx->in.res), LQ(ctx->in.env->resource_uri),
                w->error[0] ? w->error : "out of memory while writing the reply");
        return false;
}

static void finish(struct winrmd_ctx *ctx, winrmd_status st)
{
        const char *msg = NULL;
        enum fault_id f;
        int r;

        if (st == WINRMD_OK && ctx->st.has_fault)
                st = WINRMD_E_INTERNAL;
        if (st != WINRMD_OK) {
                request_send_fault(ctx, ctx->st.has_fault ? ctx->st.fault : fault_from_status(st), ctx->st.fault_msg);
                return;
        }
        if (!output_ok(ctx)) {
                request_send_fault(ctx, F_INTERNAL, NULL);
                return;
        }
        if (ctx->in.env->fragment && fragment_reply(ctx, &f, &msg) < 0) {
                request_send_fault(ctx, f, msg);
                return;
        }
        if (ctx->in.op == OP_CREATE)
                build_created(ctx);
        if (ctx->st.txn && config_txn_count(ctx->st.txn) > 0) {
                /* A reply the client cannot take refuses the change too. */
                if (request_reply_size(ctx) > request_reply_limit(ctx)) {
                        request_send_fault(ctx, F_MAX_ENVELOPE_SIZE, NULL);
                        return;
                }
                r = config_txn_commit(ctx->st.txn);
                if (r < 0) {
                        log_err("configuration store: %s", strerror(-r));
                        request_send_fault(ctx, F_INTERNAL, "The configuration could not be saved.");
                        return;
                }
        }
        request_send(ctx, 200);
}

static winrmd_status call(struct winrmd_ctx *ctx, const char *method)
{
        const winrmd_resource *r = &ctx->in.res->res;
        struct loaded_provider *before = plugin_enter(ctx->in.res->prov);
        winrmd_status st;

        switch (ctx->in.op) {
        case OP_IDENTIFY:
        case OP_GET: st = r->get(ctx); break;
        case OP_PUT: st = r->put(ctx); break;
        case OP_CREATE: st = r->create(ctx); break;
        case OP_DELETE: st = r->remove(ctx); break;
        case OP_INVOKE: st = r->invoke(ctx, method); break;
        default: st = WINRMD_E_INTERNAL; break;
        }
        plugin_enter(before);
        return st;
}

static const char *reply_action(struct winrmd_ctx *ctx, char *buf, size_t n)
{
        if (ctx->in.op == OP_IDENTIFY)
                return NULL;
        snprintf(buf, n, "%sResponse", ctx->in.env->action);
        return buf;
}

/* Finds the resource uri names and, for a custom Action, its METHOD; when
 * there is none, false with the fault to answer in *f and its text in
 * *msg (left NULL for the standard one). */
static bool addressed(struct winrmd_ctx *ctx, const char *uri, const char **method, enum fault_id *f,
                      const char **msg)
{
        const winrmd_resource *r;

        *f = F_INVALID_RESOURCE_URI;
        if (!uri) {
                *msg = "The ResourceURI header is missing.";
                return false;
        }
        ctx->in.res = plugin_find(uri);
        if (!ctx->in.res)
                return false;
        r = &ctx->in.res->res;
        if (!supports(r, ctx->in.op)) {
                *f = ctx->in.op == OP_INVOKE ? F_ACTION_NOT_SUPPORTED : F_ACTION_MISMATCH;
                return false;
        }
        if (ctx->in.op == OP_INVOKE && !(*method = method_of(r, ctx->in.env->action))) {
                *f = F_ACTION_NOT_SUPPORTED;
                *msg = "The action is not an action of this resource (its namespace followed by /METHOD).";
                return false;
        }
        return true;
}

/* The checks before a provider is called; false when ctx was answered.
 * RootSDDL granted the access (but not to Identify, never checked); the
 * resource's own descriptor completes the decision, audited here with
 * what RootSDDL's SACL asked (audit). */
static bool admitted(struct winrmd_ctx *ctx, const char *uri, const char **method, struct access_who *who,
                     unsigned audit)
{
        const winrmd_resource *r;
        enum fault_id f;
        const char *msg = NULL;
        bool found = addressed(ctx, uri, method, &f, &msg), granted = true;

        if (ctx->in.op != OP_IDENTIFY) {
                if (found)
                        granted = access_check(access_resource_sddl(ctx->in.res, NULL), who, right_for(ctx->in.op),
                                               &audit);
                audit_access(ctx, granted, audit);
        }
        if (!found) {
                request_send_fault(ctx, f, msg);
                return false;
        }
        if (!granted) {
                log_warn("user %s refused by the security descriptor of %s", LQ(ctx->in.user), LQ(uri));
                request_send_fault(ctx, F_ACCESS_DENIED, NULL);
                return false;
        }
        r = &ctx->in.res->res;
        if ((r->flags & WINRMD_URI_LOCAL_WRITE) && is_mutating(ctx->in.op) && !(ctx->in.local && ctx->in.is_admin)) {
                request_send_fault(ctx, F_ACCESS_DENIED, "This operation is allowed only to local administrators.");
                return false;
        }
        if (ctx->in.op == OP_ENUMERATE && !enum_supported(ctx))
                return false;
        if (pending_count() >= (unsigned long)config_long("max_provider_requests") ||
            pending_count() >= (unsigned long)config_long("service.max_concurrent_ops")) {
                request_send_fault(ctx, F_QUOTA_LIMIT, "Too many operations are in progress.");
                return false;
        }
        return true;
}

/* The request headers that ask something of every operation: a
 * MaxEnvelopeSize of at least 8192 octets (DSP0226 6.2, MS-WSMAN
 * 3.1.4.1.9), and a FragmentTransfer marked mustUnderstand (MS-WSMV
 * 3.1.4.1.18) on a Get or Put, the only operations that may serve one.
 * False when ctx was answered. */
static bool headers_ok(struct winrmd_ctx *ctx)
{
        const struct env *e = ctx->in.env;

        if (e->max_envelope_size >= 0 && e->max_envelope_size < 8192) {
                request_send_fault(ctx, F_MIN_ENVELOPE, NULL);
                return false;
        }
        if (!e->fragment)
                return true;
        if (!e->fragment_mu) {
                request_send_fault(ctx, F_INVALID_HEADER,
                                   "The FragmentTransfer header must be marked s:mustUnderstand=\"true\".");
                return false;
        }
        if (ctx->in.op != OP_GET && ctx->in.op != OP_PUT) {
                request_send_fault(ctx, F_FRAGMENT_ACCESS, NULL);
                return false;
        }
        return true;
}

/* A Get or Put with a FragmentTransfer header: served for a resource
 * that asks for it (its Put then starts from its own get, which answers
 * at once), else refused.  False when ctx was answered. */
static bool fragment_ready(struct winrmd_ctx *ctx)
{
        const winrmd_resource *r = &ctx->in.res->res;
        struct loaded_provider *before;
        const char *msg = NULL;
        enum fault_id f;
        winrmd_status st;

        if (!(r->flags & WINRMD_URI_FRAGMENTS) || !r->get) {
                request_send_fault(ctx, F_FRAGMENT_ACCESS, NULL);
                return false;
        }
        if (fragment_check(ctx) < 0)
                return false;
        if (ctx->in.op != OP_PUT)
                return true;
        before = plugin_enter(ctx->in.res->prov);
        st = r->get(ctx);
        plugin_enter(before);
        if (st == WINRMD_PENDING) {
                log_err("provider %s: get answered later for a fragment Put of %s", plugin_name(ctx->in.res),
                        LQ(ctx->in.env->resource_uri));
                plugin_cancel(ctx->in.res, ctx);
                request_send_fault(ctx, F_INTERNAL, NULL);
                return false;
        }
        if (st == WINRMD_OK && ctx->st.has_fault)
                st = WINRMD_E_INTERNAL;
        if (st != WINRMD_OK) {
                request_send_fault(ctx, ctx->st.has_fault ? ctx->st.fault : fault_from_status(st), ctx->st.fault_msg);
                return false;
        }
        if (!output_ok(ctx)) {
                request_send_fault(ctx, F_INTERNAL, NULL);
                return false;
        }
        if (fragment_rewrite_put(ctx, &f, &msg) < 0) {
                request_send_fault(ctx, f, msg);
                return false;
        }
        return true;
}

/* A pending provider call answered (or timed out). */
static void resumed(struct winrmd_ctx *ctx, winrmd_status st)
{
        finish(ctx, st);
}

void dispatch(struct winrmd_ctx *ctx)
{
        const char *uri, *method = NULL;
        char action[1100];
        struct access_who who;
        unsigned audit = 0;
        winrmd_status st;

        if (ctx->in.env->is_identify) {
                ctx->in.op = OP_IDENTIFY;
                uri = WINRMD_IDENTIFY_URI;
        } else {
                ctx->in.op = classify(ctx->in.env->action);
                uri = ctx->in.env->resource_uri;
        }
        /* the seed's URIs, and WinRM 1.0's 2005/06 headers, get the seed's shapes */
        ctx->in.legacy = uri_is_legacy(uri) || ctx->in.env->ns_2005;
        ctx->in.started_ms = pending_now_ms();
        if (ctx->in.env->operation_timeout_ms > config_long("max_timeout_ms")) {
                request_send_fault(ctx, F_INVALID_PARAMETER, "The OperationTimeout of the request exceeds MaxTimeoutms.");
                return;
        }
        if (!headers_ok(ctx))
                return;
        caller_of(ctx, &who);
        if (ctx->in.op != OP_IDENTIFY &&
            (!access_check(config_get("service.root_sddl"), &who, right_for(ctx->in.op), &audit) ||
             !ctx->in.authenticated)) {
                audit_access(ctx, false, audit);
                log_warn("user %s refused by RootSDDL", LQ(ctx->in.user));
                request_send_fault(ctx, F_ACCESS_DENIED, NULL);
                return;
        }
        if (ctx->in.op == OP_PULL || ctx->in.op == OP_RELEASE) {
                /* RootSDDL alone decides: the context is bound to its resource */
                audit_access(ctx, true, audit);
                if (ctx->in.op == OP_PULL)
                        enum_pull(ctx);
                else
                        enum_release(ctx);
                return;
        }
        if (!admitted(ctx, uri, &method, &who, audit))
                return;
        if (ctx->in.env->fragment && !fragment_ready(ctx))
                return;
        if (request_reply_begin(ctx, reply_action(ctx, action, sizeof(action))) < 0) {
                request_send_http(ctx, 500, "Internal Server Error", NULL);
                return;
        }
        if (ctx->in.op == OP_ENUMERATE) {
                enum_start(ctx);
                return;
        }
        st = call(ctx, method);
        if (st != WINRMD_PENDING) {
                finish(ctx, st);
                return;
        }
        if (pending_hold(ctx, resumed) < 0) {
                plugin_cancel(ctx->in.res, ctx);
                request_send_fault(ctx, F_INTERNAL, "The request could not be held for its provider.");
        }
}
