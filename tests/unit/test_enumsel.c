/* test_enumsel.c - the parts of an Enumerate the core reads itself: the
 * EnumerationMode values of DSP0226 8.7, the SelectorFilter dialect (and
 * every malformed filter), matching items' selectors against a filter,
 * and an item rendered as an EPR or as w:Item. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "enumsel.h"
#include "envelope.h"
#include "tests.h"

#define ENUM_OPEN "<n:Enumerate xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\"" \
        " xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"" \
        " xmlns:w5=\"http://schemas.xmlsoap.org/ws/2005/06/management\">"
#define ENUM_CLOSE "</n:Enumerate>"
#define SF "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"

/* Reads the Enumerate element body (its content) into r; returns what
 * enumsel_read() did, the fault in *f. */
static int read_body(const char *content, struct enumsel_req *r, enum fault_id *f, char *msg, size_t len)
{
        char *text = malloc(strlen(content) + sizeof(ENUM_OPEN) + sizeof(ENUM_CLOSE));
        xmlDoc *doc;
        int ret;

        ck_assert_ptr_nonnull(text);
        strcpy(text, ENUM_OPEN);
        strcat(text, content);
        strcat(text, ENUM_CLOSE);
        doc = env_parse_xml(text, strlen(text));
        ck_assert_ptr_nonnull(doc);
        ret = enumsel_read(xmlDocGetRootElement(doc), r, f, msg, len);
        xmlFreeDoc(doc);
        free(text);
        return ret;
}

/* Expects content to be refused with fault want, the message holding part. */
static void refused(const char *content, enum fault_id want, const char *part)
{
        struct enumsel_req r;
        enum fault_id f = F_COUNT;
        char msg[512] = "";

        ck_assert_int_eq(read_body(content, &r, &f, msg, sizeof(msg)), -EINVAL);
        ck_assert_int_eq(f, want);
        ck_assert_msg(strstr(msg, part), "%s: message '%s' lacks '%s'", content, msg, part);
        ck_assert(!r.filtered && !r.filter);
}

START_TEST(modes)
{
        struct enumsel_req r;
        enum fault_id f;
        char msg[256];

        ck_assert_int_eq(read_body("", &r, &f, msg, sizeof(msg)), 0);
        ck_assert_int_eq(r.mode, ENUM_MODE_OBJECT);
        ck_assert(!enumsel_needs_names(&r));
        ck_assert_int_eq(read_body("<w:EnumerationMode>EnumerateEPR</w:EnumerationMode>", &r, &f, msg, sizeof(msg)), 0);
        ck_assert_int_eq(r.mode, ENUM_MODE_EPR);
        ck_assert(enumsel_needs_names(&r));
        ck_assert_int_eq(read_body("<w:OptimizeEnumeration/><w:EnumerationMode> EnumerateObjectAndEPR\n"
                                   "</w:EnumerationMode>", &r, &f, msg, sizeof(msg)), 0);
        ck_assert_int_eq(r.mode, ENUM_MODE_OBJECT_AND_EPR);
        /* the 2005/06 namespace too */
        ck_assert_int_eq(read_body("<w5:EnumerationMode>EnumerateEPR</w5:EnumerationMode>", &r, &f, msg, sizeof(msg)), 0);
        ck_assert_int_eq(r.mode, ENUM_MODE_EPR);
        enumsel_req_free(&r);

        refused("<w:EnumerationMode>EnumerateObject</w:EnumerationMode>", F_ENUMERATION_MODE, "EnumerateObject is not");
        refused("<w:EnumerationMode>enumerateepr</w:EnumerationMode>", F_ENUMERATION_MODE, "enumerateepr");
        refused("<w:EnumerationMode/>", F_ENUMERATION_MODE, "EnumerateEPR and EnumerateObjectAndEPR");
        refused("<w:EnumerationMode>EnumerateEPR</w:EnumerationMode><w:EnumerationMode>EnumerateEPR</w:EnumerationMode>",
                F_ENUMERATION_MODE, "twice");
}
END_TEST

START_TEST(selector_filter)
{
        struct enumsel_req r;
        enum fault_id f;
        char msg[256];

        ck_assert_int_eq(read_body("<w:Filter Dialect=\"" SF "\"><w:SelectorSet>"
                                   "<w:Selector Name=\"Address\">*</w:Selector>"
                                   "<w:Selector Name=\"Transport\"> HTTP </w:Selector>"
                                   "</w:SelectorSet></w:Filter>", &r, &f, msg, sizeof(msg)), 0);
        ck_assert(r.filtered);
        ck_assert(enumsel_needs_names(&r));
        ck_assert_uint_eq(r.filter_len, sizeof("Address\0*\0Transport\0HTTP\0") - 1);
        ck_assert_mem_eq(r.filter, "Address\0*\0Transport\0HTTP\0", r.filter_len);
        enumsel_req_free(&r);
        ck_assert_ptr_null(r.filter);

        /* WS-Enumeration's own Filter element, WinRM's alias of the dialect */
        ck_assert_int_eq(read_body("<n:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/wsman/SelectorFilter\">"
                                   "<w:SelectorSet><w:Selector Name=\"ShellId\">X</w:Selector></w:SelectorSet>"
                                   "</n:Filter>", &r, &f, msg, sizeof(msg)), 0);
        ck_assert(r.filtered);
        enumsel_req_free(&r);
        /* an empty set matches every item */
        ck_assert_int_eq(read_body("<w:Filter Dialect=\"" SF "\"><w:SelectorSet/></w:Filter>", &r, &f, msg, sizeof(msg)), 0);
        ck_assert(r.filtered);
        ck_assert_uint_eq(r.filter_len, 0);
        enumsel_req_free(&r);
}
END_TEST

