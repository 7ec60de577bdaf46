/* access.c - security descriptors, parsed once and kept by their text. */
#include "autoconfig.h"

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

bool access_allows(const char *text, const struct sddl_caller *who, uint32_t want)
{
        const struct sddl *s;
        bool ok;

        if (!text)
                return true;
        s = parsed(text, &ok);
        return ok && sddl_allows(s, who, want);
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
