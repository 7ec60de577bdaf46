/* config_keys.c - the schema of the configuration store: every key with
 * its type, default and limits, the checks of its values, their canonical
 * form, and the look-up of keys by name. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_keys.h"
#include "sddl.h"
#include "util.h"

/* URLPrefix: one or more path segments of unreserved characters, none of
 * them empty, "." or ".." (clients normalise those away, and the listener
 * would then be unreachable). */
static int check_url_prefix(const char *v)
{
        if (!*v || strlen(v) > 64)
                return -EINVAL;
        for (const char *p = v; *p; p++)
                if (!isalnum((unsigned char)*p) && !strchr("-_.~/", *p))
                        return -EINVAL;
        for (const char *seg = v; seg;) {
                const char *slash = strchr(seg, '/');
                size_t n = slash ? (size_t)(slash - seg) : strlen(seg);
                if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && !strncmp(seg, "..", 2)))
                        return -EINVAL;
                seg = slash ? slash + 1 : NULL;
        }
        return 0;
}

/* An integer as the store and the configuration resource take it:
 * decimal digits, no sign, no blanks, no leading zero. */
static int check_int(const char *v, long min, long max)
{
        long l;

        if (!*v || strspn(v, "0123456789") != strlen(v) || (v[0] == '0' && v[1]) || strlen(v) > 19)
                return -EINVAL;
        return parse_long(v, min, max, &l) < 0 ? -EINVAL : 0;
}

/* xs:boolean as WinRM takes it: true, false, 1 or 0 (any case), nothing else. */
static int check_bool(const char *v)
{
        return (!ascii_casecmp(v, "true") || !ascii_casecmp(v, "false") || !strcmp(v, "1") ||
                !strcmp(v, "0")) ? 0 : -EINVAL;
}

static int check_word_list(const char *v)
{
        if (strlen(v) > 512)
                return -EINVAL;
        for (const char *p = v; *p; p++)
                if (!isalnum((unsigned char)*p) && !strchr("-_., ", *p))
                        return -EINVAL;
        return 0;
}

/* TrustedHosts: "*", names, IPv4/IPv6 addresses, wildcards, commas. */
static int check_host_list(const char *v)
{
        if (strlen(v) > 1024)
                return -EINVAL;
        for (const char *p = v; *p; p++)
                if (!isalnum((unsigned char)*p) && !strchr("-_.,: *[]%", *p))
                        return -EINVAL;
        return 0;
}

static int check_sddl_text(const char *v)
{
        if (!*v || strlen(v) > 4096)
                return -EINVAL;
        return sddl_validate(v);
}

/* IPv4Filter / IPv6Filter: "*", empty, or address ranges "a-b, c". */
static int check_filter(const char *v)
{
        if (strlen(v) > 1024)
                return -EINVAL;
        if (!strcmp(v, "*"))
                return 0;
        for (const char *p = v; *p; p++)
                if (!isxdigit((unsigned char)*p) && !strchr(".:-, ", *p))
                        return -EINVAL;
        return 0;
}

/* A SHA-1 thumbprint: empty, or 40 hex digits (stored lower case). */
static int check_thumbprint(const char *v)
{
        size_t n = strlen(v);

        if (n == 0)
                return 0;
        if (n != 40)
                return -EINVAL;
        for (const char *p = v; *p; p++)
                if (!isxdigit((unsigned char)*p))
                        return -EINVAL;
        return 0;
}

/* A folder: empty (the default place) or an absolute path of printable
 * characters. */
static int check_dir(const char *v)
{
        if (!*v)
                return 0;
        if (v[0] != '/' || strlen(v) > 1024)
                return -EINVAL;
        for (const char *p = v; *p; p++)
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                        return -EINVAL;
        return 0;
}

static int check_cbt(const char *v)
{
        return (!ascii_casecmp(v, "None") || !ascii_casecmp(v, "Relaxed") ||
                !ascii_casecmp(v, "Strict")) ? 0 : -EINVAL;
}

