/* test_certs.c - the certificate store's policy (which certificate may
 * serve which listener, which pair is refused, Retrieve's CN rule, the
 * newest one a listener follows) on certificates made with certtool, and
 * the certificate mapping's rules (record checks, Subject and URI
 * patterns, Issuer, Enabled). */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <event2/event.h>

#include "certmap.h"
#include "certstore.h"
#include "config.h"
#include "event.h"
#include "tests.h"
#include "tls.h"

static char dir[64];
static char path[128];
static struct event_base *base;

/* certtool makes DIR/certs/NAME.pem + NAME.key (self-signed) from lines. */
static void make_cert(const char *name, const char *lines, mode_t key_mode)
{
        char cmd[2048], tmpl[256], key[256], pem[256];

        snprintf(tmpl, sizeof(tmpl), "%s/%s.tmpl", dir, name);
        snprintf(key, sizeof(key), "%s/certs/%s.key", dir, name);
        snprintf(pem, sizeof(pem), "%s/certs/%s.pem", dir, name);
        t_write_file(tmpl, lines);
        snprintf(cmd, sizeof(cmd),
                 "certtool --generate-privkey --key-type=ecdsa --outfile %s >/dev/null 2>&1 && "
                 "certtool --generate-self-signed --load-privkey %s --template %s --outfile %s >/dev/null 2>&1",
                 key, key, tmpl, pem);
        ck_assert_int_eq(system(cmd), 0);
        ck_assert_int_eq(chmod(key, key_mode), 0);
}

static void setup(void)
{
        char certs[128];

        t_store_setup(dir, sizeof(dir), path, sizeof(path));
        snprintf(certs, sizeof(certs), "%s/certs", dir);
        ck_assert_int_eq(mkdir(certs, 0700), 0);
        base = event_base_new();
        event_loop_set(base);
        ck_assert_int_eq(tls_init(), 0);
}

static void teardown(void)
{
        char cmd[256];

        certstore_close();
        tls_shutdown();
        event_loop_set(NULL);
        event_base_free(base);
        snprintf(cmd, sizeof(cmd), "rm -rf %s/certs %s/client-ca %s/*.tmpl", dir, dir, dir);
        ck_assert_int_eq(system(cmd), 0);
        t_store_teardown(dir, path);
}

static const struct cert_info *by_name(const char *name)
{
        for (size_t i = 0; i < certstore_count(); i++)
                if (!strcmp(certstore_at(i)->name, name))
                        return certstore_at(i);
        return NULL;
}

#define SERVER "tls_www_server\nsigning_key\n"

