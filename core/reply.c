/* reply.c - a request's life: made when its head is read, answered once
 * (the envelope written around the body the writer holds), freed. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/event.h>

#include "config.h"
#include "conn.h"
#include "enumctx.h"
#include "enumerate.h"
#include "log.h"
#include "ns.h"
#include "request.h"
#include "trace.h"
#include "util.h"

#define HUSKS 64                  /* answered pending requests kept empty */

static unsigned tcp_active;
static struct winrmd_ctx *husks[HUSKS];
static size_t next_husk;

unsigned request_tcp_active(void)
{
        return tcp_active;
}

void request_count_tcp(struct winrmd_ctx *ctx)
{
        if (!ctx->st.counted) {
                ctx->st.counted = true;
                tcp_active++;
        }
}

struct winrmd_ctx *request_new(struct conn *c)
{
        struct winrmd_ctx *ctx = calloc(1, sizeof(*ctx));

        if (!ctx)
                return NULL;
        ctx->in.conn = c;
        ctx->in.local = conn_is_local(c);
        writer_init(&ctx->out.body, false);
        return ctx;
}

/* Frees what ctx owns and leaves it empty and dead. */
static void empty(struct winrmd_ctx *ctx)
{
        if (ctx->st.counted)
                tcp_active--;
        ctx->st.counted = false;
        env_free(ctx->in.env);
        ctx->in.env = NULL;
        free(ctx->out.action);
        free(ctx->out.relates_to);
        ctx->out.action = ctx->out.relates_to = NULL;
        sbuf_free(&ctx->out.hdr);
        writer_free(&ctx->out.body);
        sbuf_free(&ctx->st.batch.items);
        enum_state_free(ctx);
        if (ctx->st.batch.ctx)          /* a Pull whose client left */
                enumctx_set_busy(ctx->st.batch.ctx, false);
        ctx->st.batch.ctx = NULL;
        for (size_t i = 0; i < ctx->st.n_created; i++) {
                free(ctx->st.created_sel[i][0]);
                free(ctx->st.created_sel[i][1]);
        }
        ctx->st.n_created = 0;
        free(ctx->st.fault_msg);
        ctx->st.fault_msg = NULL;
        while (ctx->st.strings) {
                struct str_list *n = ctx->st.strings->next;
                free(ctx->st.strings);
                ctx->st.strings = n;
        }
        config_txn_free(ctx->st.txn);
        ctx->st.txn = NULL;
        if (ctx->st.timer)
                event_free(ctx->st.timer);
        ctx->st.timer = NULL;
        if (ctx->in.conn && conn_data(ctx->in.conn) == ctx)
                conn_set_data(ctx->in.conn, NULL);
        ctx->in.conn = NULL;
        wipe(ctx->in.pending_pass, sizeof(ctx->in.pending_pass));
        free(ctx->in.cert);
        ctx->in.cert = NULL;
        ctx->st.dead = true;
}

void request_free(struct winrmd_ctx *ctx)
{
        bool was_pending;

        if (!ctx)
                return;
        /* a provider held this ctx: keep its memory a while, so a late
         * complete() with it finds a dead husk, not another request */
        was_pending = ctx->in.res && (ctx->in.op != OP_NONE);
        empty(ctx);
        if (!was_pending) {
                free(ctx);
                return;
        }
        free(husks[next_husk]);
        husks[next_husk] = ctx;
        next_husk = (next_husk + 1) % HUSKS;
}

void request_free_husks(void)
{
        for (size_t i = 0; i < HUSKS; i++) {
                free(husks[i]);
                husks[i] = NULL;
        }
}

const char *request_keep(struct winrmd_ctx *ctx, const char *s)
{
        size_t n = strlen(s) + 1;
        struct str_list *l;

        if (ctx->st.dead)
                return NULL;
        l = malloc(sizeof(*l) + n);
        if (!l)
                return NULL;
        memcpy(l->s, s, n);
        l->next = ctx->st.strings;
        ctx->st.strings = l;
        return l->s;
}

int request_reply_begin(struct winrmd_ctx *ctx, const char *action)
{
        free(ctx->out.action);
        ctx->out.action = NULL;
        if (action && !(ctx->out.action = strdup(action)))
                return -1;
        /* the extra header (a fault's NotUnderstood) is the core's: kept */
        writer_reset(&ctx->out.body);
        return 0;
}

size_t request_reply_limit(const struct winrmd_ctx *ctx)
{
        size_t limit = (size_t)config_long("max_envelope_kb") * 1024;
        const struct env *e = ctx->in.env;

        if (e && e->max_envelope_size > 0 && (size_t)e->max_envelope_size < limit)
                limit = (size_t)e->max_envelope_size;
        return limit;
}

