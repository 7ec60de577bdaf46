/* enumctx.h - enumeration contexts: where an Enumerate's items come from
 * (a list the provider wrote at once, or the provider's cursor) and where
 * the next Pull starts, until the end, a Release, or EnumerationTimeoutms
 * without a Pull.  Memory is bounded: a list is kept within a byte budget
 * per context and per user, a cursor costs the core one item at most (one
 * that did not fit a reply, held for the next). */
#ifndef WINRMD_ENUMCTX_H
#define WINRMD_ENUMCTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enumsel.h"

#define ENUMCTX_MAX 1024            /* open contexts, everyone together */
#define ENUMCTX_ADMIN_RESERVE 128   /* of those, only administrators' */
#define ENUMCTX_PER_USER 64         /* one user who is not an administrator */
#define ENUMCTX_PER_ADMIN 256       /* one administrator */
#define ENUMCTX_LIST_BYTES (4u << 20)  /* a list's items, one context */
#define ENUMCTX_USER_BYTES (16u << 20) /* everything kept for one user */

struct enumctx;

/* Who a context belongs to, and what it enumerates: a Pull or Release must
 * come from the same user for the same resource. */
struct enumctx_owner {
        const char *user;
        bool is_admin;              /* root, an admin group, the control socket */
        const void *resource;       /* the registered resource enumerated */
};

/* Where items come from.  A list: text holding items back to back, ends[i]
 * the end of item i, and when the items' selectors are kept, sel holding
 * their pair lists (enumsel.h) back to back, sel_ends[i] the end of item
 * i's (all taken over, malloc'ed).  A cursor: the provider's, closed by
 * close(resource, cursor) when the context ends. */
struct enumctx_source {
        char *text;
        size_t *ends;
        size_t n;
        char *sel;                  /* NULL: selectors not kept */
        size_t *sel_ends;
        void *cursor;
        void (*close)(const void *resource, void *cursor);
};

/* A new context of owner over src (taken over, also on failure); its id
 * ("uuid:...") into id.  -E2BIG when the owner may open no more contexts
 * (its count or byte quota, or the share left to non-administrators),
 * -ENOMEM. */
int enumctx_create(const struct enumctx_owner *owner, struct enumctx_source *src, int64_t now_ms,
                   int64_t timeout_ms, char id[48], struct enumctx **ret);
/* The live context id of owner (same user and resource), or NULL (expired
 * ones are dropped). */
struct enumctx *enumctx_find(const char *id, const struct enumctx_owner *owner, int64_t now_ms);
/* One item: its text and the pair list of its selectors (sel may be NULL
 * when sel_len is 0), both malloc'ed. */
struct enumctx_item {
        char *text;
        size_t len;
        char *sel;
        size_t sel_len;
};
/* Frees what it holds; it is then empty. */
void enumctx_item_free(struct enumctx_item *it);
/* The next item that is already text (a held one, or the list's next):
 * a new copy in *it (caller frees); -ENOENT when none is, -ENOMEM. */
int enumctx_take(struct enumctx *c, struct enumctx_item *it);
/* Keeps *it (taken over, emptied) to be served first by the next Pull: 0,
 * or -E2BIG over the owner's byte quota (the item freed). */
int enumctx_hold(struct enumctx *c, struct enumctx_item *it);
/* How the Enumerate asked its items answered, for the life of c: its mode
 * and filter (req, taken over and emptied), its ResourceURI (copied: EPRs
 * name it) and whether it asked for TotalItemsCountEstimate.  0 or
 * -ENOMEM (req freed). */
int enumctx_set_how(struct enumctx *c, struct enumsel_req *req, const char *uri, bool want_count);
/* What enumctx_set_how() kept (an empty request and "" before it). */
const struct enumsel_req *enumctx_req(const struct enumctx *c);
const char *enumctx_uri(const struct enumctx *c);
bool enumctx_want_count(const struct enumctx *c);
/* Counts an item a cursor gave (and the filter kept). */
void enumctx_count_item(struct enumctx *c);
/* How many items the enumeration has in all: a list's, or once a cursor
 * ended the number it gave; -1 while a cursor has not ended. */
long enumctx_total(const struct enumctx *c);
/* The provider's cursor, or NULL for a list. */
void *enumctx_cursor(const struct enumctx *c);
/* Marks the source as having no more items. */
void enumctx_set_end(struct enumctx *c);
/* True when nothing is left: the source ended (or the list was served)
 * and no item is held. */
bool enumctx_done(const struct enumctx *c);
/* A Pull fills a batch from c (true) or no longer (false); a busy context
 * neither expires nor serves another Pull. */
void enumctx_set_busy(struct enumctx *c, bool busy);
bool enumctx_busy(const struct enumctx *c);
/* Pushes the expiry forward after a Pull. */
void enumctx_touch(struct enumctx *c, int64_t now_ms, int64_t timeout_ms);
/* The id of c (borrowed). */
const char *enumctx_id(const struct enumctx *c);
/* Closes the source, frees c and forgets it. */
void enumctx_release(struct enumctx *c);
/* Drops every context idle past its expiry; returns how many. */
int enumctx_expire(int64_t now_ms);
/* Frees all contexts. */
void enumctx_free_all(void);
/* Bytes the core keeps for enumerations now (lists and held items). */
size_t enumctx_bytes(void);

#endif
