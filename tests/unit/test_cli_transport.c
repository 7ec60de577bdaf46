/* test_cli_transport.c - the winrm command's transport (cli/transport.c)
 * against small servers this test forks on loopback and on a unix socket:
 * each framing of a reply, the WWW-Authenticate schemes, replies that end
 * early or are not HTTP, caps, time-outs, refused and missing endpoints, the
 * request the server sees (Basic, headers, body), and HTTPS with
 * certificates made by certtool: a trusted chain, an unknown issuer, a wrong
 * name, the skip flags, and client certificates asked for in the handshake,
 * by TLS 1.2 renegotiation (as Windows does) and by TLS 1.3
 * post-handshake authentication. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gnutls/gnutls.h>

#include "cli/http_reply.h"
#include "cli/transport.h"
#include "tests.h"

#define ENVELOPE "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"/>"
#define REQ_MAX 65536

/* What a forked server does with its one connection. */
struct scenario {
        const char *reply;          /* sent after the request */
        size_t reply_len;           /* 0: strlen(reply) */
        const char *const *expect;  /* strings the request must contain (NULL-ended) */
        const char *const *refuse;  /* strings it must not contain */
        bool trickle;               /* send the reply a byte at a time */
        bool silent;                /* read the request, then never answer */
        bool first_read_only;       /* answer after the first read (a TLS hello) */
        /* HTTPS */
        bool tls;
        int client_cert;            /* 0 none, 1 in the handshake, 2 renegotiation, 3 TLS 1.3 reauth */
};

struct server {
        pid_t pid;
        int port;
        char path[108];
};

static char certdir[64];
static char ca_pem[128], srv_pem[128], srv_key[128], cli_pem[128], cli_key[128];

/* --- the servers --------------------------------------------------------- */

typedef ssize_t io_fn(void *ctx, void *p, size_t n);

static ssize_t plain_read(void *ctx, void *p, size_t n)
{
        return read(*(int *)ctx, p, n);
}

static ssize_t tls_read(void *ctx, void *p, size_t n)
{
        ssize_t r;

        do
                r = gnutls_record_recv(ctx, p, n);
        while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
        return r;
}

/* Reads one request (head and Content-Length body) into buf; its length,
 * or -1 when the client went away first. */
static ssize_t read_request(io_fn *rd, void *ctx, char *buf, size_t cap)
{
        size_t len = 0;
        char *end, *cl;

        for (;;) {
                ssize_t n = rd(ctx, buf + len, cap - 1 - len);

                if (n <= 0)
                        return -1;
                len += (size_t)n;
                buf[len] = '\0';
                end = strstr(buf, "\r\n\r\n");
                if (!end)
                        continue;
                cl = strcasestr(buf, "\r\nContent-Length:");
                if (!cl || cl > end || len >= (size_t)(end + 4 - buf) + strtoul(cl + 17, NULL, 10))
                        return (ssize_t)len;
        }
}

/* Whether the request holds every expected string and no refused one. */
static bool request_ok(const struct scenario *sc, const char *req)
{
        const char *const *s;

        for (s = sc->expect; s && *s; s++)
                if (!strstr(req, *s)) {
                        fprintf(stderr, "request lacks \"%s\":\n%s\n", *s, req);
                        return false;
                }
        for (s = sc->refuse; s && *s; s++)
                if (strstr(req, *s)) {
                        fprintf(stderr, "request has \"%s\":\n%s\n", *s, req);
                        return false;
                }
        return true;
}

