/* test_sddl_linux.c - SIDs for Linux users and groups (S-1-22-1-UID,
 * S-1-22-2-GID): what parses, how a caller with a uid and groups is
 * judged, failing closed when its ids are unknown; the SACL's audit
 * decision; and access_check() looking the ids up once. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "config.h"
#include "sddl.h"
#include "tests.h"

#define SDDL_DEFAULT "O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)"

/* bob: uid 41002, primary group 41002, and group 1001 besides */
static const struct sddl_caller bob = {
        .authenticated = true, .ids = true, .uid = 41002, .n_groups = 2, .groups = { 41002, 1001 },
};
/* carol: uid 41003, her own group only */
static const struct sddl_caller carol = {
        .authenticated = true, .ids = true, .uid = 41003, .n_groups = 1, .groups = { 41003 },
};
/* an authenticated user whose name did not resolve */
static const struct sddl_caller unknown = { .authenticated = true };
/* a caller known by uid whose groups could not all be listed */
static const struct sddl_caller cut = {
        .authenticated = true, .ids = true, .uid = 41004, .groups_cut = true, .n_groups = 1, .groups = { 41004 },
};
static const struct sddl_caller admin = { .authenticated = true, .admin = true };
static const struct sddl_caller user = { .authenticated = true };

static struct sddl parse_ok(const char *text)
{
        struct sddl s;
        size_t pos = 12345;
        int r = sddl_parse(text, &s, &pos);

        ck_assert_msg(r == 0, "\"%s\" refused (%d) at %zu", text, r, pos);
        ck_assert_int_eq(sddl_validate(text), 0);
        ck_assert_int_eq(config_check("service.root_sddl", text), 0);
        return s;
}

/* text is refused, by the parser and by the configuration's check, with
 * err_pos at the SID (which starts at sid_at). */
static void parse_bad(const char *text, size_t sid_at)
{
        struct sddl s;
        size_t pos = (size_t)-1;

        ck_assert_msg(sddl_parse(text, &s, &pos) == -EINVAL, "\"%s\" accepted", text);
        ck_assert_msg(pos >= sid_at && pos <= strlen(text), "\"%s\": err_pos %zu", text, pos);
        ck_assert_int_eq(sddl_validate(text), -EINVAL);
        ck_assert_int_eq(config_check("service.root_sddl", text), -EINVAL);
}

/* What dispatch.c writes for one descriptor: "success", "failure" or NULL. */
static const char *audit_line(const char *text, const struct sddl_caller *c, uint32_t want)
{
        struct sddl s = parse_ok(text);
        bool granted = sddl_allows(&s, c, want);
        unsigned bits = sddl_audit(&s, c, want);

        if (bits & (granted ? SDDL_AUDIT_SUCCESS : SDDL_AUDIT_FAILURE))
                return granted ? "success" : "failure";
        return NULL;
}

START_TEST(parse_linux_sids)
{
        struct sddl s = parse_ok("O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;S-1-22-2-1001)");

        ck_assert(s.has_unix);
        ck_assert_uint_eq(s.n_aces, 2);
        ck_assert_int_eq(s.aces[1].who, TRUSTEE_UNIX_GROUP);
        ck_assert_uint_eq(s.aces[1].id, 1001);
        ck_assert_uint_eq(s.aces[0].id, 0);

        s = parse_ok("D:(A;;GR;;;S-1-22-1-0)(D;;GW;;;S-1-22-2-0)(A;;GX;;;S-1-22-1-4294967295)");
        ck_assert_int_eq(s.aces[0].who, TRUSTEE_UNIX_USER);
        ck_assert_uint_eq(s.aces[0].id, 0);
        ck_assert_int_eq(s.aces[1].who, TRUSTEE_UNIX_GROUP);
        ck_assert_int_eq(s.aces[1].type, 'D');
        ck_assert_uint_eq(s.aces[2].id, 4294967295u);

        /* as owner and group, and in the SACL (which alone sets has_unix) */
        s = parse_ok("O:S-1-22-1-0G:S-1-22-2-0D:(A;;GA;;;BA)");
        ck_assert(!s.has_unix);
        s = parse_ok("D:(A;;GA;;;BA)S:(AU;SA;GR;;;S-1-22-2-41100)");
        ck_assert(s.has_unix);
        ck_assert_uint_eq(s.n_audits, 1);
        ck_assert_int_eq(s.audits[0].who, TRUSTEE_UNIX_GROUP);
        ck_assert_uint_eq(s.audits[0].flags, SDDL_ACE_SA);

        /* the default names no Linux account; S-1-220 is another authority */
        s = parse_ok(SDDL_DEFAULT);
        ck_assert(!s.has_unix);
        s = parse_ok("D:(A;;GA;;;S-1-220-1-5)");
        ck_assert(!s.has_unix);
        ck_assert_int_eq(s.aces[0].who, TRUSTEE_OTHER);
}
END_TEST

