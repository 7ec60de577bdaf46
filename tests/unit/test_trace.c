/* test_trace.c - SOAP trace redaction on the parsed tree: the whole content
 * of secret-named elements and the values of secret-named attributes are
 * masked, whatever hides them (processing instructions, child elements,
 * CDATA, comments); everything else is written again as it was parsed; a
 * message that does not parse is never shown.  Inputs are copied into
 * buffers of exactly their length, without a NUL, so valgrind sees any
 * overrun. */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "tests.h"

/* Redacts xml[0..len) from an exact-size copy; caller frees. */
static char *redact_n(const char *xml, size_t len)
{
        char *in = malloc(len ? len : 1);
        char *out;

        ck_assert_ptr_nonnull(in);
        if (len)
                memcpy(in, xml, len);
        out = trace_redact(in, len);
        free(in);
        ck_assert_ptr_nonnull(out);
        return out;
}

static void expect(const char *in, const char *want)
{
        char *out = redact_n(in, strlen(in));

        ck_assert_msg(!strcmp(out, want), "redact(\"%s\")\n = \"%s\"\nwant \"%s\"", in, out, want);
        free(out);
}

static void unchanged(const char *in)
{
        expect(in, in);
}

static void not_shown(const char *in)
{
        char *out = redact_n(in, strlen(in));

        ck_assert_msg(strstr(out, "not shown") != NULL && strchr(out, '<') == NULL,
                      "unparsable input shown: %s", out);
        free(out);
}

START_TEST(masks_password)
{
        expect("<Password>hunter2</Password>", "<Password>***</Password>");
        expect("<a><Password>hunter2</Password><b>x</b></a>",
               "<a><Password>***</Password><b>x</b></a>");
        expect("<cfg:Password xmlns:cfg=\"urn:x\">S3cr3t!</cfg:Password>",
               "<cfg:Password xmlns:cfg=\"urn:x\">***</cfg:Password>");
        expect("<x:UserSecret xmlns:x=\"urn:x\">top secret</x:UserSecret>",
               "<x:UserSecret xmlns:x=\"urn:x\">***</x:UserSecret>");
        expect("<PASSWORD>p</PASSWORD>", "<PASSWORD>***</PASSWORD>");
        expect("<w:Credential xmlns:w=\"urn:w\">abcd</w:Credential>",
               "<w:Credential xmlns:w=\"urn:w\">***</w:Credential>");
        expect("<DbPasswd>abcd</DbPasswd>", "<DbPasswd>***</DbPasswd>");
        expect("<Password>\n  a&amp;b  \n</Password>", "<Password>***</Password>");
        /* a long name with the word far inside it */
        expect("<AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPassword>x"
               "</AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPassword>",
               "<AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPassword>***"
               "</AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPassword>");
}
END_TEST

/* The cases that text-based masking let through (issue 8). */
START_TEST(masks_whatever_hides_the_secret)
{
        expect("<Password><?x?>S</Password>", "<Password>***</Password>");
        expect("<Password><v>S</v></Password>", "<Password>***</Password>");
        expect("<Password><v><w>S</w></v>tail</Password>", "<Password>***</Password>");
        expect("<Account Password=\"S\"/>", "<Account Password=\"***\"/>");
        expect("<Account x:UserSecret=\"S\" Name=\"alice\" xmlns:x=\"urn:x\"/>",
               "<Account xmlns:x=\"urn:x\" x:UserSecret=\"***\" Name=\"alice\"/>");
        expect("<Password><![CDATA[hunter2]]></Password>", "<Password>***</Password>");
        expect("<Password>ab<![CDATA[cd]]>ef</Password>", "<Password>***</Password>");
        expect("<Password><!-- c -->hunter2</Password>", "<Password>***</Password>");
        expect("<Credential><Password>x</Password></Credential>", "<Credential>***</Credential>");
        /* comments and processing instructions never reach the log */
        expect("<a><!-- Password: hunter2 --><?pi hunter2?>b</a>", "<a>b</a>");
}
END_TEST

START_TEST(masks_stream)
{
        expect("<rsp:Stream xmlns:rsp=\"urn:r\" Name=\"stdout\" CommandId=\"1C9C7E3A\">ZGlyIEM6XA0K</rsp:Stream>",
               "<rsp:Stream xmlns:rsp=\"urn:r\" Name=\"stdout\" CommandId=\"1C9C7E3A\">***</rsp:Stream>");
        expect("<Stream>QQ==</Stream>", "<Stream>***</Stream>");
        /* only Stream itself: neighbours keep their text */
        unchanged("<Streams>stdout stderr</Streams>");
        unchanged("<r><InputStreams>stdin</InputStreams><OutputStreams>stdout stderr</OutputStreams></r>");
        unchanged("<Upstream>x</Upstream>");
        unchanged("<Stream Name=\"stdout\" End=\"true\"/>");
}
END_TEST

START_TEST(keeps_the_rest)
{
        unchanged("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
                  "<s:Header><a:To xmlns:a=\"urn:a\">http://h:5985/wsman</a:To></s:Header>"
                  "<s:Body><p:Get xmlns:p=\"urn:p\" Name=\"Password\">value &lt;x&gt;</p:Get></s:Body>"
                  "</s:Envelope>");
        unchanged("<a>b</a>");
        unchanged("<a:User xmlns:a=\"urn:a\">alice</a:User>");
        unchanged("<Password/>");
        expect("<?xml version=\"1.0\"?>\n<a>b</a>", "<a>b</a>");
}
END_TEST

START_TEST(unparsable_is_not_shown)
{
        not_shown("");
        not_shown("plain text hunter2");
        not_shown("<");
        not_shown("<Password>hunter2");
        not_shown("<Password>hunter2</Password><");
        not_shown("</Password>hunter2");
        not_shown("<a>b</a><c/>");
        not_shown("<!DOCTYPE a [<!ENTITY e \"hunter2\">]><a>&e;</a>");
        {
                static const char binary[] = "a\0b<x>\xff\xfe</x>";
                char *out = redact_n(binary, sizeof(binary) - 1);
                ck_assert(strstr(out, "not shown") != NULL);
                free(out);
        }
}
END_TEST

/* Every prefix of a message: the secrets never show, whether the prefix
 * parses or not (valgrind checks the bounds). */
START_TEST(every_prefix)
{
        static const char msg[] =
                "<s:Body xmlns:s=\"urn:s\"><Password>SEKRET-VALUE</Password>"
                "<Stream Name=\"stdin\">SEKRET-STREAM</Stream><UserSecret>SEKRET</UserSecret>"
                "<Password/><a Passwd=\"SEKRET\"/><Name>alice</Name></s:Body>";
        size_t n = sizeof(msg) - 1;

        for (size_t len = 0; len <= n; len++) {
                char *out = redact_n(msg, len);
                ck_assert_msg(strstr(out, "SEK") == NULL, "secret shown for length %zu: %s", len, out);
                free(out);
        }
}
END_TEST

Suite *trace_suite(void)
{
        Suite *s = suite_create("trace");
        TCase *tc = tcase_create("redact");

        tcase_add_test(tc, masks_password);
        tcase_add_test(tc, masks_whatever_hides_the_secret);
        tcase_add_test(tc, masks_stream);
        tcase_add_test(tc, keeps_the_rest);
        tcase_add_test(tc, unparsable_is_not_shown);
        tcase_add_test(tc, every_prefix);
        suite_add_tcase(s, tc);
        return s;
}
