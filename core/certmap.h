/* certmap.h - client certificates to local accounts: the "certmapping"
 * records (today's winrm/config/service/certmapping), each naming the CA
 * that issued the certificate (Issuer thumbprint), a Subject pattern, a
 * resource URI pattern, the account and whether it is Enabled. */
#ifndef WINRMD_CERTMAP_H
#define WINRMD_CERTMAP_H

#include <stdbool.h>
#include <stddef.h>

struct tls_peer;

/* The account of the first enabled record (store order) whose Issuer is
 * the peer's issuer, whose Subject matches its UPN, e-mail or CN and, when
 * uri is not NULL, whose URI matches uri: copied into user[len].  0, or
 * -ENOENT when none does. */
int certmap_find(const struct tls_peer *peer, const char *uri, char *user, size_t len);
/* Checks and canonicalises one record's text in place (issuer 40 hex
 * digits in lower case, subject, uri, user an existing account, enabled a
 * boolean): 0 or -EINVAL with a sentence in why. */
int certmap_check(char *text, size_t cap, char *why, size_t why_len);
/* True when records a and b are the same mapping (Issuer, Subject, URI). */
bool certmap_same(const char *a, const char *b);

#endif
