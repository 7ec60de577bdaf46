/* test_log.c - log_quote(): a client-chosen value is one token in a log
 * line whatever it holds (quotes, control characters, line separators,
 * bytes that are not UTF-8), and it is cut to fit. */
#include "autoconfig.h"

#include <string.h>

#include "log.h"
#include "tests.h"

static void quoted(const char *in, const char *want)
{
        char buf[LOG_QMAX];

        log_quote(buf, sizeof(buf), in);
        ck_assert_msg(!strcmp(buf, want), "log_quote(\"%s\") = %s, want %s", in, buf, want);
}

START_TEST(plain_and_escaped)
{
        quoted("alice", "\"alice\"");
        quoted("", "\"\"");
        quoted(NULL, "(null)");
        quoted("evil\" admin=\"yes", "\"evil\\\" admin=\\\"yes\"");
        quoted("back\\slash", "\"back\\\\slash\"");
        quoted("a\nb\rc\td", "\"a\\x0ab\\x0dc\\x09d\"");
        quoted("del\x7f", "\"del\\x7f\"");
        quoted("nel\xc2\x85", "\"nel\\x85\"");                  /* U+0085 */
        quoted("ls\xe2\x80\xa8ps\xe2\x80\xa9", "\"ls\\u2028ps\\u2029\"");
        quoted("bad\xff\xfe", "\"bad\\xff\\xfe\"");
        quoted("overlong\xc0\xaf", "\"overlong\\xc0\\xaf\"");
        quoted("surrogate\xed\xa0\x80", "\"surrogate\\xed\\xa0\\x80\"");
        quoted("cut\xe2\x82", "\"cut\\xe2\\x82\"");
        quoted("caf\xc3\xa9 \xe6\x97\xa5", "\"caf\xc3\xa9 \xe6\x97\xa5\"");  /* kept as is */
}
END_TEST

START_TEST(cut_to_fit)
{
        char in[1000], buf[32];

        memset(in, 'a', sizeof(in) - 1);
        in[sizeof(in) - 1] = '\0';
        log_quote(buf, sizeof(buf), in);
        ck_assert_uint_lt(strlen(buf), sizeof(buf));
        ck_assert(buf[0] == '"' && !strcmp(buf + strlen(buf) - 4, "...\""));
        /* an escape is never cut in half */
        memset(in, '\n', 100);
        in[100] = '\0';
        log_quote(buf, sizeof(buf), in);
        ck_assert_uint_lt(strlen(buf), sizeof(buf));
        ck_assert_str_eq(buf + strlen(buf) - 8, "\\x0a...\"");
        /* the LQ() buffer lives for the statement */
        ck_assert_str_eq(LQ("x\"y"), "\"x\\\"y\"");
}
END_TEST

Suite *log_suite(void)
{
        Suite *s = suite_create("log");
        TCase *tc = tcase_create("quote");

        tcase_add_test(tc, plain_and_escaped);
        tcase_add_test(tc, cut_to_fit);
        suite_add_tcase(s, tc);
        return s;
}
