/* test_envelope.c - env_parse() on real client captures and on the
 * variations clients are allowed (prefixes, CDATA, UTF-16, blanks). */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "fragment.h"
#include "ns.h"
#include "tests.h"

#define SHELL_URI NS_RSP "/cmd"
#define SHELL_ID "4D3C2B1A-0000-4000-8000-00000000ABCD"

/* Parses buf and fails the test unless it is accepted. */
static struct env *parse_ok_len(const char *buf, size_t len)
{
        struct env_error err;
        struct env *e = NULL;
        int r;

        memset(&err, 0, sizeof(err));
        r = env_parse(buf, len, &e, &err);
        ck_assert_msg(r == 0, "env_parse refused: fault %d, %s", (int)err.fault, err.detail);
        ck_assert_ptr_nonnull(e);
        ck_assert_ptr_nonnull(e->doc);
        return e;
}

static struct env *parse_ok(const char *xml)
{
        return parse_ok_len(xml, strlen(xml));
}

/* What each capture must yield. */
static const struct capture {
        const char *file;
        const char *action;
        int64_t timeout_ms;
        const char *shell_id;   /* ShellId selector, or NULL */
        const char *codepage;   /* WINRS_CODEPAGE option, or NULL */
        const char *body;       /* local name of the rsp: body element, or NULL */
} captures[] = {
        { "01-pywinrm-Create.http", ACT_CREATE, 20000, NULL, "437", "Shell" },
        { "02-pywinrm-Command.http", NS_RSP "/Command", 20000, SHELL_ID, NULL, "CommandLine" },
        { "03-pywinrm-Receive.http", NS_RSP "/Receive", 20000, SHELL_ID, NULL, "Receive" },
        { "04-pywinrm-Receive.http", NS_RSP "/Receive", 20000, SHELL_ID, NULL, "Receive" },
        { "05-pywinrm-Signal.http", NS_RSP "/Signal", 20000, SHELL_ID, NULL, "Signal" },
        { "06-pywinrm-Delete.http", ACT_DELETE, 20000, SHELL_ID, NULL, NULL },
        { "08-go-winrm-Create.http", ACT_CREATE, 60000, NULL, "65001", "Shell" },
        { "09-go-winrm-Command.http", NS_RSP "/Command", 60000, SHELL_ID, NULL, "CommandLine" },
        { "10-go-winrm-Receive.http", NS_RSP "/Receive", 60000, SHELL_ID, NULL, "Receive" },
        { "11-go-winrm-Signal.http", NS_RSP "/Signal", 60000, SHELL_ID, NULL, "Signal" },
        { "12-go-winrm-Delete.http", ACT_DELETE, 60000, SHELL_ID, NULL, NULL },
};

/* The parsed header equals what XPath reads from the same document. */
static void header_is_xpath(struct env *e, const char *value, const char *expr)
{
        char *x = t_xpath_str(e->doc, expr);

        ck_assert_ptr_nonnull(value);
        ck_assert_str_eq(value, x);
        free(x);
}

START_TEST(capture_fields)
{
        const struct capture *c = &captures[_i];
        size_t len;
        char *body = t_capture_body(c->file, &len);
        struct env *e = parse_ok_len(body, len);

        ck_assert(!e->is_identify);
        ck_assert_str_eq(e->action, c->action);
        header_is_xpath(e, e->action, "normalize-space(/s:Envelope/s:Header/a:Action)");
        ck_assert_str_eq(e->resource_uri, SHELL_URI);
        header_is_xpath(e, e->resource_uri, "normalize-space(/s:Envelope/s:Header/w:ResourceURI)");
        ck_assert_msg(!strncmp(e->message_id, "uuid:", 5), "MessageID %s", e->message_id);
        header_is_xpath(e, e->message_id, "normalize-space(/s:Envelope/s:Header/a:MessageID)");
        header_is_xpath(e, e->to, "normalize-space(/s:Envelope/s:Header/a:To)");
        ck_assert_str_eq(e->reply_to, WSA_ANONYMOUS);
        ck_assert_int_eq(e->operation_timeout_ms, c->timeout_ms);
        ck_assert_int_eq(e->max_envelope_size, 153600);
        if (c->shell_id) {
                ck_assert_uint_eq(e->n_selectors, 1);
                ck_assert_str_eq(env_selector(e, "ShellId"), c->shell_id);
        } else {
                ck_assert_uint_eq(e->n_selectors, 0);
                ck_assert_ptr_null(env_selector(e, "ShellId"));
        }
        if (c->codepage) {
                ck_assert_str_eq(env_option(e, "WINRS_CODEPAGE"), c->codepage);
                ck_assert_str_eq(env_option(e, "WINRS_NOPROFILE"), "FALSE");
        } else {
                ck_assert_ptr_null(env_option(e, "WINRS_CODEPAGE"));
        }
        if (c->body) {
                ck_assert(xml_is(e->body_first, NS_RSP, c->body));
                ck_assert_ptr_eq(e->body_first, t_xpath_node(e->doc, "/s:Envelope/s:Body/*"));
        } else {
                ck_assert_ptr_null(e->body_first);
                ck_assert_int_eq(t_xpath_count(e->doc, "/s:Envelope/s:Body/*"), 0);
        }
        ck_assert_ptr_eq(e->body, t_xpath_node(e->doc, "/s:Envelope/s:Body"));
        ck_assert_ptr_eq(e->header, t_xpath_node(e->doc, "/s:Envelope/s:Header"));
        env_free(e);
        free(body);
}
END_TEST