START_TEST(refuse_bad_linux_sids)
{
        static const char *const bad[] = {
                "S-1-22-1-",            /* no number */
                "S-1-22-2-",
                "S-1-22-1",
                "S-1-22",
                "S-1-22-",
                "S-1-22-3-5",           /* neither a user nor a group */
                "S-1-22-3-x",
                "S-1-22-0-5",
                "S-1-22-1-x",
                "S-1-22-1-5x",
                "S-1-22-1--5",
                "S-1-22-1-+5",
                "S-1-22-1-5-6",         /* one number only */
                "S-1-22-1-007",         /* no leading zero */
                "S-1-22-1-00",
                "S-1-22-1-4294967296",  /* beyond 32 bits */
                "S-1-22-2-99999999999",
                "S-1-22-1-18446744073709551617",
                "S-1-22-11-5",
        };
        char text[128];

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                snprintf(text, sizeof(text), "D:(A;;GA;;;BA)(A;;GR;;;%s)", bad[i]);
                parse_bad(text, strlen("D:(A;;GA;;;BA)"));
                snprintf(text, sizeof(text), "O:%sG:BAD:(A;;GA;;;BA)", bad[i]);
                parse_bad(text, 2);
                snprintf(text, sizeof(text), "D:(A;;GA;;;BA)S:(AU;FA;GA;;;%s)", bad[i]);
                parse_bad(text, strlen("D:(A;;GA;;;BA)S:"));
        }
}
END_TEST

START_TEST(allow_by_user)
{
        struct sddl s = parse_ok("O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;S-1-22-1-41002)");

        ck_assert(sddl_allows(&s, &bob, SDDL_GR));
        ck_assert(!sddl_allows(&s, &bob, SDDL_GW));
        ck_assert(!sddl_allows(&s, &bob, SDDL_GX));
        ck_assert(!sddl_allows(&s, &carol, SDDL_GR));
        ck_assert(!sddl_allows(&s, &user, SDDL_GR));
        ck_assert(sddl_allows(&s, &admin, SDDL_GW));
        /* a gid is not a uid: bob is in group 1001, he is not user 1001 */
        s = parse_ok("D:(A;;GR;;;S-1-22-1-1001)");
        ck_assert(!sddl_allows(&s, &bob, SDDL_GR));
}
END_TEST

START_TEST(allow_by_group)
{
        /* the administrators' example: members of gid 1001 may read */
        struct sddl s = parse_ok("O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;S-1-22-2-1001)");

        ck_assert(sddl_allows(&s, &bob, SDDL_GR));            /* supplementary */
        ck_assert(!sddl_allows(&s, &bob, SDDL_GW));
        ck_assert(!sddl_allows(&s, &bob, SDDL_GX));
        ck_assert(!sddl_allows(&s, &carol, SDDL_GR));
        s = parse_ok("D:(A;;GRGW;;;S-1-22-2-41002)");
        ck_assert(sddl_allows(&s, &bob, SDDL_GR | SDDL_GW));  /* primary */
        ck_assert(!sddl_allows(&s, &carol, SDDL_GR));
        /* rights add up across ACEs */
        s = parse_ok("D:(A;;GR;;;S-1-22-2-1001)(A;;GW;;;S-1-22-1-41002)");
        ck_assert(sddl_allows(&s, &bob, SDDL_GR | SDDL_GW));
}
END_TEST

START_TEST(deny_by_group_beats_allow)
{
        struct sddl s = parse_ok("D:(D;;GA;;;S-1-22-2-1001)(A;;GA;;;AU)");

        ck_assert(!sddl_allows(&s, &bob, SDDL_GR));
        ck_assert(sddl_allows(&s, &carol, SDDL_GR));
        /* a deny of writing leaves the read granted after it */
        s = parse_ok("D:(D;;GW;;;S-1-22-2-41002)(A;;GRGW;;;S-1-22-1-41002)");
        ck_assert(sddl_allows(&s, &bob, SDDL_GR));
        ck_assert(!sddl_allows(&s, &bob, SDDL_GW));
        /* an allow before it grants first, as for any SID */
        s = parse_ok("D:(A;;GR;;;S-1-22-1-41002)(D;;GA;;;S-1-22-2-1001)");
        ck_assert(sddl_allows(&s, &bob, SDDL_GR));
        ck_assert(!sddl_allows(&s, &bob, SDDL_GW));
        /* the user's own deny beats authenticated users' allow */
        s = parse_ok("D:(A;;GA;;;BA)(D;;GA;;;S-1-22-1-41002)(A;;GR;;;AU)");
        ck_assert(!sddl_allows(&s, &bob, SDDL_GR));
        ck_assert(sddl_allows(&s, &carol, SDDL_GR));
}
END_TEST

