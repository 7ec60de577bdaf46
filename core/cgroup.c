/* cgroup.c - job limits in the kernel (see cgroup.h).
 *
 * cgroup v2: the monitor's own cgroup (from /proc/self/cgroup) must offer
 * the memory and pids controllers; the processes in it move to a "daemon"
 * child so that controllers can be enabled for children (the kernel allows
 * no process in a cgroup whose children have controllers); each job is a
 * child "job-N" with memory.max, memory.swap.max = 0 and pids.max, and is
 * emptied with cgroup.kill.  cgroup v1: "winrmd-jobs/job-N" below the
 * monitor's cgroup in the memory and in the pids hierarchy
 * (memory.limit_in_bytes, memory.memsw.limit_in_bytes where swap is
 * accounted, pids.max).  Otherwise: RLIMIT_AS per process and RLIMIT_NPROC
 * per user, which bound each process, not the tree (the log says so). */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"

static enum cg_mechanism mech = CG_RLIMITS;
static pid_t cg_monitor_pid;                /* the monitor: jobs are named after it */
static char v2_base[PATH_MAX];              /* the monitor's v2 cgroup */
static char v1_mem[PATH_MAX], v1_pids[PATH_MAX]; /* .../winrmd-jobs */

/* --- small file helpers ------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        ssize_t n;
        int r = 0;

        if (fd < 0)
                return -errno;
        n = write(fd, text, strlen(text));
        if (n < 0)
                r = -errno;
        close(fd);
        return r;
}

static int read_file(const char *path, char *buf, size_t len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = read(fd, buf, len - 1);
        close(fd);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        return 0;
}

/* The path of this process's cgroup in hierarchy want ("" for v2, or a
 * v1 controller name) from /proc/self/cgroup, into out. */
static bool own_cgroup(const char *want, char *out, size_t len)
{
        char line[1024];
        FILE *f = fopen("/proc/self/cgroup", "re");
        bool found = false;

        if (!f)
                return false;
        while (!found && fgets(line, sizeof(line), f)) {
                char *ctrl = strchr(line, ':'), *path = ctrl ? strchr(ctrl + 1, ':') : NULL;
                if (!path)
                        continue;
                *path++ = '\0';
                path[strcspn(path, "\n")] = '\0';
                ctrl++;
                if (*want ? !strcmp(ctrl, want) || (strstr(ctrl, want) && strchr(ctrl, ',')) : !strcmp(line, "0")) {
                        snprintf(out, len, "%s", path);
                        found = true;
                }
        }
        fclose(f);
        return found;
}

