/* monitor_users.c - who authenticated through the monitor (see
 * monitor_users.h).  A fixed table, most recent first; only names. */
#include "autoconfig.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "monitor.h"
#include "monitor_users.h"
#include "priv.h"

#define MAX_USERS 1024

static char users[MAX_USERS][MON_USER_MAX];
static int n_users;

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

void mon_users_peer(int fd)
{
        struct ucred cred;
        socklen_t len = sizeof(cred);
        struct passwd *pw;

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return;
        if (!priv_uid_is_admin(cred.uid, config_get("service.admin_groups")))
                return;
        pw = getpwuid(cred.uid);
        if (pw)
                mon_users_add(pw->pw_name);
}
