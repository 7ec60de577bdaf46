/* target.c - the winrm command's destination, credentials and Client
 * settings (see target.h).
 *
 * -r: takes a host, host:port, [IPv6]:port, an IPv6 address, or a whole
 * http(s)://host:port/path URL.  Without a port, the Client section's
 * port for the scheme; without a path, "/" + its URLPrefix.  HTTPS when
 * the URL says so or -usessl is given.  Basic is sent over plain HTTP only
 * when the Client section allows unencrypted Basic, or with -unencrypted
 * when it allows unencrypted traffic.  A client certificate is a PEM path
 * (its key in the same file or beside it as .key) or a thumbprint found
 * among $XDG_CONFIG_HOME/winrm/certs/NAME.pem (NAME.key beside). */
#include "autoconfig.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "request.h"
#include "target.h"

#define SEED_CONFIG "wsman:microsoft.com/wsman/2005/06/config"
#define T_GET "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
        return -1;
}

const char *target_socket(const struct cli_cmd *c)
{
        const char *env = getenv("WINRMD_SOCKET");

        if (c->socket)
                return c->socket;
        return env && *env ? env : DEFAULT_SOCKET;
}

/* A decimal port 1..65535 in s[0..n). */
static int parse_port(const char *s, size_t n, int *out)
{
        int v = 0;

        if (n == 0 || n > 5)
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (!isdigit((unsigned char)s[i]))
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        if (v < 1 || v > 65535)
                return -1;
        *out = v;
        return 0;
}

/* --- the Client section ----------------------------------------------------- */

/* The text of the element at path (local names, '/'-separated) below e. */
static const char *text_at(xmlNode *e, const char *path, char *buf, size_t len)
{
        char name[64];
        const char *slash;
        size_t n;

        while (e && *path) {
                slash = strchr(path, '/');
                n = slash ? (size_t)(slash - path) : strlen(path);
                if (n >= sizeof(name))
                        return NULL;
                memcpy(name, path, n);
                name[n] = '\0';
                for (e = e->children; e && (e->type != XML_ELEMENT_NODE || strcmp((const char *)e->name, name));
                     e = e->next)
                        ;
                path = slash ? slash + 1 : "";
        }
        if (!e)
                return NULL;
        {
                xmlChar *t = xmlNodeGetContent(e);
                snprintf(buf, len, "%s", t ? (const char *)t : "");
                xmlFree(t);
        }
        return buf;
}

static bool is_true(const char *v)
{
        return v && (!strcasecmp(v, "true") || !strcmp(v, "1"));
}

/* The seed's Config/Client from the local agent, if it answers. */
static void read_seed_client(const char *socket_path, struct client_cfg *out)
{
        struct wsman_target t = { .socket_path = socket_path, .path = "/wsman", .timeout_ms = 5000 };
        struct req_head h = { .to = "http://localhost/wsman", .uri = SEED_CONFIG, .timeout_ms = 5000 };
        struct wsman_reply r = { 0 };
        char err[256], buf[256];
        char *env = req_envelope(T_GET, &h, "");
        xmlDoc *doc = NULL;
        xmlNode *cfg = NULL;

        if (!env)
                return;
        if (wsman_post(&t, env, strlen(env), &r, err, sizeof(err)) == 0 && r.status == 200)
                doc = req_parse_reply(r.body, r.len);
        free(env);
        wsman_reply_free(&r);
        if (doc && xmlDocGetRootElement(doc)) {
                for (xmlNode *b = xmlDocGetRootElement(doc)->children; b; b = b->next)
                        if (b->type == XML_ELEMENT_NODE && !strcmp((const char *)b->name, "Body"))
                                cfg = b->children;
        }
        if (cfg && !strcmp((const char *)cfg->name, "Config")) {
                if (text_at(cfg, "Client/HTTP/Port", buf, sizeof(buf)))
                        (void)parse_port(buf, strlen(buf), &out->http_port);
                if (text_at(cfg, "Client/HTTPS/Port", buf, sizeof(buf)))
                        (void)parse_port(buf, strlen(buf), &out->https_port);
                if (text_at(cfg, "Client/URLPrefix", buf, sizeof(buf)))
                        snprintf(out->url_prefix, sizeof(out->url_prefix), "%.127s", buf);
                if (text_at(cfg, "Client/NetworkDelayms", buf, sizeof(buf)))
                        out->network_delay_ms = strtol(buf, NULL, 10) > 0 ? strtol(buf, NULL, 10) : 5000;
                out->basic = is_true(text_at(cfg, "Client/HTTPS/Basic", buf, sizeof(buf)));
                out->unencrypted_basic = is_true(text_at(cfg, "Client/HTTP/Unencrypted/Basic", buf, sizeof(buf)));
                out->from_agent = true;
        }
        xmlFreeDoc(doc);
}

