/* test_fault.c - the fault table and the XML fault_write() writes, checked
 * on the document it makes inside an envelope, parsed. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "fault.h"
#include "ns.h"
#include "tests.h"

#define FAULT "/s:Envelope/s:Body/s:Fault"
#define MACHINE "host.example"
#define LEGACY_CODE FAULT "/s:Detail/f5:WSManFault/@Code"

/* Writes a fault into a fresh envelope whose SOAP prefix is soap_prefix
 * (extra: one more namespace declaration on Envelope, or NULL), and returns
 * the parsed document; caller frees.  The fault must stand on its own: it
 * declares whatever its QNames use, whatever the envelope declares. */
static xmlDoc *build_ex(enum fault_id id, const char *msg, bool legacy, const char *soap_prefix,
                        const char *extra_prefix, const char *extra_href)
{
        struct writer w;
        struct sbuf doc = { 0 };
        char head[512];
        xmlDoc *out;

        writer_init(&w, true);
        ck_assert_int_eq(fault_write(&w, id, msg, legacy, MACHINE), 0);
        snprintf(head, sizeof(head), "<%s:Envelope xmlns:%s=\"%s\"%s%s%s%s%s><%s:Header/><%s:Body>", soap_prefix,
                 soap_prefix, NS_SOAP, extra_prefix ? " xmlns:" : "", extra_prefix ? extra_prefix : "",
                 extra_prefix ? "=\"" : "", extra_href ? extra_href : "", extra_prefix ? "\"" : "",
                 soap_prefix, soap_prefix);
        sbuf_adds(&doc, head);
        sbuf_add(&doc, w.out.p, w.out.len);
        snprintf(head, sizeof(head), "</%s:Body></%s:Envelope>", soap_prefix, soap_prefix);
        sbuf_adds(&doc, head);
        out = xmlReadMemory(doc.p, (int)doc.len, NULL, NULL, XML_PARSE_NONET);
        ck_assert_msg(out != NULL, "fault does not parse: %.*s", (int)doc.len, doc.p);
        sbuf_free(&doc);
        writer_free(&w);
        return out;
}

static xmlDoc *build(enum fault_id id, const char *msg, bool legacy)
{
        return build_ex(id, msg, legacy, "s", NULL, NULL);
}

/* Asserts that the QName text of the single node at expr has the local part
 * local and a prefix bound, in scope, to ns. */
static void assert_qname(xmlDoc *doc, const char *expr, const char *ns, const char *local)
{
        xmlNode *n = t_xpath_node(doc, expr);
        xmlChar *v = xmlNodeGetContent(n);
        char *colon, prefix[64];
        xmlNs *found;

        ck_assert_ptr_nonnull(v);
        colon = strchr((char *)v, ':');
        ck_assert_msg(colon != NULL, "%s: \"%s\" is not a prefixed QName", expr, (char *)v);
        ck_assert_str_eq(colon + 1, local);
        snprintf(prefix, sizeof(prefix), "%.*s", (int)(colon - (char *)v), (char *)v);
        found = xmlSearchNs(doc, n, BAD_CAST prefix);
        ck_assert_msg(found != NULL, "%s: prefix %s is not declared", expr, prefix);
        ck_assert_str_eq((const char *)found->href, ns);
        xmlFree(v);
}

static void assert_xpath_eq(xmlDoc *doc, const char *expr, const char *want)
{
        char *v = t_xpath_str(doc, expr);

        ck_assert_msg(!strcmp(v, want), "%s = \"%s\", expected \"%s\"", expr, v, want);
        free(v);
}

