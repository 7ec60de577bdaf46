/* test_config.c - loading, validation and transactional saving of the
 * configuration store, in a temporary directory. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "tests.h"

static char dir[64];
static char path[128];
static char err[512];

static void setup(void)
{
        t_store_setup(dir, sizeof(dir), path, sizeof(path));
        err[0] = '\0';
}

static void teardown(void)
{
        t_store_teardown(dir, path);
}

static void assert_defaults(void)
{
        ck_assert_int_eq(config_long("max_envelope_kb"), 50);
        ck_assert_int_eq(config_long("max_timeout_ms"), 60000);
        ck_assert_int_eq(config_long("max_batch_items"), 20);
        ck_assert_int_eq(config_long("service.max_connections"), 5);
        ck_assert_int_eq(config_long("service.max_concurrent_ops"), 100);
        ck_assert(!config_bool("service.allow_unencrypted"));
        ck_assert(config_bool("service.auth.basic"));
        ck_assert_str_eq(config_get("client.url_prefix"), "wsman");
        ck_assert_str_eq(config_get("service.cbt_hardening"), "Relaxed");
        ck_assert_str_eq(config_get("service.plain_schemes"), "");
}

START_TEST(missing_file_gives_defaults)
{
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        assert_defaults();
        ck_assert_ptr_null(config_get("no.such.key"));
        ck_assert(config_known("max_envelope_kb"));
        ck_assert(!config_known("Max_Envelope_Kb"));
        ck_assert(!config_known(""));
        ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(good_file)
{
        t_write_file(path, "# a comment\n\n"
                           "max_envelope_kb = 150\n"
                           "  service.allow_unencrypted=TRUE  \n"
                           "\tservice.plain_schemes = basic, negotiate\n"
                           "service.max_connections =  25 \n"
                           "service.cbt_hardening = Strict\n"
                           "max_envelope_kb = 200\n"
                           "   # indented comment\n");
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        ck_assert_int_eq(config_long("max_envelope_kb"), 200); /* the last one wins */
        ck_assert(config_bool("service.allow_unencrypted"));
        ck_assert_str_eq(config_get("service.allow_unencrypted"), "true"); /* canonical */
        ck_assert_str_eq(config_get("service.plain_schemes"), "basic, negotiate");
        ck_assert_int_eq(config_long("service.max_connections"), 25);
        ck_assert_str_eq(config_get("service.max_connections"), "25");
        ck_assert_str_eq(config_get("service.cbt_hardening"), "Strict");
        ck_assert_int_eq(config_long("max_timeout_ms"), 60000); /* untouched keys keep defaults */
}
END_TEST

/* Loads text and expects -EINVAL naming line `line`; the previous values stay. */
static void expect_bad(const char *text, unsigned line)
{
        t_store_load_bad(path, text, line, err, sizeof(err));
        assert_defaults();
}

START_TEST(unknown_key)
{
        expect_bad("max_envelope_kb = 60\n# c\nmax_envelope_size = 60\n", 3);
        ck_assert_ptr_nonnull(strstr(err, "max_envelope_size"));
}
END_TEST

START_TEST(bad_values)
{
        expect_bad("\nmax_envelope_kb = 10\n", 2);       /* below the minimum */
        expect_bad("max_envelope_kb = 2000000\n", 1);    /* above the maximum */
        expect_bad("max_envelope_kb = 5O\n", 1);
        expect_bad("max_envelope_kb =\n", 1);
        expect_bad("service.allow_unencrypted = yes\n", 1);
        expect_bad("client.port.http = 65536\n", 1);
        expect_bad("service.cbt_hardening = Sometimes\n", 1);
        expect_bad("client.url_prefix = /wsman\n", 1);
        expect_bad("service.plain_schemes = basic;rm\n", 1);
}
END_TEST

START_TEST(line_without_equals)
{
        expect_bad("max_envelope_kb = 60\nmax_envelope_kb 60\n", 2);
        expect_bad("[service]\n", 1);
}
END_TEST

START_TEST(line_too_long)
{
        static const char head[] = "# ok\nclient.url_prefix = ";
        size_t n = 10000;
        char *text = malloc(sizeof(head) + n + 2);

        ck_assert_ptr_nonnull(text);
        memcpy(text, head, sizeof(head) - 1);
        memset(text + sizeof(head) - 1, 'a', n);
        memcpy(text + sizeof(head) - 1 + n, "\n", 2);
        expect_bad(text, 2);
        free(text);
}
END_TEST

