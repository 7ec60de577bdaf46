/* fragment.c - wsman:FragmentTransfer (DSP0226 7.7) for the resources that
 * ask for it.  The dialect is XPath, on simple paths only: steps
 * [prefix:]Name[n] from the representation's root element (or, with a
 * leading '/', naming the root itself), and text() last.  An unprefixed
 * name matches that local name in any namespace, as the DSP0226 examples
 * write them; a prefix resolves in the header's scope.
 *
 * Get: the provider writes the whole representation; the reply is the
 * selected element (or its text) in w:XmlFragment.  Put: the request's
 * w:XmlFragment becomes the partial representation it stands for (the
 * root and the path's elements as the provider's own get shows them, with
 * the new value at the end), which the provider's put takes like any
 * partial Put; the reply is the selected part of what put answers. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envelope.h"
#include "fragment.h"
#include "ns.h"
#include "request.h"
#include "util.h"

static bool name_char(int c, bool first)
{
        if (c >= 0x80 || isalpha(c) || c == '_')
                return true;
        return !first && (isdigit(c) || c == '-' || c == '.');
}

/* [prefix:]Name[n] in s[0..n) into st. */
static int parse_step(const char *s, size_t n, xmlNode *node, struct frag_step *st, const char **why)
{
        const char *colon = NULL, *end = s + n, *bracket = memchr(s, '[', n);
        const char *name_end = bracket ? bracket : end;
        char prefix[64];
        xmlNs *ns;

        st->index = 1;
        st->ns = NULL;
        for (const char *p = s; p < name_end; p++) {
                if (*p == ':' && !colon && p > s) {
                        colon = p;
                        continue;
                }
                if (!name_char((unsigned char)*p, p == s || p == colon + 1)) {
                        *why = "A step of the fragment path is not [prefix:]Name or Name[n] (simple paths only).";
                        return -EINVAL;
                }
        }
        if (name_end == s || (colon && colon + 1 == name_end) ||
            (size_t)(name_end - (colon ? colon + 1 : s)) >= sizeof(st->local)) {
                *why = "A step of the fragment path has no name.";
                return -EINVAL;
        }
        if (bracket) {
                char *num_end;
                long v = strtol(bracket + 1, &num_end, 10);
                if (!isdigit((unsigned char)bracket[1]) || v < 1 || v > 100000 || *num_end != ']' ||
                    num_end + 1 != end) {
                        *why = "A predicate of the fragment path is not a position [n].";
                        return -EINVAL;
                }
                st->index = v;
        }
        memcpy(st->local, colon ? colon + 1 : s, (size_t)(name_end - (colon ? colon + 1 : s)));
        st->local[name_end - (colon ? colon + 1 : s)] = '\0';
        if (!colon)
                return 0;
        if ((size_t)(colon - s) >= sizeof(prefix)) {
                *why = "A prefix of the fragment path is too long.";
                return -EINVAL;
        }
        memcpy(prefix, s, (size_t)(colon - s));
        prefix[colon - s] = '\0';
        ns = node ? xmlSearchNs(node->doc, node, BAD_CAST prefix) : NULL;
        if (!ns || !ns->href) {
                *why = "A prefix of the fragment path is not declared on the FragmentTransfer header.";
                return -EINVAL;
        }
        st->ns = (const char *)ns->href;
        return 0;
}

int frag_parse(const char *expr, xmlNode *node, struct frag_path *out, const char **why)
{
        const char *p = expr, *end;

        memset(out, 0, sizeof(*out));
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
                p++;
        end = p + strlen(p);
        while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
                end--;
        if (p < end && *p == '/') {
                out->absolute = true;
                p++;
        }
        while (p < end) {
                const char *slash = memchr(p, '/', (size_t)(end - p));
                size_t n = (size_t)((slash ? slash : end) - p);

                if (n == 0 || (slash && slash + 1 == end)) {
                        *why = "The fragment path has an empty step (\"//\" and a trailing \"/\" are not simple paths).";
                        return -EINVAL;
                }
                if (n == 6 && !memcmp(p, "text()", 6)) {
                        if (slash) {
                                *why = "text() may only end the fragment path.";
                                return -EINVAL;
                        }
                        out->text = true;
                        break;
                }
                if (out->n >= FRAG_MAX_STEPS) {
                        *why = "The fragment path has too many steps.";
                        return -EINVAL;
                }
                if (parse_step(p, n, node, &out->steps[out->n], why) < 0)
                        return -EINVAL;
                out->n++;
                p = slash ? slash + 1 : end;
        }
        if (out->n == 0 || (out->absolute && out->n == 1 && out->text)) {
                *why = "The fragment path names no element.";
                return -EINVAL;
        }
        return 0;
}

static bool step_matches(const struct frag_step *st, const xmlNode *n)
{
        if (!n || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, st->local))
                return false;
        return !st->ns || (n->ns && n->ns->href && !strcmp((const char *)n->ns->href, st->ns));
}

