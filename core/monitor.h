/* monitor.h - the privileged monitor: a small process, started before
 * anything faces the network, that keeps root and answers a fixed set of
 * requests over a SOCK_SEQPACKET socket (OpenSSH's privilege separation):
 * password and account checks, and processes started as a user it
 * authenticated itself, with kernel-enforced limits.
 *
 * Every message starts with struct mon_hdr; the monitor checks each
 * message's type and exact size (or, for MON_SPAWN, its bounded payload)
 * before anything else.  File descriptors travel as SCM_RIGHTS. */
#ifndef WINRMD_MONITOR_H
#define WINRMD_MONITOR_H

#include <stdint.h>
#include <sys/types.h>

#include "auth.h"

#define MONITOR_LOGIN_TIMEOUT_S 30  /* a PAM check longer than this fails */
#define MON_SPAWN_MAX (128 * 1024)  /* cwd, argv and env of one process */
#define MON_USER_MAX 256

enum monitor_msg {
        MON_AUTH_PASSWORD = 1,      /* net -> mon: struct mon_auth */
        MON_AUTH_RESULT = 2,        /* mon -> net: struct mon_result */
        MON_AUTH_ACCOUNT = 3,       /* net -> mon: struct mon_auth, no password:
                                     * PAM account checks only */
        MON_HELLO = 4,              /* mon -> net: struct mon_hello, at start */
        MON_PEER = 5,               /* net -> mon: struct mon_hdr + the fd of a
                                     * control-socket connection (SO_PEERCRED) */
        MON_SPAWN = 6,              /* net -> mon: struct mon_spawn + payload */
        MON_SPAWN_RESULT = 7,       /* mon -> net: struct mon_spawned (+ 3 fds) */
        MON_EXITED = 8,             /* mon -> net: struct mon_exited */
        MON_SIGNAL = 9,             /* net -> mon: struct mon_signal */
        MON_JOBS_FREE = 10          /* net -> mon: struct mon_jobs_free */
};

struct mon_hdr {
        uint32_t type, seq;
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

struct mon_hello {
        uint32_t type, seq;
        char mechanism[32];         /* how job limits are enforced */
};

/* Start a process in job `job` (created at its first process) as user,
 * who must have authenticated through this monitor.  Payload after the
 * struct: cwd ("" = home), then argc strings, then envc strings, each
 * NUL-terminated, payload_len bytes in all. */
struct mon_spawn {
        uint32_t type, seq;
        uint32_t job;               /* the network side's job id (not 0) */
        char user[MON_USER_MAX];
        uint64_t max_memory_bytes;  /* the job's limits, at its first process */
        uint64_t max_run_time_ms;
        uint32_t max_processes;
        uint32_t argc, envc;
        uint32_t payload_len;
};

struct mon_spawned {
        uint32_t type, seq;
        int32_t result;             /* 0 (3 fds: stdin, stdout, stderr) or -errno */
        uint32_t proc;              /* the process's id in MON_SIGNAL/MON_EXITED */
};

struct mon_exited {
        uint32_t type, seq;         /* seq: the MON_SPAWN's */
        uint32_t proc;
        int32_t status;             /* exit code, or 128 + signal */
};

struct mon_signal {
        uint32_t type, seq;
        uint32_t proc;
        int32_t sig;                /* SIGINT, SIGQUIT, SIGTERM or SIGKILL */
};

struct mon_jobs_free {
        uint32_t type, seq;
        uint32_t job;
};

/* Forks the monitor; returns the network side's socket to it (the caller
 * owns it) and its pid in *pid, or -errno.  The monitor exits when that
 * socket closes. */
int monitor_start(pid_t *pid);

#endif
