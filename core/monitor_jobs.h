/* monitor_jobs.h - in the monitor: jobs (the processes of one shell, under
 * one set of kernel limits), the holders that run their commands, signals,
 * run-time limits, and clean-up. */
#ifndef WINRMD_MONITOR_JOBS_H
#define WINRMD_MONITOR_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "monitor.h"

/* Finds the limit mechanism (once); its name. */
const char *mon_jobs_init(void);
/* A MON_SPAWN of len bytes in msg (the payload follows the struct):
 * checked, then a holder forked; failures answered on sock. */
void mon_jobs_spawn(int sock, const void *msg, size_t len);
/* MON_SIGNAL and MON_JOBS_FREE. */
void mon_jobs_signal(const struct mon_signal *m);
void mon_jobs_free(const struct mon_jobs_free *m);
/* A child ended: true if it was a holder (answered for on sock if it
 * could not). */
bool mon_jobs_reaped(int sock, pid_t pid, int status);
/* Once a second: run-time limits, cgroups left to remove. */
void mon_jobs_tick(void);
/* The monitor stops: every job's processes are killed. */
void mon_jobs_stop(void);

#endif
