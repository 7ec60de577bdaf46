/* test_envelope_hostile.c - env_parse() refuses hostile or broken documents
 * with the right fault, without expanding anything. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "ns.h"
#include "tests.h"

/* Parses buf and fails the test unless it is refused with fault want.  err
 * (may be NULL) receives the error for further checks. */
static void expect_fault_len(const char *buf, size_t len, enum fault_id want, struct env_error *ret)
{
        struct env_error err;
        struct env *e = NULL;
        int r;

        memset(&err, 0, sizeof(err));
        err.fault = F_COUNT;
        r = env_parse(buf, len, &e, &err);
        ck_assert_msg(r == -EINVAL, "env_parse accepted the document (r=%d)", r);
        ck_assert_ptr_null(e);
        ck_assert_msg(err.fault == want, "fault %d (%s), expected %d", (int)err.fault, err.detail,
                      (int)want);
        ck_assert_msg(err.detail[0] != '\0', "no detail for fault %d", (int)want);
        if (ret)
                *ret = err;
}

static void expect_fault(const char *xml, enum fault_id want, struct env_error *ret)
{
        expect_fault_len(xml, strlen(xml), want, ret);
}

static void expect_ok(const char *xml)
{
        struct env_error err;
        struct env *e = NULL;

        memset(&err, 0, sizeof(err));
        ck_assert_msg(env_parse(xml, strlen(xml), &e, &err) == 0, "refused: fault %d, %s",
                      (int)err.fault, err.detail);
        env_free(e);
}

/* A document that builds into *buf; caller frees. */
struct tbuf {
        char *p;
        size_t n, cap;
};

static void sb_add(struct tbuf *b, const char *s)
{
        size_t l = strlen(s);

        if (b->n + l + 1 > b->cap) {
                b->cap = (b->n + l + 1) * 2;
                b->p = realloc(b->p, b->cap);
                ck_assert_ptr_nonnull(b->p);
        }
        memcpy(b->p + b->n, s, l + 1);
        b->n += l;
}

START_TEST(doctype_refused)
{
        struct env_error err;

        expect_fault("<!DOCTYPE s:Envelope>" T_REQ("", ""), F_UNPARSABLE, &err);
        ck_assert_ptr_nonnull(strstr(err.detail, "document type"));
        /* An Identify is no exception. */
        expect_fault("<!DOCTYPE s:Envelope><s:Envelope xmlns:s=\"" NS_SOAP "\"><s:Body>"
                     "<i:Identify xmlns:i=\"" NS_WSMID "\"/></s:Body></s:Envelope>", F_UNPARSABLE, NULL);
}
END_TEST

START_TEST(billion_laughs)
{
        static const char xml[] =
                "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope ["
                "<!ENTITY l0 \"lol\">"
                "<!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\">"
                "<!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\">"
                "<!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">"
                "<!ENTITY l4 \"&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;\">"
                "<!ENTITY l5 \"&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;\">"
                "<!ENTITY l6 \"&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;\">"
                "<!ENTITY l7 \"&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;\">"
                "<!ENTITY l8 \"&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;\">"
                "<!ENTITY l9 \"&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;\">]>"
                T_REQ("<w:SelectorSet><w:Selector Name=\"x\">&l9;&l9;&l9;</w:Selector></w:SelectorSet>", "&l9;");

        expect_fault(xml, F_UNPARSABLE, NULL);
}
END_TEST

START_TEST(internal_entity)
{
        expect_fault("<!DOCTYPE s:Envelope [<!ENTITY e \"" ACT_GET "\">]>"
                     T_ENV_OPEN "<s:Header><a:Action>&e;</a:Action>" T_MSGID "</s:Header>"
                     T_BODY T_ENV_CLOSE, F_UNPARSABLE, NULL);
}
END_TEST

START_TEST(external_entity)
{
        expect_fault("<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                     T_REQ("<w:SelectorSet><w:Selector Name=\"x\">&xxe;</w:Selector></w:SelectorSet>", ""),
                     F_UNPARSABLE, NULL);
        expect_fault("<!DOCTYPE s:Envelope [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>"
                     T_REQ("", ""), F_UNPARSABLE, NULL);
        expect_fault("<!DOCTYPE s:Envelope SYSTEM \"http://127.0.0.1:1/x.dtd\">" T_REQ("", ""),
                     F_UNPARSABLE, NULL);
}
END_TEST