static void plain_write(int fd, const struct scenario *sc)
{
        size_t n = sc->reply_len ? sc->reply_len : strlen(sc->reply), i;
        int one = 1;

        if (!sc->trickle) {
                (void)!write(fd, sc->reply, n);
                return;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        for (i = 0; i < n; i++) {
                (void)!write(fd, sc->reply + i, 1);
                usleep(300);
        }
}

/* The child's plain-HTTP side; its exit status is the verdict. */
static int serve_plain(int fd, const struct scenario *sc)
{
        static char req[REQ_MAX];
        ssize_t n;

        if (sc->first_read_only)
                n = read(fd, req, sizeof(req));
        else
                n = read_request(plain_read, &fd, req, sizeof(req));
        if (n < 0)
                return 3;
        if (sc->silent)
                pause();
        plain_write(fd, sc);
        return request_ok(sc, req) ? 0 : 1;
}

/* Runs a TLS step of the blocking child to its end. */
static int tls_step(gnutls_session_t s, int (*step)(gnutls_session_t))
{
        int r;

        do
                r = step(s);
        while (r < 0 && !gnutls_error_is_fatal(r));
        return r;
}

static int srv_reauth(gnutls_session_t s)
{
        return gnutls_reauth(s, 0);
}

/* The TLS session's request, the client certificate asked for the way the
 * scenario says; 0 when all went as expected. */
static int tls_exchange(gnutls_session_t s, const struct scenario *sc)
{
        static char req[REQ_MAX];
        unsigned n = 0;

        if (tls_step(s, gnutls_handshake) < 0)
                return 2;
        if (read_request(tls_read, s, req, sizeof(req)) < 0)
                return 3;
        if (sc->client_cert >= 2) {
                gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
                if (sc->client_cert == 2 && (gnutls_rehandshake(s) < 0 || tls_step(s, gnutls_handshake) < 0))
                        return 5;
                if (sc->client_cert == 3 && tls_step(s, srv_reauth) < 0)
                        return 5;
        }
        if (sc->client_cert && !gnutls_certificate_get_peers(s, &n))
                return 4;
        if (gnutls_record_send(s, sc->reply, strlen(sc->reply)) < 0)
                return 6;
        gnutls_bye(s, GNUTLS_SHUT_WR);
        return request_ok(sc, req) ? 0 : 1;
}

static int serve_tls(int fd, const struct scenario *sc)
{
        const char *prio = sc->client_cert == 2 ? "NORMAL:-VERS-ALL:+VERS-TLS1.2" :
                           sc->client_cert == 3 ? "NORMAL:-VERS-ALL:+VERS-TLS1.3" : "NORMAL";
        gnutls_certificate_credentials_t c;
        gnutls_session_t s;
        int r;

        if (gnutls_certificate_allocate_credentials(&c) < 0 ||
            gnutls_certificate_set_x509_key_file(c, srv_pem, srv_key, GNUTLS_X509_FMT_PEM) < 0 ||
            gnutls_certificate_set_x509_trust_file(c, ca_pem, GNUTLS_X509_FMT_PEM) < 0)
                return 7;
        gnutls_init(&s, GNUTLS_SERVER | (sc->client_cert == 3 ? GNUTLS_POST_HANDSHAKE_AUTH : 0));
        gnutls_priority_set_direct(s, prio, NULL);
        gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, c);
        if (sc->client_cert == 1)
                gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
        gnutls_transport_set_int(s, fd);
        r = tls_exchange(s, sc);
        gnutls_deinit(s);
        gnutls_certificate_free_credentials(c);
        return r;
}

/* Accepts one connection on lfd, serves it, exits with the verdict. */
static void __attribute__((noreturn)) child(int lfd, const struct scenario *sc)
{
        int fd = accept(lfd, NULL, NULL), r;

        close(lfd);
        if (fd < 0)
                _exit(9);
        r = sc->tls ? serve_tls(fd, sc) : serve_plain(fd, sc);
        close(fd);
        _exit(r);
}

static void spawn(struct server *s, int lfd, const struct scenario *sc)
{
        ck_assert_int_eq(listen(lfd, 4), 0);
        s->pid = fork();
        ck_assert_int_ge(s->pid, 0);
        if (s->pid == 0)
                child(lfd, sc);
        close(lfd);
}

/* A listening socket on 127.0.0.1 (or ::1: -1 when IPv6 is missing), its
 * port in s. */
static int bind_tcp(struct server *s, bool v6)
{
        struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
        struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        struct sockaddr *a = v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4;
        socklen_t al = v6 ? sizeof(a6) : sizeof(a4);
        int lfd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

        ck_assert_int_ge(lfd, 0);
        if (bind(lfd, a, al) < 0) {
                ck_assert(v6);
                close(lfd);
                return -1;
        }
        ck_assert_int_eq(getsockname(lfd, a, &al), 0);
        s->port = ntohs(v6 ? a6.sin6_port : a4.sin_port);
        return lfd;
}