/* Every capture in the directory parses, including ones added later. */
START_TEST(capture_all_files)
{
        char dir[4096];
        struct dirent *d;
        DIR *dp;
        int n = 0;

        snprintf(dir, sizeof(dir), "%s/tests/captures", t_srcdir());
        dp = opendir(dir);
        ck_assert_msg(dp != NULL, "cannot open %s", dir);
        while ((d = readdir(dp))) {
                size_t l = strlen(d->d_name), len;
                char *body;
                struct env *e;

                if (l < 6 || strcmp(d->d_name + l - 5, ".http"))
                        continue;
                body = t_capture_body(d->d_name, &len);
                e = parse_ok_len(body, len);
                ck_assert_msg(e->is_identify || (e->action && e->message_id), "%s", d->d_name);
                env_free(e);
                free(body);
                n++;
        }
        closedir(dp);
        ck_assert_int_ge(n, 12);
}
END_TEST

START_TEST(capture_cdata_command)
{
        size_t len;
        char *body = t_capture_body("09-go-winrm-Command.http", &len);
        struct env *e = parse_ok_len(body, len);
        xmlNode *cmd = t_xpath_node(e->doc, "/s:Envelope/s:Body/rsp:CommandLine/rsp:Command");
        char *t = xml_text(cmd);

        /* XML_PARSE_NOCDATA: the CDATA section arrives as plain text. */
        ck_assert_str_eq(t, "id -un");
        ck_assert_ptr_nonnull(cmd->children);
        ck_assert_int_eq(cmd->children->type, XML_TEXT_NODE);
        free(t);
        env_free(e);
        free(body);
}
END_TEST

START_TEST(identify_without_action)
{
        size_t len;
        char *body = t_capture_body("07-pywinrm-Identify.http", &len);
        struct env *e = parse_ok_len(body, len);

        ck_assert(e->is_identify);
        ck_assert_ptr_null(e->action);
        ck_assert_ptr_null(e->message_id);
        ck_assert(xml_is(e->body_first, NS_WSMID, "Identify"));
        ck_assert_ptr_eq(e->body_first, t_xpath_node(e->doc, "/s:Envelope/s:Body/wsmid:Identify"));
        ck_assert_int_eq(e->operation_timeout_ms, -1);
        ck_assert_int_eq(e->max_envelope_size, -1);
        env_free(e);
        free(body);
}
END_TEST

/* An Identify body with an Action is an ordinary request, not an Identify. */
START_TEST(identify_with_action_is_not_identify)
{
        struct env *e = parse_ok(T_REQ("", "<i:Identify xmlns:i=\"" NS_WSMID "\"/>"));

        ck_assert(!e->is_identify);
        ck_assert_str_eq(e->action, ACT_GET);
        env_free(e);
}
END_TEST

START_TEST(any_prefixes)
{
        static const char xml[] =
                "<soapenv:Envelope xmlns:soapenv=\"" NS_SOAP "\" xmlns:wsa=\"" NS_WSA "\""
                " xmlns:man=\"" NS_WSMAN "\"><!-- a comment --><soapenv:Header>"
                "<wsa:Action>" ACT_GET "</wsa:Action><?pi data?>"
                "<wsa:MessageID>uuid:A</wsa:MessageID>"
                "<man:ResourceURI>urn:r</man:ResourceURI>"
                "<man:SelectorSet><man:Selector Name=\"Id\">7</man:Selector></man:SelectorSet>"
                "</soapenv:Header><soapenv:Body/></soapenv:Envelope>";
        struct env *e = parse_ok(xml);

        ck_assert_str_eq(e->action, ACT_GET);
        ck_assert_str_eq(e->message_id, "uuid:A");
        ck_assert_str_eq(e->resource_uri, "urn:r");
        ck_assert_str_eq(env_selector(e, "Id"), "7");
        env_free(e);
}
END_TEST

