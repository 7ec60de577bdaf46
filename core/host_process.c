/* host_process.c - the process part of the winrmd_host table: jobs and
 * processes run as the request's user, started by the privileged monitor
 * (MON_SPAWN; monitor_jobs.c) and watched here on the event loop.
 *
 * A process's three pipes come back with MON_SPAWN_RESULT.  Each output
 * pipe has a one-shot read event: it fires readable() once, and is armed
 * again only when the provider's process_read() finds the pipe empty; so a
 * provider that stops reading leaves the bytes in the pipe and the process
 * blocks on it (back-pressure), and nothing polls meanwhile.  stdin works
 * the same way for writable().  A process freed before the monitor
 * answered is killed when the answer comes; its record goes once the
 * monitor says it exited. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/event.h>

#include "conn.h"
#include "event.h"
#include "host_process.h"
#include "listener.h"
#include "log.h"
#include "monitor.h"
#include "monitor_link.h"
#include "request.h"

#define LIVE(c) ((c) && !(c)->st.dead)

struct winrmd_jobs {
        uint32_t id;
        char user[MON_USER_MAX];
        winrmd_limits limits;
};

struct winrmd_process {
        struct winrmd_process *next;      /* in the list of every process */
        winrmd_jobs *jobs;                /* NULL once its jobs were freed */
        uint32_t seq, proc;
        winrmd_process_events ev;
        void *arg;
        int fd[3];                        /* stdin, stdout, stderr; -1 closed */
        struct event *io[3];
        bool started, ended, freed;
};

static struct winrmd_process *all;
static uint32_t next_job = 1;
static bool handlers_set;

static struct winrmd_process *by_seq(uint32_t seq)
{
        for (struct winrmd_process *p = all; p; p = p->next)
                if (p->seq == seq)
                        return p;
        return NULL;
}

static void close_io(struct winrmd_process *p, int i)
{
        if (p->io[i])
                event_free(p->io[i]);
        p->io[i] = NULL;
        if (p->fd[i] >= 0)
                close(p->fd[i]);
        p->fd[i] = -1;
}

/* Unlinks and frees p once nothing more can come for it. */
static void release(struct winrmd_process *p)
{
        for (struct winrmd_process **q = &all; *q; q = &(*q)->next) {
                if (*q == p) {
                        *q = p->next;
                        break;
                }
        }
        for (int i = 0; i < 3; i++)
                close_io(p, i);
        free(p);
}

static void send_signal(struct winrmd_process *p, int sig)
{
        struct mon_signal m = { MON_SIGNAL, monitor_link_seq(), p->proc, sig };

        if (p->started && !p->ended)
                (void)monitor_link_send(&m, sizeof(m), NULL, 0);
}

static void on_io(evutil_socket_t fd, short what, void *arg)
{
        struct winrmd_process *p = arg;

        if (p->freed)
                return;
        if (what & EV_WRITE) {
                if (p->ev.writable)
                        p->ev.writable(p->arg);
                return;
        }
        for (int i = 1; i <= 2; i++)
                if (p->io[i] && fd == p->fd[i] && p->ev.readable)
                        p->ev.readable(p->arg, i);
}

static int watch(struct winrmd_process *p, int i)
{
        p->io[i] = event_new(event_loop_base(), p->fd[i], i == 0 ? EV_WRITE : EV_READ, on_io, p);
        return p->io[i] ? 0 : -ENOMEM;
}

static void on_spawned(const void *msg, size_t len, int *fds, int nfds)
{
        struct mon_spawned m;
        struct winrmd_process *p;
        int err;

        if (len != sizeof(m))
                goto drop;
        memcpy(&m, msg, sizeof(m));
        p = by_seq(m.seq);
        if (!p || p->started || p->ended || (m.result == 0 && nfds != 3))
                goto drop;
        if (m.result < 0) {
                p->ended = true;
                err = m.result;
                if (p->freed)
                        release(p);
                else if (p->ev.started)
                        p->ev.started(p->arg, err);
                goto drop;
        }
        p->started = true;
        p->proc = m.proc;
        for (int i = 0; i < 3; i++) {
                p->fd[i] = fds[i];
                (void)fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        }
        if (p->freed) {
                send_signal(p, SIGKILL);
                for (int i = 0; i < 3; i++)
                        close_io(p, i);
                return;
        }
        err = watch(p, 0) < 0 || watch(p, 1) < 0 || watch(p, 2) < 0 ? -ENOMEM : 0;
        if (err == 0) {
                event_add(p->io[1], NULL);
                event_add(p->io[2], NULL);
        }
        if (p->ev.started)
                p->ev.started(p->arg, err);
        return;
drop:
        for (int i = 0; i < nfds; i++)
                close(fds[i]);
}

static void on_exited(const void *msg, size_t len, int *fds, int nfds)
{
        struct mon_exited m;
        struct winrmd_process *p;

        for (int i = 0; i < nfds; i++)
                close(fds[i]);
        if (len != sizeof(m))
                return;
        memcpy(&m, msg, sizeof(m));
        p = by_seq(m.seq);
        if (!p || p->ended)
                return;
        p->ended = true;
        if (p->freed) {
                release(p);
                return;
        }
        if (!p->started) {
                if (p->ev.started)
                        p->ev.started(p->arg, -EIO);
                return;
        }
        if (p->ev.exited)
                p->ev.exited(p->arg, m.status);
}

static void set_handlers(void)
{
        if (handlers_set)
                return;
        monitor_link_on(MON_SPAWN_RESULT, on_spawned);
        monitor_link_on(MON_EXITED, on_exited);
        handlers_set = true;
}

