/* enumctx.c - enumeration contexts in a small list with expiry and quotas. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enumctx.h"
#include "util.h"

struct enumctx {
        struct enumctx *next;
        char id[48];
        char user[256];
        bool admin;
        const void *resource;
        struct enumctx_source src;
        size_t next_item;           /* list: the next item to serve */
        bool ended;                 /* the source has no more */
        struct enumctx_item held;   /* an item taken but not served */
        struct enumsel_req req;     /* the Enumerate's mode and filter */
        char *uri;                  /* its ResourceURI */
        bool want_count;            /* it asked for TotalItemsCountEstimate */
        size_t produced;            /* items the cursor gave */
        bool busy;
        int64_t expires_ms;
};

static struct enumctx *head;
static int count;
static size_t total_bytes;

/* Bytes of a list source: its items, and their selectors when kept. */
static size_t list_bytes(const struct enumctx_source *s)
{
        if (!s->n)
                return 0;
        return s->ends[s->n - 1] + (s->sel_ends ? s->sel_ends[s->n - 1] : 0);
}

/* What the core keeps for c. */
static size_t bytes_of(const struct enumctx *c)
{
        return list_bytes(&c->src) + c->held.len + c->held.sel_len;
}

void enumctx_item_free(struct enumctx_item *it)
{
        free(it->text);
        free(it->sel);
        memset(it, 0, sizeof(*it));
}

static size_t user_bytes(const char *user)
{
        size_t n = 0;

        for (struct enumctx *c = head; c; c = c->next)
                if (!strcmp(c->user, user))
                        n += bytes_of(c);
        return n;
}

static void source_free(const void *resource, struct enumctx_source *s)
{
        if (s->cursor && s->close)
                s->close(resource, s->cursor);
        s->cursor = NULL;
        free(s->text);
        free(s->ends);
        free(s->sel);
        free(s->sel_ends);
        s->text = NULL;
        s->ends = NULL;
        s->sel = NULL;
        s->sel_ends = NULL;
        s->n = 0;
}

static void ctx_free(struct enumctx *c)
{
        total_bytes -= bytes_of(c);
        source_free(c->resource, &c->src);
        enumctx_item_free(&c->held);
        enumsel_req_free(&c->req);
        free(c->uri);
        free(c);
        count--;
}

/* Whether owner may open one more context now. */
static bool within_quota(const struct enumctx_owner *o)
{
        int mine = 0, others = 0;

        for (struct enumctx *c = head; c; c = c->next) {
                if (!strcmp(c->user, o->user))
                        mine++;
                if (!c->admin)
                        others++;
        }
        if (o->is_admin)
                return count < ENUMCTX_MAX && mine < ENUMCTX_PER_ADMIN;
        return count < ENUMCTX_MAX && mine < ENUMCTX_PER_USER &&
               others < ENUMCTX_MAX - ENUMCTX_ADMIN_RESERVE;
}

int enumctx_create(const struct enumctx_owner *owner, struct enumctx_source *src, int64_t now_ms,
                   int64_t timeout_ms, char id[48], struct enumctx **ret)
{
        size_t list = list_bytes(src);
        struct enumctx *c;
        char guid[37];

        enumctx_expire(now_ms);
        if (!within_quota(owner) || list > ENUMCTX_LIST_BYTES ||
            user_bytes(owner->user) + list > ENUMCTX_USER_BYTES) {
                source_free(owner->resource, src);
                return -E2BIG;
        }
        c = calloc(1, sizeof(*c));
        if (!c) {
                source_free(owner->resource, src);
                return -ENOMEM;
        }
        new_guid(guid);
        snprintf(c->id, sizeof(c->id), "uuid:%s", guid);
        snprintf(c->user, sizeof(c->user), "%s", owner->user);
        c->admin = owner->is_admin;
        c->resource = owner->resource;
        c->src = *src;
        memset(src, 0, sizeof(*src));
        c->ended = !c->src.cursor;      /* a list holds all there is */
        c->expires_ms = now_ms + timeout_ms;
        c->next = head;
        head = c;
        count++;
        total_bytes += bytes_of(c);
        memcpy(id, c->id, sizeof(c->id));
        *ret = c;
        return 0;
}

struct enumctx *enumctx_find(const char *id, const struct enumctx_owner *owner, int64_t now_ms)
{
        enumctx_expire(now_ms);
        for (struct enumctx *c = head; c; c = c->next)
                if (!strcmp(c->id, id) && !strcmp(c->user, owner->user) && c->resource == owner->resource)
                        return c;
        return NULL;
}

