/* http_reply.c - the winrm command's reader of one HTTP/1.x reply
 * (http_reply.h): a small parser of our own, fed bytes, never touching a
 * socket.
 *
 * The head is gathered whole (up to its cap) before it is parsed: the status
 * line, then the headers this client needs (Content-Length,
 * Transfer-Encoding, WWW-Authenticate); an interim 1xx head is dropped and
 * the next one read.  The body then goes byte by byte through the framing
 * the head chose: nothing (HEAD-like statuses, a zero length), a length,
 * chunks (extensions skipped, the trailer section read to its blank line and
 * capped), or the end of the stream. */
#include "autoconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_reply.h"

#define HEAD_MAX HTTP_REPLY_HEAD_MAX
#define BODY_MAX HTTP_REPLY_BODY_MAX
#define TRAILER_MAX HTTP_REPLY_TRAILER_MAX
#define SLICE 16384                     /* head bytes gathered per step */

enum framing { BY_NOTHING, BY_LENGTH, BY_CHUNKS, BY_CLOSE };
enum chunk_state { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER, CH_DONE };

static int fail(const struct http_reply_reader *rd, int r, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Writes the one-line reason into the caller's err; returns r. */
static int fail(const struct http_reply_reader *rd, int r, const char *fmt, ...)
{
        va_list ap;

        if (rd->err && rd->err_len) {
                va_start(ap, fmt);
                vsnprintf(rd->err, rd->err_len, fmt, ap);
                va_end(ap);
        }
        return r;
}

/* Optional white space: a blank or a tab. */
static bool is_ows(char c)
{
        return c == ' ' || c == '\t';
}

/* [*p, end) trimmed of optional white space on both sides. */
static void trim(const char **p, const char **end)
{
        while (*p < *end && is_ows(**p))
                (*p)++;
        while (*end > *p && (is_ows((*end)[-1]) || (*end)[-1] == '\r'))
                (*end)--;
}

/* A character of an HTTP token (a header name, a scheme). */
static bool is_tchar(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Adds a scheme to the reply's ", "-joined list unless it is there. */
static int add_scheme(struct http_reply_reader *rd, const char *s, size_t n)
{
        const char *p = rd->schemes.p;
        int r;

        while (p && *p) {
                size_t k = strcspn(p, ",");
                if (k == n && strncasecmp(p, s, n) == 0)
                        return 0;
                p += k;
                p += strspn(p, ", ");
        }
        if (rd->schemes.len && (r = cbuf_add(&rd->schemes, ", ", 2, HEAD_MAX)) < 0)
                return r;
        return cbuf_add(&rd->schemes, s, n, HEAD_MAX);
}

/* The schemes of a WWW-Authenticate value: each comma-separated element
 * that starts with a token not followed by '=' opens a challenge (the
 * others are its parameters); quoted strings are skipped whole. */
static int auth_schemes(struct http_reply_reader *rd, const char *p, const char *end)
{
        int r;

        while (p < end) {
                const char *tok;

                while (p < end && (is_ows(*p) || *p == ','))
                        p++;
                tok = p;
                while (p < end && is_tchar(*p))
                        p++;
                if (p > tok && (p == end || is_ows(*p) || *p == ',')) {
                        const char *q = p;
                        while (q < end && is_ows(*q))
                                q++;
                        if ((q == end || *q != '=') && (r = add_scheme(rd, tok, (size_t)(p - tok))) < 0)
                                return r;
                }
                /* on to the next comma outside quotes */
                while (p < end && *p != ',') {
                        if (*p++ != '"')
                                continue;
                        while (p < end && *p != '"')
                                p += *p == '\\' && p + 1 < end ? 2 : 1;
                        if (p < end)
                                p++;
                }
        }
        return 0;
}

/* Content-Length's value: digits only, within the body cap. */
static int parse_length(struct http_reply_reader *rd, const char *p, const char *end, uint64_t *ret)
{
        uint64_t v = 0;

        if (p == end)
                return fail(rd, -EPROTO, "The server's reply has an empty Content-Length.");
        for (; p < end; p++) {
                if (*p < '0' || *p > '9')
                        return fail(rd, -EPROTO, "The server's reply has a malformed Content-Length.");
                v = v * 10 + (uint64_t)(*p - '0');
                if (v > BODY_MAX)
                        return fail(rd, -E2BIG, "The server's reply is larger than %d MiB.",
                                    BODY_MAX / (1024 * 1024));
        }
        *ret = v;
        return 0;
}

/* Whether a Transfer-Encoding value ends with the chunked coding. */
static bool ends_chunked(const char *p, const char *end)
{
        const char *last = end;

        while (last > p && last[-1] != ',')
                last--;
        trim(&last, &end);
        return end - last == 7 && strncasecmp(last, "chunked", 7) == 0;
}

/* The status line "HTTP/1.x NNN reason". */
static int parse_status(struct http_reply_reader *rd, const char *p, const char *end)
{
        int st;

        if (end - p < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' || p[7] > '9' || p[8] != ' ' ||
            p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
            (end - p > 12 && p[12] != ' ' && p[12] != '\r'))
                return fail(rd, -EPROTO, "The server's reply is not HTTP/1.x (its status line is malformed).");
        st = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
        rd->status = st;
        return 0;
}

/* One header line [p, end) without its LF. */
static int parse_header(struct http_reply_reader *rd, const char *p, const char *end, bool *te,
                        bool *cl, uint64_t *clen)
{
        const char *colon = memchr(p, ':', (size_t)(end - p)), *v, *n;
        uint64_t len = 0;
        int r;

        if (p < end && is_ows(*p))
                return 0;           /* obsolete folding: a continuation we need not read */
        for (n = p; n < (colon ? colon : end) && is_tchar(*n); n++)
                ;
        if (!colon || colon == p || n != colon)
                return fail(rd, -EPROTO, "The server's reply has a malformed header line.");
        v = colon + 1;
        trim(&v, &end);
        if (colon - p == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
                if ((r = parse_length(rd, v, end, &len)) < 0)
                        return r;
                if (*cl && len != *clen)
                        return fail(rd, -EPROTO, "The server's reply has two different Content-Length values.");
                *cl = true;
                *clen = len;
        } else if (colon - p == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0) {
                *te = true;
                rd->framing = ends_chunked(v, end) ? BY_CHUNKS : BY_CLOSE;
        } else if (colon - p == 16 && strncasecmp(p, "WWW-Authenticate", 16) == 0) {
                if (auth_schemes(rd, v, end) < 0)
                        return fail(rd, -ENOMEM, "Out of memory.");
        }
        return 0;
}

/* The head [p, end) (blank line excluded): status, framing, schemes. */
static int parse_head(struct http_reply_reader *rd, const char *p, const char *end)
{
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        bool te = false, cl = false;
        uint64_t clen = 0;
        int r;

        if ((r = parse_status(rd, p, eol ? eol : end)) < 0)
                return r;
        rd->framing = BY_CLOSE;
        for (p = eol ? eol + 1 : end; p < end; p = eol + 1) {
                eol = memchr(p, '\n', (size_t)(end - p));
                if (!eol)
                        eol = end;
                if (eol == p || (eol == p + 1 && *p == '\r'))
                        break;      /* the blank line */
                if ((r = parse_header(rd, p, eol, &te, &cl, &clen)) < 0)
                        return r;
        }
        if (rd->status == 204 || rd->status == 304 || rd->status < 200)
                rd->framing = BY_NOTHING;
        else if (!te && cl) {
                rd->framing = clen ? BY_LENGTH : BY_NOTHING;
                rd->left = clen;
        }
        return 0;
}

/* Keeps body bytes, within the body cap. */
static int body_add(struct http_reply_reader *rd, const char *p, size_t n)
{
        int r = cbuf_add(&rd->body, p, n, BODY_MAX);

        if (r == -E2BIG)
                return fail(rd, r, "The server's reply is larger than %d MiB.", BODY_MAX / (1024 * 1024));
        return r < 0 ? fail(rd, r, "Out of memory.") : 0;
}

/* The one reason for any framing error of a chunked body. */
static int bad_chunk(struct http_reply_reader *rd)
{
        return fail(rd, -EPROTO, "The server's reply has a malformed chunked body.");
}

/* A hex digit's value, or -1. */
static int hex_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        c = (char)(c | 0x20);
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The chunk-size line, one byte at a time (extensions are skipped). */
static int chunk_size_byte(struct http_reply_reader *rd, char c)
{
        int h = hex_value(c);

        if (rd->ch == CH_SIZE && h >= 0) {
                rd->ch_size = rd->ch_size * 16 + (uint64_t)h;
                rd->ch_digits = true;
                return rd->ch_size > BODY_MAX ? fail(rd, -E2BIG, "The server's reply is larger than %d MiB.",
                                                     BODY_MAX / (1024 * 1024)) : 0;
        }
        if (!rd->ch_digits)
                return bad_chunk(rd);
        if (c == '\n') {
                rd->ch = rd->ch_size ? CH_DATA : CH_TRAILER;
                rd->ch_line = 0;
        } else if (rd->ch == CH_SIZE_LF) {
                return bad_chunk(rd);
        } else if (c == '\r' && rd->ch == CH_SIZE) {
                rd->ch = CH_SIZE_LF;
        } else if (rd->ch == CH_SIZE && (c == ';' || is_ows(c))) {
                rd->ch = CH_EXT;
        } else if (rd->ch == CH_SIZE) {
                return bad_chunk(rd);
        }
        return 0;
}

/* The trailer section, one byte at a time, up to its blank line. */
static int chunk_trailer_byte(struct http_reply_reader *rd, char c)
{
        if (++rd->ch_trailer > TRAILER_MAX)
                return fail(rd, -E2BIG, "The server's reply has a trailer section over %d bytes.", TRAILER_MAX);
        if (c == '\n') {
                if (rd->ch_line == 0)
                        rd->ch = CH_DONE;
                rd->ch_line = 0;
        } else if (c != '\r' || rd->ch_line) {
                rd->ch_line++;
        }
        return 0;
}

/* A chunked body's bytes: data is kept, framing checked; bytes after the
 * end of the body are left alone. */
static int chunk_feed(struct http_reply_reader *rd, const char *p, size_t n)
{
        size_t i = 0, k;
        int r = 0;

        while (i < n && rd->ch != CH_DONE && r == 0) {
                switch (rd->ch) {
                case CH_DATA:
                        k = n - i < rd->ch_size ? n - i : (size_t)rd->ch_size;
                        r = body_add(rd, p + i, k);
                        i += k;
                        rd->ch_size -= k;
                        if (rd->ch_size == 0)
                                rd->ch = CH_DATA_CR;
                        continue;
                case CH_DATA_CR:
                case CH_DATA_LF:
                        if (p[i] == '\n')
                                rd->ch = CH_SIZE, rd->ch_digits = false;
                        else if (p[i] == '\r' && rd->ch == CH_DATA_CR)
                                rd->ch = CH_DATA_LF;
                        else
                                r = bad_chunk(rd);
                        break;
                case CH_TRAILER:
                        r = chunk_trailer_byte(rd, p[i]);
                        break;
                case CH_EXT:
                        if (p[i] == '\n')
                                r = chunk_size_byte(rd, p[i]);
                        break;
                default:
                        r = chunk_size_byte(rd, p[i]);
                        break;
                }
                i++;
        }
        return r;
}

/* Body bytes: 1 when the body is complete, 0 for more, or an error. */
static int body_feed(struct http_reply_reader *rd, const char *p, size_t n)
{
        int r;

        switch (rd->framing) {
        case BY_NOTHING:
                return 1;
        case BY_LENGTH:
                if (n > rd->left)
                        n = (size_t)rd->left;
                if ((r = body_add(rd, p, n)) < 0)
                        return r;
                rd->left -= n;
                return rd->left == 0;
        case BY_CHUNKS:
                if ((r = chunk_feed(rd, p, n)) < 0)
                        return r;
                return rd->ch == CH_DONE;
        default:
                return n ? body_add(rd, p, n) : 0;
        }
}

/* Where the head's blank line ends within rd->head, or 0 when not yet. */
static size_t head_end(struct http_reply_reader *rd)
{
        const char *h = rd->head.p;
        size_t i;

        for (i = rd->scanned; i < rd->head.len; i++) {
                if (h[i] != '\n')
                        continue;
                if (i >= 1 && h[i - 1] == '\n')
                        return i + 1;
                if (i >= 2 && h[i - 1] == '\r' && h[i - 2] == '\n')
                        return i + 1;
        }
        rd->scanned = rd->head.len;
        return 0;
}

/* Fails early on a reply that cannot be HTTP, saying what it looks like. */
static int check_prefix(const struct http_reply_reader *rd)
{
        const unsigned char *h = (const unsigned char *)rd->head.p;
        size_t n = rd->head.len < 5 ? rd->head.len : 5;

        if (memcmp(h, "HTTP/", n) == 0)
                return 0;
        /* a TLS record's first byte alone: its second says (whatever the
         * reads' sizes, the same reason) */
        if (rd->head.len == 1 && (h[0] == 0x15 || h[0] == 0x16))
                return 0;
        if (rd->head.len >= 2 && (h[0] == 0x15 || h[0] == 0x16) && h[1] == 0x03)
                return fail(rd, -EPROTO, "The server %s answered in TLS: use HTTPS.", rd->peer);
        return fail(rd, -EPROTO, "The server's reply is not HTTP.");
}

/* Head bytes, then body bytes: 1 when the reply is complete, 0 for more. */
static int feed_slice(struct http_reply_reader *rd, const char *p, size_t n)
{
        size_t end;
        int r;

        if (rd->in_body)
                return body_feed(rd, p, n);
        if ((r = cbuf_add(&rd->head, p, n, HEAD_MAX + SLICE)) < 0)
                return fail(rd, r, "Out of memory.");
        for (;;) {
                if ((r = check_prefix(rd)) < 0)
                        return r;
                end = head_end(rd);
                if (!end && rd->head.len <= HEAD_MAX)
                        return 0;
                if (!end || end > HEAD_MAX)
                        return fail(rd, -E2BIG, "The server's reply head is larger than %d KiB.",
                                    HEAD_MAX / 1024);
                if ((r = parse_head(rd, rd->head.p, rd->head.p + end)) < 0)
                        return r;
                if (rd->status >= 200 || rd->status == 101)
                        break;
                /* an interim reply (100 Continue): the real one follows */
                memmove(rd->head.p, rd->head.p + end, rd->head.len - end);
                rd->head.len -= end;
                rd->scanned = 0;
                if (rd->head.len == 0)
                        return 0;
        }
        if (rd->status == 101)
                return fail(rd, -EPROTO, "The server switched protocols (101), which this client does not do.");
        rd->in_body = true;
        return body_feed(rd, rd->head.p + end, rd->head.len - end);
}

/* The end of the stream: a complete reply only when framed by it. */
static int at_eof(struct http_reply_reader *rd)
{
        if (rd->in_body && rd->framing == BY_CLOSE)
                return 1;
        if (!rd->in_body && rd->head.len == 0 && rd->status == 0)
                return fail(rd, -EPROTO, "The server %s closed the connection without replying.", rd->peer);
        return fail(rd, -EPROTO, "The server closed the connection in the middle of its reply.");
}

/* Nothing read yet; the reasons go to err. */
void http_reply_init(struct http_reply_reader *rd, const char *peer, char *err, size_t err_len)
{
        memset(rd, 0, sizeof(*rd));
        rd->peer = peer ? peer : "";
        rd->err = err;
        rd->err_len = err_len;
        rd->ch = CH_SIZE;
}

/* The head in slices (so that its buffer stays within its cap whatever n
 * is), the body at once; the outcome is kept. */
int http_reply_feed(struct http_reply_reader *rd, const void *p, size_t n)
{
        const char *c = p;

        while (rd->result == 0 && n > 0) {
                size_t k = rd->in_body || n < SLICE ? n : SLICE;

                rd->result = feed_slice(rd, c, k);
                c += k;
                n -= k;
        }
        return rd->result;
}

/* at_eof(), unless the outcome is already known. */
int http_reply_eof(struct http_reply_reader *rd)
{
        if (rd->result == 0)
                rd->result = at_eof(rd);
        return rd->result;
}

/* The body and schemes, allocated empty when there were none. */
int http_reply_take(struct http_reply_reader *rd, struct http_reply *out)
{
        if (rd->result != 1)
                return fail(rd, -EINVAL, "The server's reply is not complete.");
        if ((!rd->body.p && cbuf_reserve(&rd->body, 0, BODY_MAX) < 0) ||
            (!rd->schemes.p && cbuf_reserve(&rd->schemes, 0, HEAD_MAX) < 0))
                return fail(rd, -ENOMEM, "Out of memory.");
        rd->body.p[rd->body.len] = '\0';
        rd->schemes.p[rd->schemes.len] = '\0';
        out->status = rd->status;
        out->body = rd->body.p;
        out->len = rd->body.len;
        out->schemes = rd->schemes.p;
        rd->body.p = rd->schemes.p = NULL;
        rd->body.len = rd->body.cap = rd->schemes.len = rd->schemes.cap = 0;
        return 0;
}

/* free() of the three buffers. */
void http_reply_free(struct http_reply_reader *rd)
{
        free(rd->head.p);
        free(rd->body.p);
        free(rd->schemes.p);
        rd->head.p = rd->body.p = rd->schemes.p = NULL;
        rd->head.len = rd->head.cap = rd->body.len = rd->body.cap = rd->schemes.len = rd->schemes.cap = 0;
}
