/* tls_client.c - the winrm command's TLS client (tls_client.h), on GnuTLS.
 *
 * GnuTLS runs on the socket itself; its "try again" results are waited out
 * with the sockio's deadline, in the direction GnuTLS says it needs.
 *
 * The server certificate is checked after the handshake and before any byte
 * of the request (which may carry a password) is sent: first the chain
 * against the trusted CAs (unless -skipCAcheck), then the host name (unless
 * -skipCNcheck), so that the error can say which of the two failed.  A
 * server may ask for the client certificate again later, by renegotiation
 * (TLS 1.2, as Windows does) or post-handshake authentication (TLS 1.3):
 * reads follow it a few times per exchange. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tls_client.h"

#define TLS_RETRIES 16                  /* non-fatal TLS results in a row */
#define RENEGOTIATIONS 2                /* server-asked handshakes per exchange */

/* TLS 1.2 and 1.3 only; otherwise GnuTLS's usual choice, to talk to any
 * WinRM service. */
static const char tls_priorities[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";

/* The length of a message without its final period (ours ends the
 * sentence): "%.*s" with GTLS(e) prints GnuTLS's message for e. */
static int msg_len(const char *s)
{
        size_t n = strlen(s);

        return (int)(n && s[n - 1] == '.' ? n - 1 : n);
}

#define GTLS(e) msg_len(gnutls_strerror(e)), gnutls_strerror(e)

/* Whether host is an IP address (no SNI; the certificate must list the IP). */
static bool host_is_address(const char *host)
{
        unsigned char a[sizeof(struct in6_addr)];

        return inet_pton(AF_INET, host, a) == 1 || strchr(host, ':');
}

/* Reads a PEM file GnuTLS will load, so a missing one is named by errno. */
static int check_readable(struct tls_client *c, const char *what, const char *path)
{
        if (!path || !*path)
                return sockio_fail(c->io, -EINVAL, "No %s was given.", what);
        if (access(path, R_OK) < 0)
                return sockio_fail(c->io, -errno, "%s (%s)", strerror(errno), path);
        return 0;
}

/* The trusted CAs (a file, or the system's unless skipped), then the
 * client certificate when one is to be presented. */
int tls_client_load(struct tls_client *c, const struct tls_client_opts *o, struct sockio *io)
{
        int r;

        c->o = o;
        c->io = io;
        if (gnutls_certificate_allocate_credentials(&c->creds) < 0)
                return sockio_fail(c->io, -ENOMEM, "Out of memory.");
        if (o->ca_file) {
                if ((r = check_readable(c, "CA file", o->ca_file)) < 0)
                        return r;
                r = gnutls_certificate_set_x509_trust_file(c->creds, o->ca_file, GNUTLS_X509_FMT_PEM);
                if (r < 0)
                        return sockio_fail(c->io, -EINVAL, "Cannot read the CA certificates in %s: %.*s.",
                                           o->ca_file, GTLS(r));
                if (r == 0)
                        return sockio_fail(c->io, -EINVAL, "%s holds no CA certificate.", o->ca_file);
        } else if (!o->skip_ca) {
                r = gnutls_certificate_set_x509_system_trust(c->creds);
                if (r < 0)
                        return sockio_fail(c->io, -EIO, "Cannot load the system's trusted CA certificates: %.*s.",
                                           GTLS(r));
        }
        if (!o->client_cert)
                return 0;
        if ((r = check_readable(c, "client certificate", o->cert_file)) < 0 ||
            (r = check_readable(c, "client certificate key", o->key_file)) < 0)
                return r;
        r = gnutls_certificate_set_x509_key_file2(c->creds, o->cert_file, o->key_file, GNUTLS_X509_FMT_PEM,
                                                  NULL, 0);
        if (r == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
                return sockio_fail(c->io, -EINVAL, "The key %s does not match the certificate %s.", o->key_file,
                                   o->cert_file);
        if (r < 0)
                return sockio_fail(c->io, -EINVAL, "Cannot load the client certificate %s with its key %s: %.*s.",
                                   o->cert_file, o->key_file, GTLS(r));
        return 0;
}

/* TLS 1.3 post-handshake authentication, as a step for tls_run(). */
static int reauth(gnutls_session_t s)
{
        return gnutls_reauth(s, 0);
}

/* Runs a TLS step (handshake, reauthentication) to its end, waiting out
 * GNUTLS_E_AGAIN.  -EPROTO with *gerr set on a TLS failure. */
static int tls_run(struct tls_client *c, int (*step)(gnutls_session_t), int *gerr)
{
        unsigned soft = 0;
        int r;

        for (;;) {
                r = step(c->s);
                if (r >= 0)
                        return 0;
                if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
                        r = sockio_wait(c->io, gnutls_record_get_direction(c->s) ? POLLOUT : POLLIN);
                        if (r < 0)
                                return r;
                } else if (gnutls_error_is_fatal(r) || ++soft > TLS_RETRIES) {
                        *gerr = r;
                        return -EPROTO;
                }
        }
}

/* A TLS failure as a sentence: the server's alert when it sent one. */
static int tls_failed(struct tls_client *c, const char *when, int gerr)
{
        const char *hint = "";

        if (gerr == GNUTLS_E_FATAL_ALERT_RECEIVED) {
                const char *alert = gnutls_alert_get_name(gnutls_alert_get(c->s));
                return sockio_fail(c->io, -EPROTO, "The TLS %s with %s failed: the server sent the alert \"%s\".",
                                   when, c->io->peer, alert ? alert : "?");
        }
        if (gerr == GNUTLS_E_UNEXPECTED_PACKET_LENGTH || gerr == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ||
            gerr == GNUTLS_E_UNEXPECTED_PACKET)
                hint = " (is it a plain HTTP listener?)";
        return sockio_fail(c->io, -EPROTO, "The TLS %s with %s failed: %.*s%s.", when, c->io->peer, GTLS(gerr),
                           hint);
}

/* Why a chain did not verify, from GnuTLS's status bits, as "it ..."
 * words: the first that applies. */
static const char *untrusted_reason(unsigned status)
{
        static const struct {
                unsigned bit;
                const char *why;
        } reasons[] = {
                { GNUTLS_CERT_REVOKED, "it has been revoked" },
                { GNUTLS_CERT_SIGNER_NOT_FOUND, "its issuer is unknown" },
                { GNUTLS_CERT_SIGNER_NOT_CA, "its issuer is not a certificate authority" },
                { GNUTLS_CERT_EXPIRED, "it has expired" },
                { GNUTLS_CERT_NOT_ACTIVATED, "it is not valid yet" },
                { GNUTLS_CERT_INSECURE_ALGORITHM, "it is signed with an insecure algorithm" },
                { GNUTLS_CERT_SIGNATURE_FAILURE, "its signature does not verify" },
        };
        size_t i;

        for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
                if (status & reasons[i].bit)
                        return reasons[i].why;
        return "it does not verify";
}

/* Appends name to list (", "-joined, at most a few, printable only). */
static void add_name(char *list, size_t size, const char *name, size_t n)
{
        size_t len = strlen(list), i;

        if (len + 8 >= size)
                return;
        if (len)
                len += (size_t)snprintf(list + len, size - len, ", ");
        for (i = 0; i < n && len + 4 < size; i++)
                list[len++] = name[i] > 0x20 && name[i] < 0x7f ? name[i] : '?';
        if (i < n)
                list[len++] = '.', list[len++] = '.';
        list[len] = '\0';
}

/* The names a certificate is for: its DNS and IP alternative names, else
 * its CN, for the wrong-name message. */
static void cert_names(gnutls_x509_crt_t crt, char *list, size_t size)
{
        char v[256], a[INET6_ADDRSTRLEN];
        size_t n;
        unsigned seq;
        int type;

        list[0] = '\0';
        for (seq = 0; seq < 16; seq++) {
                n = sizeof(v);
                type = gnutls_x509_crt_get_subject_alt_name(crt, seq, v, &n, NULL);
                if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
                        break;
                if (type == GNUTLS_SAN_DNSNAME)
                        add_name(list, size, v, strnlen(v, n));
                else if (type == GNUTLS_SAN_IPADDRESS && (n == 4 || n == 16) &&
                         inet_ntop(n == 4 ? AF_INET : AF_INET6, v, a, sizeof(a)))
                        add_name(list, size, a, strlen(a));
        }
        n = sizeof(v);
        if (!list[0] && gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, v, &n) >= 0)
                add_name(list, size, v, strnlen(v, n));
        if (!list[0])
                snprintf(list, size, "no name");
}

