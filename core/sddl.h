/* sddl.h - Security Descriptor Definition Language: parsing RootSDDL,
 * deciding from its DACL whether a caller may read, write or execute, and
 * from its SACL whether that access is to be audited. */
#ifndef WINRMD_SDDL_H
#define WINRMD_SDDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDDL_MAX_ACES 64
/* The most groups of a caller looked at (primary group included). */
#define SDDL_MAX_GROUPS 256

/* Generic access rights, as WinRM checks them. */
#define SDDL_GA 0x10000000u
#define SDDL_GX 0x20000000u
#define SDDL_GW 0x40000000u
#define SDDL_GR 0x80000000u

/* ACE flags winrmd reads: audit successes (SA), audit failures (FA). */
#define SDDL_ACE_SA 0x40u
#define SDDL_ACE_FA 0x80u

/* What a SACL asks for (sddl_audit()). */
#define SDDL_AUDIT_SUCCESS 1u
#define SDDL_AUDIT_FAILURE 2u

enum sddl_trustee {
        TRUSTEE_OTHER,      /* a SID winrmd does not map yet: matches nobody */
        TRUSTEE_EVERYONE,   /* WD, S-1-1-0 */
        TRUSTEE_AUTH_USERS, /* AU, S-1-5-11 */
        TRUSTEE_USERS,      /* BU, S-1-5-32-545 */
        TRUSTEE_ADMINS,     /* BA, S-1-5-32-544 */
        TRUSTEE_SYSTEM,     /* SY, S-1-5-18 */
        TRUSTEE_INTERACTIVE,/* IU, S-1-5-4: a local caller */
        TRUSTEE_UNIX_USER,  /* S-1-22-1-UID: the Linux user with that uid */
        TRUSTEE_UNIX_GROUP  /* S-1-22-2-GID: members of the Linux group gid */
};

struct sddl_ace {
        char type;          /* 'A' allow, 'D' deny, 'U' audit (SACL only),
                             * 'O' other (ignored) */
        uint8_t flags;      /* SDDL_ACE_SA, SDDL_ACE_FA */
        uint32_t rights;
        enum sddl_trustee who;
        uint32_t id;        /* the uid or gid of TRUSTEE_UNIX_*, else 0 */
};

struct sddl {
        bool has_dacl;      /* no D: part = no DACL = everyone allowed */
        bool dacl_null;     /* D:NO_ACCESS_CONTROL */
        bool has_unix;      /* an ACE names a Linux user or group (S-1-22) */
        bool sacl_cut;      /* more audit ACEs than kept: audit everything */
        struct sddl_ace aces[SDDL_MAX_ACES];
        size_t n_aces;
        struct sddl_ace audits[SDDL_MAX_ACES];  /* the SACL's AU ACEs */
        size_t n_audits;
};

/* Who is asking.  The Linux ids matter only to S-1-22 ACEs: when they are
 * not known (ids false), or the group list may be incomplete (groups_cut),
 * an allow ACE naming them does not apply and a deny or audit ACE does. */
struct sddl_caller {
        bool authenticated, admin, root, local;
        bool ids;                       /* uid (and groups) were resolved */
        bool groups_cut;                /* the caller may have more groups */
        uint32_t uid;
        size_t n_groups;
        uint32_t groups[SDDL_MAX_GROUPS]; /* primary and supplementary gids */
};

/* Parses text (owner, group, DACL, SACL; ACEs of 6 fields).  On
 * error returns -EINVAL and sets *err_pos to the offending offset. */
int sddl_parse(const char *text, struct sddl *out, size_t *err_pos);
/* True when the DACL grants every bit of want to caller, evaluated in order
 * (a matching deny of any wanted bit refuses). */
bool sddl_allows(const struct sddl *s, const struct sddl_caller *caller, uint32_t want);
/* What the SACL asks to audit of caller's access to want: SDDL_AUDIT_SUCCESS
 * (an SA ACE applies) and/or SDDL_AUDIT_FAILURE (an FA ACE), or 0. */
unsigned sddl_audit(const struct sddl *s, const struct sddl_caller *caller, uint32_t want);
/* 0 when text parses, else -EINVAL (for the configuration store). */
int sddl_validate(const char *text);

#endif