/* A server for sc on 127.0.0.1 (or ::1: false when IPv6 is missing). */
static bool start_tcp(struct server *s, const struct scenario *sc, bool v6)
{
        int lfd = bind_tcp(s, v6);

        if (lfd < 0)
                return false;
        spawn(s, lfd, sc);
        return true;
}

static void start_unix(struct server *s, const struct scenario *sc)
{
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        snprintf(s->path, sizeof(s->path), "/tmp/winrm-t-%d.sock", (int)getpid());
        snprintf(a.sun_path, sizeof(a.sun_path), "%s", s->path);
        unlink(s->path);
        ck_assert_int_ge(lfd, 0);
        ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
        spawn(s, lfd, sc);
}

/* The server's verdict (its exit status); kill: stop it first. */
static int finish(struct server *s, bool kill_it)
{
        int st = 0;

        if (kill_it)
                kill(s->pid, SIGKILL);
        ck_assert_int_eq(waitpid(s->pid, &st, 0), s->pid);
        if (s->path[0])
                unlink(s->path);
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* --- the client side ----------------------------------------------------- */

static struct wsman_target target(const struct server *s)
{
        struct wsman_target t = {
                .host = "127.0.0.1", .port = s ? s->port : 0, .path = "/wsman",
                .auth = WSMAN_AUTH_NONE, .timeout_ms = 10000,
        };
        return t;
}

/* Posts the envelope to t; the reply in *out, the reason in err. */
static int post(const struct wsman_target *t, struct wsman_reply *out, char *err, size_t err_len)
{
        return wsman_post(t, ENVELOPE, strlen(ENVELOPE), out, err, err_len);
}

/* Serves sc on loopback, posts to it, expects result r; the server's
 * verdict must be verdict (-1: whatever it is). */
static void exchange(const struct scenario *sc, int r, struct wsman_reply *out, char *err, size_t err_len,
                     int verdict)
{
        struct server s = { 0 };
        struct wsman_target t;
        int got;

        start_tcp(&s, sc, false);
        t = target(&s);
        got = post(&t, out, err, err_len);
        ck_assert_msg(got == r, "wsman_post: %d (%s), expected %d", got, err, r);
        got = finish(&s, false);
        if (verdict >= 0)
                ck_assert_int_eq(got, verdict);
}

/* A reply that comes back whole: its status, body and schemes. */
static void good_reply(const char *reply, bool trickle, int status, const char *body, const char *schemes)
{
        struct scenario sc = { .reply = reply, .trickle = trickle };
        struct wsman_reply out;
        char err[256];

        exchange(&sc, 0, &out, err, sizeof(err), 0);
        ck_assert_int_eq(out.status, status);
        ck_assert_str_eq(out.body, body);
        ck_assert_uint_eq(out.len, strlen(body));
        ck_assert_str_eq(out.schemes, schemes);
        wsman_reply_free(&out);
}

START_TEST(content_length)
{
        good_reply("HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: 5\r\n\r\nhello",
                   false, 200, "hello", "");
}
END_TEST

START_TEST(chunked)
{
        good_reply("HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\nhello\r\n7;ext=\"x\"\r\n, world\r\nA \r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n",
                   true, 500, "hello, world0123456789", "");
}
END_TEST

START_TEST(until_close)
{
        good_reply("HTTP/1.0 200 OK\r\n\r\n<s:Envelope/>\n", false, 200, "<s:Envelope/>\n", "");
}
END_TEST

START_TEST(interim_then_reply)
{
        good_reply("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true, 200, "ok", "");
}
END_TEST

START_TEST(schemes_401)
{
        good_reply("HTTP/1.1 401 \r\nWWW-Authenticate: Negotiate\r\n"
                   "www-authenticate: Basic realm=\"WSMAN, x\", charset=\"UTF-8\"\r\n"
                   "WWW-Authenticate: Kerberos, CredSSP\r\nWWW-Authenticate: Basic realm=\"again\"\r\n"
                   "Content-Length: 0\r\n\r\n", false, 401, "", "Negotiate, Basic, Kerberos, CredSSP");
}
END_TEST

/* A reply that fails with r and an error holding what. */
static void bad_reply(const char *reply, int r, const char *what)
{
        struct scenario sc = { .reply = reply };
        struct wsman_reply out;
        char err[256];

        exchange(&sc, r, &out, err, sizeof(err), -1);
        ck_assert_msg(strstr(err, what), "error \"%s\" lacks \"%s\"", err, what);
        ck_assert_ptr_null(out.body);
        wsman_reply_free(&out);
}

START_TEST(ends_mid_body)
{
        bad_reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", -EPROTO, "in the middle of its reply");
}
END_TEST

START_TEST(ends_mid_chunks)
{
        bad_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", -EPROTO,
                  "in the middle of its reply");
}
END_TEST

START_TEST(ends_mid_head)
{
        bad_reply("HTTP/1.1 200 OK\r\nContent-Len", -EPROTO, "in the middle of its reply");
}
END_TEST

START_TEST(no_reply)
{
        bad_reply("", -EPROTO, "closed the connection without replying");
}
END_TEST

START_TEST(not_http)
{
        bad_reply("SSH-2.0-OpenSSH_9.2p1\r\n", -EPROTO, "not HTTP");
}
END_TEST

START_TEST(tls_alert_reply)
{
        struct scenario sc = { .reply = "\x15\x03\x03\x00\x02\x02\x46", .reply_len = 7 };
        struct wsman_reply out;
        char err[256];

        exchange(&sc, -EPROTO, &out, err, sizeof(err), -1);
        ck_assert_msg(strstr(err, "use HTTPS"), "%s", err);
}
END_TEST

START_TEST(bad_chunk_size)
{
        bad_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", -EPROTO, "chunked");
}
END_TEST

START_TEST(two_lengths)
{
        bad_reply("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", -EPROTO,
                  "Content-Length");
}
END_TEST

START_TEST(huge_length)
{
        bad_reply("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", -E2BIG, "larger than");
}
END_TEST

START_TEST(huge_head)
{
        static char reply[80 * 1024];
        size_t n = (size_t)snprintf(reply, sizeof(reply), "HTTP/1.1 200 OK\r\nX: ");

        memset(reply + n, 'a', sizeof(reply) - n - 1);
        bad_reply(reply, -E2BIG, "head is larger");
}
END_TEST

START_TEST(times_out)
{
        struct scenario sc = { .silent = true };
        struct server s = { 0 };
        struct wsman_target t;
        struct wsman_reply out;
        char err[256];

        start_tcp(&s, &sc, false);
        t = target(&s);
        t.timeout_ms = 300;
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -ETIMEDOUT);
        ck_assert_msg(strstr(err, "Timed out after 300 ms"), "%s", err);
        finish(&s, true);
}
END_TEST

