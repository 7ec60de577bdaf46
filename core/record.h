/* record.h - the text form of a durable record: "name=value name=value",
 * each value percent-encoded where it holds '%', '=', blanks or control
 * characters.  Listener records ("listener = ..." lines) are the same form. */
#ifndef WINRMD_RECORD_H
#define WINRMD_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#define RECORD_MAX 4096            /* bytes of one record's text */

/* True when name is a field name: letters, digits and '_', 1-63 bytes. */
bool record_name_ok(const char *name);
/* Writes fields names[k]=values[k] (k < n) into buf: 0, -EINVAL (a bad
 * name, a repeated name or a value that is not UTF-8 text), -E2BIG. */
int record_format(const char *const *names, const char *const *values, size_t n, char *buf, size_t len);
/* Decodes field name of text into out: 0, -ENOENT, -E2BIG. */
int record_field(const char *text, const char *name, char *out, size_t len);

#endif
