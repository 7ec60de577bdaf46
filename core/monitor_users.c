/* monitor_users.c - who authenticated through the monitor (see
 * monitor_users.h).  A fixed table, most recent first; only names. */
#include "autoconfig.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "log.h"
#include "monitor.h"
#include "monitor_users.h"
#include "priv.h"
#include "unixdiag.h"

#define MAX_USERS 1024

static char users[MAX_USERS][MON_USER_MAX];
static int n_users;
static bool control_known;
static uint64_t control_dev, control_ino;

void mon_users_add(const char *user)
{
        int at = n_users < MAX_USERS ? n_users : MAX_USERS - 1;

        if (!*user || strlen(user) >= MON_USER_MAX)
                return;
        for (int i = 0; i < n_users; i++) {
                if (!strcmp(users[i], user)) {
                        at = i;
                        break;
                }
        }
        /* most recent first: the oldest falls off the end */
        memmove(users[1], users[0], (size_t)at * MON_USER_MAX);
        snprintf(users[0], MON_USER_MAX, "%s", user);
        if (n_users < MAX_USERS && at == n_users)
                n_users++;
}

bool mon_users_has(const char *user)
{
        for (int i = 0; i < n_users; i++)
                if (!strcmp(users[i], user))
                        return true;
        return false;
}

void mon_users_control(uint64_t dev, uint64_t ino)
{
        if (control_known)
                return;
        control_known = true;
        control_dev = dev;
        control_ino = ino;
}

/* Whether fd was accepted from the control socket: an accepted Unix socket
 * carries its listener's file, which nothing else can have. */
static bool from_control(int fd)
{
        uint64_t dev, ino;

        if (!control_known)
                return false;
        if (unix_socket_file(fd, &dev, &ino) < 0)
                return false;
        return dev == control_dev && ino == control_ino;
}

void mon_users_peer(int fd)
{
        struct ucred cred;
        socklen_t len = sizeof(cred);
        struct passwd *pw;

        if (!from_control(fd)) {
                log_warn("monitor: a descriptor that is not a control-socket connection was passed as one: ignored");
                return;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return;
        if (!priv_uid_is_admin(cred.uid, config_get("service.admin_groups")))
                return;
        pw = getpwuid(cred.uid);
        if (pw)
                mon_users_add(pw->pw_name);
}
