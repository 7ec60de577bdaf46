/* test_config_listeners.c - "listener = ..." lines in the configuration
 * store: loading, refusing bad or conflicting records (naming the line), and
 * replacing the list in a transaction. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tests.h"

#define L_HTTP "address=* transport=HTTP port=5985"
#define L_HTTPS "address=IP:192.0.2.7 transport=HTTPS port=5986 thumbprint=" \
        "0123456789abcdef0123456789abcdef01234567"
#define L_MAC "address=MAC:00-11-22-33-44-55 transport=HTTP port=8080"

static char dir[64];
static char path[128];
static char err[512];
static int watched_listener;

static void watch(const char *key, void *arg)
{
        (void)arg;
        if (!strcmp(key, "listener"))
                watched_listener++;
}

static void setup(void)
{
        t_store_setup(dir, sizeof(dir), path, sizeof(path));
        err[0] = '\0';
        watched_listener = 0;
}

static void teardown(void)
{
        t_store_teardown(dir, path);
}

/* Loads text and expects -EINVAL with an error that starts with path:line:. */
static void expect_bad(const char *text, unsigned line)
{
        ck_assert_msg(t_store_load_bad(path, text, line, err, sizeof(err)) == err,
                      "error \"%s\" does not start with %s:%u:", err, path, line);
}

/* Loads the two-record store used by several tests. */
static void load_two(void)
{
        t_write_file(path, "# two listeners\n"
                           "listener = " L_HTTP "\n"
                           "max_envelope_kb = 150\n"
                           "  listener=" L_HTTPS "   \n");
        ck_assert_msg(config_load(path, err, sizeof(err)) == 0, "load: %s", err);
        ck_assert_uint_eq(config_listener_count(), 2);
}

/* The store on disk holds exactly the listener lines given, in order. */
static void assert_file_listeners(const char *const *lines, size_t n)
{
        char *text = t_read_file(path, NULL), *p = text;
        size_t seen = 0;

        while ((p = strstr(p, "listener = ")) != NULL) {
                char *eol = strchr(p, '\n');
                p += strlen("listener = ");
                ck_assert_ptr_nonnull(eol);
                ck_assert_msg(seen < n, "more listener lines than %zu in %s", n, text);
                ck_assert_msg((size_t)(eol - p) == strlen(lines[seen]) && !strncmp(p, lines[seen], strlen(lines[seen])),
                              "line %zu of the file is not \"%s\":\n%s", seen, lines[seen], text);
                seen++;
                p = eol;
        }
        ck_assert_uint_eq(seen, n);
        free(text);
}

START_TEST(load_two_listeners)
{
        load_two();
        ck_assert_str_eq(config_listener(0), L_HTTP);
        ck_assert_str_eq(config_listener(1), L_HTTPS); /* trimmed */
        ck_assert_ptr_null(config_listener(2));
        ck_assert_int_eq(config_long("max_envelope_kb"), 150); /* other keys still load */
}
END_TEST

START_TEST(load_listeners_sharing_an_address)
{
        /* the seed's two listeners on one IP, and two on one NIC: other ports */
        t_write_file(path, "listener = address=IP:192.0.2.1 transport=HTTPS port=443\n"
                           "listener = address=IP:192.0.2.1 transport=HTTPS port=444\n"
                           "listener = address=IP:192.0.2.1 transport=HTTP port=80\n"
                           "listener = " L_MAC "\n"
                           "listener = address=MAC:00-11-22-33-44-55 transport=HTTP port=8081\n"
                           "listener = address=* transport=HTTP port=8082\n");
        ck_assert_msg(config_load(path, err, sizeof(err)) == 0, "load: %s", err);
        ck_assert_uint_eq(config_listener_count(), 6);
}
END_TEST

START_TEST(load_none)
{
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0); /* no file */
        ck_assert_uint_eq(config_listener_count(), 0);
        ck_assert_ptr_null(config_listener(0));
        t_write_file(path, "max_envelope_kb = 150\n");
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        ck_assert_uint_eq(config_listener_count(), 0);
}
END_TEST

START_TEST(load_bad_listener)
{
        expect_bad("listener = " L_HTTP "\n# c\nlistener = address=* transport=HTTP port=70000\n", 3);
        expect_bad("listener = address=IP:1.2.3.400 transport=HTTP port=5985\n", 1);
        expect_bad("\n\nlistener = address=* transport=HTTP port=5985 colour=blue\n", 3);
        expect_bad("listener =\n", 1);
        expect_bad("listener = " L_HTTP "\nlistener = address=* port=5986\n", 2);
        ck_assert_uint_eq(config_listener_count(), 0);
}
END_TEST

