/* monitor_keys.c - in the monitor: the certificate store's private keys
 * (see monitor_keys.h).
 *
 * A key is used only when the folder STATE/certs is a real directory (not
 * a symbolic link) owned by root that nobody else may write, NAME.key is
 * a regular file there owned by root that nobody else may read or write,
 * and the key is that of the leaf of NAME.pem, whose SHA-1 thumbprint the
 * network process named: so a network process that owns the state
 * directory can neither point the monitor at another folder nor make it
 * sign with a key the store does not pair with that certificate.  Keys
 * that passed are kept (most recently used first beyond MAX_KEYS), by name
 * and thumbprint, so that credentials made before a certificate was
 * replaced keep signing with the key they were made for. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "monitor_keys.h"
#include "monmsg.h"
#include "util.h"

#define MAX_KEYS 512
#define MAX_KEY_FILE (64 * 1024)
#define MAX_PEM_FILE (1024 * 1024)
#define KEY_ID_MAX 64

struct key {
        char name[MON_KEY_NAME_MAX];
        uint8_t thumbprint[MON_THUMB_LEN];
        gnutls_privkey_t key;       /* NULL: a free slot */
        gnutls_pk_algorithm_t pk;
        uint64_t used;              /* when it last signed or passed */
};

static struct key keys[MAX_KEYS];
static char *certs_dir;
static uint64_t clock_ticks;

void mon_keys_init(const char *state_dir)
{
        size_t n = strlen(state_dir) + sizeof("/certs");

        certs_dir = malloc(n);
        if (certs_dir)
                snprintf(certs_dir, n, "%s/certs", state_dir);
}

/* A name the store could have: NAME of NAME.pem, within its field. */
static bool valid_name(const char *name, size_t cap)
{
        const char *end = memchr(name, '\0', cap);

        return end && end != name && name[0] != '.' && !strchr(name, '/');
}

/* The folder of the store, checked (see the top of the file); -errno with
 * a sentence in why. */
static int open_certs(char *why, size_t len)
{
        struct stat st;
        int fd;

        if (!certs_dir) {
                snprintf(why, len, "out of memory");
                return -ENOMEM;
        }
        fd = open(certs_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                int r = -errno;
                snprintf(why, len, "the certificate folder: %s", strerror(errno));
                return r;
        }
        if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
                snprintf(why, len, "the certificate folder is not owned by root or may be written by others (chown root, chmod 755)");
                close(fd);
                return -EPERM;
        }
        return fd;
}

static void free_text(char *p, size_t n)
{
        if (p) {
                wipe(p, n);
                free(p);
        }
}

/* The leaf of dfd/NAME.pem, if its thumbprint is the one asked for. */
static int load_leaf(int dfd, const char *name, const uint8_t *thumbprint, gnutls_x509_crt_t *ret, char *why,
                     size_t len)
{
        char file[MON_KEY_NAME_MAX + 8];
        unsigned char md[MON_THUMB_LEN];
        size_t pem_len = 0, md_len = sizeof(md);
        struct stat st;
        gnutls_datum_t d;
        char *pem;
        int r = 0;

        snprintf(file, sizeof(file), "%s.pem", name);
        pem = read_file_at(dfd, file, MAX_PEM_FILE, &pem_len, &st);
        if (!pem) {
                r = -errno;
                snprintf(why, len, "%s: %s", file, strerror(errno));
                return r;
        }
        d.data = (unsigned char *)pem;
        d.size = (unsigned)pem_len;
        if (gnutls_x509_crt_init(ret) < 0) {
                free(pem);
                snprintf(why, len, "out of memory");
                return -ENOMEM;
        }
        if (gnutls_x509_crt_import(*ret, &d, GNUTLS_X509_FMT_PEM) < 0) {
                snprintf(why, len, "the certificate does not parse (PEM, the leaf first)");
                r = -EINVAL;
        } else if (gnutls_x509_crt_get_fingerprint(*ret, GNUTLS_DIG_SHA1, md, &md_len) < 0 ||
                   md_len != sizeof(md) || memcmp(md, thumbprint, sizeof(md)) != 0) {
                snprintf(why, len, "the certificate changed while it was read");
                r = -ESTALE;
        }
        free(pem);
        if (r < 0) {
                gnutls_x509_crt_deinit(*ret);
                *ret = NULL;
        }
        return r;
}

/* Whether the key file may be used: private to root. */
static const char *key_file_problem(const struct stat *st)
{
        if (st->st_mode & (S_IRWXG | S_IRWXO))
                return "the private key file may be read or written by others than its owner (chmod 600)";
        if (st->st_uid != 0)
                return "the private key file is not owned by root";
        return NULL;
}