START_TEST(failed_load_keeps_previous_values)
{
        t_write_file(path, "max_envelope_kb = 99\n");
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        t_write_file(path, "max_envelope_kb = 120\nbogus = 1\n");
        ck_assert_int_eq(config_load(path, err, sizeof(err)), -EINVAL);
        ck_assert_int_eq(config_long("max_envelope_kb"), 99);
}
END_TEST

START_TEST(check_values)
{
        ck_assert_int_eq(config_check("max_envelope_kb", "64"), 0);
        ck_assert_int_eq(config_check("max_envelope_kb", "31"), -EINVAL);
        ck_assert_int_eq(config_check("nope", "1"), -ENOENT);
        ck_assert_int_eq(config_check("service.root_sddl", "O:NSG:BA"), 0);
        ck_assert_int_eq(config_check("service.root_sddl", "O:NS\nG:BA"), -EINVAL);
        ck_assert_int_eq(config_check("service.admin_groups", "wheel,adm"), 0);
}
END_TEST

static int watched;
static char watched_keys[256];

static void watch(const char *key, void *arg)
{
        size_t l = strlen(watched_keys);

        ck_assert_ptr_eq(arg, &watched);
        watched++;
        snprintf(watched_keys + l, sizeof(watched_keys) - l, "%s;", key);
}

START_TEST(txn_round_trip)
{
        struct config_txn *t;

        watched = 0;
        watched_keys[0] = '\0';
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        config_set_watch(watch, &watched);
        t = config_txn_new();
        ck_assert_ptr_nonnull(t);
        /* one spelling of a number: no blanks, sign or leading zero */
        ck_assert_int_eq(config_txn_set(t, "max_envelope_kb", " 500 "), -EINVAL);
        ck_assert_int_eq(config_txn_set(t, "max_envelope_kb", "+500"), -EINVAL);
        ck_assert_int_eq(config_txn_set(t, "max_envelope_kb", "0500"), -EINVAL);
        ck_assert_int_eq(config_txn_set(t, "service.allow_unencrypted", " 1"), -EINVAL);
        ck_assert_int_eq(config_txn_set(t, "client.url_prefix", "a/../b"), -EINVAL);
        ck_assert_int_eq(config_txn_set(t, "max_envelope_kb", "500"), 0);
        ck_assert_int_eq(config_txn_set(t, "service.allow_unencrypted", "1"), 0);
        ck_assert_int_eq(config_txn_set(t, "service.plain_schemes", "basic"), 0);
        ck_assert_int_eq(config_txn_set(t, "max_timeout_ms", "60000"), 0); /* same as now */
        ck_assert_int_eq(config_txn_set(t, "max_envelope_kb", "512"), 0);  /* restaged */
        ck_assert_uint_eq(config_txn_count(t), 4);
        /* Nothing is visible before the commit. */
        ck_assert_int_eq(config_long("max_envelope_kb"), 50);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);

        ck_assert_int_eq(config_long("max_envelope_kb"), 512);
        ck_assert_str_eq(config_get("service.allow_unencrypted"), "true");
        ck_assert_str_eq(config_get("service.plain_schemes"), "basic");
        ck_assert_int_eq(watched, 3);
        ck_assert_str_eq(watched_keys, "max_envelope_kb;service.allow_unencrypted;service.plain_schemes;");
        ck_assert_int_eq(access(path, R_OK), 0);

        /* A fresh load of the written file reads the same values back. */
        config_free();
        ck_assert_int_eq(config_long("max_envelope_kb"), 50);
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        ck_assert_int_eq(config_long("max_envelope_kb"), 512);
        ck_assert(config_bool("service.allow_unencrypted"));
        ck_assert_str_eq(config_get("service.plain_schemes"), "basic");
        ck_assert_int_eq(config_long("max_timeout_ms"), 60000);
        ck_assert_int_eq(config_long("service.max_connections"), 5);
}
END_TEST

START_TEST(txn_bad_value_refused)
{
        struct config_txn *t;

        t_write_file(path, "max_envelope_kb = 80\n");
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set(t, "max_envelope_kb", "abc"), -EINVAL);
        ck_assert_int_eq(config_txn_set(t, "max_envelope_kb", "1"), -EINVAL);
        ck_assert_int_eq(config_txn_set(t, "service.auth.basic", "maybe"), -EINVAL);
        ck_assert_int_eq(config_txn_set(t, "service.plain_schemes", "a\nb"), -EINVAL);
        ck_assert_int_eq(config_txn_set(t, "no_such_key", "1"), -ENOENT);
        ck_assert_uint_eq(config_txn_count(t), 0);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
        ck_assert_int_eq(config_long("max_envelope_kb"), 80);
        ck_assert(config_bool("service.auth.basic"));
        /* The file still yields the same values. */
        config_free();
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        ck_assert_int_eq(config_long("max_envelope_kb"), 80);
}
END_TEST

