/* transport.c - one WS-Man exchange for the winrm command (transport.h).
 *
 * Shape: straight-line code over a non-blocking socket.  Every wait is a
 * poll() bounded by one deadline taken when the call starts, so the time-out
 * covers connecting, the TLS handshake, sending and the whole reply (name
 * resolution excepted: getaddrinfo() has no time-out).  GnuTLS runs on the
 * socket itself; its "try again" results are waited out the same way, in
 * the direction GnuTLS says it needs.
 *
 * The server certificate is checked after the handshake and before any byte
 * of the request (which may carry a password) is sent: first the chain
 * against the trusted CAs (unless -skipCAcheck), then the host name (unless
 * -skipCNcheck), so that the error can say which of the two failed.
 *
 * The reply is read by a small parser of our own: the status line, the
 * headers this client needs (Content-Length, Transfer-Encoding,
 * WWW-Authenticate), then a body framed by its length, by chunks, or by the
 * end of the connection.  Interim 1xx replies are skipped.  The head and
 * the body are capped; a reply that ends early is an error, never a short
 * body. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "transport.h"

#ifndef WINRMD_VERSION
#define WINRMD_VERSION "unknown"
#endif

#define HEAD_MAX (64 * 1024)            /* the reply's status line and headers */
#define BODY_MAX (64 * 1024 * 1024)     /* the reply's body */
#define TRAILER_MAX (8 * 1024)          /* a chunked body's trailer section */
#define IO_CHUNK 16384
#define TLS_RETRIES 16                  /* non-fatal TLS results in a row */
#define RENEGOTIATIONS 2                /* server-asked handshakes per exchange */

#define MUTUAL_AUTH "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual"

/* TLS 1.2 and 1.3 only; otherwise GnuTLS's usual choice, to talk to any
 * WinRM service. */
