/* shell_parse.c - the shell provider's pure text handling: the Linux
 * command line of a WinRS Command, strict base64, option values,
 * xs:duration, GUIDs, Signal codes and code-page names.  Nothing here
 * calls the host. */
#define _POSIX_C_SOURCE 200809L    /* POSIX interfaces under -std=c11 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell_parse.h"

#define SIGNAL_PREFIX "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/"
#define SEARCH_PATH "/usr/local/bin:/usr/bin:/bin"
#define DURATION_MAX_MS (100LL * 366 * 24 * 3600 * 1000)   /* a century: more is a mistake */

int sp_bool(const char *v, bool *out)
{
        if (v && !strcasecmp(v, "true")) {
                *out = true;
                return 0;
        }
        if (v && !strcasecmp(v, "false")) {
                *out = false;
                return 0;
        }
        return -EINVAL;
}

bool sp_guid_ok(const char *s)
{
        static const unsigned groups[] = { 8, 4, 4, 4, 12 };

        if (!s)
                return false;
        for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
                for (unsigned i = 0; i < groups[g]; i++, s++)
                        if (!isxdigit((unsigned char)*s))
                                return false;
                if (g < 4 && *s++ != '-')
                        return false;
        }
        return *s == '\0';
}

int sp_codepage(const char *v, unsigned *out)
{
        unsigned long n = 0;

        if (!v || !*v || strlen(v) > 5)
                return -EINVAL;
        for (const char *p = v; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                n = n * 10 + (unsigned long)(*p - '0');
        }
        if (n < 1 || n > 65535)
                return -EINVAL;
        *out = (unsigned)n;
        return 0;
}

const char *sp_iconv_name(unsigned cp, char *buf, size_t len)
{
        static const struct {
                unsigned cp;
                const char *name;
        } named[] = {
                { 1200, "UTF-16LE" }, { 1201, "UTF-16BE" }, { 12000, "UTF-32LE" }, { 12001, "UTF-32BE" },
                { 20127, "ASCII" }, { 20866, "KOI8-R" }, { 21866, "KOI8-U" }, { 28605, "ISO-8859-15" },
                { 936, "GBK" }, { 54936, "GB18030" }, { 950, "BIG5" }, { 51932, "EUC-JP" },
                { 51949, "EUC-KR" },
        };

        if (cp == 65001)
                return NULL;
        for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
                if (named[i].cp == cp)
                        return named[i].name;
        if (cp >= 28591 && cp <= 28599)
                snprintf(buf, len, "ISO-8859-%u", cp - 28590);
        else
                snprintf(buf, len, "CP%u", cp);
        return buf;
}

char *sp_join(const char *command, const char *const *args, size_t n)
{
        size_t len = strlen(command) + 1, at;
        char *line;

        for (size_t i = 0; i < n; i++)
                len += strlen(args[i]) + 1;
        line = malloc(len);
        if (!line)
                return NULL;
        at = strlen(command);
        memcpy(line, command, at);
        for (size_t i = 0; i < n; i++) {
                size_t l = strlen(args[i]);
                line[at++] = ' ';
                memcpy(line + at, args[i], l);
                at += l;
        }
        line[at] = '\0';
        return line;
}

void sp_outer_quotes(char *line)
{
        char *last;
        size_t len;

        if (line[0] != '"')
                return;
        len = strlen(line);
        memmove(line, line + 1, len);       /* the NUL comes along */
        last = strrchr(line, '"');
        if (last)
                memmove(last, last + 1, strlen(last + 1) + 1);
}

/* True when path is a regular file someone may execute. */
static bool executable(const char *path)
{
        struct stat s;

        return stat(path, &s) == 0 && S_ISREG(s.st_mode) && (s.st_mode & 0111) && access(path, X_OK) == 0;
}

