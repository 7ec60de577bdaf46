/* util.h - small helpers: constant-time compare, parsing of WS-Man scalars,
 * cleanup attributes. */
#ifndef WINRMD_UTIL_H
#define WINRMD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
        free(*(void **)p);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))

/* 1 if a[0..n) equals b[0..n); time depends only on n. */
bool ct_equal(const void *a, const void *b, size_t n);
/* Parses an xs:boolean as WinRM does (true/false/1/0, any case). -EINVAL if not one. */
int parse_bool(const char *s, bool *ret);
/* Parses a decimal integer in [min,max], surrounding blanks allowed. -EINVAL/-ERANGE. */
int parse_long(const char *s, long min, long max, long *ret);
/* Parses an xs:duration (PnDTnHnMn.nS) into milliseconds. -EINVAL if malformed. */
int parse_duration_ms(const char *s, int64_t *ret);
/* Case-insensitive ASCII compare of NUL-terminated strings; 0 when equal. */
int ascii_casecmp(const char *a, const char *b);
/* New string "uuid:XXXXXXXX-..." (uppercase); caller frees. NULL on OOM. */
char *new_message_id(void);
/* Fills out[37] with a new uppercase GUID. */
void new_guid(char out[37]);
/* Overwrites n bytes at p in a way the compiler keeps. */
void wipe(void *p, size_t n);

/* The length (1-4) of the well-formed UTF-8 sequence at p[0..n), its code
 * point in *cp; 0 when the bytes there are not UTF-8. */
size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

struct stat;
/* The regular file name (relative to the folder dfd, or AT_FDCWD; a link
 * is followed) of at most max bytes, read whole into a new NUL-terminated
 * buffer the caller frees (wipe() it first for a secret), its length in
 * *len and its status in *st; NULL with errno set (EFBIG too large,
 * EINVAL not a regular file). */
char *read_file_at(int dfd, const char *name, size_t max, size_t *len, struct stat *st);

/* Copies the next word of a comma/space separated list at *p into out
 * (truncated to n-1) and advances *p; false at the end. */
bool next_word(const char **p, char *out, size_t n);

#endif
