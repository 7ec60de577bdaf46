/* slow.c - a test provider that answers late: Get of
 * http://example.org/winrmd/test/slow?DelayMs=N returns WINRMD_PENDING and
 * completes N ms later from a host timer.  It exercises the core's pending
 * path: MaxProviderRequests, MaxConcurrentOperations, the OperationTimeout
 * (w:TimedOut) and cancel() when a client goes away.  With Twice=1 it
 * calls complete() a second time, which the core must ignore. */
#include <stdlib.h>
#include <string.h>

#include <winrmd/provider.h>

#define SLOW_URI "http://example.org/winrmd/test/slow"
#define MAX_PENDING 64

struct pending {
        winrmd_ctx *ctx;
        winrmd_timer *timer;
        int twice;
};

static const winrmd_host *host;
static struct pending slots[MAX_PENDING];

static void fire(void *arg)
{
        struct pending *p = arg;
        winrmd_ctx *ctx = p->ctx;

        host->timer_free(p->timer);
        p->timer = NULL;
        p->ctx = NULL;
        host->begin(ctx, SLOW_URI, "t:Slow");
        host->text(ctx, "Done", "true");
        host->end(ctx);
        host->complete(ctx, WINRMD_OK);
        if (p->twice)
                host->complete(ctx, WINRMD_OK);       /* a provider bug the core survives */
}

static winrmd_status slow_get(winrmd_ctx *ctx)
{
        const char *d = host->selector(ctx, "DelayMs"), *t = host->selector(ctx, "Twice");
        long ms = d ? strtol(d, NULL, 10) : 0;

        if (ms <= 0 || ms > 600000)
                return host->fault(ctx, WINRMD_E_SELECTORS, "DelayMs must be 1..600000.");
        for (size_t i = 0; i < MAX_PENDING; i++) {
                struct pending *p = &slots[i];
                if (p->ctx)
                        continue;
                p->timer = host->timer_new(fire, p);
                if (!p->timer)
                        return WINRMD_E_INTERNAL;
                p->ctx = ctx;
                p->twice = t && !strcmp(t, "1");
                host->timer_start(p->timer, ms);
                return WINRMD_PENDING;
        }
        return host->fault(ctx, WINRMD_E_QUOTA, "The test provider holds too many requests.");
}

/* The core gave up on ctx: drop its timer, never complete it. */
static void slow_cancel(void *state, winrmd_ctx *ctx)
{
        (void)state;
        for (size_t i = 0; i < MAX_PENDING; i++) {
                if (slots[i].ctx == ctx) {
                        host->timer_free(slots[i].timer);
                        slots[i].timer = NULL;
                        slots[i].ctx = NULL;
                        host->log(WINRMD_LOG_INFO, "request cancelled");
                }
        }
}

static int slow_load(const winrmd_host *h, void **ret_state, char *reason, size_t reason_len)
{
        (void)reason;
        (void)reason_len;
        host = h;
        *ret_state = NULL;
        return 0;
}

static void slow_unload(void *state)
{
        (void)state;
        for (size_t i = 0; i < MAX_PENDING; i++)
                if (slots[i].timer)
                        host->timer_free(slots[i].timer);
}

static const winrmd_resource resources[] = {
        { .uri = SLOW_URI, .get = slow_get },
        { .uri = NULL }
};

/* The provider's entry. */
__attribute__((visibility("default")))
const winrmd_provider winrmd_provider_v1 = {
        WINRMD_PROVIDER_INIT,
        .name = "test-slow",
        .resources = resources,
        .load = slow_load,
        .unload = slow_unload,
        .cancel = slow_cancel,
};
