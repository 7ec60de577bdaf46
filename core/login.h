/* login.h - password checks off the event loop: each goes to the
 * privileged monitor and its answer comes back as a callback.  Bounded per
 * peer address and in total, so that a flood of wrong passwords (each one
 * slowed by pam_faildelay) delays no one but its sender. */
#ifndef WINRMD_LOGIN_H
#define WINRMD_LOGIN_H

#include <stdbool.h>

struct login;

/* The answer: 0 (valid; is_admin set), -EACCES (refused), -EIO or
 * -ETIMEDOUT (PAM failed or hung), -EAGAIN (the monitor is saturated). */
typedef void (*login_done_fn)(void *arg, int result, bool is_admin);

/* Takes the monitor's answers (monitor_link.c must be set up first). */
int login_init(void);
/* The monitor went away: every check under way fails with -EIO. */
void login_monitor_lost(void);
/* Stops: pending checks are dropped without callbacks. */
void login_shutdown(void);
/* Starts checking user/pass for a client at peer; done(arg, ...) runs
 * later from the loop, never from inside this call.  0 with *ret set (a
 * handle for login_cancel() until done runs), -EAGAIN when the peer or the
 * daemon has too many checks under way, -EIO without a monitor.  pass is
 * copied and wiped after use; NULL checks the account alone (PAM account
 * management, for a caller who proved who they are with a certificate). */
int login_start(const char *user, const char *pass, const char *peer,
                login_done_fn done, void *arg, struct login **ret);
/* Forgets a check whose client went away: done will not run. */
void login_cancel(struct login *l);
/* Checks under way (sent to the monitor) and waiting for a slot. */
unsigned login_in_flight(void);
unsigned login_queued(void);

#endif
