/* monitor_jobs.c - jobs and their holders, in the monitor (see
 * monitor_jobs.h).
 *
 * A job is made at its first MON_SPAWN, for the user named there, who must
 * have authenticated through this monitor (monitor_users.c); later spawns
 * in it must name the same user.  Its cgroup carries the limits; its
 * run-time limit is checked once a second.  A holder (monitor_holder.c) is
 * forked per command; its pid is the process id the network side uses,
 * and it leads the process group signals go to. */
#include "autoconfig.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "monitor_holder.h"
#include "monitor_jobs.h"
#include "monitor_users.h"
#include "monmsg.h"

#define MAX_JOBS 4096
#define MAX_HOLDERS 4096
#define MAX_ARGS 4096

struct job {
        uint32_t id;                /* the network side's; 0 = free slot */
        char user[MON_USER_MAX];
        time_t started;
        uint64_t max_run_time_ms;
        bool dying;                 /* freed: its cgroup goes once empty */
};

struct holder {
        pid_t pid;                  /* 0 = free slot */
        uint32_t job, seq;
};

static struct job jobs[MAX_JOBS];
static struct holder holders[MAX_HOLDERS];

const char *mon_jobs_init(void)
{
        cg_init();
        return cg_name();
}

static struct job *job_find(uint32_t id)
{
        for (size_t i = 0; i < MAX_JOBS; i++)
                if (jobs[i].id == id)
                        return &jobs[i];
        return NULL;
}

static void refuse(int sock, uint32_t seq, int err)
{
        struct mon_spawned r = { MON_SPAWN_RESULT, seq, err, 0 };

        (void)monmsg_send(sock, &r, sizeof(r), NULL, 0, 0);
}

/* Splits n NUL-terminated strings off *p (len bytes left); false if the
 * payload does not hold them. */
static bool take_strings(const char **p, size_t *left, char **out, uint32_t n)
{
        for (uint32_t i = 0; i < n; i++) {
                const char *end = memchr(*p, '\0', *left);
                if (!end)
                        return false;
                out[i] = (char *)*p;
                *left -= (size_t)(end - *p) + 1;
                *p = end + 1;
        }
        out[n] = NULL;
        return true;
}

static struct job *job_for(const struct mon_spawn *m)
{
        struct job *j = job_find(m->job);

        if (j)
                return !j->dying && !strcmp(j->user, m->user) ? j : NULL;
        j = job_find(0);
        if (!j || cg_create(m->job, m->max_memory_bytes, m->max_processes) < 0)
                return NULL;
        j->id = m->job;
        snprintf(j->user, sizeof(j->user), "%s", m->user);
        j->started = time(NULL);
        j->max_run_time_ms = m->max_run_time_ms;
        j->dying = false;
        return j;
}

void mon_jobs_spawn(int sock, const void *msg, size_t len)
{
        struct mon_spawn m;
        const char *payload, *cwd;
        size_t left;
        struct holder *h = NULL;
        static char *argv[MAX_ARGS + 1], *env[MAX_ARGS + 1];
        struct job *j;
        pid_t pid;

        if (len < sizeof(m))
                return;
        memcpy(&m, msg, sizeof(m));
        m.user[sizeof(m.user) - 1] = '\0';
        payload = (const char *)msg + sizeof(m);
        left = len - sizeof(m);
        if (m.payload_len != left || left > MON_SPAWN_MAX || m.job == 0 || m.argc == 0 || m.argc > MAX_ARGS ||
            m.envc > MAX_ARGS) {
                refuse(sock, m.seq, -EINVAL);
                return;
        }
        cwd = payload;
        if (!memchr(payload, '\0', left)) {
                refuse(sock, m.seq, -EINVAL);
                return;
        }
        left -= strlen(cwd) + 1;
        payload += strlen(cwd) + 1;
        if (!take_strings(&payload, &left, argv, m.argc) || !take_strings(&payload, &left, env, m.envc) ||
            left != 0 || argv[0][0] != '/' || (*cwd && *cwd != '/')) {
                refuse(sock, m.seq, -EINVAL);
                return;
        }
        for (uint32_t i = 0; i < m.envc; i++) {
                if (!strchr(env[i], '=') || env[i][0] == '=') {
                        refuse(sock, m.seq, -EINVAL);
                        return;
                }
        }
        /* only for a user this monitor saw authenticate */
        if (!mon_users_has(m.user) || !getpwnam(m.user)) {
                refuse(sock, m.seq, -EPERM);
                return;
        }
        for (size_t i = 0; i < MAX_HOLDERS && !h; i++)
                if (holders[i].pid == 0)
                        h = &holders[i];
        j = h ? job_for(&m) : NULL;
        if (!j) {
                refuse(sock, m.seq, h ? -EPERM : -EAGAIN);
                return;
        }
        pid = fork();
        if (pid < 0) {
                refuse(sock, m.seq, -EAGAIN);
                return;
        }
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                mon_holder_run(sock, &m, cwd, argv, env);
        }
        /* the group exists before anyone signals it */
        setpgid(pid, pid);
        *h = (struct holder){ pid, m.job, m.seq };
}