START_TEST(default_namespaces)
{
        static const char xml[] =
                "<Envelope xmlns=\"" NS_SOAP "\"><Header>"
                "<Action xmlns=\"" NS_WSA "\">" ACT_GET "</Action>"
                "<MessageID xmlns=\"" NS_WSA "\">uuid:B</MessageID>"
                "<ResourceURI xmlns=\"" NS_WSMAN_2005 "\">wsman:system/2005/06/this</ResourceURI>"
                "<SelectorSet xmlns=\"" NS_WSMAN "\"><Selector Name=\"ShellId\">S</Selector></SelectorSet>"
                "</Header><Body><Shell xmlns=\"" NS_RSP "\"/></Body></Envelope>";
        struct env *e = parse_ok(xml);

        ck_assert_str_eq(e->action, ACT_GET);
        ck_assert_str_eq(e->message_id, "uuid:B");
        ck_assert_str_eq(e->resource_uri, "wsman:system/2005/06/this");
        ck_assert_str_eq(env_selector(e, "ShellId"), "S");
        ck_assert(xml_is(e->body_first, NS_RSP, "Shell"));
        env_free(e);
}
END_TEST

/* Headers are matched by namespace URI, never by prefix. */
START_TEST(prefix_bound_elsewhere_is_ignored)
{
        static const char xml[] =
                "<s:Envelope xmlns:s=\"" NS_SOAP "\" xmlns:a=\"" NS_WSA "\" xmlns:w=\"urn:not-wsman\">"
                "<s:Header>" T_ACTION T_MSGID "<w:ResourceURI>urn:r</w:ResourceURI>"
                "<w:OperationTimeout>garbage</w:OperationTimeout></s:Header>" T_BODY T_ENV_CLOSE;
        struct env *e = parse_ok(xml);

        ck_assert_ptr_null(e->resource_uri);
        ck_assert_int_eq(e->operation_timeout_ms, -1);
        env_free(e);
}
END_TEST

START_TEST(cdata_and_entities_in_headers)
{
        static const char xml[] =
                T_ENV_OPEN "<s:Header><a:Action>\n  <![CDATA[" ACT_GET "]]>\n</a:Action>" T_MSGID T_RURI
                "<w:SelectorSet><w:Selector Name=\"Q\"><![CDATA[a<b&c]]></w:Selector>"
                "<w:Selector Name=\"R\">x&amp;y&#65;&#x42;</w:Selector></w:SelectorSet>"
                "</s:Header>" T_BODY T_ENV_CLOSE;
        struct env *e = parse_ok(xml);

        ck_assert_str_eq(e->action, ACT_GET);
        ck_assert_str_eq(env_selector(e, "Q"), "a<b&c");
        ck_assert_str_eq(env_selector(e, "R"), "x&yAB");
        env_free(e);
}
END_TEST