START_TEST(undeclared_entity)
{
        expect_fault(T_REQ("<w:SelectorSet><w:Selector Name=\"x\">&nope;</w:Selector></w:SelectorSet>", ""),
                     F_UNPARSABLE, NULL);
        expect_fault(T_REQ("", "&nope;"), F_UNPARSABLE, NULL);
}
END_TEST

START_TEST(invalid_utf8)
{
        expect_fault(T_REQ("<w:SelectorSet><w:Selector Name=\"x\">\xc3\x28</w:Selector></w:SelectorSet>", ""),
                     F_UNPARSABLE, NULL);
        /* Overlong encoding of '/' and a lone continuation byte. */
        expect_fault(T_REQ("", "<x:a xmlns:x=\"urn:x\">\xc0\xaf</x:a>"), F_UNPARSABLE, NULL);
        expect_fault(T_REQ("", "<x:a xmlns:x=\"urn:x\">\x80</x:a>"), F_UNPARSABLE, NULL);
        /* A UTF-16 surrogate encoded in UTF-8. */
        expect_fault(T_REQ("", "<x:a xmlns:x=\"urn:x\">\xed\xa0\x80</x:a>"), F_UNPARSABLE, NULL);
}
END_TEST

START_TEST(truncated)
{
        size_t len, end;
        char *body = t_capture_body("01-pywinrm-Create.http", &len);
        char *close = strstr(body, "</env:Envelope>");

        ck_assert_ptr_nonnull(close);
        end = (size_t)(close - body);
        expect_fault_len(body, 0, F_UNPARSABLE, NULL);
        for (size_t cut = 1; cut < end; cut += 41)
                expect_fault_len(body, cut, F_UNPARSABLE, NULL);
        expect_fault_len(body, end + 5, F_UNPARSABLE, NULL);
        free(body);
}
END_TEST

START_TEST(soap11)
{
        expect_fault("<e:Envelope xmlns:e=\"" NS_SOAP11 "\" xmlns:a=\"" NS_WSA "\"><e:Header>"
                     T_ACTION T_MSGID "</e:Header><e:Body/></e:Envelope>", F_VERSION_MISMATCH, NULL);
}
END_TEST

START_TEST(bad_structure)
{
        struct env_error err;

        expect_fault(T_ENV_OPEN "<s:Header>" T_HDR_STD "</s:Header>" T_ENV_CLOSE, F_UNPARSABLE, &err);
        ck_assert_ptr_nonnull(strstr(err.detail, "Body"));
        expect_fault(T_ENV_OPEN T_ENV_CLOSE, F_UNPARSABLE, NULL);
        expect_fault(T_ENV_OPEN T_BODY "<s:Header>" T_HDR_STD "</s:Header>" T_ENV_CLOSE, F_UNPARSABLE, NULL);
        expect_fault(T_ENV_OPEN "<s:Header>" T_HDR_STD "</s:Header>" T_BODY T_BODY T_ENV_CLOSE,
                     F_UNPARSABLE, NULL);
        expect_fault(T_ENV_OPEN "<s:Header>" T_HDR_STD "</s:Header><s:Extra/>" T_BODY T_ENV_CLOSE,
                     F_UNPARSABLE, NULL);
        expect_fault("<s:Body xmlns:s=\"" NS_SOAP "\"/>", F_UNPARSABLE, NULL);
        expect_fault("<Envelope><Body/></Envelope>", F_UNPARSABLE, NULL);
        expect_fault(T_REQ("", "") "<s:Envelope xmlns:s=\"" NS_SOAP "\"/>", F_UNPARSABLE, NULL);
}
END_TEST

/* A request whose body holds depth nested elements. */
static char *nested(int depth)
{
        struct tbuf b = { 0 };

        sb_add(&b, T_ENV_OPEN "<s:Header>" T_HDR_STD "</s:Header><s:Body>");
        for (int i = 0; i < depth; i++)
                sb_add(&b, "<x:d xmlns:x=\"urn:x\">");
        for (int i = 0; i < depth; i++)
                sb_add(&b, "</x:d>");
        sb_add(&b, "</s:Body>" T_ENV_CLOSE);
        return b.p;
}

