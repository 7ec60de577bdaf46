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
/* A PAM session for user, who is about to run a process: account checks,
 * credentials, pam_open_session.  0 with the session in *ret (close it
 * with auth_pam_session_close()), -EACCES, -EIO. */
int auth_pam_session_open(const char *user, const char *rhost, void **ret);
/* The environment the session's modules set (pam_getenvlist: the caller
 * frees each string and the array), or NULL. */
char **auth_pam_env(void *session);
/* Closes the session and drops the credentials. */
void auth_pam_session_close(void *session);

#endif