/* UTF-8 (BMP only) to UTF-16 with a BOM; big selects the byte order. */
static char *to_utf16(const char *s, bool big, size_t *len)
{
        size_t n = strlen(s);
        unsigned char *out = malloc(2 * n + 2), *o = out;
        const unsigned char *p = (const unsigned char *)s;

        ck_assert_ptr_nonnull(out);
        *o++ = big ? 0xfe : 0xff;
        *o++ = big ? 0xff : 0xfe;
        while (*p) {
                unsigned cp;
                if (*p < 0x80) {
                        cp = *p++;
                } else if ((*p & 0xe0) == 0xc0) {
                        cp = (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
                        p += 2;
                } else {
                        cp = (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
                        p += 3;
                }
                *o++ = (unsigned char)(big ? cp >> 8 : cp & 0xff);
                *o++ = (unsigned char)(big ? cp & 0xff : cp >> 8);
        }
        *len = (size_t)(o - out);
        return (char *)out;
}

static const char utf16_doc[] =
        T_REQ("<w:SelectorSet><w:Selector Name=\"Name\">caf\xc3\xa9 \xe2\x82\xac</w:Selector></w:SelectorSet>",
              "<x:Data xmlns:x=\"urn:x\">\xc3\xa9</x:Data>");

START_TEST(utf16le_with_bom)
{
        size_t len;
        char *buf = to_utf16(utf16_doc, false, &len);
        struct env *e = parse_ok_len(buf, len);
        char *t;

        ck_assert_str_eq(e->action, ACT_GET);
        ck_assert_str_eq(env_selector(e, "Name"), "caf\xc3\xa9 \xe2\x82\xac");
        t = xml_text(e->body_first);
        ck_assert_str_eq(t, "\xc3\xa9");
        free(t);
        env_free(e);
        free(buf);
}
END_TEST

START_TEST(utf16be_with_bom)
{
        size_t len;
        char *buf = to_utf16(utf16_doc, true, &len);
        struct env *e = parse_ok_len(buf, len);

        ck_assert_str_eq(env_selector(e, "Name"), "caf\xc3\xa9 \xe2\x82\xac");
        env_free(e);
        free(buf);
}
END_TEST

START_TEST(utf8_with_bom)
{
        struct env *e = parse_ok("\xef\xbb\xbf" T_REQ("", ""));

        ck_assert_str_eq(e->action, ACT_GET);
        env_free(e);
}
END_TEST

START_TEST(blanks_around_numbers)
{
        struct env *e = parse_ok(T_REQ("<w:MaxEnvelopeSize s:mustUnderstand=\"true\">\n\t 153600 \r\n"
                                       "</w:MaxEnvelopeSize><w:OperationTimeout>  PT5.5S\n"
                                       "</w:OperationTimeout>", ""));

        ck_assert_int_eq(e->max_envelope_size, 153600);
        ck_assert_int_eq(e->operation_timeout_ms, 5500);
        env_free(e);
}
END_TEST

START_TEST(selector_and_option_names_caseless)
{
        struct env *e = parse_ok(T_REQ(
                "<w:SelectorSet><w:Selector Name=\"ShellId\">S1</w:Selector>"
                "<w:Selector Name=\"Port\">  5985  </w:Selector></w:SelectorSet>"
                "<w:OptionSet><w:Option Name=\"WINRS_CODEPAGE\" MustComply=\"true\">65001</w:Option>"
                "<w:Option Name=\"WINRS_NOPROFILE\">TRUE</w:Option></w:OptionSet>", ""));

        ck_assert_str_eq(env_selector(e, "shellid"), "S1");
        ck_assert_str_eq(env_selector(e, "SHELLID"), "S1");
        ck_assert_str_eq(env_selector(e, "port"), "5985");
        ck_assert_ptr_null(env_selector(e, "ShellI"));
        ck_assert_ptr_null(env_selector(e, "ShellIdX"));
        ck_assert_str_eq(env_option(e, "winrs_codepage"), "65001");
        ck_assert_ptr_null(env_option(e, "ShellId"));
        ck_assert_uint_eq(e->n_options, 2);
        ck_assert(e->options[0].must_comply);
        ck_assert(!e->options[1].must_comply);
        env_free(e);
}
END_TEST

START_TEST(known_headers_with_must_understand)
{
        struct env *e = parse_ok(
                T_ENV_OPEN "<s:Header><a:Action s:mustUnderstand=\"true\">" ACT_GET "</a:Action>"
                T_MSGID "<w:ResourceURI s:mustUnderstand=\"1\">urn:r</w:ResourceURI>"
                "<w:Locale s:mustUnderstand=\"false\" xml:lang=\"en-US\"/>"
                "<p:DataLocale xmlns:p=\"" NS_WSMV "\" s:mustUnderstand=\"true\"/>"
                "<a:ReplyTo><a:Address s:mustUnderstand=\"true\">" WSA_ANONYMOUS "</a:Address></a:ReplyTo>"
                "</s:Header>" T_BODY T_ENV_CLOSE);

        ck_assert_str_eq(e->resource_uri, "urn:r");
        ck_assert_str_eq(e->reply_to, WSA_ANONYMOUS);
        env_free(e);
}
END_TEST

/* The generation is the ResourceURI's, else the first WS-Man header's. */
START_TEST(generation_2005)
{
        static const char *const cases[][2] = {
                { "<w:ResourceURI>urn:r</w:ResourceURI>", "0" },
                { "<v:ResourceURI xmlns:v=\"" NS_WSMAN_2005 "\">urn:r</v:ResourceURI>", "1" },
                { "<v:MaxEnvelopeSize xmlns:v=\"" NS_WSMAN_2005 "\">9000</v:MaxEnvelopeSize>"
                  "<w:ResourceURI>urn:r</w:ResourceURI>", "0" },
                { "<w:MaxEnvelopeSize>9000</w:MaxEnvelopeSize>"
                  "<v:ResourceURI xmlns:v=\"" NS_WSMAN_2005 "\">urn:r</v:ResourceURI>", "1" },
                { "<v:OperationTimeout xmlns:v=\"" NS_WSMAN_2005 "\">PT5S</v:OperationTimeout>", "1" },
        };
        char xml[2048];

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct env *e;
                snprintf(xml, sizeof(xml), T_ENV_OPEN "<s:Header><a:Action>" ACT_GET "</a:Action>" T_MSGID
                         "%s</s:Header>" T_BODY T_ENV_CLOSE, cases[i][0]);
                e = parse_ok(xml);
                ck_assert_msg(e->ns_2005 == (cases[i][1][0] == '1'), "case %zu", i);
                env_free(e);
        }
}
END_TEST

/* FragmentTransfer is read for dispatch, with its mustUnderstand; a Locale
 * marked mustUnderstand must be English (or say nothing). */
START_TEST(fragment_and_locale)
{
        struct env_error err;
        struct env *e = parse_ok(T_REQ("<w:FragmentTransfer s:mustUnderstand=\"true\">Service/MaxConnections"
                                       "</w:FragmentTransfer><w:Locale s:mustUnderstand=\"true\" xml:lang=\"en-GB\"/>",
                                       ""));
        char *t;

        ck_assert_ptr_nonnull(e->fragment);
        ck_assert(e->fragment_mu);
        t = xml_text(e->fragment);
        ck_assert_str_eq(t, "Service/MaxConnections");
        free(t);
        env_free(e);
        e = parse_ok(T_REQ("<w:FragmentTransfer>x</w:FragmentTransfer>", ""));
        ck_assert_ptr_nonnull(e->fragment);
        ck_assert(!e->fragment_mu);
        env_free(e);
        e = parse_ok(T_REQ("", ""));
        ck_assert_ptr_null(e->fragment);
        env_free(e);
        memset(&err, 0, sizeof(err));
        ck_assert_int_lt(env_parse(T_REQ("<w:Locale s:mustUnderstand=\"true\" xml:lang=\"de-DE\"/>", ""),
                                   strlen(T_REQ("<w:Locale s:mustUnderstand=\"true\" xml:lang=\"de-DE\"/>", "")),
                                   &e, &err), 0);
        ck_assert_int_eq(err.fault, F_LOCALE);
        memset(&err, 0, sizeof(err));
        ck_assert_int_lt(env_parse(T_REQ("<w:FragmentTransfer s:mustUnderstand=\"true\">a</w:FragmentTransfer>"
                                         "<w:FragmentTransfer s:mustUnderstand=\"true\">b</w:FragmentTransfer>", ""),
                                   strlen(T_REQ("<w:FragmentTransfer s:mustUnderstand=\"true\">a</w:FragmentTransfer>"
                                                "<w:FragmentTransfer s:mustUnderstand=\"true\">b</w:FragmentTransfer>",
                                                "")), &e, &err), 0);
        ck_assert_int_eq(err.fault, F_INVALID_HEADER);
}
END_TEST

/* The simple paths of FragmentTransfer: parsed, selected, refused. */
START_TEST(fragment_paths)
{
        static const char *const bad[] = { "", "/", "//a", "a//b", "a/", "*", "a/*", "@x", "..", ".", "a[0]",
                                           "a[x]", "a[1", "text()", "/a/text()", "a/text()/b", "count(a)",
                                           "a b", "p:a", ":a", "a:", "a[1]b" };
        struct env *e = parse_ok(T_REQ("<w:FragmentTransfer xmlns:c=\"urn:c\" s:mustUnderstand=\"true\">"
                                       "c:B</w:FragmentTransfer>", "<c:R xmlns:c=\"urn:c\"><c:A>1</c:A><c:B>2</c:B>"
                                       "<c:B>3</c:B><d:B xmlns:d=\"urn:d\">4</d:B></c:R>"));
        struct frag_path p;
        const char *why = NULL;
        xmlNode *t;
        char *v;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                why = NULL;
                ck_assert_msg(frag_parse(bad[i], e->fragment, &p, &why) < 0, "\"%s\" accepted", bad[i]);
                ck_assert_ptr_nonnull(why);
        }
        ck_assert_int_eq(frag_parse(" B[2] ", e->fragment, &p, &why), 0);
        t = frag_select(&p, e->body_first);
        v = xml_text(t);
        ck_assert_str_eq(v, "3");
        free(v);
        ck_assert_int_eq(frag_parse("B[3]", e->fragment, &p, &why), 0);
        v = xml_text(frag_select(&p, e->body_first));
        ck_assert_str_eq(v, "4");               /* unprefixed: any namespace */
        free(v);
        ck_assert_int_eq(frag_parse("c:B[3]", e->fragment, &p, &why), 0);
        ck_assert_ptr_null(frag_select(&p, e->body_first));
        ck_assert_int_eq(frag_parse("/c:R/c:A/text()", e->fragment, &p, &why), 0);
        ck_assert(p.absolute && p.text);
        ck_assert_uint_eq(p.n, 2);
        v = xml_text(frag_select(&p, e->body_first));
        ck_assert_str_eq(v, "1");
        free(v);
        ck_assert_int_eq(frag_parse("/Other/A", e->fragment, &p, &why), 0);
        ck_assert_ptr_null(frag_select(&p, e->body_first));
        ck_assert(frag_dialect_ok(NULL));
        ck_assert(frag_dialect_ok("http://www.w3.org/TR/1999/REC-xpath-19991116"));
        ck_assert(frag_dialect_ok("http://example.org/XPath-Level-1"));
        ck_assert(!frag_dialect_ok("urn:example:jsonpath"));
        ck_assert(!frag_dialect_ok(""));
        env_free(e);
}
END_TEST