/* Today's Client/AllowUnencrypted, which the seed's view does not show. */
static void read_allow_unencrypted(const char *socket_path, struct client_cfg *out)
{
        struct wsman_target t = { .socket_path = socket_path, .path = "/wsman", .timeout_ms = 5000 };
        struct req_head h = { .to = "http://localhost/wsman", .uri = WSMAN_URI_PREFIX "config/client",
                              .timeout_ms = 5000 };
        struct wsman_reply r = { 0 };
        char err[256], buf[64];
        char *env = req_envelope(T_GET, &h, "");
        xmlDoc *doc = NULL;

        if (!env)
                return;
        if (wsman_post(&t, env, strlen(env), &r, err, sizeof(err)) == 0 && r.status == 200)
                doc = req_parse_reply(r.body, r.len);
        free(env);
        wsman_reply_free(&r);
        if (doc && xmlDocGetRootElement(doc))
                out->allow_unencrypted = is_true(text_at(xmlDocGetRootElement(doc), "Body/Client/AllowUnencrypted",
                                                         buf, sizeof(buf)));
        xmlFreeDoc(doc);
}

void client_cfg_read(const char *socket_path, struct client_cfg *out)
{
        /* the seed's defaults, as a store without Client keys holds them */
        *out = (struct client_cfg){ .http_port = 80, .https_port = 443, .url_prefix = "wsman",
                                    .network_delay_ms = 5000, .basic = true };
        if (access(socket_path, W_OK) < 0)
                return;
        read_seed_client(socket_path, out);
        if (out->from_agent)
                read_allow_unencrypted(socket_path, out);
}

/* --- -r: -------------------------------------------------------------------- */

/* host[:port] or [v6][:port] or a bare IPv6 address at s (up to a '/'). */
static int parse_hostport(const char *s, struct target *o, int *port, char *err, size_t len)
{
        const char *end = s + strcspn(s, "/"), *colon;
        size_t n;

        if (*s == '[') {
                const char *close = memchr(s, ']', (size_t)(end - s));
                if (!close || close == s + 1)
                        return fail(err, len, "The target \"%.80s\" has an unclosed '['.", s);
                n = (size_t)(close - s - 1);
                if (n >= sizeof(o->host))
                        return fail(err, len, "The host name is too long.");
                memcpy(o->host, s + 1, n);
                o->host[n] = '\0';
                if (close + 1 < end && (close[1] != ':' || parse_port(close + 2, (size_t)(end - close - 2), port) < 0))
                        return fail(err, len, "The port in \"%.80s\" is not a port number.", s);
                return 0;
        }
        colon = memchr(s, ':', (size_t)(end - s));
        if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1)))
                colon = NULL;           /* an IPv6 address without a port */
        n = colon ? (size_t)(colon - s) : (size_t)(end - s);
        if (n == 0 || n >= sizeof(o->host))
                return fail(err, len, "The target \"%.80s\" has no host name.", s);
        memcpy(o->host, s, n);
        o->host[n] = '\0';
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char)o->host[i]) && !strchr(".-_:%", o->host[i]))
                        return fail(err, len, "\"%.80s\" is not a host name or address.", o->host);
        if (colon && parse_port(colon + 1, (size_t)(end - colon - 1), port) < 0)
                return fail(err, len, "The port in \"%.80s\" is not a port number.", s);
        return 0;
}

static int parse_remote(const char *r, const struct cli_cmd *c, const struct client_cfg *cfg, struct target *o,
                        char *err, size_t len)
{
        const char *rest = r, *slash;
        int port = 0;

        o->t.https = c->usessl;
        if (!strncasecmp(r, "https://", 8)) {
                o->t.https = true;
                rest = r + 8;
        } else if (!strncasecmp(r, "http://", 7)) {
                if (c->usessl)
                        return fail(err, len, "-usessl contradicts the http:// URL \"%.80s\".", r);
                rest = r + 7;
        }
        if (parse_hostport(rest, o, &port, err, len) < 0)
                return -1;
        slash = strchr(rest, '/');
        if (slash && rest != r && slash[1])
                snprintf(o->path, sizeof(o->path), "%s", slash);
        else
                snprintf(o->path, sizeof(o->path), "/%s", cfg->url_prefix);
        o->t.port = port ? port : o->t.https ? cfg->https_port : cfg->http_port;
        snprintf(o->url, sizeof(o->url), "%s://%s%s%s:%d%s", o->t.https ? "https" : "http",
                 strchr(o->host, ':') ? "[" : "", o->host, strchr(o->host, ':') ? "]" : "", o->t.port, o->path);
        return 0;
}

