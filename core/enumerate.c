/* enumerate.c - WS-Enumeration for every provider: Enumerate makes a
 * context over the provider's list or cursor; Enumerate with
 * OptimizeEnumeration and Pull fill a batch from it.  A batch takes items
 * while MaxElements (capped by MaxBatchItems) and the envelope size allow:
 * an item that does not fit is held for the next Pull, never lost, and a
 * Pull that cannot fit even one gets w:EncodingLimit with the item still
 * held.  A cursor's enum_next may answer late (WINRMD_PENDING).
 *
 * The core also serves, for every provider that names its items with
 * item_selector(), the EnumerationMode of DSP0226 8.7 (EPRs, or objects
 * and EPRs: each item is rendered as it is placed in a batch, so batch
 * sizing sees what is sent) and the SelectorFilter dialect (a list is
 * filtered once at Enumerate, a cursor's items as they come); and
 * TotalItemsCountEstimate (a list's count, a cursor's once it ended,
 * else xsi:nil).  The context keeps the mode and filter for its Pulls. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "enumctx.h"
#include "enumerate.h"
#include "enumsel.h"
#include "log.h"
#include "ns.h"
#include "pending.h"
#include "plugin.h"
#include "util.h"

/* Bytes of the response around the items: context id, wrappers, end. */
#define WRAPPER_BYTES 512
/* Bytes of a TotalItemsCountEstimate header, nil or a number. */
#define COUNT_BYTES 128
/* Items of a cursor the filter may leave out in one request before it is
 * answered with what it has (the context goes on). */
#define FILTER_SKIP_MAX 10000

#define XSI "http://www.w3.org/2001/XMLSchema-instance"

static struct enumctx_owner owner_of(const struct winrmd_ctx *ctx)
{
        struct enumctx_owner o = { ctx->in.user, ctx->in.is_admin, ctx->in.res };

        if (!o.resource)
                o.resource = plugin_find(ctx->in.env->resource_uri);
        return o;
}

/* MaxElements under parent: 1 when absent, capped by MaxBatchItems; -1
 * when it is not a positive integer. */
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

bool enum_supported(struct winrmd_ctx *ctx)
{
        xmlNode *e = ctx->in.env->body_first;
        enum fault_id f;
        char msg[512];

        if (!xml_is(e, NS_WSEN, "Enumerate")) {
                request_send_fault(ctx, F_SCHEMA, "The Enumerate body is missing.");
                return false;
        }
        enumsel_req_free(&ctx->st.enumq);
        if (enumsel_read(e, &ctx->st.enumq, &f, msg, sizeof(msg)) < 0) {
                request_send_fault(ctx, f, msg);
                return false;
        }
        return true;
}

void enum_state_free(struct winrmd_ctx *ctx)
{
        struct item_names *s = &ctx->st.names;

        enumsel_req_free(&ctx->st.enumq);
        sbuf_free(&s->pairs);
        free(s->ends);
        s->ends = NULL;
        s->n = s->cap = 0;
        s->unnamed = false;
}

/* Starts collecting the selectors of the items the provider writes next
 * (kept when keep). */
static void names_begin(struct winrmd_ctx *ctx, bool keep)
{
        struct item_names *s = &ctx->st.names;

        sbuf_reset(&s->pairs);
        s->n = 0;
        s->unnamed = false;
        s->keep = keep;
}

/* The entries of ends for items up to item (those before it unnamed). */
static int names_reach(struct item_names *s, size_t item)
{
        while (s->n <= item) {
                if (s->n == s->cap) {
                        size_t cap = s->cap ? s->cap * 2 : 16;
                        size_t *p = realloc(s->ends, cap * sizeof(*p));
                        if (!p)
                                return -ENOMEM;
                        s->ends = p;
                        s->cap = cap;
                }
                s->ends[s->n] = s->pairs.len;
                if (s->n < item)
                        s->unnamed = true;
                s->n++;
        }
        return 0;
}

