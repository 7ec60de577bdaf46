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

/* A list source of n items "<i>k</i>" (k = 0..n-1). */
static struct enumctx_source list_of(size_t n)
{
        struct enumctx_source s = { 0 };
        size_t o = 0;

        s.text = malloc(n * 16 + 1);
        s.ends = calloc(n ? n : 1, sizeof(size_t));
        ck_assert(s.text && s.ends);
        for (size_t k = 0; k < n; k++) {
                o += (size_t)sprintf(s.text + o, "<i>%zu</i>", k);
                s.ends[k] = o;
        }
        s.n = n;
        return s;
}

static int open_one(const char *user, bool admin, const void *res, char id[48])
{
        struct enumctx_owner o = { user, admin, res };
        struct enumctx_source src = list_of(1);
        struct enumctx *c;

        return enumctx_create(&o, &src, 0, 60000, id, &c);
}

static int closed;
static void close_cursor(const void *res, void *cursor)
{
        (void)res;
        closed += cursor != NULL;
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

START_TEST(list_take_and_hold)
{
        static const int res;
        struct enumctx_owner bob = { "bob", false, &res };
        struct enumctx_source src = list_of(3);
        struct enumctx *c;
        struct enumctx_item it;
        char id[48];

        ck_assert_int_eq(enumctx_create(&bob, &src, 0, 60000, id, &c), 0);
        ck_assert_ptr_null(src.text);                   /* taken over */
        ck_assert_int_eq(enumctx_total(c), 3);
        ck_assert_int_eq(enumctx_take(c, &it), 0);
        ck_assert_str_eq(it.text, "<i>0</i>");
        ck_assert_uint_eq(it.len, 8);
        ck_assert_ptr_null(it.sel);                     /* no selectors kept */
        /* an item that did not fit is served first next time, not lost */
        ck_assert_int_eq(enumctx_hold(c, &it), 0);
        ck_assert_ptr_null(it.text);
        ck_assert(!enumctx_done(c));
        ck_assert_int_eq(enumctx_take(c, &it), 0);
        ck_assert_str_eq(it.text, "<i>0</i>");
        enumctx_item_free(&it);
        for (int k = 1; k < 3; k++) {
                ck_assert_int_eq(enumctx_take(c, &it), 0);
                enumctx_item_free(&it);
        }
        ck_assert_int_eq(enumctx_take(c, &it), -ENOENT);
        ck_assert(enumctx_done(c));
        enumctx_release(c);
        ck_assert_uint_eq(enumctx_bytes(), 0);
}
END_TEST

START_TEST(byte_budgets)
{
        static const int res;
        struct enumctx_owner bob = { "bob", false, &res };
        struct enumctx_source big = { 0 };
        struct enumctx *c;
        char id[48];

        /* a list over the per-context budget is refused (and freed) */
        big.text = malloc(ENUMCTX_LIST_BYTES + 1);
        big.ends = malloc(sizeof(size_t));
        big.ends[0] = ENUMCTX_LIST_BYTES + 1;
        big.n = 1;
        ck_assert_int_eq(enumctx_create(&bob, &big, 0, 60000, id, &c), -E2BIG);
        /* four lists at the limit fill the user's budget; a fifth is refused */
        for (int k = 0; k < 5; k++) {
                struct enumctx_source s = { 0 };
                s.text = calloc(1, ENUMCTX_LIST_BYTES);
                s.ends = malloc(sizeof(size_t));
                s.ends[0] = ENUMCTX_LIST_BYTES;
                s.n = 1;
                ck_assert_int_eq(enumctx_create(&bob, &s, 0, 60000, id, &c), k < 4 ? 0 : -E2BIG);
        }
        ck_assert_uint_eq(enumctx_bytes(), 4 * (size_t)ENUMCTX_LIST_BYTES);
        enumctx_free_all();
        ck_assert_uint_eq(enumctx_bytes(), 0);
}
END_TEST

START_TEST(cursor_closed_once)
{
        static const int res;
        struct enumctx_owner bob = { "bob", false, &res };
        struct enumctx_source src = { .cursor = (void *)&res, .close = close_cursor };
        struct enumctx *c;
        struct enumctx_item it;
        char id[48];

        closed = 0;
        ck_assert_int_eq(enumctx_create(&bob, &src, 0, 60000, id, &c), 0);
        ck_assert_ptr_eq(enumctx_cursor(c), &res);
        ck_assert_int_eq(enumctx_take(c, &it), -ENOENT);   /* the provider's turn */
        ck_assert(!enumctx_done(c));
        /* a cursor's count is unknown until it ends, then what it gave */
        enumctx_count_item(c);
        enumctx_count_item(c);
        ck_assert_int_eq(enumctx_total(c), -1);
        enumctx_set_end(c);
        ck_assert_int_eq(enumctx_total(c), 2);
        ck_assert(enumctx_done(c));
        /* busy contexts do not expire */
        enumctx_set_busy(c, true);
        ck_assert_int_eq(enumctx_expire(120000), 0);
        enumctx_set_busy(c, false);
        ck_assert_int_eq(enumctx_expire(120000), 1);
        ck_assert_int_eq(closed, 1);
}
END_TEST

/* A list whose items carry selectors: each item comes with its own, a
 * held one keeps them, they count in the byte budget, and the context
 * keeps the Enumerate's mode, filter and URI for its Pulls. */
START_TEST(list_with_selectors)
{
        static const int res;
        struct enumctx_owner bob = { "bob", false, &res };
        struct enumctx_source src = list_of(2);
        struct enumsel_req req = { .mode = ENUM_MODE_EPR };
        static const char pairs[] = "Id\0" "a\0" "Id\0" "b\0";
        struct enumctx_item it;
        struct enumctx *c;
        char id[48];

        src.sel = malloc(sizeof(pairs));
        src.sel_ends = malloc(2 * sizeof(size_t));
        ck_assert(src.sel && src.sel_ends);
        memcpy(src.sel, pairs, sizeof(pairs));
        src.sel_ends[0] = 5;
        src.sel_ends[1] = 10;
        ck_assert_int_eq(enumctx_create(&bob, &src, 0, 60000, id, &c), 0);
        ck_assert_uint_eq(enumctx_bytes(), 16 + 10);
        ck_assert_int_eq(enumctx_set_how(c, &req, "http://example.org/r", true), 0);
        ck_assert_int_eq(enumctx_req(c)->mode, ENUM_MODE_EPR);
        ck_assert_str_eq(enumctx_uri(c), "http://example.org/r");
        ck_assert(enumctx_want_count(c));
        ck_assert_int_eq(enumctx_take(c, &it), 0);
        ck_assert_uint_eq(it.sel_len, 5);
        ck_assert_mem_eq(it.sel, "Id\0" "a\0", 5);
        enumctx_item_free(&it);
        ck_assert_int_eq(enumctx_take(c, &it), 0);
        ck_assert_mem_eq(it.sel, "Id\0" "b\0", 5);
        ck_assert_int_eq(enumctx_hold(c, &it), 0);
        ck_assert_int_eq(enumctx_take(c, &it), 0);
        ck_assert_str_eq(it.text, "<i>1</i>");
        ck_assert_mem_eq(it.sel, "Id\0" "b\0", 5);
        enumctx_item_free(&it);
        ck_assert(enumctx_done(c));
        enumctx_release(c);
        ck_assert_uint_eq(enumctx_bytes(), 0);
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
        tcase_add_test(tc, list_take_and_hold);
        tcase_add_test(tc, byte_budgets);
        tcase_add_test(tc, cursor_closed_once);
        tcase_add_test(tc, list_with_selectors);
        suite_add_tcase(s, tc);
        return s;
}
