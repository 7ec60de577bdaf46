/* priv.h - everything that needs root, behind one narrow interface, so that
 * moving it into a privileged monitor process later changes only priv.c. */
#ifndef WINRMD_PRIV_H
#define WINRMD_PRIV_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* A listening TCP socket on addr:port (numeric; "%scope" allowed), with
 * SO_REUSEADDR, TCP_NODELAY and, if asked, IP_FREEBIND: the fd or -errno. */
int priv_listen_tcp(const char *addr, int port, bool freebind);
/* A listening Unix socket at path (a stale file is replaced), owned by
 * root:group with mode: the fd or -errno. */
int priv_listen_unix(const char *path, gid_t group, mode_t mode);
/* 1 if uid is root or a member of one of the comma-separated groups. */
bool priv_uid_is_admin(uid_t uid, const char *groups);
/* Fills name with the user name of uid; "uid:N" when it has none. */
void priv_uid_name(uid_t uid, char *name, size_t len);
/* 1 if the named user is root or a member of one of the groups. */
bool priv_user_is_admin(const char *user, const char *groups);

#endif
