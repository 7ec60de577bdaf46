/* http.c - the front door: from a request head to an authenticated, parsed
 * WS-Man request.
 *
 * The order is fixed and reads top-down:
 *   head:  path, method, encoding; then who is asking (SO_PEERCRED on the
 *          control socket; on TCP Basic, from the cache or, off the loop,
 *          from the monitor, or over HTTPS a verified client certificate
 *          that some mapping names); then the size announced against the
 *          exact limit, MaxConnections, and only then is the body read;
 *   body:  the envelope is parsed; a certificate becomes the account its
 *          mapping for this resource URI names, once the monitor's PAM
 *          account check agrees; then it is dispatched.
 * Nothing reaches a provider before authentication succeeded: the identity
 * starts as nobody, and only a successful check sets it. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "certmap.h"
#include "config.h"
#include "conn.h"
#include "dispatch.h"
#include "envelope.h"
#include "http.h"
#include "http_parse.h"
#include "listener.h"
#include "log.h"
#include "login.h"
#include "pending.h"
#include "priv.h"
#include "request.h"
#include "tls.h"
#include "trace.h"
#include "util.h"

/* An unauthenticated Identify is small; nothing bigger is read without
 * credentials. */
#define ANONYMOUS_BODY_MAX (16 * 1024)
#define MUTUAL_PROFILE "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual"

int http_path_matches(const char *path, const char *prefix)
{
        size_t n = strlen(prefix), len;

        if (!path || path[0] != '/')
                return 0;
        path++;
        len = strcspn(path, "?#");
        if (len == n + 1 && path[n] == '/')
                len--;
        return len == n && !strncmp(path, prefix, n);
}

int http_is_soap_type(const char *ct)
{
        static const char want[] = "application/soap+xml";

        if (!ct)
                return 0;
        while (*ct == ' ')
                ct++;
        if (strncasecmp(ct, want, sizeof(want) - 1))
                return 0;
        ct += sizeof(want) - 1;
        while (*ct == ' ')
                ct++;
        return *ct == '\0' || *ct == ';';
}

static void send_401(struct winrmd_ctx *ctx)
{
        char h[256];

        auth_challenges(ctx->in.transport, h, sizeof(h));
        request_send_http(ctx, 401, "Unauthorized", h);
}

/* The control socket: the peer is whoever SO_PEERCRED named at accept. */
static int authenticate_unix(struct winrmd_ctx *ctx)
{
        uid_t uid;

        if (conn_peer_uid(ctx->in.conn, &uid) < 0)
                return -EACCES;
        if (!priv_uid_is_admin(uid, config_get("service.admin_groups"))) {
                log_warn("control socket: uid %u refused (not root or an administrator)", (unsigned)uid);
                return -EPERM;
        }
        priv_uid_name(uid, ctx->in.user, sizeof(ctx->in.user));
        ctx->in.authenticated = ctx->in.local = ctx->in.is_admin = true;
        return 0;
}

static void after_auth(struct winrmd_ctx *ctx);

/* The monitor's answer to a password check. */
static void login_done(void *arg, int result, bool is_admin)
{
        struct winrmd_ctx *ctx = arg;

        ctx->in.login = NULL;
        if (result == -EAGAIN || result == -EIO || result == -ETIMEDOUT) {
                log_err("%s: password check for user %s failed: %s", LQ(conn_peer(ctx->in.conn)),
                        LQ(ctx->in.pending_user), strerror(-result));
                request_send_http(ctx, 503, "Service Unavailable", "Retry-After: 5\r\n");
                return;
        }
        if (result < 0) {
                log_warn("%s: authentication failed for user %s", LQ(conn_peer(ctx->in.conn)),
                         LQ(ctx->in.pending_user));
                send_401(ctx);
                return;
        }
        auth_cache_store(ctx->in.pending_user, ctx->in.pending_pass, is_admin);
        wipe(ctx->in.pending_pass, sizeof(ctx->in.pending_pass));
        snprintf(ctx->in.user, sizeof(ctx->in.user), "%s", ctx->in.pending_user);
        ctx->in.is_admin = is_admin;
        ctx->in.authenticated = true;
        after_auth(ctx);
}

