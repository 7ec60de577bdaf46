/* winrs_proto.c - the WinRS messages of the winrs command (see
 * winrs_proto.h).  Envelopes come from request.c (the head every winrm
 * request has, plus the shell's OptionSet); bodies are built here as text
 * with every value escaped, and replies are read by namespace and local
 * name, whatever prefixes the service chose.  Base64 is GnuTLS's. */
#include "autoconfig.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gnutls/gnutls.h>
#include <libxml/tree.h>

#include "cbuf.h"
#include "ns.h"
#include "request.h"
#include "winrs_proto.h"

#define DONE_SUFFIX "CommandState/Done"
#define XML_BLANKS " \t\r\n"
#define BODY_MAX ((size_t)64 * 1024 * 1024)

/* --- building text ------------------------------------------------------------------ */

/* A body being built; the first failure sticks. */
struct text {
        struct cbuf b;
        int err;
};

static void put(struct text *t, const char *s)
{
        if (!t->err)
                t->err = cbuf_add(&t->b, s, strlen(s), BODY_MAX);
}

/* s escaped for element content and attribute values; a carriage return
 * as a reference, so that XML's line-end rule keeps it. */
static void put_esc(struct text *t, const char *s)
{
        for (; *s && !t->err; s++) {
                switch (*s) {
                case '&': put(t, "&amp;"); break;
                case '<': put(t, "&lt;"); break;
                case '>': put(t, "&gt;"); break;
                case '"': put(t, "&quot;"); break;
                case '\r': put(t, "&#13;"); break;
                default: t->err = cbuf_add(&t->b, s, 1, BODY_MAX); break;
                }
        }
}

/* The text built, handed over (an empty string when nothing was added). */
static char *taken(struct text *t)
{
        char *s;

        if (t->err) {
                cbuf_wipe(&t->b);
                return NULL;
        }
        s = t->b.p ? t->b.p : strdup("");
        t->b.p = NULL;
        return s;
}

/* --- bodies -------------------------------------------------------------------------- */

char *winrs_create_body(const struct winrs_opts *o)
{
        struct text t = { 0 };

        put(&t, "<rsp:Shell xmlns:rsp=\"" WINRS_NS "\"><rsp:InputStreams>stdin</rsp:InputStreams>"
            "<rsp:OutputStreams>stdout stderr</rsp:OutputStreams>");
        if (o->directory) {
                put(&t, "<rsp:WorkingDirectory>");
                put_esc(&t, o->directory);
                put(&t, "</rsp:WorkingDirectory>");
        }
        if (o->n_env) {
                put(&t, "<rsp:Environment>");
                for (size_t i = 0; i < o->n_env; i++) {
                        put(&t, "<rsp:Variable Name=\"");
                        put_esc(&t, o->env[i].name);
                        put(&t, "\">");
                        put_esc(&t, o->env[i].value);
                        put(&t, "</rsp:Variable>");
                }
                put(&t, "</rsp:Environment>");
        }
        put(&t, "</rsp:Shell>");
        return taken(&t);
}

char *winrs_command_body(char *const *words, size_t n)
{
        struct text t = { 0 };

        put(&t, "<rsp:CommandLine xmlns:rsp=\"" WINRS_NS "\"><rsp:Command>");
        put_esc(&t, n ? words[0] : "");
        put(&t, "</rsp:Command>");
        for (size_t i = 1; i < n; i++) {
                put(&t, "<rsp:Arguments>");
                put_esc(&t, words[i]);
                put(&t, "</rsp:Arguments>");
        }
        put(&t, "</rsp:CommandLine>");
        return taken(&t);
}

char *winrs_receive_body(const char *command_id)
{
        struct text t = { 0 };

        put(&t, "<rsp:Receive xmlns:rsp=\"" WINRS_NS "\"><rsp:DesiredStream CommandId=\"");
        put_esc(&t, command_id);
        put(&t, "\">stdout stderr</rsp:DesiredStream></rsp:Receive>");
        return taken(&t);
}

