/* tls.c - TLS for the HTTPS listeners.
 *
 * Shape: a GnuTLS session inside a libevent *filter* bufferevent laid over
 * the connection's socket bufferevent.  GnuTLS never touches the socket:
 * its pull function reads ciphertext from the socket bufferevent's input
 * buffer and its push function appends to its output buffer, so every
 * socket operation (non-blocking reads and writes, EAGAIN, EOF, errors)
 * stays in libevent's socket code and conn.c sees an ordinary bufferevent
 * with the same callbacks, watermarks and read pausing as for plain HTTP.
 * The alternative, GnuTLS on the socket with libevent readiness events,
 * would have meant a second I/O path in conn.c (GnuTLS's rule that an
 * interrupted send is retried with the same data, reads that must go on
 * while records are buffered) for no gain: the copy into evbuffers is a
 * memcpy per record.
 *
 * What the filter cannot say by itself goes through three calls: fail()
 * (a failed handshake or record, the peer's close_notify: the filter's own
 * error result is ignored by libevent), tls_flush_input() (plaintext that
 * GnuTLS decrypted while the connection was not reading), and tls_bye().
 *
 * Private keys: once the network process has dropped root, the store's
 * keys stay in the privileged monitor.  The credentials then hold an
 * external GnuTLS key whose callbacks send every signature a handshake
 * needs to the monitor (priv_key_sign(), one round trip on its
 * synchronous socket per full handshake); see doc/privsep.md.
 *
 * Policy: TLS 1.2 and 1.3 only, AEAD ciphers with (EC)DHE key exchange,
 * the server's order, no compression (GnuTLS has none), renegotiation
 * refused, session tickets whose keys GnuTLS derives from one master key
 * per period (time-based rotation), a handshake deadline. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "event.h"
#include "log.h"
#include "priv.h"
#include "tls.h"

#define TICKET_PERIOD_S (2 * 3600)  /* ticket key rotation (and lifetime) */
#define RECORD_MAX 16384            /* plaintext per record */
#define HANDSHAKE_SLACK (8 * 1024)  /* handshake bytes beside a client chain */

static const char priorities[] =
        "SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
        ":-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305"
        ":-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA"
        ":-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1"
        ":%SERVER_PRECEDENCE";

static gnutls_priority_t prio;
static gnutls_datum_t ticket_key;

struct tls_creds {
        unsigned refs;
        gnutls_certificate_credentials_t x509;
};

struct tls_conn {
        gnutls_session_t s;
        struct tls_creds *creds;
        struct bufferevent *sock;   /* the socket bufferevent under the filter */
        struct bufferevent *bev;    /* the filter */
        struct event *timer;        /* the handshake deadline */
        struct event *report;       /* runs fail() from the loop */
        tls_fail_fn *fail;
        void *arg;
        const char *why;            /* what report will say */
        size_t max_chain;
        bool done;                  /* handshake complete */
        bool failed;
        bool want_cert;
};

int tls_init(void)
{
        const char *err = NULL;
        int r;

        r = gnutls_priority_init(&prio, priorities, &err);
        if (r < 0) {
                log_err("TLS priorities: %s at \"%s\"", gnutls_strerror(r), err ? err : "?");
                return -EINVAL;
        }
        r = gnutls_session_ticket_key_generate(&ticket_key);
        if (r < 0) {
                log_err("TLS session ticket key: %s", gnutls_strerror(r));
                gnutls_priority_deinit(prio);
                return -ENOMEM;
        }
        return 0;
}

void tls_shutdown(void)
{
        if (ticket_key.data) {
                gnutls_memset(ticket_key.data, 0, ticket_key.size);
                gnutls_free(ticket_key.data);
                ticket_key.data = NULL;
        }
        if (prio)
                gnutls_priority_deinit(prio);
        prio = NULL;
}

/* --- the key in the monitor: GnuTLS's external key ----------------------- */

#define CHAIN_MAX 16                /* certificates in a served chain */
#define SIGNATURE_MAX 1024          /* RSA up to 8192 bits */

/* What the external key's callbacks need (owned by the key). */
struct remote_key {
        char name[128];
        unsigned char thumbprint[20];
        gnutls_pk_algorithm_t pk;   /* the leaf's public key */
        unsigned bits;
};

