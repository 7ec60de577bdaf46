/* test_sddl.c - RootSDDL parsing (what it accepts, what it refuses and where)
 * and the DACL decision for the callers winrmd knows. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sddl.h"
#include "tests.h"

/* WinRM's default RootSDDL and the one a typical Windows Server 2012 has. */
#define SDDL_DEFAULT "O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)"
#define SDDL_2012 "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;IU)S:P(AU;FA;GA;;;WD)(AU;SA;GXGW;;;WD)"

static const struct sddl_caller anon = { .authenticated = false };
static const struct sddl_caller user = { .authenticated = true };
static const struct sddl_caller local_user = { .authenticated = true, .local = true };
static const struct sddl_caller admin = { .authenticated = true, .admin = true };
static const struct sddl_caller root = { .authenticated = true, .admin = true, .root = true, .local = true };

static struct sddl parse_ok(const char *text)
{
        struct sddl s;
        size_t pos = 12345;
        int r = sddl_parse(text, &s, &pos);

        ck_assert_msg(r == 0, "\"%s\" refused (%d) at %zu", text, r, pos);
        ck_assert_int_eq(sddl_validate(text), 0);
        return s;
}

/* Expects text to be refused with err_pos in [lo, hi]. */
static void parse_bad(const char *text, size_t lo, size_t hi)
{
        struct sddl s;
        size_t pos = (size_t)-1;

        ck_assert_msg(sddl_parse(text, &s, &pos) == -EINVAL, "\"%s\" accepted", text);
        ck_assert_msg(pos >= lo && pos <= hi, "\"%s\": err_pos %zu not in [%zu, %zu]", text, pos, lo, hi);
        ck_assert_msg(pos <= strlen(text), "\"%s\": err_pos %zu past the end", text, pos);
        ck_assert_int_eq(sddl_validate(text), -EINVAL);
        /* a NULL err_pos is allowed */
        ck_assert_int_eq(sddl_parse(text, &s, NULL), -EINVAL);
}

/* Position of the first occurrence of needle in text (which must hold it). */
static size_t at(const char *text, const char *needle)
{
        const char *p = strstr(text, needle);

        ck_assert_msg(p != NULL, "\"%s\" not in \"%s\"", needle, text);
        return (size_t)(p - text);
}

START_TEST(parse_default)
{
        struct sddl s = parse_ok(SDDL_DEFAULT);

        ck_assert(s.has_dacl);
        ck_assert(!s.dacl_null);
        ck_assert_uint_eq(s.n_aces, 1); /* SACL ACEs are not kept */
        ck_assert_int_eq(s.aces[0].type, 'A');
        ck_assert_uint_eq(s.aces[0].rights, SDDL_GA);
        ck_assert_int_eq(s.aces[0].who, TRUSTEE_ADMINS);
}
END_TEST

START_TEST(parse_2012)
{
        struct sddl s = parse_ok(SDDL_2012);

        ck_assert(s.has_dacl);
        ck_assert_uint_eq(s.n_aces, 2);
        ck_assert_int_eq(s.aces[0].type, 'A');
        ck_assert_uint_eq(s.aces[0].rights, SDDL_GA);
        ck_assert_int_eq(s.aces[0].who, TRUSTEE_ADMINS);
        ck_assert_int_eq(s.aces[1].type, 'A');
        ck_assert_uint_eq(s.aces[1].rights, SDDL_GR);
        ck_assert_int_eq(s.aces[1].who, TRUSTEE_INTERACTIVE);
}
END_TEST

