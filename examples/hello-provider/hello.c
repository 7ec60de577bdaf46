/*
 * hello.c - a winrmd provider, built out of tree, that shows the whole ABI.
 *
 * Resources:
 *  - http://example.org/winrmd/hello
 *      Get without selectors: a greeting for the authenticated user; with
 *      selector Index=1..3: that item.  Enumerate: three h:Hello items
 *      (a small list, written at once).  Custom actions, in the action
 *      namespace http://example.org/winrmd/hello/actions:
 *        Greet: the greeting computed on a thread of the daemon's pool
 *               (work()), the request answered from done();
 *        Wait:  answered after the input's Ms milliseconds (a timer).
 *  - http://example.org/winrmd/hello/counter
 *      Enumerate: items 1..ItemCount streamed through a cursor, so that any
 *      number of them costs the daemon one item of memory at most.
 *  - http://example.org/winrmd/hello/secret
 *      Get: a value only administrators may read, by the resource's own
 *      security descriptor (which they may change in winrm/config/plugin).
 *
 * Settings (winrm/config/plugin?Name=hello, or "plugin.hello.NAME" in the
 * store): Salutation, ItemCount, ItemBytes, WorkMs.
 *
 * Ownership, as winrmd-provider(3) says: the provider frees only what it
 * made (its state in unload(), a cursor in enum_close(), a job in done());
 * the host copies every string the provider hands it.
 */
#define _POSIX_C_SOURCE 200809L    /* nanosleep() under -std=c99 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winrmd/provider.h>

#define HELLO_URI "http://example.org/winrmd/hello"
#define COUNTER_URI HELLO_URI "/counter"
#define SECRET_URI HELLO_URI "/secret"
#define ACTIONS HELLO_URI "/actions"
#define HELLO_NS HELLO_URI
#define HELLO_ITEMS 3
#define MAX_JOBS 64

#if defined(__GNUC__)
#define HELLO_EXPORT __attribute__((visibility("default")))
#else
#define HELLO_EXPORT
#endif

/* A request answered later: by a worker job (Greet) or a timer (Wait). */
struct job {
        winrmd_ctx *ctx;             /* NULL once cancelled */
        winrmd_timer *timer;
        long work_ms;
        char greeting[320];          /* made on the pool thread */
        int in_use;
};

/* Per-provider state: made by hello_load(), freed by hello_unload(). */
struct hello_state {
        unsigned long served;        /* requests answered so far */
        struct job jobs[MAX_JOBS];
};

/* A cursor over the counter: made by enum_open, freed by enum_close. */
struct counter {
        unsigned long next, count;
        size_t bytes;
};

/* The host table is valid from load() until unload() returns. */
static const winrmd_host *host;

static long setting_long(const char *name, long fallback)
{
        char key[96];
        const char *v;

        snprintf(key, sizeof(key), "plugin.hello.%s", name);
        v = host->config_get(key);
        return v ? strtol(v, NULL, 10) : fallback;
}

static const char *salutation(void)
{
        const char *v = host->config_get("plugin.hello.Salutation");
        return v ? v : "Hello";
}

/* Writes one <h:Hello> element: Greeting, Index (0 = none), Served. */
static winrmd_status write_hello(winrmd_ctx *ctx, struct hello_state *st, unsigned index)
{
        char line[320], num[24];
        int r;

        /* host->user() is borrowed; snprintf() copies what we need of it. */
        snprintf(line, sizeof(line), "%s, %s", salutation(), host->user(ctx));
        r = host->begin(ctx, HELLO_NS, "h:Hello");
        if (r == 0)
                r = host->text(ctx, "Greeting", line);
        if (r == 0 && index > 0) {
                snprintf(num, sizeof(num), "%u", index);
                r = host->text(ctx, "Index", num);
                /* Names the item as Get takes it back, so the daemon can
                 * answer EnumerateEPR and the SelectorFilter for it; in a
                 * Get the call does nothing. */
                if (r == 0 && WINRMD_HOST_HAS(host, item_selector))
                        r = host->item_selector(ctx, "Index", num);
        }
        if (r == 0) {
                snprintf(num, sizeof(num), "%lu", st->served);
                r = host->text(ctx, "Served", num);
        }
        if (r == 0)
                r = host->end(ctx);
        return r == 0 ? WINRMD_OK : host->fault(ctx, WINRMD_E_INTERNAL, NULL);
}

/* Parses selector Index; returns 1..HELLO_ITEMS, or 0 if it is bad. */
static unsigned parse_index(const char *v)
{
        if (v && v[0] >= '1' && v[0] <= '0' + HELLO_ITEMS && v[1] == '\0')
                return (unsigned)(v[0] - '0');
        return 0;
}