START_TEST(not_found_current)
{
        xmlDoc *doc = build(F_NOT_FOUND, "The shell was not found.", false);

        ck_assert_int_eq(t_xpath_count(doc, FAULT), 1);
        assert_xpath_eq(doc, FAULT "/s:Code/s:Value", "s:Sender");
        assert_qname(doc, FAULT "/s:Code/s:Value", NS_SOAP, "Sender");
        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WSA, "DestinationUnreachable");
        assert_xpath_eq(doc, FAULT "/s:Reason/s:Text/@xml:lang", "en-US");
        assert_xpath_eq(doc, FAULT "/s:Reason/s:Text", fault_row(F_NOT_FOUND)->reason);
        assert_xpath_eq(doc, FAULT "/s:Detail/f:WSManFault/@Code", "2150858752");
        assert_xpath_eq(doc, FAULT "/s:Detail/f:WSManFault/@Machine", MACHINE);
        assert_xpath_eq(doc, FAULT "/s:Detail/f:WSManFault/f:Message", "The shell was not found.");
        /* PROTOCOL.md 3.3: an instance not found names InvalidResourceURI */
        assert_xpath_eq(doc, FAULT "/s:Detail/w:FaultDetail", FAULT_DETAIL "InvalidResourceURI");
        ck_assert_int_eq(t_xpath_count(doc, "//f5:*"), 0);
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(timed_out_current)
{
        xmlDoc *doc = build(F_TIMED_OUT, NULL, false);
        char *msg;

        assert_qname(doc, FAULT "/s:Code/s:Value", NS_SOAP, "Receiver");
        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WSMAN, "TimedOut");
        assert_xpath_eq(doc, FAULT "/s:Detail/f:WSManFault/@Code", "2150858793");
        msg = t_xpath_str(doc, FAULT "/s:Detail/f:WSManFault/f:Message");
        ck_assert_ptr_nonnull(strstr(msg, "OperationTimeout"));
        free(msg);
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(soap_codes_without_subcode)
{
        xmlDoc *doc = build(F_MUST_UNDERSTAND, NULL, false);

        assert_qname(doc, FAULT "/s:Code/s:Value", NS_SOAP, "MustUnderstand");
        ck_assert_int_eq(t_xpath_count(doc, FAULT "/s:Code/s:Subcode"), 0);
        assert_xpath_eq(doc, FAULT "/s:Detail/f:WSManFault/@Code", "2150858768");
        xmlFreeDoc(doc);
        doc = build(F_VERSION_MISMATCH, NULL, false);
        assert_qname(doc, FAULT "/s:Code/s:Value", NS_SOAP, "VersionMismatch");
        ck_assert_int_eq(t_xpath_count(doc, FAULT "/s:Code/s:Subcode"), 0);
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(fault_detail_uri)
{
        xmlDoc *doc = build(F_INVALID_RESOURCE_URI, NULL, false);

        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WSA, "DestinationUnreachable");
        assert_xpath_eq(doc, FAULT "/s:Detail/w:FaultDetail", FAULT_DETAIL "InvalidResourceURI");
        assert_xpath_eq(doc, FAULT "/s:Detail/f:WSManFault/@Code", "2150858811");
        xmlFreeDoc(doc);
        doc = build(F_ADDRESSING_MODE, NULL, false);
        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WSMAN, "UnsupportedFeature");
        assert_xpath_eq(doc, FAULT "/s:Detail/w:FaultDetail", FAULT_DETAIL "AddressingMode");
        xmlFreeDoc(doc);
}
END_TEST

/* The rows for the request headers' limits and features (DSP0226 6.2, 7.7,
 * 6.3): their subcode, detail and code. */
START_TEST(header_rows)
{
        static const struct {
                enum fault_id id;
                const char *sub, *detail, *code;
        } rows[] = {
                { F_MIN_ENVELOPE, "EncodingLimit", "MinimumEnvelopeLimit", "2150858878" },
                { F_MAX_ENVELOPE_SIZE, "EncodingLimit", "MaxEnvelopeSize", "2150858824" },
                { F_FRAGMENT_ACCESS, "UnsupportedFeature", "FragmentLevelAccess", "2150858871" },
                { F_LOCALE, "UnsupportedFeature", "Locale", "2150858887" },
        };
        char want[256];

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                xmlDoc *doc = build(rows[i].id, NULL, false);
                assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WSMAN, rows[i].sub);
                snprintf(want, sizeof(want), FAULT_DETAIL "%s", rows[i].detail);
                assert_xpath_eq(doc, FAULT "/s:Detail/w:FaultDetail", want);
                assert_xpath_eq(doc, FAULT "/s:Detail/f:WSManFault/@Code", rows[i].code);
                xmlFreeDoc(doc);
        }
}
END_TEST

/* A request in the 2005/06 namespace: the WS-Management subcode and the
 * FaultDetail (element and URI) in it; other subcodes as they are. */