START_TEST(refused)
{
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t al = sizeof(a);
        struct wsman_target t = target(NULL);
        struct wsman_reply out;
        char err[256], want[64];
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        /* bound, never listening: a connection is refused */
        ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, al), 0);
        ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
        t.port = ntohs(a.sin_port);
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -ECONNREFUSED);
        snprintf(want, sizeof(want), "Connection refused (127.0.0.1 port %d)", t.port);
        ck_assert_str_eq(err, want);
        close(fd);
}
END_TEST

/* Posts to t, served by s: a 200 with body, and a server that saw all it expected. */
static void post_ok(const struct wsman_target *t, struct server *s, const char *body)
{
        struct wsman_reply out;
        char err[256];

        ck_assert_msg(post(t, &out, err, sizeof(err)) == 0, "%s", err);
        ck_assert_int_eq(out.status, 200);
        ck_assert_str_eq(out.body, body);
        wsman_reply_free(&out);
        ck_assert_int_eq(finish(s, false), 0);
}

START_TEST(unix_socket)
{
        static const char *const expect[] = { "POST /wsman HTTP/1.1\r\n", "\r\nHost: localhost\r\n",
                                              "\r\n\r\n" ENVELOPE, NULL };
        static const char *const refuse[] = { "Authorization", "WSMANIDENTIFY", NULL };
        struct scenario sc = { .reply = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes",
                               .expect = expect, .refuse = refuse };
        struct wsman_target t = { .path = "/wsman", .timeout_ms = 10000 };
        struct server s = { 0 };

        start_unix(&s, &sc);
        t.socket_path = s.path;
        post_ok(&t, &s, "yes");
}
END_TEST

START_TEST(unix_missing)
{
        struct wsman_target t = { .socket_path = "/nonexistent/winrmd.sock", .timeout_ms = 1000 };
        struct wsman_reply out;
        char err[256];

        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -ENOENT);
        ck_assert_str_eq(err, "No such file or directory (/nonexistent/winrmd.sock)");
}
END_TEST