START_TEST(load_conflicting_listeners)
{
        /* same IP (*) and port, another transport: the second record is named */
        expect_bad("listener = " L_HTTP "\n"
                   "max_envelope_kb = 150\n"
                   "listener = address=* transport=https port=5985\n", 3);
        ck_assert_ptr_nonnull(strstr(err, "conflict"));
        /* same IP and port, written differently */
        expect_bad("# x\n"
                   "listener = address=IP:2001:db8::1 transport=HTTP port=5985\n"
                   "listener = " L_MAC "\n"
                   "\n"
                   "listener = address=IP:2001:DB8:0:0::1 transport=HTTPS port=5985\n", 5);
        /* two records on one NIC, one port */
        expect_bad("listener = " L_MAC "\nlistener = address=MAC:00:11:22:33:44:55 transport=HTTPS port=8080\n", 2);
        /* a MAC record and IP=* on one port (both are the seed's IP=*) */
        expect_bad("listener = " L_MAC "\nlistener = address=* transport=HTTP port=8080\n", 2);
        ck_assert_uint_eq(config_listener_count(), 0);
        ck_assert_int_eq(config_long("max_envelope_kb"), 50); /* nothing of a refused file is used */
}
END_TEST

START_TEST(failed_load_keeps_listeners)
{
        load_two();
        expect_bad("listener = " L_MAC "\nlistener = address=* transport=FTP port=1\n", 2);
        ck_assert_uint_eq(config_listener_count(), 2);
        ck_assert_str_eq(config_listener(0), L_HTTP);
        ck_assert_str_eq(config_listener(1), L_HTTPS);
        expect_bad("listener = " L_MAC "\nlistener = " L_MAC "\n", 2);
        ck_assert_uint_eq(config_listener_count(), 2);
        ck_assert_str_eq(config_listener(1), L_HTTPS);
}
END_TEST

START_TEST(txn_set_commit_reload)
{
        const char *const lines[] = { L_MAC, L_HTTPS, "address=IP:::1 transport=HTTP port=5985" };
        struct config_txn *t;

        load_two();
        config_set_watch(watch, NULL);
        t = config_txn_new();
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(config_txn_listener_count(t), -1);
        ck_assert_ptr_null(config_txn_listener(t, 0));
        ck_assert_int_eq(config_txn_set_listeners(t, lines, 3), 0);
        ck_assert_int_eq(config_txn_listener_count(t), 3);
        ck_assert_str_eq(config_txn_listener(t, 2), lines[2]);
        ck_assert_ptr_null(config_txn_listener(t, 3));
        ck_assert_uint_eq(config_txn_count(t), 1);
        /* staged, not yet current */
        ck_assert_uint_eq(config_listener_count(), 2);
        ck_assert_int_eq(config_txn_set(t, "max_batch_items", "9"), 0);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
        ck_assert_int_eq(watched_listener, 1);

        ck_assert_uint_eq(config_listener_count(), 3);
        for (size_t i = 0; i < 3; i++)
                ck_assert_str_eq(config_listener(i), lines[i]);
        assert_file_listeners(lines, 3);

        config_free();
        ck_assert_uint_eq(config_listener_count(), 0);
        ck_assert_msg(config_load(path, err, sizeof(err)) == 0, "reload: %s", err);
        ck_assert_uint_eq(config_listener_count(), 3);
        for (size_t i = 0; i < 3; i++)
                ck_assert_str_eq(config_listener(i), lines[i]);
        ck_assert_int_eq(config_long("max_envelope_kb"), 150); /* kept across the commit */
        ck_assert_int_eq(config_long("max_batch_items"), 9);
}
END_TEST

START_TEST(txn_set_empty_list)
{
        struct config_txn *t;

        load_two();
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set_listeners(t, NULL, 0), 0);
        ck_assert_int_eq(config_txn_listener_count(t), 0);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
        ck_assert_uint_eq(config_listener_count(), 0);
        assert_file_listeners(NULL, 0);
        config_free();
        ck_assert_int_eq(config_load(path, err, sizeof(err)), 0);
        ck_assert_uint_eq(config_listener_count(), 0);
        ck_assert_int_eq(config_long("max_envelope_kb"), 150);
}
END_TEST

START_TEST(txn_other_key_keeps_listeners)
{
        const char *const two[] = { L_HTTP, L_HTTPS };
        struct config_txn *t;

        load_two();
        config_set_watch(watch, NULL);
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set(t, "max_batch_items", "9"), 0);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
        ck_assert_int_eq(watched_listener, 0);
        ck_assert_uint_eq(config_listener_count(), 2);
        assert_file_listeners(two, 2);
}
END_TEST

