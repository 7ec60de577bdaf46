/* pending.h - requests a provider answers later (WINRMD_PENDING): counted
 * (MaxProviderRequests, MaxConcurrentOperations), bounded by their
 * OperationTimeout, and recognised when the provider completes them, so
 * that a complete() for a request that is no longer pending (twice, after
 * cancel(), made up) is ignored and logged instead of reaching freed memory. */
#ifndef WINRMD_PENDING_H
#define WINRMD_PENDING_H

#include <stdint.h>

#include <winrmd/provider.h>

struct winrmd_ctx;

/* Holds ctx for its provider: arms its OperationTimeout; resume(ctx, st)
 * runs when the provider completes it, or with WINRMD_E_TIMED_OUT when the
 * timeout comes first (after cancel() told the provider).  0, or -ENOMEM
 * (ctx is then not held and the caller answers it). */
int pending_hold(struct winrmd_ctx *ctx, void (*resume)(struct winrmd_ctx *ctx, winrmd_status st));
/* A provider's complete(ctx, st). */
void pending_complete(struct winrmd_ctx *ctx, winrmd_status st);
/* The client of a held ctx went away: cancel it in the provider, free it. */
void pending_abandon(struct winrmd_ctx *ctx);
/* Requests held now. */
unsigned pending_count(void);
/* The OperationTimeout of ctx in ms: the request's, else 60 s, clamped to MaxTimeoutms. */
int64_t pending_timeout_ms(const struct winrmd_ctx *ctx);
/* Monotonic clock in milliseconds. */
int64_t pending_now_ms(void);

#endif
