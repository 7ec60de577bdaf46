/* monitor.h - the privileged monitor: a small process, started before
 * anything faces the network, that keeps root and answers a fixed set of
 * requests over two SOCK_SEQPACKET sockets (OpenSSH's privilege
 * separation).  On the first, asynchronous one: password and account
 * checks, and processes started as a user it authenticated itself, with
 * kernel-enforced limits.  On the second, synchronous one (the network
 * process waits for each answer; each takes well under a millisecond):
 * listening TCP sockets, and the certificate store's private keys, which
 * only the monitor reads (it checks them and signs with them).
 *
 * Every message starts with struct mon_hdr; the monitor checks each
 * message's type and exact size (or, for MON_SPAWN, its bounded payload)
 * before anything else.  File descriptors travel as SCM_RIGHTS.
 * doc/privsep.md describes both channels. */
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
        MON_JOBS_FREE = 10,         /* net -> mon: struct mon_jobs_free */
        /* the synchronous socket: one request, then its answer */
        MON_BIND = 11,              /* net -> mon: struct mon_bind */
        MON_BIND_RESULT = 12,       /* mon -> net: struct mon_bound (+ the socket) */
        MON_KEY_CHECK = 13,         /* net -> mon: struct mon_key_check */
        MON_KEY_CHECK_RESULT = 14,  /* mon -> net: struct mon_key_checked */
        MON_KEY_SIGN = 15,          /* net -> mon: struct mon_key_sign */
        MON_KEY_SIGN_RESULT = 16,   /* mon -> net: struct mon_key_signed */
        MON_CONTROL = 17            /* net -> mon: struct mon_control, once, sent
                                     * as root before any client is served;
                                     * no answer */
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

#define MON_ADDR_MAX 64             /* a numeric address, "%scope" allowed */
#define MON_KEY_NAME_MAX 128        /* NAME of STATE/certs/NAME.key */
#define MON_THUMB_LEN 20            /* SHA-1 of the leaf certificate's DER */
#define MON_SIGN_DATA_MAX 1024      /* what one signature covers */
#define MON_SIGNATURE_MAX 1024      /* RSA up to 8192 bits */

/* A listening TCP socket on addr:port (port 0: the kernel picks one),
 * SO_REUSEADDR, TCP_NODELAY, IPV6_V6ONLY, non-blocking, and IP_FREEBIND
 * when freebind is 1. */
struct mon_bind {
        uint32_t type, seq;
        char addr[MON_ADDR_MAX];    /* NUL-terminated */
        int32_t port;               /* 0..65535 */
        uint32_t freebind;          /* 0 or 1 */
};

struct mon_bound {
        uint32_t type, seq;
        int32_t result;             /* 0 (one fd attached) or -errno */
};

/* Whether STATE/certs/name.key may serve the certificate STATE/certs/
 * name.pem whose leaf has this thumbprint: the key file is a regular file
 * owned by root that nobody else may read or write, and the key is the
 * leaf's.  The monitor keeps the key for MON_KEY_SIGN. */
struct mon_key_check {
        uint32_t type, seq;
        char name[MON_KEY_NAME_MAX];
        uint8_t thumbprint[MON_THUMB_LEN];
};

struct mon_key_checked {
        uint32_t type, seq;
        int32_t result;             /* 0 or -errno */
        char reason[256];           /* why not, a sentence for the log */
};

enum mon_sign_op {
        MON_SIGN_HASH = 1,          /* data is a digest (GnuTLS's sign_hash) */
        MON_SIGN_DATA = 2           /* data is the message (sign_data) */
};

/* A signature with the key of a MON_KEY_CHECK that succeeded, with the
 * algorithm (gnutls_sign_algorithm_t) and flags (GNUTLS_PRIVKEY_SIGN_FLAG_*)
 * GnuTLS gave the external key's callback. */
struct mon_key_sign {
        uint32_t type, seq;
        char name[MON_KEY_NAME_MAX];
        uint8_t thumbprint[MON_THUMB_LEN];
        uint32_t op;                /* enum mon_sign_op */
        uint32_t algorithm;
        uint32_t flags;
        uint32_t len;               /* bytes of data used */
        uint8_t data[MON_SIGN_DATA_MAX];
};

struct mon_key_signed {
        uint32_t type, seq;
        int32_t result;             /* 0 or -errno */
        uint32_t len;               /* bytes of signature used */
        uint8_t signature[MON_SIGNATURE_MAX];
};

/* The control socket's file (stat of STATE/winrmd.sock right after its
 * bind): a MON_PEER descriptor counts only if it was accepted from it. */
struct mon_control {
        uint32_t type, seq;
        uint64_t dev, ino;
};

/* Forks the monitor, which reads STATE/certs of state_dir for the keys;
 * returns the network side's asynchronous socket to it (the caller owns
 * it), its synchronous one in *sync_fd and its pid in *pid, or -errno.
 * The monitor exits when the asynchronous socket closes. */
int monitor_start(const char *state_dir, pid_t *pid, int *sync_fd);

#endif
