/* envelope.c - hardened parsing of a SOAP 1.2 WS-Man request. */
#include "autoconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "envelope.h"
#include "log.h"
#include "ns.h"
#include "util.h"

bool xml_is(const xmlNode *n, const char *ns, const char *name)
{
        return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
               !strcmp((const char *)n->name, name) && !strcmp((const char *)n->ns->href, ns);
}

xmlNode *xml_next_elem(const xmlNode *n)
{
        for (n = n ? n->next : NULL; n; n = n->next)
                if (n->type == XML_ELEMENT_NODE)
                        return (xmlNode *)n;
        return NULL;
}

xmlNode *xml_first_elem(const xmlNode *n)
{
        for (n = n ? n->children : NULL; n; n = n->next)
                if (n->type == XML_ELEMENT_NODE)
                        return (xmlNode *)n;
        return NULL;
}

xmlNode *xml_child(const xmlNode *n, const char *ns, const char *name)
{
        for (xmlNode *c = xml_first_elem(n); c; c = xml_next_elem(c))
                if (xml_is(c, ns, name))
                        return c;
        return NULL;
}

char *xml_text(const xmlNode *n)
{
        xmlChar *c = xmlNodeGetContent(n);
        char *s, *start, *end;

        if (!c)
                return strdup("");
        start = (char *)c;
        while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
                start++;
        end = start + strlen(start);
        while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
                end--;
        s = strndup(start, (size_t)(end - start));
        xmlFree(c);
        return s;
}

void env_free(struct env *e)
{
        if (!e)
                return;
        xmlFreeDoc(e->doc);
        free(e->action);
        free(e->resource_uri);
        free(e->message_id);
        free(e->to);
        free(e->reply_to);
        for (size_t i = 0; i < e->n_selectors; i++) {
                free(e->selectors[i].name);
                free(e->selectors[i].value);
        }
        for (size_t i = 0; i < e->n_options; i++) {
                free(e->options[i].name);
                free(e->options[i].value);
        }
        free(e->selectors);
        free(e->options);
        free(e);
}

static const char *pair_find(const struct env_pair *p, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (!ascii_casecmp(p[i].name, name))
                        return p[i].value;
        return NULL;
}

const char *env_selector(const struct env *e, const char *name)
{
        return pair_find(e->selectors, e->n_selectors, name);
}

const char *env_option(const struct env *e, const char *name)
{
        return pair_find(e->options, e->n_options, name);
}

