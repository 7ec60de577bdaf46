/* fuzz_sddl.c - sddl_parse() on a RootSDDL string (NUL-terminated) and,
 * when it parses, sddl_allows() for the callers winrmd knows. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "sddl.h"

static const struct sddl_caller callers[] = {
        { .authenticated = false },                                     /* anonymous */
        { .authenticated = true },                                      /* a user */
        { .authenticated = true, .local = true },                       /* a local user */
        { .authenticated = true, .admin = true },                       /* an administrator */
        { .authenticated = true, .admin = true, .root = true, .local = true }, /* root, locally */
        { .authenticated = true, .ids = true, .uid = 1001, .n_groups = 2, .groups = { 1001, 27 } }, /* a Linux user */
        { .authenticated = true, .ids = true, .uid = 0, .groups_cut = true },  /* ... whose groups are unknown */
};

/* what dispatch.c asks for (one generic right), and combinations */
static const uint32_t wants[] = { SDDL_GR, SDDL_GW, SDDL_GX, SDDL_GA, SDDL_GR | SDDL_GX, SDDL_GR | SDDL_GW | SDDL_GX };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = fuzz_cstr(data, size);
        struct sddl s;
        size_t pos = (size_t)-1;
        int r;

        r = sddl_parse(text, &s, &pos);
        FUZZ_CHECK(sddl_validate(text) == r);
        if (r == 0) {
                FUZZ_CHECK(s.n_aces <= SDDL_MAX_ACES);
                FUZZ_CHECK(s.has_dacl || (!s.dacl_null && s.n_aces == 0));
                for (size_t i = 0; i < s.n_aces; i++)
                        FUZZ_CHECK(s.aces[i].type == 'A' || s.aces[i].type == 'D' || s.aces[i].type == 'O');
                for (size_t c = 0; c < sizeof(callers) / sizeof(callers[0]); c++) {
                        for (size_t w = 0; w < sizeof(wants) / sizeof(wants[0]); w++) {
                                bool ok = sddl_allows(&s, &callers[c], wants[w]);
                                /* no DACL, or a null one, lets everyone in */
                                if (!s.has_dacl || s.dacl_null)
                                        FUZZ_CHECK(ok);
                                /* granting several rights grants each of them */
                                if (ok)
                                        for (uint32_t bit = SDDL_GX; bit; bit <<= 1)
                                                if (wants[w] & bit)
                                                        FUZZ_CHECK(sddl_allows(&s, &callers[c], bit));
                        }
                }
        } else {
                FUZZ_CHECK(r == -EINVAL);
                FUZZ_CHECK(pos <= strlen(text));
        }
        free(text);
        return 0;
}
