/* auth.h - Authorization header parsing, the per-transport policy, and the
 * cache of recent successful password checks. */
#ifndef WINRMD_AUTH_H
#define WINRMD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_MAX_USER 256
#define AUTH_MAX_PASS 1024

/* Parses "Basic base64(user:pass)".  Refuses an empty user, a NUL or control
 * character in the user, a missing colon and oversized values: -EINVAL.
 * user/pass are NUL-terminated on success; the caller wipes pass. */
int auth_parse_basic(const char *header, char user[AUTH_MAX_USER], char pass[AUTH_MAX_PASS]);
/* 1 if Basic may be used on transport ("http" or "https") under the live
 * configuration (plain HTTP also needs AllowUnencrypted for basic). */
bool auth_basic_allowed(const char *transport);
/* Writes one "WWW-Authenticate: ...\r\n" line per scheme offered on
 * transport into buf (always NUL-terminated). */
void auth_challenges(const char *transport, char *buf, size_t len);
/* True when user/pass succeeded recently (Service auth cache): *is_admin is
 * what was learnt then.  Compared in constant time. */
bool auth_cache_lookup(const char *user, const char *pass, bool *is_admin);
/* Remembers a successful check of user/pass (a salted digest, never the
 * password). */
void auth_cache_store(const char *user, const char *pass, bool is_admin);
#define AUTH_DIGEST_LEN 32
/* The salted SHA-256 of user and pass (the salt is the daemon's, made at
 * the first call): what the cache and the login coalescing compare. */
void auth_digest(const char *user, const char *pass, unsigned char out[AUTH_DIGEST_LEN]);
/* Forgets every cached success (after a configuration change). */
void auth_cache_clear(void);

#endif
