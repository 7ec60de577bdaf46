/* test_cli_output.c - what the winrm command prints (cli/output.c): the
 * seed's text tree and XML for its configuration, its Listener items, its
 * three faults and today's, and the rules around them (empty and repeated
 * leaves, attributes, control characters from a hostile server).
 *
 * The SEED_* fixtures are the seed's own examples; the seed writes https://
 * in namespace URIs because of a document conversion, http:// here.  The
 * fault envelopes are the daemon's replies as captured from winrmd, with
 * Machine set to the seed's host. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "cli/output.h"
#include "fault.h"
#include "ns.h"
#include "tests.h"

#define NS_RESULTS "http://schemas.microsoft.com/ws/2005/03/wsman/results"
#define NS_CFG "wsman:microsoft.com/wsman/2005/06/config.xsd"
#define NS_LISTENER "wsman:microsoft.com/wsman/2005/06/config/listener.xsd"
#define E_FAIL 0x80004005u

#define SEED_CONFIG_TEXT \
        "Config\n" \
        "    MaxEnvelopeSizekb = 50\n" \
        "    MaxTimeoutms = 60000\n" \
        "    MaxBatchItems = 20\n" \
        "    SoapTraceEnabled = false\n" \
        "    MaxProviderRequests = 25\n" \
        "    Client\n" \
        "        NetworkDelayms = 5000\n" \
        "        URLPrefix = wsman\n" \
        "        HTTP\n" \
        "            Port = 80\n" \
        "            Unencrypted\n" \
        "                Basic = false\n" \
        "                Digest = false\n" \
        "                Negotiate = false\n" \
        "        HTTPS\n" \
        "            Port = 443\n" \
        "            Basic = true\n" \
        "            Digest = true\n" \
        "            Negotiate = true\n" \
        "            Mutual = false\n" \
        "    Service\n" \
        "        RootSDDL = O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)\n" \
        "        MaxConcurrentOperations = 100\n" \
        "        EnumerationTimeoutms = 60000\n" \
        "        MaxClientCertInfoSize = 16384\n" \
        "        MaxConnections = 5\n" \
        "        HTTP\n" \
        "            Unencrypted\n" \
        "                Basic = false\n" \
        "                Negotiate = false\n" \
        "        HTTPS\n" \
        "            Basic = true\n" \
        "            Negotiate = true\n" \
        "            Mutual = false\n"

#define SEED_CONFIG_XML \
        "<cfg:Config xmlns:cfg=\"wsman:microsoft.com/wsman/2005/06/config.xsd\">\n" \
        "  <cfg:MaxEnvelopeSizekb>50</cfg:MaxEnvelopeSizekb> \n" \
        "  <cfg:MaxTimeoutms>60000</cfg:MaxTimeoutms> \n" \
        "  <cfg:MaxBatchItems>20</cfg:MaxBatchItems> \n" \
        "  <cfg:SoapTraceEnabled>false</cfg:SoapTraceEnabled> \n" \
        "  <cfg:MaxProviderRequests>25</cfg:MaxProviderRequests> \n" \
        "   <cfg:Client>\n" \
        "    <cfg:NetworkDelayms>5000</cfg:NetworkDelayms> \n" \
        "    <cfg:URLPrefix>wsman</cfg:URLPrefix> \n" \
        "    <cfg:HTTP>\n" \
        "      <cfg:Port>80</cfg:Port> \n" \
        "          <cfg:Unencrypted>\n" \
        "        <cfg:Basic>false</cfg:Basic> \n" \
        "        <cfg:Digest>false</cfg:Digest> \n" \
        "        <cfg:Negotiate>false</cfg:Negotiate> \n" \
        "      </cfg:Unencrypted>\n" \
        "    </cfg:HTTP>\n" \
        "    <cfg:HTTPS>\n" \
        "      <cfg:Port>443</cfg:Port> \n" \
        "      <cfg:Basic>true</cfg:Basic> \n" \
        "      <cfg:Digest>true</cfg:Digest> \n" \
        "      <cfg:Negotiate>true</cfg:Negotiate> \n" \
        "      <cfg:Mutual>false</cfg:Mutual> \n" \
        "    </cfg:HTTPS>\n" \
        "  </cfg:Client>\n" \
        "   <cfg:Service>\n" \
        " <cfg:RootSDDL>O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)</cfg:RootSDDL> \n" \
        "    <cfg:MaxConcurrentOperations>100</cfg:MaxConcurrentOperations> \n" \
        "    <cfg:EnumerationTimeoutms>60000</cfg:EnumerationTimeoutms> \n" \
        "    <cfg:MaxClientCertInfoSize>16384</cfg:MaxClientCertInfoSize> \n" \
        "    <cfg:MaxConnections>5</cfg:MaxConnections> \n" \
        "    <cfg:HTTP>\n" \
        "      <cfg:Unencrypted>\n" \
        "        <cfg:Basic>false</cfg:Basic> \n" \
        "        <cfg:Negotiate>false</cfg:Negotiate> \n" \
        "      </cfg:Unencrypted>\n" \
        "    </cfg:HTTP>\n" \
        "    <cfg:HTTPS>\n" \
        "      <cfg:Basic>true</cfg:Basic> \n" \
        "      <cfg:Negotiate>true</cfg:Negotiate> \n" \
        "      <cfg:Mutual>false</cfg:Mutual> \n" \
        "    </cfg:HTTPS>\n" \
        "  </cfg:Service>\n" \
        "</cfg:Config>\n"

#define SEED_RESULTS_XML \
        "<wsman:Results xmlns:wsman=\"http://schemas.microsoft.com/ws/2005/03/wsman/results\">\n" \
        "  <cfg:Listener xmlns:cfg=\"wsman:microsoft.com/wsman/2005/06/config/listener.xsd\">\n" \
        "    <cfg:IP>192.168.2.1</cfg:IP>\n" \
        "    <cfg:Port>443</cfg:Port>\n" \
        "    <cfg:Hostname>host.acme.com</cfg:Hostname>\n" \
        "    <cfg:MACAddress/>\n" \
        "    <cfg:Enabled>true</cfg:Enabled>\n" \
        "    <cfg:URLPrefix>wsman</cfg:URLPrefix>\n" \
        "    <cfg:Transport>HTTPS</cfg:Transport>\n" \
        "    <cfg:CertificateThumbprint>49 07 de 19 50 d4 a1 62 92 6d 56 cb 41 39 2d 38 8a ac 87 4a</cfg:CertificateThumbprint>\n" \
        "  </cfg:Listener>\n" \
        "  <cfg:Listener xmlns:cfg=\"wsman:microsoft.com/wsman/2005/06/config/listener.xsd\">\n" \
        "    <cfg:IP>192.168.2.1</cfg:IP>\n" \
        "    <cfg:Port>444</cfg:Port>\n" \
        "    <cfg:Hostname>host.acme.com</cfg:Hostname>\n" \
        "    <cfg:MACAddress/>\n" \
        "    <cfg:Enabled>true</cfg:Enabled>\n" \
        "    <cfg:URLPrefix>wsman</cfg:URLPrefix>\n" \
        "    <cfg:Transport>HTTPS</cfg:Transport>\n" \
        "    <cfg:CertificateThumbprint>49 07 de 19 50 d4 a1 62 92 6d 56 cb 41 39 2d 38 8a ac 87 4a</cfg:CertificateThumbprint>\n" \
        "  </cfg:Listener>\n" \
        "</wsman:Results>\n"

#define SEED_FAULT_32898 \
        "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/ws/2005/06/wsmanfault\" Code=\"32898\" Machine=\"AMD64-R3-10\">\n" \
        "  <f:Message>\n" \
        "    <f:ProviderFault providerId=\"A855B0EE-65C2-4282-830B-7FA181E73BFF\">\n" \
        "      <f:WSManFault xmlns:f=\"http://schemas.microsoft.com/ws/2005/06/wsmanfault\" Code=\"32898\" Machine=\"\">\n" \
        "        <f:Message>The requested certificate was not found.</f:Message>\n" \
        "      </f:WSManFault>\n" \
        "    </f:ProviderFault>\n" \
        "  </f:Message>\n" \
        "</f:WSManFault>\n"

#define SEED_FAULT_32833 \
        "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/ws/2005/06/wsmanfault\" Code=\"32833\" Machine=\"AMD64-R3-10\">\n" \
        "  <f:Message>\n" \
        "    <f:ProviderFault providerId=\"A855B0EE-65C2-4282-830B-7FA181E73BFF\">\n" \
        "      <f:WSManFault xmlns:f=\"http://schemas.microsoft.com/ws/2005/06/wsmanfault\" Code=\"32833\" Machine=\"\">\n" \
        "        <f:Message>Input xml contained an unrecognized xml element \"enabled\".  Double check the spelling and case of the element name.</f:Message>\n" \
        "      </f:WSManFault>\n" \
        "    </f:ProviderFault>\n" \
        "  </f:Message>\n" \
        "</f:WSManFault>\n"

#define SEED_FAULT_32768 \
        "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/ws/2005/06/wsmanfault\" Code=\"32768\" Machine=\"AMD64-R3-10\">\n" \
        "  <f:Message>\n" \
        "    <f:ProviderFault providerId=\"A855B0EE-65C2-4282-830B-7FA181E73BFF\">\n" \
        "      <f:WSManFault xmlns:f=\"http://schemas.microsoft.com/ws/2005/06/wsmanfault\" Code=\"32768\" Machine=\"\">\n" \
        "        <f:Message>The resource identified by the resource uri and selectors could not be found.</f:Message>\n" \
        "      </f:WSManFault>\n" \
        "    </f:ProviderFault>\n" \
        "  </f:Message>\n" \
        "</f:WSManFault>\n"

/* winrmd's answer to the seed's Get, as captured: compact. */
#define DAEMON_CONFIG_XML \
        "<cfg:Config xmlns:cfg=\"wsman:microsoft.com/wsman/2005/06/config.xsd\"><cfg:MaxEnvelopeSizekb>50" \
        "</cfg:MaxEnvelopeSizekb><cfg:MaxTimeoutms>60000</cfg:MaxTimeoutms><cfg:MaxBatchItems>20" \
        "</cfg:MaxBatchItems><cfg:SoapTraceEnabled>false</cfg:SoapTraceEnabled>" \
        "<cfg:MaxProviderRequests>25</cfg:MaxProviderRequests><cfg:Client><cfg:NetworkDelayms>5000" \
        "</cfg:NetworkDelayms><cfg:URLPrefix>wsman</cfg:URLPrefix><cfg:HTTP><cfg:Port>80</cfg:Port>" \
        "<cfg:Unencrypted><cfg:Basic>false</cfg:Basic><cfg:Digest>false</cfg:Digest><cfg:Negotiate>false" \
        "</cfg:Negotiate></cfg:Unencrypted></cfg:HTTP><cfg:HTTPS><cfg:Port>443</cfg:Port><cfg:Basic>true" \
        "</cfg:Basic><cfg:Digest>true</cfg:Digest><cfg:Negotiate>true</cfg:Negotiate><cfg:Mutual>false" \
        "</cfg:Mutual></cfg:HTTPS></cfg:Client><cfg:Service>" \
        "<cfg:RootSDDL>O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)</cfg:RootSDDL>" \
        "<cfg:MaxConcurrentOperations>100</cfg:MaxConcurrentOperations><cfg:EnumerationTimeoutms>60000" \
        "</cfg:EnumerationTimeoutms><cfg:MaxClientCertInfoSize>16384</cfg:MaxClientCertInfoSize>" \
        "<cfg:MaxConnections>5</cfg:MaxConnections><cfg:HTTP><cfg:Unencrypted><cfg:Basic>false" \
        "</cfg:Basic><cfg:Negotiate>false</cfg:Negotiate></cfg:Unencrypted></cfg:HTTP><cfg:HTTPS>" \
        "<cfg:Basic>true</cfg:Basic><cfg:Negotiate>true</cfg:Negotiate><cfg:Mutual>false</cfg:Mutual>" \
        "</cfg:HTTPS></cfg:Service></cfg:Config>"

