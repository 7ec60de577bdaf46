/* test_shell.c - the shell provider's pure parts: the Linux command line
 * of a WinRS Command (joining, cmd.exe's outer quotes, PATH look-up),
 * strict base64, option values, durations, stream lists, Signal codes,
 * GUIDs and the code-page conversion of output. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "../../plugins/shell/shell_cp.h"
#include "../../plugins/shell/shell_parse.h"

/* sp_join then sp_outer_quotes, as the provider builds a /bin/sh line. */
static char *line_of(const char *command, const char *const *args, size_t n)
{
        char *line = sp_join(command, args, n);

        ck_assert_ptr_nonnull(line);
        sp_outer_quotes(line);
        return line;
}

START_TEST(join_pywinrm_and_go)
{
        static const char *const pywinrm[] = { "/all /v" };
        static const char *const go[] = { "a", "b c", "" };
        char *l;

        l = sp_join("ipconfig", pywinrm, 1);
        ck_assert_str_eq(l, "ipconfig /all /v");
        free(l);
        l = sp_join("id -un", NULL, 0);
        ck_assert_str_eq(l, "id -un");
        free(l);
        l = sp_join("echo", go, 3);
        ck_assert_str_eq(l, "echo a b c ");
        free(l);
}
END_TEST

START_TEST(outer_quote_rule)
{
        static const char *const args[] = { "\"x y\"" };
        char *l;

        l = line_of("\"ipconfig /all\"", NULL, 0);          /* Ruby's quoted command */
        ck_assert_str_eq(l, "ipconfig /all");
        free(l);
        l = line_of("\"/opt/my prog\"", args, 1);           /* first and last quote go, the rest stays */
        ck_assert_str_eq(l, "/opt/my prog\" \"x y");
        free(l);
        l = line_of("echo \"a\"", NULL, 0);                 /* no leading quote: unchanged */
        ck_assert_str_eq(l, "echo \"a\"");
        free(l);
        l = line_of("\"", NULL, 0);
        ck_assert_str_eq(l, "");
        free(l);
        l = line_of("\"abc", NULL, 0);                      /* one quote: only it goes */
        ck_assert_str_eq(l, "abc");
        free(l);
        l = line_of("\"\"", NULL, 0);
        ck_assert_str_eq(l, "");
        free(l);
}
END_TEST

