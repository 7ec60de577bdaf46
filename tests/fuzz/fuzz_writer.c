/* fuzz_writer.c - the reply writer driven by a script of the input's bytes
 * (begin, text, attr, content, end with names and values cut from the
 * input): whatever a provider hands it, what the writer accepts is XML a
 * client parses - or the writer says which rule was broken.  The record
 * text form is round-tripped on the same strings. */
#include "autoconfig.h"

#include <string.h>
#include <libxml/parser.h>

#include "fuzz.h"
#include "record.h"
#include "writer.h"

/* The next string of the input: up to a NUL or 24 bytes. */
static const char *next_string(const uint8_t **p, const uint8_t *end, char *buf)
{
        size_t n = 0;

        while (*p < end && **p && n < 24)
                buf[n++] = (char)*(*p)++;
        if (*p < end && !**p)
                (*p)++;
        buf[n] = '\0';
        return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const nss[] = { NULL, "urn:x", "", "http://www.w3.org/2003/05/soap-envelope" };
        const uint8_t *p = data, *end = data + size;
        struct writer w;
        char a[32], b[32];
        int steps = 0;

        writer_init(&w, false);
        w.limit = 65536;
        while (p < end && steps++ < 200) {
                uint8_t op = *p++;
                const char *s1 = next_string(&p, end, a), *s2 = next_string(&p, end, b);
                switch (op % 6) {
                case 0: writer_begin(&w, nss[(op >> 3) % 4], s1); break;
                case 1: writer_text(&w, s1, (op & 8) ? NULL : s2); break;
                case 2: writer_attr(&w, s1, s2); break;
                case 3: writer_content(&w, s1); break;
                case 4: writer_end(&w); break;
                default: {
                        const char *names[1] = { s1 }, *values[1] = { s2 };
                        char text[256], out[64];
                        if (record_format(names, values, 1, text, sizeof(text)) == 0) {
                                FUZZ_CHECK(record_field(text, s1, out, sizeof(out)) == 0);
                                FUZZ_CHECK(!strcmp(out, s2));
                        }
                        break;
                }
                }
        }
        if (writer_finish(&w) == 0) {
                /* accepted: it parses inside the envelope's prefixes */
                struct sbuf doc = { 0 };
                xmlDoc *d;
                sbuf_adds(&doc, "<r xmlns:s=\"urn:s\" xmlns:a=\"urn:a\" xmlns:w=\"urn:w\" xmlns:n=\"urn:n\" xmlns:x=\"urn:x\">");
                sbuf_add(&doc, w.out.p, w.out.len);
                sbuf_adds(&doc, "</r>");
                d = xmlReadMemory(doc.p, (int)doc.len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
                FUZZ_CHECK(d != NULL);
                xmlFreeDoc(d);
                sbuf_free(&doc);
        } else {
                FUZZ_CHECK(writer_failed(&w));
        }
        writer_free(&w);
        return 0;
}
