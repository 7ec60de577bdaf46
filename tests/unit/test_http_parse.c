/* test_http_parse.c - the strict request reader: what RFC 9112 lets a
 * server refuse is refused with the right status, the head stops the
 * reader before any body byte, bodies stop at their exact limit, and
 * pipelined requests come out one at a time, whole, however the bytes are
 * split. */
#include "autoconfig.h"

#include <string.h>

#include "http_parse.h"
#include "tests.h"

#define IDENT "POST /wsman HTTP/1.1\r\nHost: h\r\n"

/* Feeds the whole of data in pieces of `step` bytes (0: all at once) until
 * the reader stops; returns the bytes used. */
static size_t feed(struct hp *r, const char *data, size_t len, size_t step)
{
        size_t used = 0;

        while (used < len && (r->state == HP_HEAD || r->state == HP_BODY)) {
                size_t n = step && len - used > step ? step : len - used;
                size_t k = hp_feed(r, data + used, n);
                used += k;
                if (k < n)
                        break;
        }
        return used;
}

/* The status a head is refused with, or 0 when it is accepted. */
static int verdict(const char *head)
{
        struct hp r;
        int st;

        hp_init(&r);
        feed(&r, head, strlen(head), 0);
        if (r.state == HP_HEAD_DONE) {
                /* the body is read too: some refusals come only then */
                hp_read_body(&r, 1024, true);
                feed(&r, head, 0, 0);
        }
        st = r.state == HP_ERROR ? r.status : 0;
        ck_assert_msg(r.state == HP_ERROR || r.state == HP_HEAD_DONE || r.state == HP_BODY ||
                      r.state == HP_DONE, "reader stuck in state %d for %s", r.state, head);
        hp_free(&r);
        return st;
}