START_TEST(store_indexes_and_checks)
{
        const struct cert_info *web, *client, *old, *bare;
        char why[512];
        time_t now;

        make_cert("web", "cn = \"host.example.test\"\ndns_name = \"host.example.test\"\n"
                  "dns_name = \"localhost\"\nip_address = \"127.0.0.1\"\nexpiration_days = 30\n" SERVER, 0600);
        make_cert("client", "cn = \"host.example.test\"\ntls_www_client\nsigning_key\nexpiration_days = 30\n", 0600);
        make_cert("old", "cn = \"host.example.test\"\nactivation_date = \"2019-01-01 00:00:00\"\n"
                  "expiration_date = \"2020-01-01 00:00:00\"\n" SERVER, 0600);
        make_cert("bare", "cn = \"bare\"\nexpiration_days = 30\n", 0600);   /* no EKU, no usage */
        make_cert("loose", "cn = \"loose.example.test\"\nexpiration_days = 30\n" SERVER, 0640);
        ck_assert_int_eq(certstore_open(dir, NULL, NULL), 0);
        now = time(NULL);                                       /* after the certificates were made */

        ck_assert_uint_eq(certstore_count(), 4);              /* loose refused */
        ck_assert_ptr_null(by_name("loose"));
        /* file-name order */
        ck_assert_str_eq(certstore_at(0)->name, "bare");
        ck_assert_str_eq(certstore_at(3)->name, "web");
        web = by_name("web");
        client = by_name("client");
        old = by_name("old");
        bare = by_name("bare");
        ck_assert_uint_eq(strlen(web->thumbprint), 40);
        ck_assert_str_eq(web->subject_cn, "host.example.test");
        ck_assert_str_eq(web->names, "host.example.test localhost 127.0.0.1");
        ck_assert_ptr_eq(certstore_find(web->thumbprint), web);
        {
                char upper[41];
                for (int i = 0; i < 41; i++)
                        upper[i] = (char)(web->thumbprint[i] >= 'a' ? web->thumbprint[i] - 32 : web->thumbprint[i]);
                ck_assert_ptr_eq(certstore_find(upper), web);
        }
        ck_assert_ptr_null(certstore_find("00112233445566778899aabbccddeeff00112233"));
        ck_assert_ptr_null(certstore_find("0011"));
        ck_assert_ptr_nonnull(certstore_creds(web));

        ck_assert_int_eq(certstore_check_server(web, "host.example.test", now, why, sizeof(why)), 0);
        ck_assert_int_eq(certstore_check_server(web, "LOCALHOST", now, why, sizeof(why)), 0);
        ck_assert_int_eq(certstore_check_server(web, "", now, why, sizeof(why)), 0);
        ck_assert_int_eq(certstore_check_server(web, "elsewhere.test", now, why, sizeof(why)), -EKEYREJECTED);
        ck_assert_ptr_nonnull(strstr(why, "does not name the host elsewhere.test"));
        ck_assert_int_eq(certstore_check_server(client, "host.example.test", now, why, sizeof(why)), -EKEYREJECTED);
        ck_assert_ptr_nonnull(strstr(why, "not for server authentication"));
        ck_assert_int_eq(certstore_check_server(old, "host.example.test", now, why, sizeof(why)), -EKEYEXPIRED);
        ck_assert_ptr_nonnull(strstr(why, "expired on 2020-01-01"));
        ck_assert_int_eq(certstore_check_server(web, "", web->not_before - 10, why, sizeof(why)), -EKEYEXPIRED);
        ck_assert_ptr_nonnull(strstr(why, "not valid before"));
        /* no EKU and no key usage extension: no restriction */
        ck_assert(bare->server_purpose);
        ck_assert(bare->server_usage);
        ck_assert_str_eq(bare->eku, "");
        ck_assert_str_eq(client->eku, "1.3.6.1.5.5.7.3.2");

        /* the newest that may serve the name */
        ck_assert_ptr_eq(certstore_newest_for("host.example.test", now), web);
        ck_assert_ptr_null(certstore_newest_for("nowhere.test", now));
}
END_TEST

START_TEST(store_refuses_a_key_that_does_not_match)
{
        char a[256], b[256];

        make_cert("one", "cn = \"one\"\nexpiration_days = 30\n" SERVER, 0600);
        make_cert("two", "cn = \"two\"\nexpiration_days = 30\n" SERVER, 0600);
        snprintf(a, sizeof(a), "%s/certs/one.key", dir);
        snprintf(b, sizeof(b), "%s/certs/two.key", dir);
        ck_assert_int_eq(rename(b, a), 0);                      /* one.pem + two's key; two has none */
        ck_assert_int_eq(certstore_open(dir, NULL, NULL), 0);
        ck_assert_uint_eq(certstore_count(), 0);
}
END_TEST

START_TEST(cn_rule_of_retrieve)
{
        const struct cert_info *c;

        make_cert("q", "cn = \"Host.Fabrikam.com\"\nexpiration_days = 30\n" SERVER, 0600);
        make_cert("s", "cn = \"shorty\"\nexpiration_days = 30\n" SERVER, 0600);
        ck_assert_int_eq(certstore_open(dir, NULL, NULL), 0);
        c = by_name("q");
        ck_assert(certstore_cn_matches(c, "host.fabrikam.com"));
        ck_assert(certstore_cn_matches(c, "HOST"));
        ck_assert(!certstore_cn_matches(c, "host.other.com"));
        ck_assert(!certstore_cn_matches(c, "hostx"));
        ck_assert(!certstore_cn_matches(c, ""));
        c = by_name("s");
        ck_assert(certstore_cn_matches(c, "shorty.fabrikam.com"));
        ck_assert(certstore_cn_matches(c, "SHORTY"));
        ck_assert(!certstore_cn_matches(c, "short"));
}
END_TEST

/* --- certificate mappings ------------------------------------------------ */

#define CA "0123456789abcdef0123456789abcdef01234567"

static void load_store(const char *text)
{
        char e[512] = "";

        t_write_file(path, text);
        ck_assert_msg(config_load(path, e, sizeof(e)) == 0, "%s", e);
}

