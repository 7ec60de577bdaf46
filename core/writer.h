/* writer.h - the one XML serializer of replies: providers' bodies, the
 * core's own answers and faults all go through it.  It writes text straight
 * into a buffer and enforces the rules that keep a reply XML a client can
 * parse: names are XML names, values are XML 1.0 characters in UTF-8, a
 * top-level element declares its namespace and is not in the SOAP envelope
 * namespace, the envelope's prefixes are never redeclared, and every
 * element is closed.  The first broken rule is kept as a message and every
 * later write fails, so the request ends with w:InternalError instead of a
 * broken reply. */
#ifndef WINRMD_WRITER_H
#define WINRMD_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

#define WRITER_DEPTH 32

struct writer_frame {
        size_t name_off;             /* the element's "prefix:local" in out */
        unsigned short name_len, prefix_len;
};

struct writer {
        struct sbuf out;             /* the text written so far */
        struct writer_frame frames[WRITER_DEPTH];
        int depth;
        bool tag_open;               /* "<name ..." written, ">" not yet */
        bool trusted;                /* the core: its own prefixes allowed */
        unsigned top;                /* top-level elements completed */
        size_t top_start;            /* where the current top-level element began */
        size_t limit;                /* most bytes out may hold; 0: no limit */
        bool keep_tops;              /* record where each top-level element ends */
        size_t *tops;                /* ... here: out offsets, n_tops of them */
        size_t n_tops, cap_tops;
        char error[192];             /* the first broken rule; "" while none */
};

/* Prepares w (empty); trusted writers are the core's own. */
void writer_init(struct writer *w, bool trusted);
/* Empties w and forgets any error, keeping its memory. */
void writer_reset(struct writer *w);
/* Frees w's memory; w is empty and usable again. */
void writer_free(struct writer *w);
/* Opens "prefix:Name" (or "Name"); ns declares the prefix on it, NULL puts
 * it in the parent's namespace (a trusted writer may name an envelope
 * prefix at the top instead).  0, -EINVAL (a rule broken: see error),
 * -E2BIG (over the limit or too deep), -ENOMEM. */
int writer_begin(struct writer *w, const char *ns, const char *qname);
/* A leaf element Name in the current element's namespace; value NULL
 * makes it empty. */
int writer_text(struct writer *w, const char *name, const char *value);
/* An attribute on the element opened last, before its children. */
int writer_attr(struct writer *w, const char *name, const char *value);
/* Text content of the element opened last (after its attributes; may be
 * mixed with child elements). */
int writer_content(struct writer *w, const char *text);
/* A namespace declaration on the element opened last (trusted only). */
int writer_xmlns(struct writer *w, const char *prefix, const char *ns);
/* Closes the element opened last. */
int writer_end(struct writer *w);
/* Checks that nothing is left open; 0, or -EINVAL with error set. */
int writer_finish(struct writer *w);
/* True once a rule was broken or memory ran out. */
bool writer_failed(const struct writer *w);
/* Cuts out[from..) away (an enumeration item taken out of the body). */
void writer_truncate(struct writer *w, size_t from);
/* True when s is a well-formed XML 1.0 character string in UTF-8 (n bytes). */
bool writer_valid_text(const char *s, size_t n);

#endif
