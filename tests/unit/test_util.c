/* test_util.c - scalar parsing, comparisons and identifiers. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "util.h"

static const struct {
        const char *in;
        int64_t ms;
} durations_ok[] = {
        { "PT60S", 60000 },
        { "PT60.0S", 60000 },
        { "PT20S", 20000 },
        { "PT1.50S", 1500 },
        { "PT1.5S", 1500 },
        { "PT0.001S", 1 },
        { "PT0.0009S", 0 },
        { "PT7200.000S", 7200000 },
        { "P0DT0H0M1S", 1000 },
        { "P1D", 86400000 },
        { "PT1H30M", 5400000 },
        { "P1DT1H1M1.25S", 90061250 },
        { "PT0S", 0 },
        { "  PT5S\n", 5000 },
};

START_TEST(duration_valid)
{
        int64_t v = -42;

        ck_assert_msg(parse_duration_ms(durations_ok[_i].in, &v) == 0, "\"%s\" refused", durations_ok[_i].in);
        ck_assert_msg(v == durations_ok[_i].ms, "\"%s\" -> %lld, expected %lld", durations_ok[_i].in,
                      (long long)v, (long long)durations_ok[_i].ms);
}
END_TEST

static const char *const durations_bad[] = {
        "", " ", "P", "PT", "PT-1S", "-PT1S", "60", "P1H", "P1S", "PT1D", "PTS", "PT1.S", "PT.5S",
        "PT1", "PT1X", "pt1s", "PT1S junk", "PTT1S", "P1DT", "PT1,5S",
};

START_TEST(duration_invalid)
{
        int64_t v = -42;
        int r = parse_duration_ms(durations_bad[_i], &v);

        ck_assert_msg(r == -EINVAL, "\"%s\" -> %d", durations_bad[_i], r);
        ck_assert_int_eq(v, -42);
}
END_TEST

START_TEST(duration_overflow)
{
        int64_t v = -42;

        ck_assert_int_eq(parse_duration_ms("PT99999999999999999999S", &v), -ERANGE);
        /* Fits as seconds, overflows once scaled to days/hours. */
        ck_assert_int_eq(parse_duration_ms("P2000000000000D", &v), -ERANGE);
        ck_assert_int_eq(parse_duration_ms("PT900000000000000H", &v), -ERANGE);
        ck_assert_int_eq(v, -42);
}
END_TEST

START_TEST(bool_values)
{
        static const struct {
                const char *in;
                bool v;
        } ok[] = {
                { "true", true }, { "TRUE", true }, { "True", true }, { "1", true },
                { " true\n", true }, { "false", false }, { "FALSE", false }, { "0", false },
        };
        static const char *const bad[] = { "maybe", "", "yes", "truex", "2", "t", "true false", "01" };

        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                bool v = !ok[i].v;
                ck_assert_msg(parse_bool(ok[i].in, &v) == 0, "\"%s\" refused", ok[i].in);
                ck_assert_msg(v == ok[i].v, "\"%s\"", ok[i].in);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                bool v = true;
                ck_assert_msg(parse_bool(bad[i], &v) == -EINVAL, "\"%s\" accepted", bad[i]);
                ck_assert(v);
        }
}
END_TEST

START_TEST(long_ranges)
{
        long v = -7;

        ck_assert_int_eq(parse_long("42", 0, 100, &v), 0);
        ck_assert_int_eq(v, 42);
        ck_assert_int_eq(parse_long(" \t7 \n", 0, 100, &v), 0);
        ck_assert_int_eq(v, 7);
        ck_assert_int_eq(parse_long("+5", 0, 100, &v), 0);
        ck_assert_int_eq(v, 5);
        ck_assert_int_eq(parse_long("-3", -10, 10, &v), 0);
        ck_assert_int_eq(v, -3);
        ck_assert_int_eq(parse_long("100", 0, 100, &v), 0);
        ck_assert_int_eq(parse_long("0", 0, 100, &v), 0);
        ck_assert_int_eq(v, 0);
        v = -7;
        ck_assert_int_eq(parse_long("101", 0, 100, &v), -ERANGE);
        ck_assert_int_eq(parse_long("-1", 0, 100, &v), -ERANGE);
        ck_assert_int_eq(parse_long("99999999999999999999", 0, 100, &v), -ERANGE);
        ck_assert_int_eq(parse_long("4294967296", 1, 4294967295L, &v), -ERANGE);
        ck_assert_int_eq(parse_long("", 0, 100, &v), -EINVAL);
        ck_assert_int_eq(parse_long("  ", 0, 100, &v), -EINVAL);
        ck_assert_int_eq(parse_long("abc", 0, 100, &v), -EINVAL);
        ck_assert_int_eq(parse_long("12abc", 0, 100, &v), -EINVAL);
        ck_assert_int_eq(parse_long("1 2", 0, 100, &v), -EINVAL);
        ck_assert_int_eq(parse_long("0x10", 0, 100, &v), -EINVAL);
        ck_assert_int_eq(parse_long("-", 0, 100, &v), -EINVAL);
        ck_assert_int_eq(parse_long("1.5", 0, 100, &v), -EINVAL);
        ck_assert_int_eq(v, -7);
}
END_TEST

