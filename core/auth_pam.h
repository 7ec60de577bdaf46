/* auth_pam.h - one password check through PAM (service "winrmd").  Runs in
 * the monitor's worker processes only: it may block for seconds. */
#ifndef WINRMD_AUTH_PAM_H
#define WINRMD_AUTH_PAM_H

/* Checks user's password (auth + account management), telling PAM the
 * peer's address rhost.  0 when valid, -EACCES when refused, -EIO when
 * PAM itself failed. */
int auth_pam_check(const char *user, const char *pass, const char *rhost);
/* PAM account management alone for user (who authenticated otherwise):
 * expired or locked accounts, pam_access, pam_nologin.  0, -EACCES, -EIO. */
int auth_pam_account(const char *user, const char *rhost);

#endif