#define I(n, d, lo, hi) { n, T_INT, d, lo, hi, NULL }
#define B(n, d) { n, T_BOOL, d, 0, 0, NULL }
#define S(n, d, f) { n, T_STRING, d, 0, 0, f }

/* The canonical keys; see winrmd.conf(5).  Defaults are the seed's. */
static const struct key_def keys[] = {
        I("max_envelope_kb", "50", 32, 1048576),
        I("max_timeout_ms", "60000", 500, 4294967295L),
        I("max_batch_items", "20", 1, 4294967295L),
        B("soap_trace", "false"),
        I("max_provider_requests", "25", 1, 4294967295L),
        I("client.network_delay_ms", "5000", 500, 4294967295L),
        S("client.url_prefix", "wsman", check_url_prefix),
        I("client.port.http", "80", 1, 65535),
        I("client.port.https", "443", 1, 65535),
        B("client.allow_unencrypted", "false"),
        S("client.plain_schemes", "", check_word_list),
        B("client.auth.basic", "true"),
        B("client.auth.digest", "true"),
        B("client.auth.negotiate", "true"),
        B("client.auth.kerberos", "true"),
        B("client.auth.certificate", "false"),
        B("client.auth.credssp", "false"),
        S("service.root_sddl", "O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)", check_sddl_text),
        I("service.max_concurrent_ops", "100", 1, 4294967295L),
        I("service.enum_timeout_ms", "60000", 500, 4294967295L),
        I("service.max_client_cert_info", "16384", 1, 4294967295L),
        I("service.max_connections", "5", 1, 4294967295L),
        B("service.allow_unencrypted", "false"),
        S("service.plain_schemes", "", check_word_list),
        B("service.auth.basic", "true"),
        B("service.auth.negotiate", "true"),
        B("service.auth.kerberos", "true"),
        B("service.auth.certificate", "false"),
        B("service.auth.credssp", "false"),
        S("service.cbt_hardening", "Relaxed", check_cbt),
        S("service.admin_groups", "sudo,wheel", check_word_list),
        I("service.idle_timeout_ms", "120000", 1000, 86400000),
        S("client.trusted_hosts", "", check_host_list),
        I("service.max_concurrent_ops_per_user", "1500", 1, 4294967295L),
        I("service.max_packet_retrieval_s", "120", 1, 4294967295L),
        I("service.port.http", "5985", 1, 65535),
        I("service.port.https", "5986", 1, 65535),
        S("service.ipv4_filter", "*", check_filter),
        S("service.ipv6_filter", "*", check_filter),
        B("service.compat_http", "false"),
        B("service.compat_https", "false"),
        S("service.cert_thumbprint", "", check_thumbprint),
        B("service.allow_remote_access", "true"),
        B("winrs.allow_remote_shell", "true"),
        I("winrs.idle_timeout_ms", "7200000", 60000, 2147483647L),
        I("winrs.max_concurrent_users", "10", 1, 100),
        I("winrs.max_shell_run_time_ms", "2147483647", 0, 2147483647L),
        I("winrs.max_processes_per_shell", "25", 0, 2147483647L),
        I("winrs.max_memory_per_shell_mb", "1024", 0, 2147483647L),
        I("winrs.max_shells_per_user", "30", 0, 2147483647L),
        I("service.auth_cache_ms", "60000", 0, 3600000),
        I("service.max_logins", "16", 1, 1024),
        I("service.max_logins_per_peer", "4", 1, 1024),
        S("service.client_ca_dir", "", check_dir),
};

_Static_assert(ARRAY_SIZE(keys) <= CONFIG_STATIC_KEYS, "raise CONFIG_STATIC_KEYS");

static struct key_def added[CONFIG_MAX_DYNAMIC];
static size_t n_added;

size_t ckey_count(void)
{
        return ARRAY_SIZE(keys) + n_added;
}

const struct key_def *ckey(int i)
{
        return (size_t)i < ARRAY_SIZE(keys) ? &keys[i] : &added[(size_t)i - ARRAY_SIZE(keys)];
}

