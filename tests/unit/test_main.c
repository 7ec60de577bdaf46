/* test_main.c - runs every unit suite in fork mode (a crash is a failure).
 * CK_FORK=no runs them in one process, for valgrind. */
#include "autoconfig.h"

#include <stdlib.h>
#include <libxml/parser.h>

#include "tests.h"

int main(void)
{
        SRunner *sr = srunner_create(envelope_suite());
        int failed;

        srunner_add_suite(sr, envelope_hostile_suite());
        srunner_add_suite(sr, fault_suite());
        srunner_add_suite(sr, util_suite());
        srunner_add_suite(sr, plugin_suite());
        srunner_add_suite(sr, auth_suite());
        srunner_add_suite(sr, config_suite());
        srunner_add_suite(sr, sddl_suite());
        srunner_add_suite(sr, sddl_linux_suite());
        srunner_add_suite(sr, lrec_suite());
        srunner_add_suite(sr, trace_suite());
        srunner_add_suite(sr, config_listeners_suite());
        srunner_add_suite(sr, http_parse_suite());
        srunner_add_suite(sr, log_suite());
        srunner_add_suite(sr, enumctx_suite());
        srunner_add_suite(sr, enumsel_suite());
        srunner_add_suite(sr, writer_suite());
        srunner_add_suite(sr, certs_suite());
        srunner_add_suite(sr, cli_output_suite());
        srunner_add_suite(sr, cli_transport_suite());
        srunner_add_suite(sr, winrs_suite());
        srunner_add_suite(sr, shell_suite());
        srunner_add_suite(sr, monitor_peer_suite());
        if (!getenv("CK_FORK"))
                srunner_set_fork_status(sr, CK_FORK);
        srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        xmlCleanupParser();
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