/* Whether key is leaf's: the same public key. */
static bool key_matches(gnutls_x509_privkey_t key, gnutls_x509_crt_t leaf)
{
        unsigned char a[KEY_ID_MAX], b[KEY_ID_MAX];
        size_t la = sizeof(a), lb = sizeof(b);

        if (gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, a, &la) < 0 ||
            gnutls_x509_crt_get_key_id(leaf, GNUTLS_KEYID_USE_SHA256, b, &lb) < 0)
                return false;
        return la == lb && memcmp(a, b, la) == 0;
}

/* The private key of dfd/NAME.key, checked against leaf. */
static int load_key(int dfd, const char *name, gnutls_x509_crt_t leaf, gnutls_privkey_t *ret, char *why, size_t len)
{
        char file[MON_KEY_NAME_MAX + 8];
        gnutls_x509_privkey_t x = NULL;
        size_t key_len = 0;
        const char *problem;
        struct stat st;
        gnutls_datum_t d;
        char *text;
        int r;

        snprintf(file, sizeof(file), "%s.key", name);
        text = read_file_at(dfd, file, MAX_KEY_FILE, &key_len, &st);
        if (!text) {
                r = -errno;
                snprintf(why, len, "%s: %s", file, errno == ENOENT ? "no private key" : strerror(errno));
                return r;
        }
        problem = key_file_problem(&st);
        if (problem) {
                snprintf(why, len, "%s", problem);
                r = -EPERM;
                goto out;
        }
        d.data = (unsigned char *)text;
        d.size = (unsigned)key_len;
        if (gnutls_x509_privkey_init(&x) < 0) {
                snprintf(why, len, "out of memory");
                r = -ENOMEM;
                goto out;
        }
        r = gnutls_x509_privkey_import2(x, &d, GNUTLS_X509_FMT_PEM, NULL, 0);
        if (r < 0) {
                snprintf(why, len, "the private key does not parse: %s", gnutls_strerror(r));
                r = -EINVAL;
                goto out;
        }
        if (!key_matches(x, leaf)) {
                snprintf(why, len, "the private key does not match the certificate");
                r = -EKEYREJECTED;
                goto out;
        }
        if (gnutls_privkey_init(ret) < 0) {
                snprintf(why, len, "out of memory");
                r = -ENOMEM;
                goto out;
        }
        r = gnutls_privkey_import_x509(*ret, x, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
        if (r < 0) {
                gnutls_privkey_deinit(*ret);
                *ret = NULL;
                snprintf(why, len, "the private key: %s", gnutls_strerror(r));
                r = -EINVAL;
                goto out;
        }
        x = NULL;               /* the privkey owns it now */
        r = 0;
out:
        if (x)
                gnutls_x509_privkey_deinit(x);
        free_text(text, key_len);
        return r;
}

static struct key *find(const char *name, const uint8_t *thumbprint)
{
        for (size_t i = 0; i < MAX_KEYS; i++)
                if (keys[i].key && !strcmp(keys[i].name, name) &&
                    !memcmp(keys[i].thumbprint, thumbprint, MON_THUMB_LEN))
                        return &keys[i];
        return NULL;
}

static void forget(struct key *k)
{
        if (k && k->key) {
                gnutls_privkey_deinit(k->key);
                memset(k, 0, sizeof(*k));
        }
}

/* Loads and checks name's pair; keeps the key (replacing what was kept
 * for the same name and thumbprint).  The slot, or NULL with why. */
static struct key *load(const char *name, const uint8_t *thumbprint, char *why, size_t len)
{
        gnutls_x509_crt_t leaf = NULL;
        gnutls_privkey_t pk = NULL;
        struct key *slot;
        int dfd, r;

        forget(find(name, thumbprint));
        dfd = open_certs(why, len);
        if (dfd < 0)
                return NULL;
        r = load_leaf(dfd, name, thumbprint, &leaf, why, len);
        if (r == 0)
                r = load_key(dfd, name, leaf, &pk, why, len);
        close(dfd);
        if (leaf)
                gnutls_x509_crt_deinit(leaf);
        if (r < 0)
                return NULL;
        slot = &keys[0];
        for (size_t i = 0; i < MAX_KEYS; i++) {
                if (!keys[i].key) {
                        slot = &keys[i];
                        break;
                }
                if (keys[i].used < slot->used)
                        slot = &keys[i];
        }
        forget(slot);
        snprintf(slot->name, sizeof(slot->name), "%s", name);
        memcpy(slot->thumbprint, thumbprint, MON_THUMB_LEN);
        slot->key = pk;
        slot->pk = (gnutls_pk_algorithm_t)gnutls_privkey_get_pk_algorithm(pk, NULL);
        slot->used = ++clock_ticks;
        return slot;
}

void mon_keys_check(int sock, const struct mon_key_check *q)
{
        struct mon_key_checked a = { MON_KEY_CHECK_RESULT, q->seq, 0, "" };

        if (!valid_name(q->name, sizeof(q->name))) {
                a.result = -EINVAL;
                snprintf(a.reason, sizeof(a.reason), "not a name of the certificate store");
        } else if (!load(q->name, q->thumbprint, a.reason, sizeof(a.reason))) {
                a.result = -EKEYREJECTED;
        }
        (void)monmsg_send(sock, &a, sizeof(a), NULL, 0, MSG_DONTWAIT);
}

/* Whether the key k may make a signature of algorithm with these flags
 * over len bytes given as op says; *flags gets what GnuTLS is told. */
static bool sign_allowed(const struct key *k, const struct mon_key_sign *q, unsigned *flags)
{
        const unsigned known = GNUTLS_PRIVKEY_SIGN_FLAG_TLS1_RSA | GNUTLS_PRIVKEY_SIGN_FLAG_RSA_PSS;
        gnutls_sign_algorithm_t algo = (gnutls_sign_algorithm_t)q->algorithm;
        gnutls_digest_algorithm_t dig;

        *flags = q->flags;
        if ((q->flags & ~known) || q->len == 0 || q->len > sizeof(q->data))
                return false;
        if (q->op != MON_SIGN_HASH && q->op != MON_SIGN_DATA)
                return false;
        /* a PKCS#1 DigestInfo, to be padded and signed as it is */
        if (algo == GNUTLS_SIGN_RSA_RAW || (q->flags & GNUTLS_PRIVKEY_SIGN_FLAG_TLS1_RSA)) {
                *flags = GNUTLS_PRIVKEY_SIGN_FLAG_TLS1_RSA;
                return q->op == MON_SIGN_HASH && k->pk == GNUTLS_PK_RSA;
        }
        if (!gnutls_sign_get_name(algo) || !gnutls_sign_supports_pk_algorithm(algo, k->pk))
                return false;
        if (q->op == MON_SIGN_DATA)
                return !(q->flags & GNUTLS_PRIVKEY_SIGN_FLAG_TLS1_RSA);
        /* a digest: exactly as long as the algorithm's hash */
        dig = gnutls_sign_get_hash_algorithm(algo);
        return dig != GNUTLS_DIG_UNKNOWN && gnutls_hash_get_len(dig) == q->len;
}

void mon_keys_sign(int sock, const struct mon_key_sign *q)
{
        struct mon_key_signed a = { MON_KEY_SIGN_RESULT, q->seq, 0, 0, { 0 } };
        gnutls_datum_t in = { (unsigned char *)q->data, q->len }, sig = { NULL, 0 };
        struct key *k = NULL;
        unsigned flags = 0;
        char why[256];
        int r;

        if (valid_name(q->name, sizeof(q->name))) {
                k = find(q->name, q->thumbprint);
                if (!k)
                        k = load(q->name, q->thumbprint, why, sizeof(why));
        }
        if (!k) {
                a.result = -ENOKEY;
        } else if (!sign_allowed(k, q, &flags)) {
                a.result = -EINVAL;
        } else {
                k->used = ++clock_ticks;
                if (q->op == MON_SIGN_HASH)
                        r = gnutls_privkey_sign_hash2(k->key, (gnutls_sign_algorithm_t)q->algorithm, flags, &in, &sig);
                else
                        r = gnutls_privkey_sign_data2(k->key, (gnutls_sign_algorithm_t)q->algorithm, flags, &in, &sig);
                if (r < 0)
                        a.result = -EIO;
                else if (sig.size > sizeof(a.signature))
                        a.result = -E2BIG;
                else {
                        memcpy(a.signature, sig.data, sig.size);
                        a.len = sig.size;
                }
                gnutls_free(sig.data);
        }
        (void)monmsg_send(sock, &a, sizeof(a), NULL, 0, MSG_DONTWAIT);
}

void mon_keys_stop(void)
{
        for (size_t i = 0; i < MAX_KEYS; i++)
                forget(&keys[i]);
        free(certs_dir);
        certs_dir = NULL;
}
