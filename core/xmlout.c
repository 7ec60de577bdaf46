/* xmlout.c - serializes reply trees straight into an evbuffer.  libxml2's
 * own writer costs most of a small reply's time; replies only hold
 * elements, attributes, text and namespace declarations, so this writes
 * exactly those, escaping text and attribute values. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>

#include "xmlout.h"

/* A growable byte buffer; one sb_add() at the end is far cheaper
 * than one per token. */
struct sbuf {
        char *p;
        size_t len, cap;
        int err;
};

static int sb_add(struct sbuf *b, const void *data, size_t n)
{
        if (b->err)
                return -1;
        if (b->len + n > b->cap) {
                size_t cap = b->cap ? b->cap : 1024;
                char *p;
                while (cap < b->len + n)
                        cap *= 2;
                p = realloc(b->p, cap);
                if (!p) {
                        b->err = 1;
                        return -1;
                }
                b->p = p;
                b->cap = cap;
        }
        memcpy(b->p + b->len, data, n);
        b->len += n;
        return 0;
}

/* Writes s with the characters that must be escaped replaced; attr also
 * escapes quotes and white space that attribute normalisation would eat. */
static int put_escaped(struct sbuf *out, const xmlChar *s, int attr)
{
        const xmlChar *run = s;
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
                r |= sb_add(out, run, (size_t)(s - run));
                r |= sb_add(out, rep, strlen(rep));
                run = s + 1;
        }
        r |= sb_add(out, run, (size_t)(s - run));
        return r;
}

static int put_name(struct sbuf *out, const xmlNs *ns, const xmlChar *name)
{
        int r = 0;

        if (ns && ns->prefix) {
                r |= sb_add(out, ns->prefix, strlen((const char *)ns->prefix));
                r |= sb_add(out, ":", 1);
        }
        return r | sb_add(out, name, strlen((const char *)name));
}

static int put_element(struct sbuf *out, const xmlNode *n)
{
        int r = sb_add(out, "<", 1) | put_name(out, n->ns, n->name);

        for (const xmlNs *d = n->nsDef; d; d = d->next) {
                if (d->prefix) {
                        r |= sb_add(out, " xmlns:", 7);
                        r |= sb_add(out, d->prefix, strlen((const char *)d->prefix));
                } else {
                        r |= sb_add(out, " xmlns", 6);
                }
                r |= sb_add(out, "=\"", 2);
                r |= put_escaped(out, d->href, 1);
                r |= sb_add(out, "\"", 1);
        }
        for (const xmlAttr *a = n->properties; a; a = a->next) {
                r |= sb_add(out, " ", 1) | put_name(out, a->ns, a->name);
                r |= sb_add(out, "=\"", 2);
                for (const xmlNode *t = a->children; t; t = t->next)
                        if (t->content)
                                r |= put_escaped(out, t->content, 1);
                r |= sb_add(out, "\"", 1);
        }
        if (!n->children)
                return r | sb_add(out, "/>", 2);
        r |= sb_add(out, ">", 1);
        for (const xmlNode *c = n->children; c; c = c->next) {
                if (c->type == XML_ELEMENT_NODE)
                        r |= put_element(out, c);
                else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
                        r |= put_escaped(out, c->content, 0);
        }
        return r | sb_add(out, "</", 2) | put_name(out, n->ns, n->name) | sb_add(out, ">", 1);
}

int xmlout_write(const xmlNode *root, struct evbuffer *out)
{
        struct sbuf b = { NULL, 0, 0, 0 };
        int r;

        if (!root || root->type != XML_ELEMENT_NODE)
                return -EINVAL;
        r = put_element(&b, root) || b.err || evbuffer_add(out, b.p, b.len) ? -ENOMEM : 0;
        free(b.p);
        return r;
}
