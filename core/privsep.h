/* privsep.h - the network process gives up root at start (OpenSSH's
 * privilege separation; see PRIVILEGE SEPARATION in winrmd(8) and
 * doc/privsep.md): the state becomes the --user account's, the process
 * becomes that account, and binds and keys go to the monitor from then on. */
#ifndef WINRMD_PRIVSEP_H
#define WINRMD_PRIVSEP_H

#include <sys/types.h>

#define PRIVSEP_DEFAULT_USER "winrmd"

/* Whom the network process runs as; uid 0: it keeps root. */
struct privsep_user {
        char name[256];
        uid_t uid;
        gid_t gid;
};

/* Looks up the account name (NULL: PRIVSEP_DEFAULT_USER) while root, into
 * *u.  Not started as root, or "root": *u keeps root, with a warning in the
 * log.  0, or -1 (logged, with the useradd command) when it does not
 * exist. */
int privsep_choose(const char *name, struct privsep_user *u);
/* As root, after the monitor is forked and the control socket is open:
 * gives state_dir and its store to u, makes its certificate folders
 * root's (mode 0755), drops root for good and sends binds and keys to the
 * monitor over sync_fd (taken over; closed when u keeps root).  Checks
 * that u reaches state_dir and plugin_dir.  0, or -1 (logged). */
int privsep_enter(const struct privsep_user *u, const char *state_dir, const char *plugin_dir, int sync_fd);
/* Last thing before exit (what a sanitizer build needs). */
void privsep_exit(void);

#endif