START_TEST(resolve_path)
{
        char buf[256];

        ck_assert_int_eq(sp_resolve("sh", buf, sizeof(buf)), 0);
        ck_assert(!strcmp(buf, "/usr/bin/sh") || !strcmp(buf, "/bin/sh"));
        ck_assert_int_eq(sp_resolve("/bin/sh", buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "/bin/sh");
        ck_assert_int_eq(sp_resolve("no-such-program-here", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(sp_resolve("./sh", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(sp_resolve("/etc/passwd", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(sp_resolve("", buf, sizeof(buf)), -ENOENT);
        ck_assert_int_eq(sp_resolve("sh", buf, 4), -ENAMETOOLONG);
}
END_TEST

/* Decodes s; the length or -EINVAL, bytes in out. */
static ssize_t dec(const char *s, unsigned char *out)
{
        return sp_base64_decode(s, strlen(s), out);
}

START_TEST(base64_good)
{
        unsigned char out[64];

        ck_assert_int_eq(dec("aGVsbG8K", out), 6);
        ck_assert(!memcmp(out, "hello\n", 6));
        ck_assert_int_eq(dec("", out), 0);
        ck_assert_int_eq(dec("YQ==", out), 1);
        ck_assert_int_eq(out[0], 'a');
        ck_assert_int_eq(dec("YWI=", out), 2);
        ck_assert(!memcmp(out, "ab", 2));
        ck_assert_int_eq(dec(" aGVs\r\nbG8K\n", out), 6);  /* blanks between quads */
        ck_assert(!memcmp(out, "hello\n", 6));
        ck_assert_int_eq(dec("+/+/", out), 3);
        ck_assert_int_eq(out[0], 0xfb);
        ck_assert_int_eq(out[1], 0xff);
        ck_assert_int_eq(out[2], 0xbf);
}
END_TEST

START_TEST(base64_bad)
{
        static const char *const bad[] = {
                "YQ=",          /* not a whole quad */
                "Y===",         /* padding too early */
                "=AAA",
                "YQ==YQ==",     /* data after the padding */
                "YQ==\nQQ==",
                "YR==",         /* unused bits set */
                "YWJ=",
                "a$==",         /* not the alphabet */
                "aGVs-G8K",     /* the URL alphabet */
                "aGVsbG8",
                "Y Q = = x",
        };
        unsigned char out[64];

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(dec(bad[i], out) == -EINVAL, "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(base64_round_trip)
{
        unsigned char in[300], back[310];
        char enc[410];

        for (size_t i = 0; i < sizeof(in); i++)
                in[i] = (unsigned char)(i * 37 + 11);
        for (size_t n = 0; n <= sizeof(in); n++) {
                sp_base64_encode(in, n, enc);
                ck_assert_uint_eq(strlen(enc), sp_base64_len(n));
                ck_assert_uint_le(sp_base64_max(strlen(enc)), sizeof(back));
                ck_assert_int_eq(dec(enc, back), (ssize_t)n);
                ck_assert(!memcmp(in, back, n));
        }
        sp_base64_encode((const unsigned char *)"hello\n", 6, enc);
        ck_assert_str_eq(enc, "aGVsbG8K");
}
END_TEST

START_TEST(option_values)
{
        bool b = false;
        unsigned cp = 0;

        ck_assert_int_eq(sp_bool("TRUE", &b), 0);
        ck_assert(b);
        ck_assert_int_eq(sp_bool("false", &b), 0);
        ck_assert(!b);
        ck_assert_int_eq(sp_bool("True", &b), 0);
        ck_assert(b);
        ck_assert_int_eq(sp_bool("yes", &b), -EINVAL);
        ck_assert_int_eq(sp_bool("1", &b), -EINVAL);
        ck_assert_int_eq(sp_bool("", &b), -EINVAL);
        ck_assert_int_eq(sp_bool(NULL, &b), -EINVAL);

        ck_assert_int_eq(sp_codepage("65001", &cp), 0);
        ck_assert_uint_eq(cp, 65001);
        ck_assert_int_eq(sp_codepage("437", &cp), 0);
        ck_assert_uint_eq(cp, 437);
        ck_assert_int_eq(sp_codepage("0", &cp), -EINVAL);
        ck_assert_int_eq(sp_codepage("65536", &cp), -EINVAL);
        ck_assert_int_eq(sp_codepage("12a", &cp), -EINVAL);
        ck_assert_int_eq(sp_codepage("", &cp), -EINVAL);
        ck_assert_int_eq(sp_codepage("-437", &cp), -EINVAL);
}
END_TEST

START_TEST(code_page_names)
{
        char buf[32];

        ck_assert_ptr_null(sp_iconv_name(65001, buf, sizeof(buf)));
        ck_assert_str_eq(sp_iconv_name(437, buf, sizeof(buf)), "CP437");
        ck_assert_str_eq(sp_iconv_name(1252, buf, sizeof(buf)), "CP1252");
        ck_assert_str_eq(sp_iconv_name(28591, buf, sizeof(buf)), "ISO-8859-1");
        ck_assert_str_eq(sp_iconv_name(1200, buf, sizeof(buf)), "UTF-16LE");
        ck_assert_str_eq(sp_iconv_name(936, buf, sizeof(buf)), "GBK");
}
END_TEST

START_TEST(durations)
{
        int64_t ms = -1;
        char buf[64];
        static const char *const bad[] = {
                "", "P", "PT", "P1DT", "P1Y", "P1M", "PT1.5M", "PT1H1H", "PT1S1M", "P-1D", "PT1.S", "7200s",
                "PT99999999999999999999S", "P999999999999D", "1e3", "PT5S ",
        };

        ck_assert_int_eq(sp_duration_ms("PT7200.000S", &ms), 0);
        ck_assert_int_eq(ms, 7200000);
        ck_assert_int_eq(sp_duration_ms("PT60S", &ms), 0);
        ck_assert_int_eq(ms, 60000);
        ck_assert_int_eq(sp_duration_ms("P1DT2H3M4.5S", &ms), 0);
        ck_assert_int_eq(ms, 86400000 + 2 * 3600000 + 3 * 60000 + 4500);
        ck_assert_int_eq(sp_duration_ms("PT0.1234S", &ms), 0);
        ck_assert_int_eq(ms, 123);
        ck_assert_int_eq(sp_duration_ms("P2D", &ms), 0);
        ck_assert_int_eq(ms, 2 * 86400000LL);
        ck_assert_int_eq(sp_duration_ms("3600", &ms), 0);    /* pywinrm's bare number: seconds */
        ck_assert_int_eq(ms, 3600000);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(sp_duration_ms(bad[i], &ms) == -EINVAL, "accepted \"%s\"", bad[i]);

        sp_duration_seconds(7200000, buf, sizeof(buf));
        ck_assert_str_eq(buf, "PT7200.000S");
        sp_duration_seconds(1234, buf, sizeof(buf));
        ck_assert_str_eq(buf, "PT1.234S");
        sp_duration_dhms(0, buf, sizeof(buf));
        ck_assert_str_eq(buf, "P0DT0H0M0S");
        sp_duration_dhms(90061000, buf, sizeof(buf));
        ck_assert_str_eq(buf, "P1DT1H1M1S");
}
END_TEST

START_TEST(stream_lists)
{
        unsigned bits = 0;

        ck_assert_int_eq(sp_streams("stdout stderr", &bits), 0);
        ck_assert_uint_eq(bits, SP_STREAM_STDOUT | SP_STREAM_STDERR);
        ck_assert_int_eq(sp_streams("stderr", &bits), 0);
        ck_assert_uint_eq(bits, SP_STREAM_STDERR);
        ck_assert_int_eq(sp_streams("  stdout\n", &bits), 0);
        ck_assert_uint_eq(bits, SP_STREAM_STDOUT);
        ck_assert_int_eq(sp_streams("", &bits), 0);
        ck_assert_uint_eq(bits, SP_STREAM_STDOUT | SP_STREAM_STDERR);
        ck_assert_int_eq(sp_streams(NULL, &bits), 0);
        ck_assert_int_eq(sp_streams("stdin", &bits), -EINVAL);
        ck_assert_int_eq(sp_streams("STDOUT", &bits), -EINVAL);
        ck_assert_int_eq(sp_streams("stdoutx", &bits), -EINVAL);
}
END_TEST

START_TEST(signal_codes)
{
        const char *p = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/";
        char code[160];

        snprintf(code, sizeof(code), "%sterminate", p);
        ck_assert_int_eq(sp_signal_code(code), SP_SIG_TERMINATE);
        snprintf(code, sizeof(code), "%sTerminate", p);          /* pypsrp */
        ck_assert_int_eq(sp_signal_code(code), SP_SIG_TERMINATE);
        ck_assert_int_eq(sp_signal_code("HTTP://SCHEMAS.MICROSOFT.COM/WBEM/WSMAN/1/WINDOWS/SHELL/SIGNAL/CTRL_C"),
                         SP_SIG_CTRL_C);
        snprintf(code, sizeof(code), "%sctrl_break", p);
        ck_assert_int_eq(sp_signal_code(code), SP_SIG_CTRL_BREAK);
        snprintf(code, sizeof(code), "%sKill", p);
        ck_assert_int_eq(sp_signal_code(code), SP_SIG_UNKNOWN);
        ck_assert_int_eq(sp_signal_code("terminate"), SP_SIG_UNKNOWN);
        ck_assert_int_eq(sp_signal_code(""), SP_SIG_UNKNOWN);
        ck_assert_int_eq(sp_signal_code(NULL), SP_SIG_UNKNOWN);
}
END_TEST

START_TEST(guids_and_names)
{
        ck_assert(sp_guid_ok("4D3C2B1A-0000-4000-8000-00000000ABCD"));
        ck_assert(sp_guid_ok("4d3c2b1a-0000-4000-8000-00000000abcd"));
        ck_assert(!sp_guid_ok("uuid:4D3C2B1A-0000-4000-8000-00000000ABCD"));
        ck_assert(!sp_guid_ok("{4D3C2B1A-0000-4000-8000-00000000ABCD}"));
        ck_assert(!sp_guid_ok("4D3C2B1A-0000-4000-8000-00000000ABC"));
        ck_assert(!sp_guid_ok("4D3C2B1A-0000-4000-8000-00000000ABCDE"));
        ck_assert(!sp_guid_ok("4D3C2B1A00000-4000-8000-00000000ABCD"));
        ck_assert(!sp_guid_ok(""));
        ck_assert(!sp_guid_ok(NULL));
        ck_assert(sp_env_name_ok("PATH"));
        ck_assert(!sp_env_name_ok("A=B"));
        ck_assert(!sp_env_name_ok(""));
        ck_assert(!sp_env_name_ok(NULL));
}
END_TEST

START_TEST(utf8_tail)
{
        ck_assert_uint_eq(cp_utf8_tail((const unsigned char *)"abc", 3), 0);
        ck_assert_uint_eq(cp_utf8_tail((const unsigned char *)"a\xc3", 2), 1);
        ck_assert_uint_eq(cp_utf8_tail((const unsigned char *)"a\xc3\xa9", 3), 0);
        ck_assert_uint_eq(cp_utf8_tail((const unsigned char *)"\xe2\x82", 2), 2);
        ck_assert_uint_eq(cp_utf8_tail((const unsigned char *)"\xf0\x9f\x98", 3), 3);
        ck_assert_uint_eq(cp_utf8_tail((const unsigned char *)"\xf0\x9f\x98\x80", 4), 0);
        ck_assert_uint_eq(cp_utf8_tail((const unsigned char *)"", 0), 0);
}
END_TEST

START_TEST(code_page_437)
{
        void *cd = cp_open(437);
        unsigned char out[64];
        size_t used, n;

        ck_assert_ptr_null(cp_open(65001));
        if (!cd)
                return;                      /* iconv without CP437: output passes as it is */
        n = cp_convert(cd, (const unsigned char *)"caf\xc3\xa9\n", 6, false, out, sizeof(out), &used);
        ck_assert_uint_eq(used, 6);
        ck_assert_uint_eq(n, 5);
        ck_assert(!memcmp(out, "caf\x82\n", 5));
        /* a sequence cut at the end waits for the rest, unless it is the end */
        n = cp_convert(cd, (const unsigned char *)"a\xc3", 2, false, out, sizeof(out), &used);
        ck_assert_uint_eq(used, 1);
        ck_assert_uint_eq(n, 1);
        n = cp_convert(cd, (const unsigned char *)"a\xc3", 2, true, out, sizeof(out), &used);
        ck_assert_uint_eq(used, 2);
        ck_assert_uint_eq(n, 2);
        ck_assert_int_eq(out[1], 0xc3);
        /* bytes that are not UTF-8 pass as they are */
        n = cp_convert(cd, (const unsigned char *)"x\xff" "y", 3, false, out, sizeof(out), &used);
        ck_assert_uint_eq(used, 3);
        ck_assert_uint_eq(n, 3);
        ck_assert(!memcmp(out, "x\xffy", 3));
        /* the output's room bounds what is used */
        n = cp_convert(cd, (const unsigned char *)"abcdef", 6, false, out, 4, &used);
        ck_assert_uint_eq(n, 4);
        ck_assert_uint_eq(used, 4);
        cp_close(cd);
}
END_TEST

Suite *shell_suite(void)
{
        Suite *s = suite_create("shell");
        TCase *tc = tcase_create("parse");

        tcase_add_test(tc, join_pywinrm_and_go);
        tcase_add_test(tc, outer_quote_rule);
        tcase_add_test(tc, resolve_path);
        tcase_add_test(tc, base64_good);
        tcase_add_test(tc, base64_bad);
        tcase_add_test(tc, base64_round_trip);
        tcase_add_test(tc, option_values);
        tcase_add_test(tc, code_page_names);
        tcase_add_test(tc, durations);
        tcase_add_test(tc, stream_lists);
        tcase_add_test(tc, signal_codes);
        tcase_add_test(tc, guids_and_names);
        tcase_add_test(tc, utf8_tail);
        tcase_add_test(tc, code_page_437);
        suite_add_tcase(s, tc);
        return s;
}
