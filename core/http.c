/* http.c - from an HTTP request to an authenticated, parsed WS-Man request.
 * Nothing reaches a provider before authentication succeeded; the identity
 * starts as nobody and only a successful check sets it. */
#include "autoconfig.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "auth.h"
#include "config.h"
#include "conn.h"
#include "dispatch.h"
#include "envelope.h"
#include "http.h"
#include "listener.h"
#include "log.h"
#include "ns.h"
#include "priv.h"
#include "request.h"
#include "trace.h"
#include "util.h"

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

static int peer_fd(struct evhttp_request *req)
{
        struct evhttp_connection *c = evhttp_request_get_connection(req);
        struct bufferevent *bev = c ? evhttp_connection_get_bufferevent(c) : NULL;

        return bev ? bufferevent_getfd(bev) : -1;
}

static bool peer_is_loopback(int fd)
{
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);

        if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
                return false;
        if (ss.ss_family == AF_INET)
                return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
        if (ss.ss_family == AF_INET6) {
                const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
                if (IN6_IS_ADDR_LOOPBACK(a))
                        return true;
                return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
        }
        return false;
}

static void send_401(struct winrmd_ctx *ctx)
{
        struct evkeyvalq *h = evhttp_request_get_output_headers(ctx->http);

        auth_add_challenges(h, ctx->transport);
        evhttp_add_header(h, "Content-Length", "0");
        request_send_status(ctx, 401, "Unauthorized");
}

/* The control socket: the peer is whoever SO_PEERCRED names. */
static int authenticate_unix(struct winrmd_ctx *ctx)
{
        struct ucred cred;
        socklen_t len = sizeof(cred);
        int fd = peer_fd(ctx->http);

        if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return -EACCES;
        if (!priv_uid_is_admin(cred.uid, config_get("service.admin_groups"))) {
                log_warn("control socket: uid %u refused (not root or an administrator)", (unsigned)cred.uid);
                return -EPERM;
        }
        priv_uid_name(cred.uid, ctx->user, sizeof(ctx->user));
        ctx->authenticated = ctx->local = ctx->is_admin = true;
        return 0;
}

/* A TCP request: Basic now; everything else is refused with a 401. */
static int authenticate_tcp(struct winrmd_ctx *ctx, struct evkeyvalq *in)
{
        const char *authz = evhttp_find_header(in, "Authorization");
        const char *anon = evhttp_find_header(in, "WSMANIDENTIFY");
        char user[AUTH_MAX_USER], pass[AUTH_MAX_PASS];
        int r;

        if (!authz) {
                if (anon && !ascii_casecmp(anon, "unauthenticated")) {
                        ctx->anonymous = true;
                        return 0;
                }
                return -EACCES;
        }
        if (strncasecmp(authz, "Basic", 5) != 0) {
                log_info("%s: authentication scheme not supported", ctx->lst->desc);
                return -EACCES;
        }
        if (!auth_basic_allowed(ctx->transport)) {
                log_warn("%s: Basic refused: unencrypted Basic is not allowed (AllowUnencrypted)",
                         ctx->lst->desc);
                return -EACCES;
        }
        if (auth_parse_basic(authz, user, pass) < 0) {
                log_warn("%s: malformed Basic credentials", ctx->lst->desc);
                return -EACCES;
        }
        r = auth_check_password(user, pass, &ctx->is_admin);
        wipe(pass, sizeof(pass));
        if (r < 0) {
                log_warn("%s: authentication failed for user \"%s\"", ctx->lst->desc, user);
                return -EACCES;
        }
        snprintf(ctx->user, sizeof(ctx->user), "%s", user);
        ctx->authenticated = true;
        ctx->local = peer_is_loopback(peer_fd(ctx->http));
        return 0;
}

