/* log.h - one-line log records to stderr (the journal under systemd). */
#ifndef WINRMD_LOG_H
#define WINRMD_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum { LOG_LVL_ERR = 3, LOG_LVL_WARNING = 4, LOG_LVL_INFO = 6, LOG_LVL_DEBUG = 7 };

/* Sets the most verbose level printed (default LOG_LVL_INFO). */
void log_set_level(int level);
/* Formats one record; never pass a secret. */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, with a va_list. */
void log_vmsg(int level, const char *fmt, va_list ap);

#define LOG_QMAX 320
#define LOG_LINE_MAX (256 * 1024)   /* longer records are cut */

/* s as one quoted token for a log line: "..." with \" and \\ escaped, and
 * control characters (C0, DEL, C1), U+2028/U+2029 and bytes that are not
 * UTF-8 written as \xNN or \uNNNN; cut with "..." to fit buf.  Every value
 * a client chose (user names, URIs, addresses) goes through this.  Returns
 * buf; NULL prints as "(null)". */
const char *log_quote(char *buf, size_t len, const char *s);
/* log_quote() into a buffer that lives for the enclosing statement. */
#define LQ(s) log_quote((char[LOG_QMAX]){ 0 }, LOG_QMAX, (s))

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