static int remote_sign(const struct remote_key *rk, bool hash, gnutls_sign_algorithm_t algo, unsigned flags,
                       const gnutls_datum_t *in, gnutls_datum_t *out)
{
        unsigned char sig[SIGNATURE_MAX];
        int n = priv_key_sign(rk->name, rk->thumbprint, hash, (unsigned)algo, flags, in->data, in->size, sig,
                              sizeof(sig));

        if (n < 0) {
                log_err("certificate %s: the privileged monitor did not sign (%s): %s", rk->name,
                        gnutls_sign_get_name(algo) ? gnutls_sign_get_name(algo) : "?", strerror(-n));
                return GNUTLS_E_PK_SIGN_FAILED;
        }
        out->data = gnutls_malloc((size_t)n);
        if (!out->data)
                return GNUTLS_E_MEMORY_ERROR;
        memcpy(out->data, sig, (size_t)n);
        out->size = (unsigned)n;
        return 0;
}

/* GnuTLS hands a digest (for RSA PKCS#1, a DigestInfo with the algorithm
 * GNUTLS_SIGN_RSA_RAW) ... */
static int remote_sign_hash(gnutls_privkey_t key, gnutls_sign_algorithm_t algo, void *userdata, unsigned flags,
                            const gnutls_datum_t *hash, gnutls_datum_t *sig)
{
        (void)key;
        return remote_sign(userdata, true, algo, flags, hash, sig);
}

/* ... or, for algorithms that hash themselves, the data. */
static int remote_sign_data(gnutls_privkey_t key, gnutls_sign_algorithm_t algo, void *userdata, unsigned flags,
                            const gnutls_datum_t *data, gnutls_datum_t *sig)
{
        (void)key;
        return remote_sign(userdata, false, algo, flags, data, sig);
}

static int remote_info(gnutls_privkey_t key, unsigned flags, void *userdata)
{
        const struct remote_key *rk = userdata;
        gnutls_sign_algorithm_t algo = (gnutls_sign_algorithm_t)GNUTLS_FLAGS_TO_SIGN_ALGO(flags);

        (void)key;
        switch (flags & ((1u << 20) - 1)) {
        case GNUTLS_PRIVKEY_INFO_PK_ALGO:
                return rk->pk;
        case GNUTLS_PRIVKEY_INFO_PK_ALGO_BITS:
                return (int)rk->bits;
        case GNUTLS_PRIVKEY_INFO_SIGN_ALGO:
                return GNUTLS_SIGN_UNKNOWN;     /* no preference */
        case GNUTLS_PRIVKEY_INFO_HAVE_SIGN_ALGO:
                return gnutls_sign_supports_pk_algorithm(algo, rk->pk) ? 1 : 0;
        default:
                return -1;
        }
}

static void remote_deinit(gnutls_privkey_t key, void *userdata)
{
        (void)key;
        free(userdata);
}

/* An external private key for the leaf of pcert, signing through the
 * monitor with the store's key name.  0 or a GnuTLS error. */
static int remote_key_new(const gnutls_pcert_st *leaf, const struct tls_key *k, gnutls_privkey_t *ret)
{
        struct remote_key *rk = calloc(1, sizeof(*rk));
        int r;

        if (!rk || strlen(k->name) >= sizeof(rk->name)) {
                free(rk);
                return GNUTLS_E_MEMORY_ERROR;
        }
        snprintf(rk->name, sizeof(rk->name), "%s", k->name);
        memcpy(rk->thumbprint, k->thumbprint, sizeof(rk->thumbprint));
        r = gnutls_pubkey_get_pk_algorithm(leaf->pubkey, &rk->bits);
        if (r < 0 || gnutls_privkey_init(ret) < 0) {
                free(rk);
                return r < 0 ? r : GNUTLS_E_MEMORY_ERROR;
        }
        rk->pk = (gnutls_pk_algorithm_t)r;
        r = gnutls_privkey_import_ext4(*ret, rk, remote_sign_data, remote_sign_hash, NULL, remote_deinit, remote_info,
                                       0);
        if (r < 0) {
                gnutls_privkey_deinit(*ret);
                free(rk);
        }
        return r;
}

/* The chain with a key in the monitor; the monitor checked that they
 * match (MON_KEY_CHECK), so GnuTLS's own test signature is skipped. */
