/* monitor.c - the privileged monitor process.
 *
 * It reads fixed-size requests from one SOCK_SEQPACKET socket and never
 * trusts them further than their type and size.  A password check runs in
 * a worker process of its own (PAM may sleep: pam_faildelay, network
 * back-ends), which sends its one result message on the same socket
 * (seqpacket messages are atomic) and exits; the monitor reaps workers,
 * answers for those that crashed, and kills those that take longer than
 * MONITOR_LOGIN_TIMEOUT_S.  It exits when the network process closes the
 * socket. */
#include "autoconfig.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth_pam.h"
#include "monitor.h"
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

        a->user[sizeof(a->user) - 1] = '\0';
        a->pass[sizeof(a->pass) - 1] = '\0';
        a->rhost[sizeof(a->rhost) - 1] = '\0';
        a->admin_groups[sizeof(a->admin_groups) - 1] = '\0';
        r = a->type == MON_AUTH_ACCOUNT ? auth_pam_account(a->user, a->rhost)
                                        : auth_pam_check(a->user, a->pass, a->rhost);
        wipe(a->pass, sizeof(a->pass));
        if (r == 0)
                admin = priv_user_is_admin(a->user, a->admin_groups);
        reply(fd, a->seq, r, admin);
        _exit(0);
}

static void start_worker(int fd, struct mon_auth *a)
{
        sigset_t none;
        pid_t pid;

        if (n_workers >= MAX_WORKERS) {
                reply(fd, a->seq, -EAGAIN, false);
                return;
        }
        pid = fork();
        if (pid < 0) {
                reply(fd, a->seq, -EAGAIN, false);
                return;
        }
        if (pid == 0) {
                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                check_login(fd, a);
        }
        workers[n_workers++] = (struct worker){ pid, a->seq, time(NULL), false };
}

/* Reaps finished workers; answers for those that did not answer. */
static void reap(int fd)
{
        int status;
        pid_t pid;

        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                for (int i = 0; i < n_workers; i++) {
                        if (workers[i].pid != pid)
                                continue;
                        if (workers[i].killed)
                                reply(fd, workers[i].seq, -ETIMEDOUT, false);
                        else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                                reply(fd, workers[i].seq, -EIO, false);
                        workers[i] = workers[--n_workers];
                        break;
                }
        }
}

static void kill_late(void)
{
        time_t now = time(NULL);

        for (int i = 0; i < n_workers; i++) {
                if (!workers[i].killed && now - workers[i].started >= MONITOR_LOGIN_TIMEOUT_S) {
                        kill(workers[i].pid, SIGKILL);
                        workers[i].killed = true;
                }
        }
}

static void __attribute__((noreturn)) monitor_main(int fd)
{
        struct pollfd p[2];
        sigset_t chld;
        int sfd;

        /* no parent-death signal: daemon() ends the parent on purpose; the
         * socket's end of file is what ends the monitor */
        prctl(PR_SET_NAME, "winrmd-monitor");
        signal(SIGPIPE, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        signal(SIGINT, SIG_IGN);
        sigemptyset(&chld);
        sigaddset(&chld, SIGCHLD);
        sigprocmask(SIG_BLOCK, &chld, NULL);
        sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
        p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
        p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
        for (;;) {
                union {
                        struct mon_auth auth;
                        uint32_t type;
                } m;
                ssize_t n;

                if (poll(p, sfd >= 0 ? 2 : 1, 1000) < 0 && errno != EINTR)
                        break;
                if (sfd >= 0 && (p[1].revents & POLLIN)) {
                        struct signalfd_siginfo si;
                        while (read(sfd, &si, sizeof(si)) == sizeof(si))
                                ;
                }
                reap(fd);
                kill_late();
                if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
                        continue;
                n = recv(fd, &m, sizeof(m), MSG_DONTWAIT);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                        break;          /* the network process is gone */
                if (n == (ssize_t)sizeof(m.auth) && (m.type == MON_AUTH_PASSWORD || m.type == MON_AUTH_ACCOUNT))
                        start_worker(fd, &m.auth);
                wipe(&m, sizeof(m));
        }
        for (int i = 0; i < n_workers; i++)
                kill(workers[i].pid, SIGKILL);
        _exit(0);
}

int monitor_start(pid_t *ret_pid)
{
        int sv[2];
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(sv[0]);
                close(sv[1]);
                return r;
        }
        if (pid == 0) {
                close(sv[0]);
                monitor_main(sv[1]);
        }
        close(sv[1]);
        *ret_pid = pid;
        return sv[0];
}