int enum_item_selector(struct winrmd_ctx *ctx, const char *name, const char *value)
{
        struct item_names *s = &ctx->st.names;
        struct writer *w = &ctx->out.body;
        size_t item, from;
        int r;

        if (name ? !value || !*name || !writer_valid_text(name, strlen(name)) ||
                   !writer_valid_text(value, strlen(value)) : value != NULL)
                return -EINVAL;
        if (ctx->in.op != OP_ENUMERATE && ctx->in.op != OP_PULL)
                return 0;       /* a Get or Put rendering what Enumerate renders */
        if (w->depth == 0 && w->top == 0)
                return -EINVAL; /* no item begun */
        item = w->depth > 0 ? w->top : w->top - 1;
        if (!s->keep) {
                /* nothing needs them: the item's own, for the same checks */
                if (s->n != item + 1) {
                        sbuf_reset(&s->pairs);
                        s->n = item + 1;
                }
                return name ? enumsel_add(&s->pairs, 0, name, value) : 0;
        }
        if (item + 1 < s->n)
                return -EINVAL;
        if (name && s->pairs.len + strlen(name) + strlen(value) + 2 > ENUMCTX_LIST_BYTES)
                return -E2BIG;
        if (names_reach(s, item) < 0)
                return -ENOMEM;
        if (!name)
                return 0;       /* a singleton: named by its resource URI */
        from = item ? s->ends[item - 1] : 0;
        r = enumsel_add(&s->pairs, from, name, value);
        s->ends[item] = s->pairs.len;
        return r;
}

/* Calls the provider's fn on behalf of its owner. */
static struct loaded_provider *enter(const struct winrmd_ctx *ctx)
{
        return plugin_enter(ctx->in.res->prov);
}

/* --- answering a batch --- */

/* True when the request asks for TotalItemsCountEstimate (DSP0226
 * 8.2.2), in either WS-Management namespace. */
static bool count_asked(const struct winrmd_ctx *ctx)
{
        const xmlNode *h = ctx->in.env->header;

        return xml_child(h, NS_WSMAN, "RequestTotalItemsCountEstimate") ||
               xml_child(h, NS_WSMAN_2005, "RequestTotalItemsCountEstimate");
}

static void batch_begin(struct winrmd_ctx *ctx, struct enumctx *c, long max, bool optimized)
{
        struct batch *b = &ctx->st.batch;
        size_t around;

        b->ctx = c;
        b->max = max;
        b->count = 0;
        b->end = false;
        b->full = false;
        b->optimized = optimized;
        b->waiting = false;
        b->skipped = 0;
        /* a Pull answers the count when it asks, or when its Enumerate did */
        b->count_wanted = count_asked(ctx) || enumctx_want_count(c);
        sbuf_reset(&b->items);
        writer_reset(&ctx->out.body);
        ctx->out.body.keep_tops = false;
        ctx->out.body.limit = 0;
        names_begin(ctx, enumsel_needs_names(enumctx_req(c)));
        around = request_reply_size(ctx) + WRAPPER_BYTES + (b->count_wanted ? COUNT_BYTES : 0);
        b->room = request_reply_limit(ctx);
        b->room = b->room > around ? b->room - around : 0;
        enumctx_set_busy(c, true);
}

/* The context is done with for this request (it lives on, or not). */
static void batch_end(struct winrmd_ctx *ctx, bool release)
{
        struct batch *b = &ctx->st.batch;

        if (!b->ctx)
                return;
        enumctx_set_busy(b->ctx, false);
        if (release)
                enumctx_release(b->ctx);
        else
                enumctx_touch(b->ctx, pending_now_ms(), config_long("service.enum_timeout_ms"));
        b->ctx = NULL;
}

