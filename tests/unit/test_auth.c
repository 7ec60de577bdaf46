/* test_auth.c - Basic credential parsing and the per-transport policy. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "auth.h"
#include "config.h"
#include "tests.h"

static char user[AUTH_MAX_USER], pass[AUTH_MAX_PASS];

/* Base64 of in[0..n) into a new string (caller frees). */
static char *b64(const void *in, size_t n)
{
        static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const unsigned char *p = in;
        char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;

        ck_assert_ptr_nonnull(out);
        for (size_t i = 0; i < n; i += 3) {
                unsigned v = (unsigned)p[i] << 16;
                if (i + 1 < n)
                        v |= (unsigned)p[i + 1] << 8;
                if (i + 2 < n)
                        v |= p[i + 2];
                *o++ = tab[v >> 18 & 63];
                *o++ = tab[v >> 12 & 63];
                *o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
                *o++ = i + 2 < n ? tab[v & 63] : '=';
        }
        *o = '\0';
        return out;
}

/* auth_parse_basic() of "Basic " + base64(cred[0..n)). */
static int parse_cred(const void *cred, size_t n)
{
        char *enc = b64(cred, n);
        char *hdr = malloc(strlen(enc) + 7);
        int r;

        ck_assert_ptr_nonnull(hdr);
        snprintf(hdr, strlen(enc) + 7, "Basic %s", enc);
        r = auth_parse_basic(hdr, user, pass);
        free(hdr);
        free(enc);
        return r;
}

static void setup(void)
{
        memset(user, 0x55, sizeof(user));
        memset(pass, 0x55, sizeof(pass));
}

START_TEST(b64_helper)
{
        char *e = b64("u:p", 3);

        /* The Authorization header the captures carry for u:p. */
        ck_assert_str_eq(e, "dTpw");
        free(e);
        e = b64("ab", 2);
        ck_assert_str_eq(e, "YWI=");
        free(e);
}
END_TEST

START_TEST(valid)
{
        ck_assert_int_eq(auth_parse_basic("Basic dTpw", user, pass), 0);
        ck_assert_str_eq(user, "u");
        ck_assert_str_eq(pass, "p");
        ck_assert_int_eq(parse_cred("DOMAIN\\alice:s3cr\xc3\xa9t", 20), 0);
        ck_assert_str_eq(user, "DOMAIN\\alice");
        ck_assert_str_eq(pass, "s3cr\xc3\xa9t");
}
END_TEST

START_TEST(scheme_case_and_blanks)
{
        ck_assert_int_eq(auth_parse_basic("basic dTpw", user, pass), 0);
        ck_assert_str_eq(user, "u");
        ck_assert_int_eq(auth_parse_basic("BASIC dTpw", user, pass), 0);
        ck_assert_int_eq(auth_parse_basic("Basic    dTpw", user, pass), 0);
        ck_assert_str_eq(pass, "p");
        ck_assert_int_eq(auth_parse_basic("Basic\tdTpw \t ", user, pass), 0);
        ck_assert_str_eq(user, "u");
        ck_assert_str_eq(pass, "p");
}
END_TEST

START_TEST(password_edge_cases)
{
        ck_assert_int_eq(parse_cred("u:", 2), 0);
        ck_assert_str_eq(user, "u");
        ck_assert_str_eq(pass, "");
        ck_assert_int_eq(parse_cred("u:p:q", 5), 0);
        ck_assert_str_eq(pass, "p:q");
        ck_assert_int_eq(parse_cred("u: p ", 5), 0);
        ck_assert_str_eq(pass, " p ");
}
END_TEST

START_TEST(empty_user)
{
        ck_assert_int_eq(parse_cred(":p", 2), -EINVAL);
        ck_assert_int_eq(parse_cred(":", 1), -EINVAL);
}
END_TEST

START_TEST(no_colon)
{
        ck_assert_int_eq(parse_cred("up", 2), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("Basic dXNlcg==", user, pass), -EINVAL); /* "user" */
}
END_TEST

START_TEST(nul_bytes)
{
        ck_assert_int_eq(parse_cred("u\0x:p", 5), -EINVAL);
        ck_assert_int_eq(parse_cred("\0:p", 3), -EINVAL);
        ck_assert_int_eq(parse_cred("u:p\0q", 5), -EINVAL);
        ck_assert_int_eq(parse_cred("u:\0", 3), -EINVAL);
}
END_TEST

START_TEST(control_chars_in_user)
{
        ck_assert_int_eq(parse_cred("u\x01:p", 4), -EINVAL);
        ck_assert_int_eq(parse_cred("u\n:p", 4), -EINVAL);
        ck_assert_int_eq(parse_cred("u\x7f:p", 4), -EINVAL);
        ck_assert_int_eq(parse_cred("\tu:p", 4), -EINVAL);
}
END_TEST