/* --- credentials ---------------------------------------------------------------- */

/* Reads a password from the terminal without echo. */
static int prompt_password(const char *user, char *out, size_t len)
{
        struct termios old, quiet;
        int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        FILE *tty;
        bool ok;

        if (fd < 0)
                return -1;
        tty = fdopen(fd, "r+");
        if (!tty) {
                close(fd);
                return -1;
        }
        fprintf(tty, "Password for %s: ", user);
        fflush(tty);
        if (tcgetattr(fd, &old) < 0) {
                fclose(tty);
                return -1;
        }
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(fd, TCSAFLUSH, &quiet);
        ok = fgets(out, (int)len, tty) != NULL;
        tcsetattr(fd, TCSAFLUSH, &old);
        fputc('\n', tty);
        fclose(tty);
        if (!ok)
                return -1;
        out[strcspn(out, "\r\n")] = '\0';
        return 0;
}

static int password_for(const struct cli_cmd *c, struct target *o, char *err, size_t len)
{
        const char *env = getenv("WINRM_PASSWORD");

        if (c->password)
                snprintf(o->password, sizeof(o->password), "%s", c->password);
        else if (env)
                snprintf(o->password, sizeof(o->password), "%s", env);
        else if (!isatty(STDIN_FILENO) || prompt_password(c->username, o->password, sizeof(o->password)) < 0)
                return fail(err, len, "No password for %.64s: give -p:, set WINRM_PASSWORD, or run in a terminal.",
                            c->username);
        o->t.password = o->password;
        return 0;
}

/* The SHA-1 thumbprint of the first certificate in a PEM file. */
static bool thumbprint_of(const char *path, char out[41])
{
        gnutls_datum_t d = { 0 };
        gnutls_x509_crt_t crt;
        unsigned char md[20];
        size_t n = sizeof(md);
        bool ok = false;

        if (gnutls_load_file(path, &d) < 0)
                return false;
        if (gnutls_x509_crt_init(&crt) == 0) {
                if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) == 0 &&
                    gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA1, md, &n) == 0 && n == 20) {
                        for (size_t i = 0; i < 20; i++)
                                snprintf(out + 2 * i, 3, "%02x", md[i]);
                        ok = true;
                }
                gnutls_x509_crt_deinit(crt);
        }
        gnutls_free(d.data);
        return ok;
}

static void cert_dir(char *out, size_t len)
{
        const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

        if (x && *x)
                snprintf(out, len, "%s/winrm/certs", x);
        else
                snprintf(out, len, "%s/.config/winrm/certs", home && *home ? home : "/");
}

