/* certmap.c - client certificates to local accounts (see certmap.h).
 *
 * Subject patterns: "*" matches every certificate; "*suffix" matches a
 * name ending with suffix; anything else is the whole name.  The names of a
 * certificate, tried in turn: its UPN (SAN otherName), its e-mail (SAN
 * rfc822Name), its subject CN.  URI patterns: "*" matches every resource,
 * "prefix*" a URI starting with prefix, else the whole URI.  All compare
 * without case. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "certmap.h"
#include "config.h"
#include "record.h"
#include "tls.h"
#include "util.h"

#define KIND "certmapping "

static bool pattern_matches(const char *pat, const char *name, bool suffix_star)
{
        size_t p = strlen(pat), n = strlen(name);

        if (!*name)
                return false;
        if (!strcmp(pat, "*"))
                return true;
        if (suffix_star && pat[0] == '*')
                return n >= p - 1 && !strcasecmp(name + n - (p - 1), pat + 1);
        if (!suffix_star && p > 0 && pat[p - 1] == '*')
                return !strncasecmp(name, pat, p - 1);
        return !strcasecmp(pat, name);
}

static bool subject_matches(const char *pat, const struct tls_peer *peer)
{
        return pattern_matches(pat, peer->upn, true) || pattern_matches(pat, peer->email, true) ||
               pattern_matches(pat, peer->cn, true);
}

int certmap_find(const struct tls_peer *peer, const char *uri, char *user, size_t len)
{
        const char *const *lines;
        size_t n = config_records(NULL, &lines);

        for (size_t i = 0; i < n; i++) {
                char issuer[64], subject[512], pat[1024], enabled[8], who[256];
                const char *text = lines[i] + strlen(KIND);

                if (strncmp(lines[i], KIND, strlen(KIND)))
                        continue;
                if (record_field(text, "issuer", issuer, sizeof(issuer)) < 0 ||
                    record_field(text, "subject", subject, sizeof(subject)) < 0 ||
                    record_field(text, "uri", pat, sizeof(pat)) < 0 ||
                    record_field(text, "enabled", enabled, sizeof(enabled)) < 0 ||
                    record_field(text, "user", who, sizeof(who)) < 0)
                        continue;
                if (strcmp(enabled, "true") || strcasecmp(issuer, peer->issuer) || !subject_matches(subject, peer))
                        continue;
                if (uri && !pattern_matches(pat, uri, false))
                        continue;
                snprintf(user, len, "%s", who);
                return 0;
        }
        return -ENOENT;
}

static bool printable(const char *s, size_t max)
{
        size_t n = strlen(s);

        if (n == 0 || n > max)
                return false;
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f)
                        return false;
        return true;
}

int certmap_check(char *text, size_t cap, char *why, size_t why_len)
{
        char issuer[64], subject[512], uri[1024], user[256], enabled[16];
        static const char *const names[] = { "issuer", "subject", "uri", "user", "enabled" };
        const char *values[5];
        bool on;

        if (record_field(text, "issuer", issuer, sizeof(issuer)) < 0 || strlen(issuer) != 40 ||
            strspn(issuer, "0123456789abcdefABCDEF") != 40) {
                snprintf(why, why_len, "Issuer must be the thumbprint (40 hexadecimal digits) of the CA that issues the client certificates.");
                return -EINVAL;
        }
        for (char *p = issuer; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        if (record_field(text, "subject", subject, sizeof(subject)) < 0 || !printable(subject, 255)) {
                snprintf(why, why_len, "Subject must name the certificate (its UPN, e-mail or CN; \"*\" or \"*suffix\" as a pattern).");
                return -EINVAL;
        }
        if (record_field(text, "uri", uri, sizeof(uri)) < 0 || !printable(uri, 1000)) {
                snprintf(why, why_len, "URI must be a resource URI, a prefix ending with \"*\", or \"*\".");
                return -EINVAL;
        }
        if (record_field(text, "user", user, sizeof(user)) < 0 || !printable(user, 32) || !getpwnam(user)) {
                snprintf(why, why_len, "UserName must be a local account of this host.");
                return -EINVAL;
        }
        if (record_field(text, "enabled", enabled, sizeof(enabled)) < 0)
                snprintf(enabled, sizeof(enabled), "true");
        if (parse_bool(enabled, &on) < 0) {
                snprintf(why, why_len, "Enabled must be true or false.");
                return -EINVAL;
        }
        values[0] = issuer;
        values[1] = subject;
        values[2] = uri;
        values[3] = user;
        values[4] = on ? "true" : "false";
        return record_format(names, values, 5, text, cap) < 0 ? -EINVAL : 0;
}

bool certmap_same(const char *a, const char *b)
{
        static const char *const keys[] = { "issuer", "subject", "uri" };

        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                char x[1024], y[1024];
                if (record_field(a, keys[i], x, sizeof(x)) < 0 || record_field(b, keys[i], y, sizeof(y)) < 0 ||
                    strcasecmp(x, y))
                        return false;
        }
        return true;
}
