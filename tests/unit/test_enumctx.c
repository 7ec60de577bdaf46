/* test_enumctx.c - enumeration contexts: the quotas (per user, and the
 * share kept for administrators), the binding of a context to its owner
 * and resource, and expiry. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enumctx.h"
#include "tests.h"

static int open_one(const char *user, bool admin, const void *res, char id[48])
{
        struct enumctx_owner o = { user, admin, res };
        char **items = calloc(1, sizeof(char *));

        ck_assert_ptr_nonnull(items);
        items[0] = strdup("<i/>");
        int r = enumctx_create(items, 1, &o, 0, 60000, id);
        if (r < 0) {
                free(items[0]);
                free(items);
        }
        return r;
}

START_TEST(quotas)
{
        static const int res;
        char id[48], user[32];
        int opened = 0;

        /* one reader: its own share */
        for (int i = 0; i < ENUMCTX_PER_USER; i++)
                ck_assert_int_eq(open_one("bob", false, &res, id), 0);
        ck_assert_int_eq(open_one("bob", false, &res, id), -E2BIG);
        /* readers together: all but the administrators' reserve */
        for (int u = 0; opened < ENUMCTX_MAX; u++) {
                snprintf(user, sizeof(user), "reader%d", u);
                if (open_one(user, false, &res, id) < 0)
                        break;
                opened++;
                for (int i = 1; i < ENUMCTX_PER_USER && open_one(user, false, &res, id) == 0; i++)
                        opened++;
        }
        ck_assert_int_eq(opened + ENUMCTX_PER_USER, ENUMCTX_MAX - ENUMCTX_ADMIN_RESERVE);
        /* administrators have the rest, each up to its own share */
        for (int i = 0; i < ENUMCTX_ADMIN_RESERVE; i++)
                ck_assert_int_eq(open_one(i < 100 ? "root" : "alice", true, &res, id), 0);
        ck_assert_int_eq(open_one("carol", true, &res, id), -E2BIG);   /* all 1024 are open */
        enumctx_free_all();
}
END_TEST

START_TEST(bound_to_owner_and_resource)
{
        static const int res_a, res_b;
        struct enumctx_owner bob = { "bob", false, &res_a }, bob_b = { "bob", false, &res_b },
                             alice = { "alice", true, &res_a };
        char id[48];

        ck_assert_int_eq(open_one("bob", false, &res_a, id), 0);
        ck_assert_ptr_nonnull(enumctx_find(id, &bob, 0));
        ck_assert_ptr_null(enumctx_find(id, &bob_b, 0));
        ck_assert_ptr_null(enumctx_find(id, &alice, 0));
        /* expiry */
        ck_assert_ptr_null(enumctx_find(id, &bob, 60000));
        enumctx_free_all();
}
END_TEST

Suite *enumctx_suite(void)
{
        Suite *s = suite_create("enumctx");
        TCase *tc = tcase_create("quota");

        tcase_add_test(tc, quotas);
        tcase_add_test(tc, bound_to_owner_and_resource);
        suite_add_tcase(s, tc);
        return s;
}