int sp_resolve(const char *name, char *buf, size_t len)
{
        const char *dir = SEARCH_PATH;

        if (!name || !*name)
                return -ENOENT;
        if (strchr(name, '/')) {
                if (name[0] != '/' || !executable(name))
                        return -ENOENT;
                if ((size_t)snprintf(buf, len, "%s", name) >= len)
                        return -ENAMETOOLONG;
                return 0;
        }
        while (*dir) {
                size_t dl = strcspn(dir, ":");
                int n = snprintf(buf, len, "%.*s/%s", (int)dl, dir, name);

                if (n < 0 || (size_t)n >= len)
                        return -ENAMETOOLONG;
                if (executable(buf))
                        return 0;
                dir += dl;
                if (*dir == ':')
                        dir++;
        }
        return -ENOENT;
}

/* The value of a base64 digit, -1 for another character. */
static int b64_value(unsigned char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

size_t sp_base64_max(size_t len)
{
        return len / 4 * 3 + 3;
}

ssize_t sp_base64_decode(const char *in, size_t len, unsigned char *out)
{
        int quad[4];
        unsigned q = 0, pad = 0;
        size_t o = 0;

        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)in[i];
                int v;

                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                        continue;
                if (pad && q == 0)
                        return -EINVAL;              /* something after the padded quad */
                if (c == '=') {
                        if (q < 2)
                                return -EINVAL;
                        pad++;
                        quad[q++] = 0;
                } else {
                        v = b64_value(c);
                        if (v < 0 || pad)
                                return -EINVAL;
                        quad[q++] = v;
                }
                if (q < 4)
                        continue;
                q = 0;
                out[o++] = (unsigned char)(quad[0] << 2 | quad[1] >> 4);
                if (pad == 2) {
                        if (quad[1] & 0x0f)
                                return -EINVAL;
                        continue;
                }
                out[o++] = (unsigned char)((quad[1] & 0x0f) << 4 | quad[2] >> 2);
                if (pad == 1) {
                        if (quad[2] & 0x03)
                                return -EINVAL;
                        continue;
                }
                out[o++] = (unsigned char)((quad[2] & 0x03) << 6 | quad[3]);
        }
        return q ? -EINVAL : (ssize_t)o;
}

size_t sp_base64_len(size_t n)
{
        return (n + 2) / 3 * 4;
}

void sp_base64_encode(const unsigned char *in, size_t n, char *out)
{
        static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t i = 0, o = 0;

        for (; i + 2 < n; i += 3) {
                out[o++] = digits[in[i] >> 2];
                out[o++] = digits[(in[i] & 0x03) << 4 | in[i + 1] >> 4];
                out[o++] = digits[(in[i + 1] & 0x0f) << 2 | in[i + 2] >> 6];
                out[o++] = digits[in[i + 2] & 0x3f];
        }
        if (i < n) {
                out[o++] = digits[in[i] >> 2];
                if (i + 1 < n) {
                        out[o++] = digits[(in[i] & 0x03) << 4 | in[i + 1] >> 4];
                        out[o++] = digits[(in[i + 1] & 0x0f) << 2];
                } else {
                        out[o++] = digits[(in[i] & 0x03) << 4];
                        out[o++] = '=';
                }
                out[o++] = '=';
        }
        out[o] = '\0';
}

/* Reads a decimal number with an optional fraction of up to three digits
 * at *p, in thousandths; advances *p.  -EINVAL without digits or when
 * too large. */
static int read_number(const char **p, int64_t *thousandths)
{
        const char *s = *p;
        int64_t whole = 0, frac = 0;
        int fdigits = 0;

        if (!isdigit((unsigned char)*s))
                return -EINVAL;
        for (; isdigit((unsigned char)*s); s++) {
                whole = whole * 10 + (*s - '0');
                if (whole > DURATION_MAX_MS)
                        return -EINVAL;
        }
        if (*s == '.') {
                s++;
                if (!isdigit((unsigned char)*s))
                        return -EINVAL;
                for (; isdigit((unsigned char)*s); s++)
                        if (fdigits < 3) {
                                frac = frac * 10 + (*s - '0');
                                fdigits++;
                        }
                for (; fdigits < 3; fdigits++)
                        frac *= 10;
        }
        *thousandths = whole * 1000 + frac;
        *p = s;
        return 0;
}

