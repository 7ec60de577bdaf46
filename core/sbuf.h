/* sbuf.h - a growable byte buffer for building replies as text. */
#ifndef WINRMD_SBUF_H
#define WINRMD_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
        char *p;                  /* not NUL-terminated */
        size_t len, cap;
        bool err;                 /* an allocation failed; later adds do nothing */
};

/* Appends n bytes; -1 (and err set) on OOM. */
int sbuf_add(struct sbuf *b, const void *data, size_t n);
/* Appends a NUL-terminated string. */
int sbuf_adds(struct sbuf *b, const char *s);
/* Appends s escaped for XML text, or for a double-quoted attribute value. */
int sbuf_add_escaped(struct sbuf *b, const char *s, bool attr);
/* Appends <qname>value</qname>, value escaped. */
int sbuf_add_element(struct sbuf *b, const char *qname, const char *value);
/* Empties b, keeping its memory. */
void sbuf_reset(struct sbuf *b);
/* Frees b's memory; b is empty and usable again. */
void sbuf_free(struct sbuf *b);

#endif
