/* test_writer.c - the checked reply writer: what it writes parses as XML
 * with the namespaces intended, and every rule a provider can break is
 * refused (the first broken rule fails every later write) - and the record
 * text form that durable records use. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>
#include <libxml/parser.h>

#include "record.h"
#include "tests.h"
#include "writer.h"

/* Parses w's output inside a root that declares the envelope's prefixes. */
static xmlDoc *parse(const struct writer *w)
{
        struct sbuf s = { 0 };
        xmlDoc *d;

        sbuf_adds(&s, "<r xmlns:s=\"urn:s\" xmlns:a=\"urn:a\" xmlns:w=\"urn:w\">");
        sbuf_add(&s, w->out.p, w->out.len);
        sbuf_adds(&s, "</r>");
        d = xmlReadMemory(s.p, (int)s.len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        sbuf_free(&s);
        return d;
}

START_TEST(writes_what_parses)
{
        struct writer w;
        xmlDoc *d;
        xmlNode *e;

        writer_init(&w, false);
        ck_assert_int_eq(writer_begin(&w, "urn:x", "x1:Item"), 0);
        ck_assert_int_eq(writer_attr(&w, "Name", "a\"b<c>&\td\ne"), 0);
        ck_assert_int_eq(writer_text(&w, "Leaf", "1 < 2 & \r\n"), 0);
        ck_assert_int_eq(writer_text(&w, "Empty", NULL), 0);
        ck_assert_int_eq(writer_begin(&w, NULL, "Inner"), 0);
        ck_assert_int_eq(writer_content(&w, "caf\xc3\xa9 \xf0\x9f\x98\x80"), 0);
        ck_assert_int_eq(writer_end(&w), 0);
        ck_assert_int_eq(writer_begin(&w, "urn:y", "Default"), 0);   /* default namespace */
        ck_assert_int_eq(writer_end(&w), 0);
        ck_assert_int_eq(writer_end(&w), 0);
        ck_assert_int_eq(writer_finish(&w), 0);
        ck_assert_uint_eq(w.top, 1);
        d = parse(&w);
        ck_assert_ptr_nonnull(d);
        e = xmlDocGetRootElement(d)->children;
        ck_assert_str_eq((const char *)e->ns->href, "urn:x");
        {
                xmlChar *name = xmlGetProp(e, BAD_CAST "Name"), *leaf = xmlNodeGetContent(e->children);
                ck_assert_str_eq((const char *)name, "a\"b<c>&\td\ne");
                ck_assert_str_eq((const char *)leaf, "1 < 2 & \r\n");
                xmlFree(name);
                xmlFree(leaf);
        }
        ck_assert_str_eq((const char *)e->children->ns->href, "urn:x");
        ck_assert_str_eq((const char *)e->last->ns->href, "urn:y");
        xmlFreeDoc(d);
        writer_free(&w);
}
END_TEST

/* One write breaks a rule: it fails, and so does every write after it. */
static void refused(int (*step)(struct writer *), const char *rule)
{
        struct writer w;

        writer_init(&w, false);
        ck_assert_int_lt(step(&w), 0);
        ck_assert(writer_failed(&w));
        ck_assert_msg(strstr(w.error, rule) != NULL, "error \"%s\" does not say \"%s\"", w.error, rule);
        ck_assert_int_eq(writer_begin(&w, "urn:x", "t:Later"), -EINVAL);
        writer_free(&w);
}

static int top_without_ns(struct writer *w) { return writer_begin(w, NULL, "Item"); }
static int soap_ns(struct writer *w) { return writer_begin(w, "http://www.w3.org/2003/05/soap-envelope", "s:Fault"); }
static int shadow_s(struct writer *w) { return writer_begin(w, "urn:x", "s:Item"); }
static int shadow_xml(struct writer *w) { return writer_begin(w, "urn:x", "xmlfoo:Item"); }
static int bad_name(struct writer *w) { return writer_begin(w, "urn:x", "t:1a"); }
static int colon_name(struct writer *w) { return writer_begin(w, "urn:x", "t:a:b"); }
static int null_name(struct writer *w) { return writer_begin(w, "urn:x", NULL); }
static int ctl_text(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_text(w, "V", "a\001b");
}
static int bad_utf8(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_text(w, "V", "a\xc3");
}
static int surrogate(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_text(w, "V", "\xed\xa0\x80");
}
static int fffe(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_content(w, "\xef\xbf\xbe");
}
static int attr_ctl(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_attr(w, "A", "\033");
}
static int attr_twice(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        writer_attr(w, "A", "1");
        return writer_attr(w, "A", "2");
}
static int attr_late(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        writer_text(w, "V", "1");
        return writer_attr(w, "A", "2");
}
static int attr_xmlns(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_attr(w, "xmlns", "urn:y");
}
static int attr_prefixed(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_attr(w, "y:A", "1");
}
static int end_nothing(struct writer *w) { return writer_end(w); }
static int leaf_outside(struct writer *w) { return writer_text(w, "V", "1"); }
static int left_open(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_finish(w);
}
static int prefix_no_ns(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_begin(w, "", "u:J");
}
static int xmlns_untrusted(struct writer *w)
{
        writer_begin(w, "urn:x", "t:I");
        return writer_xmlns(w, "y", "urn:y");
}

START_TEST(rules)
{
        refused(top_without_ns, "declares no namespace");
        refused(soap_ns, "SOAP envelope namespace");
        refused(shadow_s, "redeclares the envelope's prefix");
        refused(shadow_xml, "redeclares the envelope's prefix");
        refused(bad_name, "not an XML element name");
        refused(colon_name, "not an XML element name");
        refused(null_name, "without a name");
        refused(ctl_text, "characters XML cannot carry");
        refused(bad_utf8, "characters XML cannot carry");
        refused(surrogate, "characters XML cannot carry");
        refused(fffe, "text that XML cannot carry");
        refused(attr_ctl, "characters XML cannot carry");
        refused(attr_twice, "given twice");
        refused(attr_late, "after the element's content");
        refused(attr_xmlns, "declares a namespace");
        refused(attr_prefixed, "not an attribute name");
        refused(end_nothing, "an end without an open element");
        refused(leaf_outside, "outside any element");
        refused(left_open, "was left open");
        refused(prefix_no_ns, "binds a prefix to no namespace");
        refused(xmlns_untrusted, "does not take");
}
END_TEST

START_TEST(limits_and_items)
{
        struct writer w;

        writer_init(&w, false);
        for (int i = 0; i < WRITER_DEPTH; i++)
                ck_assert_int_eq(writer_begin(&w, i ? NULL : "urn:x", "t:D"), 0);
        ck_assert_int_eq(writer_begin(&w, NULL, "t:D"), -E2BIG);
        writer_free(&w);

        writer_init(&w, false);
        w.limit = 64;
        ck_assert_int_eq(writer_begin(&w, "urn:x", "t:I"), 0);
        ck_assert_int_eq(writer_text(&w, "V", "0123456789012345678901234567890123456789012345678901234567890"),
                         -E2BIG);
        writer_free(&w);

        /* items: where each top-level element ends */
        writer_init(&w, false);
        w.keep_tops = true;
        for (int i = 0; i < 3; i++) {
                writer_begin(&w, "urn:x", "t:I");
                writer_end(&w);
        }
        ck_assert_uint_eq(w.n_tops, 3);
        ck_assert_uint_eq(w.tops[2], w.out.len);
        ck_assert_uint_eq(w.tops[0] * 3, w.out.len);
        writer_free(&w);

        /* the core's own writer may name the envelope's prefixes */
        writer_init(&w, true);
        ck_assert_int_eq(writer_begin(&w, NULL, "s:Fault"), 0);
        ck_assert_int_eq(writer_begin(&w, NULL, "Value"), 0);
        ck_assert_int_eq(writer_xmlns(&w, "a", "urn:a"), 0);
        ck_assert_int_eq(writer_content(&w, "a:Thing"), 0);
        ck_assert_int_eq(writer_end(&w), 0);
        ck_assert_int_eq(writer_end(&w), 0);
        ck_assert_int_eq(writer_finish(&w), 0);
        ck_assert(!strncmp(w.out.p, "<s:Fault><s:Value xmlns:a=\"urn:a\">a:Thing</s:Value></s:Fault>", w.out.len));
        writer_free(&w);
}
END_TEST

START_TEST(records)
{
        const char *names[] = { "uri", "sddl", "note" }, *values[] = { "urn:a b%c=d", "O:BA", "line\tbreak" };
        char text[256], out[64];

        ck_assert_int_eq(record_format(names, values, 3, text, sizeof(text)), 0);
        ck_assert_str_eq(text, "uri=urn:a%20b%25c%3Dd sddl=O:BA note=line%09break");
        ck_assert_int_eq(record_field(text, "uri", out, sizeof(out)), 0);
        ck_assert_str_eq(out, "urn:a b%c=d");
        ck_assert_int_eq(record_field(text, "note", out, sizeof(out)), 0);
        ck_assert_str_eq(out, "line\tbreak");
        ck_assert_int_eq(record_field(text, "ur", out, sizeof(out)), -ENOENT);
        ck_assert_int_eq(record_field(text, "sddl", out, 3), -E2BIG);
        /* bad names, repeated names, values that are not text */
        {
                const char *bad[] = { "a-b" }, *twice[] = { "a", "a" }, *v2[] = { "1", "2" }, *ctl[] = { "\001" };
                ck_assert_int_eq(record_format(bad, values, 1, text, sizeof(text)), -EINVAL);
                ck_assert_int_eq(record_format(twice, v2, 2, text, sizeof(text)), -EINVAL);
                ck_assert_int_eq(record_format(names, ctl, 1, text, sizeof(text)), -EINVAL);
                ck_assert_int_eq(record_format(names, values, 3, text, 10), -E2BIG);
        }
}
END_TEST

Suite *writer_suite(void)
{
        Suite *s = suite_create("writer");
        TCase *tc = tcase_create("writer");

        tcase_add_test(tc, writes_what_parses);
        tcase_add_test(tc, rules);
        tcase_add_test(tc, limits_and_items);
        tcase_add_test(tc, records);
        suite_add_tcase(s, tc);
        return s;
}
