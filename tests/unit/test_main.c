/* test_main.c - runs every unit suite in fork mode (a crash is a failure). */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
        SRunner *sr = srunner_create(envelope_suite());
        int failed;

        srunner_add_suite(sr, fault_suite());
        srunner_add_suite(sr, util_suite());
        srunner_add_suite(sr, plugin_suite());
        srunner_add_suite(sr, auth_suite());
        srunner_add_suite(sr, config_suite());
        srunner_set_fork_status(sr, CK_FORK);
        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