START_TEST(unknown_user_fails_closed)
{
        struct sddl s = parse_ok("D:(A;;GA;;;S-1-22-1-0)(A;;GA;;;S-1-22-2-0)(A;;GA;;;S-1-22-2-41002)");
        struct sddl_caller anon = bob;

        /* no ids: no allow naming a Linux account applies (uid 0 included) */
        ck_assert(!sddl_allows(&s, &unknown, SDDL_GR));
        /* ... but a deny does, so an unresolvable name is never let in past it */
        s = parse_ok("D:(D;;GA;;;S-1-22-1-41002)(A;;GA;;;AU)");
        ck_assert(!sddl_allows(&s, &unknown, SDDL_GR));
        ck_assert(sddl_allows(&s, &carol, SDDL_GR));
        /* an unauthenticated caller with ids is never a Linux account */
        anon.authenticated = false;
        s = parse_ok("D:(A;;GA;;;S-1-22-1-41002)");
        ck_assert(!sddl_allows(&s, &anon, SDDL_GR));
        /* groups that could not all be listed: allows by others fail, denies hold */
        s = parse_ok("D:(A;;GR;;;S-1-22-2-5000)(A;;GW;;;S-1-22-2-41004)(A;;GX;;;S-1-22-1-41004)");
        ck_assert(!sddl_allows(&s, &cut, SDDL_GR));
        ck_assert(sddl_allows(&s, &cut, SDDL_GW | SDDL_GX));
        s = parse_ok("D:(D;;GA;;;S-1-22-2-5000)(A;;GA;;;AU)");
        ck_assert(!sddl_allows(&s, &cut, SDDL_GR));
        ck_assert(sddl_allows(&s, &bob, SDDL_GR));
}
END_TEST

START_TEST(audit_default)
{
        /* FA: a refused access, of anything */
        ck_assert_str_eq(audit_line(SDDL_DEFAULT, &user, SDDL_GR), "failure");
        ck_assert_str_eq(audit_line(SDDL_DEFAULT, &user, SDDL_GW), "failure");
        ck_assert_str_eq(audit_line(SDDL_DEFAULT, &bob, SDDL_GX), "failure");
        /* SA of GWGX: a granted write or execute */
        ck_assert_str_eq(audit_line(SDDL_DEFAULT, &admin, SDDL_GW), "success");
        ck_assert_str_eq(audit_line(SDDL_DEFAULT, &admin, SDDL_GX), "success");
        /* nothing for a granted read */
        ck_assert_ptr_null(audit_line(SDDL_DEFAULT, &admin, SDDL_GR));
}
END_TEST

START_TEST(audit_bits)
{
        struct sddl s = parse_ok(SDDL_DEFAULT);

        ck_assert_uint_eq(sddl_audit(&s, &admin, SDDL_GR), SDDL_AUDIT_FAILURE);
        ck_assert_uint_eq(sddl_audit(&s, &admin, SDDL_GW), SDDL_AUDIT_SUCCESS | SDDL_AUDIT_FAILURE);
        /* no SACL, or one without a matching ACE: nothing */
        s = parse_ok("O:NSG:BAD:P(A;;GA;;;BA)");
        ck_assert_uint_eq(sddl_audit(&s, &admin, SDDL_GW), 0);
        ck_assert_ptr_null(audit_line("D:(A;;GA;;;BA)S:(AU;SA;GW;;;BA)", &admin, SDDL_GR));
        ck_assert_ptr_null(audit_line("D:(A;;GA;;;BA)S:(AU;SA;GW;;;BA)", &user, SDDL_GW));
        ck_assert_ptr_null(audit_line("D:(A;;GA;;;BA)S:(AU;;GA;;;WD)", &user, SDDL_GW)); /* no SA/FA */
        /* a Linux group's successes only, and an unresolved caller is audited */
        ck_assert_str_eq(audit_line("D:(A;;GA;;;AU)S:(AU;SA;GR;;;S-1-22-2-1001)", &bob, SDDL_GR), "success");
        ck_assert_ptr_null(audit_line("D:(A;;GA;;;AU)S:(AU;SA;GR;;;S-1-22-2-1001)", &carol, SDDL_GR));
        ck_assert_str_eq(audit_line("D:(A;;GA;;;AU)S:(AU;SA;GR;;;S-1-22-2-1001)", &unknown, SDDL_GR), "success");
        /* an audit ACE in a DACL is ignored for access */
        s = parse_ok("D:(AU;SA;GA;;;WD)");
        ck_assert_int_eq(s.aces[0].type, 'O');
        ck_assert(!sddl_allows(&s, &admin, SDDL_GR));
        ck_assert_uint_eq(s.n_audits, 0);
}
END_TEST