static int set_remote_key(gnutls_certificate_credentials_t x509, const void *chain, size_t chain_len,
                          const struct tls_key *k, char *why, size_t why_len)
{
        gnutls_datum_t c = { (unsigned char *)chain, (unsigned)chain_len };
        gnutls_pcert_st pcerts[CHAIN_MAX];
        unsigned n = CHAIN_MAX;
        gnutls_privkey_t key;
        int r;

        r = gnutls_pcert_list_import_x509_raw(pcerts, &n, &c, GNUTLS_X509_FMT_PEM, 0);
        if (r < 0 || n == 0) {
                snprintf(why, why_len, "%s", r == GNUTLS_E_SHORT_MEMORY_BUFFER ?
                         "more than 16 certificates in the chain" : gnutls_strerror(r < 0 ? r : GNUTLS_E_NO_CERTIFICATE_FOUND));
                return -EINVAL;
        }
        r = remote_key_new(&pcerts[0], k, &key);
        if (r == 0) {
                gnutls_certificate_set_flags(x509, GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH);
                r = gnutls_certificate_set_key(x509, NULL, 0, pcerts, (int)n, key);
                if (r < 0)
                        gnutls_privkey_deinit(key);
        }
        if (r < 0) {
                for (unsigned i = 0; i < n; i++)
                        gnutls_pcert_deinit(&pcerts[i]);
                snprintf(why, why_len, "%s", gnutls_strerror(r));
                return -EINVAL;
        }
        return 0;               /* the credentials own the chain and the key */
}

struct tls_creds *tls_creds_new(const void *chain, size_t chain_len, const struct tls_key *key, const void *ca,
                                size_t ca_len, char *why, size_t why_len)
{
        gnutls_datum_t c = { (unsigned char *)chain, (unsigned)chain_len };
        struct tls_creds *cr = calloc(1, sizeof(*cr));
        int r;

        if (!cr || gnutls_certificate_allocate_credentials(&cr->x509) < 0) {
                snprintf(why, why_len, "out of memory");
                free(cr);
                return NULL;
        }
        if (key->pem) {
                gnutls_datum_t k = { (unsigned char *)key->pem, (unsigned)key->pem_len };
                r = gnutls_certificate_set_x509_key_mem2(cr->x509, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
                if (r < 0)
                        snprintf(why, why_len, "%s", r == GNUTLS_E_CERTIFICATE_KEY_MISMATCH ?
                                 "the private key does not match the certificate" : gnutls_strerror(r));
        } else {
                r = set_remote_key(cr->x509, chain, chain_len, key, why, why_len);
        }
        if (r < 0) {
                gnutls_certificate_free_credentials(cr->x509);
                free(cr);
                return NULL;
        }
        if (ca && ca_len) {
                gnutls_datum_t a = { (unsigned char *)ca, (unsigned)ca_len };
                r = gnutls_certificate_set_x509_trust_mem(cr->x509, &a, GNUTLS_X509_FMT_PEM);
                if (r < 0)
                        log_warn("client CAs: %s", gnutls_strerror(r));
        }
        cr->refs = 1;
        return cr;
}

struct tls_creds *tls_creds_ref(struct tls_creds *c)
{
        if (c)
                c->refs++;
        return c;
}

void tls_creds_unref(struct tls_creds *c)
{
        if (!c || --c->refs > 0)
                return;
        gnutls_certificate_free_credentials(c->x509);
        free(c);
}

/* --- GnuTLS transport over the socket bufferevent's buffers ------------- */

static ssize_t pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
        struct tls_conn *t = p;
        int n = evbuffer_remove(bufferevent_get_input(t->sock), buf, len);

        if (n <= 0) {
                gnutls_transport_set_errno(t->s, EAGAIN);
                return -1;
        }
        return n;
}

static ssize_t push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
        struct tls_conn *t = p;

        if (evbuffer_add(bufferevent_get_output(t->sock), buf, len) < 0) {
                gnutls_transport_set_errno(t->s, ENOMEM);
                return -1;
        }
        return (ssize_t)len;
}

/* --- failure, reported from the loop ------------------------------------- */

static void on_report(evutil_socket_t fd, short what, void *arg)
{
        struct tls_conn *t = arg;

        if (t->fail)
                t->fail(t->arg, t->why);
}

