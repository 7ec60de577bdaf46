/* monitor_holder.c - one process run for a user: the "holder", a child of
 * the monitor that keeps root only to hold the user's PAM session.
 *
 * It opens the session (account checks, credentials, pam_open_session),
 * makes the pipes, and forks the command: the command joins the job's
 * cgroup (or takes its rlimits), becomes the user (initgroups, setgid,
 * setuid, checked), changes to the working directory and execs with a clean
 * environment.  An exec that fails reports its errno through a close-on-exec
 * pipe.  The holder then sends MON_SPAWN_RESULT with the three pipe ends to
 * the network side, waits for the command, says on its stderr which limit
 * ended it if one did, closes the session and sends MON_EXITED.
 *
 * The holder leads a process group that the command stays in, so that a
 * signal to the group reaches the command and its children; the holder
 * ignores SIGINT, SIGQUIT and SIGTERM itself. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "auth_pam.h"
#include "cgroup.h"
#include "monitor.h"
#include "monitor_holder.h"
#include "monmsg.h"

#define ENV_MAX 256

static void send_result(int sock, uint32_t seq, int result, const int *fds)
{
        struct mon_spawned m = { MON_SPAWN_RESULT, seq, result, (uint32_t)getpid() };

        (void)monmsg_send(sock, &m, sizeof(m), fds, fds ? 3 : 0, 0);
}

static void send_exited(int sock, uint32_t seq, int status)
{
        struct mon_exited m = { MON_EXITED, seq, (uint32_t)getpid(), status };

        (void)monmsg_send(sock, &m, sizeof(m), NULL, 0, 0);
}

/* The clean environment: what the user's login would set, then PAM's,
 * then the request's. */
static char **environment(const struct passwd *pw, char **pam_env, char *const *extra, uint32_t n_extra)
{
        static char *env[ENV_MAX + 1];
        static char home[1024], user[300], logname[300], shell[1024];
        size_t k = 0;

        snprintf(home, sizeof(home), "HOME=%s", pw->pw_dir);
        snprintf(user, sizeof(user), "USER=%s", pw->pw_name);
        snprintf(logname, sizeof(logname), "LOGNAME=%s", pw->pw_name);
        snprintf(shell, sizeof(shell), "SHELL=%s", pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh");
        env[k++] = home;
        env[k++] = user;
        env[k++] = logname;
        env[k++] = shell;
        env[k++] = (char *)(pw->pw_uid == 0 ? "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                                            : "PATH=/usr/local/bin:/usr/bin:/bin");
        env[k++] = (char *)"LANG=C.UTF-8";
        for (size_t i = 0; pam_env && pam_env[i] && k < ENV_MAX; i++)
                env[k++] = pam_env[i];
        for (uint32_t i = 0; i < n_extra && k < ENV_MAX; i++)
                env[k++] = extra[i];
        env[k] = NULL;
        return env;
}

/* In the command's process: become the user and exec; writes -errno to
 * status_fd and exits 127 on failure. */
static void __attribute__((noreturn)) run_command(const struct mon_spawn *m, const struct passwd *pw,
                                                  const char *cwd, char *const *argv, char **env,
                                                  int status_fd)
{
        sigset_t none;
        int err;

        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        signal(sig, SIG_DFL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if ((err = cg_enter(m->job, m->max_memory_bytes, m->max_processes)) < 0)
                goto fail;
        if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
                err = -errno;
                goto fail;
        }
        if (pw->pw_uid != 0 && (setuid(0) == 0 || getuid() != pw->pw_uid || geteuid() != pw->pw_uid)) {
                err = -EPERM;           /* root could not be dropped */
                goto fail;
        }
        if (chdir(*cwd ? cwd : pw->pw_dir) < 0) {
                err = *cwd ? -ENOENT : -errno;
                if (*cwd || chdir("/") < 0)
                        goto fail;
        }
        execve(argv[0], argv, env);
        err = errno == ENOENT || errno == EACCES || errno == ENOEXEC ? -ENOEXEC : -errno;
fail:
        (void)write(status_fd, &err, sizeof(err));
        _exit(127);
}

/* The command's exit as WinRM reports it: the code, or 128 + signal. */
static int exit_status(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 255;
}

/* Which limit ended the command, on its stderr. */
static void tell_limit(int err_fd, const struct mon_spawn *m, int status)
{
        char line[256];
        int n = 0;

        if (err_fd < 0)
                return;
        if (status != 0 && cg_hit_memory(m->job))
                n = snprintf(line, sizeof(line),
                             "winrmd: the shell's memory limit (MaxMemoryPerShellMB, %llu MB) was reached: the process was killed\n",
                             (unsigned long long)(m->max_memory_bytes >> 20));
        else if (status != 0 && cg_hit_processes(m->job))
                n = snprintf(line, sizeof(line),
                             "winrmd: the shell's process limit (MaxProcessesPerShell, %u) was reached\n",
                             (unsigned)m->max_processes);
        if (n > 0)
                (void)write(err_fd, line, (size_t)n);
}

void mon_holder_run(int sock, const struct mon_spawn *m, const char *cwd, char *const *argv, char *const *extra_env)
{
        int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, st[2] = { -1, -1 };
        struct passwd *pw;
        void *session = NULL;
        char **pam_env;
        pid_t child;
        int r, status, fail = 0;

        prctl(PR_SET_NAME, "winrmd-session");
        setpgid(0, 0);
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        pw = getpwnam(m->user);
        if (!pw) {
                send_result(sock, m->seq, -EACCES, NULL);
                _exit(2);
        }
        r = auth_pam_session_open(m->user, NULL, &session);
        if (r < 0) {
                send_result(sock, m->seq, r, NULL);
                _exit(2);
        }
        pam_env = auth_pam_env(session);
        if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
            pipe2(st, O_CLOEXEC) < 0) {
                fail = -EMFILE;
                goto out;
        }
        child = fork();
        if (child < 0) {
                fail = -EAGAIN;
                goto out;
        }
        if (child == 0) {
                if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
                        _exit(127);
                run_command(m, pw, cwd, argv, environment(pw, pam_env, extra_env, m->envc), st[1]);
        }
        close(in[0]);
        close(out[1]);
        close(st[1]);
        in[0] = out[1] = st[1] = -1;
        if (read(st[0], &fail, sizeof(fail)) == (ssize_t)sizeof(fail) && fail < 0) {
                (void)waitpid(child, NULL, 0);
                goto out;
        }
        fail = 0;
        {
                int fds[3] = { in[1], out[0], err[0] };
                send_result(sock, m->seq, 0, fds);
        }
        close(in[1]);
        close(out[0]);
        close(err[0]);
        in[1] = out[0] = err[0] = -1;
        while (waitpid(child, &status, 0) < 0)
                if (errno != EINTR) {
                        status = 255 << 8;
                        break;
                }
        tell_limit(err[1], m, status);
        close(err[1]);
        err[1] = -1;
        auth_pam_session_close(session);
        send_exited(sock, m->seq, exit_status(status));
        _exit(0);
out:
        send_result(sock, m->seq, fail, NULL);
        auth_pam_session_close(session);
        _exit(2);
}
