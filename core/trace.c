/* trace.c - SoapTraceEnabled: whole messages in the log, secrets masked.
 *
 * Masking works on the parsed tree, never on text: a message is parsed as
 * requests are (no DTD, no entities, bounded), and serialized again with
 * the whole content of every secret-named element (and the value of every
 * secret-named attribute) replaced by "***".  Comments and processing
 * instructions are dropped.  A message that does not parse is not shown,
 * only its length: what cannot be parsed cannot be masked. */
#include "autoconfig.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envelope.h"
#include "log.h"
#include "sbuf.h"
#include "trace.h"
#include "xmlout.h"

static bool sensitive(const xmlChar *name)
{
        static const char *words[] = { "password", "secret", "credential", "passwd" };
        const char *n = (const char *)name;

        if (!strcasecmp(n, "stream"))
                return true;
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcasestr(n, words[i]))
                        return true;
        return false;
}

char *trace_redact(const char *xml, size_t len)
{
        xmlDoc *doc = env_parse_xml(xml, len);
        struct sbuf out = { 0 };
        char note[96];

        if (!doc) {
                snprintf(note, sizeof(note), "[%zu bytes that are not well-formed XML: not shown]", len);
                return strdup(note);
        }
        if (xmlout_append_masked(xmlDocGetRootElement(doc), &out, sensitive) < 0 ||
            sbuf_add(&out, "", 1) < 0) {
                sbuf_free(&out);
                out.p = NULL;
        }
        xmlFreeDoc(doc);
        return out.p;
}

void trace_message(const char *direction, const char *xml, size_t len)
{
        char *r = trace_redact(xml, len);
        size_t n = r ? strlen(r) * 4 + 8 : 0;    /* \xNN at the most per byte */
        char *q = r ? malloc(n) : NULL;

        /* the message is the client's text: quoted like any such value */
        if (q)
                log_info("soap trace %s: %s", direction, log_quote(q, n, r));
        free(q);
        free(r);
}
