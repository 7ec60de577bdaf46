/* xmlout.c - serializes the small trees the core still builds with
 * libxml2 (faults) into a text buffer: elements, attributes, text and
 * namespace declarations, escaped. */
#include "autoconfig.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "xmlout.h"

static int put_name(struct sbuf *out, const xmlNs *ns, const xmlChar *name)
{
        int r = 0;

        if (ns && ns->prefix) {
                r |= sbuf_adds(out, (const char *)ns->prefix);
                r |= sbuf_add(out, ":", 1);
        }
        return r | sbuf_adds(out, (const char *)name);
}

static int put_element(struct sbuf *out, const xmlNode *n, xmlout_secret_fn secret)
{
        int r = sbuf_add(out, "<", 1) | put_name(out, n->ns, n->name);
        bool masked = secret && secret(n->name);

        for (const xmlNs *d = n->nsDef; d; d = d->next) {
                if (d->prefix) {
                        r |= sbuf_add(out, " xmlns:", 7);
                        r |= sbuf_adds(out, (const char *)d->prefix);
                } else {
                        r |= sbuf_add(out, " xmlns", 6);
                }
                r |= sbuf_add(out, "=\"", 2);
                r |= sbuf_add_escaped(out, (const char *)d->href, true);
                r |= sbuf_add(out, "\"", 1);
        }
        for (const xmlAttr *a = n->properties; a; a = a->next) {
                r |= sbuf_add(out, " ", 1) | put_name(out, a->ns, a->name);
                r |= sbuf_add(out, "=\"", 2);
                if (secret && secret(a->name))
                        r |= sbuf_add(out, "***", 3);
                else
                        for (const xmlNode *t = a->children; t; t = t->next)
                                if (t->content)
                                        r |= sbuf_add_escaped(out, (const char *)t->content, true);
                r |= sbuf_add(out, "\"", 1);
        }
        if (!n->children)
                return r | sbuf_add(out, "/>", 2);
        r |= sbuf_add(out, ">", 1);
        if (masked)
                /* the whole content: text, children, comments, anything */
                return r | sbuf_add(out, "***</", 5) | put_name(out, n->ns, n->name) | sbuf_add(out, ">", 1);
        for (const xmlNode *c = n->children; c; c = c->next) {
                if (c->type == XML_ELEMENT_NODE)
                        r |= put_element(out, c, secret);
                else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
                        r |= sbuf_add_escaped(out, (const char *)c->content, false);
        }
        return r | sbuf_add(out, "</", 2) | put_name(out, n->ns, n->name) | sbuf_add(out, ">", 1);
}

int xmlout_append(const xmlNode *node, struct sbuf *out)
{
        return xmlout_append_masked(node, out, NULL);
}

int xmlout_append_masked(const xmlNode *node, struct sbuf *out, xmlout_secret_fn secret)
{
        if (!node || node->type != XML_ELEMENT_NODE)
                return -EINVAL;
        return put_element(out, node, secret) || out->err ? -ENOMEM : 0;
}
