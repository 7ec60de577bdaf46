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
        char *held;                 /* an item taken but not served */
        size_t held_len;
        bool busy;
        int64_t expires_ms;
};

static struct enumctx *head;
static int count;
static size_t total_bytes;

/* What the core keeps for c. */
static size_t bytes_of(const struct enumctx *c)
{
        return (c->src.n ? c->src.ends[c->src.n - 1] : 0) + c->held_len;
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
        s->text = NULL;
        s->ends = NULL;
        s->n = 0;
}

static void ctx_free(struct enumctx *c)
{
        total_bytes -= bytes_of(c);
        source_free(c->resource, &c->src);
        free(c->held);
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
        size_t list = src->n ? src->ends[src->n - 1] : 0;
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

int enumctx_take(struct enumctx *c, char **item, size_t *len)
{
        size_t from, to;

        if (c->held) {
                *item = c->held;
                *len = c->held_len;
                total_bytes -= c->held_len;
                c->held = NULL;
                c->held_len = 0;
                return 0;
        }
        if (c->src.cursor || c->next_item >= c->src.n)
                return -ENOENT;
        from = c->next_item ? c->src.ends[c->next_item - 1] : 0;
        to = c->src.ends[c->next_item];
        *item = malloc(to - from + 1);
        if (!*item)
                return -ENOMEM;
        memcpy(*item, c->src.text + from, to - from);
        (*item)[to - from] = '\0';
        *len = to - from;
        c->next_item++;
        return 0;
}

int enumctx_hold(struct enumctx *c, char *item, size_t len)
{
        if (user_bytes(c->user) + len > ENUMCTX_USER_BYTES) {
                free(item);
                return -E2BIG;
        }
        free(c->held);
        c->held = item;
        c->held_len = len;
        total_bytes += len;
        return 0;
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
        return !c->held && (c->src.cursor ? c->ended : c->next_item >= c->src.n);
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
