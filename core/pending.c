/* pending.c - the requests providers hold, in one list. */
#include "autoconfig.h"

#include <errno.h>
#include <time.h>
#include <event2/event.h>

#include "config.h"
#include "event.h"
#include "log.h"
#include "pending.h"
#include "plugin.h"
#include "request.h"

static struct winrmd_ctx *held;
static unsigned n_held;

int64_t pending_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t pending_timeout_ms(const struct winrmd_ctx *ctx)
{
        const struct env *e = ctx->in.env;
        int64_t t = e && e->operation_timeout_ms >= 0 ? e->operation_timeout_ms : 60000;
        int64_t max = config_long("max_timeout_ms");

        return t > max ? max : t;
}

unsigned pending_count(void)
{
        return n_held;
}

static void unlink_held(struct winrmd_ctx *ctx)
{
        if (ctx->st.prev)
                ctx->st.prev->st.next = ctx->st.next;
        else
                held = ctx->st.next;
        if (ctx->st.next)
                ctx->st.next->st.prev = ctx->st.prev;
        ctx->st.prev = ctx->st.next = NULL;
        ctx->st.pending = false;
        n_held--;
        if (ctx->st.timer)
                event_del(ctx->st.timer);
}

static bool is_held(const struct winrmd_ctx *ctx)
{
        for (struct winrmd_ctx *c = held; c; c = c->st.next)
                if (c == ctx)
                        return true;
        return false;
}

static void expired(evutil_socket_t fd, short what, void *arg)
{
        struct winrmd_ctx *ctx = arg;

        unlink_held(ctx);
        plugin_cancel(ctx->in.res, ctx);
        ctx->st.resume(ctx, WINRMD_E_TIMED_OUT);
}

int pending_hold(struct winrmd_ctx *ctx, void (*resume)(struct winrmd_ctx *ctx, winrmd_status st))
{
        int64_t left = pending_timeout_ms(ctx) - (pending_now_ms() - ctx->in.started_ms);
        struct timeval tv;

        if (left < 0)
                left = 0;
        if (!ctx->st.timer)
                ctx->st.timer = evtimer_new(event_loop_base(), expired, ctx);
        if (!ctx->st.timer)
                return -ENOMEM;
        tv.tv_sec = (time_t)(left / 1000);
        tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
        if (evtimer_add(ctx->st.timer, &tv) < 0)
                return -ENOMEM;
        ctx->st.resume = resume;
        ctx->st.pending = true;
        ctx->st.next = held;
        if (held)
                held->st.prev = ctx;
        held = ctx;
        n_held++;
        return 0;
}

void pending_complete(struct winrmd_ctx *ctx, winrmd_status st)
{
        if (!ctx || !is_held(ctx)) {
                log_err("provider %s: complete() for a request that is not pending (ignored)",
                        plugin_current_name());
                return;
        }
        unlink_held(ctx);
        ctx->st.resume(ctx, st);
}

void pending_abandon(struct winrmd_ctx *ctx)
{
        unlink_held(ctx);
        plugin_cancel(ctx->in.res, ctx);
        request_free(ctx);
}