static const char tls_priorities[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";

struct buf {
        char *p;
        size_t len, cap;
};

/* One exchange. */
struct xfer {
        const struct wsman_target *t;
        int fd;
        gnutls_session_t tls;
        gnutls_certificate_credentials_t creds;
        int64_t deadline;           /* CLOCK_MONOTONIC ms; -1: none */
        unsigned renegotiations;
        char peer[INET6_ADDRSTRLEN + 64];   /* "ADDRESS port N", or the socket path */
        char *err;
        size_t err_len;
};

enum framing { BY_NOTHING, BY_LENGTH, BY_CHUNKS, BY_CLOSE };
enum chunk_state { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER, CH_DONE };

/* The reply being read. */
struct reader {
        struct buf head;            /* bytes of the head (and what followed it) */
        size_t scanned;             /* head bytes searched for the blank line */
        bool in_body;
        int status;
        enum framing framing;
        uint64_t left;              /* BY_LENGTH: body bytes still to come */
        enum chunk_state ch;
        uint64_t ch_size;
        bool ch_digits;
        size_t ch_line;             /* bytes in the current trailer line */
        size_t ch_trailer;          /* trailer bytes so far */
        struct buf body;
        struct buf schemes;
};

static int fail(struct xfer *x, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes the one-line reason into the caller's err; returns r. */
static int fail(struct xfer *x, int r, const char *fmt, ...)
{
        va_list ap;

        if (x->err && x->err_len) {
                va_start(ap, fmt);
                vsnprintf(x->err, x->err_len, fmt, ap);
                va_end(ap);
        }
        return r;
}

/* --- buffers ------------------------------------------------------------- */

/* Room for n more bytes and a NUL, the whole kept under max bytes. */
static int buf_reserve(struct buf *b, size_t n, size_t max)
{
        size_t cap;
        char *p;

        if (n > max || b->len > max - n)
                return -E2BIG;
        if (b->len + n + 1 <= b->cap)
                return 0;
        cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
                cap *= 2;
        p = realloc(b->p, cap);
        if (!p)
                return -ENOMEM;
        b->p = p;
        b->cap = cap;
        return 0;
}

static int buf_add(struct buf *b, const void *p, size_t n, size_t max)
{
        int r = buf_reserve(b, n, max);

        if (r < 0)
                return r;
        memcpy(b->p + b->len, p, n);
        b->len += n;
        b->p[b->len] = '\0';
        return 0;
}

static int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int buf_addf(struct buf *b, const char *fmt, ...)
{
        va_list ap;
        int n, r;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        r = buf_reserve(b, (size_t)n, SIZE_MAX / 2);
        if (r < 0)
                return r;
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
        return 0;
}

/* Frees b, first wiping it (it may hold credentials). */
static void buf_wipe(struct buf *b)
{
        if (b->p)
                explicit_bzero(b->p, b->cap);
        free(b->p);
        b->p = NULL;
        b->len = b->cap = 0;
}

/* --- time ---------------------------------------------------------------- */

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left for poll(): -1 without a deadline, 0 once it has passed. */
static int time_left(const struct xfer *x)
{
        int64_t left;

        if (x->deadline < 0)
                return -1;
        left = x->deadline - now_ms();
        if (left <= 0)
                return 0;
        return left > INT_MAX ? INT_MAX : (int)left;
}

/* Waits until the socket is ready for events (or has an error to report);
 * -ETIMEDOUT at the deadline. */
static int wait_fd(struct xfer *x, short events)
{
        struct pollfd p = { .fd = x->fd, .events = events };
        int ms, r;

        for (;;) {
                ms = time_left(x);
                if (ms == 0)
                        return -ETIMEDOUT;
                r = poll(&p, 1, ms);
                if (r > 0)
                        return 0;
                if (r == 0)
                        return -ETIMEDOUT;
                if (errno != EINTR)
                        return -errno;
        }
}

static int timed_out(struct xfer *x)
{
        return fail(x, -ETIMEDOUT, "Timed out after %ld ms waiting for %s.", x->t->timeout_ms, x->peer);
}

/* --- connecting ---------------------------------------------------------- */

static int connect_unix(struct xfer *x)
{
        const char *path = x->t->socket_path;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t n = strlen(path);
        int ms = time_left(x);
        struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

        snprintf(x->peer, sizeof(x->peer), "%s", path);
        if (n == 0 || n >= sizeof(sa.sun_path))
                return fail(x, -ENAMETOOLONG, "The socket path is empty or too long (%s).", path);
        memcpy(sa.sun_path, path, n);
        if (ms == 0)
                return timed_out(x);
        x->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (x->fd < 0)
                return fail(x, -errno, "%s (%s)", strerror(errno), path);
        /* a local connect waits only when the agent's backlog is full */
        if (ms > 0 && setsockopt(x->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
                return fail(x, -errno, "%s (%s)", strerror(errno), path);
        if (connect(x->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                if (errno == EAGAIN || errno == EINPROGRESS || errno == ETIMEDOUT)
                        return timed_out(x);
                return fail(x, -errno, "%s (%s)", strerror(errno), path);
        }
        if (fcntl(x->fd, F_SETFL, O_NONBLOCK) < 0)
                return fail(x, -errno, "%s (%s)", strerror(errno), path);
        return 0;
}

/* Names ai in x->peer as "ADDRESS port N". */
static void name_peer(struct xfer *x, const struct addrinfo *ai)
{
        char a[INET6_ADDRSTRLEN + 16];

        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, a, sizeof(a), NULL, 0, NI_NUMERICHOST) != 0)
                snprintf(a, sizeof(a), "%s", "?");
        snprintf(x->peer, sizeof(x->peer), "%s port %d", a, x->t->port);
}

/* A non-blocking connect to one address: 0 or -errno (x->fd left open). */
static int connect_addr(struct xfer *x, const struct addrinfo *ai)
{
        socklen_t sl = sizeof(int);
        int e = 0, r;

        x->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (x->fd < 0)
                return -errno;
        if (connect(x->fd, ai->ai_addr, ai->ai_addrlen) == 0)
                return 0;
        if (errno != EINPROGRESS && errno != EINTR)
                return -errno;
        r = wait_fd(x, POLLOUT);
        if (r < 0)
                return r;
        if (getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &e, &sl) < 0)
                return -errno;
        return -e;
}

static void close_fd(struct xfer *x)
{
        if (x->fd >= 0)
                close(x->fd);
        x->fd = -1;
}

/* getaddrinfo()'s failure as -errno and a sentence. */
static int resolve_failed(struct xfer *x, int e)
{
        int r = -ENXIO;

        if (e == EAI_AGAIN)
                r = -EAGAIN;
        else if (e == EAI_MEMORY)
                r = -ENOMEM;
        else if (e == EAI_SYSTEM)
                r = errno ? -errno : -EIO;
        return fail(x, r, "The name %s does not resolve: %s.", x->t->host,
                    e == EAI_SYSTEM ? strerror(-r) : gai_strerror(e));
}

/* Tries each address of host:port in turn; the last failure is reported. */
static int connect_tcp(struct xfer *x)
{
        struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                                  .ai_flags = AI_NUMERICSERV };
        struct addrinfo *res, *ai;
        char port[16];
        int r;

        snprintf(port, sizeof(port), "%d", x->t->port);
        snprintf(x->peer, sizeof(x->peer), "%s port %d", x->t->host, x->t->port);
        errno = 0;
        r = getaddrinfo(x->t->host, port, &hints, &res);
        if (r != 0)
                return resolve_failed(x, r);
        r = -EHOSTUNREACH;
        for (ai = res; ai; ai = ai->ai_next) {
                name_peer(x, ai);
                r = connect_addr(x, ai);
                if (r == 0)
                        break;
                close_fd(x);
                if (r == -ETIMEDOUT)
                        break;
        }
        freeaddrinfo(res);
        if (r == -ETIMEDOUT)
                return timed_out(x);
        if (r < 0)
                return fail(x, r, "%s (%s)", strerror(-r), x->peer);
        return 0;
}

/* --- TLS ----------------------------------------------------------------- */

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
static int check_readable(struct xfer *x, const char *what, const char *path)
{
        if (!path || !*path)
                return fail(x, -EINVAL, "No %s was given.", what);
        if (access(path, R_OK) < 0)
                return fail(x, -errno, "%s (%s)", strerror(errno), path);
        return 0;
}

/* The trusted CAs and the client certificate, before any connection. */
static int tls_load(struct xfer *x)
{
        const struct wsman_target *t = x->t;
        int r;

        if (gnutls_certificate_allocate_credentials(&x->creds) < 0)
                return fail(x, -ENOMEM, "Out of memory.");
        if (t->ca_file) {
                if ((r = check_readable(x, "CA file", t->ca_file)) < 0)
                        return r;
                r = gnutls_certificate_set_x509_trust_file(x->creds, t->ca_file, GNUTLS_X509_FMT_PEM);
                if (r < 0)
                        return fail(x, -EINVAL, "Cannot read the CA certificates in %s: %.*s.", t->ca_file,
                                    GTLS(r));
                if (r == 0)
                        return fail(x, -EINVAL, "%s holds no CA certificate.", t->ca_file);
        } else if (!t->skip_ca) {
                r = gnutls_certificate_set_x509_system_trust(x->creds);
                if (r < 0)
                        return fail(x, -EIO, "Cannot load the system's trusted CA certificates: %.*s.",
                                    GTLS(r));
        }
        if (t->auth != WSMAN_AUTH_CERTIFICATE)
                return 0;
        if ((r = check_readable(x, "client certificate", t->cert_file)) < 0 ||
            (r = check_readable(x, "client certificate key", t->key_file)) < 0)
                return r;
        r = gnutls_certificate_set_x509_key_file2(x->creds, t->cert_file, t->key_file, GNUTLS_X509_FMT_PEM,
                                                  NULL, 0);
        if (r == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
                return fail(x, -EINVAL, "The key %s does not match the certificate %s.", t->key_file,
                            t->cert_file);
        if (r < 0)
                return fail(x, -EINVAL, "Cannot load the client certificate %s with its key %s: %.*s.",
                            t->cert_file, t->key_file, GTLS(r));
        return 0;
}

static int reauth(gnutls_session_t s)
{
        return gnutls_reauth(s, 0);
}

/* Runs a TLS step (handshake, reauthentication) to its end, waiting out
 * GNUTLS_E_AGAIN.  -EPROTO with *gerr set on a TLS failure. */
static int tls_run(struct xfer *x, int (*step)(gnutls_session_t), int *gerr)
{
        unsigned soft = 0;
        int r;

        for (;;) {
                r = step(x->tls);
                if (r >= 0)
                        return 0;
                if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
                        r = wait_fd(x, gnutls_record_get_direction(x->tls) ? POLLOUT : POLLIN);
                        if (r < 0)
                                return r;
                } else if (gnutls_error_is_fatal(r) || ++soft > TLS_RETRIES) {
                        *gerr = r;
                        return -EPROTO;
                }
        }
}

/* A TLS failure as a sentence: the server's alert when it sent one. */
static int tls_failed(struct xfer *x, const char *when, int gerr)
{
        const char *hint = "";

        if (gerr == GNUTLS_E_FATAL_ALERT_RECEIVED) {
                const char *alert = gnutls_alert_get_name(gnutls_alert_get(x->tls));
                return fail(x, -EPROTO, "The TLS %s with %s failed: the server sent the alert \"%s\".", when,
                            x->peer, alert ? alert : "?");
        }
        if (gerr == GNUTLS_E_UNEXPECTED_PACKET_LENGTH || gerr == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ||
            gerr == GNUTLS_E_UNEXPECTED_PACKET)
                hint = " (is it a plain HTTP listener?)";
        return fail(x, -EPROTO, "The TLS %s with %s failed: %.*s%s.", when, x->peer, GTLS(gerr), hint);
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
static int check_name(struct xfer *x, const gnutls_datum_t *der, char *names, size_t size)
{
        gnutls_x509_crt_t crt;
        int ok;

        if (gnutls_x509_crt_init(&crt) < 0)
                return -ENOMEM;
        if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
                gnutls_x509_crt_deinit(crt);
                return -EPROTO;
        }
        ok = gnutls_x509_crt_check_hostname2(crt, x->t->host, 0);
        if (!ok)
                cert_names(crt, names, size);
        gnutls_x509_crt_deinit(crt);
        return ok ? 0 : -EPERM;
}

/* The chain, then the name, as the skip flags allow. */
static int tls_verify(struct xfer *x)
{
        const gnutls_datum_t *certs;
        unsigned n = 0, status = 0;
        char names[256];
        int r;

        if (x->t->skip_ca && x->t->skip_cn)
                return 0;
        certs = gnutls_certificate_get_peers(x->tls, &n);
        if (!certs || n == 0)
                return fail(x, -EPERM, "The server %s sent no certificate.", x->peer);
        if (!x->t->skip_ca) {
                r = gnutls_certificate_verify_peers2(x->tls, &status);
                if (r < 0)
                        return fail(x, -EPERM, "The server certificate cannot be verified: %.*s.",
                                    GTLS(r));
                if (status)
                        return fail(x, -EPERM, "The server certificate is not trusted: %s "
                                    "(use -skipCAcheck to accept it).", untrusted_reason(status));
        }
        if (x->t->skip_cn)
                return 0;
        r = check_name(x, &certs[0], names, sizeof(names));
        if (r == -EPERM)
                return fail(x, r, "The server certificate does not name %s (it is for %s; "
                            "use -skipCNcheck to accept it).", x->t->host, names);
        if (r < 0)
                return fail(x, r, "The server certificate cannot be read.");
        return 0;
}

static int tls_start(struct xfer *x)
{
        unsigned flags = GNUTLS_CLIENT | GNUTLS_NO_SIGNAL;
        int r, gerr = 0;

        /* TLS 1.3 servers may ask for the certificate after the handshake */
        if (x->t->auth == WSMAN_AUTH_CERTIFICATE)
                flags |= GNUTLS_POST_HANDSHAKE_AUTH;
        if (gnutls_init(&x->tls, flags) < 0) {
                x->tls = NULL;
                return fail(x, -ENOMEM, "Out of memory.");
        }
        if ((r = gnutls_priority_set_direct(x->tls, tls_priorities, NULL)) < 0 ||
            (r = gnutls_credentials_set(x->tls, GNUTLS_CRD_CERTIFICATE, x->creds)) < 0 ||
            (!host_is_address(x->t->host) &&
             (r = gnutls_server_name_set(x->tls, GNUTLS_NAME_DNS, x->t->host, strlen(x->t->host))) < 0))
                return fail(x, -EINVAL, "Cannot set up TLS: %.*s.", GTLS(r));
        gnutls_transport_set_int(x->tls, x->fd);
        r = tls_run(x, gnutls_handshake, &gerr);
        if (r == -ETIMEDOUT)
                return timed_out(x);
        if (r == -EPROTO)
                return tls_failed(x, "handshake", gerr);
        if (r < 0)
                return fail(x, r, "%s (%s)", strerror(-r), x->peer);
        return tls_verify(x);
}

/* --- sending and receiving ----------------------------------------------- */

/* An I/O failure as a sentence; doing is "sending the request" or
 * "reading the reply". */
static int io_failed(struct xfer *x, int r, const char *doing)
{
        if (r == -ETIMEDOUT)
                return timed_out(x);
        return fail(x, r, "%s (%s, %s)", strerror(-r), x->peer, doing);
}

/* A TLS record failure as -EPROTO and a sentence. */
static int tls_io_failed(struct xfer *x, int gerr, const char *doing)
{
        return fail(x, -EPROTO, "The TLS connection with %s failed while %s: %.*s.", x->peer, doing,
                    GTLS(gerr));
}

static int tls_send_all(struct xfer *x, const char *p, size_t n)
{
        ssize_t r;
        int w;

        while (n > 0) {
                r = gnutls_record_send(x->tls, p, n);
                if (r >= 0) {
                        p += r;
                        n -= (size_t)r;
                        continue;
                }
                if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED)
                        return tls_io_failed(x, (int)r, "sending the request");
                /* GnuTLS wants the same arguments again */
                w = wait_fd(x, gnutls_record_get_direction(x->tls) ? POLLOUT : POLLIN);
                if (w < 0)
                        return io_failed(x, w, "sending the request");
        }
        return 0;
}

