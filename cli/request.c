/* request.c - the winrm command's requests (see request.h).  Envelopes are
 * built as text with every value escaped; the Put body is computed from the
 * resource as the service returned it. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uuid/uuid.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "request.h"

#define NS_S "http://www.w3.org/2003/05/soap-envelope"
#define NS_A "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define NS_W "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define NS_N "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define NS_WSMID "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
#define ANONYMOUS "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
#define MAX_ENVELOPE 512000

/* --- a growing string -------------------------------------------------------- */

struct str {
        char *p;
        size_t n, cap;
        bool oom;
};

static void add(struct str *s, const char *t, size_t n)
{
        char *grown;

        if (s->oom)
                return;
        if (s->n + n + 1 > s->cap) {
                size_t cap = (s->n + n + 1) * 2;
                grown = realloc(s->p, cap);
                if (!grown) {
                        s->oom = true;
                        return;
                }
                s->p = grown;
                s->cap = cap;
        }
        memcpy(s->p + s->n, t, n);
        s->n += n;
        s->p[s->n] = '\0';
}

static void adds(struct str *s, const char *t)
{
        add(s, t, strlen(t));
}

static void addf(struct str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void addf(struct str *s, const char *fmt, ...)
{
        char buf[1024];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof(buf))
                s->oom = true;
        else
                add(s, buf, (size_t)n);
}

/* Text escaped for element content and attribute values. */
static void add_esc(struct str *s, const char *t)
{
        for (; *t; t++) {
                switch (*t) {
                case '&': adds(s, "&amp;"); break;
                case '<': adds(s, "&lt;"); break;
                case '>': adds(s, "&gt;"); break;
                case '"': adds(s, "&quot;"); break;
                default: add(s, t, 1); break;
                }
        }
}

static char *done(struct str *s)
{
        if (s->oom) {
                free(s->p);
                return NULL;
        }
        return s->p ? s->p : strdup("");
}

/* --- resource URIs ------------------------------------------------------------ */

/* winrm.cmd's aliases: a typed prefix and what it stands for. */
static const struct {
        const char *alias, *full;
} aliases[] = {
        { "winrm/", WSMAN_URI_PREFIX },
        { "wmi/", WSMAN_URI_PREFIX "wmi/" },
        { "wmicimv2/", WSMAN_URI_PREFIX "wmi/root/cimv2/" },
        { "cimv2/", "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/" },
        { "shell/", WSMAN_URI_PREFIX "windows/shell/" },
};

char *req_resolve_uri(const char *typed)
{
        for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
                size_t n = strlen(aliases[i].alias);
                if (!strncasecmp(typed, aliases[i].alias, n)) {
                        size_t len = strlen(aliases[i].full) + strlen(typed + n) + 1;
                        char *out = malloc(len);
                        if (out)
                                snprintf(out, len, "%s%s", aliases[i].full, typed + n);
                        return out;
                }
        }
        return strdup(typed);
}

static bool is_legacy(const char *uri)
{
        return !strncasecmp(uri, "wsman:", 6);
}

const char *req_body_ns(const char *uri, char *buf, size_t len)
{
        const char *last = strrchr(uri, '/');
        size_t n;

        if (!is_legacy(uri) || !last) {
                snprintf(buf, len, "%s", uri);
                return buf;
        }
        n = (size_t)snprintf(buf, len, "%.*s/", (int)(last - uri), uri);
        /* the host part compares without case: write it as the schema does */
        for (size_t i = 6; i < n && buf[i] != '/'; i++)
                buf[i] = (char)tolower((unsigned char)buf[i]);
        for (const char *p = last + 1; *p && n + 5 < len; p++)
                buf[n++] = (char)tolower((unsigned char)*p);
        snprintf(buf + n, len - n, ".xsd");
        return buf;
}

/* Today's resources whose root element is not their last segment capitalised. */
static const struct {
        const char *uri, *root;
} roots[] = {
        { WSMAN_URI_PREFIX "config/service/certmapping", "certmapping" },
        { WSMAN_URI_PREFIX "config/plugin", "PlugInConfiguration" },
};

