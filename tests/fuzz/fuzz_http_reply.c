/* fuzz_http_reply.c - the winrm command's reply reader (cli/http_reply.c)
 * fed the input as a server's bytes, then the end of the stream: all at
 * once, one byte at a time, and in pieces whose sizes are drawn from a hash
 * of the input.
 *
 * Invariants: every split gives the same outcome (the same status, body
 * and schemes, or the same error with the same reason); a complete reply
 * has a final status (200-599), a NUL-terminated body no longer than the
 * input, and schemes that are distinct tokens joined by ", "; an error is
 * -EPROTO, -E2BIG or -ENOMEM with a reason; the outcome is kept (bytes fed
 * after it, or the end, change nothing). */
#include "autoconfig.h"

#include <errno.h>
#include <strings.h>

#include "cli/http_reply.h"
#include "fuzz.h"

enum split { WHOLE, BYTES, PIECES };

struct outcome {
        int r;                      /* 1: complete; else the error */
        char err[256];
        struct http_reply reply;    /* when complete */
};

/* FNV-1a of the input, never 0 (it seeds xorshift). */
static uint64_t hash(const uint8_t *p, size_t n)
{
        uint64_t h = 14695981039346656037ULL;

        for (size_t i = 0; i < n; i++)
                h = (h ^ p[i]) * 1099511628211ULL;
        return h ? h : 1;
}

/* The next piece's size: mostly small, now and then large. */
static size_t piece(enum split how, uint64_t *state, size_t left)
{
        uint64_t x = *state;
        size_t k;

        if (how == WHOLE)
                return left;
        if (how == BYTES)
                return 1;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *state = x;
        k = (x & 7) == 0 ? 1 + (size_t)(x >> 8) % 20000 : 1 + (size_t)(x >> 8) % 64;
        return k < left ? k : left;
}

/* Whether s[0..n) is a non-empty HTTP token. */
static bool is_token(const char *s, size_t n)
{
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      (c && strchr("!#$%&'*+-.^_`|~", c))))
                        return false;
        }
        return true;
}

/* ", "-joined distinct tokens (case aside), or "". */
static void check_schemes(const char *s)
{
        const char *p = s;

        while (*p) {
                size_t n = strcspn(p, ",");
                FUZZ_CHECK(is_token(p, n));
                for (const char *q = s; q < p;) {
                        size_t m = strcspn(q, ",");
                        FUZZ_CHECK(m != n || strncasecmp(p, q, n) != 0);
                        q += m + 2;
                }
                p += n;
                if (*p) {
                        FUZZ_CHECK(p[1] == ' ' && p[2] != '\0');
                        p += 2;
                }
        }
}

/* Reads the input split as how says, then the end; the outcome in *o. */
static void run(const uint8_t *data, size_t size, enum split how, struct outcome *o)
{
        struct http_reply_reader rd;
        uint64_t state = hash(data, size);
        size_t used = 0;
        int r = 0;

        memset(o, 0, sizeof(*o));
        http_reply_init(&rd, "192.0.2.1 port 5985", o->err, sizeof(o->err));
        while (used < size && r == 0) {
                size_t k = piece(how, &state, size - used);
                r = http_reply_feed(&rd, data + used, k);
                FUZZ_CHECK(r <= 1);
                used += k;
        }
        if (r == 0)
                r = http_reply_eof(&rd);
        FUZZ_CHECK(r != 0);
        /* the outcome stays, whatever follows */
        FUZZ_CHECK(http_reply_feed(&rd, "HTTP/1.1 200 OK\r\n\r\n", 19) == r);
        FUZZ_CHECK(http_reply_eof(&rd) == r);
        o->r = r;
        if (r == 1) {
                FUZZ_CHECK(http_reply_take(&rd, &o->reply) == 0);
                FUZZ_CHECK(o->reply.status >= 200 && o->reply.status <= 599);
                FUZZ_CHECK(o->reply.body && o->reply.body[o->reply.len] == '\0' && o->reply.len <= size);
                FUZZ_CHECK(o->reply.schemes);
                check_schemes(o->reply.schemes);
        } else {
                FUZZ_CHECK(r == -EPROTO || r == -E2BIG || r == -ENOMEM);
                FUZZ_CHECK(o->err[0] != '\0' && memchr(o->err, '\0', sizeof(o->err)));
        }
        http_reply_free(&rd);
}

/* Two splits, one outcome. */
static void same(const struct outcome *a, const struct outcome *b)
{
        FUZZ_CHECK(a->r == b->r);
        if (a->r != 1) {
                FUZZ_CHECK(!strcmp(a->err, b->err));
                return;
        }
        FUZZ_CHECK(a->reply.status == b->reply.status);
        FUZZ_CHECK(a->reply.len == b->reply.len && !memcmp(a->reply.body, b->reply.body, a->reply.len));
        FUZZ_CHECK(!strcmp(a->reply.schemes, b->reply.schemes));
}

/* Frees the reply taken, if any. */
static void outcome_free(struct outcome *o)
{
        free(o->reply.body);
        free(o->reply.schemes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct outcome whole, bytes, pieces;

        run(data, size, WHOLE, &whole);
        run(data, size, BYTES, &bytes);
        run(data, size, PIECES, &pieces);
        same(&whole, &bytes);
        same(&whole, &pieces);
        outcome_free(&whole);
        outcome_free(&bytes);
        outcome_free(&pieces);
        return 0;
}
