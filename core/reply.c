/* reply.c - building and sending WS-Man replies. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

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

struct winrmd_ctx *request_new(struct evhttp_request *req, const struct listener *lst)
{
        struct winrmd_ctx *ctx = calloc(1, sizeof(*ctx));

        if (!ctx)
                return NULL;
        ctx->http = req;
        ctx->lst = lst;
        return ctx;
}

void request_free(struct winrmd_ctx *ctx)
{
        if (!ctx)
                return;
        if (ctx->counted)
                tcp_active--;
        env_free(ctx->env);
        xmlFreeDoc(ctx->rdoc);
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

static void add_header(struct winrmd_ctx *ctx, xmlNs *a, const char *name, const char *value)
{
        xmlNewTextChild(ctx->rheader, a, BAD_CAST name, BAD_CAST value);
}

int request_reply_begin(struct winrmd_ctx *ctx, const char *action)
{
        xmlNode *env;
        xmlNs *s, *a;
        _cleanup_free_ char *mid = NULL;

        xmlFreeDoc(ctx->rdoc);
        ctx->rdoc = xmlNewDoc(BAD_CAST "1.0");
        if (!ctx->rdoc)
                return -1;
        env = xmlNewNode(NULL, BAD_CAST "Envelope");
        xmlDocSetRootElement(ctx->rdoc, env);
        xmlNodeSetLang(env, BAD_CAST "en-US");
        s = xmlNewNs(env, BAD_CAST NS_SOAP, BAD_CAST "s");
        xmlSetNs(env, s);
        ctx->rheader = xmlNewChild(env, s, BAD_CAST "Header", NULL);
        ctx->rbody = xmlNewChild(env, s, BAD_CAST "Body", NULL);
        ctx->cursor = ctx->out = ctx->rbody;
        if (!action)
                return 0;
        a = xmlNewNs(env, BAD_CAST NS_WSA, BAD_CAST "a");
        xmlNewNs(env, BAD_CAST NS_WSMAN, BAD_CAST "w");
        mid = new_message_id();
        add_header(ctx, a, "Action", action);
        add_header(ctx, a, "MessageID", mid ? mid : "");
        add_header(ctx, a, "To", WSA_ANONYMOUS);
        if (ctx->env && ctx->env->message_id)
                add_header(ctx, a, "RelatesTo", ctx->env->message_id);
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

/* The reply envelope serialized into a new evbuffer, or NULL on OOM. */
static struct evbuffer *serialize(struct winrmd_ctx *ctx)
{
        struct evbuffer *b = evbuffer_new();

        if (b && xmlout_write(xmlDocGetRootElement(ctx->rdoc), b) < 0) {
                evbuffer_free(b);
                b = NULL;
        }
        return b;
}

bool request_reply_fits(struct winrmd_ctx *ctx)
{
        struct evbuffer *b = serialize(ctx);
        bool fits = b && evbuffer_get_length(b) <= reply_limit(ctx);

        if (b)
                evbuffer_free(b);
        return fits;
}

void request_send(struct winrmd_ctx *ctx, int status)
{
        struct evbuffer *b = serialize(ctx);
        size_t len;

        if (!b) {
                request_send_status(ctx, 500, "Internal Server Error");
                return;
        }
        len = evbuffer_get_length(b);
        if (len > reply_limit(ctx) && status == 200) {
                evbuffer_free(b);
                request_send_fault(ctx, F_MAX_ENVELOPE_SIZE, NULL);
                return;
        }
        if (config_bool("soap_trace"))
                trace_message("response", (const char *)evbuffer_pullup(b, -1), len);
        evhttp_add_header(evhttp_request_get_output_headers(ctx->http), "Content-Type",
                          "application/soap+xml;charset=UTF-8");
        evbuffer_add_buffer(evhttp_request_get_output_buffer(ctx->http), b);
        evbuffer_free(b);
        conn_send_reply(ctx->http, status, status == 200 ? "OK" : "Internal Server Error");
        request_free(ctx);
}

void request_send_fault(struct winrmd_ctx *ctx, enum fault_id id, const char *message)
{
        if (request_reply_begin(ctx, fault_action(id)) < 0) {
                request_send_status(ctx, 500, "Internal Server Error");
                return;
        }
        fault_build(ctx->rbody, id, message, ctx->legacy, fault_machine());
        request_send(ctx, 500);
}

void request_send_status(struct winrmd_ctx *ctx, int status, const char *reason)
{
        conn_send_reply(ctx->http, status, reason);
        request_free(ctx);
}
