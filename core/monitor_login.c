/* monitor_login.c - PAM checks in worker processes (see monitor_login.h).
 * A worker sends its one MON_AUTH_RESULT on the socket itself (seqpacket
 * messages are atomic) and exits 0 for a success, 3 for a refusal; the
 * monitor answers for a worker that crashed or was killed for taking too
 * long.  Before it answers a success, a worker writes the user's name on
 * the monitor's notification pipe: by the time the network side can act
 * on the answer (a MON_SPAWN), the monitor can know who authenticated
 * (mon_login_drain()). */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth_pam.h"
#include "monitor_login.h"
#include "monitor_users.h"
#include "priv.h"
#include "util.h"

#define MAX_WORKERS 64

struct worker {
        pid_t pid;
        uint32_t seq;
        time_t started;
        bool killed;
};

static struct worker workers[MAX_WORKERS];
static int n_workers;
static int notify[2] = { -1, -1 };     /* workers -> monitor: who succeeded */

void mon_login_init(void)
{
        if (pipe2(notify, O_CLOEXEC) == 0)
                (void)fcntl(notify[0], F_SETFL, O_NONBLOCK);
}

void mon_login_drain(void)
{
        char user[AUTH_MAX_USER];

        while (notify[0] >= 0 && read(notify[0], user, sizeof(user)) == (ssize_t)sizeof(user)) {
                user[sizeof(user) - 1] = '\0';
                mon_users_add(user);
        }
}

static void reply(int fd, uint32_t seq, int result, bool is_admin)
{
        struct mon_result m = { MON_AUTH_RESULT, seq, result, is_admin };

        (void)send(fd, &m, sizeof(m), MSG_NOSIGNAL);
}

/* In the worker: one PAM check (a password, or an account alone), one
 * reply, exit. */
static void __attribute__((noreturn)) check_login(int fd, struct mon_auth *a)
{
        bool admin = false;
        int r;

        r = a->type == MON_AUTH_ACCOUNT ? auth_pam_account(a->user, a->rhost)
                                        : auth_pam_check(a->user, a->pass, a->rhost);
        wipe(a->pass, sizeof(a->pass));
        if (r == 0) {
                admin = priv_user_is_admin(a->user, a->admin_groups);
                /* one write under PIPE_BUF bytes: whole or not at all */
                if (write(notify[1], a->user, sizeof(a->user)) != (ssize_t)sizeof(a->user))
                        r = -EIO;
        }
        reply(fd, a->seq, r, admin);
        _exit(r == 0 ? 0 : 3);
}

void mon_login_start(int sock, struct mon_auth *a)
{
        sigset_t none;
        pid_t pid;

        a->user[sizeof(a->user) - 1] = '\0';
        a->pass[sizeof(a->pass) - 1] = '\0';
        a->rhost[sizeof(a->rhost) - 1] = '\0';
        a->admin_groups[sizeof(a->admin_groups) - 1] = '\0';
        if (n_workers >= MAX_WORKERS) {
                reply(sock, a->seq, -EAGAIN, false);
                return;
        }
        pid = fork();
        if (pid < 0) {
                reply(sock, a->seq, -EAGAIN, false);
                return;
        }
        if (pid == 0) {
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                check_login(sock, a);
        }
        workers[n_workers++] = (struct worker){ pid, a->seq, time(NULL), false };
}

bool mon_login_reaped(int sock, pid_t pid, int status)
{
        for (int i = 0; i < n_workers; i++) {
                if (workers[i].pid != pid)
                        continue;
                if (workers[i].killed)
                        reply(sock, workers[i].seq, -ETIMEDOUT, false);
                else if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 3))
                        reply(sock, workers[i].seq, -EIO, false);
                wipe(&workers[i], sizeof(workers[i]));
                workers[i] = workers[--n_workers];
                return true;
        }
        return false;
}

void mon_login_tick(void)
{
        time_t now = time(NULL);

        for (int i = 0; i < n_workers; i++) {
                if (!workers[i].killed && now - workers[i].started >= MONITOR_LOGIN_TIMEOUT_S) {
                        kill(workers[i].pid, SIGKILL);
                        workers[i].killed = true;
                }
        }
}

void mon_login_stop(void)
{
        for (int i = 0; i < n_workers; i++)
                kill(workers[i].pid, SIGKILL);
}