START_TEST(namespace_2005)
{
        struct writer w;
        struct sbuf d = { 0 };
        xmlDoc *doc;

        writer_init(&w, true);
        ck_assert_int_eq(fault_write_ns(&w, F_MIN_ENVELOPE, NULL, true, MACHINE, 0, NS_WSMAN_2005), 0);
        sbuf_adds(&d, "<s:Envelope xmlns:s=\"" NS_SOAP "\"><s:Body>");
        sbuf_add(&d, w.out.p, w.out.len);
        sbuf_adds(&d, "</s:Body></s:Envelope>");
        doc = xmlReadMemory(d.p, (int)d.len, NULL, NULL, XML_PARSE_NONET);
        ck_assert_ptr_nonnull(doc);
        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WSMAN_2005, "EncodingLimit");
        assert_xpath_eq(doc, FAULT "/s:Detail/w5:FaultDetail", FAULT_DETAIL_2005 "MinimumEnvelopeLimit");
        ck_assert_int_eq(t_xpath_count(doc, "//w:*"), 0);
        assert_xpath_eq(doc, LEGACY_CODE, "32894");
        xmlFreeDoc(doc);
        sbuf_free(&d);
        writer_free(&w);
        writer_init(&w, true);
        ck_assert_int_eq(fault_write_ns(&w, F_NOT_FOUND, NULL, true, MACHINE, 0, NS_WSMAN_2005), 0);
        ck_assert_ptr_nonnull(strstr(w.out.p, FAULT_DETAIL_2005 "InvalidResourceURI"));
        ck_assert_ptr_nonnull(strstr(w.out.p, "xmlns:a=\"" NS_WSA "\""));
        writer_free(&w);
        ck_assert_str_eq(fault_action_ns(F_MIN_ENVELOPE, NS_WSMAN_2005), NS_WSMAN_2005 "/fault");
        ck_assert_str_eq(fault_action_ns(F_NOT_FOUND, NS_WSMAN_2005), NS_WSA "/fault");
        ck_assert_str_eq(fault_action_ns(F_MIN_ENVELOPE, NS_WSMAN), fault_action(F_MIN_ENVELOPE));
}
END_TEST

static const struct {
        enum fault_id id;
        const char *code;
        const char *sub_ns, *sub_local;
} legacy_rows[] = {
        { F_NOT_FOUND, "32768", NS_WSA, "DestinationUnreachable" },
        { F_SCHEMA, "32833", NS_WSMAN, "SchemaValidationError" },
        { F_CERT_NOT_FOUND, "32898", NS_WSMAN, "InvalidParameter" },
};

#define LEGACY FAULT "/s:Detail/f5:WSManFault"
#define LEGACY_INNER LEGACY "/f5:Message/f5:ProviderFault/f5:WSManFault"

START_TEST(legacy_shape)
{
        static const char msg[] = "Input xml contained an unrecognized xml element <enabled>.";
        xmlDoc *doc = build(legacy_rows[_i].id, msg, true);
        char *pid;

        assert_qname(doc, FAULT "/s:Code/s:Value", NS_SOAP, "Sender");
        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", legacy_rows[_i].sub_ns, legacy_rows[_i].sub_local);
        ck_assert_int_eq(t_xpath_count(doc, LEGACY), 1);
        assert_xpath_eq(doc, LEGACY "/@Code", legacy_rows[_i].code);
        assert_xpath_eq(doc, LEGACY "/@Machine", MACHINE);
        ck_assert_int_eq(t_xpath_count(doc, LEGACY_INNER), 1);
        assert_xpath_eq(doc, LEGACY_INNER "/@Code", legacy_rows[_i].code);
        ck_assert_int_eq(t_xpath_count(doc, LEGACY_INNER "/@Machine"), 1);
        assert_xpath_eq(doc, LEGACY_INNER "/@Machine", "");
        assert_xpath_eq(doc, LEGACY_INNER "/f5:Message", msg);
        pid = t_xpath_str(doc, LEGACY "/f5:Message/f5:ProviderFault/@providerId");
        ck_assert_uint_eq(strlen(pid), 36);
        free(pid);
        /* Nothing in the current WSManFault namespace. */
        ck_assert_int_eq(t_xpath_count(doc, "//f:*"), 0);
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(legacy_default_message)
{
        xmlDoc *doc = build(F_NOT_FOUND, NULL, true);

        assert_xpath_eq(doc, LEGACY_INNER "/f5:Message", fault_row(F_NOT_FOUND)->reason);
        xmlFreeDoc(doc);
}
END_TEST

/* A Put that changes a read-only element: DSP0226's ReadOnly detail on
 * x:InvalidRepresentation, in both shapes. */
START_TEST(read_only_detail)
{
        for (int legacy = 0; legacy < 2; legacy++) {
                xmlDoc *doc = build(fault_from_status(WINRMD_E_READ_ONLY), "Address names the listener.", legacy);
                assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WXF, "InvalidRepresentation");
                assert_xpath_eq(doc, FAULT "/s:Detail/w:FaultDetail",
                                "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/ReadOnly");
                assert_xpath_eq(doc, legacy ? LEGACY "/@Code" : FAULT "/s:Detail/f:WSManFault/@Code",
                                legacy ? "32789" : "2150858773");
                xmlFreeDoc(doc);
        }
        ck_assert_str_eq(fault_action(F_READ_ONLY), NS_WXF "/fault");
}
END_TEST