static int send_all(struct xfer *x, const char *p, size_t n)
{
        ssize_t r;
        int w;

        if (x->tls)
                return tls_send_all(x, p, n);
        while (n > 0) {
                r = send(x->fd, p, n, MSG_NOSIGNAL);
                if (r >= 0) {
                        p += r;
                        n -= (size_t)r;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                        return io_failed(x, -errno, "sending the request");
                w = wait_fd(x, POLLOUT);
                if (w < 0)
                        return io_failed(x, w, "sending the request");
        }
        return 0;
}

/* A TLS record read: bytes, 0 at the end, or a negative result.  Handles
 * the server's renegotiation (Windows asks for a client certificate that
 * way) and TLS 1.3 reauthentication; an end without close_notify is an
 * end (the HTTP framing tells a short reply). */
static ssize_t tls_recv(struct xfer *x, char *p, size_t n)
{
        unsigned soft = 0;
        ssize_t r;
        int w, gerr = 0;

        for (;;) {
                r = gnutls_record_recv(x->tls, p, n);
                if (r >= 0)
                        return r;
                if (r == GNUTLS_E_PREMATURE_TERMINATION)
                        return 0;
                if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
                        w = wait_fd(x, gnutls_record_get_direction(x->tls) ? POLLOUT : POLLIN);
                        if (w < 0)
                                return io_failed(x, w, "reading the reply");
                        continue;
                }
                if (r == GNUTLS_E_REHANDSHAKE || r == GNUTLS_E_REAUTH_REQUEST) {
                        if (x->renegotiations++ >= RENEGOTIATIONS)
                                return fail(x, -EPROTO, "The server %s renegotiates TLS over and over.",
                                            x->peer);
                        w = tls_run(x, r == GNUTLS_E_REHANDSHAKE ? gnutls_handshake : reauth, &gerr);
                        if (w == -EPROTO)
                                return tls_failed(x, "renegotiation", gerr);
                        if (w < 0)
                                return io_failed(x, w, "reading the reply");
                        continue;
                }
                if (gnutls_error_is_fatal((int)r) || ++soft > TLS_RETRIES)
                        return tls_io_failed(x, (int)r, "reading the reply");
        }
}

