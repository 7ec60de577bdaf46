/* lman.h - the listener manager: keeps the bound sockets equal to the
 * enabled listener records, follows NIC addresses for MAC listeners, and
 * retries bindings that failed. */
#ifndef WINRMD_LMAN_H
#define WINRMD_LMAN_H

#include <stddef.h>

#include "lrec.h"

/* Starts the netlink watch and binds every enabled record. */
int lman_start(void);
/* Re-reads the committed records and binds/closes to match. */
void lman_sync(void);
/* Closes every record's socket and stops watching. */
void lman_stop(void);
/* Whether l (replacing old, which may be NULL) could be bound now: 0,
 * -ENODEV (no NIC with that MAC), -EADDRINUSE, -EADDRNOTAVAIL, -ENOKEY
 * (an HTTPS record's certificate is not in the store), -EKEYEXPIRED or
 * -EKEYREJECTED (it may not serve; why says how), or another -errno. */
int lman_check(const struct lrec *l, const struct lrec *old, char *why, size_t why_len);
/* Writes the addresses l is bound to now into buf, space-separated, then
 * for HTTPS "cert=THUMBPRINT" of the certificate new connections get. */
size_t lman_bound(const struct lrec *l, char *buf, size_t len);

#endif
