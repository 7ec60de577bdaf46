/* shell_parse.h - the shell provider's pure text handling: command lines,
 * base64, option values, durations, GUIDs, signal codes, code pages.
 * No host calls, so the unit tests link this file alone. */
#ifndef WINRMD_SHELL_PARSE_H
#define WINRMD_SHELL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Stream bits of a DesiredStream list. */
#define SP_STREAM_STDOUT 1u
#define SP_STREAM_STDERR 2u

/* What a Signal code asks. */
enum sp_signal { SP_SIG_UNKNOWN = 0, SP_SIG_TERMINATE, SP_SIG_CTRL_C, SP_SIG_CTRL_BREAK };

/* An option's boolean: TRUE or FALSE in any case.  0 or -EINVAL. */
int sp_bool(const char *v, bool *out);
/* True when s is a GUID: 8-4-4-4-12 hexadecimal digits. */
bool sp_guid_ok(const char *s);
/* WINRS_CODEPAGE: a decimal number 1..65535.  0 or -EINVAL. */
int sp_codepage(const char *v, unsigned *out);
/* The iconv(3) name of code page cp into buf, or NULL for 65001 (UTF-8:
 * output passes as it is). */
const char *sp_iconv_name(unsigned cp, char *buf, size_t len);

/* The line Command + " " + each argument, joined by " " (the Command
 * alone without arguments); NULL on OOM.  Caller frees. */
char *sp_join(const char *command, const char *const *args, size_t n);
/* cmd.exe's outer-quote rule, in place: a line that starts with '"' loses
 * that quote and its last '"'. */
void sp_outer_quotes(char *line);
/* The absolute path of program name: itself when it holds a '/', else the
 * first executable match in PATH=/usr/local/bin:/usr/bin:/bin, into buf.
 * 0, -ENOENT, or -ENAMETOOLONG. */
int sp_resolve(const char *name, char *buf, size_t len);

/* Decodes base64 (the standard alphabet, '=' padding only at the end,
 * unused bits zero; blanks between quads ignored) into out, which holds
 * at least sp_base64_max(len) bytes.  The decoded length, or -EINVAL. */
ssize_t sp_base64_decode(const char *in, size_t len, unsigned char *out);
size_t sp_base64_max(size_t len);
/* Encodes n bytes into out (sp_base64_len(n) + 1 bytes, NUL-terminated). */
void sp_base64_encode(const unsigned char *in, size_t n, char *out);
size_t sp_base64_len(size_t n);

/* An xs:duration without years or months (PnDTnHnMn.nS), or a bare number
 * of seconds (pywinrm's IdleTimeOut), in milliseconds.  0 or -EINVAL. */
int sp_duration_ms(const char *s, int64_t *ms);
/* ms as "PT7200.000S". */
void sp_duration_seconds(int64_t ms, char *buf, size_t len);
/* ms as "P0DT1H2M3S". */
void sp_duration_dhms(int64_t ms, char *buf, size_t len);

/* The stream bits of a DesiredStream list ("stdout stderr"; empty: both).
 * 0 or -EINVAL for another name. */
int sp_streams(const char *list, unsigned *out);
/* What Signal code (a URI, compared without case) asks. */
enum sp_signal sp_signal_code(const char *code);
/* True when name can be an environment variable's name: not empty, no '='. */
bool sp_env_name_ok(const char *name);

#endif