/* Keys are looked up on every request: an open-addressing table of key
 * indexes, keyed by an FNV-1a hash of the name, built on first use. */
#define KEY_SLOTS 1024
static short key_slots[KEY_SLOTS];
static bool key_slots_ready;

static unsigned key_hash(const char *s)
{
        unsigned h = 2166136261u;

        while (*s)
                h = (h ^ (unsigned char)*s++) * 16777619u;
        return h;
}

/* Most callers pass string literals: remember the index by address,
 * checked by name, before hashing. */
static struct {
        const char *name;
        int index;
} memo[64];

static int lookup(const char *name);

int ckey_index(const char *name)
{
        size_t m = ((uintptr_t)name >> 3) % 64;
        int i;

        if (memo[m].name == name && !strcmp(ckey(memo[m].index)->name, name))
                return memo[m].index;
        i = lookup(name);
        if (i >= 0) {
                memo[m].name = name;
                memo[m].index = i;
        }
        return i;
}

static void slot_insert(int i)
{
        unsigned h = key_hash(ckey(i)->name);

        while (key_slots[h % KEY_SLOTS] >= 0)
                h++;
        key_slots[h % KEY_SLOTS] = (short)i;
}

static void slots_build(void)
{
        for (size_t i = 0; i < KEY_SLOTS; i++)
                key_slots[i] = -1;
        for (size_t i = 0; i < ckey_count(); i++)
                slot_insert((int)i);
        memset(memo, 0, sizeof(memo));
        key_slots_ready = true;
}

static int lookup(const char *name)
{
        unsigned h;

        if (!key_slots_ready)
                slots_build();
        for (h = key_hash(name); key_slots[h % KEY_SLOTS] >= 0; h++)
                if (!strcmp(ckey(key_slots[h % KEY_SLOTS])->name, name))
                        return key_slots[h % KEY_SLOTS];
        return -1;
}

int ckey_add(const struct key_def *d)
{
        struct key_def *k;

        if (n_added >= CONFIG_MAX_DYNAMIC)
                return -E2BIG;
        if (lookup(d->name) >= 0)
                return -EEXIST;
        k = &added[n_added];
        *k = *d;
        k->name = strdup(d->name);
        k->def = strdup(d->def ? d->def : "");
        if (!k->name || !k->def) {
                free((char *)k->name);
                free((char *)k->def);
                return -ENOMEM;
        }
        n_added++;
        slot_insert((int)(ckey_count() - 1));
        return (int)(ckey_count() - 1);
}

void ckey_drop_added(void)
{
        for (size_t i = 0; i < n_added; i++) {
                free((char *)added[i].name);
                free((char *)added[i].def);
        }
        n_added = 0;
        key_slots_ready = false;
        memset(memo, 0, sizeof(memo));
}

int ckey_check(const struct key_def *k, const char *v)
{
        switch (k->type) {
        case T_INT:
                return check_int(v, k->min, k->max);
        case T_BOOL:
                return check_bool(v);
        case T_STRING:
                if (strchr(v, '\n') || strchr(v, '\r'))
                        return -EINVAL;
                return k->check ? k->check(v) : 0;
        }
        return -EINVAL;
}

/* Stores values in canonical form: trimmed integers, "true"/"false". */
char *ckey_canonical(const struct key_def *k, const char *v)
{
        char buf[32];
        long l;
        bool b;

        if (k->type == T_INT && parse_long(v, k->min, k->max, &l) == 0) {
                snprintf(buf, sizeof(buf), "%ld", l);
                return strdup(buf);
        }
        if (k->type == T_BOOL && parse_bool(v, &b) == 0)
                return strdup(b ? "true" : "false");
        if (k->check == check_thumbprint) {
                char *c = strdup(v);
                for (char *p = c; p && *p; p++)
                        *p = (char)tolower((unsigned char)*p);
                return c;
        }
        return strdup(v);
}

