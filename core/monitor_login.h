/* monitor_login.h - in the monitor: password and account checks, each in a
 * worker process of its own (PAM may sleep). */
#ifndef WINRMD_MONITOR_LOGIN_H
#define WINRMD_MONITOR_LOGIN_H

#include <stdbool.h>
#include <sys/types.h>

#include "monitor.h"

/* Makes the workers' notification pipe (once, at the monitor's start). */
void mon_login_init(void);
/* Remembers every user a worker reported a success for. */
void mon_login_drain(void);
/* Starts a worker for a (a MON_AUTH_PASSWORD or MON_AUTH_ACCOUNT); it
 * answers on sock itself.  Refusals it cannot start are answered here. */
void mon_login_start(int sock, struct mon_auth *a);
/* A child ended: true if it was a worker (a crash is answered on sock). */
bool mon_login_reaped(int sock, pid_t pid, int status);
/* Kills workers that took longer than MONITOR_LOGIN_TIMEOUT_S. */
void mon_login_tick(void);
/* Kills every worker (the monitor stops). */
void mon_login_stop(void);

#endif