static void fail(struct tls_conn *t, const char *why)
{
        struct evbuffer *out = bufferevent_get_output(t->sock);

        if (t->failed)
                return;
        t->failed = true;
        t->why = why;
        bufferevent_disable(t->sock, EV_READ);
        /* an alert queued just now: one try to send it before the close */
        if (evbuffer_get_length(out) > 0 && evbuffer_get_length(out) < 64)
                (void)evbuffer_write(out, bufferevent_getfd(t->sock));
        event_active(t->report, 0, 0);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
        fail(arg, "TLS handshake not completed in time");
}

/* The handshake is done: the client's chain must fit MaxClientCertInfoSize. */
static int after_handshake(struct tls_conn *t)
{
        unsigned n = 0;
        const gnutls_datum_t *peers = gnutls_certificate_get_peers(t->s, &n);
        size_t total = 0;

        for (unsigned i = 0; peers && i < n; i++)
                total += peers[i].size;
        if (total > t->max_chain) {
                fail(t, "client certificate chain larger than MaxClientCertInfoSize");
                return -1;
        }
        t->done = true;
        event_del(t->timer);
        return 0;
}

static enum bufferevent_filter_result handshake(struct tls_conn *t)
{
        int r;

        do {
                r = gnutls_handshake(t->s);
        } while (r < 0 && !gnutls_error_is_fatal(r) && r != GNUTLS_E_AGAIN);
        if (r == GNUTLS_E_AGAIN)
                return BEV_NEED_MORE;
        if (r < 0) {
                log_debug("TLS handshake: %s", gnutls_strerror(r));
                (void)gnutls_alert_send_appropriate(t->s, r);
                fail(t, r == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ? "TLS version refused" :
                        r == GNUTLS_E_NO_CIPHER_SUITES || r == GNUTLS_E_INSUFFICIENT_CREDENTIALS ?
                        "no TLS cipher suite in common" : "TLS handshake failed");
                return BEV_ERROR;
        }
        return after_handshake(t) < 0 ? BEV_ERROR : BEV_OK;
}

/* Ciphertext in the socket's input -> plaintext in dst, up to limit.  Each
 * record is decrypted into one buffer of the loop and copied: reserving
 * record-sized space in every connection's input would keep 32 KiB per
 * idle connection. */
static enum bufferevent_filter_result decrypt(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
                                              enum bufferevent_flush_mode mode, void *arg)
{
        static char record[RECORD_MAX];
        struct tls_conn *t = arg;
        size_t got = 0;

        (void)src;
        (void)mode;
        if (t->failed)
                return BEV_ERROR;
        if (!t->done && handshake(t) != BEV_OK)
                return t->failed ? BEV_ERROR : BEV_NEED_MORE;
        while (limit < 0 || got < (size_t)limit) {
                size_t want = sizeof(record);
                ssize_t n;

                if (limit >= 0 && (size_t)limit - got < want)
                        want = (size_t)limit - got;
                n = gnutls_record_recv(t->s, record, want);
                if (n > 0) {
                        if (evbuffer_add(dst, record, (size_t)n) < 0) {
                                fail(t, "out of memory");
                                break;
                        }
                        got += (size_t)n;
                        continue;
                }
                if (n == 0) {
                        fail(t, "TLS close_notify");
                        break;
                }
                if (n == GNUTLS_E_AGAIN)
                        break;
                if (n == GNUTLS_E_INTERRUPTED)
                        continue;
                if (n == GNUTLS_E_REHANDSHAKE) {
                        gnutls_alert_send(t->s, GNUTLS_AL_FATAL, GNUTLS_A_NO_RENEGOTIATION);
                        fail(t, "client-initiated TLS renegotiation refused");
                        break;
                }
                if (gnutls_error_is_fatal((int)n)) {
                        log_debug("TLS record: %s", gnutls_strerror((int)n));
                        fail(t, "TLS record error");
                        break;
                }
        }
        gnutls_memset(record, 0, got < sizeof(record) ? got : sizeof(record));
        return got ? BEV_OK : t->failed ? BEV_ERROR : BEV_NEED_MORE;
}

/* Plaintext from the connection -> records in the socket's output. */
static enum bufferevent_filter_result encrypt(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
                                              enum bufferevent_flush_mode mode, void *arg)
{
        struct tls_conn *t = arg;
        size_t sent = 0;