#define SEED_ERR_32898 "Error number: -2146991998 0x80078082\n"
#define SEED_ERR_32833 "Error number: -2146992063 0x80078041\n"
#define SEED_ERR_32768 "Error number: -2146992128 0x80078000\n"
#define SEED_REASON_32898 "The requested certificate was not found."
#define SEED_REASON_32833 "The supplied SOAP violates the corresponding XML schema definition."
#define SEED_REASON_32768 "The resource identified by the resource uri and selectors could not be found."
#define MSG_32833 "Input xml contained an unrecognized xml element \"enabled\".  " \
        "Double check the spelling and case of the element name."

/* A reply envelope as winrmd writes one, around body B. */
#define REPLY(ACTION, B) \
        "<s:Envelope xmlns:s=\"" NS_SOAP "\" xmlns:a=\"" NS_WSA "\" xmlns:w=\"" NS_WSMAN "\" xml:lang=\"en-US\">" \
        "<s:Header><a:Action>" ACTION "</a:Action>" \
        "<a:MessageID>uuid:05DE9011-5B7E-47B1-9795-91A05C4166EE</a:MessageID>" \
        "<a:To>" WSA_ANONYMOUS "</a:To>" \
        "<a:RelatesTo>uuid:46e7d101-157c-4e8d-9490-89a051b70dce</a:RelatesTo>" \
        "</s:Header><s:Body>" B "</s:Body></s:Envelope>"