START_TEST(parse_sids_long_form)
{
        struct sddl s = parse_ok("O:S-1-5-21-1004336348-1177238915-682003330-512"
                                 "G:S-1-5-21-1004336348-1177238915-682003330-513"
                                 "D:(A;;GA;;;S-1-5-32-544)(A;;GR;;;S-1-5-11)(A;;GX;;;S-1-1-0)"
                                 "(A;;GW;;;S-1-5-18)(A;;GR;;;S-1-5-4)(A;;GR;;;S-1-5-32-545)"
                                 "(A;;GA;;;S-1-5-21-1004336348-1177238915-682003330-1001)");

        ck_assert_uint_eq(s.n_aces, 7);
        ck_assert_int_eq(s.aces[0].who, TRUSTEE_ADMINS);
        ck_assert_int_eq(s.aces[1].who, TRUSTEE_AUTH_USERS);
        ck_assert_int_eq(s.aces[2].who, TRUSTEE_EVERYONE);
        ck_assert_int_eq(s.aces[3].who, TRUSTEE_SYSTEM);
        ck_assert_int_eq(s.aces[4].who, TRUSTEE_INTERACTIVE);
        ck_assert_int_eq(s.aces[5].who, TRUSTEE_USERS);
        ck_assert_int_eq(s.aces[6].who, TRUSTEE_OTHER); /* a domain account: matches nobody */
        ck_assert_uint_eq(s.aces[1].rights, SDDL_GR);
        ck_assert_uint_eq(s.aces[2].rights, SDDL_GX);
        ck_assert_uint_eq(s.aces[3].rights, SDDL_GW);
        /* a prefix of a well-known SID is not that SID */
        s = parse_ok("D:(A;;GA;;;S-1-5-32-5440)(A;;GA;;;S-1-5-3)");
        ck_assert_int_eq(s.aces[0].who, TRUSTEE_OTHER);
        ck_assert_int_eq(s.aces[1].who, TRUSTEE_OTHER);
        ck_assert(!sddl_allows(&s, &root, SDDL_GR));
}
END_TEST

START_TEST(parse_rights)
{
        struct sddl s = parse_ok("D:(A;;0x10000000;;;BA)(A;;0X80000000;;;AU)(A;;0x1f01ff;;;SY)"
                                 "(A;;GRGWGX;;;IU)(A;;FA;;;WD)(A;;RPWPCCDCLCSWRCWDWOSD;;;BU)");

        ck_assert_uint_eq(s.n_aces, 6);
        ck_assert_uint_eq(s.aces[0].rights, SDDL_GA);
        ck_assert_uint_eq(s.aces[1].rights, SDDL_GR);
        ck_assert_uint_eq(s.aces[2].rights, 0x1f01ffu);
        ck_assert_uint_eq(s.aces[3].rights, SDDL_GR | SDDL_GW | SDDL_GX);
        ck_assert_uint_eq(s.aces[4].rights, 0x001f01ffu);
        ck_assert_uint_eq(s.aces[5].rights, 0x10u | 0x20u | 0x1u | 0x2u | 0x4u | 0x8u | 0x00020000u |
                                            0x00040000u | 0x00080000u | 0x00010000u);
        /* hex rights count as the generic bits they hold */
        ck_assert(sddl_allows(&s, &admin, SDDL_GW));
        ck_assert(sddl_allows(&s, &user, SDDL_GR));
        ck_assert(!sddl_allows(&s, &user, SDDL_GW));
}
END_TEST

START_TEST(parse_object_guid)
{
        struct sddl s = parse_ok("D:(OA;CI;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;"
                                 "BF967ABA-0DE6-11D0-A285-00AA003049E2;AU)(A;OICI;GA;;;BA)");

        ck_assert_uint_eq(s.n_aces, 2);
        ck_assert_int_eq(s.aces[0].type, 'O');
        ck_assert_int_eq(s.aces[0].who, TRUSTEE_AUTH_USERS);
        /* an object ACE does not grant anything */
        ck_assert(!sddl_allows(&s, &user, 0x100));
        ck_assert(sddl_allows(&s, &admin, SDDL_GR));
        /* a GUID of the wrong shape */
        parse_bad("D:(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529;;AU)", 2, 2);
        parse_bad("D:(OA;;CR;ab721a53x1e2f-11d0-9819-00aa0040529b;;AU)", 2, 2);
        parse_bad("D:(OA;;CR;;zb721a53-1e2f-11d0-9819-00aa0040529b;AU)", 2, 2);
}
END_TEST

