/* fuzz_listener_key.c - lrec_parse() on a listener record, the value of a
 * "listener = ..." line of the store (NUL-terminated).  An input holding a
 * newline is two records: the first is checked alone, and when both parse,
 * lrec_conflict() must give the same answer either way round. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "lrec.h"

static bool terminated(const char *s, size_t cap)
{
        return memchr(s, '\0', cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = fuzz_cstr(data, size), *second = strchr(text, '\n');
        struct lrec l, back, copy, other;
        char buf[1024], buf2[1024];
        int r;

        if (second)
                *second++ = '\0';
        memset(&l, 0x5a, sizeof(l));
        r = lrec_parse(text, &l);
        if (r == 0) {
                FUZZ_CHECK(terminated(l.address, sizeof(l.address)) && terminated(l.transport, sizeof(l.transport)) &&
                           terminated(l.hostname, sizeof(l.hostname)) &&
                           terminated(l.url_prefix, sizeof(l.url_prefix)) &&
                           terminated(l.thumbprint, sizeof(l.thumbprint)));
                FUZZ_CHECK(l.port >= 1 && l.port <= 65535 && (l.enabled == 0 || l.enabled == 1));
                FUZZ_CHECK(!strcmp(l.transport, "HTTP") || !strcmp(l.transport, "HTTPS"));
                FUZZ_CHECK(l.url_prefix[0] != '\0');
                /* a parsed record is canonical: checking it again changes nothing */
                copy = l;
                FUZZ_CHECK(lrec_check_fields(&copy) == 0 && !memcmp(&copy, &l, sizeof(l)));
                /* and the store's text form reads back to the same record */
                FUZZ_CHECK(lrec_format(&l, buf, sizeof(buf)) == 0);
                memset(&back, 0, sizeof(back));
                FUZZ_CHECK(lrec_parse(buf, &back) == 0);
                FUZZ_CHECK(lrec_format(&back, buf2, sizeof(buf2)) == 0 && !strcmp(buf, buf2));
                FUZZ_CHECK(lrec_conflict(&l, &back) && lrec_conflict(&back, &l));
                if (lrec_ip(&l))
                        FUZZ_CHECK(!strncmp(l.address, "IP:", 3));
                {
                        char mac[18];
                        if (lrec_mac(&l, mac))
                                FUZZ_CHECK(strlen(mac) == 17);
                }
                if (second && lrec_parse(second, &other) == 0)
                        FUZZ_CHECK(lrec_conflict(&l, &other) == lrec_conflict(&other, &l));
        } else {
                FUZZ_CHECK(r == -EINVAL);
        }
        free(text);
        return 0;
}
