/* monitor_holder.h - the process that runs one command for a user and
 * holds its PAM session (see monitor_holder.c). */
#ifndef WINRMD_MONITOR_HOLDER_H
#define WINRMD_MONITOR_HOLDER_H

#include "monitor.h"

/* In a child of the monitor: runs m's command as m->user (cwd, argv and
 * extra_env already unpacked and checked), reports on sock; never returns. */
void mon_holder_run(int sock, const struct mon_spawn *m, const char *cwd, char *const *argv,
                    char *const *extra_env) __attribute__((noreturn));

#endif