/* Over HTTPS with Service/Auth/Certificate: a client certificate that
 * verifies and that some certmapping record names (which one, and so the
 * account, depends on the resource URI: decided once the body is read).
 * 0 or -EACCES. */
static int authenticate_certificate(struct winrmd_ctx *ctx)
{
        const char *peer = conn_peer(ctx->in.conn);
        struct tls_conn *t = conn_tls(ctx->in.conn);
        char why[256] = "", user[256];
        int r;

        if (!t || !config_bool("service.auth.certificate")) {
                log_warn("%s: certificate authentication refused: %s", LQ(peer),
                         t ? "Service/Auth/Certificate is false" : "it needs HTTPS");
                return -EACCES;
        }
        ctx->in.cert = calloc(1, sizeof(*ctx->in.cert));
        if (!ctx->in.cert)
                return -EACCES;
        r = tls_peer_certificate(t, ctx->in.cert, why, sizeof(why));
        if (r < 0) {
                log_warn("%s: certificate authentication failed: %s", LQ(peer),
                         r == -ENOENT ? "no client certificate was sent" : LQ(why));
                return -EACCES;
        }
        if (certmap_find(ctx->in.cert, NULL, user, sizeof(user)) < 0) {
                log_warn("%s: certificate of %s (issuer %s) maps to no account", LQ(peer),
                         LQ(ctx->in.cert->subject), ctx->in.cert->issuer);
                return -EACCES;
        }
        ctx->in.authenticated = true;   /* the account is known with the body */
        return 0;
}

/* The monitor's answer for the certificate's account. */
static void certificate_login_done(void *arg, int result, bool is_admin)
{
        struct winrmd_ctx *ctx = arg;

        ctx->in.login = NULL;
        if (result == -EAGAIN || result == -EIO || result == -ETIMEDOUT) {
                request_send_http(ctx, 503, "Service Unavailable", "Retry-After: 5\r\n");
                return;
        }
        if (result < 0) {
                log_warn("%s: account %s refused by PAM for a certificate login", LQ(conn_peer(ctx->in.conn)),
                         LQ(ctx->in.pending_user));
                send_401(ctx);
                return;
        }
        snprintf(ctx->in.user, sizeof(ctx->in.user), "%s", ctx->in.pending_user);
        ctx->in.is_admin = is_admin;
        dispatch(ctx);
}

/* The mapping for this resource URI names the account; PAM's account
 * management (expired, locked, pam_access) must accept it. */
static void certificate_account(struct winrmd_ctx *ctx)
{
        const char *uri = ctx->in.env->resource_uri ? ctx->in.env->resource_uri : "";
        const char *peer = conn_peer(ctx->in.conn);
        int r;

        if (certmap_find(ctx->in.cert, uri, ctx->in.pending_user, sizeof(ctx->in.pending_user)) < 0) {
                log_warn("%s: certificate of %s maps to no account for %s", LQ(peer),
                         LQ(ctx->in.cert->subject), LQ(uri));
                request_send_fault(ctx, F_ACCESS_DENIED, NULL);
                return;
        }
        r = login_start(ctx->in.pending_user, NULL, peer, certificate_login_done, ctx, &ctx->in.login);
        if (r < 0)      /* too many checks under way, or no monitor */
                request_send_http(ctx, 503, "Service Unavailable", "Retry-After: 5\r\n");
}

/* A TCP request: Basic now; everything else is refused with a 401.
 * 0 when decided now (authenticated or anonymous Identify), -EINPROGRESS
 * when the monitor checks the password, -EAGAIN when too many checks are
 * under way, -EACCES when refused. */
