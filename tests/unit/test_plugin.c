/* test_plugin.c - unit tests (to be filled). */
#include "tests.h"

START_TEST(placeholder_plugin)
{
        ck_assert_int_eq(1, 1);
}
END_TEST

Suite *plugin_suite(void)
{
        Suite *s = suite_create("plugin");
        TCase *tc = tcase_create("basic");

        tcase_add_test(tc, placeholder_plugin);
        suite_add_tcase(s, tc);
        return s;
}