START_TEST(txn_refused_set_changes_nothing)
{
        const char *const bad[] = { L_MAC, "address=* transport=HTTP port=0" };
        const char *const conflicting[] = { L_MAC, L_HTTP, "address=* transport=HTTP port=8080" };
        const char *const good[] = { L_MAC };
        struct config_txn *t;
        char *before, *after;

        load_two();
        before = t_read_file(path, NULL);
        config_set_watch(watch, NULL);
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set_listeners(t, bad, 2), -EINVAL);
        ck_assert_int_eq(config_txn_listener_count(t), -1);
        ck_assert_uint_eq(config_txn_count(t), 0);
        ck_assert_int_eq(config_txn_set_listeners(t, conflicting, 3), -EINVAL);
        ck_assert_int_eq(config_txn_listener_count(t), -1);
        /* a refused set keeps what was staged before it */
        ck_assert_int_eq(config_txn_set_listeners(t, good, 1), 0);
        ck_assert_int_eq(config_txn_set_listeners(t, bad, 2), -EINVAL);
        ck_assert_int_eq(config_txn_listener_count(t), 1);
        ck_assert_str_eq(config_txn_listener(t, 0), L_MAC);
        config_txn_free(t); /* dropped, not committed */

        ck_assert_uint_eq(config_listener_count(), 2);
        ck_assert_str_eq(config_listener(0), L_HTTP);
        ck_assert_str_eq(config_listener(1), L_HTTPS);
        ck_assert_int_eq(watched_listener, 0);
        after = t_read_file(path, NULL);
        ck_assert_str_eq(after, before);
        free(before);
        free(after);

        /* a transaction whose only change was refused commits nothing: the
         * file (hand-written) is not even rewritten */
        before = t_read_file(path, NULL);
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set_listeners(t, bad, 2), -EINVAL);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
        ck_assert_uint_eq(config_listener_count(), 2);
        ck_assert_int_eq(watched_listener, 0);
        after = t_read_file(path, NULL);
        ck_assert_str_eq(after, before);
        free(before);
        free(after);
}
END_TEST

/* The same list staged again changes nothing: no watcher, no rewrite of
 * the hand-written file. */
START_TEST(txn_same_list_leaves_the_file)
{
        const char *const two[] = { L_HTTP, L_HTTPS };
        struct config_txn *t;
        char *before, *after;

        load_two();
        before = t_read_file(path, NULL);
        config_set_watch(watch, NULL);
        watched_listener = 0;
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set_listeners(t, two, 2), 0);
        ck_assert_uint_eq(config_txn_count(t), 1);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
        ck_assert_int_eq(watched_listener, 0);
        ck_assert_uint_eq(config_listener_count(), 2);
        after = t_read_file(path, NULL);
        ck_assert_str_eq(after, before);
        free(before);
        free(after);
}
END_TEST

START_TEST(txn_too_many)
{
        size_t n = CONFIG_MAX_LISTENERS + 1;
        char (*buf)[80] = calloc(n, sizeof(*buf));
        const char **lines = calloc(n, sizeof(*lines));
        struct config_txn *t;

        ck_assert_ptr_nonnull(buf);
        ck_assert_ptr_nonnull(lines);
        for (size_t i = 0; i < n; i++) {
                snprintf(buf[i], sizeof(buf[i]), "address=IP:10.0.%zu.%zu transport=HTTP port=5985",
                         i / 200, i % 200 + 1);
                lines[i] = buf[i];
        }
        load_two();
        t = config_txn_new();
        ck_assert_int_eq(config_txn_set_listeners(t, lines, n), -EINVAL);
        ck_assert_int_eq(config_txn_listener_count(t), -1);
        ck_assert_int_eq(config_txn_set_listeners(t, lines, n - 1), 0);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
        ck_assert_uint_eq(config_listener_count(), CONFIG_MAX_LISTENERS);
        config_free();
        ck_assert_msg(config_load(path, err, sizeof(err)) == 0, "reload: %s", err);
        ck_assert_uint_eq(config_listener_count(), CONFIG_MAX_LISTENERS);
        ck_assert_str_eq(config_listener(CONFIG_MAX_LISTENERS - 1), lines[CONFIG_MAX_LISTENERS - 1]);
        free(lines);
        free(buf);
}
END_TEST

Suite *config_listeners_suite(void)
{
        Suite *s = suite_create("config_listeners");
        TCase *load = tcase_create("load");
        TCase *txn = tcase_create("txn");

        tcase_add_checked_fixture(load, setup, teardown);
        tcase_add_test(load, load_two_listeners);
        tcase_add_test(load, load_listeners_sharing_an_address);
        tcase_add_test(load, load_none);
        tcase_add_test(load, load_bad_listener);
        tcase_add_test(load, load_conflicting_listeners);
        tcase_add_test(load, failed_load_keeps_listeners);
        suite_add_tcase(s, load);

        tcase_add_checked_fixture(txn, setup, teardown);
        tcase_add_test(txn, txn_set_commit_reload);
        tcase_add_test(txn, txn_set_empty_list);
        tcase_add_test(txn, txn_other_key_keeps_listeners);
        tcase_add_test(txn, txn_refused_set_changes_nothing);
        tcase_add_test(txn, txn_same_list_leaves_the_file);
        tcase_add_test(txn, txn_too_many);
        suite_add_tcase(s, txn);
        return s;
}