START_TEST(filters_refused)
{
        refused("<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">select * from x</w:Filter>",
                F_FILTER_DIALECT, "WQL is not supported");
        refused("<w:Filter>/a/b</w:Filter>", F_FILTER_DIALECT, "without a Dialect");
        refused("<w:Filter Dialect=\"" SF "\">Name=x</w:Filter>", F_CANNOT_PROCESS_FILTER, "no text");
        refused("<w:Filter Dialect=\"" SF "\"/>", F_CANNOT_PROCESS_FILTER, "exactly one w:SelectorSet");
        refused("<w:Filter Dialect=\"" SF "\"><w:SelectorSet/><w:SelectorSet/></w:Filter>", F_CANNOT_PROCESS_FILTER,
                "exactly one");
        refused("<w:Filter Dialect=\"" SF "\"><w:Selector Name=\"a\">b</w:Selector></w:Filter>", F_CANNOT_PROCESS_FILTER,
                "exactly one");
        refused("<w:Filter Dialect=\"" SF "\"><w:SelectorSet><w:Selector>b</w:Selector></w:SelectorSet></w:Filter>",
                F_CANNOT_PROCESS_FILTER, "no Name");
        refused("<w:Filter Dialect=\"" SF "\"><w:SelectorSet><w:Selector Name=\"\">b</w:Selector></w:SelectorSet>"
                "</w:Filter>", F_CANNOT_PROCESS_FILTER, "no Name");
        refused("<w:Filter Dialect=\"" SF "\"><w:SelectorSet><w:Option Name=\"a\">b</w:Option></w:SelectorSet>"
                "</w:Filter>", F_CANNOT_PROCESS_FILTER, "holds Option");
        refused("<w:Filter Dialect=\"" SF "\"><w:SelectorSet><w:Selector Name=\"a\">1</w:Selector>"
                "<w:Selector Name=\"A\">2</w:Selector></w:SelectorSet></w:Filter>", F_CANNOT_PROCESS_FILTER, "twice");
        refused("<w:Filter Dialect=\"" SF "\"><w:SelectorSet><w:Selector Name=\"e\"><a:EndpointReference "
                "xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\"/></w:Selector></w:SelectorSet>"
                "</w:Filter>", F_CANNOT_PROCESS_FILTER, "holds an element");
        refused("<w:Filter Dialect=\"" SF "\"><w:SelectorSet/></w:Filter><w:Filter Dialect=\"" SF "\">"
                "<w:SelectorSet/></w:Filter>", F_CANNOT_PROCESS_FILTER, "Only one Filter");
}
END_TEST

START_TEST(too_many_filter_selectors)
{
        char *body = malloc(ENUMSEL_MAX * 64 + 256), *p = body;

        ck_assert_ptr_nonnull(body);
        p += sprintf(p, "<w:Filter Dialect=\"" SF "\"><w:SelectorSet>");
        for (int i = 0; i <= ENUMSEL_MAX; i++)
                p += sprintf(p, "<w:Selector Name=\"s%d\">v</w:Selector>", i);
        strcpy(p, "</w:SelectorSet></w:Filter>");
        refused(body, F_CANNOT_PROCESS_FILTER, "more than 64");
        free(body);
}
END_TEST