#define GET_REPLY(B) REPLY(NS_WXF "/GetResponse", B)

/* The s:Fault winrmd sends for the seed's 2005/06 URIs: subcode SUB (with
 * its declaration), optional DETAIL before the WSManFault, reason R,
 * WSManFault Code C, inner message M; INNER_NS is what the inner
 * WSManFault declares (the seed repeats xmlns:f there, winrmd does not). */
#define LEGACY_FAULT(SUB, DETAIL, R, C, M, INNER_NS) \
        "<s:Fault xmlns:s=\"" NS_SOAP "\"><s:Code><s:Value>s:Sender</s:Value>" \
        "<s:Subcode>" SUB "</s:Subcode></s:Code>" \
        "<s:Reason><s:Text xml:lang=\"en-US\">" R "</s:Text></s:Reason><s:Detail>" DETAIL \
        "<f:WSManFault xmlns:f=\"" NS_WSMFAULT_2005 "\" Code=\"" C "\" Machine=\"AMD64-R3-10\"><f:Message>" \
        "<f:ProviderFault providerId=\"A855B0EE-65C2-4282-830B-7FA181E73BFF\">" \
        "<f:WSManFault" INNER_NS " Code=\"" C "\" Machine=\"\"><f:Message>" M "</f:Message></f:WSManFault>" \
        "</f:ProviderFault></f:Message></f:WSManFault></s:Detail></s:Fault>"
#define SUB_NOT_FOUND "<s:Value xmlns:a=\"" NS_WSA "\">a:DestinationUnreachable</s:Value>"
#define SUB_SCHEMA "<s:Value xmlns:w=\"" NS_WSMAN "\">w:SchemaValidationError</s:Value>"
#define SUB_PARAM "<s:Value xmlns:w=\"" NS_WSMAN "\">w:InvalidParameter</s:Value>"
#define DETAIL_VALUE "<w:FaultDetail xmlns:w=\"" NS_WSMAN "\">" FAULT_DETAIL "InvalidValue</w:FaultDetail>"

static const char reply_32768[] = REPLY(NS_WSA "/fault",
        LEGACY_FAULT(SUB_NOT_FOUND, "", SEED_REASON_32768, "32768", SEED_REASON_32768, ""));
static const char reply_32833[] = REPLY("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault",
        LEGACY_FAULT(SUB_SCHEMA, "", SEED_REASON_32833, "32833", MSG_32833, ""));
static const char reply_32898[] = REPLY("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault",
        LEGACY_FAULT(SUB_PARAM, DETAIL_VALUE, SEED_REASON_32898, "32898", SEED_REASON_32898, ""));

/* Today's generation: a Get of a listener that does not exist. */
static const char reply_current[] = REPLY(NS_WSA "/fault",
        "<s:Fault xmlns:s=\"" NS_SOAP "\"><s:Code><s:Value>s:Sender</s:Value><s:Subcode>" SUB_NOT_FOUND
        "</s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en-US\">" SEED_REASON_32768 "</s:Text></s:Reason>"
        "<s:Detail><f:WSManFault xmlns:f=\"" NS_WSMFAULT "\" Code=\"2150858752\" Machine=\"AMD64-R3-10\">"
        "<f:Message>" SEED_REASON_32768 "</f:Message></f:WSManFault></s:Detail></s:Fault>");

/* The seed's two listeners, compact, as winrmd's PullResponse holds them. */
#define LISTENER(PORT) \
        "<cfg:Listener xmlns:cfg=\"" NS_LISTENER "\"><cfg:IP>192.168.2.1</cfg:IP><cfg:Port>" PORT "</cfg:Port>" \
        "<cfg:Hostname>host.acme.com</cfg:Hostname><cfg:MACAddress/><cfg:Enabled>true</cfg:Enabled>" \
        "<cfg:URLPrefix>wsman</cfg:URLPrefix><cfg:Transport>HTTPS</cfg:Transport>" \
        "<cfg:CertificateThumbprint>49 07 de 19 50 d4 a1 62 92 6d 56 cb 41 39 2d 38 8a ac 87 4a" \
        "</cfg:CertificateThumbprint></cfg:Listener>"
#define PULL_REPLY(ITEMS) REPLY(NS_WSEN "/PullResponse", \
        "<n:PullResponse xmlns:n=\"" NS_WSEN "\"><n:Items>" ITEMS "</n:Items><n:EndOfSequence/></n:PullResponse>")

#define LISTENER_TEXT(PORT) \
        "Listener\n" \
        "    IP = 192.168.2.1\n" \
        "    Port = " PORT "\n" \
        "    Hostname = host.acme.com\n" \
        "    MACAddress\n" \
        "    Enabled = true\n" \
        "    URLPrefix = wsman\n" \
        "    Transport = HTTPS\n" \
        "    CertificateThumbprint = 49 07 de 19 50 d4 a1 62 92 6d 56 cb 41 39 2d 38 8a ac 87 4a\n"

/* --- helpers */

static xmlDoc *parse(const char *s)
{
        xmlDoc *doc = xmlReadMemory(s, (int)strlen(s), NULL, NULL, XML_PARSE_NONET);

        ck_assert_msg(doc != NULL, "does not parse: %s", s);
        return doc;
}

/* A memory FILE the output functions write to. */
struct mem {
        char *p;
        size_t len;
        FILE *f;
};