START_TEST(too_deep)
{
        char *ok = nested(ENV_MAX_DEPTH - 8), *deep = nested(ENV_MAX_DEPTH + 1);
        char *very = nested(100000);

        expect_ok(ok);
        expect_fault(deep, F_UNPARSABLE, NULL);
        expect_fault(very, F_UNPARSABLE, NULL);
        free(ok);
        free(deep);
        free(very);
}
END_TEST

START_TEST(too_many_nodes)
{
        struct tbuf b = { 0 };

        sb_add(&b, T_ENV_OPEN "<s:Header>" T_HDR_STD "</s:Header><s:Body><x:l xmlns:x=\"urn:x\">");
        for (int i = 0; i < ENV_MAX_NODES + 1; i++)
                sb_add(&b, "<x:i/>");
        sb_add(&b, "</x:l></s:Body>" T_ENV_CLOSE);
        expect_fault(b.p, F_UNPARSABLE, NULL);
        free(b.p);
}
END_TEST

START_TEST(missing_action)
{
        struct env_error err;

        expect_fault(T_ENV_OPEN "<s:Header>" T_MSGID T_RURI "</s:Header>" T_BODY T_ENV_CLOSE,
                     F_HEADER_REQUIRED, &err);
        ck_assert_ptr_nonnull(strstr(err.detail, "Action"));
        ck_assert_str_eq(err.message_id, "uuid:11111111-2222-3333-4444-555555555555");
        expect_fault(T_ENV_OPEN T_BODY T_ENV_CLOSE, F_HEADER_REQUIRED, NULL);
        expect_fault(T_ENV_OPEN "<s:Header/><s:Body><x:Identify xmlns:x=\"urn:not-wsmid\"/></s:Body>"
                     T_ENV_CLOSE, F_HEADER_REQUIRED, NULL);
}
END_TEST

START_TEST(missing_message_id)
{
        struct env_error err;

        expect_fault(T_ENV_OPEN "<s:Header>" T_ACTION T_RURI "</s:Header>" T_BODY T_ENV_CLOSE,
                     F_HEADER_REQUIRED, &err);
        ck_assert_ptr_nonnull(strstr(err.detail, "MessageID"));
        ck_assert_str_eq(err.message_id, "");
}
END_TEST

START_TEST(reply_to_not_anonymous)
{
        struct env_error err;

        expect_fault(T_REQ("<a:ReplyTo><a:Address>http://attacker.example/</a:Address></a:ReplyTo>", ""),
                     F_ADDRESSING_MODE, &err);
        ck_assert_str_eq(err.message_id, "uuid:11111111-2222-3333-4444-555555555555");
}
END_TEST

START_TEST(bad_scalar_headers)
{
        expect_fault(T_REQ("<w:OperationTimeout>PT-1S</w:OperationTimeout>", ""), F_INVALID_HEADER, NULL);
        expect_fault(T_REQ("<w:OperationTimeout>60</w:OperationTimeout>", ""), F_INVALID_HEADER, NULL);
        expect_fault(T_REQ("<w:MaxEnvelopeSize>0</w:MaxEnvelopeSize>", ""), F_INVALID_HEADER, NULL);
        expect_fault(T_REQ("<w:MaxEnvelopeSize>15k</w:MaxEnvelopeSize>", ""), F_INVALID_HEADER, NULL);
        expect_fault(T_REQ("<w:MaxEnvelopeSize>99999999999</w:MaxEnvelopeSize>", ""), F_INVALID_HEADER, NULL);
        expect_fault(T_REQ(T_ACTION, ""), F_INVALID_HEADER, NULL);
        expect_fault(T_REQ(T_RURI, ""), F_INVALID_HEADER, NULL);
}
END_TEST