START_TEST(constant_time_equal)
{
        ck_assert(ct_equal("secret", "secret", 6));
        ck_assert(!ct_equal("secret", "Secret", 6));
        ck_assert(!ct_equal("secret", "secreT", 6));
        ck_assert(ct_equal("abcX", "abcY", 3));
        ck_assert(ct_equal("a", "b", 0));
        ck_assert(!ct_equal("a\0b", "a\0c", 3));
}
END_TEST

START_TEST(caseless_compare)
{
        ck_assert_int_eq(ascii_casecmp("ShellId", "shellid"), 0);
        ck_assert_int_eq(ascii_casecmp("", ""), 0);
        ck_assert_int_lt(ascii_casecmp("a", "B"), 0);
        ck_assert_int_gt(ascii_casecmp("abc", "AB"), 0);
        ck_assert_int_lt(ascii_casecmp("ab", "abc"), 0);
        /* ASCII only: Latin-1 letters of another case differ. */
        ck_assert_int_ne(ascii_casecmp("\xc9", "\xe9"), 0);
}
END_TEST

START_TEST(words)
{
        const char *p = " basic, Digest,,negotiate  kerberos,";
        char w[16];

        ck_assert(next_word(&p, w, sizeof(w)));
        ck_assert_str_eq(w, "basic");
        ck_assert(next_word(&p, w, sizeof(w)));
        ck_assert_str_eq(w, "Digest");
        ck_assert(next_word(&p, w, sizeof(w)));
        ck_assert_str_eq(w, "negotiate");
        ck_assert(next_word(&p, w, sizeof(w)));
        ck_assert_str_eq(w, "kerberos");
        ck_assert(!next_word(&p, w, sizeof(w)));
        ck_assert(!next_word(&p, w, sizeof(w)));

        p = "abcdefgh,xy";
        ck_assert(next_word(&p, w, 4));
        ck_assert_str_eq(w, "abc");
        ck_assert(next_word(&p, w, sizeof(w)));
        ck_assert_str_eq(w, "xy");

        p = "one two";
        ck_assert(next_word(&p, NULL, 0));
        ck_assert_str_eq(p, " two");

        p = "";
        ck_assert(!next_word(&p, w, sizeof(w)));
        p = " ,, ";
        ck_assert(!next_word(&p, w, sizeof(w)));
}
END_TEST

static void assert_guid(const char *g)
{
        ck_assert_uint_eq(strlen(g), 36);
        for (int i = 0; i < 36; i++) {
                if (i == 8 || i == 13 || i == 18 || i == 23)
                        ck_assert_msg(g[i] == '-', "%s: no dash at %d", g, i);
                else
                        ck_assert_msg(isxdigit((unsigned char)g[i]) && !islower((unsigned char)g[i]),
                                      "%s: bad character at %d", g, i);
        }
}

START_TEST(message_ids)
{
        char *a = new_message_id(), *b = new_message_id();
        char g[37];

        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        ck_assert_uint_eq(strlen(a), 41);
        ck_assert_int_eq(strncmp(a, "uuid:", 5), 0);
        assert_guid(a + 5);
        assert_guid(b + 5);
        ck_assert_str_ne(a, b);
        new_guid(g);
        assert_guid(g);
        free(a);
        free(b);
}
END_TEST

START_TEST(wipe_zeroes)
{
        char buf[16];

        memset(buf, 'x', sizeof(buf));
        wipe(buf, 8);
        for (int i = 0; i < 8; i++)
                ck_assert_int_eq(buf[i], 0);
        ck_assert_int_eq(buf[8], 'x');
}
END_TEST

Suite *util_suite(void)
{
        Suite *s = suite_create("util");
        TCase *tc = tcase_create("parse");
        TCase *misc = tcase_create("misc");

        tcase_add_loop_test(tc, duration_valid, 0, (int)(sizeof(durations_ok) / sizeof(durations_ok[0])));
        tcase_add_loop_test(tc, duration_invalid, 0, (int)(sizeof(durations_bad) / sizeof(durations_bad[0])));
        tcase_add_test(tc, duration_overflow);
        tcase_add_test(tc, bool_values);
        tcase_add_test(tc, long_ranges);
        suite_add_tcase(s, tc);

        tcase_add_test(misc, constant_time_equal);
        tcase_add_test(misc, caseless_compare);
        tcase_add_test(misc, words);
        tcase_add_test(misc, message_ids);
        tcase_add_test(misc, wipe_zeroes);
        suite_add_tcase(s, misc);
        return s;
}
