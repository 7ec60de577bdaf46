/* enumctx.c - enumeration contexts in a small list with expiry. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enumctx.h"
#include "envelope.h"
#include "util.h"

struct enumctx {
        struct enumctx *next;
        char id[48];
        char user[256];
        xmlDoc *doc;
        xmlNode *cursor;     /* next item to serve */
        int64_t expires_ms;
};

static struct enumctx *head;
static int count;

int enumctx_count(void)
{
        return count;
}

int enumctx_create(xmlDoc *doc, const char *user, const char *uri, int64_t now_ms,
                   int64_t timeout_ms, char id[48])
{
        struct enumctx *c;
        char guid[37];

        enumctx_expire(now_ms);
        if (count >= ENUMCTX_MAX)
                return -E2BIG;
        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        new_guid(guid);
        snprintf(c->id, sizeof(c->id), "uuid:%s", guid);
        snprintf(c->user, sizeof(c->user), "%s", user);
        c->doc = doc;
        c->cursor = xml_first_elem(xmlDocGetRootElement(doc));
        c->expires_ms = now_ms + timeout_ms;
        c->next = head;
        head = c;
        count++;
        memcpy(id, c->id, sizeof(c->id));
        return 0;
}

struct enumctx *enumctx_find(const char *id, const char *user, int64_t now_ms)
{
        enumctx_expire(now_ms);
        for (struct enumctx *c = head; c; c = c->next)
                if (!strcmp(c->id, id) && !strcmp(c->user, user))
                        return c;
        return NULL;
}

xmlNode *enumctx_next(struct enumctx *c)
{
        xmlNode *n = c->cursor;

        if (n)
                c->cursor = xml_next_elem(n);
        return n;
}

bool enumctx_done(const struct enumctx *c)
{
        return c->cursor == NULL;
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
                        xmlFreeDoc(c->doc);
                        free(c);
                        count--;
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
                        xmlFreeDoc(c->doc);
                        free(c);
                        count--;
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
