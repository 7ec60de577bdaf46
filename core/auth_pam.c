/* auth_pam.c - a PAM conversation that answers every prompt with the
 * password it was given, and nothing else; and account checks alone for
 * callers who proved who they are otherwise (a client certificate), as
 * sshd does for public keys. */
#include "autoconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <security/pam_appl.h>

#include "auth_pam.h"
#include "util.h"

struct conv_data {
        const char *pass;
};

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *arg)
{
        struct conv_data *d = arg;
        struct pam_response *r;

        if (n <= 0 || n > PAM_MAX_NUM_MSG)
                return PAM_CONV_ERR;
        r = calloc((size_t)n, sizeof(*r));
        if (!r)
                return PAM_BUF_ERR;
        for (int i = 0; i < n; i++) {
                if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
                        if (!d->pass)
                                goto fail;      /* an account check answers no prompt */
                        r[i].resp = strdup(d->pass);
                        if (!r[i].resp)
                                goto fail;
                }
        }
        *resp = r;
        return PAM_SUCCESS;
fail:
        for (int i = 0; i < n; i++) {
                if (r[i].resp) {
                        wipe(r[i].resp, strlen(r[i].resp));
                        free(r[i].resp);
                }
        }
        free(r);
        return PAM_BUF_ERR;
}

/* One PAM transaction of service winrmd for user from rhost: the password
 * check then account management when pass is given, else account
 * management only.  0, -EACCES refused, -EIO PAM could not start. */
static int run_pam(const char *user, const char *pass, const char *rhost)
{
        struct conv_data d = { pass };
        struct pam_conv c = { conv, &d };
        pam_handle_t *h = NULL;
        int r;

        r = pam_start("winrmd", user, &c, &h);
        if (r != PAM_SUCCESS)
                return -EIO;
        if (rhost && *rhost)
                (void)pam_set_item(h, PAM_RHOST, rhost);
        if (pass) {
                r = pam_authenticate(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
                if (r == PAM_SUCCESS)
                        r = pam_acct_mgmt(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
        } else {
                r = pam_acct_mgmt(h, PAM_SILENT);
        }
        pam_end(h, r);
        return r == PAM_SUCCESS ? 0 : -EACCES;
}

int auth_pam_check(const char *user, const char *pass, const char *rhost)
{
        return run_pam(user, pass ? pass : "", rhost);
}

int auth_pam_account(const char *user, const char *rhost)
{
        return run_pam(user, NULL, rhost);
}

int auth_pam_session_open(const char *user, const char *rhost, void **ret)
{
        static struct conv_data none = { NULL };
        struct pam_conv c = { conv, &none };
        pam_handle_t *h = NULL;
        int r;

        *ret = NULL;
        r = pam_start("winrmd", user, &c, &h);
        if (r != PAM_SUCCESS)
                return -EIO;
        if (rhost && *rhost)
                (void)pam_set_item(h, PAM_RHOST, rhost);
        r = pam_acct_mgmt(h, PAM_SILENT);
        if (r == PAM_SUCCESS)
                r = pam_setcred(h, PAM_ESTABLISH_CRED | PAM_SILENT);
        if (r == PAM_SUCCESS) {
                r = pam_open_session(h, PAM_SILENT);
                if (r != PAM_SUCCESS)
                        (void)pam_setcred(h, PAM_DELETE_CRED | PAM_SILENT);
        }
        if (r != PAM_SUCCESS) {
                pam_end(h, r);
                return -EACCES;
        }
        *ret = h;
        return 0;
}

char **auth_pam_env(void *session)
{
        return session ? pam_getenvlist(session) : NULL;
}

void auth_pam_session_close(void *session)
{
        pam_handle_t *h = session;
        int r;

        if (!h)
                return;
        r = pam_close_session(h, PAM_SILENT);
        (void)pam_setcred(h, PAM_DELETE_CRED | PAM_SILENT);
        pam_end(h, r);
}