START_TEST(basic_request)
{
        /* base64("user:s3cr:et"): a colon in the password is kept */
        static const char *const expect[] = {
                "POST /wsman HTTP/1.1\r\n", "\r\nAuthorization: Basic dXNlcjpzM2NyOmV0\r\n",
                "\r\nContent-Type: application/soap+xml;charset=UTF-8\r\n",
                "\r\nUser-Agent: winrm (winrmd ", "\r\nConnection: close\r\n",
                "\r\nWSMANIDENTIFY: unauthenticated\r\n", "\r\n\r\n" ENVELOPE, NULL };
        struct scenario sc = { .reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", .expect = expect };
        char host[64], length[64];
        const char *dyn[] = { host, length, NULL };
        struct scenario sc2 = { .reply = sc.reply, .expect = dyn };
        struct server s = { 0 }, s2 = { 0 };
        struct wsman_target t;
        int lfd;

        start_tcp(&s, &sc, false);
        t = target(&s);
        t.auth = WSMAN_AUTH_BASIC;
        t.user = "user";
        t.password = "s3cr:et";
        t.identify_anonymous = true;
        post_ok(&t, &s, "");

        /* Host and Content-Length depend on the port and the envelope */
        lfd = bind_tcp(&s2, false);
        snprintf(host, sizeof(host), "\r\nHost: 127.0.0.1:%d\r\n", s2.port);
        snprintf(length, sizeof(length), "\r\nContent-Length: %zu\r\n", strlen(ENVELOPE));
        spawn(&s2, lfd, &sc2);
        t = target(&s2);
        post_ok(&t, &s2, "");
}
END_TEST

START_TEST(ipv6)
{
        static const char *const expect[] = { "\r\nHost: [::1]:", NULL };
        struct scenario sc = { .reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6", .expect = expect };
        struct server s = { 0 };
        struct wsman_target t;

        if (!start_tcp(&s, &sc, true))
                return;     /* no IPv6 loopback here */
        t = target(&s);
        t.host = "::1";
        post_ok(&t, &s, "v6");
}
END_TEST

START_TEST(refused_before_connecting)
{
        struct wsman_target t = target(NULL);
        struct wsman_reply out;
        char err[256];

        t.port = 5985;
        t.auth = WSMAN_AUTH_CERTIFICATE;
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -EINVAL);
        ck_assert_msg(strstr(err, "needs HTTPS"), "%s", err);
        t.auth = WSMAN_AUTH_BASIC;
        t.user = "a:b";
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -EINVAL);
        ck_assert_msg(strstr(err, "cannot contain ':'"), "%s", err);
        t.user = "a\r\nX: y";
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -EINVAL);
        t.user = "a";
        t.path = "/wsman\r\nX: y";
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -EINVAL);
        t.path = "/wsman";
        t.port = 0;
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(unresolvable)
{
        struct wsman_target t = target(NULL);
        struct wsman_reply out;
        char err[256];

        t.host = "nonexistent.invalid";
        t.port = 5985;
        ck_assert_int_lt(post(&t, &out, err, sizeof(err)), 0);
        ck_assert_msg(strstr(err, "The name nonexistent.invalid does not resolve: "), "%s", err);
}
END_TEST

/* --- HTTPS --------------------------------------------------------------- */

static void certtool(const char *args)
{
        char cmd[1024];

        snprintf(cmd, sizeof(cmd), "cd %s && certtool %s >/dev/null 2>&1", certdir, args);
        ck_assert_msg(system(cmd) == 0, "certtool %s", args);
}

