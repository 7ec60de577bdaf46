/* host_listener.h - the "listener" kind of durable records: staged in the
 * request's transaction, checked against each other and against what the
 * host can bind before anything is stored. */
#ifndef WINRMD_HOST_LISTENER_H
#define WINRMD_HOST_LISTENER_H

#include <stddef.h>

#include <winrmd/provider.h>

#include "lrec.h"

/* The records as this request sees them (the store's, then the
 * listeners given with --listen, read-only); record i; record index
 * replaced (or appended when index < 0) after the checks (0 or -EINVAL,
 * -EEXIST, -EADDRNOTAVAIL, -EADDRINUSE, -ENODEV, -ENOTSUP, -ENOKEY,
 * -EROFS for a --listen one); record index removed (-EROFS likewise); the
 * addresses record i is bound to. */
size_t hl_count(const winrmd_ctx *c);
int hl_get(const winrmd_ctx *c, size_t i, struct lrec *out);
int hl_set(winrmd_ctx *c, long index, const struct lrec *l);
int hl_remove(winrmd_ctx *c, size_t index);
size_t hl_bound(const winrmd_ctx *c, size_t i, char *buf, size_t len);
/* Where record i comes from: "CommandLine" (static) for a --listen one,
 * NULL for the store's. */
const char *hl_source(const winrmd_ctx *c, size_t i);
/* Registers an HTTP listener opened from --listen, bound at ip:port, so
 * that it shows among the records: 0, -EINVAL or -E2BIG. */
int hl_add_cmdline(const char *ip, int port);

#endif