/* A thumbprint (40 hex digits, blanks allowed) in the certificate folder. */
static int find_by_thumbprint(const char *want, struct target *o, char *err, size_t len)
{
        char dir[PATH_MAX], thumb[41], hex[41];
        struct dirent *de;
        size_t k = 0;
        DIR *d;

        for (const char *p = want; *p && k < 40; p++)
                if (*p != ' ')
                        hex[k++] = (char)tolower((unsigned char)*p);
        hex[k] = '\0';
        cert_dir(dir, sizeof(dir));
        d = opendir(dir);
        while (d && (de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (de->d_name[0] == '.' || n < 5 || strcmp(de->d_name + n - 4, ".pem"))
                        continue;
                snprintf(o->cert, sizeof(o->cert), "%.700s/%.300s", dir, de->d_name);
                if (thumbprint_of(o->cert, thumb) && !strcmp(thumb, hex)) {
                        snprintf(o->key, sizeof(o->key), "%.700s/%.*s.key", dir, (int)(n - 4 > 300 ? 300 : n - 4), de->d_name);
                        closedir(d);
                        return 0;
                }
        }
        if (d)
                closedir(d);
        return fail(err, len, "No certificate with the thumbprint %s in %s (NAME.pem with NAME.key).", hex, dir);
}

static bool is_thumbprint(const char *s)
{
        size_t n = 0;

        for (; *s; s++) {
                if (*s == ' ')
                        continue;
                if (!isxdigit((unsigned char)*s))
                        return false;
                n++;
        }
        return n == 40;
}

/* -certificate:PATH or THUMBPRINT into o->cert and o->key. */
static int find_certificate(const char *spec, struct target *o, char *err, size_t len)
{
        gnutls_datum_t d = { 0 };
        bool has_key;
        char *dot;

        if (is_thumbprint(spec))
                return find_by_thumbprint(spec, o, err, len);
        if (gnutls_load_file(spec, &d) < 0)
                return fail(err, len, "The certificate file %.200s cannot be read.", spec);
        has_key = memmem(d.data, d.size, "PRIVATE KEY-----", 16) != NULL;
        gnutls_free(d.data);
        snprintf(o->cert, sizeof(o->cert), "%s", spec);
        snprintf(o->key, sizeof(o->key), "%s", spec);
        if (has_key)
                return 0;
        dot = strrchr(o->key, '.');
        if (dot && !strchr(dot, '/'))
                *dot = '\0';
        strncat(o->key, ".key", sizeof(o->key) - strlen(o->key) - 1);
        if (access(o->key, R_OK) < 0)
                return fail(err, len, "The certificate %.200s has no key in it and no %.200s beside it.", spec, o->key);
        return 0;
}

/* -a: and the Client section decide what is sent. */
static int choose_auth(const struct cli_cmd *c, const struct client_cfg *cfg, struct target *o, char *err,
                       size_t len)
{
        const char *a = c->auth ? c->auth : c->certificate ? "certificate" : c->username ? "basic" : NULL;

        if (!a)
                return fail(err, len, "A remote request needs credentials: -u:USER (Basic) or -a:certificate "
                            "-certificate:..., or -a:none for identify.");
        if (!strcasecmp(a, "none")) {
                o->t.auth = WSMAN_AUTH_NONE;
                return 0;
        }
        if (!strcasecmp(a, "certificate")) {
                if (!o->t.https)
                        return fail(err, len, "Certificate authentication needs HTTPS (-usessl or an https:// URL).");
                if (!c->certificate)
                        return fail(err, len, "-a:certificate needs -certificate:PATH or a thumbprint.");
                o->t.auth = WSMAN_AUTH_CERTIFICATE;
                if (find_certificate(c->certificate, o, err, len) < 0)
                        return -1;
                o->t.cert_file = o->cert;
                o->t.key_file = o->key;
                return 0;
        }
        if (!strcasecmp(a, "basic")) {
                if (!c->username)
                        return fail(err, len, "Basic authentication needs -u:USER.");
                if (strchr(c->username, ':') || strpbrk(c->username, "\r\n\t"))
                        return fail(err, len, "A user name for Basic cannot hold ':' or control characters.");
                if (!cfg->basic)
                        return fail(err, len, "The Client configuration does not allow Basic (Client/Auth/Basic = false).");
                if (!o->t.https && !cfg->unencrypted_basic && !(c->unencrypted && cfg->allow_unencrypted))
                        return fail(err, len, "Basic over plain HTTP would send the password in clear text, and the "
                                    "Client configuration does not allow it (Client/HTTP/Unencrypted/Basic, or "
                                    "-unencrypted with Client/AllowUnencrypted): use -usessl.");
                o->t.auth = WSMAN_AUTH_BASIC;
                o->t.user = c->username;
                return password_for(c, o, err, len);
        }
        if (!strcasecmp(a, "negotiate") || !strcasecmp(a, "kerberos") || !strcasecmp(a, "digest") ||
            !strcasecmp(a, "credssp") || !strcasecmp(a, "default"))
                return fail(err, len, "Authentication %.32s is not available in this winrm; use Basic over HTTPS or a certificate.", a);
        return fail(err, len, "\"%.32s\" is not an authentication scheme (Basic, Certificate, None).", a);
}

int target_resolve(const struct cli_cmd *c, const struct client_cfg *cfg, struct target *out, char *err,
                   size_t err_len)
{
        memset(out, 0, sizeof(*out));
        out->t.timeout_ms = (c->timeout_ms > 0 ? c->timeout_ms : 60000) + cfg->network_delay_ms;
        out->t.skip_ca = c->skip_ca;
        out->t.skip_cn = c->skip_cn;
        out->t.ca_file = c->cafile;
        if (!c->remote) {
                out->local = true;
                snprintf(out->socket_path, sizeof(out->socket_path), "%s", target_socket(c));
                snprintf(out->path, sizeof(out->path), "/wsman");
                snprintf(out->url, sizeof(out->url), "http://localhost/wsman");
                out->t.socket_path = out->socket_path;
                out->t.path = out->path;
                if (c->auth && strcasecmp(c->auth, "none"))
                        return fail(err, err_len, "The local agent knows you by your user id: -a: needs -r:.");
                return 0;
        }
        if (parse_remote(c->remote, c, cfg, out, err, err_len) < 0)
                return -1;
        out->t.host = out->host;
        out->t.path = out->path;
        return choose_auth(c, cfg, out, err, err_len);
}

void target_clear(struct target *t)
{
        volatile char *p = t->password;

        for (size_t i = 0; i < sizeof(t->password); i++)
                p[i] = 0;
}