static void write_file(const char *name, const char *text)
{
        char p[128];
        FILE *f;

        snprintf(p, sizeof(p), "%s/%s", certdir, name);
        f = fopen(p, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
}

/* A CA, a server certificate for "localhost" and a client certificate,
 * both issued by the CA. */
static void make_certs(void)
{
        snprintf(certdir, sizeof(certdir), "/tmp/winrm-tls-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(certdir));
        write_file("ca.tmpl", "cn = winrm test CA\nca\ncert_signing_key\nexpiration_days = 2\n");
        write_file("srv.tmpl", "cn = localhost\ndns_name = localhost\ntls_www_server\nexpiration_days = 2\n");
        write_file("cli.tmpl", "cn = user\ntls_www_client\nexpiration_days = 2\n");
        certtool("--generate-privkey --key-type=ecdsa --outfile ca.key");
        certtool("--generate-self-signed --load-privkey ca.key --template ca.tmpl --outfile ca.pem");
        certtool("--generate-privkey --key-type=ecdsa --outfile srv.key");
        certtool("--generate-certificate --load-privkey srv.key --load-ca-certificate ca.pem "
                 "--load-ca-privkey ca.key --template srv.tmpl --outfile srv.pem");
        certtool("--generate-privkey --key-type=ecdsa --outfile cli.key");
        certtool("--generate-certificate --load-privkey cli.key --load-ca-certificate ca.pem "
                 "--load-ca-privkey ca.key --template cli.tmpl --outfile cli.pem");
        snprintf(ca_pem, sizeof(ca_pem), "%s/ca.pem", certdir);
        snprintf(srv_pem, sizeof(srv_pem), "%s/srv.pem", certdir);
        snprintf(srv_key, sizeof(srv_key), "%s/srv.key", certdir);
        snprintf(cli_pem, sizeof(cli_pem), "%s/cli.pem", certdir);
        snprintf(cli_key, sizeof(cli_key), "%s/cli.key", certdir);
}

static void remove_certs(void)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", certdir);
        if (certdir[0] && system(cmd) != 0)
                fprintf(stderr, "cannot remove %s\n", certdir);
}

/* An HTTPS exchange with the scenario's server: result r, the error
 * holding what (when r < 0). */
static void https(struct wsman_target *t, struct scenario *sc, int r, const char *what)
{
        struct server s = { 0 };
        struct wsman_reply out;
        char err[256];
        int got;

        sc->tls = true;
        if (!sc->reply)
                sc->reply = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret";
        start_tcp(&s, sc, false);
        t->https = true;
        t->port = s.port;
        got = post(t, &out, err, sizeof(err));
        ck_assert_msg(got == r, "wsman_post: %d (%s), expected %d", got, err, r);
        if (r == 0) {
                ck_assert_str_eq(out.body, "secret");
                wsman_reply_free(&out);
                ck_assert_int_eq(finish(&s, false), 0);
        } else {
                ck_assert_msg(strstr(err, what), "error \"%s\" lacks \"%s\"", err, what);
                finish(&s, true);
        }
}

START_TEST(https_trusted)
{
        static const char *const refuse[] = { "Authorization", NULL };
        static const char *const expect[] = { "\r\nHost: localhost:", NULL };
        struct scenario sc = { .expect = expect, .refuse = refuse };
        struct wsman_target t = target(NULL);

        t.host = "localhost";
        t.ca_file = ca_pem;
        https(&t, &sc, 0, NULL);
}
END_TEST

START_TEST(https_unknown_issuer)
{
        struct scenario sc = { 0 };
        struct wsman_target t = target(NULL);

        t.host = "localhost";
        https(&t, &sc, -EPERM, "The server certificate is not trusted: its issuer is unknown "
              "(use -skipCAcheck to accept it)");
        t.skip_ca = true;
        memset(&sc, 0, sizeof(sc));
        https(&t, &sc, 0, NULL);
}
END_TEST

START_TEST(https_wrong_name)
{
        struct scenario sc = { 0 };
        struct wsman_target t = target(NULL);

        t.ca_file = ca_pem;
        https(&t, &sc, -EPERM, "The server certificate does not name 127.0.0.1 (it is for localhost; "
              "use -skipCNcheck to accept it)");
        t.skip_cn = true;
        memset(&sc, 0, sizeof(sc));
        https(&t, &sc, 0, NULL);
        /* both skipped: anything goes */
        t.ca_file = NULL;
        t.skip_ca = true;
        memset(&sc, 0, sizeof(sc));
        https(&t, &sc, 0, NULL);
        /* the issuer is checked first */
        t.skip_ca = t.skip_cn = false;
        memset(&sc, 0, sizeof(sc));
        https(&t, &sc, -EPERM, "-skipCAcheck");
}
END_TEST

START_TEST(https_basic)
{
        static const char *const expect[] = { "\r\nAuthorization: Basic dXNlcjpzM2NyOmV0\r\n", NULL };
        struct scenario sc = { .expect = expect };
        struct wsman_target t = target(NULL);

        t.host = "localhost";
        t.ca_file = ca_pem;
        t.auth = WSMAN_AUTH_BASIC;
        t.user = "user";
        t.password = "s3cr:et";
        https(&t, &sc, 0, NULL);
}
END_TEST

/* Certificate authentication, the server asking the way mode says. */
static void client_cert(int mode)
{
        static const char *const expect[] = {
                "\r\nAuthorization: http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual\r\n",
                NULL };
        struct scenario sc = { .expect = expect, .client_cert = mode };
        struct wsman_target t = target(NULL);

        t.host = "localhost";
        t.ca_file = ca_pem;
        t.auth = WSMAN_AUTH_CERTIFICATE;
        t.cert_file = cli_pem;
        t.key_file = cli_key;
        https(&t, &sc, 0, NULL);
}

START_TEST(https_client_cert)
{
        client_cert(1);
}
END_TEST

START_TEST(https_client_cert_renegotiated)
{
        client_cert(2);
}
END_TEST

START_TEST(https_client_cert_reauth)
{
        client_cert(3);
}
END_TEST

START_TEST(https_missing_files)
{
        struct wsman_target t = target(NULL);
        struct wsman_reply out;
        char err[256];

        t.https = true;
        t.port = 5986;
        t.ca_file = "/nonexistent/ca.pem";
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -ENOENT);
        ck_assert_str_eq(err, "No such file or directory (/nonexistent/ca.pem)");
        t.ca_file = ca_pem;
        t.auth = WSMAN_AUTH_CERTIFICATE;
        t.cert_file = cli_pem;
        t.key_file = srv_key;
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -EINVAL);
        ck_assert_msg(strstr(err, "does not match the certificate"), "%s", err);
}
END_TEST