        (void)dst;
        (void)mode;
        if (t->failed)
                return BEV_ERROR;
        if (!t->done)
                return BEV_NEED_MORE;
        while (evbuffer_get_length(src) > 0 && (limit < 0 || sent < (size_t)limit)) {
                size_t n = evbuffer_get_length(src);
                unsigned char *p;
                ssize_t w;

                if (n > RECORD_MAX)
                        n = RECORD_MAX;
                p = evbuffer_pullup(src, (ev_ssize_t)n);
                if (!p)
                        return BEV_ERROR;
                w = gnutls_record_send(t->s, p, n);
                if (w < 0) {
                        if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
                                continue;       /* push never blocks; a retry finishes it */
                        fail(t, "TLS write failed");
                        return BEV_ERROR;
                }
                evbuffer_drain(src, (size_t)w);
                sent += (size_t)w;
        }
        return BEV_OK;
}

static void free_tls(void *arg)
{
        struct tls_conn *t = arg;

        gnutls_deinit(t->s);
        tls_creds_unref(t->creds);
        event_free(t->timer);
        event_free(t->report);
        free(t);
}

struct bufferevent *tls_wrap(struct bufferevent *sock, struct tls_creds *creds, const struct tls_opts *o,
                             tls_fail_fn *fail_cb, void *arg, struct tls_conn **ret_tls)
{
        struct event_base *base = bufferevent_get_base(sock);
        struct timeval tv = { o->handshake_ms / 1000, (o->handshake_ms % 1000) * 1000 };
        struct tls_conn *t = calloc(1, sizeof(*t));
        struct bufferevent *bev;

        if (!t)
                goto fail_sock;
        t->timer = evtimer_new(base, on_deadline, t);
        t->report = event_new(base, -1, 0, on_report, t);
        if (!t->timer || !t->report || gnutls_init(&t->s, GNUTLS_SERVER | GNUTLS_NONBLOCK) < 0)
                goto fail_t;
        t->creds = tls_creds_ref(creds);
        t->sock = sock;
        t->fail = fail_cb;
        t->arg = arg;
        t->max_chain = o->max_client_chain;
        t->want_cert = o->request_client_cert;
        if (gnutls_priority_set(t->s, prio) < 0 ||
            gnutls_credentials_set(t->s, GNUTLS_CRD_CERTIFICATE, creds->x509) < 0)
                goto fail_s;
        gnutls_certificate_server_set_request(t->s, o->request_client_cert ? GNUTLS_CERT_REQUEST
                                                                           : GNUTLS_CERT_IGNORE);
        gnutls_handshake_set_max_packet_length(t->s, o->max_client_chain + HANDSHAKE_SLACK);
        gnutls_db_set_cache_expiration(t->s, TICKET_PERIOD_S);
        (void)gnutls_session_ticket_enable_server(t->s, &ticket_key);
        gnutls_transport_set_ptr(t->s, t);
        gnutls_transport_set_pull_function(t->s, pull);
        gnutls_transport_set_push_function(t->s, push);
        /* deferred callbacks: the filter encrypts while conn.c is still
         * writing a reply, and its "written" callback must come after */
        bev = bufferevent_filter_new(sock, decrypt, encrypt, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS,
                                     free_tls, t);
        if (!bev)
                goto fail_s;
        t->bev = bev;
        evtimer_add(t->timer, &tv);
        *ret_tls = t;
        return bev;

fail_s:
        gnutls_deinit(t->s);
        tls_creds_unref(t->creds);
fail_t:
        if (t->timer)
                event_free(t->timer);
        if (t->report)
                event_free(t->report);
        free(t);
fail_sock:
        bufferevent_free(sock);
        return NULL;
}

void tls_detach(struct tls_conn *t)
{
        t->fail = NULL;
        event_del(t->report);
        event_del(t->timer);
}

void tls_flush_input(struct tls_conn *t)
{
        if (gnutls_record_check_pending(t->s) > 0 || evbuffer_get_length(bufferevent_get_input(t->sock)) > 0)
                bufferevent_flush(t->bev, EV_READ, BEV_NORMAL);
}

void tls_bye(struct tls_conn *t)
{
        if (t->done && !t->failed)
                (void)gnutls_bye(t->s, GNUTLS_SHUT_WR);
}

bool tls_ready(const struct tls_conn *t)
{
        return t->done;
}

