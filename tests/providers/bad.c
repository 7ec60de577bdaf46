/* bad.c - a test provider that breaks the writer's rules on purpose, one
 * way per value of the Kind selector of Get http://example.org/winrmd/test/bad,
 * so that the tests see each become w:InternalError and a log line, never a
 * reply.  Kind=ok writes a valid element.  It also has a custom action
 * (Ping, in its own action namespace), and a stream whose items grow
 * (enumerate http://example.org/winrmd/test/bad/stream: item i is i KiB),
 * for batches that must shrink to what fits.  Enumerated items are named
 * with item_selector() (Index, and Parity even/odd) unless the option
 * Names is "none" (a provider that names nothing) or "singleton" (every
 * item has no selectors); a list with Names "early" first calls
 * item_selector() before any item began, which must fail. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winrmd/provider.h>

#define BAD_URI "http://example.org/winrmd/test/bad"
#define BAD_ACTIONS "http://example.org/winrmd/test/bad-actions"
#define STREAM_URI "http://example.org/winrmd/test/bad/stream"
#define LIST_URI "http://example.org/winrmd/test/bad/list"
#define NS BAD_URI

static const winrmd_host *host;

static winrmd_status bad_get(winrmd_ctx *ctx)
{
        const char *k = host->selector(ctx, "Kind");

        if (!k)
                return host->fault(ctx, WINRMD_E_SELECTORS, "Kind is needed.");
        if (!strcmp(k, "ok")) {
                host->begin(ctx, NS, "b:Ok");
                host->text(ctx, "Value", "fine");
                host->end(ctx);
        } else if (!strcmp(k, "ctl")) {
                host->begin(ctx, NS, "b:Bad");
                host->text(ctx, "Value", "a\001b");
                host->end(ctx);
        } else if (!strcmp(k, "utf8")) {
                host->begin(ctx, NS, "b:Bad");
                host->text(ctx, "Value", "caf\xc3");
                host->end(ctx);
        } else if (!strcmp(k, "attr")) {
                host->begin(ctx, NS, "b:Bad");
                host->attr(ctx, "Name", "x\033y");
                host->end(ctx);
        } else if (!strcmp(k, "nons")) {
                host->begin(ctx, NULL, "Bad");
                host->end(ctx);
        } else if (!strcmp(k, "nothing")) {
                /* nothing at all */
        } else if (!strcmp(k, "two")) {
                host->begin(ctx, NS, "b:One");
                host->end(ctx);
                host->begin(ctx, NS, "b:Two");
                host->end(ctx);
        } else if (!strcmp(k, "unclosed")) {
                host->begin(ctx, NS, "b:Open");
                host->begin(ctx, NULL, "Inner");
        } else if (!strcmp(k, "fault")) {
                host->begin(ctx, "http://www.w3.org/2003/05/soap-envelope", "s:Fault");
                host->end(ctx);
        } else if (!strcmp(k, "shadow")) {
                host->begin(ctx, "urn:other", "s:Thing");
                host->end(ctx);
        } else if (!strcmp(k, "name")) {
                host->begin(ctx, NS, "b:1abc");
                host->end(ctx);
        } else if (!strcmp(k, "null")) {
                host->begin(ctx, NS, NULL);
        } else if (!strcmp(k, "dupattr")) {
                host->begin(ctx, NS, "b:Bad");
                host->attr(ctx, "A", "1");
                host->attr(ctx, "A", "2");
                host->end(ctx);
        } else {
                return host->fault(ctx, WINRMD_E_SELECTORS, "Unknown Kind.");
        }
        return WINRMD_OK;
}

static winrmd_status bad_invoke(winrmd_ctx *ctx, const char *method)
{
        if (strcmp(method, "Ping"))
                return host->fault(ctx, WINRMD_E_UNSUPPORTED, NULL);
        host->begin(ctx, NS, "b:Ping_OUTPUT");
        host->text(ctx, "Reply", "Pong");
        host->end(ctx);
        return WINRMD_OK;
}

/* Names an item: Index=i and Parity, as names asks ("none": not at all,
 * "singleton": no selectors). */
