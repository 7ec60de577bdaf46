/* dispatch.h - routing a parsed, authenticated request to its provider, and
 * the operations the core serves itself (Pull, Release). */
#ifndef WINRMD_DISPATCH_H
#define WINRMD_DISPATCH_H

#include <winrmd/provider.h>

#include "request.h"

/* Handles ctx to the end: replies (or leaves it pending) and frees it. */
void dispatch(struct winrmd_ctx *ctx);
/* Finishes a request whose provider returned WINRMD_PENDING. */
void dispatch_complete(struct winrmd_ctx *ctx, winrmd_status st);
/* The client of a pending ctx went away: cancel it in the provider and free it. */
void dispatch_abandon(struct winrmd_ctx *ctx);
/* The OperationTimeout of ctx in ms: the request's, else 60 s, clamped to MaxTimeoutms. */
int64_t dispatch_timeout_ms(const struct winrmd_ctx *ctx);
/* Monotonic clock in milliseconds. */
int64_t dispatch_now_ms(void);

#endif
