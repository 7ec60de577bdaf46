/*
 * hello.c - a minimal winrmd provider, built out of tree.
 *
 * Serves one resource URI, http://example.org/winrmd/hello:
 *  - Get without selectors answers a greeting for the authenticated user;
 *    Get with selector Index=1..3 answers that one item;
 *  - Enumerate yields three h:Hello items (the core serves Pull/Release).
 *
 * It keeps a little state, made in load() and freed in unload(), to show
 * the ownership rule of winrmd-provider(3): the provider frees only what it
 * made, and the host copies every string the provider hands it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winrmd/provider.h>

#define HELLO_URI "http://example.org/winrmd/hello"
#define HELLO_NS HELLO_URI
#define HELLO_ITEMS 3

#if defined(__GNUC__)
#define HELLO_EXPORT __attribute__((visibility("default")))
#else
#define HELLO_EXPORT
#endif

/* Per-provider state: made by hello_load(), freed by hello_unload(). */
struct hello_state {
        const char *salutation;      /* static text */
        unsigned long served;        /* requests answered so far */
};

/* The host table is valid from load() until unload() returns. */
static const winrmd_host *host;

/* Writes one <h:Hello> element: Greeting, Index (0 = none), Served. */
static winrmd_status write_hello(winrmd_ctx *ctx, struct hello_state *st, unsigned index)
{
        char line[320], num[24];
        int r;

        /* host->user() is borrowed; snprintf() copies what we need of it. */
        snprintf(line, sizeof(line), "%s, %s", st->salutation, host->user(ctx));
        r = host->begin(ctx, HELLO_NS, "h:Hello");
        if (r == 0)
                r = host->text(ctx, "Greeting", line);
        if (r == 0 && index > 0) {
                snprintf(num, sizeof(num), "%u", index);
                r = host->text(ctx, "Index", num);
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

static const winrmd_resource hello_resources[] = {
        { .uri = HELLO_URI, .get = hello_get, .enumerate = hello_enumerate },
        { .uri = NULL }
};

static int hello_load(const winrmd_host *h, void **ret_state)
{
        struct hello_state *st;

        /* Every member used here is in ABI 1, and version() is the last of
         * them; a member added later is usable only if
         * offsetof(winrmd_host, member) < h->size. */
        if (h->size < offsetof(winrmd_host, version) + sizeof(h->version))
                return -1;
        st = calloc(1, sizeof(*st));
        if (!st)
                return -1;
        st->salutation = "Hello";
        host = h;
        *ret_state = st;
        host->log(WINRMD_LOG_INFO, "hello: loaded (winrmd %s)", host->version());
        return 0;
}

static void hello_unload(void *state)
{
        struct hello_state *st = state;

        if (host)
                host->log(WINRMD_LOG_INFO, "hello: unloading after %lu requests", st ? st->served : 0UL);
        free(st);
        host = NULL;
}

/* The one exported symbol; the daemon checks abi_major and size first. */
HELLO_EXPORT const winrmd_provider winrmd_provider_v1 = {
        .abi_major = WINRMD_ABI_MAJOR,
        .size = sizeof(winrmd_provider),
        .name = "hello",
        .resources = hello_resources,
        .load = hello_load,
        .unload = hello_unload,
};
