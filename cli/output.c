/* output.c - what the winrm command prints (see output.h): a reply's body
 * as the seed's indented text tree, as XML on one line or indented by two
 * spaces, enumerated items inside the seed's <wsman:Results>, and faults
 * in the seed's layout with their error numbers.
 *
 * Nothing the server sends reaches the terminal raw: in text, control
 * characters (C0, DEL, C1) are written as \xHH or \u00HH; in XML they
 * become character references. */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlstring.h>

#include "ns.h"
#include "output.h"

#define NS_RESULTS "http://schemas.microsoft.com/ws/2005/03/wsman/results"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
/* E_FAIL: a fault that carries no code of its own */
#define OUT_E_FAIL 0x80004005u
#define XML_BLANKS " \t\r\n"

/* --- keeping the terminal safe */

/* The C1 control (U+0080..U+009F) whose UTF-8 form starts at p, or 0. */
static unsigned c1_at(const unsigned char *p)
{
        return p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f ? p[1] : 0;
}

/* Writes s with nothing a terminal would obey: in text (xml false), C0
 * controls (newline and tab too), DEL and C1 controls as \xHH and \u00HH;
 * in serialized XML, the same but newline and tab, as character references.
 * If s is not UTF-8, every byte above 0x7f is escaped too. */
static void put_safe(FILE *f, const char *s, bool xml)
{
        const unsigned char *p = (const unsigned char *)s;
        bool utf8 = xmlCheckUTF8(p);
        unsigned c;

        for (; *p; p++) {
                if (xml && (*p == '\n' || *p == '\t')) {
                        fputc(*p, f);
                } else if (*p < 0x20 || *p == 0x7f || (!utf8 && *p > 0x7f)) {
                        fprintf(f, xml ? "&#x%X;" : "\\x%02X", *p);
                } else if (utf8 && (c = c1_at(p))) {
                        fprintf(f, xml ? "&#x%X;" : "\\u%04X", c);
                        p++;
                } else {
                        fputc(*p, f);
                }
        }
}

static void put_text(FILE *f, const char *s)
{
        put_safe(f, s, false);
}

/* --- finding elements */

static bool is_elem(const xmlNode *n, const char *ns, const char *local)
{
        return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
               xmlStrEqual(n->ns->href, BAD_CAST ns) && xmlStrEqual(n->name, BAD_CAST local);
}

/* The first element among n and its following siblings, or NULL. */
static xmlNode *elem_from(xmlNode *n)
{
        while (n && n->type != XML_ELEMENT_NODE)
                n = n->next;
        return n;
}

/* The first element child of parent named {ns}local, or NULL. */
static xmlNode *child_elem(const xmlNode *parent, const char *ns, const char *local)
{
        for (xmlNode *c = elem_from(parent->children); c; c = elem_from(c->next))
                if (is_elem(c, ns, local))
                        return c;
        return NULL;
}

static bool has_elem_children(const xmlNode *n)
{
        return elem_from(n->children) != NULL;
}

/* The reply's SOAP 1.2 s:Body, or NULL. */
static xmlNode *soap_body(xmlDoc *reply)
{
        xmlNode *env = reply ? xmlDocGetRootElement(reply) : NULL;

        return is_elem(env, NS_SOAP, "Envelope") ? child_elem(env, NS_SOAP, "Body") : NULL;
}

/* The s:Fault that is the body's first element, or NULL. */
static xmlNode *soap_fault(xmlDoc *reply)
{
        xmlNode *body = soap_body(reply);
        xmlNode *first = body ? elem_from(body->children) : NULL;

        return is_elem(first, NS_SOAP, "Fault") ? first : NULL;
}

/* --- the text tree */

/* Whether n carries xsi:nil="true" (or "1"). */
static bool is_nil(xmlNode *n)
{
        xmlChar *v = xmlGetNsProp(n, BAD_CAST "nil", BAD_CAST NS_XSI);
        bool nil = v && (xmlStrEqual(v, BAD_CAST "true") || xmlStrEqual(v, BAD_CAST "1"));

        xmlFree(v);
        return nil;
}