/* --- the client's certificate ---------------------------------------------- */

static void thumbprint_of(gnutls_x509_crt_t crt, char out[41])
{
        unsigned char md[20];
        size_t n = sizeof(md);

        out[0] = '\0';
        if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA1, md, &n) < 0 || n != 20)
                return;
        for (size_t i = 0; i < 20; i++)
                snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Copies src into dst[cap], cut if it must be. */
static void copy_str(char *dst, size_t cap, const char *src)
{
        size_t n = strnlen(src, cap - 1);

        memcpy(dst, src, n);
        dst[n] = '\0';
}

/* The leaf's names: subject, CN, the UPN and e-mail SANs. */
static void names_of(gnutls_x509_crt_t crt, struct tls_peer *out)
{
        gnutls_datum_t dn = { 0 };
        size_t n = sizeof(out->cn);

        if (gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0) {
                snprintf(out->subject, sizeof(out->subject), "%.*s", (int)dn.size, (char *)dn.data);
                gnutls_free(dn.data);
        }
        if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, out->cn, &n) < 0)
                out->cn[0] = '\0';
        for (unsigned i = 0; i < 64; i++) {
                char buf[512];
                size_t len = sizeof(buf) - 1;
                int type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &len, NULL);

                if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
                        break;
                if (type == GNUTLS_SAN_RFC822NAME && !out->email[0]) {
                        buf[len] = '\0';
                        copy_str(out->email, sizeof(out->email), buf);
                } else if (type == GNUTLS_SAN_OTHERNAME_MSUSERPRINCIPAL && !out->upn[0]) {
                        /* GnuTLS decodes the UPN othername itself */
                        buf[len] = '\0';
                        copy_str(out->upn, sizeof(out->upn), buf);
                }
        }
}

/* The thumbprint of the CA that issued leaf: from the chain the client
 * sent, else from the client CAs. */
static void issuer_of(const struct tls_conn *t, gnutls_x509_crt_t leaf, const gnutls_datum_t *peers, unsigned n,
                      char out[41])
{
        gnutls_x509_crt_t ca;

        out[0] = '\0';
        for (unsigned i = 1; i < n; i++) {
                if (gnutls_x509_crt_init(&ca) < 0)
                        return;
                if (gnutls_x509_crt_import(ca, &peers[i], GNUTLS_X509_FMT_DER) == 0 &&
                    gnutls_x509_crt_check_issuer(leaf, ca)) {
                        thumbprint_of(ca, out);
                        gnutls_x509_crt_deinit(ca);
                        return;
                }
                gnutls_x509_crt_deinit(ca);
        }
        if (gnutls_certificate_get_issuer(t->creds->x509, leaf, &ca, 0) == 0)
                thumbprint_of(ca, out);         /* owned by the credentials */
}

int tls_peer_certificate(const struct tls_conn *t, struct tls_peer *out, char *why, size_t why_len)
{
        gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0 };
        unsigned n = 0, status = 0;
        const gnutls_datum_t *peers;
        gnutls_x509_crt_t leaf;
        int r;

        memset(out, 0, sizeof(*out));
        if (!t->done || !t->want_cert)
                return -ENOENT;
        peers = gnutls_certificate_get_peers(t->s, &n);
        if (!peers || n == 0)
                return -ENOENT;
        r = gnutls_certificate_verify_peers(t->s, &purpose, 1, &status);
        if (r < 0 || status != 0) {
                gnutls_datum_t txt = { 0 };
                if (r >= 0 && gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &txt, 0) == 0) {
                        snprintf(why, why_len, "%.*s", (int)txt.size, (char *)txt.data);
                        gnutls_free(txt.data);
                } else {
                        snprintf(why, why_len, "%s", r < 0 ? gnutls_strerror(r) : "not trusted");
                }
                return -EPERM;
        }
        if (gnutls_x509_crt_init(&leaf) < 0)
                return -ENOMEM;
        if (gnutls_x509_crt_import(leaf, &peers[0], GNUTLS_X509_FMT_DER) < 0) {
                gnutls_x509_crt_deinit(leaf);
                snprintf(why, why_len, "the certificate does not parse");
                return -EPERM;
        }
        names_of(leaf, out);
        issuer_of(t, leaf, peers, n, out->issuer);
        gnutls_x509_crt_deinit(leaf);
        return 0;
}
