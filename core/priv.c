/* priv.c - operations that need privileges: binding sockets, the
 * certificate store's keys and group look-ups (PAM checks run in the
 * monitor, auth_pam.c).  The client of the monitor's synchronous socket:
 * one request at a time (a mutex), each answer matched by type and
 * sequence number (an answer that arrives after its request gave up is
 * dropped), a deadline for each. */
#include "autoconfig.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "monitor.h"
#include "monmsg.h"
#include "priv.h"
#include "util.h"

#define SYNC_TIMEOUT_MS 10000       /* an answer takes well under 1 ms */

static int sync_fd = -1;
static uint32_t sync_seq;
static pthread_mutex_t sync_lock = PTHREAD_MUTEX_INITIALIZER;

static bool in_groups(const char *user, gid_t primary, const char *groups)
{
        gid_t list[256];
        int n = (int)ARRAY_SIZE(list);
        char g[128];

        if (getgrouplist(user, primary, list, &n) < 0)
                n = (int)ARRAY_SIZE(list);
        while (next_word(&groups, g, sizeof(g))) {
                struct group *gr = getgrnam(g);
                if (!gr)
                        continue;
                for (int i = 0; i < n; i++)
                        if (list[i] == gr->gr_gid)
                                return true;
        }
        return false;
}

bool priv_user_is_admin(const char *user, const char *groups)
{
        struct passwd *pw = getpwnam(user);

        if (!pw)
                return false;
        if (pw->pw_uid == 0)
                return true;
        return in_groups(pw->pw_name, pw->pw_gid, groups);
}

bool priv_uid_is_admin(uid_t uid, const char *groups)
{
        struct passwd *pw;

        if (uid == 0)
                return true;
        pw = getpwuid(uid);
        return pw && in_groups(pw->pw_name, pw->pw_gid, groups);
}

void priv_uid_name(uid_t uid, char *name, size_t len)
{
        struct passwd *pw = getpwuid(uid);

        if (pw)
                snprintf(name, len, "%s", pw->pw_name);
        else
                snprintf(name, len, "uid:%u", (unsigned)uid);
}

int priv_listen_tcp_here(const char *addr, int port, bool freebind)
{
        struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM };
        struct addrinfo *ai = NULL;
        char portstr[8];
        int fd, one = 1, r;

        snprintf(portstr, sizeof(portstr), "%d", port);
        if (getaddrinfo(addr, portstr, &hints, &ai) != 0)
                return -EADDRNOTAVAIL;
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                r = -errno;
                freeaddrinfo(ai);
                return r;
        }
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (freebind)
                (void)setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
        if (ai->ai_family == AF_INET6)
                (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 511) < 0) {
                r = -errno;
                close(fd);
                freeaddrinfo(ai);
                return r;
        }
        freeaddrinfo(ai);
        return fd;
}


int priv_listen_unix(const char *path, gid_t group, mode_t mode)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd, r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        memcpy(sa.sun_path, path, strlen(path) + 1);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        (void)unlink(path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        (void)chown(path, 0, group);
        (void)chmod(path, mode);
        return fd;
}

int priv_announce_control(int fd, const char *path)
{
        struct mon_control c = { .type = MON_CONTROL };
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        c.dev = (uint64_t)st.st_dev;
        c.ino = (uint64_t)st.st_ino;
        return monmsg_send(fd, &c, sizeof(c), NULL, 0, 0) < 0 ? -EIO : 0;
}

void priv_use_monitor(int fd)
{
        sync_fd = fd;
}

bool priv_monitor_used(void)
{
        return sync_fd >= 0;
}

void priv_monitor_close(void)
{
        if (sync_fd >= 0)
                close(sync_fd);
        sync_fd = -1;
}

static long ms_left(const struct timespec *deadline)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Sends req (len bytes; its seq is set here) and waits for the answer of
 * type want, exactly ans_len bytes, into ans; *fd gets the descriptor it
 * carries (-1 if none; NULL: none wanted).  0 or -errno. */