/* Whether the peer's certificate is for host; fills names otherwise. */
static int check_name(struct tls_client *c, const gnutls_datum_t *der, char *names, size_t size)
{
        gnutls_x509_crt_t crt;
        int ok;

        if (gnutls_x509_crt_init(&crt) < 0)
                return -ENOMEM;
        if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
                gnutls_x509_crt_deinit(crt);
                return -EPROTO;
        }
        ok = gnutls_x509_crt_check_hostname2(crt, c->o->host, 0);
        if (!ok)
                cert_names(crt, names, size);
        gnutls_x509_crt_deinit(crt);
        return ok ? 0 : -EPERM;
}

/* The chain, then the name, as the skip flags allow. */
static int tls_verify(struct tls_client *c)
{
        const gnutls_datum_t *certs;
        unsigned n = 0, status = 0;
        char names[256];
        int r;

        if (c->o->skip_ca && c->o->skip_cn)
                return 0;
        certs = gnutls_certificate_get_peers(c->s, &n);
        if (!certs || n == 0)
                return sockio_fail(c->io, -EPERM, "The server %s sent no certificate.", c->io->peer);
        if (!c->o->skip_ca) {
                r = gnutls_certificate_verify_peers2(c->s, &status);
                if (r < 0)
                        return sockio_fail(c->io, -EPERM, "The server certificate cannot be verified: %.*s.",
                                           GTLS(r));
                if (status)
                        return sockio_fail(c->io, -EPERM, "The server certificate is not trusted: %s "
                                           "(use -skipCAcheck to accept it).", untrusted_reason(status));
        }
        if (c->o->skip_cn)
                return 0;
        r = check_name(c, &certs[0], names, sizeof(names));
        if (r == -EPERM)
                return sockio_fail(c->io, r, "The server certificate does not name %s (it is for %s; "
                                   "use -skipCNcheck to accept it).", c->o->host, names);
        if (r < 0)
                return sockio_fail(c->io, r, "The server certificate cannot be read.");
        return 0;
}

