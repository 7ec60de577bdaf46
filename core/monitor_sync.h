/* monitor_sync.h - in the monitor: the synchronous socket, on which the
 * network process waits for each answer (MON_BIND, MON_KEY_CHECK,
 * MON_KEY_SIGN; see monitor.h).  Every request is answered at once. */
#ifndef WINRMD_MONITOR_SYNC_H
#define WINRMD_MONITOR_SYNC_H

#include <stdbool.h>

/* Remembers the state directory (copied) whose certs/ holds the keys. */
void mon_sync_init(const char *state_dir);
/* Reads and answers what is waiting on sock; false once the network
 * process has closed it (or it failed). */
bool mon_sync_handle(int sock);
/* Forgets every key (the monitor stops). */
void mon_sync_stop(void);

#endif