/* Writes the EnumerateResponse or PullResponse around the batch and sends it. */
static void send_batch(struct winrmd_ctx *ctx)
{
        struct batch *b = &ctx->st.batch;
        struct sbuf *o = &ctx->out.body.out;
        /* a plain Enumerate always hands over a context: the items come
         * with the Pulls, and the end with the last of them */
        bool done = (ctx->in.op == OP_PULL || b->optimized) && enumctx_done(b->ctx);
        const char *id = enumctx_id(b->ctx);
        long total = enumctx_total(b->ctx);
        char num[24];

        writer_reset(&ctx->out.body);
        if (b->count_wanted && total >= 0) {
                snprintf(num, sizeof(num), "%ld", total);
                sbuf_add_element(&ctx->out.hdr, "w:TotalItemsCountEstimate", num);
        } else if (b->count_wanted) {
                /* DSP0226 8.2.2: the service cannot tell, so the empty form */
                sbuf_adds(&ctx->out.hdr, "<w:TotalItemsCountEstimate xmlns:xsi=\"" XSI "\" xsi:nil=\"true\"/>");
        }
        if (ctx->in.op == OP_ENUMERATE) {
                sbuf_adds(o, "<n:EnumerateResponse xmlns:n=\"" NS_WSEN "\">");
                if (done)
                        sbuf_adds(o, "<n:EnumerationContext/>");
                else
                        sbuf_add_element(o, "n:EnumerationContext", id);
                if (b->optimized) {
                        sbuf_adds(o, "<w:Items>");
                        sbuf_add(o, b->items.p, b->items.len);
                        sbuf_adds(o, done ? "</w:Items><w:EndOfSequence/>" : "</w:Items>");
                }
                sbuf_adds(o, "</n:EnumerateResponse>");
        } else {
                sbuf_adds(o, "<n:PullResponse xmlns:n=\"" NS_WSEN "\">");
                if (!done)
                        sbuf_add_element(o, "n:EnumerationContext", id);
                sbuf_adds(o, "<n:Items>");
                sbuf_add(o, b->items.p, b->items.len);
                sbuf_adds(o, done ? "</n:Items><n:EndOfSequence/>" : "</n:Items>");
                sbuf_adds(o, "</n:PullResponse>");
        }
        batch_end(ctx, done);
        request_send(ctx, 200);
}

/* A fault for a batch; the context is released or kept as asked. */
static void fail_batch(struct winrmd_ctx *ctx, bool release, enum fault_id id, const char *msg)
{
        batch_end(ctx, release);
        request_send_fault(ctx, id, msg);
}

/* The fault for a resource whose items are not named, in an enumeration
 * that needs names (an EPR mode or the SelectorFilter): false, answered. */
static bool unnamed_fault(struct winrmd_ctx *ctx, const struct enumsel_req *q, bool release)
{
        char msg[512];
        const char *uri = ctx->in.env->resource_uri ? ctx->in.env->resource_uri : "";

        if (q->mode != ENUM_MODE_OBJECT)
                snprintf(msg, sizeof(msg), "The resource %.200s does not name its items (its provider gives no "
                         "selectors), so it cannot answer EnumerateEPR or EnumerateObjectAndEPR.", uri);
        else
                snprintf(msg, sizeof(msg), "The resource %.200s does not name its items (its provider gives no "
                         "selectors), so the SelectorFilter dialect is not available for it.", uri);
        if (ctx->st.batch.ctx)
                fail_batch(ctx, release, q->mode != ENUM_MODE_OBJECT ? F_ENUMERATION_MODE : F_FILTER_DIALECT, msg);
        else
                request_send_fault(ctx, q->mode != ENUM_MODE_OBJECT ? F_ENUMERATION_MODE : F_FILTER_DIALECT, msg);
        return false;
}

/* Adds the item (taken over), answered in the context's mode, to the
 * batch when it fits; else holds it for the next Pull (which makes the
 * batch full).  -1 when the request was answered (a fault), else 0. */
static int place(struct winrmd_ctx *ctx, struct enumctx_item *it)
{
        struct batch *b = &ctx->st.batch;
        const struct enumsel_req *q = enumctx_req(b->ctx);
        size_t before = b->items.len;
        int r = enumsel_render(&b->items, q->mode, enumctx_uri(b->ctx), it->text, it->len, it->sel, it->sel_len);

        if (r == 0 && b->items.len <= b->room) {
                enumctx_item_free(it);
                b->count++;
                return 0;
        }
        b->items.len = before;
        if (r < 0) {
                (void)enumctx_hold(b->ctx, it);
                fail_batch(ctx, false, F_INTERNAL, NULL);
                return -1;
        }
        if (enumctx_hold(b->ctx, it) < 0) {
                fail_batch(ctx, true, F_QUOTA_LIMIT, "The enumeration holds too much for this user.");
                return -1;
        }
        if (b->count == 0 && ctx->in.op == OP_PULL) {
                /* not even one fits: the item waits for a larger envelope */
                fail_batch(ctx, false, F_MAX_ENVELOPE_SIZE, NULL);
                return -1;
        }
        b->full = true;
        return 0;
}

static void fill(struct winrmd_ctx *ctx);

/* What enum_next answered: an item to place, the end, or a fault.  False
 * when the request was answered. */
