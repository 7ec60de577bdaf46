/* shell_cp.c - output in the shell's code page.  Processes write UTF-8
 * (LANG in their clean environment); a client that asked another
 * WINRS_CODEPAGE gets it converted by iconv(3) when iconv knows it, and
 * the bytes as they are otherwise.  Each chunk is converted on its own,
 * from the initial shift state to it. */
#define _POSIX_C_SOURCE 200809L    /* POSIX interfaces under -std=c11 */

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "shell_cp.h"
#include "shell_parse.h"

void *cp_open(unsigned cp)
{
        char buf[32], to[48];
        const char *name = sp_iconv_name(cp, buf, sizeof(buf));
        iconv_t cd;

        if (!name)
                return NULL;
        snprintf(to, sizeof(to), "%s//TRANSLIT", name);
        cd = iconv_open(to, "UTF-8");
        return cd == (iconv_t)-1 ? NULL : (void *)cd;
}

void cp_close(void *cd)
{
        if (cd)
                iconv_close((iconv_t)cd);
}

size_t cp_convert(void *cd, const unsigned char *in, size_t len, bool final, unsigned char *out, size_t cap,
                  size_t *used)
{
        iconv_t c = (iconv_t)cd;
        char *ip = (char *)(uintptr_t)in, *op = (char *)out;
        size_t il = len, ol = cap;

        (void)iconv(c, NULL, NULL, NULL, NULL);
        while (il > 0) {
                if (iconv(c, &ip, &il, &op, &ol) != (size_t)-1)
                        break;
                if (errno == E2BIG || (errno == EINVAL && !final))
                        break;
                /* not UTF-8 (EILSEQ), or cut short at the very end: as it is */
                if (ol == 0)
                        break;
                *op++ = *ip++;
                ol--;
                il--;
        }
        /* back to the initial shift state, so the next chunk stands alone */
        (void)iconv(c, NULL, NULL, &op, &ol);
        *used = len - il;
        return cap - ol;
}

size_t cp_utf8_tail(const unsigned char *buf, size_t len)
{
        for (size_t k = 1; k <= 3 && k <= len; k++) {
                unsigned char c = buf[len - k];
                size_t need;

                if ((c & 0xc0) == 0x80)
                        continue;
                need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
                return need > k ? k : 0;
        }
        return 0;
}
