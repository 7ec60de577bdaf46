/* xmlout.c - serializes reply trees straight into an evbuffer.  libxml2's
 * own writer costs most of a small reply's time; replies only hold
 * elements, attributes, text and namespace declarations, so this writes
 * exactly those, escaping text and attribute values. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>
#include <event2/buffer.h>

#include "xmlout.h"

/* Writes s with the characters that must be escaped replaced; attr also
 * escapes quotes and white space that attribute normalisation would eat. */
static int put_escaped(struct evbuffer *out, const xmlChar *s, int attr)
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
                r |= evbuffer_add(out, run, (size_t)(s - run));
                r |= evbuffer_add(out, rep, strlen(rep));
                run = s + 1;
        }
        r |= evbuffer_add(out, run, (size_t)(s - run));
        return r;
}

static int put_name(struct evbuffer *out, const xmlNs *ns, const xmlChar *name)
{
        int r = 0;

        if (ns && ns->prefix) {
                r |= evbuffer_add(out, ns->prefix, strlen((const char *)ns->prefix));
                r |= evbuffer_add(out, ":", 1);
        }
        return r | evbuffer_add(out, name, strlen((const char *)name));
}

static int put_element(struct evbuffer *out, const xmlNode *n)
{
        int r = evbuffer_add(out, "<", 1) | put_name(out, n->ns, n->name);

        for (const xmlNs *d = n->nsDef; d; d = d->next) {
                if (d->prefix) {
                        r |= evbuffer_add(out, " xmlns:", 7);
                        r |= evbuffer_add(out, d->prefix, strlen((const char *)d->prefix));
                } else {
                        r |= evbuffer_add(out, " xmlns", 6);
                }
                r |= evbuffer_add(out, "=\"", 2);
                r |= put_escaped(out, d->href, 1);
                r |= evbuffer_add(out, "\"", 1);
        }
        for (const xmlAttr *a = n->properties; a; a = a->next) {
                r |= evbuffer_add(out, " ", 1) | put_name(out, a->ns, a->name);
                r |= evbuffer_add(out, "=\"", 2);
                for (const xmlNode *t = a->children; t; t = t->next)
                        if (t->content)
                                r |= put_escaped(out, t->content, 1);
                r |= evbuffer_add(out, "\"", 1);
        }
        if (!n->children)
                return r | evbuffer_add(out, "/>", 2);
        r |= evbuffer_add(out, ">", 1);
        for (const xmlNode *c = n->children; c; c = c->next) {
                if (c->type == XML_ELEMENT_NODE)
                        r |= put_element(out, c);
                else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
                        r |= put_escaped(out, c->content, 0);
        }
        return r | evbuffer_add(out, "</", 2) | put_name(out, n->ns, n->name) | evbuffer_add(out, ">", 1);
}

int xmlout_write(const xmlNode *root, struct evbuffer *out)
{
        if (!root || root->type != XML_ELEMENT_NODE)
                return -EINVAL;
        return put_element(out, root) ? -ENOMEM : 0;
}
