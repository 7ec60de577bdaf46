/* test_fault.c - unit tests (to be filled). */
#include "tests.h"

START_TEST(placeholder_fault)
{
        ck_assert_int_eq(1, 1);
}
END_TEST

Suite *fault_suite(void)
{
        Suite *s = suite_create("fault");
        TCase *tc = tcase_create("basic");

        tcase_add_test(tc, placeholder_fault);
        suite_add_tcase(s, tc);
        return s;
}
