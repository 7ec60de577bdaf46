/* priv.h - everything that needs root, behind one narrow interface.  Once
 * the network process has dropped root (priv_use_monitor()), binds and the
 * certificate store's keys are asked of the privileged monitor over its
 * synchronous socket (the caller waits for the answer, well under a
 * millisecond); before that, and in a daemon that keeps root (--user root,
 * the unit tests), they are done here. */
#ifndef WINRMD_PRIV_H
#define WINRMD_PRIV_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* A listening TCP socket on addr:port (numeric; "%scope" allowed; port 0
 * picks one), non-blocking, with SO_REUSEADDR, TCP_NODELAY and, if asked,
 * IP_FREEBIND, made by the monitor once it is used: the fd or -errno. */
int priv_listen_tcp(const char *addr, int port, bool freebind);
/* The same, always bound in this process (the monitor's side of MON_BIND). */
int priv_listen_tcp_here(const char *addr, int port, bool freebind);

/* From now on binds and keys go to the monitor over its synchronous
 * socket fd (taken over). */
void priv_use_monitor(int fd);
/* True once priv_use_monitor() was called: the private keys of the
 * certificate store stay in the monitor. */
bool priv_monitor_used(void);
/* Closes the synchronous socket (at exit). */
void priv_monitor_close(void);
/* Asks the monitor whether STATE/certs/name.key may serve name.pem, whose
 * leaf has the SHA-1 thumbprint[20] (see MON_KEY_CHECK): 0, or -errno
 * with the reason in why. */
int priv_key_check(const char *name, const unsigned char *thumbprint, char *why, size_t why_len);
/* A signature by the monitor with that key: over a digest (hash true) or
 * the data itself, with GnuTLS's algorithm and flags.  Its length in sig
 * (at most cap bytes), or -errno. */
int priv_key_sign(const char *name, const unsigned char *thumbprint, bool hash, unsigned algorithm,
                  unsigned flags, const void *data, size_t len, unsigned char *sig, size_t cap);
/* A listening Unix socket at path (a stale file is replaced), owned by
 * root:group with mode: the fd or -errno. */
int priv_listen_unix(const char *path, gid_t group, mode_t mode);
/* Tells the monitor, over its synchronous socket fd (not taken over), the
 * device and inode of the control socket just bound at path: done once,
 * as root, before any client is served.  0 or -errno. */
int priv_announce_control(int fd, const char *path);
/* 1 if uid is root or a member of one of the comma-separated groups. */
bool priv_uid_is_admin(uid_t uid, const char *groups);
/* Fills name with the user name of uid; "uid:N" when it has none. */
void priv_uid_name(uid_t uid, char *name, size_t len);
/* 1 if the named user is root or a member of one of the groups. */
bool priv_user_is_admin(const char *user, const char *groups);

#endif
