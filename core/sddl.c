/* sddl.c - a strict SDDL parser (MS-DTYP 2.5.1), DACL evaluation and the
 * SACL's audit decision.  Besides Windows' SIDs it reads Samba's SIDs for
 * Linux accounts: S-1-22-1-UID (a user) and S-1-22-2-GID (a group). */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "sddl.h"
#include "util.h"

static const struct { const char *code; uint32_t bits; } rights_codes[] = {
        { "GA", SDDL_GA }, { "GR", SDDL_GR }, { "GW", SDDL_GW }, { "GX", SDDL_GX },
        { "RC", 0x00020000 }, { "SD", 0x00010000 }, { "WD", 0x00040000 }, { "WO", 0x00080000 },
        { "RP", 0x10 }, { "WP", 0x20 }, { "CC", 0x1 }, { "DC", 0x2 }, { "LC", 0x4 },
        { "SW", 0x8 }, { "LO", 0x80 }, { "DT", 0x40 }, { "CR", 0x100 },
        { "FA", 0x001f01ff }, { "FR", 0x00120089 }, { "FW", 0x00120116 }, { "FX", 0x001200a0 },
        { "KA", 0x000f003f }, { "KR", 0x00020019 }, { "KW", 0x00020006 }, { "KX", 0x00020019 },
        { "NR", 0x1 }, { "NW", 0x2 }, { "NX", 0x4 },
};

static const struct { const char *alias; const char *sid; enum sddl_trustee who; } sids[] = {
        { "WD", "S-1-1-0", TRUSTEE_EVERYONE }, { "AU", "S-1-5-11", TRUSTEE_AUTH_USERS },
        { "BU", "S-1-5-32-545", TRUSTEE_USERS }, { "BA", "S-1-5-32-544", TRUSTEE_ADMINS },
        { "SY", "S-1-5-18", TRUSTEE_SYSTEM }, { "IU", "S-1-5-4", TRUSTEE_INTERACTIVE },
        { "NS", "S-1-5-20", TRUSTEE_OTHER }, { "LS", "S-1-5-19", TRUSTEE_OTHER },
        { "NU", "S-1-5-2", TRUSTEE_OTHER }, { "AN", "S-1-5-7", TRUSTEE_OTHER },
        { "BG", "S-1-5-32-546", TRUSTEE_OTHER }, { "CO", "S-1-3-0", TRUSTEE_OTHER },
        { "CG", "S-1-3-1", TRUSTEE_OTHER }, { "DA", NULL, TRUSTEE_OTHER },
        { "DU", NULL, TRUSTEE_OTHER }, { "LA", NULL, TRUSTEE_OTHER },
        { "RD", "S-1-5-32-555", TRUSTEE_OTHER }, { "RM", "S-1-5-32-580", TRUSTEE_OTHER },
        { "PU", "S-1-5-32-547", TRUSTEE_OTHER }, { "SO", "S-1-5-32-549", TRUSTEE_OTHER },
        { "ER", "S-1-5-32-573", TRUSTEE_OTHER }, { "OW", "S-1-3-4", TRUSTEE_OTHER },
};

struct cursor {
        const char *start, *p;
};

/* A SID as parsed: the trustee, and the uid or gid of a Linux one. */
struct sid {
        enum sddl_trustee who;
        uint32_t id;
};

/* S-1-22-1-N (a Linux user) or S-1-22-2-N (a Linux group) in [s, end):
 * N decimal, without a leading zero, at most 32 bits. */
static int parse_unix_sid(const char *s, const char *end, struct sid *out)
{
        uint64_t v = 0;
        const char *q = s + 9;

        if (end - s < 10 || (s[7] != '1' && s[7] != '2') || s[8] != '-' || (*q == '0' && end - q > 1))
                return -EINVAL;
        for (; q < end; q++) {
                if (!isdigit((unsigned char)*q))
                        return -EINVAL;
                v = v * 10 + (uint64_t)(*q - '0');
                if (v > UINT32_MAX)
                        return -EINVAL;
        }
        out->who = s[7] == '1' ? TRUSTEE_UNIX_USER : TRUSTEE_UNIX_GROUP;
        out->id = (uint32_t)v;
        return 0;
}