static FILE *mem_open(struct mem *m)
{
        m->p = NULL;
        m->len = 0;
        m->f = open_memstream(&m->p, &m->len);
        ck_assert_ptr_nonnull(m->f);
        return m->f;
}

/* What was written (caller frees). */
static char *mem_close(struct mem *m)
{
        ck_assert_int_eq(fclose(m->f), 0);
        ck_assert_uint_eq(strlen(m->p), m->len);
        return m->p;
}

/* out_body(reply, fmt) as a string; caller frees. */
static char *body_as(const char *reply, enum out_format fmt)
{
        xmlDoc *doc = parse(reply);
        struct mem m;

        out_body(mem_open(&m), doc, fmt);
        xmlFreeDoc(doc);
        return mem_close(&m);
}

static void assert_body_text(const char *reply, const char *want)
{
        char *got = body_as(reply, OUT_TEXT);

        ck_assert_msg(!strcmp(got, want), "got:\n%s\nexpected:\n%s", got, want);
        free(got);
}

/* n's text without the XML white space around it; caller frees. */
static char *trimmed(const xmlNode *n)
{
        xmlChar *v = xmlNodeGetContent(n);
        const char *s = (const char *)v + strspn((const char *)v, " \t\r\n");
        size_t len = strlen(s);
        char *r;

        while (len && strchr(" \t\r\n", s[len - 1]))
                len--;
        r = strndup(s, len);
        xmlFree(v);
        return r;
}

static size_t elem_count(const xmlNode *n)
{
        size_t k = 0;

        for (const xmlNode *c = n->children; c; c = c->next)
                k += c->type == XML_ELEMENT_NODE;
        return k;
}

static size_t attr_count(const xmlNode *n)
{
        size_t k = 0;

        for (const xmlAttr *a = n->properties; a; a = a->next)
                k++;
        return k;
}

static const xmlChar *href(const xmlNs *ns)
{
        return ns ? ns->href : NULL;
}

/* Asserts that elements a and b are the same element by element:
 * namespace, local name, attributes (any order), element children in
 * order, and a leaf's text. */
static void assert_same(const xmlNode *a, const xmlNode *b)
{
        const xmlNode *ca, *cb;

        ck_assert_msg(xmlStrEqual(a->name, b->name), "element %s, expected %s", a->name, b->name);
        ck_assert_msg(xmlStrEqual(href(a->ns), href(b->ns)), "%s: namespace %s, expected %s", a->name,
                      href(a->ns), href(b->ns));
        ck_assert_msg(attr_count(a) == attr_count(b), "%s: %zu attributes, expected %zu", a->name,
                      attr_count(a), attr_count(b));
        for (const xmlAttr *x = a->properties; x; x = x->next) {
                xmlChar *va = xmlGetNsProp((xmlNode *)a, x->name, href(x->ns));
                xmlChar *vb = xmlGetNsProp((xmlNode *)b, x->name, href(x->ns));

                ck_assert_msg(vb && xmlStrEqual(va, vb), "%s/@%s = \"%s\", expected \"%s\"", a->name, x->name,
                              va, vb ? (const char *)vb : "(none)");
                xmlFree(va);
                xmlFree(vb);
        }
        ck_assert_msg(elem_count(a) == elem_count(b), "%s: %zu children, expected %zu", a->name, elem_count(a),
                      elem_count(b));
        if (!elem_count(a)) {
                char *ta = trimmed(a), *tb = trimmed(b);

                ck_assert_msg(!strcmp(ta, tb), "%s = \"%s\", expected \"%s\"", a->name, ta, tb);
                free(ta);
                free(tb);
                return;
        }
        for (ca = a->children, cb = b->children; ca && cb; ca = ca->next, cb = cb->next) {
                while (ca && ca->type != XML_ELEMENT_NODE)
                        ca = ca->next;
                while (cb && cb->type != XML_ELEMENT_NODE)
                        cb = cb->next;
                if (!ca || !cb)
                        break;
                assert_same(ca, cb);
        }
}

/* Asserts that the XML text got parses to the same element as want. */
static void assert_same_xml(const char *got, const char *want)
{
        xmlDoc *g = parse(got), *w = parse(want);

        assert_same(xmlDocGetRootElement(g), xmlDocGetRootElement(w));
        xmlFreeDoc(g);
        xmlFreeDoc(w);
}

/* Asserts s is one line: no newline but the last, which it ends with. */
static void assert_one_line(const char *s)
{
        size_t len = strlen(s);

        ck_assert_uint_gt(len, 1);
        ck_assert_msg(s[len - 1] == '\n' && !memchr(s, '\n', len - 1), "not one line: %s", s);
}

static void assert_starts(const char *s, const char *prefix)
{
        ck_assert_msg(!strncmp(s, prefix, strlen(prefix)), "\"%.120s\" does not start with \"%s\"", s, prefix);
}

static void assert_ends(const char *s, const char *suffix)
{
        size_t n = strlen(s), k = strlen(suffix);

        ck_assert_msg(n >= k && !strcmp(s + n - k, suffix), "\"%s\" does not end with \"%s\"", s, suffix);
}

static xmlNode *first_elem(xmlNode *n)
{
        while (n && n->type != XML_ELEMENT_NODE)
                n = n->next;
        return n;
}

/* Asserts no line of s ends in a space. */
static void assert_no_trailing_space(const char *s)
{
        ck_assert_msg(!strstr(s, " \n"), "trailing space in:\n%s", s);
}

/* The element children of the PullResponse's Items in doc. */
static size_t pulled_items(xmlDoc *doc, xmlNode **items, size_t max)
{
        xmlNode *n = t_xpath_node(doc, "/s:Envelope/s:Body/n:PullResponse/n:Items");
        size_t k = 0;

        for (xmlNode *c = n->children; c && k < max; c = c->next)
                if (c->type == XML_ELEMENT_NODE)
                        items[k++] = c;
        return k;
}

/* out_items over the items of reply, in fmt; caller frees. */
static char *items_as(const char *reply, enum out_format fmt)
{
        xmlDoc *doc = parse(reply);
        xmlNode *items[8];
        size_t n = pulled_items(doc, items, 8);
        struct mem m;

        out_items(mem_open(&m), items, n, fmt);
        xmlFreeDoc(doc);
        return mem_close(&m);
}

