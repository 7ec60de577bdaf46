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
 * -ENOTSUP (HTTPS), -ENODEV (no NIC with that MAC), -EADDRINUSE,
 * -EADDRNOTAVAIL or another -errno. */
int lman_check(const struct lrec *l, const struct lrec *old);
/* Writes the addresses l is bound to now into buf, space-separated. */
size_t lman_bound(const struct lrec *l, char *buf, size_t len);

#endif
