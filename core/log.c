/* log.c - one-line log records to stderr, with sd-daemon level prefixes
 * when stderr is the journal. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "util.h"

static int max_level = LOG_LVL_INFO;
static int journal = -1;

void log_set_level(int level)
{
        max_level = level;
}

static bool escaped(uint32_t c)
{
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
}

const char *log_quote(char *buf, size_t len, const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t n, o = 0;

        if (!s || len < 8) {
                snprintf(buf, len, "%s", len < 8 ? "" : "(null)");
                return buf;
        }
        n = strlen(s);
        buf[o++] = '"';
        while (n > 0) {
                char piece[16];
                uint32_t cp = 0;
                size_t k = utf8_seq(p, n, &cp), w;

                if (k == 0) {
                        snprintf(piece, sizeof(piece), "\\x%02x", p[0]);
                        k = 1;
                } else if (escaped(cp)) {
                        snprintf(piece, sizeof(piece), cp < 0x100 ? "\\x%02x" : "\\u%04x", (unsigned)cp);
                } else if (cp == '"' || cp == '\\') {
                        piece[0] = '\\';
                        piece[1] = (char)cp;
                        piece[2] = '\0';
                } else {
                        memcpy(piece, p, k);
                        piece[k] = '\0';
                }
                w = strlen(piece);
                if (o + w + 5 > len) {          /* room for ..." and NUL */
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }
                memcpy(buf + o, piece, w);
                o += w;
                p += k;
                n -= k;
        }
        buf[o++] = '"';
        buf[o] = '\0';
        return buf;
}

/* A record stays one line of text: whatever escaped log_quote() is
 * neutralised here (control characters become spaces, bytes that are not
 * UTF-8 and line separators '?'). */
static void one_line(char *line)
{
        unsigned char *r = (unsigned char *)line, *w = r;
        size_t n = strlen(line);

        while (n > 0) {
                uint32_t cp = 0;
                size_t k = utf8_seq(r, n, &cp);

                if (k == 0 || (cp >= 0x80 && escaped(cp))) {
                        *w++ = '?';
                        k = k ? k : 1;
                } else if (cp < 0x20 || cp == 0x7f) {
                        *w++ = ' ';
                } else {
                        memmove(w, r, k);
                        w += k;
                }
                r += k;
                n -= k;
        }
        *w = '\0';
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
        static const char *names[8] = { "emerg", "alert", "crit", "error",
                                        "warning", "notice", "info", "debug" };
        char small[2048], *line = small;
        va_list again;
        int n;

        if (level > max_level)
                return;
        if (journal < 0)
                journal = getenv("JOURNAL_STREAM") != NULL;
        va_copy(again, ap);
        n = vsnprintf(small, sizeof(small), fmt, ap);
        /* a long record (a SOAP trace) is kept whole up to LOG_LINE_MAX */
        if (n >= (int)sizeof(small)) {
                size_t len = (size_t)n < LOG_LINE_MAX ? (size_t)n + 1 : LOG_LINE_MAX;
                char *big = malloc(len);
                if (big) {
                        vsnprintf(big, len, fmt, again);
                        line = big;
                }
        }
        va_end(again);
        one_line(line);
        if (journal)
                fprintf(stderr, "<%d>%s\n", level, line);
        else
                fprintf(stderr, "winrmd: %s: %s\n", names[level & 7], line);
        if (line != small)
                free(line);
}

void log_msg(int level, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, fmt, ap);
        va_end(ap);
}