static int fail(struct env_error *err, enum fault_id f, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fail(struct env_error *err, enum fault_id f, const char *fmt, ...)
{
        va_list ap;

        err->fault = f;
        va_start(ap, fmt);
        vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/* SAX hook: SOAP 1.2 forbids a DTD, so stop at the first DOCTYPE, before any
 * entity is declared or expanded. */
static void refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
        xmlParserCtxtPtr p = ctx;

        p->_private = (void *)1;
        xmlStopParser(p);
}

static void quiet_errors(void *ctx, const char *msg, ...)
{
}

/* Checks depth and node count of the whole tree without recursion. */
static bool tree_within_limits(xmlNode *root)
{
        size_t nodes = 0;
        int depth = 0;
        xmlNode *n = root;

        while (n) {
                if (++nodes > ENV_MAX_NODES || depth > ENV_MAX_DEPTH)
                        return false;
                if (n->type == XML_ENTITY_REF_NODE)
                        return false;
                if (n->children && n->type == XML_ELEMENT_NODE) {
                        n = n->children;
                        depth++;
                        continue;
                }
                while (n && !n->next && n != root) {
                        n = n->parent;
                        depth--;
                }
                if (!n || n == root)
                        break;
                n = n->next;
        }
        return true;
}

static bool attr_true(const char *v)
{
        bool b;
        return v && parse_bool(v, &b) == 0 && b;
}

/* s:mustUnderstand (SOAP-qualified only; unqualified ones are ignored). */
static bool must_understand(const xmlNode *h)
{
        xmlChar *v = xmlGetNsProp(h, BAD_CAST "mustUnderstand", BAD_CAST NS_SOAP);
        bool r = attr_true((const char *)v);

        xmlFree(v);
        return r;
}

static int read_pairs(xmlNode *set, const char *elem, struct env_pair **list, size_t *n,
                      size_t max, struct env_error *err)
{
        struct env_pair *out = *list;

        if (!out) {
                /* room for all at once: the limit is small */
                out = *list = calloc(max, sizeof(*out));
                if (!out)
                        return fail(err, F_INTERNAL, "out of memory");
        }
        for (xmlNode *c = xml_first_elem(set); c; c = xml_next_elem(c)) {
                xmlChar *name;
                if (strcmp((const char *)c->name, elem))
                        continue;
                name = xmlGetProp(c, BAD_CAST "Name");
                if (!name || !*name) {
                        xmlFree(name);
                        return fail(err, !strcmp(elem, "Selector") ? F_INVALID_SELECTORS : F_INVALID_OPTIONS,
                                    "%s without a Name", elem);
                }
                if (*n >= max) {
                        xmlFree(name);
                        return fail(err, F_ENCODING_LIMIT, "too many %ss", elem);
                }
                out[*n].name = strdup((const char *)name);
                xmlFree(name);
                out[*n].value = xml_text(c);
                xmlChar *mc = xmlGetProp(c, BAD_CAST "MustComply");
                out[*n].must_comply = attr_true((const char *)mc);
                xmlFree(mc);
                if (!out[*n].name || !out[*n].value)
                        return fail(err, F_INTERNAL, "out of memory");
                (*n)++;
        }
        return 0;
}

static bool is_wsman_ns(const xmlNode *h)
{
        const char *ns = h->ns ? (const char *)h->ns->href : "";
        return !strcmp(ns, NS_WSMAN) || !strcmp(ns, NS_WSMAN_2005);
}

/* The generation of the request is that of its ResourceURI header, else
 * of its first WS-Management header: the reply is written in it. */
static void note_generation(struct env *e, struct env_error *err, const xmlNode *h, bool *seen)
{
        bool is_2005 = !strcmp((const char *)h->ns->href, NS_WSMAN_2005);

        if (*seen && strcmp((const char *)h->name, "ResourceURI"))
                return;
        *seen = true;
        e->ns_2005 = err->ns_2005 = is_2005;
}

/* English is the only language the service writes: a Locale (or
 * DataLocale) the client marks mustUnderstand may ask for no other. */
static int check_locale(xmlNode *h, struct env_error *err)
{
        xmlChar *lang = xmlGetNsProp(h, BAD_CAST "lang", XML_XML_NAMESPACE);
        bool english = !lang || (!strncasecmp((const char *)lang, "en", 2) && (!lang[2] || lang[2] == '-'));
        int r = 0;

        if (must_understand(h) && !english)
                r = fail(err, F_LOCALE, "the service answers in en-US only, not in %.32s", (const char *)lang);
        xmlFree(lang);
        return r;
}

static int take_text(xmlNode *h, char **slot, struct env_error *err)
{
        if (*slot)
                return fail(err, F_INVALID_HEADER, "duplicate header %s", (const char *)h->name);
        *slot = xml_text(h);
        return *slot ? 0 : fail(err, F_INTERNAL, "out of memory");
}

static int read_header(struct env *e, xmlNode *h, struct env_error *err, bool *seen_wsman)
{
        const char *name = (const char *)h->name;
        const char *ns = h->ns ? (const char *)h->ns->href : "";
        _cleanup_free_ char *t = NULL;

        if (!strcmp(ns, NS_WSA)) {
                if (!strcmp(name, "Action"))
                        return take_text(h, &e->action, err);
                if (!strcmp(name, "MessageID"))
                        return take_text(h, &e->message_id, err);
                if (!strcmp(name, "To"))
                        return take_text(h, &e->to, err);
                if (!strcmp(name, "ReplyTo")) {
                        xmlNode *a = xml_child(h, NS_WSA, "Address");
                        return a ? take_text(a, &e->reply_to, err) : 0;
                }
        } else if (is_wsman_ns(h)) {
                note_generation(e, err, h, seen_wsman);
                if (!strcmp(name, "ResourceURI"))
                        return take_text(h, &e->resource_uri, err);
                if (!strcmp(name, "SelectorSet"))
                        return read_pairs(h, "Selector", &e->selectors, &e->n_selectors,
                                          ENV_MAX_SELECTORS, err);
                if (!strcmp(name, "OptionSet"))
                        return read_pairs(h, "Option", &e->options, &e->n_options,
                                          ENV_MAX_OPTIONS, err);
                if (!strcmp(name, "OperationTimeout")) {
                        t = xml_text(h);
                        if (!t || parse_duration_ms(t, &e->operation_timeout_ms) < 0)
                                return fail(err, F_INVALID_HEADER, "bad OperationTimeout");
                        return 0;
                }
                if (!strcmp(name, "MaxEnvelopeSize")) {
                        long v;
                        t = xml_text(h);
                        if (!t || parse_long(t, 1, 0x7fffffffL, &v) < 0)
                                return fail(err, F_INVALID_HEADER, "bad MaxEnvelopeSize");
                        e->max_envelope_size = v;
                        return 0;
                }
                if (!strcmp(name, "Locale"))
                        return check_locale(h, err);
                if (!strcmp(name, "FragmentTransfer")) {
                        /* dispatch serves it or refuses it (DSP0226 7.7) */
                        if (e->fragment)
                                return fail(err, F_INVALID_HEADER, "duplicate header FragmentTransfer");
                        e->fragment = h;
                        e->fragment_mu = must_understand(h);
                        return 0;
                }
                if (!strcmp(name, "RequestTotalItemsCountEstimate"))
                        return 0;
        } else if (!strcmp(ns, NS_WSMV)) {
                if (!strcmp(name, "DataLocale"))
                        return check_locale(h, err);
                /* identifiers that ask nothing of the service (MS-WSMV
                 * 3.1.4.1.12, 3.1.4.1.37) */
                if (!strcmp(name, "SessionId") || !strcmp(name, "ActivityId"))
                        return 0;
                /* robust connections and compression are not served: ignored
                 * unless the client insists (then s:MustUnderstand below) */
                if ((!strcmp(name, "OperationID") || !strcmp(name, "SequenceId") ||
                     !strcmp(name, "CompressionType")) && !must_understand(h))
                        return 0;
        }
        if (must_understand(h)) {
                snprintf(err->nu_name, sizeof(err->nu_name), "%s", name);
                snprintf(err->nu_ns, sizeof(err->nu_ns), "%s", ns);
                return fail(err, F_MUST_UNDERSTAND, "header %s not understood", name);
        }
        return 0;
}

/* One parser context serves many requests (creating one, and its name
 * dictionary, costs more than parsing a small envelope); it is renewed
 * every PARSER_REUSE documents or once its dictionary holds many names, so
 * names chosen by clients cannot make it grow without bound. */
#define PARSER_REUSE 1000
#define PARSER_DICT_MAX 2048

static xmlParserCtxtPtr parser;
static unsigned parser_uses;

static xmlParserCtxtPtr get_parser(void)
{
        if (parser && (parser_uses >= PARSER_REUSE || xmlDictSize(parser->dict) > PARSER_DICT_MAX)) {
                xmlFreeParserCtxt(parser);
                parser = NULL;
        }
        if (!parser) {
                parser = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, NULL);
                if (!parser)
                        return NULL;
                parser->sax->internalSubset = refuse_dtd;
                parser->sax->externalSubset = refuse_dtd;
                parser->sax->error = quiet_errors;
                parser->sax->warning = quiet_errors;
                parser->vctxt.error = quiet_errors;
                parser->vctxt.warning = quiet_errors;
                parser_uses = 0;
        }
        parser_uses++;
        return parser;
}