START_TEST(parse_dacl_kinds)
{
        struct sddl s = parse_ok("O:BAG:BAD:NO_ACCESS_CONTROL");

        ck_assert(s.has_dacl);
        ck_assert(s.dacl_null);
        ck_assert(sddl_allows(&s, &anon, SDDL_GA));

        s = parse_ok("O:BAG:BAD:S:P(AU;FA;GA;;;WD)");
        ck_assert(s.has_dacl);
        ck_assert(!s.dacl_null);
        ck_assert_uint_eq(s.n_aces, 0);
        ck_assert(!sddl_allows(&s, &root, SDDL_GR)); /* an empty DACL denies all */
        ck_assert(!sddl_allows(&s, &admin, SDDL_GX));

        s = parse_ok("D:");
        ck_assert(s.has_dacl);
        ck_assert(!sddl_allows(&s, &root, SDDL_GR));

        s = parse_ok("O:BAG:BA");
        ck_assert(!s.has_dacl);
        ck_assert(sddl_allows(&s, &anon, SDDL_GA)); /* no DACL allows all */

        s = parse_ok("O:NSG:BAS:P(AU;FA;GA;;;WD)");
        ck_assert(!s.has_dacl);
        ck_assert(sddl_allows(&s, &anon, SDDL_GR | SDDL_GW));

        /* DACL flags, and the parts in another order */
        s = parse_ok("D:PAIAR(A;;GA;;;BA)O:BA");
        ck_assert_uint_eq(s.n_aces, 1);
        s = parse_ok("S:NO_ACCESS_CONTROLD:(A;;GR;;;WD)G:SY");
        ck_assert(!s.dacl_null); /* only the DACL's flag counts */
        ck_assert(!sddl_allows(&s, &anon, SDDL_GW));
        ck_assert(sddl_allows(&s, &anon, SDDL_GR));
}
END_TEST

START_TEST(parse_max_aces)
{
        char buf[2048];
        size_t n = 0;
        struct sddl s;
        size_t pos;

        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "D:");
        for (int i = 0; i < SDDL_MAX_ACES; i++)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "(A;;GR;;;WD)");
        s = parse_ok(buf);
        ck_assert_uint_eq(s.n_aces, SDDL_MAX_ACES);
        snprintf(buf + n, sizeof(buf) - n, "(A;;GR;;;WD)");
        ck_assert_int_eq(sddl_parse(buf, &s, &pos), -EINVAL);
        /* the SACL has no such limit: its ACEs are checked, not kept */
        n = (size_t)snprintf(buf, sizeof(buf), "D:(A;;GA;;;BA)S:");
        for (int i = 0; i < SDDL_MAX_ACES + 4; i++)
                n += (size_t)snprintf(buf + n, sizeof(buf) - n, "(AU;SA;GA;;;WD)");
        s = parse_ok(buf);
        ck_assert_uint_eq(s.n_aces, 1);
}
END_TEST

START_TEST(refuse_empty_and_junk)
{
        parse_bad("", 0, 0);
        parse_bad("X:BA", 0, 0);
        parse_bad("O", 0, 0);
        parse_bad("D", 0, 0);
        parse_bad("d:(A;;GA;;;BA)", 0, 0);
        parse_bad(SDDL_DEFAULT "junk", strlen(SDDL_DEFAULT), strlen(SDDL_DEFAULT));
        parse_bad("D:(A;;GA;;;BA) ", 14, 14);
        parse_bad("D:(A;;GA;;;BA)x(A;;GR;;;WD)", 14, 14);
        parse_bad("D:Q(A;;GA;;;BA)", 2, 2);
        parse_bad("O:", 2, 2);      /* an empty owner */
        parse_bad("O:G:BA", 2, 2);
}
END_TEST

START_TEST(refuse_bad_ace)
{
        const char *t;

        /* unknown ACE type */
        t = "O:NSG:BAD:P(Z;;GA;;;BA)";
        parse_bad(t, at(t, "("), at(t, ")"));
        t = "D:(AX;;GA;;;BA)";
        parse_bad(t, 2, 14);
        t = "D:(;;GA;;;BA)";
        parse_bad(t, 2, 12);
        /* unknown right code, odd length, hex too long or empty */
        t = "D:P(A;;GA;;;BA)(A;;GZ;;;BA)";
        parse_bad(t, at(t, "(A;;GZ"), strlen(t));
        parse_bad("D:(A;;GAG;;;BA)", 2, 14);
        parse_bad("D:(A;;;;;BA)", 2, 11);
        parse_bad("D:(A;;0x100000000;;;BA)", 2, 22);
        parse_bad("D:(A;;0x;;;BA)", 2, 13);
        parse_bad("D:(A;;0xG0;;;BA)", 2, 15);
        /* unknown ACE flag */
        parse_bad("D:(A;QQ;GA;;;BA)", 2, 15);
        parse_bad("D:(A;C;GA;;;BA)", 2, 14);
        /* 5 or 7 fields */
        t = "D:(A;;GA;;;BA)(A;;GA;;BA)";
        parse_bad(t, 14, strlen(t));
        t = "D:(A;;GA;;;BA)(A;;GA;;;BA;x)";
        parse_bad(t, 14, strlen(t));
        parse_bad("D:(A;;GA;;;;;;;;BA)", 2, 18);
        /* unclosed paren */
        t = "D:(A;;GA;;;BA";
        parse_bad(t, 2, strlen(t));
        t = "D:(A;;GA;;;BA)(A;;GR;;;AU";
        parse_bad(t, 14, strlen(t));
        t = "D:(A;;GA;;;BA(A;;GR;;;AU)";
        parse_bad(t, 2, strlen(t));
        parse_bad("D:(", 2, 3);
        /* a stray ')' */
        parse_bad("D:A;;GA;;;BA)", 2, 2);
}
END_TEST