char *winrs_send_body(const char *command_id, const void *p, size_t n, bool end)
{
        gnutls_datum_t in = { .data = (unsigned char *)p, .size = (unsigned)n }, b64 = { 0 };
        struct text t = { 0 };

        if (n > WINRS_SEND_CHUNK * 64 || (n && gnutls_base64_encode2(&in, &b64) < 0))
                return NULL;
        put(&t, "<rsp:Send xmlns:rsp=\"" WINRS_NS "\"><rsp:Stream Name=\"stdin\" CommandId=\"");
        put_esc(&t, command_id);
        put(&t, end ? "\" End=\"true\">" : "\">");
        if (!t.err && b64.size)
                t.err = cbuf_add(&t.b, b64.data, b64.size, BODY_MAX);
        put(&t, "</rsp:Stream></rsp:Send>");
        gnutls_free(b64.data);
        return taken(&t);
}

char *winrs_signal_body(const char *command_id, const char *code)
{
        struct text t = { 0 };

        put(&t, "<rsp:Signal xmlns:rsp=\"" WINRS_NS "\" CommandId=\"");
        put_esc(&t, command_id);
        put(&t, "\"><rsp:Code>");
        put_esc(&t, code);
        put(&t, "</rsp:Code></rsp:Signal>");
        return taken(&t);
}

/* --- envelopes ----------------------------------------------------------------------- */

char *winrs_envelope(enum winrs_op op, const struct winrs_head *h, const char *body)
{
        static const char *const actions[] = {
                [WINRS_CREATE] = ACT_CREATE, [WINRS_COMMAND] = WINRS_NS "/Command",
                [WINRS_RECEIVE] = WINRS_NS "/Receive", [WINRS_SEND] = WINRS_NS "/Send",
                [WINRS_SIGNAL] = WINRS_NS "/Signal", [WINRS_DELETE] = ACT_DELETE,
        };
        char n_shell[] = "ShellId", n_noprofile[] = "WINRS_NOPROFILE", n_codepage[] = "WINRS_CODEPAGE",
             n_console[] = "WINRS_CONSOLEMODE_STDIN", n_skip[] = "WINRS_SKIP_CMD_SHELL";
        char v_true[] = "TRUE", v_false[] = "FALSE", v_codepage[16];
        struct cli_pair shell = { n_shell, (char *)(uintptr_t)h->shell_id };
        struct cli_pair create_opts[] = { { n_noprofile, v_false }, { n_codepage, v_codepage } };
        struct cli_pair command_opts[] = { { n_console, v_true }, { n_skip, v_false } };
        struct req_head rh = { .to = h->to, .uri = WINRS_URI, .timeout_ms = h->timeout_ms };

        if (op == WINRS_CREATE) {
                if (h->opts && h->opts->noprofile)
                        create_opts[0].value = v_true;
                snprintf(v_codepage, sizeof(v_codepage), "%u",
                         h->opts && h->opts->codepage ? h->opts->codepage : WINRS_CODEPAGE_UTF8);
                rh.options = create_opts;
                rh.n_options = 2;
        } else {
                if (!h->shell_id)
                        return NULL;
                rh.selectors = &shell;
                rh.n_selectors = 1;
        }
        if (op == WINRS_COMMAND) {
                rh.options = command_opts;
                rh.n_options = 2;
        }
        return req_envelope(actions[op], &rh, body ? body : "");
}

/* --- reading replies ----------------------------------------------------------------- */

static bool is_elem(const xmlNode *n, const char *ns, const char *local)
{
        return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
               !strcmp((const char *)n->ns->href, ns) && !strcmp((const char *)n->name, local);
}

/* The first element child of parent named {ns}local, or NULL. */
static xmlNode *child(const xmlNode *parent, const char *ns, const char *local)
{
        for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
                if (is_elem(c, ns, local))
                        return c;
        return NULL;
}

/* The first element {ns}local at or below n, depth first; with attr, only
 * one whose attribute attr is value. */
