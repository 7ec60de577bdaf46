/* log.c - one-line log records to stderr, with sd-daemon level prefixes
 * when stderr is the journal. */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static int max_level = LOG_LVL_INFO;
static int journal = -1;

void log_set_level(int level)
{
        max_level = level;
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
        static const char *names[8] = { "emerg", "alert", "crit", "error",
                                        "warning", "notice", "info", "debug" };
        char line[2048];

        if (level > max_level)
                return;
        if (journal < 0)
                journal = getenv("JOURNAL_STREAM") != NULL;
        vsnprintf(line, sizeof(line), fmt, ap);
        /* Keep one record per line: control characters never reach the log. */
        for (char *p = line; *p; p++)
                if ((unsigned char)*p < 0x20)
                        *p = ' ';
        if (journal)
                fprintf(stderr, "<%d>%s\n", level, line);
        else
                fprintf(stderr, "winrmd: %s: %s\n", names[level & 7], line);
}

void log_msg(int level, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, fmt, ap);
        va_end(ap);
}