static int sync_call(void *req, size_t len, uint32_t want, void *ans, size_t ans_len, int *fd)
{
        union {
                struct mon_hdr h;
                struct mon_bound bound;
                struct mon_key_checked checked;
                struct mon_key_signed sig;
        } in;
        struct mon_hdr h;
        struct timespec deadline;
        int r;

        if (fd)
                *fd = -1;
        pthread_mutex_lock(&sync_lock);
        if (sync_fd < 0) {
                r = -EIO;
                goto out;
        }
        memcpy(&h, req, sizeof(h));
        h.seq = ++sync_seq;
        memcpy(req, &h, sizeof(h));
        r = monmsg_send(sync_fd, req, len, NULL, 0, 0);
        if (r < 0)
                goto out;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += SYNC_TIMEOUT_MS / 1000;
        for (;;) {
                struct pollfd p = { .fd = sync_fd, .events = POLLIN };
                int fds[MONMSG_MAX_FDS], nfds;
                long left = ms_left(&deadline);
                ssize_t n;

                if (left <= 0) {
                        r = -ETIMEDOUT;
                        goto out;
                }
                if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
                        r = -errno;
                        goto out;
                }
                n = monmsg_recv(sync_fd, &in, sizeof(in), fds, &nfds, MSG_DONTWAIT);
                if (n == -EAGAIN || n == -EINTR || n == -EMSGSIZE)
                        continue;
                if (n <= 0) {
                        r = -EIO;       /* the monitor is gone */
                        goto out;
                }
                if ((size_t)n == ans_len && in.h.type == want && in.h.seq == h.seq && nfds <= (fd ? 1 : 0)) {
                        memcpy(ans, &in, ans_len);
                        if (fd && nfds == 1)
                                *fd = fds[0];
                        r = 0;
                        goto out;
                }
                for (int k = 0; k < nfds; k++)
                        close(fds[k]);  /* a late answer to an earlier request */
        }
out:
        pthread_mutex_unlock(&sync_lock);
        return r;
}

int priv_listen_tcp(const char *addr, int port, bool freebind)
{
        struct mon_bind q = { .type = MON_BIND, .port = port, .freebind = freebind ? 1 : 0 };
        struct mon_bound a;
        int fd, r;

        if (!priv_monitor_used())
                return priv_listen_tcp_here(addr, port, freebind);
        if (strlen(addr) >= sizeof(q.addr))
                return -EADDRNOTAVAIL;
        snprintf(q.addr, sizeof(q.addr), "%s", addr);
        r = sync_call(&q, sizeof(q), MON_BIND_RESULT, &a, sizeof(a), &fd);
        if (r < 0)
                return r;
        if (a.result < 0 || fd < 0) {
                if (fd >= 0)
                        close(fd);
                return a.result < 0 ? a.result : -EIO;
        }
        return fd;
}

int priv_key_check(const char *name, const unsigned char *thumbprint, char *why, size_t why_len)
{
        struct mon_key_check q = { .type = MON_KEY_CHECK };
        struct mon_key_checked a;
        int r;

        if (strlen(name) >= sizeof(q.name)) {
                snprintf(why, why_len, "the name is too long");
                return -ENAMETOOLONG;
        }
        snprintf(q.name, sizeof(q.name), "%s", name);
        memcpy(q.thumbprint, thumbprint, sizeof(q.thumbprint));
        r = sync_call(&q, sizeof(q), MON_KEY_CHECK_RESULT, &a, sizeof(a), NULL);
        if (r < 0) {
                snprintf(why, why_len, "the privileged monitor did not answer: %s", strerror(-r));
                return r;
        }
        if (a.result < 0) {
                a.reason[sizeof(a.reason) - 1] = '\0';
                snprintf(why, why_len, "%s", a.reason[0] ? a.reason : strerror(-a.result));
                return a.result;
        }
        return 0;
}

int priv_key_sign(const char *name, const unsigned char *thumbprint, bool hash, unsigned algorithm,
                  unsigned flags, const void *data, size_t len, unsigned char *sig, size_t cap)
{
        struct mon_key_sign q = { .type = MON_KEY_SIGN };
        struct mon_key_signed a;
        int r;

        if (strlen(name) >= sizeof(q.name) || len == 0 || len > sizeof(q.data))
                return -EINVAL;
        snprintf(q.name, sizeof(q.name), "%s", name);
        memcpy(q.thumbprint, thumbprint, sizeof(q.thumbprint));
        q.op = hash ? MON_SIGN_HASH : MON_SIGN_DATA;
        q.algorithm = algorithm;
        q.flags = flags;
        q.len = (uint32_t)len;
        memcpy(q.data, data, len);
        r = sync_call(&q, sizeof(q), MON_KEY_SIGN_RESULT, &a, sizeof(a), NULL);
        if (r == 0 && a.result < 0)
                r = a.result;
        if (r == 0 && (a.len == 0 || a.len > sizeof(a.signature) || a.len > cap))
                r = -E2BIG;
        if (r == 0) {
                memcpy(sig, a.signature, a.len);
                r = (int)a.len;
        }
        return r;
}
