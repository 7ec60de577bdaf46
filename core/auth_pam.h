/* auth_pam.h - one password check through PAM (service "winrmd").  Runs in
 * the monitor's worker processes only: it may block for seconds. */
#ifndef WINRMD_AUTH_PAM_H
#define WINRMD_AUTH_PAM_H

/* Checks user's password (auth + account management), telling PAM the
 * peer's address rhost.  0 when valid, -EACCES when refused, -EIO when
 * PAM itself failed. */
int auth_pam_check(const char *user, const char *pass, const char *rhost);

#endif