START_TEST(must_understand_unknown)
{
        struct env_error err;

        expect_fault(T_REQ("<v:Foo xmlns:v=\"urn:vendor\" s:mustUnderstand=\"true\">1</v:Foo>", ""),
                     F_MUST_UNDERSTAND, &err);
        ck_assert_str_eq(err.nu_name, "Foo");
        ck_assert_str_eq(err.nu_ns, "urn:vendor");
        ck_assert_str_eq(err.message_id, "uuid:11111111-2222-3333-4444-555555555555");
        /* "1" is xs:boolean true; an unknown header of a known namespace too. */
        expect_fault(T_REQ("<w:Bogus s:mustUnderstand=\"1\"/>", ""), F_MUST_UNDERSTAND, &err);
        ck_assert_str_eq(err.nu_name, "Bogus");
        ck_assert_str_eq(err.nu_ns, NS_WSMAN);
        /* Prefix other than "s", same SOAP namespace. */
        expect_fault(T_REQ("<v:Foo xmlns:v=\"urn:vendor\" xmlns:e=\"" NS_SOAP "\" e:mustUnderstand=\"true\"/>", ""),
                     F_MUST_UNDERSTAND, NULL);
}
END_TEST

START_TEST(must_understand_unqualified_or_false)
{
        expect_ok(T_REQ("<v:Foo xmlns:v=\"urn:vendor\" mustUnderstand=\"true\">1</v:Foo>", ""));
        expect_ok(T_REQ("<v:Foo xmlns:v=\"urn:vendor\" s:mustUnderstand=\"false\"/>", ""));
        expect_ok(T_REQ("<v:Foo xmlns:v=\"urn:vendor\" s:mustUnderstand=\"0\"/>", ""));
        expect_ok(T_REQ("<v:Foo xmlns:v=\"urn:vendor\"/>", ""));
}
END_TEST

START_TEST(bad_selectors_and_options)
{
        struct tbuf b = { 0 };
        char num[64];

        expect_fault(T_REQ("<w:SelectorSet><w:Selector>x</w:Selector></w:SelectorSet>", ""),
                     F_INVALID_SELECTORS, NULL);
        expect_fault(T_REQ("<w:SelectorSet><w:Selector Name=\"\">x</w:Selector></w:SelectorSet>", ""),
                     F_INVALID_SELECTORS, NULL);
        expect_fault(T_REQ("<w:OptionSet><w:Option>x</w:Option></w:OptionSet>", ""), F_INVALID_OPTIONS, NULL);
        sb_add(&b, T_ENV_OPEN "<s:Header>" T_HDR_STD "<w:SelectorSet>");
        for (int i = 0; i < ENV_MAX_SELECTORS + 1; i++) {
                snprintf(num, sizeof(num), "<w:Selector Name=\"k%d\">v</w:Selector>", i);
                sb_add(&b, num);
        }
        sb_add(&b, "</w:SelectorSet></s:Header>" T_BODY T_ENV_CLOSE);
        expect_fault(b.p, F_ENCODING_LIMIT, NULL);
        free(b.p);
}
END_TEST

Suite *envelope_hostile_suite(void)
{
        Suite *s = suite_create("envelope-hostile");
        TCase *bombs = tcase_create("entities");
        TCase *tc = tcase_create("structure");

        /* Entity tricks must be refused at once, never expanded. */
        tcase_set_timeout(bombs, 2);
        tcase_add_test(bombs, doctype_refused);
        tcase_add_test(bombs, billion_laughs);
        tcase_add_test(bombs, internal_entity);
        tcase_add_test(bombs, external_entity);
        tcase_add_test(bombs, undeclared_entity);
        suite_add_tcase(s, bombs);

        tcase_add_test(tc, invalid_utf8);
        tcase_add_test(tc, truncated);
        tcase_add_test(tc, soap11);
        tcase_add_test(tc, bad_structure);
        tcase_add_test(tc, too_deep);
        tcase_add_test(tc, too_many_nodes);
        tcase_add_test(tc, missing_action);
        tcase_add_test(tc, missing_message_id);
        tcase_add_test(tc, reply_to_not_anonymous);
        tcase_add_test(tc, bad_scalar_headers);
        tcase_add_test(tc, must_understand_unknown);
        tcase_add_test(tc, must_understand_unqualified_or_false);
        tcase_add_test(tc, bad_selectors_and_options);
        suite_add_tcase(s, tc);
        return s;
}
