/* util.c - constant-time compare and WS-Man scalar parsing. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <uuid/uuid.h>

#include "util.h"

bool ct_equal(const void *a, const void *b, size_t n)
{
        const unsigned char *x = a, *y = b;
        uint64_t d = 0;
        size_t i = 0;

        /* word at a time, then bytes; no early exit either way */
        for (; i + 8 <= n; i += 8) {
                uint64_t u, v;
                memcpy(&u, x + i, 8);
                memcpy(&v, y + i, 8);
                d |= u ^ v;
        }
        for (; i < n; i++)
                d |= (uint64_t)(x[i] ^ y[i]);
        /* keep the compiler from turning the loops into an early exit */
        __asm__ volatile("" : "+r"(d));
        return d == 0;
}

void wipe(void *p, size_t n)
{
        explicit_bzero(p, n);
}

int ascii_casecmp(const char *a, const char *b)
{
        for (;; a++, b++) {
                int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
                if (ca != cb)
                        return ca - cb;
                if (!ca)
                        return 0;
        }
}

static const char *skip_blank(const char *s)
{
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
                s++;
        return s;
}

static bool only_blank(const char *s)
{
        return *skip_blank(s) == '\0';
}

int parse_bool(const char *s, bool *ret)
{
        char word[8];
        size_t n = 0;

        s = skip_blank(s);
        while (s[n] && !isspace((unsigned char)s[n]) && n < sizeof(word) - 1) {
                word[n] = (char)tolower((unsigned char)s[n]);
                n++;
        }
        word[n] = '\0';
        if (!only_blank(s + n))
                return -EINVAL;
        if (!strcmp(word, "true") || !strcmp(word, "1")) {
                *ret = true;
                return 0;
        }
        if (!strcmp(word, "false") || !strcmp(word, "0")) {
                *ret = false;
                return 0;
        }
        return -EINVAL;
}

int parse_long(const char *s, long min, long max, long *ret)
{
        char *end;
        long v;

        s = skip_blank(s);
        if (!*s || !(isdigit((unsigned char)*s) || *s == '-' || *s == '+'))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (end == s || !only_blank(end))
                return -EINVAL;
        if (errno == ERANGE || v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

/* Reads digits[.digits] at *p; returns the value in thousandths. */
static int duration_number(const char **p, int64_t *milli)
{
        const char *s = *p;
        int64_t whole = 0, frac = 0, scale = 1000;

        if (!isdigit((unsigned char)*s))
                return -EINVAL;
        while (isdigit((unsigned char)*s)) {
                if (whole > INT64_MAX / 100000)
                        return -ERANGE;
                whole = whole * 10 + (*s++ - '0');
        }
        if (*s == '.') {
                s++;
                if (!isdigit((unsigned char)*s))
                        return -EINVAL;
                while (isdigit((unsigned char)*s)) {
                        if (scale > 1) {
                                scale /= 10;
                                frac += (*s - '0') * scale;
                        }
                        s++;
                }
        }
        *p = s;
        *milli = whole * 1000 + frac;
        return 0;
}

int parse_duration_ms(const char *s, int64_t *ret)
{
        int64_t total = 0, v, unit;
        bool in_time = false, any = false, any_time = false;
        int r;

        s = skip_blank(s);
        if (*s++ != 'P')
                return -EINVAL;
        while (*s && !isspace((unsigned char)*s)) {
                if (*s == 'T') {
                        if (in_time)
                                return -EINVAL;
                        in_time = true;
                        s++;
                        continue;
                }
                r = duration_number(&s, &v);
                if (r < 0)
                        return r;
                switch (*s) {
                case 'D': if (in_time) return -EINVAL; unit = 86400; break;
                case 'H': if (!in_time) return -EINVAL; unit = 3600; break;
                case 'M': if (!in_time) return -EINVAL; unit = 60; break;
                case 'S': if (!in_time) return -EINVAL; unit = 1; break;
                default: return -EINVAL;
                }
                if (v > INT64_MAX / 2 / unit)
                        return -ERANGE;
                v *= unit;
                if (total > INT64_MAX / 2 - v)
                        return -ERANGE;
                total += v;
                any = true;
                any_time = any_time || in_time;
                s++;
        }
        /* "T" must be followed by at least one time component ("P1DT" is not a duration). */
        if (!any || (in_time && !any_time) || !only_blank(s))
                return -EINVAL;
        *ret = total;
        return 0;
}

/* A version 4 GUID from GnuTLS's random generator (in user space: libuuid
 * costs several system calls per GUID, on every reply). */
void new_guid(char out[37])
{
        uuid_t u;

        if (gnutls_rnd(GNUTLS_RND_RANDOM, u, sizeof(u)) < 0) {
                uuid_generate(u);
        } else {
                u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);   /* version 4 */
                u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
        }
        uuid_unparse_upper(u, out);
}

char *new_message_id(void)
{
        char guid[37], *s;

        new_guid(guid);
        s = malloc(5 + sizeof(guid));
        if (s)
                snprintf(s, 5 + sizeof(guid), "uuid:%s", guid);
        return s;
}

bool next_word(const char **p, char *out, size_t n)
{
        const char *s = *p;
        size_t len = 0;

        while (*s == ',' || *s == ' ')
                s++;
        if (!*s)
                return false;
        while (s[len] && s[len] != ',' && s[len] != ' ')
                len++;
        if (n) {
                size_t c = len < n - 1 ? len : n - 1;
                memcpy(out, s, c);
                out[c] = '\0';
        }
        *p = s + len;
        return true;
}

size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
        uint32_t c;
        size_t len;

        if (n == 0)
                return 0;
        if (p[0] < 0x80) {
                *cp = p[0];
                return 1;
        }
        if (p[0] >= 0xc2 && p[0] <= 0xdf)
                len = 2, c = p[0] & 0x1f;
        else if (p[0] >= 0xe0 && p[0] <= 0xef)
                len = 3, c = p[0] & 0x0f;
        else if (p[0] >= 0xf0 && p[0] <= 0xf4)
                len = 4, c = p[0] & 0x07;
        else
                return 0;
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (p[i] & 0x3f);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
            (c >= 0xd800 && c <= 0xdfff))
                return 0;
        *cp = c;
        return len;
}

char *read_file_at(int dfd, const char *name, size_t max, size_t *len, struct stat *st)
{
        int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        char *buf = NULL;
        ssize_t n;
        int saved;

        if (fd < 0)
                return NULL;
        if (fstat(fd, st) < 0)
                goto out;
        if (!S_ISREG(st->st_mode) || st->st_size < 0 || (size_t)st->st_size > max) {
                errno = S_ISREG(st->st_mode) ? EFBIG : EINVAL;
                goto out;
        }
        buf = malloc((size_t)st->st_size + 1);
        if (!buf)
                goto out;
        n = read(fd, buf, (size_t)st->st_size);
        if (n != st->st_size) {
                int e = n < 0 ? errno : EIO;
                wipe(buf, (size_t)st->st_size);
                free(buf);
                buf = NULL;
                errno = e;
                goto out;
        }
        buf[n] = '\0';
        *len = (size_t)n;
out:
        saved = errno;
        close(fd);
        errno = saved;
        return buf;
}
