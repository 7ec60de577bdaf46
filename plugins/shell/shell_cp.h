/* shell_cp.h - WINRS_CODEPAGE on output: the processes' UTF-8 converted
 * with iconv(3) to the shell's code page.  No host calls. */
#ifndef WINRMD_SHELL_CP_H
#define WINRMD_SHELL_CP_H

#include <stdbool.h>
#include <stddef.h>

/* A converter from UTF-8 to code page cp (unrepresentable characters
 * transliterated or '?'), or NULL when cp is 65001 or iconv does not
 * know it: output then passes as it is.  Free with cp_close(). */
void *cp_open(unsigned cp);
void cp_close(void *cd);
/* Converts in[0..len) into out[0..cap): returns the bytes written and
 * the bytes of in used in *used.  Bytes that are not UTF-8 pass as they
 * are; an incomplete sequence at the end waits for more unless final. */
size_t cp_convert(void *cd, const unsigned char *in, size_t len, bool final, unsigned char *out, size_t cap,
                  size_t *used);
/* How many bytes at the end of buf[0..len) start a UTF-8 sequence that is
 * not complete yet (0 to 3). */
size_t cp_utf8_tail(const unsigned char *buf, size_t len);

#endif
