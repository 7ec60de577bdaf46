/* tests.h - the suites of the unit test runner. */
#ifndef WINRMD_TESTS_H
#define WINRMD_TESTS_H

#include <check.h>

Suite *envelope_suite(void);
Suite *fault_suite(void);
Suite *util_suite(void);
Suite *plugin_suite(void);
Suite *auth_suite(void);
Suite *config_suite(void);

#endif