int sp_duration_ms(const char *s, int64_t *ms)
{
        static const struct {
                char unit;
                int64_t ms;
                bool in_time;
        } units[] = { { 'D', 86400000, false }, { 'H', 3600000, true }, { 'M', 60000, true }, { 'S', 1000, true } };
        int64_t total = 0, n;
        size_t u = 0;
        bool in_time = false, any = false;
        const char *p = s;

        if (!s || !*s)
                return -EINVAL;
        if (*p != 'P') {                    /* a bare number of seconds */
                if (read_number(&p, &n) < 0 || *p)
                        return -EINVAL;
                *ms = n;
                return 0;
        }
        p++;
        while (*p) {
                if (*p == 'T') {
                        if (in_time)
                                return -EINVAL;
                        in_time = true;
                        p++;
                        if (!*p)
                                return -EINVAL;
                        continue;
                }
                if (read_number(&p, &n) < 0)
                        return -EINVAL;
                while (u < sizeof(units) / sizeof(units[0]) &&
                       (units[u].unit != *p || units[u].in_time != in_time))
                        u++;
                if (u == sizeof(units) / sizeof(units[0]))
                        return -EINVAL;             /* years, months, out of order, or junk */
                if ((n % 1000 && units[u].unit != 'S') || n / 1000 > DURATION_MAX_MS / units[u].ms)
                        return -EINVAL;             /* a fraction only on seconds */
                total += n / 1000 * units[u].ms + (units[u].unit == 'S' ? n % 1000 : 0);
                if (total > DURATION_MAX_MS)
                        return -EINVAL;
                u++;
                p++;
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ms = total;
        return 0;
}

void sp_duration_seconds(int64_t ms, char *buf, size_t len)
{
        if (ms < 0)
                ms = 0;
        snprintf(buf, len, "PT%lld.%03lldS", (long long)(ms / 1000), (long long)(ms % 1000));
}

void sp_duration_dhms(int64_t ms, char *buf, size_t len)
{
        long long s = ms < 0 ? 0 : (long long)(ms / 1000);

        snprintf(buf, len, "P%lldDT%lldH%lldM%lldS", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
}

int sp_streams(const char *list, unsigned *out)
{
        unsigned bits = 0;
        const char *p = list ? list : "";

        while (*p) {
                size_t n;

                p += strspn(p, " \t\r\n");
                n = strcspn(p, " \t\r\n");
                if (!n)
                        break;
                if (n == 6 && !strncmp(p, "stdout", 6))
                        bits |= SP_STREAM_STDOUT;
                else if (n == 6 && !strncmp(p, "stderr", 6))
                        bits |= SP_STREAM_STDERR;
                else
                        return -EINVAL;
                p += n;
        }
        *out = bits ? bits : SP_STREAM_STDOUT | SP_STREAM_STDERR;
        return 0;
}

enum sp_signal sp_signal_code(const char *code)
{
        size_t n = strlen(SIGNAL_PREFIX);

        if (!code || strncasecmp(code, SIGNAL_PREFIX, n))
                return SP_SIG_UNKNOWN;
        code += n;
        if (!strcasecmp(code, "terminate"))
                return SP_SIG_TERMINATE;
        if (!strcasecmp(code, "ctrl_c"))
                return SP_SIG_CTRL_C;
        if (!strcasecmp(code, "ctrl_break"))
                return SP_SIG_CTRL_BREAK;
        return SP_SIG_UNKNOWN;
}

bool sp_env_name_ok(const char *name)
{
        return name && *name && !strchr(name, '=');
}