/* A SID: a two-letter alias or S-1-<authority>(-<sub>)+ ; sets *out. */
static int parse_sid(struct cursor *c, const char *end, struct sid *out)
{
        size_t len = (size_t)(end - c->p);

        out->id = 0;
        for (size_t i = 0; i < ARRAY_SIZE(sids); i++) {
                if (len == 2 && !strncmp(c->p, sids[i].alias, 2)) {
                        out->who = sids[i].who;
                        c->p += 2;
                        return 0;
                }
        }
        if (len < 5 || strncmp(c->p, "S-1-", 4))
                return -EINVAL;
        /* authority 22 (Linux accounts) takes exactly its two forms */
        if (len >= 6 && !strncmp(c->p, "S-1-22", 6) && (len == 6 || c->p[6] == '-')) {
                if (parse_unix_sid(c->p, end, out) < 0)
                        return -EINVAL;
                c->p = end;
                return 0;
        }
        for (const char *q = c->p + 4; q < end; q++) {
                if (!isdigit((unsigned char)*q) && !(*q == '-' && q[-1] != '-' && q + 1 < end))
                        return -EINVAL;
        }
        out->who = TRUSTEE_OTHER;
        for (size_t i = 0; i < ARRAY_SIZE(sids); i++)
                if (sids[i].sid && strlen(sids[i].sid) == len && !strncmp(sids[i].sid, c->p, len))
                        out->who = sids[i].who;
        c->p = end;
        return 0;
}

static int parse_rights(const char *s, const char *end, uint32_t *out)
{
        uint32_t r = 0;

        if (s == end)
                return -EINVAL;
        if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
                for (const char *q = s + 2; q < end; q++) {
                        if (!isxdigit((unsigned char)*q) || end - s > 10)
                                return -EINVAL;
                        r = r * 16 + (uint32_t)(isdigit((unsigned char)*q) ? *q - '0' : (tolower((unsigned char)*q) - 'a' + 10));
                }
                *out = r;
                return 0;
        }
        while (s < end) {
                size_t i;
                if (end - s < 2)
                        return -EINVAL;
                for (i = 0; i < ARRAY_SIZE(rights_codes); i++)
                        if (!strncmp(s, rights_codes[i].code, 2))
                                break;
                if (i == ARRAY_SIZE(rights_codes))
                        return -EINVAL;
                r |= rights_codes[i].bits;
                s += 2;
        }
        *out = r;
        return 0;
}

/* The ACE flags in [s, end) (two letters each); *out gets SA and FA. */
static int parse_ace_flags(const char *s, const char *end, uint8_t *out)
{
        static const struct { const char *code; uint8_t bit; } flags[] = {
                { "CI", 0 }, { "OI", 0 }, { "NP", 0 }, { "IO", 0 }, { "ID", 0 },
                { "SA", SDDL_ACE_SA }, { "FA", SDDL_ACE_FA }, { "TP", 0 }, { "CR", 0 },
        };

        *out = 0;
        if ((end - s) % 2)
                return -EINVAL;
        for (; s < end; s += 2) {
                size_t i;
                for (i = 0; i < ARRAY_SIZE(flags); i++)
                        if (!strncmp(s, flags[i].code, 2))
                                break;
                if (i == ARRAY_SIZE(flags))
                        return -EINVAL;
                *out |= flags[i].bit;
        }
        return 0;
}

static bool valid_guid(const char *s, const char *end)
{
        static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

        if (s == end)
                return true;
        if (end - s != 36)
                return false;
        for (int i = 0; i < 36; i++)
                if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
                        return false;
        return true;
}

