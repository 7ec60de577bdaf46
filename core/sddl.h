/* sddl.h - Security Descriptor Definition Language: parsing RootSDDL and
 * deciding, from its DACL, whether a caller may read, write or execute. */
#ifndef WINRMD_SDDL_H
#define WINRMD_SDDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDDL_MAX_ACES 64

/* Generic access rights, as WinRM checks them. */
#define SDDL_GA 0x10000000u
#define SDDL_GX 0x20000000u
#define SDDL_GW 0x40000000u
#define SDDL_GR 0x80000000u

enum sddl_trustee {
        TRUSTEE_OTHER,      /* a SID winrmd does not map yet: matches nobody */
        TRUSTEE_EVERYONE,   /* WD, S-1-1-0 */
        TRUSTEE_AUTH_USERS, /* AU, S-1-5-11 */
        TRUSTEE_USERS,      /* BU, S-1-5-32-545 */
        TRUSTEE_ADMINS,     /* BA, S-1-5-32-544 */
        TRUSTEE_SYSTEM,     /* SY, S-1-5-18 */
        TRUSTEE_INTERACTIVE /* IU, S-1-5-4: a local caller */
};

struct sddl_ace {
        char type;          /* 'A' allow, 'D' deny, 'O' other (ignored for access) */
        uint32_t rights;
        enum sddl_trustee who;
};

struct sddl {
        bool has_dacl;      /* no D: part = no DACL = everyone allowed */
        bool dacl_null;     /* D:NO_ACCESS_CONTROL */
        struct sddl_ace aces[SDDL_MAX_ACES];
        size_t n_aces;
};

/* Who is asking. */
struct sddl_caller {
        bool authenticated, admin, root, local;
};

/* Parses text (owner, group, DACL, SACL; ACEs of 6 fields).  On
 * error returns -EINVAL and sets *err_pos to the offending offset. */
int sddl_parse(const char *text, struct sddl *out, size_t *err_pos);
/* True when the DACL grants every bit of want to caller, evaluated in order
 * (a matching deny of any wanted bit refuses). */
bool sddl_allows(const struct sddl *s, const struct sddl_caller *caller, uint32_t want);
/* 0 when text parses, else -EINVAL (for the configuration store). */
int sddl_validate(const char *text);

#endif