static int authenticate_tcp(struct winrmd_ctx *ctx, const struct hp_head *h)
{
        const char *authz = hp_header(h, "Authorization");
        const char *anon = hp_header(h, "WSMANIDENTIFY");
        const char *peer = conn_peer(ctx->in.conn);
        char user[AUTH_MAX_USER], pass[AUTH_MAX_PASS];
        bool admin = false;
        int r;

        if (!authz) {
                if (anon && !ascii_casecmp(anon, "unauthenticated")) {
                        ctx->in.anonymous = true;
                        return 0;
                }
                return -EACCES;
        }
        if (!ascii_casecmp(authz, MUTUAL_PROFILE))
                return authenticate_certificate(ctx);
        if (strncasecmp(authz, "Basic", 5) != 0) {
                log_info("%s: authentication scheme not supported", LQ(peer));
                return -EACCES;
        }
        if (!auth_basic_allowed(ctx->in.transport)) {
                log_warn("%s: Basic refused: unencrypted Basic is not allowed (AllowUnencrypted)", LQ(peer));
                return -EACCES;
        }
        if (auth_parse_basic(authz, user, pass) < 0) {
                log_warn("%s: malformed Basic credentials", LQ(peer));
                return -EACCES;
        }
        if (auth_cache_lookup(user, pass, &admin)) {
                wipe(pass, sizeof(pass));
                snprintf(ctx->in.user, sizeof(ctx->in.user), "%s", user);
                ctx->in.is_admin = admin;
                ctx->in.authenticated = true;
                return 0;
        }
        r = login_start(user, pass, peer, login_done, ctx, &ctx->in.login);
        if (r == 0) {
                /* kept for the cache when the monitor says yes */
                snprintf(ctx->in.pending_user, sizeof(ctx->in.pending_user), "%s", user);
                memcpy(ctx->in.pending_pass, pass, sizeof(ctx->in.pending_pass));
        }
        wipe(pass, sizeof(pass));
        if (r == -EAGAIN)
                log_warn("%s: too many password checks under way; user %s asked to retry", LQ(peer), LQ(user));
        return r == 0 ? -EINPROGRESS : r == -EAGAIN ? -EAGAIN : -EACCES;
}

/* The body's limit: MaxEnvelopeSizekb, or less for an anonymous Identify. */
static size_t body_limit(const struct winrmd_ctx *ctx)
{
        size_t limit = (size_t)config_long("max_envelope_kb") * 1024;

        return ctx->in.anonymous && limit > ANONYMOUS_BODY_MAX ? ANONYMOUS_BODY_MAX : limit;
}

/* Who is asking is known: what the head says decides whether to read on. */
static void after_auth(struct winrmd_ctx *ctx)
{
        const struct hp_head *h = ctx->in.head;
        bool empty = h->content_length <= 0 && !h->chunked;

        if (ctx->in.authenticated)
                conn_set_authenticated(ctx->in.conn);
        if (empty && !ctx->in.anonymous) {
                /* pywinrm's encryption set-up POST: authenticated, empty */
                request_send_http(ctx, 200, "OK", NULL);
                return;
        }
        if (empty) {
                send_401(ctx);
                return;
        }
        if (!http_is_soap_type(hp_header(h, "Content-Type"))) {
                request_send_http(ctx, 415, "Unsupported Media Type", NULL);
                return;
        }
        if (h->content_length > 0 && (uint64_t)h->content_length > body_limit(ctx)) {
                if (ctx->in.anonymous)
                        send_401(ctx);
                else
                        request_send_fault(ctx, F_ENCODING_LIMIT, NULL);
                return;
        }
        conn_read_body(ctx->in.conn, body_limit(ctx));
}