/* out_fault over reply: the output (caller frees) and the number. */
static char *fault_as(const char *reply, uint32_t *num)
{
        xmlDoc *doc = parse(reply);
        struct mem m;

        ck_assert_int_eq(out_is_fault(doc), 1);
        *num = out_fault(mem_open(&m), doc);
        xmlFreeDoc(doc);
        return mem_close(&m);
}

/* Checks a fault's output: the XML part (up to "Error number") is the same
 * element as want_xml, and the last two lines are err and reason. */
static void assert_fault(const char *out, const char *want_xml, const char *err, const char *reason)
{
        const char *tail = strstr(out, "Error number: ");
        char *xml, want_tail[512];

        ck_assert_msg(tail != NULL, "no error number in:\n%s", out);
        xml = strndup(out, (size_t)(tail - out));
        assert_same_xml(xml, want_xml);
        snprintf(want_tail, sizeof(want_tail), "%s%s\n", err, reason);
        ck_assert_msg(!strcmp(tail, want_tail), "got:\n%s\nexpected:\n%s", tail, want_tail);
        assert_no_trailing_space(out);
        free(xml);
}

/* --- the seed's configuration */

START_TEST(config_text_seed)
{
        /* the seed's own XML, with its uneven indentation and trailing blanks */
        assert_body_text(GET_REPLY(SEED_CONFIG_XML), SEED_CONFIG_TEXT);
}
END_TEST

START_TEST(config_text_daemon)
{
        /* what winrmd answers, compact: the same tree */
        assert_body_text(GET_REPLY(DAEMON_CONFIG_XML), SEED_CONFIG_TEXT);
}
END_TEST

START_TEST(config_xml)
{
        char *got = body_as(GET_REPLY(SEED_CONFIG_XML), OUT_XML);

        assert_one_line(got);
        assert_starts(got, "<cfg:Config xmlns:cfg=\"" NS_CFG "\"><cfg:MaxEnvelopeSizekb>50<");
        assert_same_xml(got, SEED_CONFIG_XML);
        free(got);
}
END_TEST

START_TEST(config_pretty)
{
        char *got = body_as(GET_REPLY(SEED_CONFIG_XML), OUT_PRETTY);

        assert_same_xml(got, SEED_CONFIG_XML);
        assert_no_trailing_space(got);
        /* two spaces a level, as the seed lays it out where it is even */
        ck_assert_ptr_nonnull(strstr(got, "<cfg:Config xmlns:cfg=\"" NS_CFG "\">\n"
                                     "  <cfg:MaxEnvelopeSizekb>50</cfg:MaxEnvelopeSizekb>\n"));
        ck_assert_ptr_nonnull(strstr(got, "\n  <cfg:Client>\n    <cfg:NetworkDelayms>5000</cfg:NetworkDelayms>\n"));
        ck_assert_ptr_nonnull(strstr(got, "\n    <cfg:HTTP>\n      <cfg:Port>80</cfg:Port>\n"
                                     "      <cfg:Unencrypted>\n        <cfg:Basic>false</cfg:Basic>\n"));
        ck_assert_ptr_nonnull(strstr(got, "\n  <cfg:Service>\n    <cfg:RootSDDL>O:NSG:BAD:"));
        assert_ends(got, "\n      <cfg:Mutual>false</cfg:Mutual>\n    </cfg:HTTPS>\n  </cfg:Service>\n</cfg:Config>\n");
        free(got);
}
END_TEST

/* --- enumerated items */

START_TEST(items_text)
{
        char *got = items_as(PULL_REPLY(LISTENER("443") LISTENER("444")), OUT_TEXT);

        ck_assert_str_eq(got, LISTENER_TEXT("443") "\n" LISTENER_TEXT("444"));
        free(got);
}
END_TEST

START_TEST(items_xml)
{
        char *got = items_as(PULL_REPLY(LISTENER("443") LISTENER("444")), OUT_XML);

        assert_one_line(got);
        assert_same_xml(got, SEED_RESULTS_XML);
        free(got);
}
END_TEST

START_TEST(items_pretty)
{
        char *got = items_as(PULL_REPLY(LISTENER("443") LISTENER("444")), OUT_PRETTY);

        assert_same_xml(got, SEED_RESULTS_XML);
        /* byte for byte the seed's layout, each item declaring cfg itself */
        ck_assert_str_eq(got, SEED_RESULTS_XML);
        free(got);
}
END_TEST

/* Items whose namespaces are declared on the envelope still stand alone. */
START_TEST(items_namespaces_above)
{
        static const char reply[] =
                "<s:Envelope xmlns:s=\"" NS_SOAP "\" xmlns:n=\"" NS_WSEN "\" xmlns:cfg=\"" NS_LISTENER "\""
                " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><s:Body><n:PullResponse><n:Items>"
                "<cfg:Listener><cfg:IP>192.168.2.1</cfg:IP><cfg:MACAddress xsi:nil=\"true\"/></cfg:Listener>"
                "<Plain xmlns=\"urn:x\"><Port>1</Port></Plain>"
                "</n:Items></n:PullResponse></s:Body></s:Envelope>";
        char *got = items_as(reply, OUT_PRETTY);
        xmlDoc *doc = parse(got);
        xmlNode *root = xmlDocGetRootElement(doc), *l = first_elem(root->children);

        ck_assert_str_eq((const char *)root->ns->href, NS_RESULTS);
        ck_assert_str_eq((const char *)l->ns->href, NS_LISTENER);
        ck_assert_ptr_nonnull(strstr(got, "  <cfg:Listener xmlns:cfg=\"" NS_LISTENER "\""));
        ck_assert_ptr_nonnull(strstr(got, "<cfg:MACAddress xsi:nil=\"true\"/>"));
        ck_assert_ptr_nonnull(strstr(got, "  <Plain xmlns=\"urn:x\">\n    <Port>1</Port>\n  </Plain>\n"));
        xmlFreeDoc(doc);
        free(got);
        got = items_as(reply, OUT_TEXT);
        ck_assert_str_eq(got, "Listener\n    IP = 192.168.2.1\n    MACAddress\n\nPlain\n    Port = 1\n");
        free(got);
}
END_TEST

START_TEST(items_none)
{
        struct mem m;
        char *got;

        out_items(mem_open(&m), NULL, 0, OUT_TEXT);
        got = mem_close(&m);
        ck_assert_str_eq(got, "");
        free(got);
        out_items(mem_open(&m), NULL, 0, OUT_XML);
        got = mem_close(&m);
        ck_assert_str_eq(got, "<wsman:Results xmlns:wsman=\"" NS_RESULTS "\"/>\n");
        free(got);
}
END_TEST

