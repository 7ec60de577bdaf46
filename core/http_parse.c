/* http_parse.c - strict HTTP/1.1 request reading on http_parser.
 *
 * http_parser does the framing (request line, Content-Length, chunked
 * bodies) and refuses what it knows to be ambiguous (two Content-Length
 * values, a sign in one, NUL and control bytes in headers).  We add what a
 * server behind proxies must also refuse (RFC 9112): bare LF line ends,
 * obsolete line folding, white space in a header name, a second copy of a
 * header that must be unique, transfer codings other than chunked, HTTP
 * versions other than 1.0 and 1.1, and a request-target that is not a path
 * or an absolute http(s) URL.  The parser is paused when the head is
 * complete, so the caller decides (authentication, limits) before a byte of
 * the body is read. */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "http_parse.h"
#include "util.h"

#define MAX_TRAILER 8192

/* Headers that a request may carry once only; a second copy is refused
 * rather than guessed at (request smuggling, ambiguous credentials). */
static const char *const unique_headers[] = {
        "Content-Length", "Transfer-Encoding", "Authorization", "Host",
        "Content-Type", "Content-Encoding", "Expect", "WSMANIDENTIFY",
};

static struct hp *of(http_parser *p)
{
        return p->data;
}

/* Stops reading: the caller answers status and closes.  Returns -1. */
static int fail(struct hp *r, int status, const char *reason)
{
        r->state = HP_ERROR;
        r->status = status;
        r->reason = reason;
        /* from a callback: stop here (http_parser refuses to pause once it
         * has failed by itself) */
        if (HTTP_PARSER_ERRNO(&r->p) == HPE_OK)
                http_parser_pause(&r->p, 1);
        return -1;
}

/* The store keeps the target and each header as NUL-terminated strings;
 * offsets are kept while it grows and turned into pointers at the end. */
static int store(struct hp *r, const char *at, size_t len)
{
        if (r->store.len + len > HTTP_MAX_HEAD + HTTP_MAX_HEADERS * 2)
                return fail(r, 431, "Request Header Fields Too Large");
        if (sbuf_add(&r->store, at, len) < 0)
                return fail(r, 503, "Service Unavailable");
        return 0;
}

static int end_string(struct hp *r)
{
        return store(r, "", 1);
}

/* Callbacks always return 0: a refusal pauses the parser instead, so
 * that the caller sees our status rather than a callback error. */
static int on_url(http_parser *p, const char *at, size_t len)
{
        (void)store(of(p), at, len);
        return 0;
}

/* Ends the header whose value was being read, if any. */
static int finish_header(struct hp *r)
{
        if (!r->in_value)
                return 0;
        r->in_value = false;
        if (r->head.n_headers >= HTTP_MAX_HEADERS)
                return fail(r, 431, "Request Header Fields Too Large");
        /* offsets for now; made pointers in resolve() */
        r->head.headers[r->head.n_headers].name = (const char *)(uintptr_t)r->field_off;
        r->head.headers[r->head.n_headers].value = (const char *)(uintptr_t)r->value_off;
        r->head.n_headers++;
        return end_string(r);
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
        struct hp *r = of(p);

        if (r->state == HP_BODY) {
                /* a trailer of a chunked body: counted, not kept */
                r->head_bytes += len;
                if (r->head_bytes > HTTP_MAX_HEAD + MAX_TRAILER)
                        (void)fail(r, 431, "Request Header Fields Too Large");
                return 0;
        }
        if (r->in_value || r->field_off == 0) {
                /* a new header: end the value before it, or the target */
                if (r->field_off == 0 ? end_string(r) < 0 : finish_header(r) < 0)
                        return 0;
                r->field_off = r->store.len;
        }
        (void)store(r, at, len);
        return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
        struct hp *r = of(p);

        if (r->state == HP_BODY)
                return on_header_field(p, at, len);
        if (!r->in_value) {
                if (end_string(r) < 0)
                        return 0;
                r->in_value = true;
                r->value_off = r->store.len;
        }
        (void)store(r, at, len);
        return 0;
}

