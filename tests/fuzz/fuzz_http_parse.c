/* fuzz_http_parse.c - the strict request reader driven as a connection
 * drives it: requests one after another, each head stopping the reader, the
 * body kept or skipped up to a limit.  Invariants: the reader never uses
 * more bytes than it was given, never stalls, keeps no more body than the
 * limit, gives header names that are tokens; and reading the same bytes all
 * at once or one byte at a time yields the same requests, and a refusal in
 * both cases or in neither. */
#include "autoconfig.h"

#include <string.h>

#include "fuzz.h"
#include "http_parse.h"

#define MAX_REQUESTS 16

struct seen {
        int n, error;
        unsigned long sig[MAX_REQUESTS];
};

static unsigned long mix(unsigned long h, const void *p, size_t n)
{
        const unsigned char *c = p;

        for (size_t i = 0; i < n; i++)
                h = (h ^ c[i]) * 1099511628211UL;
        return h;
}

static void check_head(const struct hp_head *h)
{
        FUZZ_CHECK(h->path && h->target);
        FUZZ_CHECK(h->n_headers <= HTTP_MAX_HEADERS);
        for (size_t i = 0; i < h->n_headers; i++) {
                FUZZ_CHECK(h->headers[i].name[0] != '\0');
                FUZZ_CHECK(strcspn(h->headers[i].name, " \t:\r\n") == strlen(h->headers[i].name));
        }
        FUZZ_CHECK(!(h->chunked && h->content_length >= 0));
}

static void run(const uint8_t *data, size_t size, size_t step, size_t limit, bool keep, struct seen *out)
{
        struct hp r;
        size_t used = 0;

        memset(out, 0, sizeof(*out));
        hp_init(&r);
        while (out->n < MAX_REQUESTS) {
                if (r.state == HP_HEAD || r.state == HP_BODY) {
                        size_t n, k;
                        if (used == size)
                                break;
                        n = size - used < step ? size - used : step;
                        k = hp_feed(&r, (const char *)data + used, n);
                        FUZZ_CHECK(k <= n);
                        FUZZ_CHECK(k > 0 || r.state == HP_ERROR || r.state == HP_HEAD_DONE || r.state == HP_DONE);
                        used += k;
                } else if (r.state == HP_HEAD_DONE) {
                        check_head(&r.head);
                        out->sig[out->n] = mix(mix(mix(14695981039346656037UL, r.head.path, strlen(r.head.path)),
                                                   &r.head.n_headers, sizeof(r.head.n_headers)),
                                               &r.head.content_length, sizeof(r.head.content_length));
                        hp_read_body(&r, limit, keep);
                        FUZZ_CHECK(r.state == HP_BODY);
                } else if (r.state == HP_DONE) {
                        FUZZ_CHECK(r.body_seen <= limit);
                        FUZZ_CHECK(keep ? r.body.len == r.body_seen : r.body.len == 0);
                        out->sig[out->n] = mix(out->sig[out->n], r.body.p ? r.body.p : "", r.body.len);
                        out->n++;
                        hp_next(&r);
                } else {
                        FUZZ_CHECK(r.status >= 400 && r.status < 600 && r.reason);
                        out->error = r.status;
                        break;
                }
        }
        FUZZ_CHECK(used <= size);
        hp_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct seen whole, bytes;
        size_t limit;
        bool keep;

        if (size < 2)
                return 0;
        limit = (size_t)data[0] * 16;
        keep = data[1] & 1;
        data += 2;
        size -= 2;
        run(data, size, size ? size : 1, limit, keep, &whole);
        run(data, size, 1, limit, keep, &bytes);
        /* the same requests; a refusal either way (which one may differ:
         * http_parser reports a header early when fed byte by byte, so a
         * count limit can come before a syntax error) */
        FUZZ_CHECK(whole.n == bytes.n);
        FUZZ_CHECK((whole.error != 0) == (bytes.error != 0));
        FUZZ_CHECK(!memcmp(whole.sig, bytes.sig, sizeof(whole.sig)));
        return 0;
}
