/* record.c - durable records as text. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "writer.h"

bool record_name_ok(const char *name)
{
        size_t n = name ? strlen(name) : 0;

        if (n == 0 || n > 63)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char)name[i]) && name[i] != '_')
                        return false;
        return true;
}

static bool must_encode(unsigned char c)
{
        return c <= ' ' || c == '%' || c == '=' || c == 0x7f;
}

int record_format(const char *const *names, const char *const *values, size_t n, char *buf, size_t len)
{
        size_t o = 0;

        for (size_t i = 0; i < n; i++) {
                const char *v = values[i] ? values[i] : "";
                if (!record_name_ok(names[i]) || !writer_valid_text(v, strlen(v)))
                        return -EINVAL;
                for (size_t j = 0; j < i; j++)
                        if (!strcmp(names[i], names[j]))
                                return -EINVAL;
                int k = snprintf(buf + o, len - o, "%s%s=", i ? " " : "", names[i]);
                if (k < 0 || (size_t)k >= len - o)
                        return -E2BIG;
                o += (size_t)k;
                for (; *v; v++) {
                        if (o + 4 >= len)
                                return -E2BIG;
                        if (must_encode((unsigned char)*v))
                                o += (size_t)snprintf(buf + o, len - o, "%%%02X", (unsigned char)*v);
                        else
                                buf[o++] = *v;
                }
                buf[o] = '\0';
        }
        if (n == 0 && len)
                buf[0] = '\0';
        return 0;
}

static int hex(char c)
{
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int record_field(const char *text, const char *name, char *out, size_t len)
{
        size_t n = strlen(name);
        const char *p = text;

        while (*p) {
                const char *end;
                while (*p == ' ')
                        p++;
                end = p + strcspn(p, " ");
                if ((size_t)(end - p) > n && !strncmp(p, name, n) && p[n] == '=') {
                        size_t o = 0;
                        for (const char *v = p + n + 1; v < end; v++) {
                                char c = *v;
                                if (c == '%' && v + 2 < end && hex(v[1]) >= 0 && hex(v[2]) >= 0) {
                                        c = (char)(hex(v[1]) * 16 + hex(v[2]));
                                        v += 2;
                                }
                                if (o + 1 >= len)
                                        return -E2BIG;
                                out[o++] = c;
                        }
                        out[o] = '\0';
                        return 0;
                }
                p = end;
        }
        return -ENOENT;
}