static void name_item(winrmd_ctx *ctx, const char *names, long i)
{
        char num[24];

        if (!WINRMD_HOST_HAS(host, item_selector) || !strcmp(names, "none"))
                return;
        if (!strcmp(names, "singleton")) {
                host->item_selector(ctx, NULL, NULL);
                return;
        }
        snprintf(num, sizeof(num), "%ld", i);
        host->item_selector(ctx, "Index", num);
        host->item_selector(ctx, "Parity", i % 2 ? "odd" : "even");
}

static const char *names_option(winrmd_ctx *ctx)
{
        const char *n = host->option(ctx, "Names");

        return n ? n : "all";
}

/* The stream: a cursor counting items 1..Count (option, default 8). */
struct cursor {
        long next, count;
        char names[16];
};

static winrmd_status stream_open(winrmd_ctx *ctx, void **ret)
{
        const char *c = host->option(ctx, "Count");
        struct cursor *cur = calloc(1, sizeof(*cur));

        if (!cur)
                return WINRMD_E_INTERNAL;
        cur->next = 1;
        cur->count = c ? strtol(c, NULL, 10) : 8;
        snprintf(cur->names, sizeof(cur->names), "%s", names_option(ctx));
        *ret = cur;
        return WINRMD_OK;
}

static winrmd_status stream_next(winrmd_ctx *ctx, void *cursor)
{
        struct cursor *cur = cursor;
        size_t n = (size_t)cur->next * 1024;
        char *pad, num[24];

        if (cur->next > cur->count)
                return WINRMD_END;
        pad = malloc(n + 1);
        if (!pad)
                return WINRMD_E_INTERNAL;
        memset(pad, 'p', n);
        pad[n] = '\0';
        snprintf(num, sizeof(num), "%ld", cur->next);
        host->begin(ctx, NS, "b:Item");
        host->text(ctx, "Index", num);
        host->text(ctx, "Pad", pad);
        name_item(ctx, cur->names, cur->next);
        host->end(ctx);
        free(pad);
        cur->next++;
        return WINRMD_OK;
}

static void stream_close(void *state, void *cursor)
{
        (void)state;
        free(cursor);
}

/* A list written at once: Count items (option) of Size bytes (option). */
static winrmd_status list_enumerate(winrmd_ctx *ctx)
{
        const char *c = host->option(ctx, "Count"), *z = host->option(ctx, "Size");
        const char *names = names_option(ctx);
        long count = c ? strtol(c, NULL, 10) : 3, size = z ? strtol(z, NULL, 10) : 10;
        char *pad = malloc((size_t)size + 1), num[24];

        if (!pad)
                return WINRMD_E_INTERNAL;
        memset(pad, 'l', (size_t)size);
        pad[size] = '\0';
        if (!strcmp(names, "early") && host->item_selector(ctx, "Index", "0") != -EINVAL) {
                free(pad);
                return host->fault(ctx, WINRMD_E_INTERNAL, "item_selector named an item before any began");
        }
        for (long i = 0; i < count; i++) {
                snprintf(num, sizeof(num), "%ld", i + 1);
                if (host->begin(ctx, NS, "b:Entry") < 0 || host->text(ctx, "Index", num) < 0 ||
                    host->text(ctx, "Pad", pad) < 0 || host->end(ctx) < 0)
                        break;          /* past the list budget: the core refuses the whole list */
                /* after its end: the item begun last is still this one */
                name_item(ctx, names, i + 1);
        }
        free(pad);
        return WINRMD_OK;
}

static int bad_load(const winrmd_host *h, void **ret_state, char *reason, size_t reason_len)
{
        (void)reason;
        (void)reason_len;
        host = h;
        *ret_state = NULL;
        return 0;
}

static const winrmd_resource resources[] = {
        { .uri = BAD_URI, .get = bad_get, .invoke = bad_invoke, .action_ns = BAD_ACTIONS },
        { .uri = STREAM_URI, .enum_open = stream_open, .enum_next = stream_next, .enum_close = stream_close },
        { .uri = LIST_URI, .enumerate = list_enumerate },
        { .uri = NULL }
};

/* The provider's entry. */
__attribute__((visibility("default")))
const winrmd_provider winrmd_provider_v1 = {
        WINRMD_PROVIDER_INIT,
        .name = "test-bad",
        .resources = resources,
        .load = bad_load,
};
