/* monitor.h - the privileged monitor: a small process, started before
 * anything faces the network, that keeps root and answers a fixed set of
 * requests over a SOCK_SEQPACKET socket (OpenSSH's privilege separation).
 * Today it checks passwords and accounts; binding sockets and starting shells as the
 * authenticated user move behind it with the shell (see NEWS). */
#ifndef WINRMD_MONITOR_H
#define WINRMD_MONITOR_H

#include <stdint.h>
#include <sys/types.h>

#include "auth.h"

#define MONITOR_LOGIN_TIMEOUT_S 30  /* a PAM check longer than this fails */

enum monitor_msg {
        MON_AUTH_PASSWORD = 1,      /* network -> monitor: struct mon_auth */
        MON_AUTH_RESULT = 2,        /* monitor -> network: struct mon_result */
        MON_AUTH_ACCOUNT = 3        /* network -> monitor: struct mon_auth, no
                                     * password: PAM account checks only */
};

struct mon_auth {
        uint32_t type, seq;
        char user[AUTH_MAX_USER];
        char pass[AUTH_MAX_PASS];
        char rhost[64];             /* the peer's address, for PAM_RHOST */
        char admin_groups[512];     /* Service admin groups, for is_admin */
};

struct mon_result {
        uint32_t type, seq;
        int32_t result;             /* 0, -EACCES, -EIO, -ETIMEDOUT, -EAGAIN */
        uint32_t is_admin;          /* 1: root or in an admin group */
};

/* Forks the monitor; returns the network side's socket to it (the caller
 * owns it) and its pid in *pid, or -errno.  The monitor exits when that
 * socket closes. */
int monitor_start(pid_t *pid);

#endif