void env_parser_free(void)
{
        if (parser)
                xmlFreeParserCtxt(parser);
        parser = NULL;
}

static xmlDoc *parse_hardened(const char *buf, size_t len, bool *had_dtd)
{
        xmlParserCtxtPtr p = get_parser();
        xmlDoc *doc;
        size_t head;

        if (!p)
                return NULL;
        /* The push parser reads the whole body in one chunk; the first four
         * bytes go first so that a BOM or encoding is detected. */
        p->_private = NULL;
        head = len < 4 ? len : 4;
        if (xmlCtxtResetPush(p, buf, (int)head, NULL, NULL) != 0) {
                env_parser_free();
                return NULL;
        }
        xmlCtxtUseOptions(p, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS |
                             XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        (void)xmlParseChunk(p, buf + head, (int)(len - head), 1);
        doc = p->myDoc;
        p->myDoc = NULL;
        *had_dtd = p->_private != NULL;
        if (doc && (!p->wellFormed || *had_dtd || doc->intSubset)) {
                xmlFreeDoc(doc);
                doc = NULL;
        }
        /* a stopped or failed parse leaves state behind: start afresh */
        if (!doc)
                env_parser_free();
        return doc;
}

xmlDoc *env_parse_xml(const char *buf, size_t len)
{
        bool had_dtd = false;
        xmlDoc *doc;

        if (len == 0 || len > 0x7fffffff)
                return NULL;
        doc = parse_hardened(buf, len, &had_dtd);
        if (doc && !tree_within_limits(xmlDocGetRootElement(doc))) {
                xmlFreeDoc(doc);
                doc = NULL;
        }
        return doc;
}

int env_parse(const char *buf, size_t len, struct env **ret, struct env_error *err)
{
        struct env *e;
        xmlNode *root, *c;
        bool had_dtd = false, seen_wsman = false;
        int r;

        if (len == 0 || len > 0x7fffffff)
                return fail(err, F_UNPARSABLE, "empty or oversized body");
        e = calloc(1, sizeof(*e));
        if (!e)
                return fail(err, F_INTERNAL, "out of memory");
        e->operation_timeout_ms = -1;
        e->max_envelope_size = -1;
        e->doc = parse_hardened(buf, len, &had_dtd);
        if (!e->doc) {
                r = fail(err, F_UNPARSABLE, "%s", had_dtd ? "document type declarations are not allowed"
                                                          : "the body is not well-formed XML");
                goto out;
        }
        root = xmlDocGetRootElement(e->doc);
        if (!tree_within_limits(root)) {
                r = fail(err, F_UNPARSABLE, "the document is too deep or too large");
                goto out;
        }
        if (root && !strcmp((const char *)root->name, "Envelope") && root->ns &&
            !strcmp((const char *)root->ns->href, NS_SOAP11)) {
                r = fail(err, F_VERSION_MISMATCH, "SOAP 1.1 envelope");
                goto out;
        }
        if (!xml_is(root, NS_SOAP, "Envelope")) {
                r = fail(err, F_UNPARSABLE, "the root element is not a SOAP 1.2 Envelope");
                goto out;
        }
        for (c = xml_first_elem(root); c; c = xml_next_elem(c)) {
                if (xml_is(c, NS_SOAP, "Header") && !e->header && !e->body)
                        e->header = c;
                else if (xml_is(c, NS_SOAP, "Body") && !e->body)
                        e->body = c;
                else {
                        r = fail(err, F_UNPARSABLE, "unexpected element %s in Envelope", (const char *)c->name);
                        goto out;
                }
        }
        if (!e->body) {
                r = fail(err, F_UNPARSABLE, "the envelope has no Body");
                goto out;
        }
        e->body_first = xml_first_elem(e->body);
        c = xml_child(e->header, NS_WSA, "MessageID");
        if (c && (r = take_text(c, &e->message_id, err)) < 0)
                goto out;
        for (c = xml_first_elem(e->header); c; c = xml_next_elem(c)) {
                if (xml_is(c, NS_WSA, "MessageID")) {
                        if (c != xml_child(e->header, NS_WSA, "MessageID")) {
                                r = fail(err, F_INVALID_HEADER, "duplicate header MessageID");
                                goto out;
                        }
                        continue;
                }
                r = read_header(e, c, err, &seen_wsman);
                if (r < 0)
                        goto out;
        }
        e->is_identify = !e->action && xml_is(e->body_first, NS_WSMID, "Identify");
        if (e->is_identify) {
                *ret = e;
                return 0;
        }
        if (!e->action) {
                r = fail(err, F_HEADER_REQUIRED, "the Action header is missing");
                goto out;
        }
        if (!e->message_id) {
                r = fail(err, F_HEADER_REQUIRED, "the MessageID header is missing");
                goto out;
        }
        if (e->reply_to && strcmp(e->reply_to, WSA_ANONYMOUS)) {
                r = fail(err, F_ADDRESSING_MODE, "ReplyTo %.200s is not anonymous", e->reply_to);
                goto out;
        }
        *ret = e;
        return 0;
out:
        if (e->message_id)
                snprintf(err->message_id, sizeof(err->message_id), "%s", e->message_id);
        env_free(e);
        return r;
}