static struct holder *holder_find(pid_t pid)
{
        for (size_t i = 0; i < MAX_HOLDERS; i++)
                if (holders[i].pid == pid && pid > 0)
                        return &holders[i];
        return NULL;
}

void mon_jobs_signal(const struct mon_signal *m)
{
        struct holder *h = holder_find((pid_t)m->proc);

        if (!h || (m->sig != SIGINT && m->sig != SIGQUIT && m->sig != SIGTERM && m->sig != SIGKILL))
                return;
        kill(-h->pid, m->sig);
}

/* Kills a job's whole tree: its cgroup, and every holder's group. */
static void kill_job(struct job *j)
{
        (void)cg_kill(j->id);
        for (size_t i = 0; i < MAX_HOLDERS; i++)
                if (holders[i].pid > 0 && holders[i].job == j->id)
                        kill(-holders[i].pid, SIGKILL);
}

void mon_jobs_free(const struct mon_jobs_free *m)
{
        struct job *j = m->job ? job_find(m->job) : NULL;

        if (!j)
                return;
        kill_job(j);
        j->dying = true;
        if (cg_remove(j->id))
                j->id = 0;
}

bool mon_jobs_reaped(int sock, pid_t pid, int status)
{
        struct holder *h = holder_find(pid);

        if (!h)
                return false;
        /* 0: it sent MON_EXITED; 2: it sent a failed MON_SPAWN_RESULT; else
         * it died on the way (killed with its group): say so for it */
        if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 2)) {
                struct mon_spawned r = { MON_SPAWN_RESULT, h->seq, -EIO, (uint32_t)pid };
                struct mon_exited e = { MON_EXITED, h->seq, (uint32_t)pid,
                                        WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255 };
                (void)monmsg_send(sock, &r, sizeof(r), NULL, 0, 0);
                (void)monmsg_send(sock, &e, sizeof(e), NULL, 0, 0);
        }
        h->pid = 0;
        return true;
}

void mon_jobs_tick(void)
{
        time_t now = time(NULL);

        for (size_t i = 0; i < MAX_JOBS; i++) {
                struct job *j = &jobs[i];
                if (!j->id)
                        continue;
                if (j->dying) {
                        kill_job(j);
                        if (cg_remove(j->id))
                                j->id = 0;
                        continue;
                }
                if (j->max_run_time_ms && (uint64_t)(now - j->started) * 1000 >= j->max_run_time_ms)
                        kill_job(j);    /* MaxShellRunTime: the tree goes, the job stays */
        }
}

void mon_jobs_stop(void)
{
        for (size_t i = 0; i < MAX_JOBS; i++) {
                if (!jobs[i].id)
                        continue;
                kill_job(&jobs[i]);
                (void)cg_remove(jobs[i].id);
        }
}
