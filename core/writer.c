/* writer.c - the checked XML text writer of every reply body. */
#include "autoconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ns.h"
#include "util.h"
#include "writer.h"

#define MAX_PREFIX 31
#define MAX_LOCAL 95

/* Prefixes of the envelope around every body, and of the core's own
 * reply elements: a provider may not declare them again. */
static const char *const reserved[] = { "s", "a", "w", "n", "x" };

static int broken(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Keeps the first broken rule; every later write fails. */
static int broken(struct writer *w, const char *fmt, ...)
{
        va_list ap;

        if (!w->error[0]) {
                va_start(ap, fmt);
                vsnprintf(w->error, sizeof(w->error), fmt, ap);
                va_end(ap);
        }
        return -EINVAL;
}

void writer_init(struct writer *w, bool trusted)
{
        memset(w, 0, sizeof(*w));
        w->trusted = trusted;
}

void writer_reset(struct writer *w)
{
        sbuf_reset(&w->out);
        w->out.err = false;
        w->depth = 0;
        w->tag_open = false;
        w->top = 0;
        w->top_start = 0;
        w->n_tops = 0;
        w->error[0] = '\0';
}

void writer_free(struct writer *w)
{
        bool trusted = w->trusted;

        sbuf_free(&w->out);
        free(w->tops);
        writer_init(w, trusted);
}

/* Notes the end of a top-level element (enumeration items). */
static int note_top(struct writer *w)
{
        if (w->n_tops == w->cap_tops) {
                size_t cap = w->cap_tops ? w->cap_tops * 2 : 64;
                size_t *p = realloc(w->tops, cap * sizeof(*p));
                if (!p) {
                        w->out.err = true;
                        return -ENOMEM;
                }
                w->tops = p;
                w->cap_tops = cap;
        }
        w->tops[w->n_tops++] = w->out.len;
        return 0;
}

bool writer_failed(const struct writer *w)
{
        return w->error[0] || w->out.err;
}

/* XML 1.0 (fifth edition) NameStartChar and NameChar. */
static bool name_start(uint32_t c)
{
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
               (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) ||
               (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) ||
               (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) ||
               (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

static bool name_char(uint32_t c)
{
        return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == 0xB7 ||
               (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

/* An NCName (no colon) of n bytes, at most max. */
static bool ncname(const char *s, size_t n, size_t max)
{
        const unsigned char *p = (const unsigned char *)s;
        bool first = true;

        if (n == 0 || n > max)
                return false;
        while (n > 0) {
                uint32_t c;
                size_t k = utf8_seq(p, n, &c);
                if (k == 0 || !(first ? name_start(c) : name_char(c)))
                        return false;
                first = false;
                p += k;
                n -= k;
        }
        return true;
}

bool writer_valid_text(const char *s, size_t n)
{
        const unsigned char *p = (const unsigned char *)s;

        while (n > 0) {
                uint32_t c;
                size_t k = utf8_seq(p, n, &c);
                if (k == 0)
                        return false;
                if (c < 0x20 ? !(c == 0x9 || c == 0xA || c == 0xD) : (c == 0xFFFE || c == 0xFFFF))
                        return false;
                p += k;
                n -= k;
        }
        return true;
}

static bool is_reserved(const char *prefix, size_t n)
{
        if (n >= 3 && !strncasecmp(prefix, "xml", 3))
                return true;
        for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
                if (strlen(reserved[i]) == n && !strncmp(reserved[i], prefix, n))
                        return true;
        return false;
}

/* The open element at depth d: its qualified name copied into out[128]
 * (the buffer may move while it grows, so names are copied, not aliased). */
static void frame_name(const struct writer *w, int d, char out[128], size_t *len, size_t *prefix_len)
{
        *len = w->frames[d].name_len;
        *prefix_len = w->frames[d].prefix_len;
        memcpy(out, w->out.p + w->frames[d].name_off, *len);
        out[*len] = '\0';
}

static int grown(struct writer *w)
{
        if (w->out.err)
                return -ENOMEM;
        if (w->limit && w->out.len > w->limit)
                return broken(w, "the reply grew past %zu bytes", w->limit), -E2BIG;
        return 0;
}

static void close_tag(struct writer *w)
{
        if (w->tag_open) {
                sbuf_add(&w->out, ">", 1);
                w->tag_open = false;
        }
}

/* The checks of begin() that need no state. */
static int check_begin(struct writer *w, const char *ns, const char *qname, const char *colon)
{
        size_t plen = colon ? (size_t)(colon - qname) : 0;
        const char *local = colon ? colon + 1 : qname;

        if (!ncname(local, strlen(local), MAX_LOCAL) || (colon && !ncname(qname, plen, MAX_PREFIX)))
                return broken(w, "\"%.100s\" is not an XML element name", qname);
        if (w->trusted)
                return 0;
        if (w->depth == 0 && (!ns || !*ns))
                return broken(w, "top-level element %.100s declares no namespace", qname);
        if (ns && !strcmp(ns, NS_SOAP))
                return broken(w, "element %.100s is in the SOAP envelope namespace", qname);
        if (ns && colon && is_reserved(qname, plen))
                return broken(w, "element %.100s redeclares the envelope's prefix", qname);
        if (ns && !*ns && colon)
                return broken(w, "element %.100s binds a prefix to no namespace", qname);
        if (ns && !writer_valid_text(ns, strlen(ns)))
                return broken(w, "the namespace of %.100s is not XML text", qname);
        return 0;
}

int writer_begin(struct writer *w, const char *ns, const char *qname)
{
        const char *colon, *local;
        char name[128], parent[128];
        size_t plen, llen, n, pn, ppl;
        int r;

        if (writer_failed(w))
                return -EINVAL;
        if (!qname)
                return broken(w, "an element without a name");
        if (w->depth >= WRITER_DEPTH)
                return broken(w, "elements nested deeper than %d", WRITER_DEPTH), -E2BIG;
        colon = strchr(qname, ':');
        r = check_begin(w, ns, qname, colon);
        if (r < 0)
                return r;
        local = colon ? colon + 1 : qname;
        plen = colon ? (size_t)(colon - qname) : 0;
        llen = strlen(local);
        memcpy(name, qname, plen);
        /* without a namespace of its own an element is in its parent's (a
         * trusted writer keeps the prefix it names) */
        if (!ns && !(w->trusted && colon)) {
                plen = 0;
                if (w->depth) {
                        frame_name(w, w->depth - 1, parent, &pn, &ppl);
                        plen = ppl;
                        memcpy(name, parent, plen);
                }
        }
        n = plen;
        if (plen)
                name[n++] = ':';
        memcpy(name + n, local, llen);
        n += llen;
        close_tag(w);
        if (w->depth == 0)
                w->top_start = w->out.len;
        sbuf_add(&w->out, "<", 1);
        w->frames[w->depth].name_off = w->out.len;
        w->frames[w->depth].name_len = (unsigned short)n;
        w->frames[w->depth].prefix_len = (unsigned short)plen;
        sbuf_add(&w->out, name, n);
        if (ns) {
                if (plen) {
                        sbuf_add(&w->out, " xmlns:", 7);
                        sbuf_add(&w->out, name, plen);
                } else {
                        sbuf_add(&w->out, " xmlns", 6);
                }
                sbuf_add(&w->out, "=\"", 2);
                sbuf_add_escaped(&w->out, ns, true);
                sbuf_add(&w->out, "\"", 1);
        }
        w->depth++;
        w->tag_open = true;
        return grown(w);
}

static int check_value(struct writer *w, const char *what, const char *name, const char *value)
{
        if (!writer_valid_text(value, strlen(value)))
                return broken(w, "the %s of %.100s holds characters XML cannot carry", what, name);
        return 0;
}

int writer_text(struct writer *w, const char *name, const char *value)
{
        char q[128];
        size_t n, plen, llen;

        if (writer_failed(w))
                return -EINVAL;
        if (!name)
                return broken(w, "an element without a name");
        llen = strlen(name);
        if (w->depth == 0)
                return broken(w, "leaf %.100s outside any element", name);
        if (!ncname(name, llen, MAX_LOCAL))
                return broken(w, "\"%.100s\" is not an XML element name", name);
        if (value && check_value(w, "text", name, value) < 0)
                return -EINVAL;
        frame_name(w, w->depth - 1, q, &n, &plen);
        n = plen;
        if (plen)
                q[n++] = ':';
        memcpy(q + n, name, llen);
        n += llen;
        close_tag(w);
        sbuf_add(&w->out, "<", 1);
        sbuf_add(&w->out, q, n);
        if (!value) {
                sbuf_add(&w->out, "/>", 2);
        } else {
                sbuf_add(&w->out, ">", 1);
                sbuf_add_escaped(&w->out, value, false);
                sbuf_add(&w->out, "</", 2);
                sbuf_add(&w->out, q, n);
                sbuf_add(&w->out, ">", 1);
        }
        return grown(w);
}

/* True when the open tag already has attribute name (n bytes). */
static bool has_attr(const struct writer *w, const char *name, size_t n)
{
        const char *p = w->out.p + w->frames[w->depth - 1].name_off;
        const char *end = w->out.p + w->out.len;

        /* attribute names follow a space and precede '="'; values have no
         * raw '"', so scanning the open tag finds exactly the names */
        for (; p + n + 3 <= end; p++)
                if (p[0] == ' ' && !memcmp(p + 1, name, n) && p[n + 1] == '=' && p[n + 2] == '"')
                        return true;
        return false;
}

static int add_attr(struct writer *w, const char *name, const char *value)
{
        sbuf_add(&w->out, " ", 1);
        sbuf_adds(&w->out, name);
        sbuf_add(&w->out, "=\"", 2);
        sbuf_add_escaped(&w->out, value, true);
        sbuf_add(&w->out, "\"", 1);
        return grown(w);
}

int writer_attr(struct writer *w, const char *name, const char *value)
{
        size_t n;

        if (writer_failed(w))
                return -EINVAL;
        if (!name || !value)
                return broken(w, "an attribute without a name or a value");
        n = strlen(name);
        /* attributes go on the element opened last, before its children */
        if (w->depth == 0 || !w->tag_open)
                return broken(w, "attribute %.100s after the element's content", name);
        if (!ncname(name, n, MAX_LOCAL) && strcmp(name, "xml:lang") &&
            !(w->trusted && strchr(name, ':') && ncname(name, (size_t)(strchr(name, ':') - name), MAX_PREFIX)))
                return broken(w, "\"%.100s\" is not an attribute name the writer takes", name);
        if (!strncmp(name, "xmlns", 5) && (n == 5 || name[5] == ':'))
                return broken(w, "attribute %.100s declares a namespace", name);
        if (has_attr(w, name, n))
                return broken(w, "attribute %.100s given twice", name);
        if (check_value(w, "value", name, value) < 0)
                return -EINVAL;
        return add_attr(w, name, value);
}

int writer_content(struct writer *w, const char *text)
{
        if (writer_failed(w))
                return -EINVAL;
        if (!text)
                return broken(w, "content without text");
        if (w->depth == 0)
                return broken(w, "text outside any element");
        if (!writer_valid_text(text, strlen(text)))
                return broken(w, "text that XML cannot carry");
        close_tag(w);
        sbuf_add_escaped(&w->out, text, false);
        return grown(w);
}

int writer_xmlns(struct writer *w, const char *prefix, const char *ns)
{
        char name[64];

        if (writer_failed(w))
                return -EINVAL;
        if (!w->trusted || w->depth == 0 || !w->tag_open || !ncname(prefix, strlen(prefix), MAX_PREFIX))
                return broken(w, "a namespace declaration the writer does not take");
        snprintf(name, sizeof(name), "xmlns:%s", prefix);
        return add_attr(w, name, ns);
}

int writer_end(struct writer *w)
{
        if (writer_failed(w))
                return -EINVAL;
        if (w->depth == 0)
                return broken(w, "an end without an open element");
        w->depth--;
        if (w->tag_open) {
                sbuf_add(&w->out, "/>", 2);
                w->tag_open = false;
        } else {
                char q[128];
                size_t n, plen;
                frame_name(w, w->depth, q, &n, &plen);
                sbuf_add(&w->out, "</", 2);
                sbuf_add(&w->out, q, n);
                sbuf_add(&w->out, ">", 1);
        }
        if (w->depth == 0) {
                w->top++;
                if (w->keep_tops && note_top(w) < 0)
                        return -ENOMEM;
        }
        return grown(w);
}

int writer_finish(struct writer *w)
{
        if (w->out.err)
                return -ENOMEM;
        if (w->error[0])
                return -EINVAL;
        if (w->depth > 0) {
                char q[128];
                size_t n, plen;
                frame_name(w, w->depth - 1, q, &n, &plen);
                return broken(w, "element %s was left open", q);
        }
        return 0;
}

void writer_truncate(struct writer *w, size_t from)
{
        if (from < w->out.len)
                w->out.len = from;
}
