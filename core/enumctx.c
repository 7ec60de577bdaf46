/* enumctx.c - enumeration contexts in a small list with expiry. */
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
        char **items;
        size_t n, next_item;
        int64_t expires_ms;
};

static struct enumctx *head;
static int count;

static void ctx_free(struct enumctx *c)
{
        for (size_t i = 0; i < c->n; i++)
                free(c->items[i]);
        free(c->items);
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

int enumctx_create(char **items, size_t n, const struct enumctx_owner *owner, int64_t now_ms,
                   int64_t timeout_ms, char id[48])
{
        struct enumctx *c;
        char guid[37];

        enumctx_expire(now_ms);
        if (!within_quota(owner))
                return -E2BIG;
        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        new_guid(guid);
        snprintf(c->id, sizeof(c->id), "uuid:%s", guid);
        snprintf(c->user, sizeof(c->user), "%s", owner->user);
        c->admin = owner->is_admin;
        c->resource = owner->resource;
        c->items = items;
        c->n = n;
        c->expires_ms = now_ms + timeout_ms;
        c->next = head;
        head = c;
        count++;
        memcpy(id, c->id, sizeof(c->id));
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

const char *enumctx_next(struct enumctx *c)
{
        return c->next_item < c->n ? c->items[c->next_item++] : NULL;
}

bool enumctx_done(const struct enumctx *c)
{
        return c->next_item >= c->n;
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
                if (c->expires_ms <= now_ms) {
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
        enumctx_expire(INT64_MAX);
}
