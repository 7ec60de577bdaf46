/* transport.c - one WS-Man exchange for the winrm command (transport.h):
 * the target checked, the request built (Host, Basic or the mutual-auth
 * header, the body), the connection made (the agent's control socket, or
 * TCP to each address of the host in turn), then the request sent and the
 * reply read, over TLS for HTTPS.
 *
 * The pieces below it, none of which calls back up:
 *   sockio.c      the socket's deadline, plain I/O, the reasons for I/O failures
 *   tls_client.c  GnuTLS: credentials, handshake, verification, records
 *   http_reply.c  the reply's parser, fed the bytes read
 *   cbuf.c        the growable buffer the request is built in
 * One deadline, taken when the call starts, covers connecting, the TLS
 * handshake, sending and the whole reply (name resolution excepted:
 * getaddrinfo() has no time-out). */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cbuf.h"
#include "http_reply.h"
#include "sockio.h"
#include "tls_client.h"
#include "transport.h"

#ifndef WINRMD_VERSION
#define WINRMD_VERSION "unknown"
#endif

#define IO_CHUNK 16384                  /* bytes read at a time */

#define MUTUAL_AUTH "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual"

/* One exchange. */
struct xfer {
        const struct wsman_target *t;
        struct sockio io;           /* the socket, the deadline, the caller's err */
        bool https;                 /* tls is loaded and runs on io */
        struct tls_client_opts tls_opts;
        struct tls_client tls;
};

/* --- connecting ---------------------------------------------------------- */

/* A blocking connect to the agent's control socket (bounded by the
 * deadline), then the socket made non-blocking. */
static int connect_unix(struct xfer *x)
{
        const char *path = x->t->socket_path;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        size_t n = strlen(path);
        int ms = sockio_time_left(&x->io);
        struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

        snprintf(x->io.peer, sizeof(x->io.peer), "%s", path);
        if (n == 0 || n >= sizeof(sa.sun_path))
                return sockio_fail(&x->io, -ENAMETOOLONG, "The socket path is empty or too long (%s).", path);
        memcpy(sa.sun_path, path, n);
        if (ms == 0)
                return sockio_timed_out(&x->io);
        x->io.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (x->io.fd < 0)
                return sockio_fail(&x->io, -errno, "%s (%s)", strerror(errno), path);
        /* a local connect waits only when the agent's backlog is full */
        if (ms > 0 && setsockopt(x->io.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
                return sockio_fail(&x->io, -errno, "%s (%s)", strerror(errno), path);
        if (connect(x->io.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                if (errno == EAGAIN || errno == EINPROGRESS || errno == ETIMEDOUT)
                        return sockio_timed_out(&x->io);
                return sockio_fail(&x->io, -errno, "%s (%s)", strerror(errno), path);
        }
        if (fcntl(x->io.fd, F_SETFL, O_NONBLOCK) < 0)
                return sockio_fail(&x->io, -errno, "%s (%s)", strerror(errno), path);
        return 0;
}

/* Names ai in x->io.peer as "ADDRESS port N". */
static void name_peer(struct xfer *x, const struct addrinfo *ai)
{
        char a[INET6_ADDRSTRLEN + 16];

        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, a, sizeof(a), NULL, 0, NI_NUMERICHOST) != 0)
                snprintf(a, sizeof(a), "%s", "?");
        snprintf(x->io.peer, sizeof(x->io.peer), "%s port %d", a, x->t->port);
}

/* A non-blocking connect to one address: 0 or -errno (x->io.fd left open). */
static int connect_addr(struct xfer *x, const struct addrinfo *ai)
{
        socklen_t sl = sizeof(int);
        int e = 0, r;

        x->io.fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (x->io.fd < 0)
                return -errno;
        if (connect(x->io.fd, ai->ai_addr, ai->ai_addrlen) == 0)
                return 0;
        if (errno != EINPROGRESS && errno != EINTR)
                return -errno;
        r = sockio_wait(&x->io, POLLOUT);
        if (r < 0)
                return r;
        if (getsockopt(x->io.fd, SOL_SOCKET, SO_ERROR, &e, &sl) < 0)
                return -errno;
        return -e;
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
        return sockio_fail(&x->io, r, "The name %s does not resolve: %s.", x->t->host,
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
        snprintf(x->io.peer, sizeof(x->io.peer), "%s port %d", x->t->host, x->t->port);
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
                sockio_close(&x->io);
                if (r == -ETIMEDOUT)
                        break;
        }
        freeaddrinfo(res);
        if (r == -ETIMEDOUT)
                return sockio_timed_out(&x->io);
        if (r < 0)
                return sockio_fail(&x->io, r, "%s (%s)", strerror(-r), x->io.peer);
        return 0;
}

/* --- the request --------------------------------------------------------- */

/* Whether s may go into a header line (no line breaks). */
static bool header_safe(const char *s)
{
        return s && !strpbrk(s, "\r\n");
}

/* Standard base64 of p[0..n) appended to b. */
static int base64_add(struct cbuf *b, const unsigned char *p, size_t n)
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
                if ((r = cbuf_add(b, q, 4, SIZE_MAX / 2)) < 0)
                        return r;
        }
        return 0;
}