static xmlNode *find(xmlNode *n, const char *ns, const char *local, const char *attr, const char *value)
{
        for (; n; n = n->next) {
                xmlNode *hit;
                if (n->type != XML_ELEMENT_NODE)
                        continue;
                if (is_elem(n, ns, local)) {
                        xmlChar *v = attr ? xmlGetProp(n, (const xmlChar *)attr) : NULL;
                        bool match = !attr || (v && !strcmp((const char *)v, value));
                        xmlFree(v);
                        if (match)
                                return n;
                }
                hit = find(n->children, ns, local, attr, value);
                if (hit)
                        return hit;
        }
        return NULL;
}

static xmlNode *body_of(xmlDoc *doc)
{
        return child(doc ? xmlDocGetRootElement(doc) : NULL, NS_SOAP, "Body");
}

/* e's text, trimmed, as a plausible id into out. */
static int id_of(xmlNode *e, char *out, size_t len)
{
        xmlChar *t = e ? xmlNodeGetContent(e) : NULL;
        const char *s = t ? (const char *)t + strspn((const char *)t, XML_BLANKS) : "";
        size_t n = strcspn(s, XML_BLANKS);
        int r = 0;

        if (n == 0 || n >= len || n >= WINRS_ID_MAX || s[n + strspn(s + n, XML_BLANKS)])
                r = -1;
        for (size_t i = 0; r == 0 && i < n; i++)
                if (s[i] <= 0x20 || s[i] >= 0x7f)
                        r = -1;
        if (r == 0)
                snprintf(out, len, "%.*s", (int)n, s);
        xmlFree(t);
        return r;
}

int winrs_shell_id(xmlDoc *reply, char *out, size_t len)
{
        xmlNode *body = body_of(reply);
        xmlNode *e = body ? find(body->children, NS_WSMAN, "Selector", "Name", "ShellId") : NULL;

        if (!e && body)
                e = find(body->children, WINRS_NS, "ShellId", NULL, NULL);
        return id_of(e, out, len);
}

int winrs_command_id(xmlDoc *reply, char *out, size_t len)
{
        xmlNode *body = body_of(reply);

        return id_of(body ? find(body->children, WINRS_NS, "CommandId", NULL, NULL) : NULL, out, len);
}

/* A decimal integer, maybe negative, blanks around. */
static bool parse_exit(const char *s, long long *out)
{
        unsigned long long v = 0;
        bool neg;
        size_t i;

        s += strspn(s, XML_BLANKS);
        neg = *s == '-';
        s += neg;
        for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
                v = v * 10 + (unsigned long long)(s[i] - '0');
                if (v > (unsigned long long)INT64_MAX)
                        return false;
        }
        if (!i || s[i + strspn(s + i, XML_BLANKS)])
                return false;
        *out = neg ? -(long long)v : (long long)v;
        return true;
}

/* One rsp:Stream appended to out (nothing for an empty one). */
static int add_stream(xmlNode *e, struct winrs_received *out)
{
        xmlChar *name = xmlGetProp(e, (const xmlChar *)"Name"), *text = xmlNodeGetContent(e);
        gnutls_datum_t in, bytes = { 0 };
        struct winrs_chunk *grown;
        int fd = 0, r = 0;

        if (name && !strcmp((const char *)name, "stdout"))
                fd = 1;
        else if (name && !strcmp((const char *)name, "stderr"))
                fd = 2;
        xmlFree(name);
        in.data = text;
        in.size = text ? (unsigned)strlen((const char *)text) : 0;
        if (fd && in.size && strspn((const char *)text, XML_BLANKS) < in.size) {
                if (gnutls_base64_decode2(&in, &bytes) < 0)
                        r = -EPROTO;
                else if (bytes.size == 0)
                        r = 0;
                else if (!(grown = realloc(out->chunks, (out->n + 1) * sizeof(*grown))))
                        r = -ENOMEM;
                else {
                        out->chunks = grown;
                        grown[out->n].fd = fd;
                        grown[out->n].p = malloc(bytes.size);
                        grown[out->n].n = bytes.size;
                        if (!grown[out->n].p)
                                r = -ENOMEM;
                        else
                                memcpy(grown[out->n++].p, bytes.data, bytes.size);
                }
        }
        gnutls_free(bytes.data);
        xmlFree(text);
        return r;
}