/* Every row, both shapes: one Fault, resolvable QNames, the table's code. */
START_TEST(every_row)
{
        enum fault_id id = (enum fault_id)_i;
        const struct fault_row *r = fault_row(id);
        char code[32], detail[256];

        ck_assert_int_eq(r->id, id);
        ck_assert_ptr_nonnull(r->code);
        ck_assert_ptr_nonnull(r->reason);
        for (int legacy = 0; legacy < 2; legacy++) {
                xmlDoc *doc = build(id, NULL, legacy);

                ck_assert_int_eq(t_xpath_count(doc, FAULT), 1);
                assert_qname(doc, FAULT "/s:Code/s:Value", NS_SOAP, r->code);
                if (r->sub_ns)
                        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", r->sub_ns, r->sub_local);
                else
                        ck_assert_int_eq(t_xpath_count(doc, FAULT "/s:Code/s:Subcode"), 0);
                assert_xpath_eq(doc, FAULT "/s:Reason/s:Text", r->reason);
                if (r->detail) {
                        snprintf(detail, sizeof(detail), FAULT_DETAIL "%s", r->detail);
                        assert_xpath_eq(doc, FAULT "/s:Detail/w:FaultDetail", detail);
                } else {
                        ck_assert_int_eq(t_xpath_count(doc, FAULT "/s:Detail/w:FaultDetail"), 0);
                }
                snprintf(code, sizeof(code), "%u",
                         legacy ? (unsigned)(r->wsman_code & 0xffffu) : (unsigned)r->wsman_code);
                assert_xpath_eq(doc, legacy ? LEGACY "/@Code" : FAULT "/s:Detail/f:WSManFault/@Code", code);
                xmlFreeDoc(doc);
        }
}
END_TEST

/* The envelope may use another SOAP prefix, or bind a subcode prefix to an
 * unrelated namespace: the QNames must still resolve correctly. */
START_TEST(foreign_prefixes)
{
        xmlDoc *doc = build_ex(F_NOT_FOUND, NULL, false, "env", NULL, NULL);

        ck_assert_int_eq(t_xpath_count(doc, FAULT), 1);
        assert_qname(doc, FAULT "/s:Code/s:Value", NS_SOAP, "Sender");
        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WSA, "DestinationUnreachable");
        xmlFreeDoc(doc);
        doc = build_ex(F_NOT_FOUND, NULL, false, "s", "a", "urn:not-addressing");
        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WSA, "DestinationUnreachable");
        xmlFreeDoc(doc);
        doc = build_ex(F_ACCESS_DENIED, NULL, false, "s", "w", "urn:not-wsman");
        assert_qname(doc, FAULT "/s:Code/s:Subcode/s:Value", NS_WSMAN, "AccessDenied");
        xmlFreeDoc(doc);
        doc = build_ex(F_INVALID_RESOURCE_URI, NULL, false, "s", "w", "urn:not-wsman");
        assert_xpath_eq(doc, FAULT "/s:Detail/w:FaultDetail", FAULT_DETAIL "InvalidResourceURI");
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(actions_by_subcode_namespace)
{
        static const char wsman_fault[] = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault";

        ck_assert_str_eq(fault_action(F_NOT_FOUND), NS_WSA "/fault");
        ck_assert_str_eq(fault_action(F_HEADER_REQUIRED), NS_WSA "/fault");
        ck_assert_str_eq(fault_action(F_ACTION_NOT_SUPPORTED), NS_WSA "/fault");
        ck_assert_str_eq(fault_action(F_INVALID_REPRESENTATION), NS_WXF "/fault");
        ck_assert_str_eq(fault_action(F_INVALID_ENUM_CONTEXT), NS_WSEN "/fault");
        ck_assert_str_eq(fault_action(F_FILTER_DIALECT), NS_WSEN "/fault");
        ck_assert_str_eq(fault_action(F_ACCESS_DENIED), wsman_fault);
        ck_assert_str_eq(fault_action(F_TIMED_OUT), wsman_fault);
        ck_assert_str_eq(fault_action(F_SCHEMA), wsman_fault);
        ck_assert_str_eq(fault_action(F_MUST_UNDERSTAND), wsman_fault);
        for (int i = 0; i < F_COUNT; i++) {
                const struct fault_row *r = fault_row((enum fault_id)i);
                const char *a = fault_action((enum fault_id)i);
                if (r->sub_ns && strcmp(r->sub_ns, NS_WSMAN))
                        ck_assert_msg(!strncmp(a, r->sub_ns, strlen(r->sub_ns)), "row %d: %s", i, a);
                else
                        ck_assert_str_eq(a, wsman_fault);
        }
}
END_TEST