static void send_parse_fault(struct winrmd_ctx *ctx, const struct env_error *err)
{
        if (request_reply_begin(ctx, fault_action(err->fault)) < 0) {
                request_send_status(ctx, 500, "Internal Server Error");
                return;
        }
        if (err->message_id[0])
                ctx->relates_to = strdup(err->message_id);
        if (err->fault == F_MUST_UNDERSTAND) {
                sbuf_adds(&ctx->hdr, "<s:NotUnderstood qname=\"h:");
                sbuf_add_escaped(&ctx->hdr, err->nu_name, true);
                sbuf_adds(&ctx->hdr, "\" xmlns:h=\"");
                sbuf_add_escaped(&ctx->hdr, err->nu_ns, true);
                sbuf_adds(&ctx->hdr, "\"/>");
        }
        if (request_fault_text(ctx, err->fault, NULL) < 0) {
                request_send_status(ctx, 500, "Internal Server Error");
                return;
        }
        request_send(ctx, 500);
}

void http_handle(struct evhttp_request *req, void *arg)
{
        const struct listener *lst = arg;
        struct winrmd_ctx *ctx = request_new(req, lst);
        struct evkeyvalq *in = evhttp_request_get_input_headers(req);
        struct evbuffer *body = evhttp_request_get_input_buffer(req);
        struct env_error err = { .fault = F_INTERNAL };
        size_t len;
        const char *data;
        int r;

        if (!ctx) {
                evhttp_send_error(req, 503, "Service Unavailable");
                return;
        }
        ctx->transport = lst->transport;
        if (!evhttp_request_get_uri(req)) {
                /* evhttp gave up on the request: a body over its limit or
                 * malformed HTTP. */
                if (evhttp_request_get_response_code(req) == HTTP_ENTITYTOOLARGE)
                        request_send_fault(ctx, F_ENCODING_LIMIT, NULL);
                else
                        request_send_status(ctx, 400, "Bad Request");
                return;
        }
        if (!http_path_matches(evhttp_request_get_uri(req),
                               lst->url_prefix[0] ? lst->url_prefix : config_get("client.url_prefix"))) {
                request_send_status(ctx, 404, "Not Found");
                return;
        }
        if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
                evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "POST");
                request_send_status(ctx, 405, "Method Not Allowed");
                return;
        }
        r = lst->kind == LISTENER_UNIX ? authenticate_unix(ctx) : authenticate_tcp(ctx, in);
        if (r == -EPERM) {
                request_send_status(ctx, 403, "Forbidden");
                return;
        }
        if (r < 0) {
                send_401(ctx);
                return;
        }
        len = evbuffer_get_length(body);
        if (len == 0 && !ctx->anonymous) {
                request_send_status(ctx, 200, "OK");
                return;
        }
        if (!http_is_soap_type(evhttp_find_header(in, "Content-Type"))) {
                request_send_status(ctx, 415, "Unsupported Media Type");
                return;
        }
        /* MaxConnections: requests received and being answered on TCP
         * listeners (half-sent ones and idle connections do not count; the
         * control socket is never refused, so administrators can act). */
        if (lst->kind == LISTENER_TCP) {
                request_count_tcp(ctx);
                if (request_tcp_active() > (unsigned long)config_long("service.max_connections")) {
                        request_send_fault(ctx, F_QUOTA_LIMIT,
                                           "The WS-Management service cannot process the request because "
                                           "the number of active requests exceeds MaxConnections.");
                        return;
                }
        }
        if (len > (size_t)config_long("max_envelope_kb") * 1024) {
                request_send_fault(ctx, F_ENCODING_LIMIT, NULL);
                return;
        }
        data = (const char *)evbuffer_pullup(body, -1);
        if (config_bool("soap_trace"))
                trace_message("request", data, len);
        if (env_parse(data, len, &ctx->env, &err) < 0) {
                if (ctx->anonymous) {
                        send_401(ctx);
                        return;
                }
                send_parse_fault(ctx, &err);
                return;
        }
        if (ctx->anonymous && !ctx->env->is_identify) {
                send_401(ctx);
                return;
        }
        dispatch(ctx);
}
