/* http_reply.h - the winrm command's reader of one HTTP/1.x reply, fed the
 * bytes as they arrive: the status line, the headers this client needs
 * (Content-Length, Transfer-Encoding, WWW-Authenticate), then a body framed
 * by its length, by chunks, or by the end of the stream.  Interim 1xx
 * replies are skipped.  The head and the body are capped; a reply that ends
 * early is an error, never a short body.  No socket and no TLS here: bytes
 * in, a reply or -errno with a one-line reason out. */
#ifndef WINRM_HTTP_REPLY_H
#define WINRM_HTTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbuf.h"

#define HTTP_REPLY_HEAD_MAX (64 * 1024)           /* the status line and headers */
#define HTTP_REPLY_BODY_MAX (64 * 1024 * 1024)    /* the body */
#define HTTP_REPLY_TRAILER_MAX (8 * 1024)         /* a chunked body's trailer section */

/* A complete reply, handed over by http_reply_take(): the caller frees
 * body and schemes. */
struct http_reply {
        int status;                 /* 200, 401, 500 ... */
        char *body;                 /* NUL-terminated, len bytes (may be empty) */
        size_t len;
        char *schemes;              /* the WWW-Authenticate schemes offered, ", "-joined; "" if none */
};

/* The reader; its members are http_reply.c's (here so that it can live on
 * the caller's stack). */
struct http_reply_reader {
        const char *peer;           /* who answers, for messages (borrowed) */
        char *err;                  /* where the reason goes (borrowed; may be NULL) */
        size_t err_len;
        int result;                 /* 0 reading, 1 complete, or the -errno it failed with */
        struct cbuf head;           /* bytes of the head (and what followed it) */
        size_t scanned;             /* head bytes searched for the blank line */
        bool in_body;
        int status;
        int framing;                /* how the body ends */
        uint64_t left;              /* by length: body bytes still to come */
        int ch;                     /* where in a chunked body */
        uint64_t ch_size;
        bool ch_digits;
        size_t ch_line;             /* bytes in the current trailer line */
        size_t ch_trailer;          /* trailer bytes so far */
        struct cbuf body;
        struct cbuf schemes;
};

/* Starts rd on a new reply from peer; reasons go to err[0..err_len). */
void http_reply_init(struct http_reply_reader *rd, const char *peer, char *err, size_t err_len);
/* Reads p[0..n): 1 when the reply is complete (bytes after it are
 * ignored), 0 for more, or -errno with the reason in err (-EPROTO: not
 * HTTP, malformed, a 101; -E2BIG: over a cap; -ENOMEM).  Once complete or
 * failed, it says so again without reading. */
int http_reply_feed(struct http_reply_reader *rd, const void *p, size_t n);
/* The end of the stream: 1 when that completes the reply (a body framed by
 * the close, or one already complete), else -EPROTO with the reason. */
int http_reply_eof(struct http_reply_reader *rd);
/* Hands a complete reply over to out (rd keeps none of it): 0, -ENOMEM,
 * or -EINVAL when it is not complete. */
int http_reply_take(struct http_reply_reader *rd, struct http_reply *out);
/* Frees what rd holds (it may be used again after http_reply_init()). */
void http_reply_free(struct http_reply_reader *rd);

#endif