START_TEST(from_status)
{
        static const struct {
                winrmd_status st;
                enum fault_id f;
        } map[] = {
                { WINRMD_E_NOT_FOUND, F_NOT_FOUND },
                { WINRMD_E_SCHEMA, F_SCHEMA },
                { WINRMD_E_EXISTS, F_ALREADY_EXISTS },
                { WINRMD_E_DENIED, F_ACCESS_DENIED },
                { WINRMD_E_UNSUPPORTED, F_ACTION_MISMATCH },
                { WINRMD_E_INTERNAL, F_INTERNAL },
                { WINRMD_E_SELECTORS, F_INVALID_SELECTORS },
                { WINRMD_E_INVALID_VALUE, F_INVALID_PARAMETER },
                { WINRMD_E_READ_ONLY, F_READ_ONLY },
                { WINRMD_E_CERT_NOT_FOUND, F_CERT_NOT_FOUND },
                { WINRMD_E_QUOTA, F_QUOTA_LIMIT },
                { WINRMD_E_TIMED_OUT, F_TIMED_OUT },
                { WINRMD_E_BUSY, F_CONCURRENCY },
                /* Not errors, or unknown: never a success or a crash. */
                { WINRMD_OK, F_INTERNAL },
                { WINRMD_PENDING, F_INTERNAL },
                { (winrmd_status)77, F_INTERNAL },
        };

        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                ck_assert_msg(fault_from_status(map[i].st) == map[i].f, "status %d -> %d, expected %d",
                              (int)map[i].st, (int)fault_from_status(map[i].st), (int)map[i].f);
        /* The seed's three codes, as low words. */
        ck_assert_uint_eq(fault_row(fault_from_status(WINRMD_E_NOT_FOUND))->wsman_code & 0xffff, 32768);
        ck_assert_uint_eq(fault_row(fault_from_status(WINRMD_E_SCHEMA))->wsman_code & 0xffff, 32833);
        ck_assert_uint_eq(fault_row(fault_from_status(WINRMD_E_CERT_NOT_FOUND))->wsman_code & 0xffff, 32898);
}
END_TEST

START_TEST(row_out_of_range)
{
        ck_assert_int_eq(fault_row(F_COUNT)->id, F_INTERNAL);
        ck_assert_int_eq(fault_row((enum fault_id)1000)->id, F_INTERNAL);
        ck_assert_str_eq(fault_action(F_COUNT), "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault");
}
END_TEST

START_TEST(machine_name)
{
        const char *m = fault_machine();

        ck_assert_ptr_nonnull(m);
        ck_assert_uint_gt(strlen(m), 0);
        ck_assert_ptr_eq(fault_machine(), m);
}
END_TEST

Suite *fault_suite(void)
{
        Suite *s = suite_create("fault");
        TCase *tc = tcase_create("build");
        TCase *tab = tcase_create("table");

        tcase_add_test(tc, not_found_current);
        tcase_add_test(tc, timed_out_current);
        tcase_add_test(tc, soap_codes_without_subcode);
        tcase_add_test(tc, fault_detail_uri);
        tcase_add_test(tc, read_only_detail);
        tcase_add_test(tc, header_rows);
        tcase_add_test(tc, namespace_2005);
        tcase_add_loop_test(tc, legacy_shape, 0, (int)(sizeof(legacy_rows) / sizeof(legacy_rows[0])));
        tcase_add_test(tc, legacy_default_message);
        tcase_add_loop_test(tc, every_row, 0, F_COUNT);
        tcase_add_test(tc, foreign_prefixes);
        suite_add_tcase(s, tc);

        tcase_add_test(tab, actions_by_subcode_namespace);
        tcase_add_test(tab, from_status);
        tcase_add_test(tab, row_out_of_range);
        tcase_add_test(tab, machine_name);
        suite_add_tcase(s, tab);
        return s;
}