/* Reads what is there: bytes, 0 at the end of the stream, or -errno (err set). */
static ssize_t recv_some(struct xfer *x, char *p, size_t n)
{
        ssize_t r;
        int w;

        if (x->tls)
                return tls_recv(x, p, n);
        for (;;) {
                r = recv(x->fd, p, n, 0);
                if (r >= 0)
                        return r;
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                        return io_failed(x, -errno, "reading the reply");
                w = wait_fd(x, POLLIN);
                if (w < 0)
                        return io_failed(x, w, "reading the reply");
        }
}

/* --- the request --------------------------------------------------------- */

/* Whether s may go into a header line (no line breaks). */
static bool header_safe(const char *s)
{
        return s && !strpbrk(s, "\r\n");
}

/* Standard base64 of p[0..n) appended to b. */
static int base64_add(struct buf *b, const unsigned char *p, size_t n)
{
        static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char q[4];
        size_t i;
        int r;

        for (i = 0; i < n; i += 3) {
                uint32_t v = (uint32_t)p[i] << 16;

                if (i + 1 < n)
                        v |= (uint32_t)p[i + 1] << 8;
                if (i + 2 < n)
                        v |= p[i + 2];
                q[0] = a[v >> 18 & 63];
                q[1] = a[v >> 12 & 63];
                q[2] = i + 1 < n ? a[v >> 6 & 63] : '=';
                q[3] = i + 2 < n ? a[v & 63] : '=';
                if ((r = buf_add(b, q, 4, SIZE_MAX / 2)) < 0)
                        return r;
        }
        return 0;
}