const char *req_root_name(const char *uri, char *buf, size_t len)
{
        const char *last = strrchr(uri, '/');

        for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
                if (!strcasecmp(uri, roots[i].uri)) {
                        snprintf(buf, len, "%s", roots[i].root);
                        return buf;
                }
        }
        snprintf(buf, len, "%s", last ? last + 1 : uri);
        /* the seed's URIs name the element exactly ("Listener" must be
         * capitalised); today's are lower case and the element is not */
        if (!is_legacy(uri) && buf[0])
                buf[0] = (char)toupper((unsigned char)buf[0]);
        return buf;
}

/* --- envelopes ------------------------------------------------------------------ */

static void message_id(char out[42])
{
        uuid_t u;

        uuid_generate(u);
        memcpy(out, "uuid:", 5);
        uuid_unparse_upper(u, out + 5);
}

/* <w:ITEMSet><w:ITEM Name="NAME">VALUE</w:ITEM>...</w:ITEMSet>, when n > 0. */
static void add_named(struct str *s, const char *item, const struct cli_pair *pairs, size_t n)
{
        if (!n)
                return;
        addf(s, "<w:%sSet>", item);
        for (size_t i = 0; i < n; i++) {
                addf(s, "<w:%s Name=\"", item);
                add_esc(s, pairs[i].name);
                adds(s, "\">");
                add_esc(s, pairs[i].value);
                addf(s, "</w:%s>", item);
        }
        addf(s, "</w:%sSet>", item);
}

static void head(struct str *s, const char *action, const struct req_head *h)
{
        char mid[42];
        long t = h->timeout_ms > 0 ? h->timeout_ms : 60000;

        message_id(mid);
        addf(s, "<s:Envelope xmlns:s=\"%s\" xmlns:a=\"%s\" xmlns:w=\"%s\" xmlns:n=\"%s\"><s:Header>", NS_S, NS_A,
             NS_W, NS_N);
        adds(s, "<a:To>");
        add_esc(s, h->to ? h->to : "http://localhost/wsman");
        adds(s, "</a:To><w:ResourceURI s:mustUnderstand=\"true\">");
        add_esc(s, h->uri);
        addf(s, "</w:ResourceURI><a:ReplyTo><a:Address s:mustUnderstand=\"true\">%s</a:Address></a:ReplyTo>",
             ANONYMOUS);
        adds(s, "<a:Action s:mustUnderstand=\"true\">");
        add_esc(s, action);
        addf(s, "</a:Action><w:MaxEnvelopeSize s:mustUnderstand=\"true\">%d</w:MaxEnvelopeSize>", MAX_ENVELOPE);
        addf(s, "<a:MessageID>%s</a:MessageID>", mid);
        adds(s, "<w:Locale xml:lang=\"en-US\" s:mustUnderstand=\"false\"/>");
        addf(s, "<w:OperationTimeout>PT%ld.%03ldS</w:OperationTimeout>", t / 1000, t % 1000);
        add_named(s, "Selector", h->selectors, h->n_selectors);
        add_named(s, "Option", h->options, h->n_options);
        if (h->fragment) {
                adds(s, "<w:FragmentTransfer s:mustUnderstand=\"true\"");
                if (h->dialect) {
                        adds(s, " Dialect=\"");
                        add_esc(s, h->dialect);
                        adds(s, "\"");
                }
                adds(s, ">");
                add_esc(s, h->fragment);
                adds(s, "</w:FragmentTransfer>");
        }
        adds(s, "</s:Header>");
}

char *req_envelope(const char *action, const struct req_head *h, const char *body)
{
        struct str s = { 0 };

        head(&s, action, h);
        adds(&s, "<s:Body>");
        adds(&s, body ? body : "");
        adds(&s, "</s:Body></s:Envelope>");
        return done(&s);
}

char *req_identify(void)
{
        struct str s = { 0 };

        addf(&s, "<s:Envelope xmlns:s=\"%s\" xmlns:wsmid=\"%s\"><s:Header/><s:Body><wsmid:Identify/></s:Body>"
             "</s:Envelope>", NS_S, NS_WSMID);
        return done(&s);
}

/* --- bodies ------------------------------------------------------------------------ */

/* <p:NAME>value</p:NAME> for each pair (names were checked by cmdline.c). */
static void add_props(struct str *s, const struct cli_pair *props, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                addf(s, "<p:%s>", props[i].name);
                add_esc(s, props[i].value);
                addf(s, "</p:%s>", props[i].name);
        }
}

