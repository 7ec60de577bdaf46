/* certstore.h - the certificate store: STATE/certs/NAME.pem (the leaf
 * first, then its chain) with NAME.key (its private key), indexed by SHA-1
 * thumbprint, names, purposes and validity; and the client CAs
 * (STATE/client-ca/NAME.pem, or the folder service.client_ca_dir names) that client
 * certificates are checked against.  Reread when either folder changes
 * (inotify) or on certstore_reload().  After privilege separation only the
 * .pem files are read here; the monitor checks and keeps the keys. */
#ifndef WINRMD_CERTSTORE_H
#define WINRMD_CERTSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct tls_creds;

/* What the store knows of one certificate (borrowed from the store until
 * the next reload: copy what must outlive a callback). */
struct cert_info {
        char name[128];          /* NAME of NAME.pem */
        char thumbprint[41];     /* lower-case hex SHA-1 of the leaf's DER */
        char subject_cn[256];    /* "" when the subject has no CN */
        char names[1024];        /* SAN DNS names and IP addresses, space-separated */
        char eku[512];           /* EKU OIDs, space-separated; "" = no EKU extension */
        bool server_purpose;     /* EKU: serverAuth, anyExtendedKeyUsage, or none */
        bool server_usage;       /* key usage: absent, or digitalSignature */
        time_t not_before, not_after;
};

/* Loads the store of state_dir and watches it; changed(arg) runs on the
 * loop after every reread (so that listeners follow).  0 or -errno; a
 * file that cannot be used is logged and skipped, never fatal. */
int certstore_open(const char *state_dir, void (*changed)(void *arg), void *arg);
/* Stops watching and frees the store (credentials live on while
 * listeners and sessions hold them). */
void certstore_close(void);
/* Rereads both folders now (SIGHUP, a changed client_ca_dir). */
void certstore_reload(void);

/* The certificates in file-name order (strcmp of NAME). */
size_t certstore_count(void);
const struct cert_info *certstore_at(size_t i);
/* The certificate with this thumbprint (40 hex digits, any case), or NULL. */
const struct cert_info *certstore_find(const char *thumbprint);
/* Whether c may serve an HTTPS listener for hostname ("" = any) at now:
 * 0, or -EKEYEXPIRED (not valid now) / -EKEYREJECTED (purpose, key usage,
 * or a hostname it does not name) with a sentence in why. */
int certstore_check_server(const struct cert_info *c, const char *hostname, time_t now, char *why, size_t len);
/* The newest certificate (latest notBefore) that passes
 * certstore_check_server() for hostname, or NULL. */
const struct cert_info *certstore_newest_for(const char *hostname, time_t now);
/* The credentials of c (borrowed: tls_creds_ref() to keep them). */
struct tls_creds *certstore_creds(const struct cert_info *c);
/* True when name (a host name, short or fully qualified) is c's CN, without
 * case; a short name also matches the first label of a qualified CN. */
bool certstore_cn_matches(const struct cert_info *c, const char *name);

#endif
