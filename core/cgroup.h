/* cgroup.h - kernel limits on a whole process tree (a "job": the processes
 * of one shell), in the privileged monitor: a cgroup v2 child of the
 * monitor's own cgroup (delegated to winrmd by its unit's Delegate=yes)
 * with the memory and pids controllers, else cgroup v1's memory and pids
 * hierarchies, else per-process rlimits. */
#ifndef WINRMD_CGROUP_H
#define WINRMD_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum cg_mechanism { CG_V2, CG_V1, CG_RLIMITS };

/* Finds what this host offers (once, at the monitor's start). */
enum cg_mechanism cg_init(void);
/* "cgroup v2", "cgroup v1" or "rlimits". */
const char *cg_name(void);
/* Makes the job's cgroup(s) with the limits (0 = none): 0 or -errno. */
int cg_create(uint32_t job, uint64_t max_memory, uint32_t max_processes);
/* In the new process, still root: joins the job's cgroup, or sets the
 * rlimits.  0 or -errno. */
int cg_enter(uint32_t job, uint64_t max_memory, uint32_t max_processes);
/* Kills every process in the job (SIGKILL); true when it is empty now. */
bool cg_kill(uint32_t job);
/* Removes the job's cgroup(s) once empty: true when gone (or nothing to do). */
bool cg_remove(uint32_t job);
/* Whether the job has hit its memory limit (an OOM kill) or its process
 * limit (a refused fork) since it was made. */
bool cg_hit_memory(uint32_t job);
bool cg_hit_processes(uint32_t job);

#endif