static bool next_answer(struct winrmd_ctx *ctx, winrmd_status st)
{
        struct batch *b = &ctx->st.batch;
        struct writer *w = &ctx->out.body;
        struct item_names *names = &ctx->st.names;
        const struct enumsel_req *q = enumctx_req(b->ctx);
        struct enumctx_item it = { 0 };

        if (st == WINRMD_END) {
                enumctx_set_end(b->ctx);
                b->end = true;
                return true;
        }
        if (st == WINRMD_E_TIMED_OUT) {
                fail_batch(ctx, false, F_TIMED_OUT, NULL);
                return false;
        }
        if (st != WINRMD_OK || ctx->st.has_fault) {
                fail_batch(ctx, true, ctx->st.has_fault ? ctx->st.fault : fault_from_status(st), ctx->st.fault_msg);
                return false;
        }
        if (writer_finish(w) == 0 && w->top != 1)
                snprintf(w->error, sizeof(w->error), "enum_next wrote %u items, 1 expected", w->top);
        if (writer_failed(w)) {
                log_err("provider %s: %s: %s", plugin_name(ctx->in.res), LQ(ctx->in.env->resource_uri),
                        w->error[0] ? w->error : "out of memory while writing an item");
                fail_batch(ctx, true, F_INTERNAL, NULL);
                return false;
        }
        if (names->keep && (names->unnamed || names->n != 1))
                return unnamed_fault(ctx, q, true);
        if (q->filtered && !enumsel_match(names->pairs.p, names->pairs.len, q->filter, q->filter_len)) {
                b->skipped++;
                return true;    /* not one of those asked for */
        }
        enumctx_count_item(b->ctx);
        it.text = strndup(w->out.p, w->out.len);
        it.len = w->out.len;
        if (names->keep && !names->pairs.err) {
                /* the item takes the pairs over */
                it.sel = names->pairs.p;
                it.sel_len = names->pairs.len;
                memset(&names->pairs, 0, sizeof(names->pairs));
        }
        if (!it.text || names->pairs.err) {
                enumctx_item_free(&it);
                fail_batch(ctx, true, F_INTERNAL, NULL);
                return false;
        }
        return place(ctx, &it) == 0;
}

/* A late enum_next answered. */
static void next_resumed(struct winrmd_ctx *ctx, winrmd_status st)
{
        ctx->st.batch.waiting = false;
        if (next_answer(ctx, st))
                fill(ctx);
}

/* Takes items until the batch is full or the source ends, then answers;
 * returns early while a late enum_next is awaited. */
static void fill(struct winrmd_ctx *ctx)
{
        struct batch *b = &ctx->st.batch;
        struct loaded_provider *before;
        struct enumctx_item it;
        winrmd_status st;
        int r;

        while (b->count < b->max && !b->end && !b->full && b->skipped < FILTER_SKIP_MAX) {
                r = enumctx_take(b->ctx, &it);
                if (r == 0) {
                        if (place(ctx, &it) < 0)
                                return;
                        continue;
                }
                if (r != -ENOENT) {
                        fail_batch(ctx, false, F_INTERNAL, NULL);
                        return;
                }
                if (!enumctx_cursor(b->ctx)) {
                        b->end = true;
                        break;
                }
                writer_reset(&ctx->out.body);
                ctx->out.body.limit = request_reply_limit(ctx);
                ctx->st.has_fault = false;
                names_begin(ctx, ctx->st.names.keep);
                before = enter(ctx);
                st = ctx->in.res->res.enum_next(ctx, enumctx_cursor(b->ctx));
                plugin_enter(before);
                if (st == WINRMD_PENDING) {
                        b->waiting = true;
                        if (pending_hold(ctx, next_resumed) < 0) {
                                plugin_cancel(ctx->in.res, ctx);
                                fail_batch(ctx, false, F_INTERNAL, NULL);
                        }
                        return;
                }
                if (!next_answer(ctx, st))
                        return;
        }
        send_batch(ctx);
}

/* --- Enumerate --- */

/* Frees a source no context took. */
static void source_drop(struct winrmd_ctx *ctx, struct enumctx_source *src)
{
        if (src->cursor)
                src->close(ctx->in.res, src->cursor);
        free(src->text);
        free(src->ends);
        free(src->sel);
        free(src->sel_ends);
        memset(src, 0, sizeof(*src));
}

