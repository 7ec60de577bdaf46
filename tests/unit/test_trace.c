/* test_trace.c - SOAP trace redaction: secrets and shell streams masked,
 * everything else kept byte for byte, and no access outside the input
 * (inputs are copied into buffers of exactly their length, without a NUL,
 * so valgrind sees any overrun). */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "tests.h"

/* Redacts xml[0..len) from an exact-size copy; checks the result's length
 * and NUL; caller frees. */
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
        ck_assert_msg(strlen(out) <= len, "output \"%s\" (%zu) longer than the input (%zu)",
                      out, strlen(out), len);
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

START_TEST(masks_password)
{
        expect("<Password>hunter2</Password>", "<Password>***</Password>");
        expect("<a><Password>hunter2</Password><b>x</b></a>",
               "<a><Password>***</Password><b>x</b></a>");
        expect("<cfg:Password>S3cr3t!</cfg:Password>", "<cfg:Password>***</cfg:Password>");
        expect("<cfg:Password xmlns:cfg=\"urn:x\">S3cr3t!</cfg:Password>",
               "<cfg:Password xmlns:cfg=\"urn:x\">***</cfg:Password>");
        expect("<x:UserSecret>top secret</x:UserSecret>", "<x:UserSecret>***</x:UserSecret>");
        expect("<PASSWORD>p</PASSWORD>", "<PASSWORD>*</PASSWORD>");
        expect("<w:Credential>abcd</w:Credential>", "<w:Credential>***</w:Credential>");
        expect("<DbPasswd>abcd</DbPasswd>", "<DbPasswd>***</DbPasswd>");
        /* whitespace and entities are text too */
        expect("<Password>\n  a&amp;b  \n</Password>", "<Password>***</Password>");
}
END_TEST

START_TEST(masks_stream)
{
        expect("<rsp:Stream Name=\"stdout\" CommandId=\"1C9C7E3A-4E1B-4E5A-8E2F-0A1B2C3D4E5F\">"
               "ZGlyIEM6XA0K</rsp:Stream>",
               "<rsp:Stream Name=\"stdout\" CommandId=\"1C9C7E3A-4E1B-4E5A-8E2F-0A1B2C3D4E5F\">"
               "***</rsp:Stream>");
        expect("<rsp:Send><rsp:Stream Name=\"stdin\">ZWNobyBoaQ0K</rsp:Stream>"
               "<rsp:Stream Name=\"stdin\" End=\"true\"></rsp:Stream></rsp:Send>",
               "<rsp:Send><rsp:Stream Name=\"stdin\">***</rsp:Stream>"
               "<rsp:Stream Name=\"stdin\" End=\"true\"></rsp:Stream></rsp:Send>");
        expect("<Stream>QQ==</Stream>", "<Stream>***</Stream>");
        /* only Stream itself: neighbours keep their text */
        unchanged("<rsp:Streams>stdout stderr</rsp:Streams>");
        unchanged("<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>");
        unchanged("<rsp:Upstream>x</rsp:Upstream>");
        unchanged("<rsp:Stream Name=\"stdout\" End=\"true\"/>");
}
END_TEST

START_TEST(keeps_the_rest)
{
        static const char env[] =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
                "<!-- a comment with Password in it -->"
                "<s:Header><a:To>http://h:5985/wsman</a:To>"
                "<w:OptionSet><w:Option Name=\"WINRS_CODEPAGE\">65001</w:Option></w:OptionSet>"
                "</s:Header><s:Body><p:Get Name=\"Password\">value &lt;x&gt;</p:Get>"
                "<![CDATA[ plain ]]>\t\r\n</s:Body></s:Envelope>";
        static const char binary[] = "a\0b<x>\xff\xfe</x>";

        unchanged(env);
        unchanged("");
        unchanged("plain text");
        unchanged("<a>b</a>");
        unchanged("</Password>hunter2");            /* an end tag does not start masking */
        unchanged("<?Password x?>abc");
        unchanged("<!Password>abc");
        unchanged("<a:User>alice</a:User>");
        /* an embedded NUL is copied like any byte, but ends the C string */
        {
                char *out = redact_n(binary, sizeof(binary) - 1);
                ck_assert_str_eq(out, "a");
                free(out);
        }
}
END_TEST

