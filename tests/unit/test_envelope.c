/* test_envelope.c - unit tests (to be filled). */
#include "tests.h"

START_TEST(placeholder_envelope)
{
        ck_assert_int_eq(1, 1);
}
END_TEST

Suite *envelope_suite(void)
{
        Suite *s = suite_create("envelope");
        TCase *tc = tcase_create("basic");

        tcase_add_test(tc, placeholder_envelope);
        suite_add_tcase(s, tc);
        return s;
}