/* Keeps the items of a list whose selectors match the filter of q. */
static void filter_list(struct enumctx_source *s, const struct enumsel_req *q)
{
        size_t kept = 0, text_at = 0, sel_at = 0, text_from = 0, sel_from = 0;

        for (size_t i = 0; i < s->n; i++) {
                size_t text_to = s->ends[i], sel_to = s->sel_ends[i];
                const char *sel = s->sel ? s->sel + sel_from : "";

                if (enumsel_match(sel, sel_to - sel_from, q->filter, q->filter_len)) {
                        if (text_at != text_from)
                                memmove(s->text + text_at, s->text + text_from, text_to - text_from);
                        if (sel_at != sel_from && sel_to > sel_from)
                                memmove(s->sel + sel_at, s->sel + sel_from, sel_to - sel_from);
                        text_at += text_to - text_from;
                        sel_at += sel_to - sel_from;
                        s->ends[kept] = text_at;
                        s->sel_ends[kept] = sel_at;
                        kept++;
                }
                text_from = text_to;
                sel_from = sel_to;
        }
        s->n = kept;
}

/* Makes the context over src and answers the Enumerate. */
static void respond(struct winrmd_ctx *ctx, struct enumctx_source *src)
{
        struct enumctx_owner who = owner_of(ctx);
        xmlNode *e = ctx->in.env->body_first;
        bool optimized = xml_child(e, NS_WSMAN, "OptimizeEnumeration") != NULL;
        long max = optimized ? max_elements(e, NS_WSMAN) : 0;
        struct enumctx *c;
        char id[48];
        int r;

        if (max < 0) {
                source_drop(ctx, src);
                request_send_fault(ctx, F_INVALID_PARAMETER, "MaxElements is not a positive integer.");
                return;
        }
        r = enumctx_create(&who, src, pending_now_ms(), config_long("service.enum_timeout_ms"), id, &c);
        if (r < 0) {
                request_send_fault(ctx, r == -E2BIG ? F_QUOTA_LIMIT : F_INTERNAL,
                                   r == -E2BIG ? "Too many enumeration contexts, or too much held for them, are open."
                                               : NULL);
                return;
        }
        /* the mode, the filter and the count asked for hold for the Pulls too */
        if (enumctx_set_how(c, &ctx->st.enumq, ctx->in.env->resource_uri, count_asked(ctx)) < 0) {
                enumctx_release(c);
                request_send_fault(ctx, F_INTERNAL, NULL);
                return;
        }
        batch_begin(ctx, c, max, optimized);
        if (!optimized) {
                send_batch(ctx);
                return;
        }
        fill(ctx);
}

/* The provider's enumerate (a list) answered. */
static void list_written(struct winrmd_ctx *ctx, winrmd_status st)
{
        struct writer *w = &ctx->out.body;
        struct item_names *names = &ctx->st.names;
        struct enumctx_source src = { 0 };

        if (st == WINRMD_OK && ctx->st.has_fault)
                st = WINRMD_E_INTERNAL;
        if (st != WINRMD_OK) {
                request_send_fault(ctx, ctx->st.has_fault ? ctx->st.fault : fault_from_status(st), ctx->st.fault_msg);
                return;
        }
        if (writer_finish(w) < 0) {
                bool big = w->limit && w->out.len > w->limit;
                log_err("provider %s: %s: %s", plugin_name(ctx->in.res), LQ(ctx->in.env->resource_uri),
                        w->error[0] ? w->error : "out of memory while writing items");
                request_send_fault(ctx, big ? F_QUOTA_LIMIT : F_INTERNAL,
                                   big ? "The enumeration is larger than a list may be; its provider must stream it." : NULL);
                return;
        }
        if (names->keep) {
                if (names->pairs.err) {
                        request_send_fault(ctx, F_INTERNAL, NULL);
                        return;
                }
                if (names->unnamed || names->n != w->n_tops) {
                        unnamed_fault(ctx, &ctx->st.enumq, false);
                        return;
                }
                /* the selectors, item by item, now belong to the context */
                src.sel = names->pairs.p;
                src.sel_ends = names->ends;
                memset(&names->pairs, 0, sizeof(names->pairs));
                names->ends = NULL;
                names->n = names->cap = 0;
        }
        src.n = w->n_tops;
        src.text = w->out.p;
        src.ends = w->tops;
        /* the writer's buffers now belong to the context */
        w->out.p = NULL;
        w->out.len = w->out.cap = 0;
        w->tops = NULL;
        w->n_tops = w->cap_tops = 0;
        if (ctx->st.enumq.filtered)
                filter_list(&src, &ctx->st.enumq);
        respond(ctx, &src);
}

