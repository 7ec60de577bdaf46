/* cbuf.h - the winrm command's growable byte buffer: always NUL-terminated
 * once it holds anything, and capped by the caller at each add. */
#ifndef WINRM_CBUF_H
#define WINRM_CBUF_H

#include <stddef.h>

struct cbuf {
        char *p;                    /* NULL until the first add; p[len] == '\0' */
        size_t len, cap;
};

/* Room for n more bytes and a NUL, the whole kept under max bytes: 0,
 * -E2BIG past max, -ENOMEM. */
int cbuf_reserve(struct cbuf *b, size_t n, size_t max);
/* Appends p[0..n) within max bytes; 0, -E2BIG or -ENOMEM. */
int cbuf_add(struct cbuf *b, const void *p, size_t n, size_t max);
/* Appends printf-formatted text (no cap); 0, -EINVAL or -ENOMEM. */
int cbuf_addf(struct cbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees b, first wiping it (it may hold credentials); b is empty again. */
void cbuf_wipe(struct cbuf *b);

#endif