START_TEST(audit_cut_sacl_audits_all)
{
        char buf[2048];
        int n = snprintf(buf, sizeof(buf), "D:(A;;GA;;;BA)S:");
        struct sddl s;

        for (int i = 0; i < SDDL_MAX_ACES + 1; i++)
                n += snprintf(buf + n, sizeof(buf) - (size_t)n, "(AU;SA;GW;;;SY)");
        s = parse_ok(buf);
        ck_assert(s.sacl_cut);
        ck_assert_uint_eq(s.n_audits, SDDL_MAX_ACES);
        ck_assert_uint_eq(sddl_audit(&s, &user, SDDL_GR), SDDL_AUDIT_SUCCESS | SDDL_AUDIT_FAILURE);
}
END_TEST

/* access_check() with the real passwd database: this process's uid and
 * primary group, and a name that resolves to nothing. */
START_TEST(access_check_looks_up_once)
{
        char text[256];
        struct access_who who = { .c = { .authenticated = true }, .by_uid = true, .uid = getuid() };
        unsigned audit = 0;

        snprintf(text, sizeof(text), "D:(A;;GR;;;S-1-22-1-%u)(A;;GW;;;S-1-22-2-%u)S:(AU;SA;GW;;;S-1-22-1-%u)",
                 (unsigned)getuid(), (unsigned)getgid(), (unsigned)getuid());
        /* no S-1-22 ACE: nothing is looked up */
        ck_assert(access_check(SDDL_DEFAULT, &who, SDDL_GR, &audit) == false);
        ck_assert(!who.looked_up);
        ck_assert_uint_eq(audit, SDDL_AUDIT_FAILURE);
        audit = 0;
        ck_assert(access_check(text, &who, SDDL_GR, &audit));
        ck_assert(who.looked_up);
        ck_assert(who.c.ids);
        ck_assert_uint_eq(who.c.uid, getuid());
        ck_assert_uint_eq(audit, 0);
        if (!who.c.groups_cut) {
                ck_assert(access_check(text, &who, SDDL_GW, &audit));
                ck_assert_uint_eq(audit, SDDL_AUDIT_SUCCESS);
        }
        /* once per who: a later change of its source is not seen */
        who.uid = getuid() + 1;
        ck_assert(access_check(text, &who, SDDL_GR, &audit));
        /* NULL text grants and asks for nothing; text that does not parse
         * refuses and asks to audit the refusal */
        audit = 0;
        ck_assert(access_check(NULL, &who, SDDL_GW, &audit));
        ck_assert_uint_eq(audit, 0);
        ck_assert(!access_check("D:(A;;GA;;;S-1-22-3-1)", &who, SDDL_GR, &audit));
        ck_assert_uint_eq(audit, SDDL_AUDIT_FAILURE);
}
END_TEST

START_TEST(access_check_unknown_name)
{
        struct access_who who = { .c = { .authenticated = true }, .user = "winrmd-no-such-user-4x7" };
        struct access_who nobody = { .user = "root" };
        unsigned audit = 0;

        ck_assert(!access_check("D:(A;;GA;;;S-1-22-1-0)(A;;GA;;;S-1-22-2-0)", &who, SDDL_GR, &audit));
        ck_assert(who.looked_up);
        ck_assert(!who.c.ids);
        ck_assert(!access_check("D:(D;;GW;;;S-1-22-1-12345)(A;;GA;;;AU)", &who, SDDL_GW, &audit));
        ck_assert(access_check("D:(D;;GW;;;S-1-22-1-12345)(A;;GA;;;AU)", &who, SDDL_GR, &audit));
        /* an unauthenticated caller is never looked up */
        ck_assert(!access_check("D:(A;;GA;;;S-1-22-1-0)", &nobody, SDDL_GR, &audit));
        ck_assert(!nobody.c.ids);
}
END_TEST

Suite *sddl_linux_suite(void)
{
        Suite *s = suite_create("sddl_linux");
        TCase *p = tcase_create("parse");
        TCase *e = tcase_create("evaluate");
        TCase *a = tcase_create("audit");
        TCase *c = tcase_create("access_check");

        tcase_add_test(p, parse_linux_sids);
        tcase_add_test(p, refuse_bad_linux_sids);
        suite_add_tcase(s, p);
        tcase_add_test(e, allow_by_user);
        tcase_add_test(e, allow_by_group);
        tcase_add_test(e, deny_by_group_beats_allow);
        tcase_add_test(e, unknown_user_fails_closed);
        suite_add_tcase(s, e);
        tcase_add_test(a, audit_default);
        tcase_add_test(a, audit_bits);
        tcase_add_test(a, audit_cut_sacl_audits_all);
        suite_add_tcase(s, a);
        tcase_add_test(c, access_check_looks_up_once);
        tcase_add_test(c, access_check_unknown_name);
        suite_add_tcase(s, c);
        return s;
}