static void on_head(struct conn *c, const struct hp_head *h)
{
        const struct listen_info *l = conn_listener(c);
        struct winrmd_ctx *ctx = request_new(c);
        int r;

        if (!ctx) {
                conn_close_after(c);
                conn_reply(c, 503, "Service Unavailable", NULL, NULL, 0);
                return;
        }
        conn_set_data(c, ctx);
        ctx->in.head = h;
        ctx->in.transport = l->transport;
        if (!http_path_matches(h->path, l->url_prefix[0] ? l->url_prefix : config_get("client.url_prefix"))) {
                request_send_http(ctx, 404, "Not Found", NULL);
                return;
        }
        if (h->method != HTTP_POST) {
                request_send_http(ctx, 405, "Method Not Allowed", "Allow: POST\r\n");
                return;
        }
        if (hp_header(h, "Content-Encoding")) {
                request_send_http(ctx, 415, "Unsupported Media Type", NULL);
                return;
        }
        r = l->kind == LISTENER_UNIX ? authenticate_unix(ctx) : authenticate_tcp(ctx, h);
        switch (r) {
        case 0:
                after_auth(ctx);
                break;
        case -EINPROGRESS:
                break;          /* login_done() goes on */
        case -EPERM:
                request_send_http(ctx, 403, "Forbidden", NULL);
                break;
        case -EAGAIN:
                request_send_http(ctx, 503, "Service Unavailable", "Retry-After: 5\r\n");
                break;
        default:
                send_401(ctx);
                break;
        }
}

/* A request that is not an envelope we take: the fault says why, relates
 * to its MessageID if that was read, and names the header not understood. */
static void send_parse_fault(struct winrmd_ctx *ctx, const struct env_error *err)
{
        if (err->message_id[0])
                ctx->out.relates_to = strdup(err->message_id);
        ctx->in.ns_2005 = err->ns_2005;
        if (err->fault == F_MUST_UNDERSTAND) {
                struct sbuf *h = &ctx->out.hdr;
                sbuf_adds(h, "<s:NotUnderstood qname=\"h:");
                sbuf_add_escaped(h, err->nu_name, true);
                sbuf_adds(h, "\" xmlns:h=\"");
                sbuf_add_escaped(h, err->nu_ns, true);
                sbuf_adds(h, "\"/>");
        }
        request_send_fault(ctx, err->fault, NULL);
}

static void on_body(struct conn *c, const char *data, size_t len)
{
        struct winrmd_ctx *ctx = conn_data(c);
        struct env_error err = { .fault = F_INTERNAL };

        if (!data) {
                /* a chunked body grew past the limit */
                if (ctx->in.anonymous)
                        send_401(ctx);
                else
                        request_send_fault(ctx, F_ENCODING_LIMIT, NULL);
                return;
        }
        if (len == 0) {
                if (ctx->in.anonymous)
                        send_401(ctx);
                else
                        request_send_http(ctx, 200, "OK", NULL);
                return;
        }
        /* MaxConnections: requests received and being answered on TCP
         * listeners (half-sent ones and idle connections do not count; the
         * control socket is never refused, so administrators can act). */
        if (conn_listener(c)->kind == LISTENER_TCP) {
                request_count_tcp(ctx);
                if (request_tcp_active() > (unsigned long)config_long("service.max_connections")) {
                        request_send_fault(ctx, F_QUOTA_LIMIT,
                                           "The WS-Management service cannot process the request because "
                                           "the number of active requests exceeds MaxConnections.");
                        return;
                }
        }
        if (config_bool("soap_trace"))
                trace_message("request", data, len);
        if (env_parse(data, len, &ctx->in.env, &err) < 0) {
                if (ctx->in.anonymous) {
                        send_401(ctx);
                        return;
                }
                send_parse_fault(ctx, &err);
                return;
        }
        if (ctx->in.anonymous && !ctx->in.env->is_identify) {
                send_401(ctx);
                return;
        }
        if (ctx->in.cert) {
                certificate_account(ctx);       /* dispatches when PAM agrees */
                return;
        }
        dispatch(ctx);
}

/* The connection ends while we hold its request. */
static void on_abort(struct conn *c)
{
        struct winrmd_ctx *ctx = conn_data(c);

        if (!ctx)
                return;
        if (ctx->in.login) {
                login_cancel(ctx->in.login);
                ctx->in.login = NULL;
        }
        if (ctx->st.pending)
                pending_abandon(ctx);
        else
                request_free(ctx);
}

const struct conn_handler http_handler = {
        .head = on_head,
        .body = on_body,
        .abort = on_abort,
};
