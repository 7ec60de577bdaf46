/* notify.h - sd_notify(3) readiness without libsystemd. */
#ifndef WINRMD_NOTIFY_H
#define WINRMD_NOTIFY_H

/* Sends state (e.g. "READY=1") to $NOTIFY_SOCKET if set. 0, 1 if sent, -errno. */
int notify_send(const char *state);

#endif
