/* privsep.c - the network process gives up root (see privsep.h).
 *
 * Every chown and chmod made as root goes through a descriptor opened
 * without following a link (a directory, or a regular file with one
 * name): the state directory belongs to the unprivileged user, and a
 * network process compromised in an earlier run must not be able to plant
 * a link or a hard link that root would then hand over. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"
#include "privsep.h"
#include "util.h"

/* The --user account, looked up while root.  0, or -1 (logged). */
static int find_user(const char *name, struct privsep_user *u)
{
        struct passwd *pw;

        errno = 0;
        pw = getpwnam(name);
        if (!pw) {
                /* getpwnam(3): these say "not found" too */
                bool none = errno == 0 || errno == ENOENT || errno == ESRCH || errno == EBADF || errno == EPERM;
                log_err("user %s: %s; create it (useradd --system --no-create-home --shell /usr/sbin/nologin %s) "
                        "or name another with --user", name, none ? "no such user" : strerror(errno), name);
                return -1;
        }
        snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
        u->uid = pw->pw_uid;
        u->gid = pw->pw_gid;
        return 0;
}

/* Opens dir/name without following a link: a directory, or (dir false)
 * a regular file with one name (never a link an earlier, compromised
 * network process planted for root to chown).  The fd, or -errno. */
static int open_own(const char *path, bool dir)
{
        struct stat st;
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (dir ? O_DIRECTORY : 0));

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode) || st.st_nlink != 1)) {
                close(fd);
                return -EPERM;
        }
        return fd;
}

/* The state directory and the store become the user's, so that it can
 * write the store atomically; the certificate folders stay root's, open
 * for reading (the public .pem files, inotify) and for root only to write:
 * every NAME.key in them stays root's own.  0, or -1 (logged). */
static int prepare_state(const char *state, const struct privsep_user *u)
{
        static const char *const own[] = { "winrmd.conf", "winrmd.conf.tmp" };
        static const char *const roots[] = { "certs", "client-ca" };
        char path[4096];
        int fd;

        fd = open_own(state, true);
        if (fd < 0 || fchown(fd, u->uid, u->gid) < 0 || fchmod(fd, 0700) < 0) {
                log_err("state directory %s: cannot give it to user %s: %s", state, u->name,
                        strerror(fd < 0 ? -fd : errno));
                if (fd >= 0)
                        close(fd);
                return -1;
        }
        close(fd);
        for (size_t i = 0; i < ARRAY_SIZE(own); i++) {
                snprintf(path, sizeof(path), "%s/%s", state, own[i]);
                fd = open_own(path, false);
                if (fd == -ENOENT)
                        continue;
                if (fd < 0 || fchown(fd, u->uid, u->gid) < 0) {
                        log_err("%s: cannot give it to user %s: %s", path, u->name,
                                fd == -EPERM ? "not a regular file with one name" : strerror(fd < 0 ? -fd : errno));
                        if (fd >= 0)
                                close(fd);
                        return -1;
                }
                close(fd);
        }
        for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
                struct stat st;
                snprintf(path, sizeof(path), "%s/%s", state, roots[i]);
                fd = open_own(path, true);
                if (fd >= 0 && fstat(fd, &st) == 0 && st.st_uid != 0) {
                        log_err("%s: owned by uid %u, not root: move it away and restart (winrmd makes a new one)",
                                path, (unsigned)st.st_uid);
                        close(fd);
                        return -1;
                }
                if (fd < 0 || fchmod(fd, 0755) < 0) {
                        log_err("%s: %s", path, fd == -EPERM ? "not a directory" : strerror(fd < 0 ? -fd : errno));
                        if (fd >= 0)
                                close(fd);
                        return -1;
                }
                close(fd);
        }
        return 0;
}

/* Root no more: no supplementary groups, the user's gid and uid (real,
 * effective, saved), checked; no new privileges through exec; no core
 * dumps or ptrace by the user.  0, or -1 (logged). */
static int drop_root(const struct privsep_user *u)
{
        if (setgroups(0, NULL) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
            setresuid(u->uid, u->uid, u->uid) < 0) {
                log_err("becoming user %s: %s", u->name, strerror(errno));
                return -1;
        }
        if (setuid(0) == 0 || seteuid(0) == 0 || getuid() != u->uid || geteuid() != u->uid ||
            getgid() != u->gid || getegid() != u->gid) {
                log_err("becoming user %s: root could be regained", u->name);
                return -1;
        }
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
                log_err("becoming user %s: prctl: %s", u->name, strerror(errno));
                return -1;
        }
        return 0;
}

/* What the unprivileged process must reach: a folder above the state
 * directory that is closed to the user is the likeliest mistake. */
static int check_reach(const char *what, const char *dir, int mode, const struct privsep_user *u)
{
        if (access(dir, mode) == 0 || errno != EACCES)
                return 0;
        log_err("%s %s: not reachable by user %s (%s): every folder above it must let that user through "
                "(chmod o+x), or choose another", what, dir, u->name, strerror(EACCES));
        return -1;
}

int privsep_choose(const char *name, struct privsep_user *u)
{
        const char *who = name ? name : PRIVSEP_DEFAULT_USER;

        memset(u, 0, sizeof(*u));
        if (geteuid() != 0) {
                log_warn("not started as root: the daemon runs as uid %u, %s ignored; passwords of other users "
                         "cannot be checked", (unsigned)geteuid(), name ? "--user" : "privilege separation");
                return 0;
        }
        if (find_user(who, u) < 0)
                return -1;
        if (u->uid == 0)
                log_warn("--user %s: the network-facing process keeps root (no privilege separation)", who);
        return 0;
}

int privsep_enter(const struct privsep_user *u, const char *state_dir, const char *plugin_dir, int sync_fd)
{
        if (u->uid == 0) {
                close(sync_fd);
                return 0;
        }
        if (prepare_state(state_dir, u) < 0 || drop_root(u) < 0)
                return -1;
        priv_use_monitor(sync_fd);
        if (check_reach("state directory", state_dir, R_OK | W_OK | X_OK, u) < 0 ||
            check_reach("provider directory", plugin_dir, R_OK | X_OK, u) < 0)
                return -1;
        log_info("network process runs as %s (uid %u, gid %u); the monitor keeps root", u->name, (unsigned)u->uid,
                 (unsigned)u->gid);
        return 0;
}

/* LeakSanitizer inspects the process through ptrace at exit, which a
 * process that changed its uid (and so is not dumpable) refuses. */
void privsep_exit(void)
{
#if defined(__SANITIZE_ADDRESS__)
        (void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
        (void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
#endif
}