/* --- faults */

/* The seed's three faults, from the daemon's replies. */
static const struct {
        const char *reply, *seed_xml, *err, *reason;
        uint32_t num;
} seed_faults[] = {
        { reply_32768, SEED_FAULT_32768, SEED_ERR_32768, SEED_REASON_32768, 0x80078000u },
        { reply_32833, SEED_FAULT_32833, SEED_ERR_32833, SEED_REASON_32833, 0x80078041u },
        { reply_32898, SEED_FAULT_32898, SEED_ERR_32898, SEED_REASON_32898, 0x80078082u },
};

START_TEST(fault_seed)
{
        uint32_t num;
        char *got = fault_as(seed_faults[_i].reply, &num);

        assert_fault(got, seed_faults[_i].seed_xml, seed_faults[_i].err, seed_faults[_i].reason);
        ck_assert_uint_eq(num, seed_faults[_i].num);
        free(got);
}
END_TEST

/* A server that repeats xmlns:f on the inner WSManFault, as the seed
 * shows it: the output is the seed's, byte for byte. */
START_TEST(fault_seed_bytes)
{
        static const char reply[] = REPLY(NS_WSA "/fault", LEGACY_FAULT(SUB_PARAM, DETAIL_VALUE,
                SEED_REASON_32898, "32898", SEED_REASON_32898, " xmlns:f=\"" NS_WSMFAULT_2005 "\""));
        uint32_t num;
        char *got = fault_as(reply, &num);

        ck_assert_str_eq(got, SEED_FAULT_32898 SEED_ERR_32898 SEED_REASON_32898 "\n");
        free(got);
}
END_TEST

START_TEST(fault_current)
{
        static const char want[] =
                "<f:WSManFault xmlns:f=\"" NS_WSMFAULT "\" Code=\"2150858752\" Machine=\"AMD64-R3-10\">\n"
                "  <f:Message>" SEED_REASON_32768 "</f:Message>\n"
                "</f:WSManFault>\n"
                "Error number: -2144108544 0x80338000\n"
                SEED_REASON_32768 "\n";
        uint32_t num;
        char *got = fault_as(reply_current, &num);

        ck_assert_str_eq(got, want);
        ck_assert_uint_eq(num, 0x80338000u);
        free(got);
}
END_TEST

/* What the daemon's fault writer makes, the command reads: both shapes. */
START_TEST(fault_from_daemon_writer)
{
        static const struct {
                enum fault_id id;
                bool legacy;
                const char *err;
                uint32_t num;
        } rows[] = {
                { F_NOT_FOUND, true, SEED_ERR_32768, 0x80078000u },
                { F_SCHEMA, true, SEED_ERR_32833, 0x80078041u },
                { F_CERT_NOT_FOUND, true, SEED_ERR_32898, 0x80078082u },
                { F_NOT_FOUND, false, "Error number: -2144108544 0x80338000\n", 0x80338000u },
                { F_ACCESS_DENIED, false, "Error number: -2147024891 0x80070005\n", 0x80070005u },
                { F_INTERNAL, false, "Error number: -2147467259 0x80004005\n", 0x80004005u },
        };

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                struct writer w;
                char *reply, *got, want[512];
                uint32_t num;
                size_t len;

                writer_init(&w, true);
                ck_assert_int_eq(fault_write(&w, rows[i].id, NULL, rows[i].legacy, "host"), 0);
                len = w.out.len + 512;
                reply = malloc(len);
                ck_assert_ptr_nonnull(reply);
                snprintf(reply, len, "<s:Envelope xmlns:s=\"" NS_SOAP "\"><s:Header/><s:Body>%.*s</s:Body></s:Envelope>",
                         (int)w.out.len, w.out.p);
                got = fault_as(reply, &num);
                ck_assert_uint_eq(num, rows[i].num);
                snprintf(want, sizeof(want), "</f:WSManFault>\n%s%s\n", rows[i].err, fault_row(rows[i].id)->reason);
                assert_ends(got, want);
                free(got);
                free(reply);
                writer_free(&w);
        }
}
END_TEST

START_TEST(fault_without_wsmanfault)
{
        static const char reply[] = REPLY(NS_WSA "/fault",
                "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:InternalError</s:Value>"
                "<s:Subcode><s:Value>w:Deeper</s:Value></s:Subcode></s:Subcode></s:Code>"
                "<s:Reason><s:Text xml:lang=\"en-US\">  Something broke.\n</s:Text></s:Reason>"
                "<s:Detail><w:FaultDetail>x</w:FaultDetail></s:Detail></s:Fault>");
        uint32_t num;
        char *got = fault_as(reply, &num);

        ck_assert_str_eq(got, "Fault\n    Code = s:Receiver\n    Subcode = w:InternalError\n"
                         "    Subcode = w:Deeper\nSomething broke.\n");
        ck_assert_uint_eq(num, E_FAIL);
        free(got);
}
END_TEST

START_TEST(fault_bad_code)
{
        static const char *codes[] = { "abc", "", "4294967296", "-1", "12x", "0x10" };

        for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
                char reply[2048], want[1024], *got;
                uint32_t num;

                snprintf(reply, sizeof(reply), REPLY(NS_WSA "/fault",
                         "<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text>Bad.</s:Text>"
                         "</s:Reason><s:Detail><f:WSManFault xmlns:f=\"" NS_WSMFAULT "\" Code=\"%s\"/>"
                         "</s:Detail></s:Fault>"), codes[i]);
                snprintf(want, sizeof(want), "<f:WSManFault xmlns:f=\"" NS_WSMFAULT "\" Code=\"%s\"/>\nBad.\n",
                         codes[i]);
                got = fault_as(reply, &num);
                ck_assert_str_eq(got, want);
                ck_assert_uint_eq(num, E_FAIL);
                free(got);
        }
}
END_TEST