const char *request_wsman_ns(const struct winrmd_ctx *ctx)
{
        const struct env *e = ctx->in.env;

        return (e ? e->ns_2005 : ctx->in.ns_2005) ? NS_WSMAN_2005 : NS_WSMAN;
}

/* The envelope's text around the body, before it (*pre) and after (*post). */
static int frame(struct winrmd_ctx *ctx, struct sbuf *pre, const char **post)
{
        const struct env *e = ctx->in.env;
        const char *relates = e && e->message_id ? e->message_id : ctx->out.relates_to;
        bool empty_body = ctx->out.body.out.len == 0;
        char mid[48], guid[37];

        if (!ctx->out.action) {
                sbuf_adds(pre, "<s:Envelope xmlns:s=\"" NS_SOAP "\" xml:lang=\"en-US\"><s:Header/>");
        } else {
                new_guid(guid);
                memcpy(mid, "uuid:", 5);
                memcpy(mid + 5, guid, sizeof(guid));
                /* w is the request's generation of WS-Management */
                sbuf_adds(pre, "<s:Envelope xmlns:s=\"" NS_SOAP "\" xmlns:a=\"" NS_WSA "\" xmlns:w=\"");
                sbuf_adds(pre, request_wsman_ns(ctx));
                sbuf_adds(pre, "\" xml:lang=\"en-US\"><s:Header>");
                sbuf_add_element(pre, "a:Action", ctx->out.action);
                sbuf_add_element(pre, "a:MessageID", mid);
                sbuf_add_element(pre, "a:To", WSA_ANONYMOUS);
                if (relates)
                        sbuf_add_element(pre, "a:RelatesTo", relates);
                sbuf_add(pre, ctx->out.hdr.p, ctx->out.hdr.len);
                sbuf_adds(pre, "</s:Header>");
        }
        sbuf_adds(pre, empty_body ? "<s:Body/></s:Envelope>" : "<s:Body>");
        *post = empty_body ? "" : "</s:Body></s:Envelope>";
        return pre->err || ctx->out.hdr.err ? -1 : 0;
}

size_t request_reply_size(struct winrmd_ctx *ctx)
{
        struct sbuf pre = { 0 };
        const char *post;
        size_t n;

        (void)frame(ctx, &pre, &post);
        n = pre.len + ctx->out.body.out.len + strlen(post);
        sbuf_free(&pre);
        return n;
}

void request_send(struct winrmd_ctx *ctx, int status)
{
        struct sbuf o = { 0 };
        const char *post;

        if (frame(ctx, &o, &post) < 0 || writer_failed(&ctx->out.body)) {
                sbuf_free(&o);
                request_send_http(ctx, 500, "Internal Server Error", NULL);
                return;
        }
        sbuf_add(&o, ctx->out.body.out.p, ctx->out.body.out.len);
        sbuf_adds(&o, post);
        if (o.err) {
                sbuf_free(&o);
                request_send_http(ctx, 500, "Internal Server Error", NULL);
                return;
        }
        if (o.len > request_reply_limit(ctx) && status == 200) {
                sbuf_free(&o);
                request_send_fault(ctx, F_MAX_ENVELOPE_SIZE, NULL);
                return;
        }
        if (config_bool("soap_trace"))
                trace_message("response", o.p, o.len);
        conn_reply(ctx->in.conn, status, status == 200 ? "OK" : "Internal Server Error",
                   "Content-Type: application/soap+xml;charset=UTF-8\r\n", o.p, o.len);
        sbuf_free(&o);
        request_free(ctx);
}

void request_send_fault(struct winrmd_ctx *ctx, enum fault_id id, const char *message)
{
        struct writer *w = &ctx->out.body;

        const char *ns = request_wsman_ns(ctx);

        if (request_reply_begin(ctx, fault_action_ns(id, ns)) < 0) {
                request_send_http(ctx, 500, "Internal Server Error", NULL);
                return;
        }
        w->trusted = true;
        if (fault_write_ns(w, id, message, ctx->in.legacy || !strcmp(ns, NS_WSMAN_2005), fault_machine(),
                           ctx->st.fault_code, ns) < 0) {
                log_err("a fault reply could not be written: %s", w->error[0] ? w->error : "out of memory");
                request_send_http(ctx, 500, "Internal Server Error", NULL);
                return;
        }
        request_send(ctx, 500);
}

void request_send_http(struct winrmd_ctx *ctx, int status, const char *reason, const char *headers)
{
        conn_reply(ctx->in.conn, status, reason, headers, NULL, 0);
        request_free(ctx);
}