START_TEST(xml_helpers)
{
        struct env *e = parse_ok(T_REQ("", "<x:A xmlns:x=\"urn:x\"> <x:B>  one two \n</x:B>"
                                           "<!-- c --><x:C/><y:B xmlns:y=\"urn:y\"/></x:A>"));
        xmlNode *a = e->body_first, *b, *c;
        char *t;

        ck_assert(xml_is(a, "urn:x", "A"));
        ck_assert(!xml_is(a, "urn:y", "A"));
        ck_assert(!xml_is(NULL, "urn:x", "A"));
        b = xml_first_elem(a);
        ck_assert(xml_is(b, "urn:x", "B"));
        c = xml_next_elem(b);
        ck_assert(xml_is(c, "urn:x", "C"));
        ck_assert(xml_is(xml_next_elem(c), "urn:y", "B"));
        ck_assert_ptr_null(xml_next_elem(xml_next_elem(c)));
        ck_assert_ptr_eq(xml_child(a, "urn:y", "B"), xml_next_elem(c));
        ck_assert_ptr_null(xml_child(a, "urn:z", "B"));
        t = xml_text(b);
        ck_assert_str_eq(t, "one two");
        free(t);
        env_free(e);
        env_free(NULL);
}
END_TEST

Suite *envelope_suite(void)
{
        Suite *s = suite_create("envelope");
        TCase *tc = tcase_create("captures");
        TCase *tol = tcase_create("tolerance");

        tcase_add_loop_test(tc, capture_fields, 0, (int)(sizeof(captures) / sizeof(captures[0])));
        tcase_add_test(tc, capture_all_files);
        tcase_add_test(tc, capture_cdata_command);
        tcase_add_test(tc, identify_without_action);
        tcase_add_test(tc, identify_with_action_is_not_identify);
        suite_add_tcase(s, tc);

        tcase_add_test(tol, any_prefixes);
        tcase_add_test(tol, default_namespaces);
        tcase_add_test(tol, prefix_bound_elsewhere_is_ignored);
        tcase_add_test(tol, cdata_and_entities_in_headers);
        tcase_add_test(tol, utf16le_with_bom);
        tcase_add_test(tol, utf16be_with_bom);
        tcase_add_test(tol, utf8_with_bom);
        tcase_add_test(tol, blanks_around_numbers);
        tcase_add_test(tol, selector_and_option_names_caseless);
        tcase_add_test(tol, known_headers_with_must_understand);
        tcase_add_test(tol, generation_2005);
        tcase_add_test(tol, fragment_and_locale);
        tcase_add_test(tol, fragment_paths);
        tcase_add_test(tol, xml_helpers);
        suite_add_tcase(s, tol);
        return s;
}