START_TEST(is_fault)
{
        static const char *not_faults[] = {
                GET_REPLY(SEED_CONFIG_XML),
                GET_REPLY(""),
                "<s:Envelope xmlns:s=\"" NS_SOAP "\"/>",
                /* SOAP 1.1 */
                "<s:Envelope xmlns:s=\"" NS_SOAP11 "\"><s:Body><s:Fault/></s:Body></s:Envelope>",
                /* a Fault in another namespace, or not first */
                "<s:Envelope xmlns:s=\"" NS_SOAP "\"><s:Body><Fault/></s:Body></s:Envelope>",
                "<s:Envelope xmlns:s=\"" NS_SOAP "\"><s:Body><x/><s:Fault/></s:Body></s:Envelope>",
                "<s:Fault xmlns:s=\"" NS_SOAP "\"/>",
        };
        struct mem m;
        char *got;

        for (size_t i = 0; i < sizeof(not_faults) / sizeof(not_faults[0]); i++) {
                xmlDoc *doc = parse(not_faults[i]);

                ck_assert_msg(!out_is_fault(doc), "a fault: %s", not_faults[i]);
                ck_assert_uint_eq(out_fault(mem_open(&m), doc), E_FAIL);
                got = mem_close(&m);
                ck_assert_str_eq(got, "");
                free(got);
                xmlFreeDoc(doc);
        }
        ck_assert_int_eq(out_is_fault(NULL), 0);
}
END_TEST

START_TEST(error_numbers)
{
        ck_assert_uint_eq(out_error_number(32768), 0x80078000u);
        ck_assert_uint_eq(out_error_number(32833), 0x80078041u);
        ck_assert_uint_eq(out_error_number(32898), 0x80078082u);
        ck_assert_uint_eq(out_error_number(5), 0x80070005u);
        ck_assert_uint_eq(out_error_number(0xffff), 0x8007ffffu);
        ck_assert_uint_eq(out_error_number(2150858752u), 0x80338000u);
        ck_assert_uint_eq(out_error_number(0x803380CCu), 0x803380CCu);
        ck_assert_uint_eq(out_error_number(0x10000), 0x10000u);
        /* the seed's signed forms */
        ck_assert_int_eq((int32_t)out_error_number(32768), -2146992128);
        ck_assert_int_eq((int32_t)out_error_number(32833), -2146992063);
        ck_assert_int_eq((int32_t)out_error_number(32898), -2146991998);
}
END_TEST

/* Upper-case hex letters, as winrm.cmd prints them. */
START_TEST(error_number_hex_case)
{
        static const char reply[] = REPLY(NS_WSA "/fault",
                "<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text>Bad.</s:Text></s:Reason>"
                "<s:Detail><f:WSManFault xmlns:f=\"" NS_WSMFAULT "\" Code=\"2150859004\"/></s:Detail></s:Fault>");
        uint32_t num;
        char *got = fault_as(reply, &num);

        ck_assert_ptr_nonnull(strstr(got, "\nError number: -2144108292 0x803380FC\nBad.\n"));
        ck_assert_uint_eq(num, 0x803380FCu);
        free(got);
}
END_TEST

/* --- the text tree's rules */

#define P_OPEN "<p:R xmlns:p=\"urn:p\" xmlns:q=\"urn:q\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"

START_TEST(empty_leaves)
{
        assert_body_text(GET_REPLY(P_OPEN "<p:Hostname/><p:CertificateThumbprint></p:CertificateThumbprint>"
                                   "<p:Blank> \n\t </p:Blank><p:Nil xsi:nil=\"true\"/>"
                                   "<p:NilText xsi:nil=\"1\">ignored</p:NilText>"
                                   "<p:NotNil xsi:nil=\"false\">kept</p:NotNil><p:Port> 80 </p:Port></p:R>"),
                         "R\n    Hostname\n    CertificateThumbprint\n    Blank\n    Nil\n    NilText\n"
                         "    NotNil = kept\n    Port = 80\n");
        /* a body that is one empty leaf */
        assert_body_text(GET_REPLY("<p:Alone xmlns:p=\"urn:p\"/>"), "Alone\n");
}
END_TEST

START_TEST(repeated_leaves)
{
        assert_body_text(GET_REPLY(P_OPEN "<p:ListeningOn>10.0.0.1</p:ListeningOn>"
                                   "<p:ListeningOn>127.0.0.1</p:ListeningOn><!-- c -->\n"
                                   "<p:ListeningOn>::1</p:ListeningOn><p:Port>1</p:Port>"
                                   "<p:ListeningOn>fe80::1</p:ListeningOn>"
                                   "<p:A>1</p:A><p:A/><p:A>3</p:A><p:B/><p:B/>"
                                   "<p:C>1</p:C><q:C>2</q:C>"
                                   "<p:D Source=\"GPO\">1</p:D><p:D Source=\"GPO\">2</p:D><p:D>3</p:D>"
                                   "<p:E><p:X>1</p:X></p:E><p:E><p:X>2</p:X></p:E></p:R>"),
                         "R\n    ListeningOn = 10.0.0.1, 127.0.0.1, ::1\n    Port = 1\n"
                         "    ListeningOn = fe80::1\n    A = 1, 3\n    B\n    C = 1\n    C = 2\n"
                         "    D = 1, 2 [Source=\"GPO\"]\n    D = 3\n"
                         "    E\n        X = 1\n    E\n        X = 2\n");
}
END_TEST

START_TEST(attributes)
{
        assert_body_text(GET_REPLY(P_OPEN "<p:AllowUnencrypted Source=\"GPO\">false</p:AllowUnencrypted>"
                                   "<p:Listener Source=\"GPO\"><p:Port>5985</p:Port></p:Listener>"
                                   "<p:Hostname Source=\"GPO\"/><p:Nil xsi:nil=\"true\" Source=\"x\"/>"
                                   "<p:Two a=\"1\" q:b=\"2\">v</p:Two><p:Empty a=\"\">v</p:Empty></p:R>"),
                         "R\n    AllowUnencrypted = false [Source=\"GPO\"]\n"
                         "    Listener [Source=\"GPO\"]\n        Port = 5985\n"
                         "    Hostname [Source=\"GPO\"]\n    Nil [Source=\"x\"]\n"
                         "    Two = v [a=\"1\" b=\"2\"]\n    Empty = v [a=\"\"]\n");
}
END_TEST