static bool has_word(const char *list, const char *word)
{
        size_t n = strlen(word);

        for (const char *p = list; (p = strstr(p, word)); p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
                        return true;
        return false;
}

/* --- set-up --------------------------------------------------------------------- */

/* Moves every process of base into base/daemon (v2's no-internal-process rule). */
static int v2_move_out(void)
{
        char procs[PATH_MAX + 32], dest[PATH_MAX + 32], pid[32];
        FILE *f;

        snprintf(dest, sizeof(dest), "%s/daemon", v2_base);
        if (mkdir(dest, 0755) < 0 && errno != EEXIST)
                return -errno;
        snprintf(procs, sizeof(procs), "%s/cgroup.procs", v2_base);
        snprintf(dest, sizeof(dest), "%s/daemon/cgroup.procs", v2_base);
        f = fopen(procs, "re");
        if (!f)
                return -errno;
        while (fgets(pid, sizeof(pid), f))
                (void)write_file(dest, pid);
        fclose(f);
        return 0;
}

static bool v2_setup(void)
{
        char rel[PATH_MAX / 2], path[PATH_MAX + 64], buf[512];

        if (!own_cgroup("", rel, sizeof(rel)))
                return false;
        snprintf(v2_base, sizeof(v2_base), "/sys/fs/cgroup%s", strcmp(rel, "/") ? rel : "");
        snprintf(path, sizeof(path), "%s/cgroup.controllers", v2_base);
        if (read_file(path, buf, sizeof(buf)) < 0 || !has_word(buf, "memory") || !has_word(buf, "pids"))
                return false;
        snprintf(path, sizeof(path), "%s/cgroup.subtree_control", v2_base);
        if (write_file(path, "+memory +pids") == -EBUSY && v2_move_out() == 0)
                (void)write_file(path, "+memory +pids");
        if (read_file(path, buf, sizeof(buf)) < 0 || !has_word(buf, "memory") || !has_word(buf, "pids"))
                return false;
        return true;
}

static bool v1_setup_one(const char *ctrl, char *out, size_t len)
{
        char rel[PATH_MAX / 2];

        if (!own_cgroup(ctrl, rel, sizeof(rel)))
                return false;
        snprintf(out, len, "/sys/fs/cgroup/%s%s/winrmd-jobs", ctrl, strcmp(rel, "/") ? rel : "");
        if (mkdir(out, 0755) < 0 && errno != EEXIST)
                return false;
        return access(out, W_OK) == 0;
}

enum cg_mechanism cg_init(void)
{
        cg_monitor_pid = getpid();
        if (v2_setup())
                mech = CG_V2;
        else if (v1_setup_one("memory", v1_mem, sizeof(v1_mem)) && v1_setup_one("pids", v1_pids, sizeof(v1_pids)))
                mech = CG_V1;
        else
                mech = CG_RLIMITS;
        return mech;
}

const char *cg_name(void)
{
        return mech == CG_V2 ? "cgroup v2" : mech == CG_V1 ? "cgroup v1" : "rlimits";
}

/* --- jobs ------------------------------------------------------------------------- */

/* A job's folder: the monitor's pid in its name, since daemons running side
 * by side share a cgroup (their job numbers all start at 1). */
static void job_dir(const char *base, uint32_t job, char *out, size_t len)
{
        snprintf(out, len, "%s/job-%d-%u", base, (int)cg_monitor_pid, (unsigned)job);
}

static int set_limit(const char *dir, const char *file, uint64_t value, bool zero_is_max)
{
        char path[PATH_MAX + 64], text[32];

        snprintf(path, sizeof(path), "%s/%s", dir, file);
        if (value == 0 && zero_is_max)
                snprintf(text, sizeof(text), "max");
        else
                snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
        return write_file(path, text);
}

int cg_create(uint32_t job, uint64_t max_memory, uint32_t max_processes)
{
        char dir[PATH_MAX + 32];
        int r = 0;

        switch (mech) {
        case CG_V2:
                job_dir(v2_base, job, dir, sizeof(dir));
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return -errno;
                if (max_memory) {
                        r = set_limit(dir, "memory.max", max_memory, false);
                        (void)set_limit(dir, "memory.swap.max", 0, false);
                }
                if (r == 0 && max_processes)
                        r = set_limit(dir, "pids.max", max_processes, false);
                return r;
        case CG_V1:
                job_dir(v1_mem, job, dir, sizeof(dir));
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return -errno;
                if (max_memory) {
                        r = set_limit(dir, "memory.limit_in_bytes", max_memory, false);
                        (void)set_limit(dir, "memory.memsw.limit_in_bytes", max_memory, false);
                }
                job_dir(v1_pids, job, dir, sizeof(dir));
                if (r == 0 && mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return -errno;
                if (r == 0 && max_processes)
                        r = set_limit(dir, "pids.max", max_processes, false);
                return r;
        case CG_RLIMITS:
                return 0;
        }
        return 0;
}

static int join(const char *base, uint32_t job)
{
        char dir[PATH_MAX + 32], path[PATH_MAX + 64], pid[32];

        /* in the command's process: cg_monitor_pid came with the fork */
        job_dir(base, job, dir, sizeof(dir));
        snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
        snprintf(pid, sizeof(pid), "%d", (int)getpid());
        return write_file(path, pid);
}

int cg_enter(uint32_t job, uint64_t max_memory, uint32_t max_processes)
{
        int r;

        switch (mech) {
        case CG_V2:
                return join(v2_base, job);
        case CG_V1:
                r = join(v1_mem, job);
                return r < 0 ? r : join(v1_pids, job);
        case CG_RLIMITS:
                if (max_memory) {
                        struct rlimit rl = { max_memory, max_memory };
                        if (setrlimit(RLIMIT_AS, &rl) < 0)
                                return -errno;
                }
                if (max_processes) {
                        struct rlimit rl = { max_processes, max_processes };
                        if (setrlimit(RLIMIT_NPROC, &rl) < 0)
                                return -errno;
                }
                return 0;
        }
        return 0;
}

/* SIGKILL to every pid listed in dir/cgroup.procs; true when none was. */
static bool kill_listed(const char *dir)
{
        char path[PATH_MAX + 64], line[32];
        bool empty = true;
        FILE *f;

        snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
        f = fopen(path, "re");
        if (!f)
                return true;
        while (fgets(line, sizeof(line), f)) {
                pid_t pid = (pid_t)strtol(line, NULL, 10);
                if (pid > 1) {
                        kill(pid, SIGKILL);
                        empty = false;
                }
        }
        fclose(f);
        return empty;
}

bool cg_kill(uint32_t job)
{
        char dir[PATH_MAX + 32], path[PATH_MAX + 64];

        switch (mech) {
        case CG_V2:
                job_dir(v2_base, job, dir, sizeof(dir));
                snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
                if (write_file(path, "1") == 0)
                        return kill_listed(dir);
                return kill_listed(dir);
        case CG_V1:
                job_dir(v1_pids, job, dir, sizeof(dir));
                /* the freezer is not used: kill until the list stays empty */
                for (int i = 0; i < 16; i++)
                        if (kill_listed(dir))
                                return true;
                return false;
        case CG_RLIMITS:
                return true;
        }
        return true;
}

bool cg_remove(uint32_t job)
{
        char dir[PATH_MAX + 32];
        bool gone = true;

        switch (mech) {
        case CG_V2:
                job_dir(v2_base, job, dir, sizeof(dir));
                return rmdir(dir) == 0 || errno == ENOENT;
        case CG_V1:
                job_dir(v1_mem, job, dir, sizeof(dir));
                gone = rmdir(dir) == 0 || errno == ENOENT;
                job_dir(v1_pids, job, dir, sizeof(dir));
                return (rmdir(dir) == 0 || errno == ENOENT) && gone;
        case CG_RLIMITS:
                return true;
        }
        return true;
}

/* The number after key in dir/file ("key N" lines), or 0. */
static long long counter(const char *dir, const char *file, const char *key)
{
        char path[PATH_MAX + 64], buf[1024];
        char *p;

        snprintf(path, sizeof(path), "%s/%s", dir, file);
        if (read_file(path, buf, sizeof(buf)) < 0)
                return 0;
        if (!*key)
                return strtoll(buf, NULL, 10);
        p = strstr(buf, key);
        return p ? strtoll(p + strlen(key), NULL, 10) : 0;
}

bool cg_hit_memory(uint32_t job)
{
        char dir[PATH_MAX + 32];

        switch (mech) {
        case CG_V2:
                job_dir(v2_base, job, dir, sizeof(dir));
                return counter(dir, "memory.events", "oom_kill ") > 0;
        case CG_V1: {
                char path[PATH_MAX + 64], buf[512];
                job_dir(v1_mem, job, dir, sizeof(dir));
                /* oom_kill where the kernel counts it, else the limit's failures */
                snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
                if (read_file(path, buf, sizeof(buf)) == 0 && strstr(buf, "oom_kill "))
                        return counter(dir, "memory.oom_control", "oom_kill ") > 0;
                return counter(dir, "memory.failcnt", "") > 0;
        }
        case CG_RLIMITS:
                return false;
        }
        return false;
}

bool cg_hit_processes(uint32_t job)
{
        char dir[PATH_MAX + 32];

        switch (mech) {
        case CG_V2:
                job_dir(v2_base, job, dir, sizeof(dir));
                return counter(dir, "pids.events", "max ") > 0;
        case CG_V1:
                job_dir(v1_pids, job, dir, sizeof(dir));
                return counter(dir, "pids.events", "max ") > 0;
        case CG_RLIMITS:
                return false;
        }
        return false;
}
