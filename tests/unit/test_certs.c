/* test_certs.c - the certificate store's policy (which certificate may
 * serve which listener, which pair is refused, Retrieve's CN rule, the
 * newest one a listener follows) on certificates made with certtool, the
 * monitor's side of the keys and binds (MON_KEY_CHECK, MON_KEY_SIGN and
 * MON_BIND answered on a socket pair, signatures checked against the
 * certificate), and the certificate mapping's rules (record checks,
 * Subject and URI patterns, Issuer, Enabled). */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <event2/event.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "certmap.h"
#include "certstore.h"
#include "config.h"
#include "event.h"
#include "monitor.h"
#include "monitor_keys.h"
#include "monitor_sync.h"
#include "monmsg.h"
#include "tests.h"
#include "tls.h"

static char dir[64];
static char path[128];
static struct event_base *base;

/* certtool makes DIR/certs/NAME.pem + NAME.key (self-signed) from lines,
 * with a key of certtool's key_args. */
static void make_cert_key(const char *name, const char *lines, mode_t key_mode, const char *key_args)
{
        char cmd[2048], tmpl[256], key[256], pem[256];

        snprintf(tmpl, sizeof(tmpl), "%s/%s.tmpl", dir, name);
        snprintf(key, sizeof(key), "%s/certs/%s.key", dir, name);
        snprintf(pem, sizeof(pem), "%s/certs/%s.pem", dir, name);
        t_write_file(tmpl, lines);
        snprintf(cmd, sizeof(cmd),
                 "certtool --generate-privkey %s --outfile %s >/dev/null 2>&1 && "
                 "certtool --generate-self-signed --load-privkey %s --template %s --outfile %s >/dev/null 2>&1",
                 key_args, key, key, tmpl, pem);
        ck_assert_int_eq(system(cmd), 0);
        ck_assert_int_eq(chmod(key, key_mode), 0);
}