START_TEST(refusals)
{
        static const struct {
                const char *head;
                int status;
        } cases[] = {
                /* request smuggling, RFC 9112 6.3 */
                { IDENT "Content-Length: 0\r\nContent-Length: 5\r\n\r\nhello", 400 },
                { IDENT "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400 },
                { IDENT "Content-Length: +5\r\n\r\nhello", 400 },
                { IDENT "Content-Length: -5\r\n\r\n", 400 },
                { IDENT "Content-Length: 5, 5\r\n\r\nhello", 400 },
                { IDENT "Content-Length: 0x5\r\n\r\nhello", 400 },
                { IDENT "Content-Length: 99999999999999999999999\r\n\r\n", 400 },
                { IDENT "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400 },
                { IDENT "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501 },
                { IDENT "Transfer-Encoding: gzip\r\n\r\n", 501 },
                { IDENT "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
                { "POST /wsman HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
                /* header syntax */
                { IDENT "Content-Length : 5\r\n\r\nhello", 400 },
                { IDENT " Content-Length: 5\r\n\r\nhello", 400 },
                { IDENT "X-A: a\r\n folded\r\n\r\n", 400 },
                { IDENT "X-A: a\r\n\tfolded\r\n\r\n", 400 },
                { "POST /wsman HTTP/1.1\nHost: h\n\n", 400 },
                { IDENT "X-A: a\nX-B: b\r\n\r\n", 400 },
                { IDENT "X-A: a\rb\r\n\r\n", 400 },
                { IDENT "X-A: a\x01" "b\r\n\r\n", 400 },
                { IDENT "X:A: b\r\n\r\n", 0 },           /* a colon in a value is fine */
                { IDENT "X(A): b\r\n\r\n", 400 },
                { IDENT ": b\r\n\r\n", 400 },
                /* headers that must be unique */
                { IDENT "Authorization: Basic YTpi\r\nAuthorization: Basic YzpkZA==\r\n\r\n", 400 },
                { IDENT "authorization: Basic YTpi\r\nAUTHORIZATION: Basic YTpi\r\n\r\n", 400 },
                { IDENT "Host: other\r\n\r\n", 400 },
                { IDENT "Content-Type: a\r\nContent-Type: b\r\n\r\n", 400 },
                { IDENT "WSMANIDENTIFY: unauthenticated\r\nWSMANIDENTIFY: unauthenticated\r\n\r\n", 400 },
                { IDENT "Expect: 100-continue\r\nExpect: 100-continue\r\n\r\n", 400 },
                /* request line */
                { "POST /wsman HTTP/2.0\r\nHost: h\r\n\r\n", 505 },
                { "POST /wsman HTTP/1.2\r\nHost: h\r\n\r\n", 505 },
                { "POST /wsman HTTP/0.9\r\nHost: h\r\n\r\n", 505 },
                { "BREW /wsman HTTP/1.1\r\nHost: h\r\n\r\n", 501 },
                { "POST\r\n\r\n", 501 },             /* http_parser: not a method it knows */
                { "POST wsman HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
                { "POST ftp://h/wsman HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
                { "POST /wsman#frag HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
                { "POST /wsman HTTP/1.1\r\n\r\n", 400 },  /* 1.1 without Host */
                { "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 501 },  /* a TLS hello */
                { IDENT "Expect: something\r\n\r\n", 417 },
                /* accepted */
                { IDENT "\r\n", 0 },
                { "POST /wsman HTTP/1.0\r\n\r\n", 0 },
                { "POST http://h:5985/wsman?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", 0 },
                { IDENT "Content-Length: 5\r\n\r\nhello", 0 },
                { IDENT "Expect: 100-Continue\r\n\r\n", 0 },
                { IDENT "X-A: \t value with  inner  blanks \t\r\n\r\n", 0 },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int got = verdict(cases[i].head);
                ck_assert_msg(got == cases[i].status, "case %zu: got %d, want %d: %s", i, got,
                              cases[i].status, cases[i].head);
        }
}
END_TEST

START_TEST(head_stops_before_the_body)
{
        static const char req[] = IDENT "Content-Length: 5\r\nAuthorization: Basic YTpi\r\n"
                                  "X-Blank:  padded \t\r\n\r\nhello";
        struct hp r;
        size_t used;

        hp_init(&r);
        used = feed(&r, req, sizeof(req) - 1, 0);
        ck_assert_int_eq(r.state, HP_HEAD_DONE);
        /* not a byte of the body (the head's last LF is read on resume) */
        ck_assert_uint_le(used, sizeof(req) - 1 - 5);
        ck_assert_str_eq(r.head.path, "/wsman");
        ck_assert_int_eq(r.head.method, HTTP_POST);
        ck_assert_int_eq(r.head.content_length, 5);
        ck_assert(r.head.keep_alive);
        ck_assert_str_eq(hp_header(&r.head, "authorization"), "Basic YTpi");
        ck_assert_str_eq(hp_header(&r.head, "X-Blank"), "padded");
        ck_assert_ptr_null(hp_header(&r.head, "Missing"));
        ck_assert_uint_eq(hp_header_count(&r.head, "HOST"), 1);
        /* nothing moves until the body is allowed */
        ck_assert_uint_eq(hp_feed(&r, req + used, sizeof(req) - 1 - used), 0);
        hp_read_body(&r, 5, true);
        used += feed(&r, req + used, sizeof(req) - 1 - used, 0);
        ck_assert_int_eq(r.state, HP_DONE);
        ck_assert_uint_eq(used, sizeof(req) - 1);
        ck_assert_uint_eq(r.body.len, 5);
        ck_assert(!memcmp(r.body.p, "hello", 5));
        hp_free(&r);
}
END_TEST

START_TEST(exact_body_limit)
{
        static const char at[] = IDENT "Content-Length: 4\r\n\r\nabcd";
        static const char chunked[] = IDENT "Transfer-Encoding: chunked\r\n\r\n"
                                      "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: t\r\n\r\n";
        struct hp r;

        hp_init(&r);
        feed(&r, at, sizeof(at) - 1, 0);
        hp_read_body(&r, 4, true);
        feed(&r, at, sizeof(at) - 1, 0);     /* continues where it stopped */
        hp_free(&r);

        for (size_t limit = 3; limit <= 6; limit++) {
                size_t used;
                hp_init(&r);
                used = feed(&r, chunked, sizeof(chunked) - 1, 0);
                ck_assert_int_eq(r.state, HP_HEAD_DONE);
                ck_assert(r.head.chunked);
                ck_assert_int_eq(r.head.content_length, -1);
                hp_read_body(&r, limit, true);
                feed(&r, chunked + used, sizeof(chunked) - 1 - used, 0);
                if (limit < 5) {
                        ck_assert_int_eq(r.state, HP_ERROR);
                        ck_assert_int_eq(r.status, 413);
                } else {
                        ck_assert_int_eq(r.state, HP_DONE);
                        ck_assert_uint_eq(r.body.len, 5);
                        ck_assert(!memcmp(r.body.p, "abcde", 5));
                }
                hp_free(&r);
        }
}
END_TEST

/* Three pipelined requests, split at every size from 1 byte up: each comes
 * out whole and in order, and the reader stops between them. */
START_TEST(pipelined_in_pieces)
{
        static const char three[] =
                IDENT "Content-Length: 3\r\n\r\none"
                "POST /wsman HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n"
                IDENT "Content-Length: 0\r\n\r\n";
        static const char *bodies[] = { "one", "two", "" };
        size_t len = sizeof(three) - 1;

        for (size_t step = 1; step <= len; step++) {
                struct hp r;
                size_t used = 0;

                hp_init(&r);
                for (int i = 0; i < 3; i++) {
                        used += feed(&r, three + used, len - used, step);
                        ck_assert_msg(r.state == HP_HEAD_DONE, "step %zu, request %d: state %d", step, i, r.state);
                        hp_read_body(&r, 100, true);
                        used += feed(&r, three + used, len - used, step);
                        ck_assert_msg(r.state == HP_DONE, "step %zu, request %d: state %d", step, i, r.state);
                        ck_assert_uint_eq(r.body.len, strlen(bodies[i]));
                        ck_assert(!r.body.len || !memcmp(r.body.p, bodies[i], r.body.len));
                        hp_next(&r);
                }
                ck_assert_uint_eq(used, len);
                hp_free(&r);
        }
}
END_TEST

START_TEST(skipped_body_and_keep_alive)
{
        static const char two[] = IDENT "Content-Length: 5\r\n\r\nhello" IDENT "Connection: close\r\n\r\n";
        struct hp r;
        size_t used;

        hp_init(&r);
        used = feed(&r, two, sizeof(two) - 1, 0);
        hp_read_body(&r, 64, false);        /* refused request: skip its body */
        used += feed(&r, two + used, sizeof(two) - 1 - used, 0);
        ck_assert_int_eq(r.state, HP_DONE);
        ck_assert_uint_eq(r.body.len, 0);
        hp_next(&r);
        used += feed(&r, two + used, sizeof(two) - 1 - used, 0);
        ck_assert_int_eq(r.state, HP_HEAD_DONE);
        ck_assert(!r.head.keep_alive);
        hp_free(&r);
        /* HTTP/1.0 keeps the connection only when asked */
        hp_init(&r);
        feed(&r, "POST / HTTP/1.0\r\n\r\n", 19, 0);
        ck_assert(!r.head.keep_alive);
        hp_free(&r);
        hp_init(&r);
        feed(&r, "POST / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 43, 0);
        ck_assert(r.head.keep_alive);
        hp_free(&r);
}
END_TEST

START_TEST(head_limits)
{
        static char big[HTTP_MAX_HEAD + 200];
        struct hp r;
        size_t n;

        /* one huge header */
        n = (size_t)snprintf(big, sizeof(big), IDENT "X-Junk: ");
        memset(big + n, 'j', sizeof(big) - n - 5);
        memcpy(big + sizeof(big) - 5, "\r\n\r\n", 5);
        hp_init(&r);
        feed(&r, big, sizeof(big) - 1, 0);
        ck_assert_int_eq(r.state, HP_ERROR);
        ck_assert_int_eq(r.status, 431);
        hp_free(&r);
        /* too many headers */
        n = (size_t)snprintf(big, sizeof(big), IDENT);
        for (int i = 0; i < HTTP_MAX_HEADERS + 1; i++)
                n += (size_t)snprintf(big + n, sizeof(big) - n, "X-%d: v\r\n", i);
        n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n");
        hp_init(&r);
        feed(&r, big, n, 7);
        ck_assert_int_eq(r.state, HP_ERROR);
        ck_assert_int_eq(r.status, 431);
        hp_free(&r);
}
END_TEST

Suite *http_parse_suite(void)
{
        Suite *s = suite_create("http_parse");
        TCase *tc = tcase_create("reader");

        tcase_add_test(tc, refusals);
        tcase_add_test(tc, head_stops_before_the_body);
        tcase_add_test(tc, exact_body_limit);
        tcase_add_test(tc, pipelined_in_pieces);
        tcase_add_test(tc, skipped_body_and_keep_alive);
        tcase_add_test(tc, head_limits);
        suite_add_tcase(s, tc);
        return s;
}
