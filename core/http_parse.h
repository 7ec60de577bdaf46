/* http_parse.h - reading HTTP/1.1 requests strictly (RFC 9112), on the
 * http_parser library: the head first, then, only when the caller allows
 * it, the body up to an exact limit.  Pure: no I/O, no logging, so that the
 * fuzzer drives it as the connection does. */
#ifndef WINRMD_HTTP_PARSE_H
#define WINRMD_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <http_parser.h>

#include "sbuf.h"

#define HTTP_MAX_HEAD (64 * 1024)   /* request line and headers, bytes */
#define HTTP_MAX_HEADERS 64

/* Where a reader stands; the caller acts on the states marked "stop". */
enum hp_state {
        HP_HEAD,                    /* reading the head */
        HP_HEAD_DONE,               /* stop: head complete, body not read */
        HP_BODY,                    /* reading the body (hp_read_body()) */
        HP_DONE,                    /* stop: the whole request is in */
        HP_ERROR                    /* stop: refuse with status and close */
};

struct hp_header {
        const char *name, *value;   /* NUL-terminated, in the head's storage */
};

/* A request head as read: every pointer lives until hp_next()/hp_free(). */
struct hp_head {
        enum http_method method;
        unsigned short major, minor;
        const char *target;         /* request-target as sent */
        const char *path;           /* its path ("/wsman"); "" if none */
        struct hp_header headers[HTTP_MAX_HEADERS];
        size_t n_headers;
        int64_t content_length;     /* -1: none given */
        bool chunked;               /* Transfer-Encoding: chunked */
        bool keep_alive;            /* the connection may carry another request */
        bool expect_continue;       /* Expect: 100-continue */
};

struct hp {
        http_parser p;
        enum hp_state state;
        struct hp_head head;
        struct sbuf store;          /* head strings, NUL-separated */
        size_t head_bytes;          /* raw head bytes seen */
        size_t field_off, value_off;/* start of the header being read */
        bool in_value;
        char prev, prev2;           /* the last raw head bytes (CRLF checks) */
        struct sbuf body;           /* the body, de-chunked */
        size_t body_limit, body_seen;
        bool discard;               /* count the body, do not keep it */
        int status;                 /* HP_ERROR: the status to answer */
        const char *reason;         /* ... and why (static text) */
};

/* Prepares r for the first request; hp_free() releases it. */
void hp_init(struct hp *r);
/* Frees what r holds. */
void hp_free(struct hp *r);
/* Forgets the request read and prepares for the next one on the same
 * connection (the body's memory is kept for reuse). */
void hp_next(struct hp *r);
/* Reads data[0..len) as far as the current state allows; returns how many
 * bytes were used (the rest belongs to a later call).  Stops at
 * HP_HEAD_DONE, HP_DONE and HP_ERROR. */
size_t hp_feed(struct hp *r, const char *data, size_t len);
/* After HP_HEAD_DONE: read the body, refusing it (413) beyond limit bytes;
 * keep it in r->body, or (keep false) only skip over it. */
void hp_read_body(struct hp *r, size_t limit, bool keep);
/* Value of the header name (case-insensitive); NULL if absent.  Headers
 * that must be unique were checked to be so. */
const char *hp_header(const struct hp_head *h, const char *name);
/* How many times header name occurs. */
size_t hp_header_count(const struct hp_head *h, const char *name);

#endif