static void make_cert(const char *name, const char *lines, mode_t key_mode)
{
        make_cert_key(name, lines, key_mode, "--key-type=ecdsa");
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

/* --- the monitor's side: keys and binds -------------------------------------- */

/* The leaf of DIR/certs/NAME.pem, and its SHA-1 thumbprint. */
static gnutls_x509_crt_t leaf_of(const char *name, uint8_t thumbprint[MON_THUMB_LEN])
{
        char file[256];
        gnutls_datum_t d;
        gnutls_x509_crt_t crt;
        size_t n = MON_THUMB_LEN;

        snprintf(file, sizeof(file), "%s/certs/%s.pem", dir, name);
        ck_assert_int_eq(gnutls_load_file(file, &d), 0);
        ck_assert_int_eq(gnutls_x509_crt_init(&crt), 0);
        ck_assert_int_eq(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
        gnutls_free(d.data);
        ck_assert_int_eq(gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA1, thumbprint, &n), 0);
        return crt;
}

/* Asks the monitor's key code whether name's pair may serve: its result,
 * the reason in why. */
static int key_check(const char *name, const uint8_t *thumbprint, char *why, size_t len)
{
        struct mon_key_check q = { MON_KEY_CHECK, 7, "", { 0 } };
        struct mon_key_checked a;
        int sv[2], fds[MONMSG_MAX_FDS], nfds;

        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
        snprintf(q.name, sizeof(q.name), "%s", name);
        memcpy(q.thumbprint, thumbprint, MON_THUMB_LEN);
        mon_keys_check(sv[0], &q);
        ck_assert_int_eq(monmsg_recv(sv[1], &a, sizeof(a), fds, &nfds, MSG_DONTWAIT), sizeof(a));
        ck_assert_uint_eq(a.type, MON_KEY_CHECK_RESULT);
        ck_assert_uint_eq(a.seq, 7);
        snprintf(why, len, "%s", a.reason);
        close(sv[0]);
        close(sv[1]);
        return a.result;
}

/* A signature by the monitor's key code: its result; the signature in sig. */
static int key_sign(const char *name, const uint8_t *thumbprint, uint32_t op, unsigned algo, unsigned flags,
                    const void *data, size_t len, gnutls_datum_t *sig)
{
        static struct mon_key_sign q;
        static struct mon_key_signed a;
        int sv[2], fds[MONMSG_MAX_FDS], nfds;

        memset(&q, 0, sizeof(q));
        q.type = MON_KEY_SIGN;
        q.seq = 9;
        snprintf(q.name, sizeof(q.name), "%s", name);
        memcpy(q.thumbprint, thumbprint, MON_THUMB_LEN);
        q.op = op;
        q.algorithm = algo;
        q.flags = flags;
        q.len = (uint32_t)len;
        memcpy(q.data, data, len);
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
        mon_keys_sign(sv[0], &q);
        ck_assert_int_eq(monmsg_recv(sv[1], &a, sizeof(a), fds, &nfds, MSG_DONTWAIT), sizeof(a));
        ck_assert_uint_eq(a.type, MON_KEY_SIGN_RESULT);
        ck_assert_uint_eq(a.seq, 9);
        close(sv[0]);
        close(sv[1]);
        sig->data = a.signature;
        sig->size = a.len;
        return a.result;
}

START_TEST(monitor_checks_keys_as_the_store_did)
{
        uint8_t web[MON_THUMB_LEN], loose[MON_THUMB_LEN], one[MON_THUMB_LEN], two[MON_THUMB_LEN];
        char why[256], a[256], b[256], certs[256];

        if (geteuid() != 0)
                return;         /* keys owned by root, as in production */
        make_cert("web", "cn = \"web\"\nexpiration_days = 30\n" SERVER, 0600);
        make_cert("loose", "cn = \"loose\"\nexpiration_days = 30\n" SERVER, 0640);
        make_cert("one", "cn = \"one\"\nexpiration_days = 30\n" SERVER, 0600);
        make_cert("two", "cn = \"two\"\nexpiration_days = 30\n" SERVER, 0600);
        snprintf(a, sizeof(a), "%s/certs/one.key", dir);
        snprintf(b, sizeof(b), "%s/certs/two.key", dir);
        ck_assert_int_eq(rename(b, a), 0);                      /* one.pem + two's key */
        gnutls_x509_crt_deinit(leaf_of("web", web));
        gnutls_x509_crt_deinit(leaf_of("loose", loose));
        gnutls_x509_crt_deinit(leaf_of("one", one));
        gnutls_x509_crt_deinit(leaf_of("two", two));
        mon_keys_init(dir);

        ck_assert_int_eq(key_check("web", web, why, sizeof(why)), 0);
        ck_assert_int_lt(key_check("loose", loose, why, sizeof(why)), 0);
        ck_assert_str_eq(why, "the private key file may be read or written by others than its owner (chmod 600)");
        ck_assert_int_lt(key_check("one", one, why, sizeof(why)), 0);
        ck_assert_str_eq(why, "the private key does not match the certificate");
        ck_assert_int_lt(key_check("two", two, why, sizeof(why)), 0);
        ck_assert_str_eq(why, "two.key: no private key");
        ck_assert_int_lt(key_check("two", one, why, sizeof(why)), 0);       /* not two's thumbprint */
        ck_assert_str_eq(why, "the certificate changed while it was read");
        ck_assert_int_lt(key_check("none", one, why, sizeof(why)), 0);
        ck_assert_str_eq(why, "none.pem: No such file or directory");
        ck_assert_int_lt(key_check("loose", web, why, sizeof(why)), 0);    /* another thumbprint */
        ck_assert_str_eq(why, "the certificate changed while it was read");
        ck_assert_int_lt(key_check("../certs/web", web, why, sizeof(why)), 0);
        ck_assert_int_lt(key_check(".web", web, why, sizeof(why)), 0);
        ck_assert_int_lt(key_check("", web, why, sizeof(why)), 0);
        /* a key root does not own */
        snprintf(a, sizeof(a), "%s/certs/web.key", dir);
        ck_assert_int_eq(chown(a, 1, 1), 0);
        ck_assert_int_lt(key_check("web", web, why, sizeof(why)), 0);
        ck_assert_str_eq(why, "the private key file is not owned by root");
        ck_assert_int_eq(chown(a, 0, 0), 0);
        ck_assert_int_eq(key_check("web", web, why, sizeof(why)), 0);
        /* a folder others may write, or a link in its place */
        snprintf(certs, sizeof(certs), "%s/certs", dir);
        ck_assert_int_eq(chmod(certs, 0777), 0);
        ck_assert_int_lt(key_check("web", web, why, sizeof(why)), 0);
        ck_assert_ptr_nonnull(strstr(why, "certificate folder"));
        ck_assert_int_eq(chmod(certs, 0755), 0);
        snprintf(a, sizeof(a), "%s/real", dir);
        ck_assert_int_eq(rename(certs, a), 0);
        ck_assert_int_eq(symlink(a, certs), 0);
        ck_assert_int_lt(key_check("web", web, why, sizeof(why)), 0);
        ck_assert_ptr_nonnull(strstr(why, "certificate folder"));
        ck_assert_int_eq(unlink(certs), 0);
        ck_assert_int_eq(rename(a, certs), 0);
        mon_keys_stop();
}
END_TEST

START_TEST(monitor_signs_what_gnutls_asks)
{
        /* a SHA-256 DigestInfo prefix: what GnuTLS hands an external RSA key
         * for PKCS#1 v1.5 (GNUTLS_SIGN_RSA_RAW) */
        static const uint8_t prefix[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
                                          0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
        static const char msg[] = "TLS 1.3, server CertificateVerify";
        uint8_t ec[MON_THUMB_LEN], rsa[MON_THUMB_LEN], digest[32], info[sizeof(prefix) + 32];
        gnutls_datum_t m = { (unsigned char *)msg, sizeof(msg) - 1 }, h = { digest, 32 }, sig;
        gnutls_x509_crt_t ec_crt, rsa_crt;
        gnutls_pubkey_t ec_pub, rsa_pub;
        char why[256];

        if (geteuid() != 0)
                return;
        make_cert_key("ec", "cn = \"ec\"\nexpiration_days = 30\n" SERVER, 0600,
                      "--key-type=ecdsa --curve=secp256r1");
        make_cert_key("rsa", "cn = \"rsa\"\nexpiration_days = 30\n" SERVER, 0600, "--key-type=rsa --bits=2048");
        ec_crt = leaf_of("ec", ec);
        rsa_crt = leaf_of("rsa", rsa);
        ck_assert_int_eq(gnutls_pubkey_init(&ec_pub), 0);
        ck_assert_int_eq(gnutls_pubkey_import_x509(ec_pub, ec_crt, 0), 0);
        ck_assert_int_eq(gnutls_pubkey_init(&rsa_pub), 0);
        ck_assert_int_eq(gnutls_pubkey_import_x509(rsa_pub, rsa_crt, 0), 0);
        ck_assert_int_eq(gnutls_hash_fast(GNUTLS_DIG_SHA256, msg, sizeof(msg) - 1, digest), 0);
        memcpy(info, prefix, sizeof(prefix));
        memcpy(info + sizeof(prefix), digest, 32);
        mon_keys_init(dir);

        /* a key that passed its check; and one loaded at its first signature */
        ck_assert_int_eq(key_check("ec", ec, why, sizeof(why)), 0);
        ck_assert_int_eq(key_sign("ec", ec, MON_SIGN_HASH, GNUTLS_SIGN_ECDSA_SECP256R1_SHA256, 0, digest, 32, &sig), 0);
        ck_assert_int_eq(gnutls_pubkey_verify_hash2(ec_pub, GNUTLS_SIGN_ECDSA_SECP256R1_SHA256, 0, &h, &sig), 0);
        ck_assert_int_eq(key_sign("ec", ec, MON_SIGN_DATA, GNUTLS_SIGN_ECDSA_SHA256, 0, msg, m.size, &sig), 0);
        ck_assert_int_eq(gnutls_pubkey_verify_data2(ec_pub, GNUTLS_SIGN_ECDSA_SHA256, 0, &m, &sig), 0);
        ck_assert_int_eq(key_sign("rsa", rsa, MON_SIGN_HASH, GNUTLS_SIGN_RSA_RAW, 0, info, sizeof(info), &sig), 0);
        ck_assert_int_eq(gnutls_pubkey_verify_hash2(rsa_pub, GNUTLS_SIGN_RSA_SHA256, 0, &h, &sig), 0);
        ck_assert_int_eq(key_sign("rsa", rsa, MON_SIGN_HASH, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, 0, digest, 32, &sig), 0);
        ck_assert_int_eq(gnutls_pubkey_verify_hash2(rsa_pub, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, 0, &h, &sig), 0);
        ck_assert_int_eq(key_sign("rsa", rsa, MON_SIGN_DATA, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, 0, msg, m.size, &sig), 0);
        ck_assert_int_eq(gnutls_pubkey_verify_data2(rsa_pub, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, 0, &m, &sig), 0);

        /* refused: another key type's algorithm, a digest of the wrong
         * length, unknown flags, RSA_RAW for ECDSA, no such pair */
        ck_assert_int_eq(key_sign("ec", ec, MON_SIGN_HASH, GNUTLS_SIGN_RSA_PSS_RSAE_SHA256, 0, digest, 32, &sig), -EINVAL);
        ck_assert_int_eq(key_sign("ec", ec, MON_SIGN_HASH, GNUTLS_SIGN_ECDSA_SECP256R1_SHA256, 0, digest, 31, &sig), -EINVAL);
        ck_assert_int_eq(key_sign("ec", ec, MON_SIGN_HASH, GNUTLS_SIGN_ECDSA_SECP256R1_SHA256, 1u << 30, digest, 32, &sig),
                         -EINVAL);
        ck_assert_int_eq(key_sign("ec", ec, MON_SIGN_HASH, GNUTLS_SIGN_RSA_RAW, 0, info, sizeof(info), &sig), -EINVAL);
        ck_assert_int_eq(key_sign("ec", ec, 3, GNUTLS_SIGN_ECDSA_SHA256, 0, digest, 32, &sig), -EINVAL);
        ck_assert_int_eq(key_sign("ec", rsa, MON_SIGN_HASH, GNUTLS_SIGN_ECDSA_SHA256, 0, digest, 32, &sig), -ENOKEY);
        ck_assert_int_eq(key_sign("nosuch", ec, MON_SIGN_HASH, GNUTLS_SIGN_ECDSA_SHA256, 0, digest, 32, &sig), -ENOKEY);
        ck_assert_int_eq(key_sign("a/b", ec, MON_SIGN_HASH, GNUTLS_SIGN_ECDSA_SHA256, 0, digest, 32, &sig), -ENOKEY);

        gnutls_pubkey_deinit(ec_pub);
        gnutls_pubkey_deinit(rsa_pub);
        gnutls_x509_crt_deinit(ec_crt);
        gnutls_x509_crt_deinit(rsa_crt);
        mon_keys_stop();
}
END_TEST

/* Sends q (len bytes) on the synchronous socket's network end and lets
 * the monitor's side answer: the answer's length (0: none), *fd the
 * socket it carries or -1. */
static ssize_t sync_ask(const void *q, size_t len, struct mon_bound *a, int *fd)
{
        int sv[2], fds[MONMSG_MAX_FDS], nfds;
        ssize_t n;

        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
        ck_assert_int_eq(monmsg_send(sv[1], q, len, NULL, 0, 0), 0);
        ck_assert(mon_sync_handle(sv[0]));
        n = monmsg_recv(sv[1], a, sizeof(*a), fds, &nfds, MSG_DONTWAIT);
        *fd = nfds == 1 ? fds[0] : -1;
        close(sv[0]);
        close(sv[1]);
        return n == -EAGAIN ? 0 : n;
}

START_TEST(monitor_binds_only_what_it_should)
{
        struct mon_bind q = { MON_BIND, 3, "127.0.0.1", 0, 0 };
        struct mon_bound a;
        int fd, on = 0;
        socklen_t l = sizeof(on);

        ck_assert_int_eq(sync_ask(&q, sizeof(q), &a, &fd), sizeof(a));
        ck_assert_int_eq(a.result, 0);
        ck_assert_uint_eq(a.seq, 3);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &l), 0);
        ck_assert_int_eq(on, 1);
        ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
        close(fd);
        /* refused, with an answer: not numeric, a port out of range, a
         * freebind that is not 0 or 1, an address that does not end in
         * its field */
        snprintf(q.addr, sizeof(q.addr), "localhost");
        ck_assert_int_eq(sync_ask(&q, sizeof(q), &a, &fd), sizeof(a));
        ck_assert_int_eq(a.result, -EINVAL);
        ck_assert_int_eq(fd, -1);
        snprintf(q.addr, sizeof(q.addr), "127.0.0.1");
        q.port = 65536;
        ck_assert_int_eq(sync_ask(&q, sizeof(q), &a, &fd), sizeof(a));
        ck_assert_int_eq(a.result, -EINVAL);
        q.port = -1;
        ck_assert_int_eq(sync_ask(&q, sizeof(q), &a, &fd), sizeof(a));
        ck_assert_int_eq(a.result, -EINVAL);
        q.port = 0;
        q.freebind = 2;
        ck_assert_int_eq(sync_ask(&q, sizeof(q), &a, &fd), sizeof(a));
        ck_assert_int_eq(a.result, -EINVAL);
        q.freebind = 0;
        memset(q.addr, '1', sizeof(q.addr));
        ck_assert_int_eq(sync_ask(&q, sizeof(q), &a, &fd), sizeof(a));
        ck_assert_int_eq(a.result, -EINVAL);
        /* dropped unanswered: a wrong size, an unknown type */
        snprintf(q.addr, sizeof(q.addr), "127.0.0.1");
        ck_assert_int_eq(sync_ask(&q, sizeof(q) - 1, &a, &fd), 0);
        q.type = MON_BIND_RESULT;
        ck_assert_int_eq(sync_ask(&q, sizeof(q), &a, &fd), 0);
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
        tcase_add_test(tc, monitor_checks_keys_as_the_store_did);
        tcase_add_test(tc, monitor_signs_what_gnutls_asks);
        tcase_add_test(tc, monitor_binds_only_what_it_should);
        tcase_add_test(tc, mapping_check_canonicalises);
        tcase_add_test(tc, mapping_find);
        suite_add_tcase(s, tc);
        return s;
}
