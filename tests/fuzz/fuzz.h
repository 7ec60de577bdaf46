/* fuzz.h - shared by the fuzz targets: the libFuzzer entry point and small
 * helpers.  Every target is built two ways: with clang -fsanitize=fuzzer
 * (build-libfuzzer.sh) and, in make check, with the normal compiler against
 * replay_main.c, which feeds it the committed corpus. */
#ifndef WINRMD_FUZZ_H
#define WINRMD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A new NUL-terminated copy of data[0..size) (which may hold NULs, so the
 * string the parser sees ends at the first one); aborts on OOM. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);

        if (!s)
                abort();
        if (size)
                memcpy(s, data, size);
        s[size] = '\0';
        return s;
}

/* Stops the run when an invariant of the code under test does not hold:
 * libFuzzer and the replay driver both report the abort with the input. */
#define FUZZ_CHECK(cond)                                                          \
        do {                                                                      \
                if (!(cond)) {                                                    \
                        fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
                                __LINE__, #cond);                                 \
                        abort();                                                  \
                }                                                                 \
        } while (0)

#endif
