/* auth.c - Basic credentials, the transport policy and the success cache.
 * The cache keeps SHA-256(salt | user | 0 | password) of recent successes
 * only, never the password, and compares in constant time. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <stdio.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <sys/random.h>

#include "auth.h"
#include "config.h"
#include "log.h"
#include "util.h"

#define CACHE_SLOTS 64
#define DIGEST_LEN AUTH_DIGEST_LEN

struct cache_entry {
        unsigned char digest[DIGEST_LEN];
        int64_t expires_ms;
        bool used;
        bool admin;
};

static struct cache_entry cache[CACHE_SLOTS];
static unsigned char salt[32];
static bool salted;

static int64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int auth_parse_basic(const char *header, char user[AUTH_MAX_USER], char pass[AUTH_MAX_PASS])
{
        struct base64_decode_ctx b64;
        uint8_t out[BASE64_DECODE_LENGTH(4 * (AUTH_MAX_USER + AUTH_MAX_PASS) / 3 + 4)];
        size_t in_len, out_len = 0;
        const char *p = header;
        unsigned char *colon;
        size_t ulen, plen;
        int r = -EINVAL;

        if (strncasecmp(p, "Basic", 5) || (p[5] != ' ' && p[5] != '\t'))
                return -EINVAL;
        p += 5;
        while (*p == ' ' || *p == '\t')
                p++;
        in_len = strlen(p);
        while (in_len && (p[in_len - 1] == ' ' || p[in_len - 1] == '\t'))
                in_len--;
        if (in_len == 0 || in_len > 4 * (AUTH_MAX_USER + AUTH_MAX_PASS) / 3 + 4)
                return -EINVAL;
        base64_decode_init(&b64);
        if (!base64_decode_update(&b64, &out_len, out, in_len, p) || !base64_decode_final(&b64))
                goto out;
        colon = memchr(out, ':', out_len);
        if (!colon)
                goto out;
        ulen = (size_t)(colon - out);
        plen = out_len - ulen - 1;
        if (ulen == 0 || ulen >= AUTH_MAX_USER || plen >= AUTH_MAX_PASS)
                goto out;
        for (size_t i = 0; i < ulen; i++)
                if (out[i] < 0x20 || out[i] == 0x7f)
                        goto out;
        if (memchr(colon + 1, '\0', plen))
                goto out;
        memcpy(user, out, ulen);
        user[ulen] = '\0';
        memcpy(pass, colon + 1, plen);
        pass[plen] = '\0';
        r = 0;
out:
        wipe(out, sizeof(out));
        return r;
}

static bool plain_scheme(const char *scheme)
{
        const char *list = config_get("service.plain_schemes");
        char w[32];

        while (next_word(&list, w, sizeof(w)))
                if (!ascii_casecmp(w, scheme))
                        return true;
        return false;
}

bool auth_basic_allowed(const char *transport)
{
        if (!config_bool("service.auth.basic"))
                return false;
        if (!strcmp(transport, "https"))
                return true;
        return config_bool("service.allow_unencrypted") && plain_scheme("basic");
}

void auth_challenges(const char *transport, char *buf, size_t len)
{
        snprintf(buf, len, "%s", auth_basic_allowed(transport) ? "WWW-Authenticate: Basic realm=\"WSMAN\"\r\n" : "");
}

void auth_digest(const char *user, const char *pass, unsigned char out[AUTH_DIGEST_LEN])
{
        struct sha256_ctx h;

        if (!salted) {
                if (getrandom(salt, sizeof(salt), 0) != (ssize_t)sizeof(salt))
                        abort();
                salted = true;
        }
        sha256_init(&h);
        sha256_update(&h, sizeof(salt), salt);
        sha256_update(&h, strlen(user) + 1, (const uint8_t *)user);
        sha256_update(&h, strlen(pass), (const uint8_t *)pass);
        sha256_digest(&h, SHA256_DIGEST_SIZE, out);
        wipe(&h, sizeof(h));
}

/* Compares d with every live slot in constant time (the scan's length
 * shows only how many logins are cached, never how close a digest came);
 * returns the index of the match or -1. */
static int cache_find(const unsigned char d[DIGEST_LEN], int64_t now)
{
        int found = -1;

        for (int i = 0; i < CACHE_SLOTS; i++) {
                if (!cache[i].used || cache[i].expires_ms <= now)
                        continue;
                if (ct_equal(cache[i].digest, d, DIGEST_LEN))
                        found = i;
        }
        return found;
}

static void cache_store(const unsigned char d[DIGEST_LEN], int64_t now, long ttl, bool admin)
{
        int slot = 0;

        for (int i = 0; i < CACHE_SLOTS; i++) {
                if (!cache[i].used || cache[i].expires_ms <= now) {
                        slot = i;
                        break;
                }
                if (cache[i].expires_ms < cache[slot].expires_ms)
                        slot = i;
        }
        memcpy(cache[slot].digest, d, DIGEST_LEN);
        cache[slot].expires_ms = now + ttl;
        cache[slot].used = true;
        cache[slot].admin = admin;
}

bool auth_cache_lookup(const char *user, const char *pass, bool *is_admin)
{
        unsigned char d[DIGEST_LEN];
        int slot;

        if (config_long("service.auth_cache_ms") <= 0)
                return false;
        auth_digest(user, pass, d);
        slot = cache_find(d, now_ms());
        wipe(d, sizeof(d));
        if (slot < 0)
                return false;
        *is_admin = cache[slot].admin;
        return true;
}

void auth_cache_store(const char *user, const char *pass, bool is_admin)
{
        unsigned char d[DIGEST_LEN];
        long ttl = config_long("service.auth_cache_ms");

        if (ttl <= 0)
                return;
        auth_digest(user, pass, d);
        cache_store(d, now_ms(), ttl, is_admin);
        wipe(d, sizeof(d));
}

void auth_cache_clear(void)
{
        wipe(cache, sizeof(cache));
}
