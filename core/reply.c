/* reply.c - building and sending WS-Man replies. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <event2/event.h>

#include "config.h"
#include "conn.h"
#include "log.h"
#include "ns.h"
#include "request.h"
#include "trace.h"
#include "xmlout.h"
#include "util.h"

static unsigned tcp_active;

unsigned request_tcp_active(void)
{
        return tcp_active;
}

void request_count_tcp(struct winrmd_ctx *ctx)
{
        if (!ctx->counted) {
                ctx->counted = true;
                tcp_active++;
        }
}

struct winrmd_ctx *request_new(struct conn *c)
{
        struct winrmd_ctx *ctx = calloc(1, sizeof(*ctx));

        if (!ctx)
                return NULL;
        ctx->conn = c;
        ctx->local = conn_is_local(c);
        return ctx;
}

void request_free(struct winrmd_ctx *ctx)
{
        if (!ctx)
                return;
        if (ctx->counted)
                tcp_active--;
        env_free(ctx->env);
        free(ctx->reply_action);
        free(ctx->relates_to);
        sbuf_free(&ctx->hdr);
        sbuf_free(&ctx->body);
        for (size_t i = 0; i < ctx->n_items; i++)
                free(ctx->items[i]);
        free(ctx->items);
        for (size_t i = 0; i < ctx->n_created; i++) {
                free(ctx->created_sel[i][0]);
                free(ctx->created_sel[i][1]);
        }
        free(ctx->fault_msg);
        while (ctx->strings) {
                struct str_list *n = ctx->strings->next;
                free(ctx->strings);
                ctx->strings = n;
        }
        config_txn_free(ctx->txn);
        if (ctx->timer)
                event_free(ctx->timer);
        if (ctx->conn && conn_data(ctx->conn) == ctx)
                conn_set_data(ctx->conn, NULL);
        wipe(ctx->pending_pass, sizeof(ctx->pending_pass));
        free(ctx);
}

const char *request_keep(struct winrmd_ctx *ctx, const char *s)
{
        size_t n = strlen(s) + 1;
        struct str_list *l = malloc(sizeof(*l) + n);

        if (!l)
                return NULL;
        memcpy(l->s, s, n);
        l->next = ctx->strings;
        ctx->strings = l;
        return l->s;
}

int request_reply_begin(struct winrmd_ctx *ctx, const char *action)
{
        free(ctx->reply_action);
        ctx->reply_action = NULL;
        if (action && !(ctx->reply_action = strdup(action)))
                return -1;
        sbuf_reset(&ctx->hdr);
        sbuf_reset(&ctx->body);
        ctx->depth = 0;
        ctx->tag_open = false;
        return 0;
}

/* The largest reply allowed: MaxEnvelopeSizekb, lowered by the client's
 * MaxEnvelopeSize header (never below 8 KiB, room for any fault). */
static size_t reply_limit(const struct winrmd_ctx *ctx)
{
        size_t limit = (size_t)config_long("max_envelope_kb") * 1024;

        if (ctx->env && ctx->env->max_envelope_size > 0 && (size_t)ctx->env->max_envelope_size < limit)
                limit = (size_t)ctx->env->max_envelope_size;
        return limit < 8192 ? 8192 : limit;
}

