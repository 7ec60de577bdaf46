/* tls_client.h - the winrm command's TLS client (GnuTLS) over a sockio
 * socket: the trusted CAs and the client certificate, the handshake, the
 * server certificate's checks (chain, then name, each skippable), and
 * record sends and reads that follow the server's renegotiation or TLS 1.3
 * post-handshake authentication.  Every failure is -errno with a one-line
 * reason in the sockio's err. */
#ifndef WINRM_TLS_CLIENT_H
#define WINRM_TLS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <gnutls/gnutls.h>

#include "sockio.h"

/* What to trust and present (strings borrowed while the client lives). */
struct tls_client_opts {
        const char *host;           /* for SNI (names only) and the name check */
        const char *ca_file;        /* PEM CAs to trust; NULL: the system's */
        bool skip_ca;               /* -skipCAcheck: any issuer */
        bool skip_cn;               /* -skipCNcheck: any name */
        bool client_cert;           /* present cert_file with key_file */
        const char *cert_file, *key_file;
};

/* One client; zero it before tls_client_load(). */
struct tls_client {
        const struct tls_client_opts *o;
        struct sockio *io;
        gnutls_certificate_credentials_t creds;
        gnutls_session_t s;         /* NULL until tls_client_start() */
        unsigned renegotiations;    /* server-asked handshakes so far */
};

/* Loads the trusted CAs and the client certificate, before any connection;
 * io is where the socket and the reasons are (both borrowed). */
int tls_client_load(struct tls_client *c, const struct tls_client_opts *o, struct sockio *io);
/* The handshake on io->fd, then the server certificate's checks (before any
 * byte of the request is sent). */
int tls_client_start(struct tls_client *c);
/* Sends all of p[0..n) in records. */
int tls_client_send_all(struct tls_client *c, const char *p, size_t n);
/* Reads a record's worth: bytes, 0 at the end (with or without
 * close_notify: the HTTP framing tells a short reply), or -errno. */
ssize_t tls_client_recv(struct tls_client *c, char *p, size_t n);
/* Ends the session (polite: one try at close_notify, never waiting) and
 * frees the credentials; the socket is the caller's. */
void tls_client_close(struct tls_client *c, bool polite);

#endif
