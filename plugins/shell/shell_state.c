/* shell_state.c - the table of open shells keyed by ShellId, the counts
 * the Winrs quotas need, and each shell's one timer: a shell without
 * requests for its idle timeout, or older than its run time, is deleted
 * with its processes.  Both limits are read from the configuration when
 * the timer is armed, so a change applies to shells already open. */
#define _POSIX_C_SOURCE 200809L    /* POSIX interfaces under -std=c11 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/random.h>

#include "shell.h"
#include "shell_cp.h"

static struct sh_shell *shells;

int64_t st_now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t st_config_long(const char *key, int64_t fallback)
{
        const char *v = shell_host->config_get(key);
        char *end;
        long long n;

        if (!v)
                return fallback;
        n = strtoll(v, &end, 10);
        return *v && !*end ? (int64_t)n : fallback;
}

void st_new_id(char out[SHELL_ID_LEN + 1])
{
        unsigned char b[16];
        size_t got = 0;

        while (got < sizeof(b)) {
                ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
                if (n > 0)
                        got += (size_t)n;
                else if (errno != EINTR)
                        break;
        }
        if (got < sizeof(b)) {
                /* no entropy source at all: unique enough for an id, never a secret */
                uint64_t t = (uint64_t)st_now_ms() ^ (uint64_t)(uintptr_t)out;
                for (size_t i = got; i < sizeof(b); i++, t = t * 6364136223846793005ULL + 1442695040888963407ULL)
                        b[i] = (unsigned char)(t >> 56);
        }
        b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
        b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
        snprintf(out, SHELL_ID_LEN + 1, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                 b[15]);
}

struct sh_shell *st_find(const char *id)
{
        for (struct sh_shell *s = shells; id && s; s = s->next)
                if (!strcasecmp(s->id, id))
                        return s;
        return NULL;
}

struct sh_shell *st_first(void)
{
        return shells;
}

unsigned st_count_user(const char *user)
{
        unsigned n = 0;

        for (struct sh_shell *s = shells; s; s = s->next)
                n += !strcmp(s->owner, user);
        return n;
}

unsigned st_count_users(void)
{
        unsigned n = 0;

        /* a user counts once: at their newest shell */
        for (struct sh_shell *s = shells; s; s = s->next) {
                struct sh_shell *t = shells;
                while (t != s && strcmp(t->owner, s->owner))
                        t = t->next;
                n += t == s;
        }
        return n;
}

static void timer_fired(void *arg);

struct sh_shell *st_add(const char *id, const char *owner)
{
        struct sh_shell *sh = calloc(1, sizeof(*sh));

        if (!sh)
                return NULL;
        sh->owner = strdup(owner);
        sh->timer = shell_host->timer_new(timer_fired, sh);
        if (!sh->owner || !sh->timer) {
                if (sh->timer)
                        shell_host->timer_free(sh->timer);
                free(sh->owner);
                free(sh);
                return NULL;
        }
        snprintf(sh->id, sizeof(sh->id), "%s", id);
        sh->created_ms = sh->active_ms = st_now_ms();
        sh->next = shells;
        shells = sh;
        return sh;
}

/* Frees sh's memory; its processes are gone already. */
static void shell_free(struct sh_shell *sh)
{
        if (sh->timer)
                shell_host->timer_free(sh->timer);
        cp_close(sh->iconv);
        for (size_t i = 0; sh->env && sh->env[i]; i++)
                free(sh->env[i]);
        free(sh->env);
        free(sh->cwd);
        free(sh->name);
        free(sh->owner);
        free(sh);
}

void st_delete(struct sh_shell *sh)
{
        struct sh_shell **p = &shells;

        while (*p && *p != sh)
                p = &(*p)->next;
        if (*p)
                *p = sh->next;
        while (sh->commands)
                io_command_free(sh->commands, "its shell was deleted.");
        while (sh->dying)
                io_command_free(sh->dying, NULL);
        if (sh->jobs)
                shell_host->jobs_free(sh->jobs);
        shell_free(sh);
}

void st_delete_all(void)
{
        /* at unload the requests still held are the daemon's to drop */
        for (struct sh_shell *s = shells; s; s = s->next)
                for (struct sh_command *c = s->commands; c; c = c->next)
                        c->waiter = c->starting = NULL;
        while (shells)
                st_delete(shells);
}

void st_touch(struct sh_shell *sh)
{
        sh->active_ms = st_now_ms();
}

int64_t st_idle_ms(const struct sh_shell *sh)
{
        int64_t conf = st_config_long("winrs.idle_timeout_ms", 7200000);

        return sh->idle_ms > 0 && sh->idle_ms < conf ? sh->idle_ms : conf;
}

/* Milliseconds sh may still live by its run time and Lifetime (INT64_MAX:
 * no limit; 0 or less: none left). */
static int64_t run_left(const struct sh_shell *sh, int64_t now)
{
        int64_t max = st_config_long("winrs.max_shell_run_time_ms", 0);

        if (sh->lifetime_ms > 0 && (max <= 0 || sh->lifetime_ms < max))
                max = sh->lifetime_ms;
        if (max <= 0)
                return INT64_MAX;
        return sh->created_ms + max - now;
}

/* True when a request is held on one of sh's commands: the client is there. */
static bool has_waiter(const struct sh_shell *sh)
{
        /* a held Receive, or a Command whose process is still starting */
        for (const struct sh_command *c = sh->commands; c; c = c->next)
                if (c->waiter || c->starting)
                        return true;
        return false;
}

void st_arm(struct sh_shell *sh)
{
        int64_t now = st_now_ms(), idle = sh->active_ms + st_idle_ms(sh) - now, run = run_left(sh, now);
        int64_t next = run < idle ? run : idle;

        shell_host->timer_start(sh->timer, next > 0 ? next : 0);
}

static void timer_fired(void *arg)
{
        struct sh_shell *sh = arg;
        int64_t now = st_now_ms(), run = run_left(sh, now);

        if (has_waiter(sh))
                sh->active_ms = now;
        if (run <= 0) {
                shell_host->log(WINRMD_LOG_INFO, "shell %s of %s deleted: it reached its run time", sh->id, sh->owner);
                st_delete(sh);
                return;
        }
        if (now - sh->active_ms >= st_idle_ms(sh)) {
                shell_host->log(WINRMD_LOG_INFO, "shell %s of %s deleted: idle for %lld ms", sh->id, sh->owner,
                                (long long)(now - sh->active_ms));
                st_delete(sh);
                return;
        }
        st_arm(sh);
}

void st_rearm_all(void)
{
        for (struct sh_shell *s = shells; s; s = s->next)
                st_arm(s);
}

struct sh_command *st_command(struct sh_shell *sh, const char *id)
{
        for (struct sh_command *c = sh->commands; id && c; c = c->next)
                if (!strcasecmp(c->id, id))
                        return c;
        return NULL;
}

bool st_command_id_used(const char *id)
{
        for (struct sh_shell *s = shells; s; s = s->next) {
                if (st_command(s, id))
                        return true;
                for (struct sh_command *c = s->dying; c; c = c->next)
                        if (!strcasecmp(c->id, id))
                                return true;
        }
        return false;
}

unsigned st_running(const struct sh_shell *sh)
{
        unsigned n = 0;

        for (const struct sh_command *c = sh->commands; c; c = c->next)
                n += c->proc && !c->exited;
        for (const struct sh_command *c = sh->dying; c; c = c->next)
                n += c->proc && !c->exited;
        return n;
}