START_TEST(mapping_check_canonicalises)
{
        char text[1024], why[256];

        snprintf(text, sizeof(text), "issuer=%s subject=a@b uri=* user=root", "0123456789ABCDEF0123456789ABCDEF01234567");
        ck_assert_int_eq(certmap_check(text, sizeof(text), why, sizeof(why)), 0);
        ck_assert_ptr_nonnull(strstr(text, "issuer=" CA));
        ck_assert_ptr_nonnull(strstr(text, "enabled=true"));
        snprintf(text, sizeof(text), "issuer=%s subject=a@b uri=* user=root enabled=0", CA);
        ck_assert_int_eq(certmap_check(text, sizeof(text), why, sizeof(why)), 0);
        ck_assert_ptr_nonnull(strstr(text, "enabled=false"));
        snprintf(text, sizeof(text), "issuer=%s subject=a@b uri=* user=no-such-user-here", CA);
        ck_assert_int_eq(certmap_check(text, sizeof(text), why, sizeof(why)), -EINVAL);
        ck_assert_ptr_nonnull(strstr(why, "local account"));
        snprintf(text, sizeof(text), "issuer=abc subject=a@b uri=* user=root");
        ck_assert_int_eq(certmap_check(text, sizeof(text), why, sizeof(why)), -EINVAL);
        snprintf(text, sizeof(text), "issuer=%s uri=* user=root", CA);
        ck_assert_int_eq(certmap_check(text, sizeof(text), why, sizeof(why)), -EINVAL);
        snprintf(text, sizeof(text), "issuer=%s subject=a@b uri=* user=root enabled=maybe", CA);
        ck_assert_int_eq(certmap_check(text, sizeof(text), why, sizeof(why)), -EINVAL);
        ck_assert(certmap_same("issuer=" CA " subject=A@B uri=*", "issuer=" CA " subject=a@b uri=*"));
        ck_assert(!certmap_same("issuer=" CA " subject=a@b uri=*", "issuer=" CA " subject=a@b uri=x*"));
}
END_TEST

START_TEST(mapping_find)
{
        struct tls_peer p = { .cn = "alice", .upn = "alice@fabrikam.test", .email = "", .issuer = CA };
        char user[64];

        load_store("record = certmapping issuer=" CA " subject=carol@fabrikam.test uri=* user=carol enabled=true\n"
                   "record = certmapping issuer=" CA " subject=alice@fabrikam.test uri=http://x/a* user=first enabled=true\n"
                   "record = certmapping issuer=" CA " subject=*@FABRIKAM.test uri=* user=second enabled=true\n"
                   "record = certmapping issuer=" CA " subject=* uri=* user=off enabled=false\n");
        /* at the head (no URI yet): the first whose Issuer and Subject match */
        ck_assert_int_eq(certmap_find(&p, NULL, user, sizeof(user)), 0);
        ck_assert_str_eq(user, "first");
        /* with the URI: prefix patterns, without case */
        ck_assert_int_eq(certmap_find(&p, "HTTP://X/abc", user, sizeof(user)), 0);
        ck_assert_str_eq(user, "first");
        ck_assert_int_eq(certmap_find(&p, "http://y/", user, sizeof(user)), 0);
        ck_assert_str_eq(user, "second");
        /* another issuer: nothing; a disabled "*" never matches */
        snprintf(p.issuer, sizeof(p.issuer), "%s", "ffffffffffffffffffffffffffffffffffffffff");
        ck_assert_int_eq(certmap_find(&p, NULL, user, sizeof(user)), -ENOENT);
        /* e-mail, then CN, are names too */
        snprintf(p.issuer, sizeof(p.issuer), "%s", CA);
        p.upn[0] = '\0';
        snprintf(p.email, sizeof(p.email), "%s", "carol@fabrikam.test");
        ck_assert_int_eq(certmap_find(&p, "urn:any", user, sizeof(user)), 0);
        ck_assert_str_eq(user, "carol");
        p.email[0] = '\0';
        snprintf(p.cn, sizeof(p.cn), "%s", "nobody");
        ck_assert_int_eq(certmap_find(&p, "urn:any", user, sizeof(user)), -ENOENT);
        /* "*suffix" needs the whole suffix */
        snprintf(p.upn, sizeof(p.upn), "%s", "x@fabrikam.test.evil");
        ck_assert_int_eq(certmap_find(&p, "urn:any", user, sizeof(user)), -ENOENT);
}
END_TEST

Suite *certs_suite(void)
{
        Suite *s = suite_create("certs");
        TCase *tc = tcase_create("store");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, store_indexes_and_checks);
        tcase_add_test(tc, store_refuses_a_key_that_does_not_match);
        tcase_add_test(tc, cn_rule_of_retrieve);
        tcase_add_test(tc, mapping_check_canonicalises);
        tcase_add_test(tc, mapping_find);
        suite_add_tcase(s, tc);
        return s;
}