/* The session set up (TLS 1.2/1.3, SNI for a name), the handshake run,
 * then the checks. */
int tls_client_start(struct tls_client *c)
{
        unsigned flags = GNUTLS_CLIENT | GNUTLS_NO_SIGNAL;
        int r, gerr = 0;

        /* TLS 1.3 servers may ask for the certificate after the handshake */
        if (c->o->client_cert)
                flags |= GNUTLS_POST_HANDSHAKE_AUTH;
        if (gnutls_init(&c->s, flags) < 0) {
                c->s = NULL;
                return sockio_fail(c->io, -ENOMEM, "Out of memory.");
        }
        if ((r = gnutls_priority_set_direct(c->s, tls_priorities, NULL)) < 0 ||
            (r = gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, c->creds)) < 0 ||
            (!host_is_address(c->o->host) &&
             (r = gnutls_server_name_set(c->s, GNUTLS_NAME_DNS, c->o->host, strlen(c->o->host))) < 0))
                return sockio_fail(c->io, -EINVAL, "Cannot set up TLS: %.*s.", GTLS(r));
        gnutls_transport_set_int(c->s, c->io->fd);
        r = tls_run(c, gnutls_handshake, &gerr);
        if (r == -ETIMEDOUT)
                return sockio_timed_out(c->io);
        if (r == -EPROTO)
                return tls_failed(c, "handshake", gerr);
        if (r < 0)
                return sockio_fail(c->io, r, "%s (%s)", strerror(-r), c->io->peer);
        return tls_verify(c);
}

/* A TLS record failure as -EPROTO and a sentence. */
static int tls_io_failed(struct tls_client *c, int gerr, const char *doing)
{
        return sockio_fail(c->io, -EPROTO, "The TLS connection with %s failed while %s: %.*s.", c->io->peer, doing,
                           GTLS(gerr));
}

/* gnutls_record_send() until done, waiting in the direction GnuTLS needs. */
int tls_client_send_all(struct tls_client *c, const char *p, size_t n)
{
        ssize_t r;
        int w;

        while (n > 0) {
                r = gnutls_record_send(c->s, p, n);
                if (r >= 0) {
                        p += r;
                        n -= (size_t)r;
                        continue;
                }
                if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED)
                        return tls_io_failed(c, (int)r, "sending the request");
                /* GnuTLS wants the same arguments again */
                w = sockio_wait(c->io, gnutls_record_get_direction(c->s) ? POLLOUT : POLLIN);
                if (w < 0)
                        return sockio_io_failed(c->io, w, "sending the request");
        }
        return 0;
}

/* A TLS record read: bytes, 0 at the end, or a negative result.  Handles
 * the server's renegotiation (Windows asks for a client certificate that
 * way) and TLS 1.3 reauthentication; an end without close_notify is an
 * end (the HTTP framing tells a short reply). */
ssize_t tls_client_recv(struct tls_client *c, char *p, size_t n)
{
        unsigned soft = 0;
        ssize_t r;
        int w, gerr = 0;

        for (;;) {
                r = gnutls_record_recv(c->s, p, n);
                if (r >= 0)
                        return r;
                if (r == GNUTLS_E_PREMATURE_TERMINATION)
                        return 0;
                if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
                        w = sockio_wait(c->io, gnutls_record_get_direction(c->s) ? POLLOUT : POLLIN);
                        if (w < 0)
                                return sockio_io_failed(c->io, w, "reading the reply");
                        continue;
                }
                if (r == GNUTLS_E_REHANDSHAKE || r == GNUTLS_E_REAUTH_REQUEST) {
                        if (c->renegotiations++ >= RENEGOTIATIONS)
                                return sockio_fail(c->io, -EPROTO, "The server %s renegotiates TLS over and over.",
                                                   c->io->peer);
                        w = tls_run(c, r == GNUTLS_E_REHANDSHAKE ? gnutls_handshake : reauth, &gerr);
                        if (w == -EPROTO)
                                return tls_failed(c, "renegotiation", gerr);
                        if (w < 0)
                                return sockio_io_failed(c->io, w, "reading the reply");
                        continue;
                }
                if (gnutls_error_is_fatal((int)r) || ++soft > TLS_RETRIES)
                        return tls_io_failed(c, (int)r, "reading the reply");
        }
}

/* gnutls_bye() without waiting for the peer's, then the session and the
 * credentials freed. */
void tls_client_close(struct tls_client *c, bool polite)
{
        if (c->s) {
                if (polite)
                        (void)gnutls_bye(c->s, GNUTLS_SHUT_WR);
                gnutls_deinit(c->s);
                c->s = NULL;
        }
        if (c->creds)
                gnutls_certificate_free_credentials(c->creds);
        c->creds = NULL;
}