START_TEST(refuse_bad_sid)
{
        parse_bad("D:(A;;GA;;;S-1-)", 2, 15);
        parse_bad("D:(A;;GA;;;S-1-5-)", 2, 17);
        parse_bad("D:(A;;GA;;;S-1--5)", 2, 17);
        parse_bad("D:(A;;GA;;;S-2-5-11)", 2, 19);
        parse_bad("D:(A;;GA;;;S-1-5-1x)", 2, 19);
        parse_bad("D:(A;;GA;;;)", 2, 11);
        parse_bad("D:(A;;GA;;;XX)", 2, 13);      /* not a known alias */
        parse_bad("D:(A;;GA;;;ba)", 2, 13);      /* aliases are upper-case */
        parse_bad("D:(A;;GA;;;BAX)", 2, 14);
        parse_bad("O:S-1-G:BA", 2, 2);
        parse_bad("O:BAG:S-1-", 6, 6);
        parse_bad("O:BAG:ZZD:(A;;GA;;;BA)", 6, 6);
}
END_TEST

START_TEST(refuse_duplicate_part)
{
        const char *t;

        t = "D:(A;;GA;;;BA)D:(A;;GA;;;WD)";
        parse_bad(t, 14, 16);
        t = "O:BAG:BAD:(A;;GA;;;BA)S:O:SY";
        parse_bad(t, at(t, "S:") + 2, at(t, "S:") + 2);
        parse_bad("O:BAO:BA", 4, 4);
        parse_bad("D:D:", 2, 4);
        parse_bad("S:S:", 2, 4);
}
END_TEST

START_TEST(allows_default)
{
        struct sddl s = parse_ok(SDDL_DEFAULT);

        ck_assert(sddl_allows(&s, &admin, SDDL_GR));
        ck_assert(sddl_allows(&s, &admin, SDDL_GW));
        ck_assert(sddl_allows(&s, &admin, SDDL_GX));
        ck_assert(sddl_allows(&s, &admin, SDDL_GR | SDDL_GW | SDDL_GX));
        ck_assert(sddl_allows(&s, &admin, SDDL_GA));
        ck_assert(sddl_allows(&s, &root, SDDL_GR));
        ck_assert(!sddl_allows(&s, &user, SDDL_GR));
        ck_assert(!sddl_allows(&s, &user, SDDL_GX));
        ck_assert(!sddl_allows(&s, &local_user, SDDL_GR));
        ck_assert(!sddl_allows(&s, &anon, SDDL_GR));
}
END_TEST

START_TEST(allows_2012)
{
        struct sddl s = parse_ok(SDDL_2012);

        ck_assert(sddl_allows(&s, &admin, SDDL_GW));
        ck_assert(sddl_allows(&s, &local_user, SDDL_GR));
        ck_assert(!sddl_allows(&s, &local_user, SDDL_GW));
        ck_assert(!sddl_allows(&s, &local_user, SDDL_GR | SDDL_GX));
        ck_assert(!sddl_allows(&s, &user, SDDL_GR)); /* IU: local callers only */
}
END_TEST

START_TEST(allows_auth_users_read)
{
        struct sddl s = parse_ok("O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)");

        ck_assert(sddl_allows(&s, &user, SDDL_GR));
        ck_assert(!sddl_allows(&s, &user, SDDL_GW));
        ck_assert(!sddl_allows(&s, &user, SDDL_GX));
        ck_assert(!sddl_allows(&s, &user, SDDL_GR | SDDL_GW));
        ck_assert(!sddl_allows(&s, &anon, SDDL_GR));
        ck_assert(sddl_allows(&s, &admin, SDDL_GR | SDDL_GW));
        /* rights add up across ACEs */
        s = parse_ok("D:(A;;GR;;;AU)(A;;GX;;;AU)");
        ck_assert(sddl_allows(&s, &user, SDDL_GR | SDDL_GX));
        ck_assert(!sddl_allows(&s, &user, SDDL_GR | SDDL_GW));
}
END_TEST