START_TEST(empty_body)
{
        static const char *replies[] = {
                GET_REPLY(""),
                "<s:Envelope xmlns:s=\"" NS_SOAP "\"><s:Header/></s:Envelope>",
                "<s:Envelope xmlns:s=\"" NS_SOAP "\"><s:Body>\n  <!-- none -->\n</s:Body></s:Envelope>",
                "<x:Envelope xmlns:x=\"urn:other\"><x:Body><x:A>1</x:A></x:Body></x:Envelope>",
        };

        for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++)
                for (int fmt = OUT_TEXT; fmt <= OUT_PRETTY; fmt++) {
                        char *got = body_as(replies[i], (enum out_format)fmt);

                        ck_assert_str_eq(got, "");
                        free(got);
                }
}
END_TEST

/* Several body elements: one tree each, a blank line between; one XML
 * line each. */
START_TEST(several_body_elements)
{
        static const char reply[] = GET_REPLY("<p:A xmlns:p=\"urn:p\">1</p:A><p:B xmlns:p=\"urn:p\"><p:C/></p:B>");
        char *got;

        assert_body_text(reply, "A = 1\n\nB\n    C\n");
        got = body_as(reply, OUT_XML);
        ck_assert_str_eq(got, "<p:A xmlns:p=\"urn:p\">1</p:A>\n<p:B xmlns:p=\"urn:p\"><p:C/></p:B>\n");
        free(got);
}
END_TEST

/* --- a hostile server */

/* Characters XML can carry (CR, tab and newline as references, DEL, C1). */
#define HOSTILE_XML "<p:V xmlns:p=\"urn:p\" a=\"x&#13;&#x9B;y\">a&#13;b&#x9B;2J&#x7F;c&#9;d&#10;e</p:V>"

START_TEST(control_chars_text)
{
        assert_body_text(GET_REPLY(HOSTILE_XML), "V = a\\x0Db\\u009B2J\\x7Fc\\x09d\\x0Ae [a=\"x\\x0D\\u009By\"]\n");
}
END_TEST

START_TEST(control_chars_xml)
{
        for (int fmt = OUT_XML; fmt <= OUT_PRETTY; fmt++) {
                char *got = body_as(GET_REPLY(HOSTILE_XML), (enum out_format)fmt);
                xmlDoc *doc;
                xmlChar *v;

                for (const unsigned char *p = (const unsigned char *)got; *p; p++)
                        ck_assert_msg((*p >= 0x20 && *p != 0x7f && !(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) ||
                                      *p == '\n' || *p == '\t', "raw control 0x%02X in %s", *p, got);
                ck_assert_ptr_nonnull(strstr(got, "&#x9B;2J"));
                /* still the same XML */
                doc = parse(got);
                v = xmlNodeGetContent(xmlDocGetRootElement(doc));
                ck_assert_str_eq((const char *)v, "a\rb\xc2\x9b" "2J\x7f" "c\td\ne");
                xmlFree(v);
                xmlFreeDoc(doc);
                free(got);
        }
}
END_TEST

/* What no XML parser lets through, in a tree built by hand: ESC and bytes
 * that are not UTF-8. */
START_TEST(control_chars_built)
{
        xmlDoc *doc = parse(GET_REPLY("<p:V xmlns:p=\"urn:p\">x</p:V><p:W xmlns:p=\"urn:p\">x</p:W>"));
        xmlNode *v = t_xpath_node(doc, "/s:Envelope/s:Body/*[1]");
        xmlNode *w = t_xpath_node(doc, "/s:Envelope/s:Body/*[2]");
        struct mem m;
        char *got;

        xmlNodeSetContent(v, BAD_CAST "\x1b]0;owned\x07\x1b[2J");
        xmlNodeSetContent(w, BAD_CAST "\x9b" "2J\xff");
        out_body(mem_open(&m), doc, OUT_TEXT);
        got = mem_close(&m);
        ck_assert_str_eq(got, "V = \\x1B]0;owned\\x07\\x1B[2J\n\nW = \\x9B2J\\xFF\n");
        free(got);
        out_body(mem_open(&m), doc, OUT_XML);
        got = mem_close(&m);
        ck_assert_str_eq(got, "<p:V xmlns:p=\"urn:p\">&#x1B;]0;owned&#x7;&#x1B;[2J</p:V>\n"
                         "<p:W xmlns:p=\"urn:p\">&#x9B;2J&#xFF;</p:W>\n");
        free(got);
        xmlFreeDoc(doc);
}
END_TEST

/* An indented reply still prints on one line with -format:#xml. */
START_TEST(indented_reply_one_line)
{
        char *got = body_as(GET_REPLY("\n  <p:A xmlns:p=\"urn:p\">\n    <p:B> 1 </p:B>\n    <p:C/>\n  </p:A>\n"),
                            OUT_XML);

        ck_assert_str_eq(got, "<p:A xmlns:p=\"urn:p\"><p:B> 1 </p:B><p:C/></p:A>\n");
        free(got);
}
END_TEST

Suite *cli_output_suite(void)
{
        Suite *s = suite_create("cli_output");
        TCase *tc = tcase_create("cli_output");

        tcase_add_test(tc, config_text_seed);
        tcase_add_test(tc, config_text_daemon);
        tcase_add_test(tc, config_xml);
        tcase_add_test(tc, config_pretty);
        tcase_add_test(tc, items_text);
        tcase_add_test(tc, items_xml);
        tcase_add_test(tc, items_pretty);
        tcase_add_test(tc, items_namespaces_above);
        tcase_add_test(tc, items_none);
        tcase_add_loop_test(tc, fault_seed, 0, (int)(sizeof(seed_faults) / sizeof(seed_faults[0])));
        tcase_add_test(tc, fault_seed_bytes);
        tcase_add_test(tc, fault_current);
        tcase_add_test(tc, fault_from_daemon_writer);
        tcase_add_test(tc, fault_without_wsmanfault);
        tcase_add_test(tc, fault_bad_code);
        tcase_add_test(tc, is_fault);
        tcase_add_test(tc, error_numbers);
        tcase_add_test(tc, error_number_hex_case);
        tcase_add_test(tc, empty_leaves);
        tcase_add_test(tc, repeated_leaves);
        tcase_add_test(tc, attributes);
        tcase_add_test(tc, empty_body);
        tcase_add_test(tc, several_body_elements);
        tcase_add_test(tc, control_chars_text);
        tcase_add_test(tc, control_chars_xml);
        tcase_add_test(tc, control_chars_built);
        tcase_add_test(tc, indented_reply_one_line);
        suite_add_tcase(s, tc);
        return s;
}