/* n's text trimmed of XML white space (free with xmlFree()); NULL when
 * there is none, when n is nil, or on OOM. */
static xmlChar *leaf_value(xmlNode *n)
{
        xmlChar *v;
        size_t start, len;

        if (is_nil(n) || !(v = xmlNodeGetContent(n)))
                return NULL;
        start = strspn((char *)v, XML_BLANKS);
        len = strlen((char *)v + start);
        while (len && strchr(XML_BLANKS, v[start + len - 1]))
                len--;
        if (!len) {
                xmlFree(v);
                return NULL;
        }
        memmove(v, v + start, len);
        v[len] = '\0';
        return v;
}

/* n's attributes but xsi:nil, escaped, as ` [A="1" B="2"]`; "" when it
 * has none.  Caller frees; NULL on OOM. */
static char *attr_text(xmlNode *n)
{
        char *s = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&s, &len);
        bool first = true;

        if (!m)
                return NULL;
        for (xmlAttr *a = n->properties; a; a = a->next) {
                xmlChar *v;

                if (a->ns && xmlStrEqual(a->ns->href, BAD_CAST NS_XSI) && xmlStrEqual(a->name, BAD_CAST "nil"))
                        continue;
                v = xmlNodeGetContent((xmlNode *)a);
                fputs(first ? " [" : " ", m);
                put_text(m, (const char *)a->name);
                fputs("=\"", m);
                put_text(m, v ? (const char *)v : "");
                fputc('"', m);
                xmlFree(v);
                first = false;
        }
        if (!first)
                fputc(']', m);
        if (fclose(m)) {
                free(s);
                return NULL;
        }
        return s;
}

/* Whether m is a leaf that prints on the same line as leaf n, whose
 * attribute text is attrs: same name, same namespace, same attributes. */
static bool same_leaf(xmlNode *m, const xmlNode *n, const char *attrs)
{
        const xmlChar *mns = m->ns ? m->ns->href : NULL, *nns = n->ns ? n->ns->href : NULL;
        char *mattrs;
        bool same;

        if (has_elem_children(m) || !xmlStrEqual(m->name, n->name) || !xmlStrEqual(mns, nns))
                return false;
        mattrs = attr_text(m);
        same = mattrs && attrs && !strcmp(mattrs, attrs);
        free(mattrs);
        return same;
}

/* Prints leaf n as "Name = value [attrs]" ("Name [attrs]" when empty); with
 * join, the leaves like it that follow it add their values, ", "-joined.
 * Returns the next element sibling not printed. */
static xmlNode *print_leaves(FILE *f, xmlNode *n, int depth, bool join)
{
        char *attrs = attr_text(n);
        xmlNode *m = n;
        bool any = false;

        fprintf(f, "%*s", depth * 4, "");
        put_text(f, (const char *)n->name);
        do {
                xmlChar *v = leaf_value(m);

                if (v) {
                        fputs(any ? ", " : " = ", f);
                        put_text(f, (const char *)v);
                        any = true;
                }
                xmlFree(v);
                m = elem_from(m->next);
        } while (join && m && same_leaf(m, n, attrs));
        fprintf(f, "%s\n", attrs ? attrs : "");
        free(attrs);
        return m;
}

static void print_tree(FILE *f, xmlNode *n, int depth);

/* Prints the element children of parent at depth. */
static void print_children(FILE *f, xmlNode *parent, int depth)
{
        xmlNode *c = elem_from(parent->children);

        while (c) {
                if (has_elem_children(c)) {
                        print_tree(f, c, depth);
                        c = elem_from(c->next);
                } else {
                        c = print_leaves(f, c, depth, true);
                }
        }
}

/* Prints element n as the seed's tree: its name, then its children four
 * spaces further in; a leaf as one line. */
static void print_tree(FILE *f, xmlNode *n, int depth)
{
        char *attrs;

        if (!has_elem_children(n)) {
                print_leaves(f, n, depth, false);
                return;
        }
        attrs = attr_text(n);
        fprintf(f, "%*s", depth * 4, "");
        put_text(f, (const char *)n->name);
        fprintf(f, "%s\n", attrs ? attrs : "");
        free(attrs);
        print_children(f, n, depth + 1);
}

