/* tls.h - TLS for HTTPS connections: server credentials shared between a
 * listener and the sessions it started, and the wrapper that puts a GnuTLS
 * session between a connection and its socket. */
#ifndef WINRMD_TLS_H
#define WINRMD_TLS_H

#include <stdbool.h>
#include <stddef.h>

struct bufferevent;
struct tls_conn;

/* A server certificate with its chain and private key (and the CAs client
 * certificates are checked against), ready for sessions.  Reference
 * counted: the certificate store, each listener using it and each session
 * hold one; the last tls_creds_unref() frees it. */
struct tls_creds;

/* Loads the process-wide state: priorities, the session ticket key.  0 or
 * -errno (the reason is logged). */
int tls_init(void);
/* Frees what tls_init() made (after every connection is gone). */
void tls_shutdown(void);

/* Who signs for a certificate: its PEM private key in this process (a
 * daemon that kept root, the unit tests), or the privileged monitor, which
 * holds the certificate store's key NAME (checked with priv_key_check())
 * and signs through GnuTLS's external key callbacks: the key never enters
 * this process. */
struct tls_key {
        const void *pem;            /* the key here, or NULL: */
        size_t pem_len;
        const char *name;           /* the store's NAME, in the monitor */
        const unsigned char *thumbprint;    /* SHA-1 of the leaf (20 bytes) */
};

/* Credentials from a PEM chain (leaf first, in memory, copied) and key;
 * ca/ca_len: PEM CAs for client certificates, or NULL.  Returns a new
 * reference, or NULL with a sentence in why (the key does not match, the
 * PEM does not parse). */
struct tls_creds *tls_creds_new(const void *chain, size_t chain_len, const struct tls_key *key, const void *ca,
                                size_t ca_len, char *why, size_t why_len);
/* Takes one more reference to c (NULL allowed); returns c. */
struct tls_creds *tls_creds_ref(struct tls_creds *c);
/* Drops a reference (NULL allowed); the last one frees c. */
void tls_creds_unref(struct tls_creds *c);

/* How an accepted connection's session behaves. */
struct tls_opts {
        bool request_client_cert;   /* Service/Auth/Certificate: ask for one */
        size_t max_client_chain;    /* MaxClientCertInfoSize: bytes of DER */
        long handshake_ms;          /* from accept to a finished handshake */
};

/* Called (from the loop, never from inside a bufferevent call) when the
 * session fails or the peer closes it: why is a short static sentence. */
typedef void tls_fail_fn(void *arg, const char *why);

/* Wraps the socket bufferevent sock (taken over: freed with the result)
 * in a server session using creds (a reference is taken).  The result is
 * a filter bufferevent: what is written to it is encrypted, what is read
 * from it was decrypted.  *ret_tls is the session, for the calls below.
 * fail(arg, why) reports a handshake or record failure and the peer's
 * close_notify.  NULL on failure (sock is freed). */
struct bufferevent *tls_wrap(struct bufferevent *sock, struct tls_creds *creds, const struct tls_opts *o,
                             tls_fail_fn *fail, void *arg, struct tls_conn **ret_tls);
/* The connection that owns t goes away: no more fail() calls. */
void tls_detach(struct tls_conn *t);
/* Decrypts what the session already holds into the wrapper's input (after
 * reading was paused), so that a buffered request is not left waiting for
 * more bytes from the network. */
void tls_flush_input(struct tls_conn *t);
/* Queues close_notify (after the last reply). */
void tls_bye(struct tls_conn *t);
/* True once the handshake is complete. */
bool tls_ready(const struct tls_conn *t);

/* What a verified client certificate says, for the certificate mapping. */
struct tls_peer {
        char subject[512];          /* RFC 4514 DN of the leaf */
        char cn[256];               /* its common name ("" if none) */
        char upn[256];              /* SAN otherName UPN ("" if none) */
        char email[256];            /* SAN rfc822Name ("" if none) */
        char issuer[41];            /* SHA-1 thumbprint of the CA that issued it */
};
/* The client's certificate if one was sent and verified against the
 * client CAs (chain, time, clientAuth purpose): 0, -ENOENT when none was
 * sent, -EPERM when it did not verify (why says how). */
int tls_peer_certificate(const struct tls_conn *t, struct tls_peer *out, char *why, size_t why_len);

#endif