/* Staging what the store holds already changes nothing, and the file, a
 * hand-written one with comments, is not rewritten. */
START_TEST(txn_same_values_leave_the_file)
{
        static const char text[] = "# by hand\nmax_batch_items   =  20\n\nservice.plain_schemes = basic\n";
        struct config_txn *t;
        char *now;

        watched = 0;
        t_write_file(path, text);
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        config_set_watch(watch, &watched);
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set(t, "max_batch_items", "20"), 0);
        ck_assert_int_eq(config_txn_set(t, "service.plain_schemes", "basic"), 0);
        ck_assert_int_eq(config_txn_set(t, "max_timeout_ms", "60000"), 0); /* the default */
        ck_assert_int_eq(config_txn_set_records(t, NULL, 0), 0);
        ck_assert_int_eq(config_txn_set_listeners(t, NULL, 0), 0);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
        now = t_read_file(path, NULL);
        ck_assert_str_eq(now, text);
        free(now);
        ck_assert_int_eq(watched, 0);
        /* one real change rewrites it */
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set(t, "max_batch_items", "21"), 0);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
        now = t_read_file(path, NULL);
        ck_assert_ptr_nonnull(strstr(now, "max_batch_items = 21\n"));
        free(now);
        ck_assert_int_eq(watched, 1);
}
END_TEST

START_TEST(txn_unwritable_path)
{
        char missing[256];
        struct config_txn *t;

        watched = 0;
        snprintf(missing, sizeof(missing), "%s/no-such-dir/winrmd.conf", dir);
        ck_assert_int_eq(config_load(missing, err, sizeof(err)), 0); /* absent: defaults */
        config_set_watch(watch, &watched);
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set(t, "max_envelope_kb", "100"), 0);
        ck_assert_int_eq(config_txn_set(t, "service.auth.basic", "false"), 0);
        ck_assert_int_lt(config_txn_commit(t), 0);
        config_txn_free(t);
        ck_assert_int_eq(config_long("max_envelope_kb"), 50);
        ck_assert(config_bool("service.auth.basic"));
        ck_assert_int_eq(watched, 0);
        ck_assert_int_eq(access(missing, F_OK), -1);
}
END_TEST

START_TEST(txn_commit_over_directory_fails)
{
        struct config_txn *t;

        /* The store path is a directory: rename() over it must fail. */
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        ck_assert_int_eq(mkdir(path, 0700), 0);
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set(t, "max_envelope_kb", "100"), 0);
        ck_assert_int_lt(config_txn_commit(t), 0);
        config_txn_free(t);
        ck_assert_int_eq(config_long("max_envelope_kb"), 50);
        ck_assert_int_eq(rmdir(path), 0);
}
END_TEST

START_TEST(save_writes_loadable_file)
{
        t_write_file(path, "max_batch_items = 7\nservice.admin_groups = wheel\n");
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        ck_assert_int_eq(unlink(path), 0);
        ck_assert_int_eq(config_save(path), 0);
        config_free();
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        ck_assert_int_eq(config_long("max_batch_items"), 7);
        ck_assert_str_eq(config_get("service.admin_groups"), "wheel");
}
END_TEST

Suite *config_suite(void)
{
        Suite *s = suite_create("config");
        TCase *tc = tcase_create("load");
        TCase *txn = tcase_create("txn");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, missing_file_gives_defaults);
        tcase_add_test(tc, good_file);
        tcase_add_test(tc, unknown_key);
        tcase_add_test(tc, bad_values);
        tcase_add_test(tc, line_without_equals);
        tcase_add_test(tc, line_too_long);
        tcase_add_test(tc, failed_load_keeps_previous_values);
        tcase_add_test(tc, check_values);
        suite_add_tcase(s, tc);

        tcase_add_checked_fixture(txn, setup, teardown);
        tcase_add_test(txn, txn_round_trip);
        tcase_add_test(txn, txn_bad_value_refused);
        tcase_add_test(txn, txn_same_values_leave_the_file);
        tcase_add_test(txn, txn_unwritable_path);
        tcase_add_test(txn, txn_commit_over_directory_fails);
        tcase_add_test(txn, save_writes_loadable_file);
        suite_add_tcase(s, txn);
        return s;
}