/* A NUL-terminated copy of p[from..to) in *ret; -ENOMEM. */
static int copy_range(const char *p, size_t from, size_t to, char **ret)
{
        *ret = malloc(to - from + 1);
        if (!*ret)
                return -ENOMEM;
        if (to > from)
                memcpy(*ret, p + from, to - from);
        (*ret)[to - from] = '\0';
        return 0;
}

int enumctx_take(struct enumctx *c, struct enumctx_item *it)
{
        size_t i = c->next_item, from, to;

        memset(it, 0, sizeof(*it));
        if (c->held.text) {
                *it = c->held;
                total_bytes -= c->held.len + c->held.sel_len;
                memset(&c->held, 0, sizeof(c->held));
                return 0;
        }
        if (c->src.cursor || i >= c->src.n)
                return -ENOENT;
        from = i ? c->src.ends[i - 1] : 0;
        to = c->src.ends[i];
        if (copy_range(c->src.text, from, to, &it->text) < 0)
                return -ENOMEM;
        it->len = to - from;
        if (c->src.sel_ends) {
                from = i ? c->src.sel_ends[i - 1] : 0;
                to = c->src.sel_ends[i];
                if (copy_range(c->src.sel, from, to, &it->sel) < 0) {
                        enumctx_item_free(it);
                        return -ENOMEM;
                }
                it->sel_len = to - from;
        }
        c->next_item++;
        return 0;
}

int enumctx_hold(struct enumctx *c, struct enumctx_item *it)
{
        size_t n = it->len + it->sel_len;

        if (user_bytes(c->user) + n > ENUMCTX_USER_BYTES) {
                enumctx_item_free(it);
                return -E2BIG;
        }
        total_bytes -= c->held.len + c->held.sel_len;
        enumctx_item_free(&c->held);
        c->held = *it;
        memset(it, 0, sizeof(*it));
        total_bytes += n;
        return 0;
}

int enumctx_set_how(struct enumctx *c, struct enumsel_req *req, const char *uri, bool want_count)
{
        char *u = strdup(uri ? uri : "");

        if (!u) {
                enumsel_req_free(req);
                return -ENOMEM;
        }
        enumsel_req_free(&c->req);
        c->req = *req;
        memset(req, 0, sizeof(*req));
        free(c->uri);
        c->uri = u;
        c->want_count = want_count;
        return 0;
}

const struct enumsel_req *enumctx_req(const struct enumctx *c)
{
        return &c->req;
}

const char *enumctx_uri(const struct enumctx *c)
{
        return c->uri ? c->uri : "";
}

bool enumctx_want_count(const struct enumctx *c)
{
        return c->want_count;
}

void enumctx_count_item(struct enumctx *c)
{
        c->produced++;
}

long enumctx_total(const struct enumctx *c)
{
        if (!c->src.cursor)
                return (long)c->src.n;
        return c->ended ? (long)c->produced : -1;
}

void *enumctx_cursor(const struct enumctx *c)
{
        return c->src.cursor;
}

void enumctx_set_end(struct enumctx *c)
{
        c->ended = true;
}

bool enumctx_done(const struct enumctx *c)
{
        return !c->held.text && (c->src.cursor ? c->ended : c->next_item >= c->src.n);
}

void enumctx_set_busy(struct enumctx *c, bool busy)
{
        c->busy = busy;
}

bool enumctx_busy(const struct enumctx *c)
{
        return c->busy;
}

void enumctx_touch(struct enumctx *c, int64_t now_ms, int64_t timeout_ms)
{
        c->expires_ms = now_ms + timeout_ms;
}

const char *enumctx_id(const struct enumctx *c)
{
        return c->id;
}

void enumctx_release(struct enumctx *c)
{
        for (struct enumctx **p = &head; *p; p = &(*p)->next) {
                if (*p == c) {
                        *p = c->next;
                        ctx_free(c);
                        return;
                }
        }
}

int enumctx_expire(int64_t now_ms)
{
        int n = 0;
        struct enumctx **p = &head;

        while (*p) {
                struct enumctx *c = *p;
                if (c->expires_ms <= now_ms && !c->busy) {
                        *p = c->next;
                        ctx_free(c);
                        n++;
                } else {
                        p = &c->next;
                }
        }
        return n;
}

void enumctx_free_all(void)
{
        while (head) {
                struct enumctx *c = head;
                head = c->next;
                ctx_free(c);
        }
}

size_t enumctx_bytes(void)
{
        return total_bytes;
}
