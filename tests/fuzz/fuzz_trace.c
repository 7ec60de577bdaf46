/* fuzz_trace.c - trace_redact() on a message as the daemon logs it (the
 * exact bytes, not NUL-terminated): the copy is never longer than the input
 * and nothing outside either buffer is touched. */
#include "autoconfig.h"

#include <string.h>

#include "fuzz.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* an exact-size copy, so that a read past the end is caught even
         * where the caller's buffer happens to be larger */
        char *in = malloc(size ? size : 1);
        char *out;

        if (!in)
                abort();
        if (size)
                memcpy(in, data, size);
        out = trace_redact(in, size);
        FUZZ_CHECK(out != NULL);
        /* the output is NUL-terminated within len + 1 bytes */
        FUZZ_CHECK(strlen(out) <= size);
        /* without a tag there is nothing to mask: the text is kept as is */
        if (!memchr(in, '<', size) && !memchr(in, '\0', size))
                FUZZ_CHECK(strlen(out) == size && !memcmp(out, in, size));
        free(out);
        free(in);
        return 0;
}