/* The provider's enum_open answered. */
static void opened(struct winrmd_ctx *ctx, winrmd_status st)
{
        struct enumctx_source src = { 0 };
        void *cursor = ctx->st.cursor;

        ctx->st.cursor = NULL;
        if (st == WINRMD_OK && ctx->st.has_fault)
                st = WINRMD_E_INTERNAL;
        if (st != WINRMD_OK || !cursor) {
                if (cursor)
                        plugin_enum_close(ctx->in.res, cursor);
                if (st == WINRMD_OK)
                        log_err("provider %s: enum_open gave no cursor", plugin_name(ctx->in.res));
                request_send_fault(ctx, ctx->st.has_fault ? ctx->st.fault :
                                   fault_from_status(st == WINRMD_OK ? WINRMD_E_INTERNAL : st), ctx->st.fault_msg);
                return;
        }
        src.cursor = cursor;
        src.close = plugin_enum_close;
        respond(ctx, &src);
}

void enum_start(struct winrmd_ctx *ctx)
{
        const winrmd_resource *r = &ctx->in.res->res;
        struct loaded_provider *before;
        void (*next)(struct winrmd_ctx *, winrmd_status);
        winrmd_status st;

        before = enter(ctx);
        if (r->enumerate) {
                names_begin(ctx, enumsel_needs_names(&ctx->st.enumq));
                ctx->out.body.keep_tops = true;
                ctx->out.body.limit = ENUMCTX_LIST_BYTES;
                st = r->enumerate(ctx);
                next = list_written;
        } else {
                st = r->enum_open(ctx, &ctx->st.cursor);
                next = opened;
        }
        plugin_enter(before);
        if (st != WINRMD_PENDING) {
                next(ctx, st);
                return;
        }
        if (pending_hold(ctx, next) < 0) {
                plugin_cancel(ctx->in.res, ctx);
                if (ctx->st.cursor)
                        plugin_enum_close(ctx->in.res, ctx->st.cursor);
                ctx->st.cursor = NULL;
                request_send_fault(ctx, F_INTERNAL, NULL);
        }
}

/* --- Pull and Release --- */

/* The context a Pull or Release names, for its sender and resource. */
static struct enumctx *named(struct winrmd_ctx *ctx, xmlNode *parent)
{
        xmlNode *cn = xml_child(parent, NS_WSEN, "EnumerationContext");
        _cleanup_free_ char *id = cn ? xml_text(cn) : NULL;
        struct enumctx_owner who = owner_of(ctx);

        if (!id || !who.resource)
                return NULL;
        ctx->in.res = (const struct registered *)who.resource;
        return enumctx_find(id, &who, pending_now_ms());
}

void enum_pull(struct winrmd_ctx *ctx)
{
        xmlNode *p = ctx->in.env->body_first;
        struct enumctx *c = xml_is(p, NS_WSEN, "Pull") ? named(ctx, p) : NULL;
        long max;

        if (!c) {
                request_send_fault(ctx, F_INVALID_ENUM_CONTEXT, NULL);
                return;
        }
        if (enumctx_busy(c)) {
                request_send_fault(ctx, F_CONCURRENCY, "Another Pull of this enumeration is being answered.");
                return;
        }
        max = max_elements(p, NS_WSEN);
        if (max < 0) {
                request_send_fault(ctx, F_INVALID_PARAMETER, "MaxElements is not a positive integer.");
                return;
        }
        if (pending_count() >= (unsigned long)config_long("max_provider_requests")) {
                request_send_fault(ctx, F_QUOTA_LIMIT, "Too many operations are in progress.");
                return;
        }
        if (request_reply_begin(ctx, ACT_PULL "Response") < 0) {
                request_send_http(ctx, 500, "Internal Server Error", NULL);
                return;
        }
        batch_begin(ctx, c, max, false);
        fill(ctx);
}

void enum_release(struct winrmd_ctx *ctx)
{
        struct enumctx *c = named(ctx, ctx->in.env->body_first);

        if (!c) {
                request_send_fault(ctx, F_INVALID_ENUM_CONTEXT, NULL);
                return;
        }
        if (enumctx_busy(c)) {
                request_send_fault(ctx, F_CONCURRENCY, "A Pull of this enumeration is being answered.");
                return;
        }
        enumctx_release(c);
        request_reply_begin(ctx, ACT_RELEASE "Response");
        request_send(ctx, 200);
}
