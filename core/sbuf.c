/* sbuf.c - a growable byte buffer. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

int sbuf_add(struct sbuf *b, const void *data, size_t n)
{
        if (b->err)
                return -1;
        if (b->len + n > b->cap) {
                size_t cap = b->cap ? b->cap : 512;
                char *p;
                while (cap < b->len + n)
                        cap *= 2;
                p = realloc(b->p, cap);
                if (!p) {
                        b->err = true;
                        return -1;
                }
                b->p = p;
                b->cap = cap;
        }
        if (n)
                memcpy(b->p + b->len, data, n);
        b->len += n;
        return 0;
}

int sbuf_adds(struct sbuf *b, const char *s)
{
        return sbuf_add(b, s, strlen(s));
}

int sbuf_add_escaped(struct sbuf *b, const char *s, bool attr)
{
        const char *run = s;
        int r = 0;

        for (; *s; s++) {
                const char *rep = NULL;
                switch (*s) {
                case '&': rep = "&amp;"; break;
                case '<': rep = "&lt;"; break;
                case '>': rep = "&gt;"; break;
                case '\r': rep = "&#13;"; break;
                case '"': rep = attr ? "&quot;" : NULL; break;
                case '\n': rep = attr ? "&#10;" : NULL; break;
                case '\t': rep = attr ? "&#9;" : NULL; break;
                default: break;
                }
                if (!rep)
                        continue;
                r |= sbuf_add(b, run, (size_t)(s - run));
                r |= sbuf_adds(b, rep);
                run = s + 1;
        }
        return r | sbuf_add(b, run, (size_t)(s - run));
}

int sbuf_add_element(struct sbuf *b, const char *qname, const char *value)
{
        int r = sbuf_add(b, "<", 1) | sbuf_adds(b, qname) | sbuf_add(b, ">", 1);

        r |= sbuf_add_escaped(b, value, false);
        return r | sbuf_add(b, "</", 2) | sbuf_adds(b, qname) | sbuf_add(b, ">", 1);
}

void sbuf_reset(struct sbuf *b)
{
        b->len = 0;
}

void sbuf_free(struct sbuf *b)
{
        free(b->p);
        b->p = NULL;
        b->len = b->cap = 0;
        b->err = false;
}