START_TEST(https_to_plain_listener)
{
        struct scenario sc = { .reply = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
                               .first_read_only = true };
        struct server s = { 0 };
        struct wsman_target t;
        struct wsman_reply out;
        char err[256];

        start_tcp(&s, &sc, false);
        t = target(&s);
        t.https = true;
        t.skip_ca = t.skip_cn = true;
        ck_assert_int_eq(post(&t, &out, err, sizeof(err)), -EPROTO);
        ck_assert_msg(strstr(err, "The TLS handshake with 127.0.0.1 port"), "%s", err);
        finish(&s, true);
}
END_TEST

/* --- the reply reader alone (cli/http_reply.c) ---------------------------- */

START_TEST(tls_alert_trickled)
{
        struct scenario sc = { .reply = "\x15\x03\x03\x00\x02\x02\x46", .reply_len = 7, .trickle = true };
        struct wsman_reply out;
        char err[256];

        /* the first read may hold the record's first byte alone */
        exchange(&sc, -EPROTO, &out, err, sizeof(err), -1);
        ck_assert_msg(strstr(err, "use HTTPS"), "%s", err);
}
END_TEST

/* Reads text whole (step 0) or step bytes at a time, then the end. */
static int read_text(const char *text, size_t len, size_t step, struct http_reply *out, char *err, size_t err_len)
{
        struct http_reply_reader rd;
        size_t used = 0;
        int r = 0;

        http_reply_init(&rd, "peer", err, err_len);
        while (r == 0 && used < len) {
                size_t k = step && step < len - used ? step : len - used;
                r = http_reply_feed(&rd, text + used, k);
                used += k;
        }
        if (r == 0)
                r = http_reply_eof(&rd);
        if (r == 1)
                r = http_reply_take(&rd, out);
        http_reply_free(&rd);
        return r;
}

START_TEST(reader_any_split)
{
        static const char text[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 \r\n"
                                   "WWW-Authenticate: Basic realm=\"x\"\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "3;a=b\r\nabc\r\n1\r\nd\r\n0\r\nT: 1\r\n\r\n";
        size_t steps[] = { 0, 1, 2, 7, 64 };

        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
                struct http_reply h;
                char err[256] = "";

                ck_assert_msg(read_text(text, sizeof(text) - 1, steps[i], &h, err, sizeof(err)) == 0, "%s", err);
                ck_assert_int_eq(h.status, 401);
                ck_assert_str_eq(h.body, "abcd");
                ck_assert_str_eq(h.schemes, "Basic");
                free(h.body);
                free(h.schemes);
        }
}
END_TEST

