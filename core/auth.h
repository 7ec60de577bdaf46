/* auth.h - Authorization header parsing, the per-transport policy, and the
 * cache of recent successful password checks. */
#ifndef WINRMD_AUTH_H
#define WINRMD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_MAX_USER 256
#define AUTH_MAX_PASS 1024

struct evkeyvalq;

/* Parses "Basic base64(user:pass)".  Refuses an empty user, a NUL or control
 * character in the user, a missing colon and oversized values: -EINVAL.
 * user/pass are NUL-terminated on success; the caller wipes pass. */
int auth_parse_basic(const char *header, char user[AUTH_MAX_USER], char pass[AUTH_MAX_PASS]);
/* 1 if Basic may be used on transport ("http" or "https") under the live
 * configuration (plain HTTP also needs AllowUnencrypted for basic). */
bool auth_basic_allowed(const char *transport);
/* Adds one WWW-Authenticate header per scheme offered on transport. */
void auth_add_challenges(struct evkeyvalq *headers, const char *transport);
/* Checks user/pass: the cache first, then PAM through priv_check_password().
 * 0 when valid (and *is_admin says whether the user is root or in an
 * administrators' group, remembered with the success), -EACCES when not. */
int auth_check_password(const char *user, const char *pass, bool *is_admin);
/* Forgets every cached success (after a configuration change). */
void auth_cache_clear(void);

#endif