/* --- XML */

/* Drops white-space-only text from every element that has element
 * children, so that the serializer may lay the tree out itself. */
static void strip_blanks(xmlNode *n)
{
        xmlNode *c, *next;

        if (!has_elem_children(n))
                return;
        for (c = n->children; c; c = next) {
                next = c->next;
                if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
                        xmlUnlinkNode(c);
                        xmlFreeNode(c);
                } else if (c->type == XML_ELEMENT_NODE) {
                        strip_blanks(c);
                }
        }
}

/* A copy of n made in doc, unattached, declaring on itself each namespace
 * it uses that is declared above it; blanks stripped.  NULL on OOM. */
static xmlNode *copy_alone(xmlDoc *doc, xmlNode *n)
{
        xmlNode *c = xmlDocCopyNode(n, doc, 1);

        if (c)
                strip_blanks(c);
        return c;
}

/* Prints doc's root element as XML, indented by two spaces per level when
 * pretty, else on one line; then a newline. */
static void print_root(FILE *f, xmlDoc *doc, bool pretty)
{
        xmlBuffer *buf = xmlBufferCreate();

        if (buf && xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), 0, pretty) >= 0) {
                put_safe(f, (const char *)xmlBufferContent(buf), true);
                fputc('\n', f);
        }
        xmlBufferFree(buf);
}

/* Prints element n, with the namespace declarations it needs, as XML. */
static void print_xml(FILE *f, xmlNode *n, bool pretty)
{
        xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
        xmlNode *c = doc ? copy_alone(doc, n) : NULL;

        if (c) {
                xmlDocSetRootElement(doc, c);
                print_root(f, doc, pretty);
        }
        xmlFreeDoc(doc);
}

/* Prints items inside <wsman:Results>, each with its own declarations. */
static void print_results(FILE *f, xmlNode *const *items, size_t n, bool pretty)
{
        xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
        xmlNode *root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "Results", NULL) : NULL;
        xmlNs *ns = root ? xmlNewNs(root, BAD_CAST NS_RESULTS, BAD_CAST "wsman") : NULL;

        if (!ns) {
                xmlFreeNode(root);
                xmlFreeDoc(doc);
                return;
        }
        xmlSetNs(root, ns);
        xmlDocSetRootElement(doc, root);
        for (size_t i = 0; i < n; i++) {
                xmlNode *c = items[i] && items[i]->type == XML_ELEMENT_NODE ? copy_alone(doc, items[i]) : NULL;

                if (c)
                        xmlAddChild(root, c);
        }
        print_root(f, doc, pretty);
        xmlFreeDoc(doc);
}

void out_body(FILE *f, xmlDoc *reply, enum out_format fmt)
{
        xmlNode *body = soap_body(reply);
        bool first = true;

        if (!body)
                return;
        for (xmlNode *c = elem_from(body->children); c; c = elem_from(c->next)) {
                if (fmt == OUT_TEXT) {
                        if (!first)
                                fputc('\n', f);
                        print_tree(f, c, 0);
                } else {
                        print_xml(f, c, fmt == OUT_PRETTY);
                }
                first = false;
        }
}

void out_items(FILE *f, xmlNode *const *items, size_t n, enum out_format fmt)
{
        bool first = true;

        if (fmt != OUT_TEXT) {
                print_results(f, items, n, fmt == OUT_PRETTY);
                return;
        }
        for (size_t i = 0; i < n; i++) {
                if (!items[i] || items[i]->type != XML_ELEMENT_NODE)
                        continue;
                if (!first)
                        fputc('\n', f);
                print_tree(f, items[i], 0);
                first = false;
        }
}

/* --- faults */

int out_is_fault(xmlDoc *reply)
{
        return soap_fault(reply) != NULL;
}

uint32_t out_error_number(uint32_t code)
{
        return code < 0x10000 ? 0x80070000u | code : code;
}

