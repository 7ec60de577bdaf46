/* enumctx.h - enumeration contexts: the items of one Enumerate, served by
 * Pull until released or idle for EnumerationTimeoutms. */
#ifndef WINRMD_ENUMCTX_H
#define WINRMD_ENUMCTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENUMCTX_MAX 1024            /* open contexts, everyone together */
#define ENUMCTX_ADMIN_RESERVE 128   /* of those, only administrators' */
#define ENUMCTX_PER_USER 64         /* one user who is not an administrator */
#define ENUMCTX_PER_ADMIN 256       /* one administrator */

struct enumctx;

/* Who a context belongs to, and what it enumerates: a Pull or Release must
 * come from the same user for the same resource. */
struct enumctx_owner {
        const char *user;
        bool is_admin;              /* root, an admin group, the control socket */
        const void *resource;       /* the registered resource enumerated */
};

/* Takes ownership of items[0..n) (each a serialized element, malloc'ed) and
 * of the array.  Writes the new context id ("uuid:...") into id.  -E2BIG
 * when the owner may open no more contexts (its own quota, or the share
 * left to non-administrators; nothing is taken then), -ENOMEM. */
int enumctx_create(char **items, size_t n, const struct enumctx_owner *owner, int64_t now_ms,
                   int64_t timeout_ms, char id[48]);
/* The live context id of owner (same user and resource), or NULL (expired
 * ones are dropped). */
struct enumctx *enumctx_find(const char *id, const struct enumctx_owner *owner, int64_t now_ms);
/* The next item not yet served (borrowed), or NULL at the end; advances. */
const char *enumctx_next(struct enumctx *c);
/* True when every item has been served. */
bool enumctx_done(const struct enumctx *c);
/* Pushes the expiry forward after a Pull. */
void enumctx_touch(struct enumctx *c, int64_t now_ms, int64_t timeout_ms);
/* The id of c (borrowed). */
const char *enumctx_id(const struct enumctx *c);
/* Frees c and forgets it. */
void enumctx_release(struct enumctx *c);
/* Drops every context idle past its expiry; returns how many. */
int enumctx_expire(int64_t now_ms);
/* Frees all contexts. */
void enumctx_free_all(void);

#endif
