/* access.c - security descriptors, parsed once and kept by their text,
 * and the caller's Linux ids, looked up when a descriptor names one. */
#include "autoconfig.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "config.h"
#include "plugin.h"
#include "record.h"

#define CACHED 16

static struct {
        char *text;
        struct sddl parsed;
        bool ok;
        unsigned long used;
} cache[CACHED];
static unsigned long clock_tick;

/* The parsed descriptor of text, from the cache or parsed now into it. */
static const struct sddl *parsed(const char *text, bool *ok)
{
        size_t victim = 0;

        for (size_t i = 0; i < CACHED; i++) {
                if (cache[i].text && !strcmp(cache[i].text, text)) {
                        cache[i].used = ++clock_tick;
                        *ok = cache[i].ok;
                        return &cache[i].parsed;
                }
                if (cache[i].used < cache[victim].used)
                        victim = i;
        }
        free(cache[victim].text);
        cache[victim].text = strdup(text);
        cache[victim].ok = cache[victim].text && sddl_parse(text, &cache[victim].parsed, NULL) == 0;
        cache[victim].used = ++clock_tick;
        if (!cache[victim].text) {
                *ok = false;
                return NULL;
        }
        *ok = cache[victim].ok;
        return &cache[victim].parsed;
}

/* Fills who's uid and groups from its passwd entry, once: the control
 * socket's peer by uid, any other caller by name.  An entry that is not
 * found leaves the ids unknown (a peer uid stays known, without groups);
 * more groups than SDDL_MAX_GROUPS keep the primary one only.  Either way
 * the caller is marked so that S-1-22 allows fail and denies hold. */
static void lookup_ids(struct access_who *w)
{
        struct passwd pw, *found = NULL;
        char buf[16384];
        gid_t list[SDDL_MAX_GROUPS];
        int n = SDDL_MAX_GROUPS;

        if (w->looked_up)
                return;
        w->looked_up = true;
        if (!w->c.authenticated)
                return;
        if (w->by_uid)
                (void)getpwuid_r(w->uid, &pw, buf, sizeof(buf), &found);
        else if (w->user && *w->user)
                (void)getpwnam_r(w->user, &pw, buf, sizeof(buf), &found);
        if (!found) {
                if (w->by_uid) {
                        w->c.ids = true;
                        w->c.uid = (uint32_t)w->uid;
                }
                w->c.groups_cut = true;
                return;
        }
        w->c.ids = true;
        w->c.uid = (uint32_t)found->pw_uid;
        if (getgrouplist(found->pw_name, found->pw_gid, list, &n) < 0 || n < 1 || n > SDDL_MAX_GROUPS) {
                list[0] = found->pw_gid;
                n = 1;
                w->c.groups_cut = true;
        }
        for (int i = 0; i < n; i++)
                w->c.groups[i] = (uint32_t)list[i];
        w->c.n_groups = (size_t)n;
}

bool access_check(const char *text, struct access_who *who, uint32_t want, unsigned *audit)
{
        const struct sddl *s;
        bool ok;

        if (!text)
                return true;
        s = parsed(text, &ok);
        if (!ok) {
                *audit |= SDDL_AUDIT_FAILURE;
                return false;
        }
        if (s->has_unix)
                lookup_ids(who);
        *audit |= sddl_audit(s, &who->c, want);
        return sddl_allows(s, &who->c, want);
}

const char *access_resource_sddl(const struct registered *r, const struct config_txn *t)
{
        static char sddl[4096];
        const char *const *lines;
        size_t n = config_records(t, &lines);
        char uri[1024];

        for (size_t i = 0; i < n; i++) {
                if (strncmp(lines[i], "security ", 9))
                        continue;
                if (record_field(lines[i] + 9, "uri", uri, sizeof(uri)) == 0 && !strcmp(uri, r->res.uri) &&
                    record_field(lines[i] + 9, "sddl", sddl, sizeof(sddl)) == 0)
                        return sddl;
        }
        return r->res.sddl;
}

void access_forget(void)
{
        for (size_t i = 0; i < CACHED; i++) {
                free(cache[i].text);
                cache[i].text = NULL;
                cache[i].used = 0;
        }
}
