/* test_auth.c - unit tests (to be filled). */
#include "tests.h"

START_TEST(placeholder_auth)
{
        ck_assert_int_eq(1, 1);
}
END_TEST

Suite *auth_suite(void)
{
        Suite *s = suite_create("auth");
        TCase *tc = tcase_create("basic");

        tcase_add_test(tc, placeholder_auth);
        suite_add_tcase(s, tc);
        return s;
}