START_TEST(short_and_broken_input)
{
        unchanged("<");
        unchanged("a<");
        expect("<Password>hunter2</Password><", "<Password>***</Password><");
        unchanged("<P");
        unchanged("<Password");
        unchanged("<Password ");
        unchanged("<Password attr=\"x\"");
        unchanged("<Password>");
        unchanged("<Password></Password>");
        unchanged("<Password/>");
        unchanged("<Password />");
        unchanged("<cfg:Password xsi:nil=\"true\"/>");
        unchanged("<rsp:Stream/>");
        unchanged("<:>");
        unchanged("<>");
        unchanged("< >x");
        /* unterminated text after a secret's start tag, of every short length */
        expect("<Password>a", "<Password>*");
        expect("<Password>ab", "<Password>**");
        expect("<Password>abc", "<Password>***");
        expect("<Password>abcd", "<Password>***");
        expect("<Password>abcdefghijklmnop", "<Password>***");
        expect("<Password>a<", "<Password>*<");
        expect("<Password>ab</", "<Password>**</");
        expect("<Stream>x", "<Stream>*");
        expect("<Password>x</Password>", "<Password>*</Password>");
        expect("<Password>xy</Password>", "<Password>**</Password>");
}
END_TEST

/* Every prefix of a message, redacted from an exact-size buffer: never longer
 * than its input, and never showing the secret (valgrind checks the bounds). */
START_TEST(every_prefix)
{
        static const char msg[] =
                "<s:Body><cfg:Password>SEKRET-VALUE</cfg:Password>"
                "<rsp:Stream Name=\"stdin\">SEKRET-STREAM</rsp:Stream><x:UserSecret>SEKRET</x:UserSecret>"
                "<Password/><p:Name>alice</p:Name></s:Body>";
        size_t n = sizeof(msg) - 1;

        for (size_t len = 0; len <= n; len++) {
                char *out = redact_n(msg, len);
                ck_assert_msg(strstr(out, "SEK") == NULL, "secret shown for length %zu: %s", len, out);
                ck_assert_msg(!strncmp(out, msg, strcspn(out, "*")),
                              "text before the first mask changed for length %zu: %s", len, out);
                free(out);
        }
}
END_TEST

/* A secret in a CDATA section is text of the element and must be masked too. */
START_TEST(masks_cdata)
{
        char *out;

        out = redact_n("<Password><![CDATA[hunter2]]></Password>",
                       strlen("<Password><![CDATA[hunter2]]></Password>"));
        ck_assert_msg(strstr(out, "hunter2") == NULL, "secret in CDATA shown: %s", out);
        ck_assert_str_eq(out, "<Password>***</Password>");
        free(out);
        expect("<Password>ab<![CDATA[cd]]>ef</Password>", "<Password>***</Password>");
        expect("<Password><!-- c -->hunter2</Password>", "<Password>***</Password>");
        expect("<Password><![CDATA[a</Password>]]>b</Password>", "<Password>***</Password>");
        /* unterminated CDATA or comment: masked to the end */
        expect("<Password><![CDATA[hunter2", "<Password>***");
        expect("<Password><!--", "<Password>***");
        expect("<Password><![CDATA[", "<Password>***");
        expect("<Password><!", "<Password><!");
        /* children of a secret element are still tags */
        expect("<Credential><Password>x</Password></Credential>",
               "<Credential><Password>*</Password></Credential>");
}
END_TEST

Suite *trace_suite(void)
{
        Suite *s = suite_create("trace");
        TCase *tc = tcase_create("redact");

        tcase_add_test(tc, masks_password);
        tcase_add_test(tc, masks_stream);
        tcase_add_test(tc, keeps_the_rest);
        tcase_add_test(tc, short_and_broken_input);
        tcase_add_test(tc, every_prefix);
        tcase_add_test(tc, masks_cdata);
        suite_add_tcase(s, tc);
        return s;
}
