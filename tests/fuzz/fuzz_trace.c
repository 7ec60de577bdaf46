/* fuzz_trace.c - trace_redact() on a message as the daemon logs it (the
 * exact bytes, not NUL-terminated): it always answers, never shows a
 * secret planted in a secret-named element, and touches nothing outside
 * its buffers. */
#include "autoconfig.h"

#include <string.h>

#include "fuzz.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* the input wrapped in a secret element: whatever it is, the
         * canary inside must never be shown */
        static const char pre[] = "<w><Password>CANARY-7f3a", post[] = "</Password></w>";
        size_t n = sizeof(pre) - 1 + size + sizeof(post) - 1;
        char *in = calloc(1, size ? size : 1), *wrapped = malloc(n);
        char *out;

        if (!in || !wrapped)
                abort();
        if (size)
                memcpy(in, data, size);
        out = trace_redact(in, size);
        FUZZ_CHECK(out != NULL);
        free(out);

        memcpy(wrapped, pre, sizeof(pre) - 1);
        if (size)
                memcpy(wrapped + sizeof(pre) - 1, data, size);
        memcpy(wrapped + sizeof(pre) - 1 + size, post, sizeof(post) - 1);
        out = trace_redact(wrapped, n);
        FUZZ_CHECK(out != NULL);
        FUZZ_CHECK(strstr(out, "CANARY-7f3a") == NULL);
        free(out);
        free(wrapped);
        free(in);
        return 0;
}
