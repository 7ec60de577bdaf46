/* priv.c - operations that need privileges: binding sockets and group
 * look-ups (PAM checks run in the monitor, auth_pam.c). */
#include "autoconfig.h"

#include <errno.h>
#include <netdb.h>
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
#include "priv.h"
#include "util.h"

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

int priv_listen_tcp(const char *addr, int port, bool freebind)
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