START_TEST(adding_and_matching)
{
        struct sbuf pairs = { 0 };
        size_t second;

        ck_assert_int_eq(enumsel_add(&pairs, 0, "Address", "*"), 0);
        ck_assert_int_eq(enumsel_add(&pairs, 0, "Transport", "HTTP"), 0);
        ck_assert_int_eq(enumsel_add(&pairs, 0, "address", "x"), -EEXIST);
        ck_assert_int_eq(enumsel_add(&pairs, 0, "", "x"), -EINVAL);
        ck_assert_int_eq(enumsel_add(&pairs, 0, "Bad", "a\001b"), -EINVAL);
        ck_assert_int_eq(enumsel_add(&pairs, 0, NULL, "x"), -EINVAL);
        /* a second item's pairs start after the first's: names may repeat */
        second = pairs.len;
        ck_assert_int_eq(enumsel_add(&pairs, second, "Address", "IP:1"), 0);

        /* names without case, values exactly; every filter selector must match */
        ck_assert(enumsel_match(pairs.p, second, "address\0*\0", 10));
        ck_assert(enumsel_match(pairs.p, second, "TRANSPORT\0HTTP\0Address\0*\0", 25));
        ck_assert(!enumsel_match(pairs.p, second, "Transport\0http\0", 15));
        ck_assert(!enumsel_match(pairs.p, second, "Address\0*\0Port\0" "5985\0", 20));
        ck_assert(enumsel_match(pairs.p, second, "", 0));
        ck_assert(!enumsel_match(pairs.p + second, pairs.len - second, "Address\0*\0", 10));
        ck_assert(enumsel_match(NULL, 0, NULL, 0));
        ck_assert(!enumsel_match(NULL, 0, "a\0b\0", 4));
        sbuf_free(&pairs);

        for (int i = 0; i < ENUMSEL_MAX; i++) {
                char name[16];
                snprintf(name, sizeof(name), "n%d", i);
                ck_assert_int_eq(enumsel_add(&pairs, 0, name, "v"), 0);
        }
        ck_assert_int_eq(enumsel_add(&pairs, 0, "one-more", "v"), -E2BIG);
        sbuf_free(&pairs);
}
END_TEST

/* Renders an item and parses it inside a document declaring a and w. */
static xmlDoc *rendered(enum enum_mode mode, const char *pairs, size_t len)
{
        static const char item[] = "<p:L xmlns:p=\"urn:x\"><p:Port>80</p:Port></p:L>";
        struct sbuf o = { 0 };
        xmlDoc *doc;

        sbuf_adds(&o, "<r xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
                      "xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\">");
        ck_assert_int_eq(enumsel_render(&o, mode, "http://x/res?a&b", item, strlen(item), pairs, len), 0);
        sbuf_adds(&o, "</r>");
        doc = xmlReadMemory(o.p, (int)o.len, NULL, NULL, XML_PARSE_NONET);
        ck_assert_ptr_nonnull(doc);
        sbuf_free(&o);
        return doc;
}

static void assert_str(xmlDoc *doc, const char *expr, const char *want)
{
        char *got = t_xpath_str(doc, expr);

        ck_assert_str_eq(got, want);
        free(got);
}

START_TEST(rendering)
{
        static const char pairs[] = "Address\0<*>\0Transport\0\"HTTP\"\0";
        xmlDoc *doc = rendered(ENUM_MODE_EPR, pairs, sizeof(pairs) - 1);

        ck_assert_int_eq(t_xpath_count(doc, "/r/*"), 1);
        assert_str(doc, "/r/a:EndpointReference/a:Address", "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous");
        assert_str(doc, "/r/a:EndpointReference/a:ReferenceParameters/w:ResourceURI", "http://x/res?a&b");
        ck_assert_int_eq(t_xpath_count(doc, "//w:SelectorSet/w:Selector"), 2);
        assert_str(doc, "//w:Selector[1]/@Name", "Address");
        assert_str(doc, "//w:Selector[1]", "<*>");
        assert_str(doc, "//w:Selector[@Name='Transport']", "\"HTTP\"");
        xmlFreeDoc(doc);

        doc = rendered(ENUM_MODE_OBJECT_AND_EPR, pairs, sizeof(pairs) - 1);
        ck_assert_int_eq(t_xpath_count(doc, "/r/w:Item/*"), 2);
        assert_str(doc, "local-name(/r/w:Item/*[1])", "L");
        assert_str(doc, "local-name(/r/w:Item/*[2])", "EndpointReference");
        xmlFreeDoc(doc);

        /* a singleton: its ResourceURI alone, no SelectorSet */
        doc = rendered(ENUM_MODE_EPR, NULL, 0);
        ck_assert_int_eq(t_xpath_count(doc, "//w:ResourceURI"), 1);
        ck_assert_int_eq(t_xpath_count(doc, "//w:SelectorSet"), 0);
        xmlFreeDoc(doc);

        doc = rendered(ENUM_MODE_OBJECT, pairs, sizeof(pairs) - 1);
        assert_str(doc, "local-name(/r/*)", "L");
        ck_assert_int_eq(t_xpath_count(doc, "//a:EndpointReference"), 0);
        xmlFreeDoc(doc);
}
END_TEST

Suite *enumsel_suite(void)
{
        Suite *s = suite_create("enumsel");
        TCase *tc = tcase_create("enumsel");

        tcase_add_test(tc, modes);
        tcase_add_test(tc, selector_filter);
        tcase_add_test(tc, filters_refused);
        tcase_add_test(tc, too_many_filter_selectors);
        tcase_add_test(tc, adding_and_matching);
        tcase_add_test(tc, rendering);
        suite_add_tcase(s, tc);
        return s;
}