/* "Authorization: Basic base64(user:password)\r\n" appended to b. */
static int add_basic(struct xfer *x, struct buf *b)
{
        struct buf pair = { 0 };
        int r;

        if (!x->t->user || !*x->t->user)
                return fail(x, -EINVAL, "Basic authentication needs a user name.");
        if (strchr(x->t->user, ':'))
                return fail(x, -EINVAL, "A user name for Basic authentication cannot contain ':'.");
        if (!header_safe(x->t->user))
                return fail(x, -EINVAL, "The user name contains a line break.");
        r = buf_addf(&pair, "%s:%s", x->t->user, x->t->password ? x->t->password : "");
        if (r == 0)
                r = buf_addf(b, "Authorization: Basic ");
        if (r == 0)
                r = base64_add(b, (const unsigned char *)pair.p, pair.len);
        if (r == 0)
                r = buf_addf(b, "\r\n");
        buf_wipe(&pair);
        return r < 0 ? fail(x, r, "Out of memory.") : 0;
}

/* The Host header's value: host[:port], an IPv6 address in brackets (with
 * a zone's '%' written %25). */
static int add_host(const struct wsman_target *t, struct buf *b)
{
        bool v6 = strchr(t->host, ':') != NULL;
        const char *zone = v6 ? strchr(t->host, '%') : NULL;
        int r;

        if (zone)
                r = buf_addf(b, "Host: [%.*s%%25%s]", (int)(zone - t->host), t->host, zone + 1);
        else
                r = buf_addf(b, v6 ? "Host: [%s]" : "Host: %s", t->host);
        if (r == 0 && t->port != (t->https ? 443 : 80))
                r = buf_addf(b, ":%d", t->port);
        return r < 0 ? r : buf_addf(b, "\r\n");
}

/* The request checked and built: head, then body, in one buffer (one write
 * rather than two, which Nagle's algorithm would delay). */
static int build_request(struct xfer *x, const char *body, size_t len, struct buf *b)
{
        const struct wsman_target *t = x->t;
        const char *path = t->path && *t->path ? t->path : "/wsman";
        int r;

        if (!header_safe(path) || path[0] != '/' || strchr(path, ' '))
                return fail(x, -EINVAL, "The path %s is not valid.", path);
        r = buf_addf(b, "POST %s HTTP/1.1\r\n", path);
        if (r == 0 && t->socket_path)
                r = buf_addf(b, "Host: localhost\r\n");
        else if (r == 0)
                r = add_host(t, b);
        if (r == 0)
                r = buf_addf(b, "User-Agent: winrm (winrmd %s)\r\n"
                             "Content-Type: application/soap+xml;charset=UTF-8\r\n"
                             "Content-Length: %zu\r\n"
                             "Connection: close\r\n", WINRMD_VERSION, len);
        if (r == 0 && !t->socket_path && t->auth == WSMAN_AUTH_BASIC && (r = add_basic(x, b)) < 0)
                return r;
        if (r == 0 && !t->socket_path && t->auth == WSMAN_AUTH_CERTIFICATE)
                r = buf_addf(b, "Authorization: " MUTUAL_AUTH "\r\n");
        if (r == 0 && t->identify_anonymous)
                r = buf_addf(b, "WSMANIDENTIFY: unauthenticated\r\n");
        if (r == 0)
                r = buf_addf(b, "\r\n");
        if (r == 0)
                r = buf_add(b, body, len, SIZE_MAX / 2);
        return r < 0 ? fail(x, r, "Out of memory.") : 0;
}

/* --- the reply ----------------------------------------------------------- */

static bool is_ows(char c)
{
        return c == ' ' || c == '\t';
}

/* [*p, end) trimmed of optional white space on both sides. */
static void trim(const char **p, const char **end)
{
        while (*p < *end && is_ows(**p))
                (*p)++;
        while (*end > *p && (is_ows((*end)[-1]) || (*end)[-1] == '\r'))
                (*end)--;
}

