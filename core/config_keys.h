/* config_keys.h - the schema of the configuration store (internal to
 * config.c and config_keys.c). */
#ifndef WINRMD_CONFIG_KEYS_H
#define WINRMD_CONFIG_KEYS_H

#include <stddef.h>

#define CONFIG_STATIC_KEYS 96      /* winrmd's own */
#define CONFIG_MAX_DYNAMIC 256     /* providers' settings ("plugin.P.S") */
#define CONFIG_MAX_KEYS (CONFIG_STATIC_KEYS + CONFIG_MAX_DYNAMIC)

enum key_type { T_INT, T_BOOL, T_STRING };

struct key_def {
        const char *name;
        enum key_type type;
        const char *def;
        long min, max;
        int (*check)(const char *value); /* extra check for strings */
};

/* Number of keys, and key i (0 <= i < count). */
size_t ckey_count(void);
const struct key_def *ckey(int i);
/* Index of the key named name, or -1. */
int ckey_index(const char *name);
/* Adds a key declared at run time (a provider's setting; name copied):
 * its index, or -E2BIG when the table is full, -EEXIST, -ENOMEM. */
int ckey_add(const struct key_def *d);
/* Forgets every key added at run time. */
void ckey_drop_added(void);
/* 0 if v is a valid value for k, else -EINVAL. */
int ckey_check(const struct key_def *k, const char *v);
/* A new copy of v in canonical form (trimmed integers, "true"/"false",
 * lower-case thumbprints); caller frees; NULL on OOM. */
char *ckey_canonical(const struct key_def *k, const char *v);

#endif
