/* monitor.c - the privileged monitor process: its loop.
 *
 * It reads one request at a time from a SOCK_SEQPACKET socket (with at most
 * three descriptors) and never trusts one further than its type and size:
 * password and account checks go to worker processes (monitor_login.c),
 * process starts to holder processes (monitor_jobs.c, monitor_holder.c),
 * and a control-socket connection's credentials are read here from the
 * connection itself (monitor_users.c).  A second socket carries the
 * requests the network process waits for (binds and the certificate
 * store's keys, monitor_sync.c); it is served first.  Children are reaped
 * through a signalfd; once a second, late workers and jobs past their run
 * time are killed.  It exits when the network process closes the first
 * socket, killing what it started. */
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

#include "monitor.h"
#include "monitor_jobs.h"
#include "monitor_login.h"
#include "monitor_sync.h"
#include "monitor_users.h"
#include "monmsg.h"
#include "util.h"

#define MSG_MAX (sizeof(struct mon_spawn) + MON_SPAWN_MAX)

static void reap(int sock)
{
        int status;
        pid_t pid;

        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
                if (!mon_login_reaped(sock, pid, status))
                        (void)mon_jobs_reaped(sock, pid, status);
}

/* One request: its type and exact size decide; descriptors are closed. */
static void handle(int sock, char *buf, ssize_t n, int *fds, int nfds)
{
        struct mon_hdr h;

        if (n < (ssize_t)sizeof(h))
                goto done;
        memcpy(&h, buf, sizeof(h));
        switch (h.type) {
        case MON_AUTH_PASSWORD:
        case MON_AUTH_ACCOUNT:
                if (n == (ssize_t)sizeof(struct mon_auth))
                        mon_login_start(sock, (struct mon_auth *)buf);
                break;
        case MON_PEER:
                if (n == (ssize_t)sizeof(h) && nfds == 1)
                        mon_users_peer(fds[0]);
                break;
        case MON_SPAWN:
                mon_login_drain();      /* who authenticated, up to this message */
                mon_jobs_spawn(sock, buf, (size_t)n);
                break;
        case MON_SIGNAL:
                if (n == (ssize_t)sizeof(struct mon_signal))
                        mon_jobs_signal((const struct mon_signal *)buf);
                break;
        case MON_JOBS_FREE:
                if (n == (ssize_t)sizeof(struct mon_jobs_free))
                        mon_jobs_free((const struct mon_jobs_free *)buf);
                break;
        default:
                break;
        }
done:
        for (int i = 0; i < nfds; i++)
                close(fds[i]);
        wipe(buf, n > 0 ? (size_t)n : 0);
}

static void __attribute__((noreturn)) monitor_main(int fd, int sync_fd)
{
        static char buf[MSG_MAX] __attribute__((aligned(8)));
        struct mon_hello hello = { MON_HELLO, 0, "" };
        struct pollfd p[3];
        time_t last_tick = 0;
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
        mon_login_init();
        snprintf(hello.mechanism, sizeof(hello.mechanism), "%s", mon_jobs_init());
        (void)monmsg_send(fd, &hello, sizeof(hello), NULL, 0, 0);
        p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
        p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
        p[2] = (struct pollfd){ .fd = sync_fd, .events = POLLIN };
        for (;;) {
                int fds[MONMSG_MAX_FDS], nfds;
                ssize_t n;

                /* a closed synchronous socket is left alone (fd -1) */
                if (poll(p, 3, 1000) < 0 && errno != EINTR)
                        break;
                if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
                        if (!mon_sync_handle(sync_fd)) {
                                close(sync_fd);
                                sync_fd = p[2].fd = -1;
                        }
                }
                if (sfd >= 0 && (p[1].revents & POLLIN)) {
                        struct signalfd_siginfo si;
                        while (read(sfd, &si, sizeof(si)) == sizeof(si))
                                ;
                }
                reap(fd);
                mon_login_drain();
                if (time(NULL) != last_tick) {
                        last_tick = time(NULL);
                        mon_login_tick();
                        mon_jobs_tick();
                }
                if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
                        continue;
                n = monmsg_recv(fd, buf, sizeof(buf), fds, &nfds, MSG_DONTWAIT);
                if (n == -EAGAIN || n == -EINTR || n == -EMSGSIZE)
                        continue;
                if (n <= 0)
                        break;          /* the network process is gone */
                handle(fd, buf, n, fds, nfds);
        }
        mon_login_stop();
        mon_jobs_stop();
        mon_sync_stop();
        _exit(0);
}

int monitor_start(const char *state_dir, pid_t *ret_pid, int *ret_sync_fd)
{
        int sv[2], sy[2];
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sy) < 0) {
                int r = -errno;
                close(sv[0]);
                close(sv[1]);
                return r;
        }
        /* room for a whole MON_SPAWN in either direction (we are root here) */
        for (int i = 0; i < 2; i++) {
                int size = 1024 * 1024;
                if (setsockopt(sv[i], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
                        (void)setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
        }
        pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(sv[0]);
                close(sv[1]);
                close(sy[0]);
                close(sy[1]);
                return r;
        }
        if (pid == 0) {
                close(sv[0]);
                close(sy[0]);
                mon_sync_init(state_dir);
                monitor_main(sv[1], sy[1]);
        }
        close(sv[1]);
        close(sy[1]);
        *ret_pid = pid;
        *ret_sync_fd = sy[0];
        return sv[0];
}