static winrmd_status hello_get(winrmd_ctx *ctx)
{
        struct hello_state *st = host->state(ctx);
        size_t n = host->selector_count(ctx);
        const char *index = host->selector(ctx, "Index");
        unsigned i = 0;

        if (n > 1 || (n == 1 && !index))
                return host->fault(ctx, WINRMD_E_SELECTORS, "The hello resource takes only the Index selector.");
        if (index) {
                i = parse_index(index);
                if (i == 0)
                        return host->fault(ctx, WINRMD_E_NOT_FOUND, NULL);
        }
        st->served++;
        return write_hello(ctx, st, i);
}

static winrmd_status hello_enumerate(winrmd_ctx *ctx)
{
        struct hello_state *st = host->state(ctx);
        winrmd_status s = WINRMD_OK;

        st->served++;
        /* Each top-level element written here is one enumeration item. */
        for (unsigned i = 1; i <= HELLO_ITEMS && s == WINRMD_OK; i++)
                s = write_hello(ctx, st, i);
        return s;
}

/* --- late answers: a job per pending request --- */

static struct job *job_new(struct hello_state *st, winrmd_ctx *ctx)
{
        for (size_t i = 0; i < MAX_JOBS; i++) {
                if (!st->jobs[i].in_use) {
                        memset(&st->jobs[i], 0, sizeof(st->jobs[i]));
                        st->jobs[i].in_use = 1;
                        st->jobs[i].ctx = ctx;
                        return &st->jobs[i];
                }
        }
        return NULL;
}

/* Writes the Greet or Wait output and completes the request. */
static void job_answer(struct job *j, const char *method, const char *text)
{
        char qname[64];

        snprintf(qname, sizeof(qname), "h:%s_OUTPUT", method);
        host->begin(j->ctx, HELLO_NS, qname);
        host->text(j->ctx, "Result", text);
        host->end(j->ctx);
        host->complete(j->ctx, WINRMD_OK);
}

/* On a thread of the pool: "slow" work that must not call the host. */
static void greet_run(void *arg)
{
        struct job *j = arg;
        struct timespec ts = { j->work_ms / 1000, (j->work_ms % 1000) * 1000000L };

        nanosleep(&ts, NULL);
        snprintf(j->greeting + strlen(j->greeting), sizeof(j->greeting) - strlen(j->greeting),
                 " (worked %ld ms)", j->work_ms);
}

/* Back on the loop. */
static void greet_done(void *arg)
{
        struct job *j = arg;

        if (j->ctx)
                job_answer(j, "Greet", j->greeting);
        j->in_use = 0;
}

static void wait_fired(void *arg)
{
        struct job *j = arg;

        host->timer_free(j->timer);
        j->timer = NULL;
        job_answer(j, "Wait", "waited");
        j->in_use = 0;
}

static winrmd_status hello_invoke(winrmd_ctx *ctx, const char *method)
{
        struct hello_state *st = host->state(ctx);
        const winrmd_node *in = host->body(ctx);
        struct job *j;

        if (strcmp(method, "Greet") && strcmp(method, "Wait"))
                return host->fault(ctx, WINRMD_E_UNSUPPORTED, "hello knows the actions Greet and Wait.");
        j = job_new(st, ctx);
        if (!j)
                return host->fault(ctx, WINRMD_E_QUOTA, "hello holds too many requests.");
        st->served++;
        if (!strcmp(method, "Greet")) {
                snprintf(j->greeting, sizeof(j->greeting), "%s, %s", salutation(), host->user(ctx));
                j->work_ms = setting_long("WorkMs", 20);
                if (host->work(greet_run, greet_done, j) < 0) {
                        j->in_use = 0;
                        return host->fault(ctx, WINRMD_E_QUOTA, "The daemon's worker queue is full.");
                }
                return WINRMD_PENDING;
        }
        /* Wait: <h:Wait_INPUT><h:Ms>N</h:Ms></h:Wait_INPUT> */
        {
                const winrmd_node *ms = in ? host->node_child(in) : NULL;
                long n = ms ? strtol(host->node_text(ctx, ms), NULL, 10) : 0;
                if (n < 0 || n > 60000) {
                        j->in_use = 0;
                        return host->fault(ctx, WINRMD_E_INVALID_VALUE, "Ms must be 0..60000.");
                }
                j->timer = host->timer_new(wait_fired, j);
                if (!j->timer) {
                        j->in_use = 0;
                        return WINRMD_E_INTERNAL;
                }
                host->timer_start(j->timer, n);
        }
        return WINRMD_PENDING;
}

/* The daemon gave up on ctx (timeout, client gone): never complete it. */
static void hello_cancel(void *state, winrmd_ctx *ctx)
{
        struct hello_state *st = state;

        for (size_t i = 0; i < MAX_JOBS; i++) {
                struct job *j = &st->jobs[i];
                if (!j->in_use || j->ctx != ctx)
                        continue;
                j->ctx = NULL;
                if (j->timer) {
                        /* a Wait: nothing else refers to the job */
                        host->timer_free(j->timer);
                        j->timer = NULL;
                        j->in_use = 0;
                }
                /* a Greet: its done() still comes, and frees the job */
        }
}