START_TEST(invalid_base64)
{
        ck_assert_int_eq(auth_parse_basic("Basic !!!!", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("Basic dTpw!", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("Basic =", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("Basic ", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("Basic    ", user, pass), -EINVAL);
}
END_TEST

START_TEST(oversized)
{
        char cred[AUTH_MAX_USER + AUTH_MAX_PASS + 16];
        char *hdr;

        /* The longest user and password that fit, together. */
        memset(cred, 'a', AUTH_MAX_USER - 1);
        cred[AUTH_MAX_USER - 1] = ':';
        memset(cred + AUTH_MAX_USER, 'b', AUTH_MAX_PASS - 1);
        ck_assert_int_eq(parse_cred(cred, AUTH_MAX_USER + AUTH_MAX_PASS - 1), 0);
        ck_assert_uint_eq(strlen(user), AUTH_MAX_USER - 1);
        ck_assert_uint_eq(strlen(pass), AUTH_MAX_PASS - 1);
        /* One byte more in either. */
        memset(cred, 'a', AUTH_MAX_USER);
        cred[AUTH_MAX_USER] = ':';
        cred[AUTH_MAX_USER + 1] = 'p';
        ck_assert_int_eq(parse_cred(cred, AUTH_MAX_USER + 2), -EINVAL);
        cred[0] = 'u';
        cred[1] = ':';
        memset(cred + 2, 'b', AUTH_MAX_PASS);
        ck_assert_int_eq(parse_cred(cred, AUTH_MAX_PASS + 2), -EINVAL);
        /* A huge header is refused before decoding. */
        hdr = malloc(100000);
        ck_assert_ptr_nonnull(hdr);
        memcpy(hdr, "Basic ", 6);
        memset(hdr + 6, 'A', 100000 - 7);
        hdr[100000 - 1] = '\0';
        ck_assert_int_eq(auth_parse_basic(hdr, user, pass), -EINVAL);
        free(hdr);
}
END_TEST

START_TEST(other_schemes)
{
        ck_assert_int_eq(auth_parse_basic("Negotiate dTpw", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("Digest dTpw", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("Basicx dTpw", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("BasicdTpw", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("Basic", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic(" Basic dTpw", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("dTpw", user, pass), -EINVAL);
        ck_assert_int_eq(auth_parse_basic("", user, pass), -EINVAL);
}
END_TEST

/* Sets key=value in memory only (no store path after config_free()). */
static void set(const char *key, const char *value)
{
        struct config_txn *t = config_txn_new();

        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(config_txn_set(t, key, value), 0);
        ck_assert_int_eq(config_txn_commit(t), 0);
        config_txn_free(t);
}

/* The number of WWW-Authenticate lines offered on transport; the first
 * one's value in *first. */
static int challenges(const char *transport, const char **first)
{
        static char copy[128];
        char buf[512];
        int n = 0;

        auth_challenges(transport, buf, sizeof(buf));
        copy[0] = '\0';
        for (char *line = buf, *end; (end = strstr(line, "\r\n")); line = end + 2) {
                static const char name[] = "WWW-Authenticate: ";
                ck_assert(!strncmp(line, name, sizeof(name) - 1));
                if (!n)
                        snprintf(copy, sizeof(copy), "%.*s", (int)(end - line - (sizeof(name) - 1)),
                                 line + sizeof(name) - 1);
                n++;
        }
        *first = copy;
        return n;
}

START_TEST(cache)
{
        bool admin = false;

        config_free();
        ck_assert(!auth_cache_lookup("alice", "pw", &admin));
        auth_cache_store("alice", "pw", true);
        ck_assert(auth_cache_lookup("alice", "pw", &admin));
        ck_assert(admin);
        ck_assert(!auth_cache_lookup("alice", "pW", &admin));
        ck_assert(!auth_cache_lookup("alic", "epw", &admin));  /* the user/password boundary counts */
        ck_assert(!auth_cache_lookup("bob", "pw", &admin));
        auth_cache_clear();
        ck_assert(!auth_cache_lookup("alice", "pw", &admin));
        set("service.auth_cache_ms", "0");
        auth_cache_store("alice", "pw", false);
        ck_assert(!auth_cache_lookup("alice", "pw", &admin));
        config_free();
}
END_TEST

START_TEST(policy)
{
        const char *c;

        config_free();
        ck_assert(auth_basic_allowed("https"));
        ck_assert(!auth_basic_allowed("http"));
        ck_assert_int_eq(challenges("https", &c), 1);
        ck_assert_str_eq(c, "Basic realm=\"WSMAN\"");
        ck_assert_int_eq(challenges("http", &c), 0);

        set("service.allow_unencrypted", "true");
        ck_assert(!auth_basic_allowed("http")); /* basic is not a plain scheme yet */
        set("service.plain_schemes", "negotiate, Basic");
        ck_assert(auth_basic_allowed("http"));
        ck_assert_int_eq(challenges("http", &c), 1);
        set("service.allow_unencrypted", "false");
        ck_assert(!auth_basic_allowed("http"));

        set("service.auth.basic", "false");
        ck_assert(!auth_basic_allowed("https"));
        ck_assert_int_eq(challenges("https", &c), 0);
        config_free();
}
END_TEST

Suite *auth_suite(void)
{
        Suite *s = suite_create("auth");
        TCase *tc = tcase_create("basic");
        TCase *pol = tcase_create("policy");

        tcase_add_checked_fixture(tc, setup, NULL);
        tcase_add_test(tc, b64_helper);
        tcase_add_test(tc, valid);
        tcase_add_test(tc, scheme_case_and_blanks);
        tcase_add_test(tc, password_edge_cases);
        tcase_add_test(tc, empty_user);
        tcase_add_test(tc, no_colon);
        tcase_add_test(tc, nul_bytes);
        tcase_add_test(tc, control_chars_in_user);
        tcase_add_test(tc, invalid_base64);
        tcase_add_test(tc, oversized);
        tcase_add_test(tc, other_schemes);
        suite_add_tcase(s, tc);

        tcase_add_test(pol, policy);
        tcase_add_test(pol, cache);
        suite_add_tcase(s, pol);
        return s;
}
