/* monitor_keys.h - in the monitor: the private keys of the certificate
 * store STATE/certs.  The monitor alone reads NAME.key; the network
 * process asks whether a key may serve its certificate (MON_KEY_CHECK) and
 * for signatures made with it (MON_KEY_SIGN), never for the key. */
#ifndef WINRMD_MONITOR_KEYS_H
#define WINRMD_MONITOR_KEYS_H

#include "monitor.h"

/* Remembers the folder STATE/certs of state_dir (copied). */
void mon_keys_init(const char *state_dir);
/* Checks q's pair (see struct mon_key_check) and answers on sock; a key
 * that passes is kept for signatures, one that does not is forgotten. */
void mon_keys_check(int sock, const struct mon_key_check *q);
/* Signs as q asks with a key that passed its check (loaded again if it
 * was dropped from the cache) and answers on sock. */
void mon_keys_sign(int sock, const struct mon_key_sign *q);
/* Frees every key kept. */
void mon_keys_stop(void);

#endif
