/* cbuf.c - the winrm command's growable byte buffer (cbuf.h): the request
 * the transport builds and the reply it reads are kept in these. */
#include "autoconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbuf.h"

/* Grows b (doubling from 1 KiB) for n more bytes and a NUL, under max. */
int cbuf_reserve(struct cbuf *b, size_t n, size_t max)
{
        size_t cap;
        char *p;

        if (n > max || b->len > max - n)
                return -E2BIG;
        if (b->len + n + 1 <= b->cap)
                return 0;
        cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
                cap *= 2;
        p = realloc(b->p, cap);
        if (!p)
                return -ENOMEM;
        b->p = p;
        b->cap = cap;
        return 0;
}

/* Copies p[0..n) to the end of b and NUL-terminates it. */
int cbuf_add(struct cbuf *b, const void *p, size_t n, size_t max)
{
        int r = cbuf_reserve(b, n, max);

        if (r < 0)
                return r;
        if (n)
                memcpy(b->p + b->len, p, n);
        b->len += n;
        b->p[b->len] = '\0';
        return 0;
}

/* Measures the text first, then formats it in place. */
int cbuf_addf(struct cbuf *b, const char *fmt, ...)
{
        va_list ap;
        int n, r;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        r = cbuf_reserve(b, (size_t)n, SIZE_MAX / 2);
        if (r < 0)
                return r;
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
        return 0;
}

/* Zeroes the whole allocation, not only len bytes, before freeing it. */
void cbuf_wipe(struct cbuf *b)
{
        if (b->p)
                explicit_bzero(b->p, b->cap);
        free(b->p);
        b->p = NULL;
        b->len = b->cap = 0;
}