static bool is_tchar(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Adds a scheme to the reply's ", "-joined list unless it is there. */
static int add_scheme(struct reader *rd, const char *s, size_t n)
{
        const char *p = rd->schemes.p;
        int r;

        while (p && *p) {
                size_t k = strcspn(p, ",");
                if (k == n && strncasecmp(p, s, n) == 0)
                        return 0;
                p += k;
                p += strspn(p, ", ");
        }
        if (rd->schemes.len && (r = buf_add(&rd->schemes, ", ", 2, HEAD_MAX)) < 0)
                return r;
        return buf_add(&rd->schemes, s, n, HEAD_MAX);
}

/* The schemes of a WWW-Authenticate value: each comma-separated element
 * that starts with a token not followed by '=' opens a challenge (the
 * others are its parameters); quoted strings are skipped whole. */
static int auth_schemes(struct reader *rd, const char *p, const char *end)
{
        int r;

        while (p < end) {
                const char *tok;

                while (p < end && (is_ows(*p) || *p == ','))
                        p++;
                tok = p;
                while (p < end && is_tchar(*p))
                        p++;
                if (p > tok && (p == end || is_ows(*p) || *p == ',')) {
                        const char *q = p;
                        while (q < end && is_ows(*q))
                                q++;
                        if ((q == end || *q != '=') && (r = add_scheme(rd, tok, (size_t)(p - tok))) < 0)
                                return r;
                }
                /* on to the next comma outside quotes */
                while (p < end && *p != ',') {
                        if (*p++ != '"')
                                continue;
                        while (p < end && *p != '"')
                                p += *p == '\\' && p + 1 < end ? 2 : 1;
                        if (p < end)
                                p++;
                }
        }
        return 0;
}

/* Content-Length's value: digits only, within the body cap. */
static int parse_length(struct xfer *x, const char *p, const char *end, uint64_t *ret)
{
        uint64_t v = 0;

        if (p == end)
                return fail(x, -EPROTO, "The server's reply has an empty Content-Length.");
        for (; p < end; p++) {
                if (*p < '0' || *p > '9')
                        return fail(x, -EPROTO, "The server's reply has a malformed Content-Length.");
                v = v * 10 + (uint64_t)(*p - '0');
                if (v > BODY_MAX)
                        return fail(x, -E2BIG, "The server's reply is larger than %d MiB.",
                                    BODY_MAX / (1024 * 1024));
        }
        *ret = v;
        return 0;
}

/* Whether a Transfer-Encoding value ends with the chunked coding. */
static bool ends_chunked(const char *p, const char *end)
{
        const char *last = end;

        while (last > p && last[-1] != ',')
                last--;
        trim(&last, &end);
        return end - last == 7 && strncasecmp(last, "chunked", 7) == 0;
}

/* The status line "HTTP/1.x NNN reason". */
static int parse_status(struct xfer *x, struct reader *rd, const char *p, const char *end)
{
        int st;

        if (end - p < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' || p[7] > '9' || p[8] != ' ' ||
            p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9' ||
            (end - p > 12 && p[12] != ' ' && p[12] != '\r'))
                return fail(x, -EPROTO, "The server's reply is not HTTP/1.x (its status line is malformed).");
        st = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
        rd->status = st;
        return 0;
}

/* One header line [p, end) without its LF. */
static int parse_header(struct xfer *x, struct reader *rd, const char *p, const char *end, bool *te,
                        bool *cl, uint64_t *clen)
{
        const char *colon = memchr(p, ':', (size_t)(end - p)), *v, *n;
        uint64_t len = 0;
        int r;

        if (p < end && is_ows(*p))
                return 0;           /* obsolete folding: a continuation we need not read */
        for (n = p; n < (colon ? colon : end) && is_tchar(*n); n++)
                ;
        if (!colon || colon == p || n != colon)
                return fail(x, -EPROTO, "The server's reply has a malformed header line.");
        v = colon + 1;
        trim(&v, &end);
        if (colon - p == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
                if ((r = parse_length(x, v, end, &len)) < 0)
                        return r;
                if (*cl && len != *clen)
                        return fail(x, -EPROTO, "The server's reply has two different Content-Length values.");
                *cl = true;
                *clen = len;
        } else if (colon - p == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0) {
                *te = true;
                rd->framing = ends_chunked(v, end) ? BY_CHUNKS : BY_CLOSE;
        } else if (colon - p == 16 && strncasecmp(p, "WWW-Authenticate", 16) == 0) {
                if (auth_schemes(rd, v, end) < 0)
                        return fail(x, -ENOMEM, "Out of memory.");
        }
        return 0;
}

/* The head [p, end) (blank line excluded): status, framing, schemes. */
static int parse_head(struct xfer *x, struct reader *rd, const char *p, const char *end)
{
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        bool te = false, cl = false;
        uint64_t clen = 0;
        int r;

        if ((r = parse_status(x, rd, p, eol ? eol : end)) < 0)
                return r;
        rd->framing = BY_CLOSE;
        for (p = eol ? eol + 1 : end; p < end; p = eol + 1) {
                eol = memchr(p, '\n', (size_t)(end - p));
                if (!eol)
                        eol = end;
                if (eol == p || (eol == p + 1 && *p == '\r'))
                        break;      /* the blank line */
                if ((r = parse_header(x, rd, p, eol, &te, &cl, &clen)) < 0)
                        return r;
        }
        if (rd->status == 204 || rd->status == 304 || rd->status < 200)
                rd->framing = BY_NOTHING;
        else if (!te && cl) {
                rd->framing = clen ? BY_LENGTH : BY_NOTHING;
                rd->left = clen;
        }
        return 0;
}

static int body_add(struct xfer *x, struct reader *rd, const char *p, size_t n)
{
        int r = buf_add(&rd->body, p, n, BODY_MAX);

        if (r == -E2BIG)
                return fail(x, r, "The server's reply is larger than %d MiB.", BODY_MAX / (1024 * 1024));
        return r < 0 ? fail(x, r, "Out of memory.") : 0;
}

static int bad_chunk(struct xfer *x)
{
        return fail(x, -EPROTO, "The server's reply has a malformed chunked body.");
}

static int hex_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        c = (char)(c | 0x20);
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The chunk-size line, one byte at a time (extensions are skipped). */
static int chunk_size_byte(struct xfer *x, struct reader *rd, char c)
{
        int h = hex_value(c);

        if (rd->ch == CH_SIZE && h >= 0) {
                rd->ch_size = rd->ch_size * 16 + (uint64_t)h;
                rd->ch_digits = true;
                return rd->ch_size > BODY_MAX ? fail(x, -E2BIG, "The server's reply is larger than %d MiB.",
                                                     BODY_MAX / (1024 * 1024)) : 0;
        }
        if (!rd->ch_digits)
                return bad_chunk(x);
        if (c == '\n') {
                rd->ch = rd->ch_size ? CH_DATA : CH_TRAILER;
                rd->ch_line = 0;
        } else if (rd->ch == CH_SIZE_LF) {
                return bad_chunk(x);
        } else if (c == '\r' && rd->ch == CH_SIZE) {
                rd->ch = CH_SIZE_LF;
        } else if (rd->ch == CH_SIZE && (c == ';' || is_ows(c))) {
                rd->ch = CH_EXT;
        } else if (rd->ch == CH_SIZE) {
                return bad_chunk(x);
        }
        return 0;
}

/* The trailer section, one byte at a time, up to its blank line. */
static int chunk_trailer_byte(struct xfer *x, struct reader *rd, char c)
{
        if (++rd->ch_trailer > TRAILER_MAX)
                return fail(x, -E2BIG, "The server's reply has a trailer section over %d bytes.", TRAILER_MAX);
        if (c == '\n') {
                if (rd->ch_line == 0)
                        rd->ch = CH_DONE;
                rd->ch_line = 0;
        } else if (c != '\r' || rd->ch_line) {
                rd->ch_line++;
        }
        return 0;
}

/* A chunked body's bytes: data is kept, framing checked.  *used: bytes
 * taken (they stop at the end of the body). */
static int chunk_feed(struct xfer *x, struct reader *rd, const char *p, size_t n, size_t *used)
{
        size_t i = 0, k;
        int r = 0;

        while (i < n && rd->ch != CH_DONE && r == 0) {
                switch (rd->ch) {
                case CH_DATA:
                        k = n - i < rd->ch_size ? n - i : (size_t)rd->ch_size;
                        r = body_add(x, rd, p + i, k);
                        i += k;
                        rd->ch_size -= k;
                        if (rd->ch_size == 0)
                                rd->ch = CH_DATA_CR;
                        continue;
                case CH_DATA_CR:
                case CH_DATA_LF:
                        if (p[i] == '\n')
                                rd->ch = CH_SIZE, rd->ch_digits = false;
                        else if (p[i] == '\r' && rd->ch == CH_DATA_CR)
                                rd->ch = CH_DATA_LF;
                        else
                                r = bad_chunk(x);
                        break;
                case CH_TRAILER:
                        r = chunk_trailer_byte(x, rd, p[i]);
                        break;
                case CH_EXT:
                        if (p[i] == '\n')
                                r = chunk_size_byte(x, rd, p[i]);
                        break;
                default:
                        r = chunk_size_byte(x, rd, p[i]);
                        break;
                }
                i++;
        }
        *used = i;
        return r;
}

/* Body bytes: 1 when the body is complete, 0 for more, or an error. */
static int body_feed(struct xfer *x, struct reader *rd, const char *p, size_t n)
{
        size_t used = 0;
        int r;

        switch (rd->framing) {
        case BY_NOTHING:
                return 1;
        case BY_LENGTH:
                if (n > rd->left)
                        n = (size_t)rd->left;
                if ((r = body_add(x, rd, p, n)) < 0)
                        return r;
                rd->left -= n;
                return rd->left == 0;
        case BY_CHUNKS:
                if ((r = chunk_feed(x, rd, p, n, &used)) < 0)
                        return r;
                return rd->ch == CH_DONE;
        default:
                return n ? body_add(x, rd, p, n) : 0;
        }
}

/* Where the head's blank line ends within rd->head, or 0 when not yet. */
static size_t head_end(struct reader *rd)
{
        const char *h = rd->head.p;
        size_t i;

        for (i = rd->scanned; i < rd->head.len; i++) {
                if (h[i] != '\n')
                        continue;
                if (i >= 1 && h[i - 1] == '\n')
                        return i + 1;
                if (i >= 2 && h[i - 1] == '\r' && h[i - 2] == '\n')
                        return i + 1;
        }
        rd->scanned = rd->head.len;
        return 0;
}

/* Fails early on a reply that cannot be HTTP, saying what it looks like. */
static int check_prefix(struct xfer *x, const struct reader *rd)
{
        const unsigned char *h = (const unsigned char *)rd->head.p;
        size_t n = rd->head.len < 5 ? rd->head.len : 5;

        if (memcmp(h, "HTTP/", n) == 0)
                return 0;
        if (rd->head.len >= 2 && (h[0] == 0x15 || h[0] == 0x16) && h[1] == 0x03)
                return fail(x, -EPROTO, "The server %s answered in TLS: use HTTPS.", x->peer);
        return fail(x, -EPROTO, "The server's reply is not HTTP.");
}

/* Head bytes, then body bytes: 1 when the reply is complete, 0 for more. */
static int reply_feed(struct xfer *x, struct reader *rd, const char *p, size_t n)
{
        size_t end;
        int r;

        if (rd->in_body)
                return body_feed(x, rd, p, n);
        if ((r = buf_add(&rd->head, p, n, HEAD_MAX + IO_CHUNK)) < 0)
                return fail(x, r, "Out of memory.");
        for (;;) {
                if ((r = check_prefix(x, rd)) < 0)
                        return r;
                end = head_end(rd);
                if (!end && rd->head.len <= HEAD_MAX)
                        return 0;
                if (!end || end > HEAD_MAX)
                        return fail(x, -E2BIG, "The server's reply head is larger than %d KiB.",
                                    HEAD_MAX / 1024);
                if ((r = parse_head(x, rd, rd->head.p, rd->head.p + end)) < 0)
                        return r;
                if (rd->status >= 200 || rd->status == 101)
                        break;
                /* an interim reply (100 Continue): the real one follows */
                memmove(rd->head.p, rd->head.p + end, rd->head.len - end);
                rd->head.len -= end;
                rd->scanned = 0;
                if (rd->head.len == 0)
                        return 0;
        }
        if (rd->status == 101)
                return fail(x, -EPROTO, "The server switched protocols (101), which this client does not do.");
        rd->in_body = true;
        return body_feed(x, rd, rd->head.p + end, rd->head.len - end);
}

/* The end of the stream: a complete reply only when framed by it. */
static int reply_eof(struct xfer *x, struct reader *rd)
{
        if (rd->in_body && rd->framing == BY_CLOSE)
                return 1;
        if (!rd->in_body && rd->head.len == 0 && rd->status == 0)
                return fail(x, -EPROTO, "The server %s closed the connection without replying.", x->peer);
        return fail(x, -EPROTO, "The server closed the connection in the middle of its reply.");
}

static int read_reply(struct xfer *x, struct reader *rd)
{
        char in[IO_CHUNK];
        ssize_t n;
        int r;

        do {
                /* a server that never lets the socket run dry is bounded too */
                if (time_left(x) == 0)
                        return timed_out(x);
                n = recv_some(x, in, sizeof(in));
                if (n < 0)
                        return (int)n;
                r = n ? reply_feed(x, rd, in, (size_t)n) : reply_eof(x, rd);
        } while (r == 0);
        return r < 0 ? r : 0;
}

/* Hands the reply over to out (the reader keeps nothing). */
static int reply_take(struct xfer *x, struct reader *rd, struct wsman_reply *out)
{
        if ((!rd->body.p && buf_reserve(&rd->body, 0, BODY_MAX) < 0) ||
            (!rd->schemes.p && buf_reserve(&rd->schemes, 0, HEAD_MAX) < 0))
                return fail(x, -ENOMEM, "Out of memory.");
        rd->body.p[rd->body.len] = '\0';
        rd->schemes.p[rd->schemes.len] = '\0';
        out->status = rd->status;
        out->body = rd->body.p;
        out->len = rd->body.len;
        out->schemes = rd->schemes.p;
        rd->body.p = rd->schemes.p = NULL;
        return 0;
}

/* --- the exchange -------------------------------------------------------- */

/* What is wrong with t before any connection, or 0. */
static int check_target(struct xfer *x)
{
        const struct wsman_target *t = x->t;

        if (t->socket_path)
                return 0;
        if (!t->host || !*t->host || !header_safe(t->host) || strchr(t->host, ' ') || strchr(t->host, '/'))
                return fail(x, -EINVAL, "The host name \"%s\" is not valid.", t->host ? t->host : "");
        if (t->port < 1 || t->port > 65535)
                return fail(x, -EINVAL, "The port %d is not valid.", t->port);
        if (t->auth == WSMAN_AUTH_CERTIFICATE && !t->https)
                return fail(x, -EINVAL, "Certificate authentication needs HTTPS.");
        return 0;
}

static int connect_and_send(struct xfer *x, const struct buf *req)
{
        int r;

        if (x->t->socket_path)
                r = connect_unix(x);
        else
                r = connect_tcp(x);
        if (r == 0 && x->creds)
                r = tls_start(x);
        return r < 0 ? r : send_all(x, req->p, req->len);
}

static void xfer_close(struct xfer *x, bool polite)
{
        if (x->tls) {
                /* one try at close_notify, never waiting for it */
                if (polite)
                        (void)gnutls_bye(x->tls, GNUTLS_SHUT_WR);
                gnutls_deinit(x->tls);
        }
        if (x->creds)
                gnutls_certificate_free_credentials(x->creds);
        close_fd(x);
}

int wsman_post(const struct wsman_target *t, const char *body, size_t len, struct wsman_reply *out,
               char *err, size_t err_len)
{
        struct xfer x = { .t = t, .fd = -1, .deadline = -1, .err = err, .err_len = err_len };
        struct reader rd = { .ch = CH_SIZE };
        struct buf req = { 0 };
        int r, sent;

        memset(out, 0, sizeof(*out));
        if (err && err_len)
                err[0] = '\0';
        if (t->timeout_ms > 0)
                x.deadline = now_ms() + t->timeout_ms;
        r = check_target(&x);
        if (r == 0)
                r = build_request(&x, body ? body : "", body ? len : 0, &req);
        if (r == 0 && !t->socket_path && t->https)
                r = tls_load(&x);
        if (r < 0)
                goto out;
        sent = connect_and_send(&x, &req);
        /* a server may answer (401, 413) and close before taking the whole
         * body: its reply, when there is one, says more than the failed send */
        if (sent < 0 && (x.fd < 0 || (sent != -EPIPE && sent != -ECONNRESET))) {
                r = sent;
                goto out;
        }
        r = read_reply(&x, &rd);
        if (r == 0)
                r = reply_take(&x, &rd, out);
        if (r == 0 && err && err_len)
                err[0] = '\0';     /* a failed send the reply made moot */
out:
        xfer_close(&x, r == 0);
        buf_wipe(&req);
        free(rd.head.p);
        free(rd.body.p);
        free(rd.schemes.p);
        return r;
}

void wsman_reply_free(struct wsman_reply *r)
{
        if (!r)
                return;
        free(r->body);
        free(r->schemes);
        r->body = r->schemes = NULL;
        r->len = 0;
}
