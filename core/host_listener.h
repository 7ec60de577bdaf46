/* host_listener.h - the "listener" kind of durable records: staged in the
 * request's transaction, checked against each other and against what the
 * host can bind before anything is stored. */
#ifndef WINRMD_HOST_LISTENER_H
#define WINRMD_HOST_LISTENER_H

#include <stddef.h>

#include <winrmd/provider.h>

#include "lrec.h"

/* The records as this request sees them; record i; record index replaced
 * (or appended when index < 0) after the checks (0 or -EINVAL, -EEXIST,
 * -EADDRNOTAVAIL, -EADDRINUSE, -ENODEV, -ENOTSUP, -ENOKEY); record index
 * removed; the addresses record i is bound to. */
size_t hl_count(const winrmd_ctx *c);
int hl_get(const winrmd_ctx *c, size_t i, struct lrec *out);
int hl_set(winrmd_ctx *c, long index, const struct lrec *l);
int hl_remove(winrmd_ctx *c, size_t index);
size_t hl_bound(const winrmd_ctx *c, size_t i, char *buf, size_t len);

#endif