xmlNode *frag_select(const struct frag_path *p, xmlNode *root)
{
        xmlNode *cur = root;
        size_t i = 0;

        if (!root)
                return NULL;
        if (p->absolute) {
                if (!step_matches(&p->steps[0], root) || p->steps[0].index != 1)
                        return NULL;
                i = 1;
        }
        for (; i < p->n; i++) {
                xmlNode *next = NULL;
                long seen = 0;
                for (xmlNode *c = xml_first_elem(cur); c; c = xml_next_elem(c))
                        if (step_matches(&p->steps[i], c) && ++seen == p->steps[i].index) {
                                next = c;
                                break;
                        }
                if (!next)
                        return NULL;
                cur = next;
        }
        return cur;
}

bool frag_dialect_ok(const char *dialect)
{
        char low[256];
        size_t n;

        if (!dialect)
                return true;
        n = strlen(dialect);
        if (n >= sizeof(low))
                return false;
        for (size_t i = 0; i <= n; i++)
                low[i] = (char)tolower((unsigned char)dialect[i]);
        /* XPath 1.0 (DSP0226's default), or an "XPath Level 1" URI */
        return (n >= 18 && !strcmp(low + n - 18, "rec-xpath-19991116")) || strstr(low, "xpath-level-1") ||
               strstr(low, "xpath-level1");
}

/* Parses the request's path; *msg says why not. */
static int request_path(struct winrmd_ctx *ctx, struct frag_path *p, const char **msg)
{
        _cleanup_free_ char *expr = xml_text(ctx->in.env->fragment);

        if (!expr) {
                *msg = NULL;
                return -ENOMEM;
        }
        return frag_parse(expr, ctx->in.env->fragment, p, msg);
}

int fragment_check(struct winrmd_ctx *ctx)
{
        xmlChar *dialect = xmlGetProp(ctx->in.env->fragment, BAD_CAST "Dialect");
        bool ok = frag_dialect_ok((const char *)dialect);
        struct frag_path p;
        const char *why = NULL;
        int r;

        xmlFree(dialect);
        if (!ok) {
                request_send_fault(ctx, F_FRAGMENT_DIALECT, NULL);
                return -1;
        }
        r = request_path(ctx, &p, &why);
        if (r < 0) {
                request_send_fault(ctx, r == -ENOMEM ? F_INTERNAL : F_FRAGMENT_PATH, why);
                return -1;
        }
        return 0;
}

/* The representation in ctx's writer, parsed, and the element the path
 * selects in it; NULL (doc freed, fault set) when there is none. */
static xmlNode *selected(struct winrmd_ctx *ctx, struct frag_path *p, xmlDoc **doc, enum fault_id *f,
                         const char **msg)
{
        struct writer *w = &ctx->out.body;
        xmlNode *t;
        int r = request_path(ctx, p, msg);

        *doc = NULL;
        if (r < 0) {
                *f = r == -ENOMEM ? F_INTERNAL : F_FRAGMENT_PATH;
                return NULL;
        }
        *doc = env_parse_xml(w->out.p, w->out.len);
        if (!*doc) {
                *f = F_INTERNAL;
                *msg = NULL;
                return NULL;
        }
        t = frag_select(p, xmlDocGetRootElement(*doc));
        if (!t) {
                xmlFreeDoc(*doc);
                *doc = NULL;
                *f = F_FRAGMENT_PATH;
                *msg = "The fragment path selects nothing in this resource's representation.";
        }
        return t;
}

/* The text children of n (what text() selects), escaped, into o. */
static void add_text(struct sbuf *o, const xmlNode *n)
{
        for (const xmlNode *c = n->children; c; c = c->next)
                if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
                        sbuf_add_escaped(o, (const char *)c->content, false);
}

/* n serialized on its own, every namespace it uses declared, into o. */
static int add_element(struct sbuf *o, const xmlNode *n)
{
        xmlDoc *nd = xmlNewDoc(BAD_CAST "1.0");
        xmlNode *cp = nd ? xmlDocCopyNode((xmlNode *)n, nd, 1) : NULL;
        xmlBuffer *b = cp ? xmlBufferCreate() : NULL;
        int r = -ENOMEM;

        if (b) {
                xmlDocSetRootElement(nd, cp);
                (void)xmlReconciliateNs(nd, cp);
                if (xmlNodeDump(b, nd, cp, 0, 0) >= 0) {
                        sbuf_add(o, xmlBufferContent(b), (size_t)xmlBufferLength(b));
                        r = 0;
                }
        }
        if (b)
                xmlBufferFree(b);
        else if (cp)
                xmlFreeNode(cp);
        xmlFreeDoc(nd);
        return r;
}

int fragment_reply(struct winrmd_ctx *ctx, enum fault_id *f, const char **msg)
{
        struct writer *w = &ctx->out.body;
        struct frag_path p;
        struct sbuf o = { 0 };
        xmlDoc *doc;
        xmlNode *t = selected(ctx, &p, &doc, f, msg);
        int r = 0;

        if (!t)
                return -1;
        sbuf_adds(&o, "<w:XmlFragment>");
        if (p.text)
                add_text(&o, t);
        else
                r = add_element(&o, t);
        sbuf_adds(&o, "</w:XmlFragment>");
        xmlFreeDoc(doc);
        if (r < 0 || o.err) {
                sbuf_free(&o);
                *f = F_INTERNAL;
                *msg = NULL;
                return -1;
        }
        sbuf_free(&w->out);
        w->out = o;
        return 0;
}