/* The f:WSManFault (either generation) directly inside fault's s:Detail. */
static xmlNode *wsman_fault(xmlNode *fault)
{
        xmlNode *detail = child_elem(fault, NS_SOAP, "Detail");
        xmlNode *wf;

        if (!detail)
                return NULL;
        wf = child_elem(detail, NS_WSMFAULT, "WSManFault");
        return wf ? wf : child_elem(detail, NS_WSMFAULT_2005, "WSManFault");
}

/* Reads a WSManFault Code: decimal, at most 2^32 - 1, blanks around. */
static bool parse_code(const char *s, uint32_t *ret)
{
        uint64_t v = 0;
        size_t i;

        s += strspn(s, XML_BLANKS);
        for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
                v = v * 10 + (uint64_t)(s[i] - '0');
                if (v > UINT32_MAX)
                        return false;
        }
        if (!i || s[i + strspn(s + i, XML_BLANKS)])
                return false;
        *ret = (uint32_t)v;
        return true;
}

/* The error number of wf's Code attribute; false without a valid one. */
static bool fault_number(xmlNode *wf, uint32_t *ret)
{
        xmlChar *v = xmlGetNoNsProp(wf, BAD_CAST "Code");
        uint32_t code;
        bool ok = v && parse_code((const char *)v, &code);

        xmlFree(v);
        if (ok)
                *ret = out_error_number(code);
        return ok;
}

/* "Error number: -2146992128 0x80078000": signed 32-bit decimal, then hex
 * in upper case as winrm.cmd prints it. */
static void print_error_number(FILE *f, uint32_t num)
{
        int64_t sig = num > INT32_MAX ? (int64_t)num - ((int64_t)1 << 32) : (int64_t)num;

        fprintf(f, "Error number: %" PRId64 " 0x%08" PRIX32 "\n", sig, num);
}

/* Prints "    Name = trimmed text" for element n, if it has text. */
static void print_field(FILE *f, const char *name, xmlNode *n)
{
        xmlChar *v = n ? leaf_value(n) : NULL;

        if (!v)
                return;
        fprintf(f, "    %s = ", name);
        put_text(f, (const char *)v);
        fputc('\n', f);
        xmlFree(v);
}

/* For a fault without a WSManFault: its s:Code value and each subcode. */
static void print_fault_codes(FILE *f, xmlNode *fault)
{
        xmlNode *code = child_elem(fault, NS_SOAP, "Code");

        fputs("Fault\n", f);
        if (!code)
                return;
        print_field(f, "Code", child_elem(code, NS_SOAP, "Value"));
        for (xmlNode *sub = child_elem(code, NS_SOAP, "Subcode"); sub; sub = child_elem(sub, NS_SOAP, "Subcode"))
                print_field(f, "Subcode", child_elem(sub, NS_SOAP, "Value"));
}

/* Prints the first s:Reason/s:Text of fault on its own line, if any. */
static void print_reason(FILE *f, xmlNode *fault)
{
        xmlNode *reason = child_elem(fault, NS_SOAP, "Reason");
        xmlNode *text = reason ? child_elem(reason, NS_SOAP, "Text") : NULL;
        xmlChar *v = text ? leaf_value(text) : NULL;

        if (!v)
                return;
        put_text(f, (const char *)v);
        fputc('\n', f);
        xmlFree(v);
}

/* Without a WSManFault, the s:Code and subcodes print as a text tree; with
 * one whose Code is missing or not a number, no "Error number" line.  In
 * both cases E_FAIL (0x80004005) is returned, as it is when reply holds no
 * fault at all (and nothing is printed). */
uint32_t out_fault(FILE *f, xmlDoc *reply)
{
        xmlNode *fault = soap_fault(reply);
        xmlNode *wf;
        uint32_t num = OUT_E_FAIL;

        if (!fault)
                return num;
        wf = wsman_fault(fault);
        if (wf) {
                print_xml(f, wf, true);
                if (fault_number(wf, &num))
                        print_error_number(f, num);
        } else {
                print_fault_codes(f, fault);
        }
        print_reason(f, fault);
        return num;
}