static char ace_kind(const char *s, const char *end)
{
        static const char *types[] = { "A", "D", "OA", "OD", "AU", "AL", "OU", "OL", "ML",
                                       "XA", "XD", "ZA", "XU", "RA", "SP", "SD", "SU" };
        size_t n = (size_t)(end - s);

        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
                if (strlen(types[i]) == n && !strncmp(s, types[i], n))
                        return n == 1 ? s[0] : !strcmp(types[i], "AU") ? 'U' : 'O';
        }
        return 0;
}

/* One "(type;flags;rights;guid;guid;sid)" at c->p. */
static int parse_ace(struct cursor *c, struct sddl_ace *ace)
{
        const char *close, *f[7];
        struct sid sid;
        int nf = 0;

        if (*c->p != '(')
                return -EINVAL;
        close = strchr(c->p, ')');
        if (!close)
                return -EINVAL;
        f[nf++] = c->p + 1;
        for (const char *q = c->p + 1; q < close; q++) {
                if (*q == ';') {
                        if (nf >= 7)
                                return -EINVAL;
                        f[nf++] = q + 1;
                }
        }
        if (nf != 6)
                return -EINVAL;
#define END(i) ((i) + 1 < nf ? f[(i) + 1] - 1 : close)
        ace->type = ace_kind(f[0], END(0));
        if (!ace->type || parse_ace_flags(f[1], END(1), &ace->flags) < 0 ||
            parse_rights(f[2], END(2), &ace->rights) < 0 || !valid_guid(f[3], END(3)) || !valid_guid(f[4], END(4)))
                return -EINVAL;
        c->p = f[5];
        if (parse_sid(c, close, &sid) < 0 || c->p != close)
                return -EINVAL;
        ace->who = sid.who;
        ace->id = sid.id;
#undef END
        c->p = close + 1;
        return 0;
}

static bool is_unix(enum sddl_trustee who)
{
        return who == TRUSTEE_UNIX_USER || who == TRUSTEE_UNIX_GROUP;
}

/* A DACL ACE, in order: allow and deny decide, any other kind is kept as
 * 'O' (ignored).  -EINVAL past SDDL_MAX_ACES. */
static int keep_dacl_ace(struct sddl *out, const struct sddl_ace *ace)
{
        if (out->n_aces >= SDDL_MAX_ACES)
                return -EINVAL;
        out->aces[out->n_aces] = *ace;
        if (ace->type != 'A' && ace->type != 'D')
                out->aces[out->n_aces].type = 'O';
        out->n_aces++;
        out->has_unix |= is_unix(ace->who);
        return 0;
}

/* A SACL ACE: audit ACEs are kept; past SDDL_MAX_ACES of them the SACL
 * is marked cut (everything is audited), never refused. */
static void keep_audit_ace(struct sddl *out, const struct sddl_ace *ace)
{
        if (ace->type != 'U')
                return;
        out->has_unix |= is_unix(ace->who);
        if (out->n_audits >= SDDL_MAX_ACES) {
                out->sacl_cut = true;
                return;
        }
        out->audits[out->n_audits++] = *ace;
}

/* "D:" or "S:" flags then ACEs; dacl selects where ACEs go. */
static int parse_acl(struct cursor *c, struct sddl *out, bool dacl)
{
        struct sddl_ace ace;

        while (*c->p && *c->p != '(' && !(c->p[1] == ':' && strchr("OGDS", *c->p))) {
                if (!strncmp(c->p, "NO_ACCESS_CONTROL", 17)) {
                        if (dacl)
                                out->dacl_null = true;
                        c->p += 17;
                } else if (!strncmp(c->p, "AI", 2) || !strncmp(c->p, "AR", 2)) {
                        c->p += 2;
                } else if (*c->p == 'P') {
                        c->p++;
                } else {
                        return -EINVAL;
                }
        }
        while (*c->p == '(') {
                if (parse_ace(c, &ace) < 0)
                        return -EINVAL;
                if (!dacl)
                        keep_audit_ace(out, &ace);
                else if (keep_dacl_ace(out, &ace) < 0)
                        return -EINVAL;
        }
        return 0;
}