static bool is_tchar(unsigned char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Turns the offsets into pointers, trims values of surrounding blanks. */
static int resolve(struct hp *r)
{
        struct hp_head *h = &r->head;
        char *base;

        if (r->field_off == 0 ? end_string(r) < 0 : finish_header(r) < 0)
                return -1;
        base = r->store.p;
        h->target = base;
        for (size_t i = 0; i < h->n_headers; i++) {
                char *name = base + (uintptr_t)h->headers[i].name;
                char *value = base + (uintptr_t)h->headers[i].value;
                size_t n = strlen(value);

                if (!*name)
                        return fail(r, 400, "Bad Request");
                for (const char *c = name; *c; c++)
                        if (!is_tchar((unsigned char)*c))
                                return fail(r, 400, "Bad Request");
                while (*value == ' ' || *value == '\t')
                        value++, n--;
                while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
                        value[--n] = '\0';
                h->headers[i].name = name;
                h->headers[i].value = value;
        }
        return 0;
}

size_t hp_header_count(const struct hp_head *h, const char *name)
{
        size_t n = 0;

        for (size_t i = 0; i < h->n_headers; i++)
                if (!strcasecmp(h->headers[i].name, name))
                        n++;
        return n;
}

const char *hp_header(const struct hp_head *h, const char *name)
{
        for (size_t i = 0; i < h->n_headers; i++)
                if (!strcasecmp(h->headers[i].name, name))
                        return h->headers[i].value;
        return NULL;
}

/* The path of the request-target: origin-form as it is, absolute-form
 * (http or https) by its path part; NULL when neither. */
static const char *target_path(struct hp *r)
{
        const char *t = r->head.target;
        struct http_parser_url u;

        if (strchr(t, '#'))
                return NULL;
        if (t[0] == '/')
                return t;
        if (strncasecmp(t, "http://", 7) && strncasecmp(t, "https://", 8))
                return NULL;
        http_parser_url_init(&u);
        if (http_parser_parse_url(t, strlen(t), 0, &u) != 0 || !(u.field_set & (1 << UF_HOST)))
                return NULL;
        if (!(u.field_set & (1 << UF_PATH)))
                return "/";
        return t + u.field_data[UF_PATH].off;   /* the path, any query after it */
}

static int on_headers_complete(http_parser *p)
{
        struct hp *r = of(p);
        struct hp_head *h = &r->head;
        const char *te, *expect;

        if (resolve(r) < 0)
                return 0;
#define REFUSE(st, why) do { (void)fail(r, st, why); return 0; } while (0)
        h->method = (enum http_method)p->method;
        h->major = p->http_major;
        h->minor = p->http_minor;
        if (h->major != 1 || h->minor > 1)
                REFUSE(505, "HTTP Version Not Supported");
        for (size_t i = 0; i < ARRAY_SIZE(unique_headers); i++)
                if (hp_header_count(h, unique_headers[i]) > 1)
                        REFUSE(400, "Bad Request");
        if (h->minor == 1 && !hp_header(h, "Host"))
                REFUSE(400, "Bad Request");
        te = hp_header(h, "Transfer-Encoding");
        if (te) {
                if (h->minor == 0)
                        REFUSE(400, "Bad Request");
                if (strcasecmp(te, "chunked"))
                        REFUSE(501, "Not Implemented");
                h->chunked = true;
        }
        expect = hp_header(h, "Expect");
        if (expect) {
                if (strcasecmp(expect, "100-continue"))
                        REFUSE(417, "Expectation Failed");
                h->expect_continue = h->minor == 1;
        }
        h->path = target_path(r);
        if (!h->path)
                REFUSE(400, "Bad Request");
#undef REFUSE
        h->content_length = (p->flags & F_CONTENTLENGTH) ? (int64_t)p->content_length : -1;
        h->keep_alive = http_should_keep_alive(p) != 0;
        r->state = HP_HEAD_DONE;
        http_parser_pause(p, 1);
        return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
        struct hp *r = of(p);

        if (len > r->body_limit - r->body_seen) {
                (void)fail(r, 413, "Payload Too Large");
                return 0;
        }
        r->body_seen += len;
        if (!r->discard && sbuf_add(&r->body, at, len) < 0)
                (void)fail(r, 503, "Service Unavailable");
        return 0;
}

static int on_message_complete(http_parser *p)
{
        struct hp *r = of(p);

        if (r->state != HP_ERROR)
                r->state = HP_DONE;
        http_parser_pause(p, 1);
        return 0;
}

static const http_parser_settings settings = {
        .on_url = on_url,
        .on_header_field = on_header_field,
        .on_header_value = on_header_value,
        .on_headers_complete = on_headers_complete,
        .on_body = on_body,
        .on_message_complete = on_message_complete,
};

static void start(struct hp *r)
{
        http_parser_init(&r->p, HTTP_REQUEST);
        r->p.data = r;
        r->state = HP_HEAD;
        memset(&r->head, 0, sizeof(r->head));
        r->head.content_length = -1;
        sbuf_reset(&r->store);
        sbuf_reset(&r->body);
        r->head_bytes = 0;
        r->field_off = r->value_off = 0;
        r->in_value = false;
        r->prev = r->prev2 = '\0';
        r->body_limit = r->body_seen = 0;
        r->discard = false;
        r->status = 0;
        r->reason = NULL;
}

void hp_init(struct hp *r)
{
        memset(r, 0, sizeof(*r));
        start(r);
}

void hp_free(struct hp *r)
{
        sbuf_free(&r->store);
        sbuf_free(&r->body);
}

void hp_next(struct hp *r)
{
        /* a large body's memory is not kept for the next request */
        if (r->body.cap > 64 * 1024)
                sbuf_free(&r->body);
        start(r);
}

void hp_read_body(struct hp *r, size_t limit, bool keep)
{
        if (r->state != HP_HEAD_DONE)
                return;
        r->body_limit = limit;
        r->discard = !keep;
        r->state = HP_BODY;
}

/* Raw checks of head bytes that http_parser lets through: CR and LF come
 * only as CRLF, and no line starts with white space (obsolete folding). */
static bool raw_head_ok(struct hp *r, const char *data, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char c = data[i];

                if ((c == '\n') != (r->prev == '\r'))
                        return false;
                if ((c == ' ' || c == '\t') && r->prev == '\n' && r->prev2 == '\r')
                        return false;
                r->prev2 = r->prev;
                r->prev = c;
        }
        return true;
}

