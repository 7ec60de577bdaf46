/* fuzz_auth_header.c - auth_parse_basic() on an Authorization header value
 * (NUL-terminated, as libevent hands it over). */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "auth.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *header = fuzz_cstr(data, size);
        char user[AUTH_MAX_USER], pass[AUTH_MAX_PASS];
        int r;

        /* poison the outputs so that an unterminated result shows */
        memset(user, 'U', sizeof(user));
        memset(pass, 'P', sizeof(pass));
        r = auth_parse_basic(header, user, pass);
        if (r == 0) {
                size_t ulen = strnlen(user, sizeof(user)), plen = strnlen(pass, sizeof(pass));
                FUZZ_CHECK(ulen > 0 && ulen < sizeof(user));
                FUZZ_CHECK(plen < sizeof(pass));
                for (size_t i = 0; i < ulen; i++)
                        FUZZ_CHECK((unsigned char)user[i] >= 0x20 && user[i] != 0x7f);
                FUZZ_CHECK(strncasecmp(header, "Basic", 5) == 0);
        } else {
                FUZZ_CHECK(r == -EINVAL);
        }
        free(header);
        return 0;
}