/* --- the counter: a streamed enumeration --- */

static winrmd_status counter_open(winrmd_ctx *ctx, void **ret_cursor)
{
        struct counter *c = calloc(1, sizeof(*c));

        (void)ctx;
        if (!c)
                return WINRMD_E_INTERNAL;
        c->next = 1;
        c->count = (unsigned long)setting_long("ItemCount", 3);
        c->bytes = (size_t)setting_long("ItemBytes", 100);
        *ret_cursor = c;
        return WINRMD_OK;
}

static winrmd_status counter_next(winrmd_ctx *ctx, void *cursor)
{
        struct counter *c = cursor;
        char num[24], pad[1024];
        size_t n = c->bytes < sizeof(pad) - 1 ? c->bytes : sizeof(pad) - 1;
        int r;

        if (c->next > c->count)
                return WINRMD_END;
        memset(pad, 'x', n);
        pad[n] = '\0';
        snprintf(num, sizeof(num), "%lu", c->next);
        r = host->begin(ctx, HELLO_NS, "h:Count");
        if (r == 0)
                r = host->text(ctx, "Index", num);
        if (r == 0)
                r = host->text(ctx, "Pad", pad);
        if (r == 0)
                r = host->end(ctx);
        if (r != 0)
                return host->fault(ctx, WINRMD_E_INTERNAL, NULL);
        c->next++;
        return WINRMD_OK;
}

static void counter_close(void *state, void *cursor)
{
        (void)state;
        free(cursor);
}

/* --- the secret: guarded by its own security descriptor --- */

static winrmd_status secret_get(winrmd_ctx *ctx)
{
        if (host->begin(ctx, HELLO_NS, "h:Secret") < 0 || host->text(ctx, "Value", "42") < 0 ||
            host->end(ctx) < 0)
                return WINRMD_E_INTERNAL;
        return WINRMD_OK;
}

static const winrmd_resource hello_resources[] = {
        { .uri = HELLO_URI, .get = hello_get, .enumerate = hello_enumerate, .invoke = hello_invoke,
          .action_ns = ACTIONS },
        { .uri = COUNTER_URI, .enum_open = counter_open, .enum_next = counter_next, .enum_close = counter_close },
        { .uri = SECRET_URI, .get = secret_get, .sddl = "O:NSG:BAD:P(A;;GA;;;BA)" },
        { .uri = NULL }
};

static const winrmd_setting hello_settings[] = {
        { .name = "Salutation", .type = WINRMD_SETTING_STRING, .default_value = "Hello",
          .description = "The word the greetings start with." },
        { .name = "ItemCount", .type = WINRMD_SETTING_INT, .default_value = "3", .min = 0, .max = 100000000,
          .description = "How many items the counter enumerates." },
        { .name = "ItemBytes", .type = WINRMD_SETTING_INT, .default_value = "100", .min = 0, .max = 1000,
          .description = "The padding of each counter item, in bytes." },
        { .name = "WorkMs", .type = WINRMD_SETTING_INT, .default_value = "20", .min = 0, .max = 10000,
          .description = "How long the Greet action works on a thread, in milliseconds." },
        { .name = NULL }
};

static int hello_load(const winrmd_host *h, void **ret_state, char *reason, size_t reason_len)
{
        struct hello_state *st;

        /* Every member used here is in ABI 1; a member added later would
         * be checked with WINRMD_HOST_HAS(h, member). */
        if (!WINRMD_HOST_HAS(h, work)) {
                snprintf(reason, reason_len, "the host table is older than ABI 1 as released");
                return -1;
        }
        st = calloc(1, sizeof(*st));
        if (!st) {
                snprintf(reason, reason_len, "out of memory");
                return -1;
        }
        host = h;
        *ret_state = st;
        host->log(WINRMD_LOG_INFO, "loaded (winrmd %s)", host->version());
        return 0;
}

static void hello_unload(void *state)
{
        struct hello_state *st = state;

        if (host)
                host->log(WINRMD_LOG_INFO, "unloading after %lu requests", st ? st->served : 0UL);
        for (size_t i = 0; st && i < MAX_JOBS; i++)
                if (st->jobs[i].timer)
                        host->timer_free(st->jobs[i].timer);
        free(st);
        host = NULL;
}

/* The one exported symbol; the daemon checks the ABI and sizes first. */
HELLO_EXPORT const winrmd_provider winrmd_provider_v1 = {
        WINRMD_PROVIDER_INIT,
        .name = "hello",
        .version = "1.1",
        .resources = hello_resources,
        .settings = hello_settings,
        .load = hello_load,
        .unload = hello_unload,
        .cancel = hello_cancel,
};