/* n's namespace as the representation has it (href, prefix of src),
 * declared on n unless in scope already. */
static void set_ns(xmlNode *n, const xmlNode *src)
{
        xmlNs *ns;

        if (!src->ns || !src->ns->href)
                return;
        ns = xmlSearchNsByHref(n->doc, n, src->ns->href);
        if (!ns)
                ns = xmlNewNs(n, src->ns->href, src->ns->prefix);
        xmlSetNs(n, ns);
}

/* Elements of the client's fragment written without a namespace take
 * their parent's (the representation's), as unprefixed paths match. */
static void adopt_ns(xmlNode *n, xmlNs *ns)
{
        for (xmlNode *c = n; c; c = c->next) {
                if (c->type != XML_ELEMENT_NODE)
                        continue;
                if (!c->ns && ns)
                        xmlSetNs(c, ns);
                adopt_ns(c->children, c->ns);
        }
}

/* The new value of t from the request's fragment xf, in the env's doc. */
static xmlNode *new_value(struct env *e, const struct frag_path *p, xmlNode *xf, const xmlNode *t,
                          const char **msg)
{
        xmlNode *fe = xml_first_elem(xf), *v;
        xmlChar *text;

        if (p->text) {
                if (fe) {
                        *msg = "A text() path takes text in the XmlFragment, no element.";
                        return NULL;
                }
                text = xmlNodeGetContent(xf);
                v = xmlNewDocNode(e->doc, NULL, t->name, NULL);
                if (v && text && *text)
                        xmlNodeAddContent(v, text);
                xmlFree(text);
                return v;
        }
        if (!fe || xml_next_elem(fe)) {
                *msg = "The XmlFragment must hold one element, the one the fragment path names.";
                return NULL;
        }
        for (xmlNode *c = xf->children; c; c = c->next)
                if (c->type == XML_TEXT_NODE && c->content && strspn((const char *)c->content, " \t\r\n") !=
                                                                   strlen((const char *)c->content)) {
                        *msg = "The XmlFragment holds text beside the element the fragment path names.";
                        return NULL;
                }
        if (strcmp((const char *)fe->name, (const char *)t->name) ||
            (fe->ns && (!t->ns || strcmp((const char *)fe->ns->href, (const char *)t->ns->href)))) {
                *msg = "The element in the XmlFragment is not the one the fragment path names.";
                return NULL;
        }
        return xmlDocCopyNode(fe, e->doc, 1);
}

int fragment_rewrite_put(struct winrmd_ctx *ctx, enum fault_id *f, const char **msg)
{
        struct env *e = ctx->in.env;
        xmlNode *xf = e->body_first, *t, *chain[FRAG_MAX_STEPS + 1], *top = NULL, *parent = NULL, *v;
        struct frag_path p;
        xmlDoc *doc;
        size_t k = 0;

        if (!xf || xml_next_elem(xf) || !(xml_is(xf, NS_WSMAN, "XmlFragment") || xml_is(xf, NS_WSMAN_2005, "XmlFragment"))) {
                *f = F_INVALID_FRAGMENT;
                *msg = "The body of a Put with a FragmentTransfer header is one w:XmlFragment.";
                return -1;
        }
        t = selected(ctx, &p, &doc, f, msg);
        if (!t)
                return -1;
        for (xmlNode *n = t; n && n->type == XML_ELEMENT_NODE && k < FRAG_MAX_STEPS + 1; n = n->parent)
                chain[k++] = n;
        *f = F_INVALID_FRAGMENT;
        *msg = NULL;
        v = new_value(e, &p, xf, t, msg);
        if (!v) {
                if (!*msg)
                        *f = F_INTERNAL;
                xmlFreeDoc(doc);
                return -1;
        }
        /* the root and the path's elements as the representation shows
         * them (chain holds t first, the root last), the value at the end */
        for (size_t i = k; i-- > 1;) {
                xmlNode *n = xmlNewDocNode(e->doc, NULL, chain[i]->name, NULL);
                if (!n) {
                        xmlFreeNode(top ? top : v);
                        if (top)
                                xmlFreeNode(v);
                        xmlFreeDoc(doc);
                        *f = F_INTERNAL;
                        *msg = NULL;
                        return -1;
                }
                if (parent)
                        xmlAddChild(parent, n);
                else
                        top = n;
                set_ns(n, chain[i]);
                parent = n;
        }
        if (parent)
                xmlAddChild(parent, v);
        else
                top = v;
        if (!v->ns)
                set_ns(v, t);
        adopt_ns(v->children, v->ns);
        xmlFreeDoc(doc);
        /* the body becomes it; the get's output is dropped */
        xmlUnlinkNode(xf);
        xmlFreeNode(xf);
        xmlAddChild(e->body, top);
        e->body_first = top;
        writer_reset(&ctx->out.body);
        return 0;
}