int hp_jobs_new(winrmd_ctx *c, const winrmd_limits *l, winrmd_jobs **ret)
{
        winrmd_jobs *j;

        *ret = NULL;
        if (!LIVE(c) || !c->in.authenticated || c->in.anonymous || !c->in.user[0] ||
            strlen(c->in.user) >= MON_USER_MAX)
                return -EPERM;
        set_handlers();
        j = calloc(1, sizeof(*j));
        if (!j)
                return -ENOMEM;
        j->id = next_job++;
        snprintf(j->user, sizeof(j->user), "%s", c->in.user);
        if (l) {
                size_t n = l->size < sizeof(j->limits) ? l->size : sizeof(j->limits);
                memcpy(&j->limits, l, n);
        }
        /* a control-socket caller: the monitor reads its credentials itself */
        if (c->in.conn && conn_listener(c->in.conn)->kind == LISTENER_UNIX) {
                struct mon_hdr h = { MON_PEER, monitor_link_seq() };
                int fd = conn_fd(c->in.conn);
                (void)monitor_link_send(&h, sizeof(h), &fd, 1);
        }
        *ret = j;
        return 0;
}

/* Appends s and its NUL to buf at *n (cap bytes): false when it does not fit. */
static bool pack(char *buf, size_t cap, size_t *n, const char *s)
{
        size_t len = strlen(s) + 1;

        if (*n + len > cap)
                return false;
        memcpy(buf + *n, s, len);
        *n += len;
        return true;
}

int hp_spawn(winrmd_jobs *j, const winrmd_spawn *s, const winrmd_process_events *ev, void *arg,
             winrmd_process **ret)
{
        static char buf[sizeof(struct mon_spawn) + MON_SPAWN_MAX];
        struct mon_spawn m = { .type = MON_SPAWN };
        struct winrmd_process *p;
        size_t n = 0;
        char *payload = buf + sizeof(m);
        int r;

        *ret = NULL;
        if (!j || !s || !ev || !s->argv || !s->argv[0] || s->argv[0][0] != '/')
                return -EINVAL;
        if (!pack(payload, MON_SPAWN_MAX, &n, s->cwd ? s->cwd : ""))
                return -E2BIG;
        for (; s->argv[m.argc]; m.argc++)
                if (!pack(payload, MON_SPAWN_MAX, &n, s->argv[m.argc]))
                        return -E2BIG;
        for (; s->env && s->env[m.envc]; m.envc++)
                if (!pack(payload, MON_SPAWN_MAX, &n, s->env[m.envc]))
                        return -E2BIG;
        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        m.seq = monitor_link_seq();
        m.job = j->id;
        snprintf(m.user, sizeof(m.user), "%s", j->user);
        m.max_memory_bytes = j->limits.max_memory_bytes;
        m.max_processes = j->limits.max_processes;
        m.max_run_time_ms = j->limits.max_run_time_ms;
        m.payload_len = (uint32_t)n;
        memcpy(buf, &m, sizeof(m));
        r = monitor_link_send(buf, sizeof(m) + n, NULL, 0);
        if (r < 0) {
                free(p);
                return r == -EAGAIN ? -EAGAIN : -EIO;
        }
        p->jobs = j;
        p->seq = m.seq;
        p->ev = *ev;
        p->arg = arg;
        for (int i = 0; i < 3; i++)
                p->fd[i] = -1;
        p->next = all;
        all = p;
        *ret = p;
        return 0;
}

long hp_read(winrmd_process *p, int stream, void *buf, size_t len)
{
        ssize_t n;

        if (!p || p->freed || stream < 1 || stream > 2)
                return -EINVAL;
        if (p->fd[stream] < 0)
                return 0;
        n = read(p->fd[stream], buf, len);
        if (n > 0)
                return n;
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                event_add(p->io[stream], NULL);         /* readable() when there is more */
                return -EAGAIN;
        }
        close_io(p, stream);            /* end of the stream (or an error: the same to the reader) */
        return 0;
}

long hp_write(winrmd_process *p, const void *buf, size_t len)
{
        ssize_t n;

        if (!p || p->freed)
                return -EINVAL;
        if (p->fd[0] < 0)
                return p->started ? -EPIPE : -EAGAIN;
        n = write(p->fd[0], buf, len);
        if (n >= 0)
                return n;
        if (errno == EAGAIN || errno == EINTR) {
                event_add(p->io[0], NULL);
                return -EAGAIN;
        }
        close_io(p, 0);
        return -EPIPE;
}

void hp_close_stdin(winrmd_process *p)
{
        if (p && !p->freed)
                close_io(p, 0);
}

void hp_signal(winrmd_process *p, int sig)
{
        if (p && !p->freed && (sig == SIGINT || sig == SIGQUIT || sig == SIGTERM || sig == SIGKILL))
                send_signal(p, sig);
}

void hp_process_free(winrmd_process *p)
{
        if (!p || p->freed)
                return;
        p->freed = true;
        for (int i = 0; i < 3; i++)
                close_io(p, i);
        if (p->started && !p->ended)
                send_signal(p, SIGKILL);
        if (p->ended)
                release(p);
        /* else: released when the monitor's answer comes */
}

void hp_jobs_free(winrmd_jobs *j)
{
        struct mon_jobs_free m = { MON_JOBS_FREE, monitor_link_seq(), 0 };

        if (!j)
                return;
        m.job = j->id;
        (void)monitor_link_send(&m, sizeof(m), NULL, 0);
        for (struct winrmd_process *p = all, *next; p; p = next) {
                next = p->next;
                if (p->jobs != j)
                        continue;
                p->jobs = NULL;
                hp_process_free(p);
        }
        free(j);
}

const char *hp_jobs_mechanism(const winrmd_jobs *j)
{
        (void)j;
        return monitor_link_mechanism();
}

void hp_shutdown(void)
{
        while (all)
                release(all);
}