int sddl_parse(const char *text, struct sddl *out, size_t *err_pos)
{
        struct cursor c = { text, text };
        bool seen[4] = { false };
        const char *order = "OGDS";

        memset(out, 0, sizeof(*out));
        if (!*text)
                goto bad;
        while (*c.p) {
                const char *k = strchr(order, *c.p);
                int idx;
                if (!k || c.p[1] != ':')
                        goto bad;
                idx = (int)(k - order);
                if (seen[idx])
                        goto bad;
                seen[idx] = true;
                c.p += 2;
                if (idx < 2) {
                        const char *end = c.p;
                        struct sid who;
                        while (*end && !(end[1] == ':' && strchr(order, *end)))
                                end++;
                        if (parse_sid(&c, end, &who) < 0)
                                goto bad;
                } else {
                        if (idx == 2)
                                out->has_dacl = true;
                        if (parse_acl(&c, out, idx == 2) < 0)
                                goto bad;
                }
        }
        return 0;
bad:
        if (err_pos)
                *err_pos = (size_t)(c.p - text);
        return -EINVAL;
}

int sddl_validate(const char *text)
{
        struct sddl s;

        return sddl_parse(text, &s, NULL);
}

static bool trustee_matches(enum sddl_trustee who, const struct sddl_caller *c)
{
        switch (who) {
        case TRUSTEE_EVERYONE: return true;
        case TRUSTEE_AUTH_USERS:
        case TRUSTEE_USERS: return c->authenticated;
        case TRUSTEE_ADMINS: return c->admin;
        case TRUSTEE_SYSTEM: return c->root;
        case TRUSTEE_INTERACTIVE: return c->local;
        default: return false;
        }
}

/* Whether caller is the trustee of a.  For a Linux user or group, unsure
 * is the answer when the caller's ids are not known, or its group list
 * may be incomplete: false for an allow, true for a deny or an audit. */
static bool applies(const struct sddl_ace *a, const struct sddl_caller *c, bool unsure)
{
        if (!is_unix(a->who))
                return trustee_matches(a->who, c);
        if (!c->authenticated || !c->ids)
                return unsure;
        if (a->who == TRUSTEE_UNIX_USER)
                return c->uid == a->id;
        for (size_t i = 0; i < c->n_groups && i < SDDL_MAX_GROUPS; i++)
                if (c->groups[i] == a->id)
                        return true;
        return c->groups_cut && unsure;
}

/* Generic rights each imply the others they include (GA = everything). */
static uint32_t expand(uint32_t r)
{
        return (r & SDDL_GA) ? (SDDL_GA | SDDL_GR | SDDL_GW | SDDL_GX) : r;
}

bool sddl_allows(const struct sddl *s, const struct sddl_caller *caller, uint32_t want)
{
        uint32_t granted = 0;

        if (!s->has_dacl || s->dacl_null)
                return true;
        for (size_t i = 0; i < s->n_aces; i++) {
                const struct sddl_ace *a = &s->aces[i];
                uint32_t r = expand(a->rights);
                if (!applies(a, caller, a->type == 'D'))
                        continue;
                if (a->type == 'D' && (r & want & ~granted))
                        return false;
                if (a->type == 'A')
                        granted |= r;
                if ((granted & want) == want)
                        return true;
        }
        return false;
}

unsigned sddl_audit(const struct sddl *s, const struct sddl_caller *caller, uint32_t want)
{
        unsigned out = 0;

        if (s->sacl_cut)
                return SDDL_AUDIT_SUCCESS | SDDL_AUDIT_FAILURE;
        for (size_t i = 0; i < s->n_audits; i++) {
                const struct sddl_ace *a = &s->audits[i];
                if (!(expand(a->rights) & want) || !applies(a, caller, true))
                        continue;
                if (a->flags & SDDL_ACE_SA)
                        out |= SDDL_AUDIT_SUCCESS;
                if (a->flags & SDDL_ACE_FA)
                        out |= SDDL_AUDIT_FAILURE;
        }
        return out;
}
