/* host_cert.c - the certificate part of the winrmd_host table: the store's
 * certificates as fields a provider reads (the Certificate provider's
 * Retrieve, a third party's inventory). */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "certstore.h"
#include "host_cert.h"
#include "request.h"

#define LIVE(c) ((c) && !(c)->st.dead)

size_t hc_count(const winrmd_ctx *c)
{
        return LIVE(c) ? certstore_count() : 0;
}

static const char *keep_time(const winrmd_ctx *c, time_t t)
{
        char buf[32];
        struct tm tm;

        if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
                return NULL;
        return request_keep((winrmd_ctx *)c, buf);
}

const char *hc_field(const winrmd_ctx *c, size_t i, const char *name)
{
        const struct cert_info *ci = LIVE(c) && name ? certstore_at(i) : NULL;
        char why[512];

        if (!ci)
                return NULL;
        if (!strcmp(name, "name"))
                return ci->name;
        if (!strcmp(name, "thumbprint"))
                return ci->thumbprint;
        if (!strcmp(name, "subject_cn"))
                return ci->subject_cn;
        if (!strcmp(name, "names"))
                return ci->names;
        if (!strcmp(name, "eku"))
                return ci->eku;
        if (!strcmp(name, "server"))
                return certstore_check_server(ci, "", time(NULL), why, sizeof(why)) == 0 ? "true" : "false";
        if (!strcmp(name, "not_before"))
                return keep_time(c, ci->not_before);
        if (!strcmp(name, "not_after"))
                return keep_time(c, ci->not_after);
        return NULL;
}