/* The rsp:CommandState's state and exit code into out. */
static int read_state(xmlNode *e, struct winrs_received *out)
{
        xmlChar *state = xmlGetProp(e, (const xmlChar *)"State");
        xmlNode *code = child(e, WINRS_NS, "ExitCode");
        size_t n = state ? strlen((const char *)state) : 0;
        int r = 0;

        out->done = n >= strlen(DONE_SUFFIX) && !strcmp((const char *)state + n - strlen(DONE_SUFFIX), DONE_SUFFIX);
        xmlFree(state);
        if (code) {
                xmlChar *t = xmlNodeGetContent(code);
                if (t && parse_exit((const char *)t, &out->exit_code))
                        out->has_exit = true;
                else
                        r = -EPROTO;
                xmlFree(t);
        }
        return r;
}

int winrs_parse_receive(xmlDoc *reply, struct winrs_received *out)
{
        xmlNode *resp = child(body_of(reply), WINRS_NS, "ReceiveResponse");
        int r = 0;

        memset(out, 0, sizeof(*out));
        if (!resp)
                return -EPROTO;
        for (xmlNode *e = resp->children; e && r == 0; e = e->next) {
                if (is_elem(e, WINRS_NS, "Stream"))
                        r = add_stream(e, out);
                else if (is_elem(e, WINRS_NS, "CommandState"))
                        r = read_state(e, out);
        }
        if (r < 0)
                winrs_received_free(out);
        return r;
}

void winrs_received_free(struct winrs_received *r)
{
        for (size_t i = 0; i < r->n; i++) {
                explicit_bzero(r->chunks[i].p, r->chunks[i].n);
                free(r->chunks[i].p);
        }
        free(r->chunks);
        memset(r, 0, sizeof(*r));
}

/* --- faults ------------------------------------------------------------------------------ */

static xmlNode *fault_of(xmlDoc *reply)
{
        return child(body_of(reply), NS_SOAP, "Fault");
}

uint32_t winrs_fault_code(xmlDoc *reply)
{
        xmlNode *detail = child(fault_of(reply), NS_SOAP, "Detail");
        xmlNode *wf = child(detail, NS_WSMFAULT, "WSManFault");
        xmlChar *code;
        long long v = 0;

        if (!wf)
                wf = child(detail, NS_WSMFAULT_2005, "WSManFault");
        code = wf ? xmlGetProp(wf, (const xmlChar *)"Code") : NULL;
        if (!code || !parse_exit((const char *)code, &v) || v < 0 || v > UINT32_MAX)
                v = 0;
        xmlFree(code);
        return (uint32_t)v;
}

/* Whether the s:Subcode's s:Value is the QName {wsman}TimedOut. */
static bool subcode_timed_out(xmlNode *fault)
{
        xmlNode *value = child(child(child(fault, NS_SOAP, "Code"), NS_SOAP, "Subcode"), NS_SOAP, "Value");
        xmlChar *t = value ? xmlNodeGetContent(value) : NULL;
        const char *s = t ? (const char *)t + strspn((const char *)t, XML_BLANKS) : "";
        const char *colon = strchr(s, ':');
        bool hit = false;

        if (colon && !strncmp(colon + 1, "TimedOut", 8) && !colon[1 + 8 + strspn(colon + 9, XML_BLANKS)]) {
                char prefix[64];
                xmlNs *ns;
                snprintf(prefix, sizeof(prefix), "%.*s", (int)(colon - s), s);
                ns = xmlSearchNs(value->doc, value, (const xmlChar *)prefix);
                hit = ns && ns->href && (!strcmp((const char *)ns->href, NS_WSMAN) ||
                                         !strcmp((const char *)ns->href, NS_WSMAN_2005));
        }
        xmlFree(t);
        return hit;
}

bool winrs_is_timeout(xmlDoc *reply)
{
        xmlNode *fault = fault_of(reply);

        if (!fault)
                return false;
        return winrs_fault_code(reply) == WINRS_TIMED_OUT || subcode_timed_out(fault);
}

int winrs_exit_status(long long code)
{
        return code >= 0 && code <= 255 ? (int)code : 1;
}