/* The whole reply envelope around ctx's header and body text; -1 on OOM. */
static int assemble(struct winrmd_ctx *ctx, struct sbuf *o)
{
        const char *relates = ctx->env && ctx->env->message_id ? ctx->env->message_id : ctx->relates_to;
        char mid[48], guid[37];

        if (!ctx->reply_action) {
                sbuf_adds(o, "<s:Envelope xmlns:s=\"" NS_SOAP "\" xml:lang=\"en-US\"><s:Header/>");
        } else {
                new_guid(guid);
                memcpy(mid, "uuid:", 5);
                memcpy(mid + 5, guid, sizeof(guid));
                sbuf_adds(o, "<s:Envelope xmlns:s=\"" NS_SOAP "\" xmlns:a=\"" NS_WSA "\" xmlns:w=\""
                             NS_WSMAN "\" xml:lang=\"en-US\"><s:Header>");
                sbuf_add_element(o, "a:Action", ctx->reply_action);
                sbuf_add_element(o, "a:MessageID", mid);
                sbuf_add_element(o, "a:To", WSA_ANONYMOUS);
                if (relates)
                        sbuf_add_element(o, "a:RelatesTo", relates);
                sbuf_add(o, ctx->hdr.p, ctx->hdr.len);
                sbuf_adds(o, "</s:Header>");
        }
        if (ctx->body.len) {
                sbuf_adds(o, "<s:Body>");
                sbuf_add(o, ctx->body.p, ctx->body.len);
                sbuf_adds(o, "</s:Body></s:Envelope>");
        } else {
                sbuf_adds(o, "<s:Body/></s:Envelope>");
        }
        return o->err || ctx->hdr.err || ctx->body.err || ctx->writer_error ? -1 : 0;
}

bool request_reply_fits(struct winrmd_ctx *ctx)
{
        struct sbuf o = { 0 };
        bool fits;

        request_writer_finish(ctx);
        fits = assemble(ctx, &o) == 0 && o.len <= reply_limit(ctx);
        sbuf_free(&o);
        return fits;
}

void request_send(struct winrmd_ctx *ctx, int status)
{
        struct sbuf o = { 0 };

        request_writer_finish(ctx);
        if (assemble(ctx, &o) < 0) {
                sbuf_free(&o);
                request_send_http(ctx, 500, "Internal Server Error", NULL);
                return;
        }
        if (o.len > reply_limit(ctx) && status == 200) {
                sbuf_free(&o);
                request_send_fault(ctx, F_MAX_ENVELOPE_SIZE, NULL);
                return;
        }
        if (config_bool("soap_trace"))
                trace_message("response", o.p, o.len);
        conn_reply(ctx->conn, status, status == 200 ? "OK" : "Internal Server Error",
                   "Content-Type: application/soap+xml;charset=UTF-8\r\n", o.p, o.len);
        sbuf_free(&o);
        request_free(ctx);
}

int request_fault_text(struct winrmd_ctx *ctx, enum fault_id id, const char *message)
{
        xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
        xmlNode *env, *body;
        xmlNs *s;
        int r = -1;

        /* fault_build() writes a tree; the envelope it sits in declares what
         * the text envelope declares (s, a, w), so the Fault serializes alone */
        if (!doc)
                return -1;
        env = xmlNewNode(NULL, BAD_CAST "Envelope");
        xmlDocSetRootElement(doc, env);
        s = xmlNewNs(env, BAD_CAST NS_SOAP, BAD_CAST "s");
        xmlSetNs(env, s);
        xmlNewNs(env, BAD_CAST NS_WSA, BAD_CAST "a");
        xmlNewNs(env, BAD_CAST NS_WSMAN, BAD_CAST "w");
        body = xmlNewChild(env, s, BAD_CAST "Body", NULL);
        if (body) {
                fault_build(body, id, message, ctx->legacy, fault_machine());
                r = xmlout_append(body->children, &ctx->body);
        }
        xmlFreeDoc(doc);
        return r;
}

void request_send_fault(struct winrmd_ctx *ctx, enum fault_id id, const char *message)
{
        if (request_reply_begin(ctx, fault_action(id)) < 0 || request_fault_text(ctx, id, message) < 0) {
                request_send_http(ctx, 500, "Internal Server Error", NULL);
                return;
        }
        request_send(ctx, 500);
}

void request_send_http(struct winrmd_ctx *ctx, int status, const char *reason, const char *headers)
{
        conn_reply(ctx->conn, status, reason, headers, NULL, 0);
        request_free(ctx);
}