char *req_props_body(const char *uri, const char *method, const struct cli_pair *props, size_t n)
{
        char ns[1024], root[256];
        struct str s = { 0 };

        req_body_ns(uri, ns, sizeof(ns));
        if (method)
                snprintf(root, sizeof(root), "%s_INPUT", method);
        else
                req_root_name(uri, root, sizeof(root));
        addf(&s, "<p:%s xmlns:p=\"", root);
        add_esc(&s, ns);
        adds(&s, "\">");
        add_props(&s, props, n);
        addf(&s, "</p:%s>", root);
        return done(&s);
}

/* The first element named name below e (depth first), or NULL. */
static xmlNode *find_named(xmlNode *e, const char *name)
{
        for (xmlNode *c = e->children; c; c = c->next) {
                xmlNode *hit;
                if (c->type != XML_ELEMENT_NODE)
                        continue;
                if (!strcmp((const char *)c->name, name))
                        return c;
                hit = find_named(c, name);
                if (hit)
                        return hit;
        }
        return NULL;
}

/* The resource element of a Get reply: the first element of s:Body. */
static xmlNode *resource_of(xmlDoc *doc)
{
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

        for (xmlNode *b = root ? root->children : NULL; b; b = b->next)
                if (b->type == XML_ELEMENT_NODE && !strcmp((const char *)b->name, "Body"))
                        for (xmlNode *e = b->children; e; e = e->next)
                                if (e->type == XML_ELEMENT_NODE)
                                        return e;
        return NULL;
}

/* Opens the elements from below top down to e (exclusive), as p:NAME. */
static void open_path(struct str *s, xmlNode *top, xmlNode *e)
{
        if (!e || e == top)
                return;
        open_path(s, top, e->parent);
        addf(s, "<p:%s>", (const char *)e->name);
}

static void close_path(struct str *s, xmlNode *top, xmlNode *e)
{
        for (; e && e != top; e = e->parent)
                addf(s, "</p:%s>", (const char *)e->name);
}

char *req_put_body(const char *uri, xmlDoc *current, const struct cli_pair *props, size_t n)
{
        xmlNode *top = resource_of(current);
        char ns[1024], root[256];
        struct str s = { 0 };

        if (top) {
                snprintf(root, sizeof(root), "%s", (const char *)top->name);
                snprintf(ns, sizeof(ns), "%s", top->ns ? (const char *)top->ns->href : "");
        } else {
                req_root_name(uri, root, sizeof(root));
                req_body_ns(uri, ns, sizeof(ns));
        }
        addf(&s, "<p:%s xmlns:p=\"", root);
        add_esc(&s, ns);
        adds(&s, "\">");
        for (size_t i = 0; i < n; i++) {
                xmlNode *e = top ? find_named(top, props[i].name) : NULL;
                open_path(&s, top, e ? e->parent : NULL);
                add_props(&s, &props[i], 1);
                close_path(&s, top, e ? e->parent : NULL);
        }
        addf(&s, "</p:%s>", root);
        return done(&s);
}

char *req_enumerate_body(const char *mode, const char *filter, const char *dialect)
{
        struct str s = { 0 };

        adds(&s, "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements>");
        if (mode)
                addf(&s, "<w:EnumerationMode>%s</w:EnumerationMode>", mode);
        if (filter) {
                adds(&s, "<w:Filter Dialect=\"");
                add_esc(&s, dialect ? dialect : "http://schemas.microsoft.com/wbem/wsman/1/WQL");
                adds(&s, "\">");
                add_esc(&s, filter);
                adds(&s, "</w:Filter>");
        }
        adds(&s, "</n:Enumerate>");
        return done(&s);
}

char *req_pull_body(const char *context)
{
        struct str s = { 0 };

        adds(&s, "<n:Pull><n:EnumerationContext>");
        add_esc(&s, context);
        adds(&s, "</n:EnumerationContext><n:MaxElements>32000</n:MaxElements></n:Pull>");
        return done(&s);
}

xmlDoc *req_parse_reply(const char *body, size_t len)
{
        xmlDoc *doc;
        xmlNode *root;

        if (len == 0 || len > INT32_MAX)
                return NULL;
        doc = xmlReadMemory(body, (int)len, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (!root || strcmp((const char *)root->name, "Envelope") || !root->ns ||
            strcmp((const char *)root->ns->href, NS_S)) {
                xmlFreeDoc(doc);
                return NULL;
        }
        return doc;
}
