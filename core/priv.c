/* priv.c - operations that need privileges: PAM and group look-ups. */
#include "autoconfig.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <security/pam_appl.h>

#include "log.h"
#include "priv.h"
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

int priv_check_password(const char *user, const char *pass)
{
        struct conv_data d = { pass };
        struct pam_conv c = { conv, &d };
        pam_handle_t *h = NULL;
        int r;

        r = pam_start("winrmd", user, &c, &h);
        if (r != PAM_SUCCESS) {
                log_err("pam_start: %s", pam_strerror(h, r));
                return -EIO;
        }
        r = pam_authenticate(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
        if (r == PAM_SUCCESS)
                r = pam_acct_mgmt(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
        pam_end(h, r);
        return r == PAM_SUCCESS ? 0 : -EACCES;
}

static bool in_groups(const char *user, gid_t primary, const char *groups)
{
        gid_t list[256];
        int n = (int)ARRAY_SIZE(list);
        char g[128];

        if (getgrouplist(user, primary, list, &n) < 0)
                n = (int)ARRAY_SIZE(list);
        while (next_word(&groups, g, sizeof(g))) {
                struct group *gr = getgrnam(g);
                if (!gr)
                        continue;
                for (int i = 0; i < n; i++)
                        if (list[i] == gr->gr_gid)
                                return true;
        }
        return false;
}

bool priv_user_is_admin(const char *user, const char *groups)
{
        struct passwd *pw = getpwnam(user);

        if (!pw)
                return false;
        if (pw->pw_uid == 0)
                return true;
        return in_groups(pw->pw_name, pw->pw_gid, groups);
}

bool priv_uid_is_admin(uid_t uid, const char *groups)
{
        struct passwd *pw;

        if (uid == 0)
                return true;
        pw = getpwuid(uid);
        return pw && in_groups(pw->pw_name, pw->pw_gid, groups);
}

void priv_uid_name(uid_t uid, char *name, size_t len)
{
        struct passwd *pw = getpwuid(uid);

        if (pw)
                snprintf(name, len, "%s", pw->pw_name);
        else
                snprintf(name, len, "uid:%u", (unsigned)uid);
}