static void parser_error(struct hp *r)
{
        switch (HTTP_PARSER_ERRNO(&r->p)) {
        case HPE_HEADER_OVERFLOW:
                (void)fail(r, 431, "Request Header Fields Too Large");
                break;
        case HPE_INVALID_METHOD:
                (void)fail(r, 501, "Not Implemented");
                break;
        case HPE_INVALID_VERSION:
                (void)fail(r, 505, "HTTP Version Not Supported");
                break;
        default:
                (void)fail(r, 400, "Bad Request");
                break;
        }
}

size_t hp_feed(struct hp *r, const char *data, size_t len)
{
        size_t n;
        bool head = r->state == HP_HEAD;

        /* a length of 0 would tell http_parser the connection ended */
        if ((r->state != HP_HEAD && r->state != HP_BODY) || len == 0)
                return 0;
        if (head && len > HTTP_MAX_HEAD + 1 - r->head_bytes)
                len = HTTP_MAX_HEAD + 1 - r->head_bytes;
        if (HTTP_PARSER_ERRNO(&r->p) == HPE_PAUSED)
                http_parser_pause(&r->p, 0);
        n = http_parser_execute(&r->p, &settings, data, len);
        /* the raw checks first, so that where the bytes were split does not
         * change which refusal is given */
        if (head && (!raw_head_ok(r, data, n) ||
                     /* the head ends on the LF it stopped at */
                     (r->state == HP_HEAD_DONE && (n >= len || data[n] != '\n')))) {
                (void)fail(r, 400, "Bad Request");
                return n;
        }
        if (r->state == HP_ERROR)
                return n;
        if (HTTP_PARSER_ERRNO(&r->p) != HPE_OK && HTTP_PARSER_ERRNO(&r->p) != HPE_PAUSED) {
                parser_error(r);
                return n;
        }
        if (head) {
                r->head_bytes += n;
                if (r->state == HP_HEAD && r->head_bytes > HTTP_MAX_HEAD)
                        (void)fail(r, 431, "Request Header Fields Too Large");
        }
        return n;
}