START_TEST(reader_big_feed)
{
        static char text[200 * 1024];
        size_t n = (size_t)snprintf(text, sizeof(text), "HTTP/1.1 200 OK\r\nX: ");
        struct http_reply h;
        char err[256] = "";

        /* one feed larger than the head's cap is refused as a long head */
        memset(text + n, 'a', sizeof(text) - n);
        ck_assert_int_eq(read_text(text, sizeof(text), 0, &h, err, sizeof(err)), -E2BIG);
        ck_assert_msg(strstr(err, "head is larger than 64 KiB"), "%s", err);
}
END_TEST

START_TEST(reader_keeps_outcome)
{
        static const char text[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
        struct http_reply_reader rd;
        struct http_reply h;
        char err[256] = "";

        http_reply_init(&rd, "peer", err, sizeof(err));
        ck_assert_int_eq(http_reply_feed(&rd, text, 10), 0);
        ck_assert_int_eq(http_reply_take(&rd, &h), -EINVAL);
        ck_assert_int_eq(http_reply_feed(&rd, text + 10, sizeof(text) - 11), 1);
        ck_assert_int_eq(http_reply_feed(&rd, "more", 4), 1);
        ck_assert_int_eq(http_reply_eof(&rd), 1);
        ck_assert_int_eq(http_reply_take(&rd, &h), 0);
        ck_assert_str_eq(h.body, "ok");
        http_reply_free(&rd);
        free(h.body);
        free(h.schemes);

        http_reply_init(&rd, "192.0.2.1 port 80", err, sizeof(err));
        ck_assert_int_eq(http_reply_eof(&rd), -EPROTO);
        ck_assert_str_eq(err, "The server 192.0.2.1 port 80 closed the connection without replying.");
        ck_assert_int_eq(http_reply_feed(&rd, text, sizeof(text) - 1), -EPROTO);
        http_reply_free(&rd);
}
END_TEST

Suite *cli_transport_suite(void)
{
        Suite *s = suite_create("cli_transport");
        TCase *http = tcase_create("http"), *tls = tcase_create("https"), *dns = tcase_create("dns");

        tcase_add_test(http, content_length);
        tcase_add_test(http, chunked);
        tcase_add_test(http, until_close);
        tcase_add_test(http, interim_then_reply);
        tcase_add_test(http, schemes_401);
        tcase_add_test(http, ends_mid_body);
        tcase_add_test(http, ends_mid_chunks);
        tcase_add_test(http, ends_mid_head);
        tcase_add_test(http, no_reply);
        tcase_add_test(http, not_http);
        tcase_add_test(http, tls_alert_reply);
        tcase_add_test(http, bad_chunk_size);
        tcase_add_test(http, two_lengths);
        tcase_add_test(http, huge_length);
        tcase_add_test(http, huge_head);
        tcase_add_test(http, times_out);
        tcase_add_test(http, refused);
        tcase_add_test(http, unix_socket);
        tcase_add_test(http, unix_missing);
        tcase_add_test(http, basic_request);
        tcase_add_test(http, ipv6);
        tcase_add_test(http, refused_before_connecting);
        tcase_add_test(http, tls_alert_trickled);
        tcase_add_test(http, reader_any_split);
        tcase_add_test(http, reader_big_feed);
        tcase_add_test(http, reader_keeps_outcome);
        suite_add_tcase(s, http);

        tcase_add_unchecked_fixture(tls, make_certs, remove_certs);
        tcase_set_timeout(tls, 30);
        tcase_add_test(tls, https_trusted);
        tcase_add_test(tls, https_unknown_issuer);
        tcase_add_test(tls, https_wrong_name);
        tcase_add_test(tls, https_basic);
        tcase_add_test(tls, https_client_cert);
        tcase_add_test(tls, https_client_cert_renegotiated);
        tcase_add_test(tls, https_client_cert_reauth);
        tcase_add_test(tls, https_missing_files);
        tcase_add_test(tls, https_to_plain_listener);
        suite_add_tcase(s, tls);

        /* a resolver without a network can take a while to say no */
        tcase_set_timeout(dns, 60);
        tcase_add_test(dns, unresolvable);
        suite_add_tcase(s, dns);
        return s;
}
