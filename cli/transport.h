/* transport.h - one WS-Man exchange for the winrm command: an HTTP/1.1 POST
 * of an envelope to the local agent's control socket, or to a remote
 * service over HTTP or HTTPS (GnuTLS), with Basic or client-certificate
 * authentication, and the reply read whole. */
#ifndef WINRM_TRANSPORT_H
#define WINRM_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

enum wsman_auth {
        WSMAN_AUTH_NONE,            /* no Authorization (the control socket, or -auth:none) */
        WSMAN_AUTH_BASIC,
        WSMAN_AUTH_CERTIFICATE      /* TLS client certificate + the https/mutual header */
};

/* Where and how to send (strings borrowed for the call). */
struct wsman_target {
        const char *socket_path;    /* the local agent's control socket; NULL: TCP */
        bool https;
        const char *host;           /* name or address (an IPv6 address without brackets) */
        int port;
        const char *path;           /* "/wsman" */
        enum wsman_auth auth;
        const char *user, *password;
        const char *cert_file;      /* WSMAN_AUTH_CERTIFICATE: PEM certificate (chain) */
        const char *key_file;       /* ... and its PEM key */
        const char *ca_file;        /* PEM CAs to trust; NULL: the system's */
        bool skip_ca;               /* -skipCAcheck: any issuer */
        bool skip_cn;               /* -skipCNcheck: any name */
        long timeout_ms;            /* connect + whole exchange */
        bool identify_anonymous;    /* send WSMANIDENTIFY: unauthenticated */
};

/* The HTTP reply. */
struct wsman_reply {
        int status;                 /* 200, 401, 500 ... */
        char *body;                 /* NUL-terminated, len bytes (may be empty) */
        size_t len;
        char *schemes;              /* the WWW-Authenticate schemes offered, ", "-joined; "" if none */
};

/* Sends body[0..len) to t and reads the reply into *out (free it with
 * wsman_reply_free()).  0 when an HTTP reply came back (whatever its
 * status); otherwise -errno with a one-line reason in err (connection
 * refused, name not found, TLS verification failure naming what failed,
 * time-out, a reply that is not HTTP or ends early). */
int wsman_post(const struct wsman_target *t, const char *body, size_t len, struct wsman_reply *out,
               char *err, size_t err_len);
void wsman_reply_free(struct wsman_reply *r);

#endif