/* "Authorization: Basic base64(user:password)\r\n" appended to b. */
static int add_basic(struct xfer *x, struct cbuf *b)
{
        struct cbuf pair = { 0 };
        int r;

        if (!x->t->user || !*x->t->user)
                return sockio_fail(&x->io, -EINVAL, "Basic authentication needs a user name.");
        if (strchr(x->t->user, ':'))
                return sockio_fail(&x->io, -EINVAL, "A user name for Basic authentication cannot contain ':'.");
        if (!header_safe(x->t->user))
                return sockio_fail(&x->io, -EINVAL, "The user name contains a line break.");
        r = cbuf_addf(&pair, "%s:%s", x->t->user, x->t->password ? x->t->password : "");
        if (r == 0)
                r = cbuf_addf(b, "Authorization: Basic ");
        if (r == 0)
                r = base64_add(b, (const unsigned char *)pair.p, pair.len);
        if (r == 0)
                r = cbuf_addf(b, "\r\n");
        cbuf_wipe(&pair);
        return r < 0 ? sockio_fail(&x->io, r, "Out of memory.") : 0;
}

/* The Host header's value: host[:port], an IPv6 address in brackets (with
 * a zone's '%' written %25). */
static int add_host(const struct wsman_target *t, struct cbuf *b)
{
        bool v6 = strchr(t->host, ':') != NULL;
        const char *zone = v6 ? strchr(t->host, '%') : NULL;
        int r;

        if (zone)
                r = cbuf_addf(b, "Host: [%.*s%%25%s]", (int)(zone - t->host), t->host, zone + 1);
        else
                r = cbuf_addf(b, v6 ? "Host: [%s]" : "Host: %s", t->host);
        if (r == 0 && t->port != (t->https ? 443 : 80))
                r = cbuf_addf(b, ":%d", t->port);
        return r < 0 ? r : cbuf_addf(b, "\r\n");
}

/* The request checked and built: head, then body, in one buffer (one write
 * rather than two, which Nagle's algorithm would delay). */
static int build_request(struct xfer *x, const char *body, size_t len, struct cbuf *b)
{
        const struct wsman_target *t = x->t;
        const char *path = t->path && *t->path ? t->path : "/wsman";
        int r;

        if (!header_safe(path) || path[0] != '/' || strchr(path, ' '))
                return sockio_fail(&x->io, -EINVAL, "The path %s is not valid.", path);
        r = cbuf_addf(b, "POST %s HTTP/1.1\r\n", path);
        if (r == 0 && t->socket_path)
                r = cbuf_addf(b, "Host: localhost\r\n");
        else if (r == 0)
                r = add_host(t, b);
        if (r == 0)
                r = cbuf_addf(b, "User-Agent: winrm (winrmd %s)\r\n"
                              "Content-Type: application/soap+xml;charset=UTF-8\r\n"
                              "Content-Length: %zu\r\n"
                              "Connection: close\r\n", WINRMD_VERSION, len);
        if (r == 0 && !t->socket_path && t->auth == WSMAN_AUTH_BASIC && (r = add_basic(x, b)) < 0)
                return r;
        if (r == 0 && !t->socket_path && t->auth == WSMAN_AUTH_CERTIFICATE)
                r = cbuf_addf(b, "Authorization: " MUTUAL_AUTH "\r\n");
        if (r == 0 && t->identify_anonymous)
                r = cbuf_addf(b, "WSMANIDENTIFY: unauthenticated\r\n");
        if (r == 0)
                r = cbuf_addf(b, "\r\n");
        if (r == 0)
                r = cbuf_add(b, body, len, SIZE_MAX / 2);
        return r < 0 ? sockio_fail(&x->io, r, "Out of memory.") : 0;
}