START_TEST(allows_deny_first)
{
        struct sddl s = parse_ok("D:(D;;GW;;;AU)(A;;GA;;;BA)");

        ck_assert(!sddl_allows(&s, &admin, SDDL_GW));
        ck_assert(!sddl_allows(&s, &admin, SDDL_GR | SDDL_GW));
        ck_assert(sddl_allows(&s, &admin, SDDL_GR)); /* the deny does not cover GR */
        /* a deny of GA covers every generic right */
        s = parse_ok("D:(D;;GA;;;WD)(A;;GA;;;BA)");
        ck_assert(!sddl_allows(&s, &admin, SDDL_GR));
        ck_assert(!sddl_allows(&s, &root, SDDL_GX));
        /* a deny for someone else does not apply */
        s = parse_ok("D:(D;;GA;;;SY)(A;;GA;;;BA)");
        ck_assert(sddl_allows(&s, &admin, SDDL_GW));
        ck_assert(!sddl_allows(&s, &root, SDDL_GW));
        /* a deny after the allow that already granted comes too late */
        s = parse_ok("D:(A;;GA;;;BA)(D;;GA;;;WD)");
        ck_assert(sddl_allows(&s, &admin, SDDL_GW));
        ck_assert(!sddl_allows(&s, &user, SDDL_GR));
        /* ... but a deny after a partial grant refuses the rest */
        s = parse_ok("D:(A;;GR;;;AU)(D;;GW;;;AU)(A;;GW;;;AU)");
        ck_assert(sddl_allows(&s, &user, SDDL_GR));
        ck_assert(!sddl_allows(&s, &user, SDDL_GR | SDDL_GW));
}
END_TEST

START_TEST(allows_trustees)
{
        struct sddl s = parse_ok("D:(A;;GR;;;WD)");

        ck_assert(sddl_allows(&s, &anon, SDDL_GR));
        ck_assert(sddl_allows(&s, &user, SDDL_GR));
        ck_assert(!sddl_allows(&s, &anon, SDDL_GW));

        s = parse_ok("D:(A;;GA;;;IU)");
        ck_assert(sddl_allows(&s, &local_user, SDDL_GW));
        ck_assert(!sddl_allows(&s, &user, SDDL_GR));
        ck_assert(!sddl_allows(&s, &admin, SDDL_GR));

        s = parse_ok("D:(A;;GA;;;SY)");
        ck_assert(sddl_allows(&s, &root, SDDL_GW));
        ck_assert(!sddl_allows(&s, &admin, SDDL_GR));
        ck_assert(!sddl_allows(&s, &local_user, SDDL_GR));

        s = parse_ok("D:(A;;GR;;;BU)");
        ck_assert(sddl_allows(&s, &user, SDDL_GR));
        ck_assert(!sddl_allows(&s, &anon, SDDL_GR));

        /* unmapped trustees match nobody */
        s = parse_ok("D:(A;;GA;;;NS)(A;;GA;;;LS)(A;;GA;;;AN)(A;;GA;;;DA)");
        ck_assert(!sddl_allows(&s, &root, SDDL_GR));
        ck_assert(!sddl_allows(&s, &anon, SDDL_GR));
}
END_TEST

Suite *sddl_suite(void)
{
        Suite *s = suite_create("sddl");
        TCase *p = tcase_create("parse");
        TCase *a = tcase_create("allows");

        tcase_add_test(p, parse_default);
        tcase_add_test(p, parse_2012);
        tcase_add_test(p, parse_sids_long_form);
        tcase_add_test(p, parse_rights);
        tcase_add_test(p, parse_object_guid);
        tcase_add_test(p, parse_dacl_kinds);
        tcase_add_test(p, parse_max_aces);
        tcase_add_test(p, refuse_empty_and_junk);
        tcase_add_test(p, refuse_bad_ace);
        tcase_add_test(p, refuse_bad_sid);
        tcase_add_test(p, refuse_duplicate_part);
        suite_add_tcase(s, p);

        tcase_add_test(a, allows_default);
        tcase_add_test(a, allows_2012);
        tcase_add_test(a, allows_auth_users_read);
        tcase_add_test(a, allows_deny_first);
        tcase_add_test(a, allows_trustees);
        suite_add_tcase(s, a);
        return s;
}
