/* host_process.h - jobs and processes run as the request's user, as the
 * winrmd_host table offers them (see <winrmd/provider.h>). */
#ifndef WINRMD_HOST_PROCESS_H
#define WINRMD_HOST_PROCESS_H

#include <stddef.h>

#include <winrmd/provider.h>

int hp_jobs_new(winrmd_ctx *c, const winrmd_limits *l, winrmd_jobs **ret);
int hp_spawn(winrmd_jobs *j, const winrmd_spawn *s, const winrmd_process_events *ev, void *arg,
             winrmd_process **ret);
long hp_read(winrmd_process *p, int stream, void *buf, size_t len);
long hp_write(winrmd_process *p, const void *buf, size_t len);
void hp_close_stdin(winrmd_process *p);
void hp_signal(winrmd_process *p, int sig);
void hp_process_free(winrmd_process *p);
void hp_jobs_free(winrmd_jobs *j);
const char *hp_jobs_mechanism(const winrmd_jobs *j);
/* Forgets every process record (at exit, after the providers unloaded). */
void hp_shutdown(void);

#endif