/* --- the exchange -------------------------------------------------------- */

/* What is wrong with t before any connection, or 0. */
static int check_target(struct xfer *x)
{
        const struct wsman_target *t = x->t;

        if (t->socket_path)
                return 0;
        if (!t->host || !*t->host || !header_safe(t->host) || strchr(t->host, ' ') || strchr(t->host, '/'))
                return sockio_fail(&x->io, -EINVAL, "The host name \"%s\" is not valid.",
                                   t->host ? t->host : "");
        if (t->port < 1 || t->port > 65535)
                return sockio_fail(&x->io, -EINVAL, "The port %d is not valid.", t->port);
        if (t->auth == WSMAN_AUTH_CERTIFICATE && !t->https)
                return sockio_fail(&x->io, -EINVAL, "Certificate authentication needs HTTPS.");
        return 0;
}

/* The trusted CAs and the client certificate of an HTTPS target, loaded
 * before any connection. */
static int tls_load(struct xfer *x)
{
        const struct wsman_target *t = x->t;

        x->tls_opts = (struct tls_client_opts){
                .host = t->host, .ca_file = t->ca_file, .skip_ca = t->skip_ca, .skip_cn = t->skip_cn,
                .client_cert = t->auth == WSMAN_AUTH_CERTIFICATE, .cert_file = t->cert_file,
                .key_file = t->key_file,
        };
        x->https = true;
        return tls_client_load(&x->tls, &x->tls_opts, &x->io);
}

/* Connects (then the TLS handshake and checks, for HTTPS) and sends req. */
static int connect_and_send(struct xfer *x, const struct cbuf *req)
{
        int r;

        if (x->t->socket_path)
                r = connect_unix(x);
        else
                r = connect_tcp(x);
        if (r == 0 && x->https)
                r = tls_client_start(&x->tls);
        if (r < 0)
                return r;
        if (x->https)
                return tls_client_send_all(&x->tls, req->p, req->len);
        return sockio_send_all(&x->io, req->p, req->len);
}

/* Reads until the reader has the whole reply (or fails); the deadline
 * bounds a server that never lets the socket run dry too. */
static int read_reply(struct xfer *x, struct http_reply_reader *rd)
{
        char in[IO_CHUNK];
        ssize_t n;
        int r;

        do {
                if (sockio_time_left(&x->io) == 0)
                        return sockio_timed_out(&x->io);
                n = x->https ? tls_client_recv(&x->tls, in, sizeof(in)) : sockio_recv(&x->io, in, sizeof(in));
                if (n < 0)
                        return (int)n;
                r = n ? http_reply_feed(rd, in, (size_t)n) : http_reply_eof(rd);
        } while (r == 0);
        return r < 0 ? r : 0;
}

/* The reply read and handed over to out. */
static int receive(struct xfer *x, struct wsman_reply *out)
{
        struct http_reply_reader rd;
        struct http_reply h;
        int r;

        http_reply_init(&rd, x->io.peer, x->io.err, x->io.err_len);
        r = read_reply(x, &rd);
        if (r == 0)
                r = http_reply_take(&rd, &h);
        if (r == 0) {
                out->status = h.status;
                out->body = h.body;
                out->len = h.len;
                out->schemes = h.schemes;
        }
        http_reply_free(&rd);
        return r;
}

/* Checks, builds, connects, sends, reads: see transport.h. */
int wsman_post(const struct wsman_target *t, const char *body, size_t len, struct wsman_reply *out,
               char *err, size_t err_len)
{
        struct xfer x = { .t = t };
        struct cbuf req = { 0 };
        int r, sent;

        memset(out, 0, sizeof(*out));
        if (err && err_len)
                err[0] = '\0';
        sockio_init(&x.io, t->timeout_ms, err, err_len);
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
        if (sent < 0 && (x.io.fd < 0 || (sent != -EPIPE && sent != -ECONNRESET))) {
                r = sent;
                goto out;
        }
        r = receive(&x, out);
        if (r == 0 && err && err_len)
                err[0] = '\0';     /* a failed send the reply made moot */
out:
        tls_client_close(&x.tls, r == 0);
        sockio_close(&x.io);
        cbuf_wipe(&req);
        return r;
}

/* Frees what wsman_post() handed over; r may be NULL. */
void wsman_reply_free(struct wsman_reply *r)
{
        if (!r)
                return;
        free(r->body);
        free(r->schemes);
        r->body = r->schemes = NULL;
        r->len = 0;
}
