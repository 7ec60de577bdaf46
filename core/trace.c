/* trace.c - redacted SOAP tracing. */
#include "autoconfig.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "trace.h"

static bool sensitive(const char *name, size_t n)
{
        static const char *words[] = { "password", "secret", "credential", "passwd" };
        char low[64];

        if (n >= sizeof(low))
                n = sizeof(low) - 1;
        for (size_t i = 0; i < n; i++)
                low[i] = (char)tolower((unsigned char)name[i]);
        low[n] = '\0';
        if (!strcmp(low, "stream"))
                return true;
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strstr(low, words[i]))
                        return true;
        return false;
}

/* Length of the secret text at s[0..n): up to the next tag, counting
 * comments and CDATA sections (which can carry the secret) as text; an
 * unterminated one runs to the end. */
static size_t secret_len(const char *s, size_t n)
{
        size_t i = 0;

        while (i < n) {
                const char *end, *close;
                size_t from;

                if (s[i] != '<') {
                        i++;
                        continue;
                }
                if (n - i >= 9 && !memcmp(s + i, "<![CDATA[", 9)) {
                        from = i + 9;
                        close = "]]>";
                } else if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
                        from = i + 4;
                        close = "-->";
                } else {
                        break;
                }
                end = memmem(s + from, n - from, close, 3);
                i = end ? (size_t)(end - s) + 3 : n;
        }
        return i;
}

char *trace_redact(const char *xml, size_t len)
{
        char *out = malloc(len + 1), *o = out;
        size_t i = 0;

        if (!out)
                return NULL;
        while (i < len) {
                const char *name;
                size_t n = 0;
                bool mask;

                if (xml[i] != '<' || i + 1 >= len || xml[i + 1] == '/' || xml[i + 1] == '?' ||
                    xml[i + 1] == '!') {
                        *o++ = xml[i++];
                        continue;
                }
                /* a start tag: find its local name */
                name = xml + i + 1;
                while (name + n < xml + len && !isspace((unsigned char)name[n]) &&
                       name[n] != '>' && name[n] != '/')
                        n++;
                {
                        const char *colon = memchr(name, ':', n);
                        size_t ln = colon ? n - (size_t)(colon + 1 - name) : n;
                        mask = sensitive(colon ? colon + 1 : name, ln);
                }
                while (i < len && xml[i] != '>')
                        *o++ = xml[i++];
                if (i < len)
                        *o++ = xml[i++];
                if (!mask || (i >= 2 && xml[i - 2] == '/'))
                        continue;
                if (i < len) {
                        /* "***" may be longer than what it hides: keep within len */
                        size_t k = secret_len(xml + i, len - i), stars = k < 3 ? k : 3;
                        memcpy(o, "***", stars);
                        o += stars;
                        i += k;
                }
        }
        *o = '\0';
        return out;
}

void trace_message(const char *direction, const char *xml, size_t len)
{
        char *r = trace_redact(xml, len);

        if (r)
                log_info("soap trace %s: %s", direction, r);
        free(r);
}
