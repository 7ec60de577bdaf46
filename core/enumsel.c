/* enumsel.c - the EnumerationMode and SelectorFilter of an Enumerate, the
 * selectors of its items, and an item answered as an EPR. */
#include "autoconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "enumsel.h"
#include "envelope.h"
#include "ns.h"
#include "util.h"
#include "writer.h"

static bool is_wsman(const xmlNode *n, const char *name)
{
        return xml_is(n, NS_WSMAN, name) || xml_is(n, NS_WSMAN_2005, name);
}

static int refuse(enum fault_id *f, enum fault_id id, char *msg, size_t len, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

static int refuse(enum fault_id *f, enum fault_id id, char *msg, size_t len, const char *fmt, ...)
{
        va_list ap;

        *f = id;
        va_start(ap, fmt);
        vsnprintf(msg, len, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

void enumsel_req_free(struct enumsel_req *r)
{
        free(r->filter);
        memset(r, 0, sizeof(*r));
}

bool enumsel_needs_names(const struct enumsel_req *r)
{
        return r->mode != ENUM_MODE_OBJECT || r->filtered;
}

/* The next pair of a pair list at *p (before end): its name and value; false at the end. */
static bool next_pair(const char **p, const char *end, const char **name, const char **value)
{
        if (*p >= end)
                return false;
        *name = *p;
        *value = *name + strlen(*name) + 1;
        *p = *value + strlen(*value) + 1;
        return true;
}

int enumsel_add(struct sbuf *pairs, size_t from, const char *name, const char *value)
{
        const char *p = pairs->p ? pairs->p + from : NULL, *end = pairs->p ? pairs->p + pairs->len : NULL;
        const char *n, *v;
        size_t count = 0;

        if (!name || !value || !*name || !writer_valid_text(name, strlen(name)) ||
            !writer_valid_text(value, strlen(value)))
                return -EINVAL;
        while (p && next_pair(&p, end, &n, &v)) {
                if (!ascii_casecmp(n, name))
                        return -EEXIST;
                count++;
        }
        if (count >= ENUMSEL_MAX)
                return -E2BIG;
        if (sbuf_add(pairs, name, strlen(name) + 1) < 0 || sbuf_add(pairs, value, strlen(value) + 1) < 0)
                return -ENOMEM;
        return 0;
}

bool enumsel_match(const char *pairs, size_t len, const char *filter, size_t flen)
{
        const char *f = filter ? filter : "", *fend = f + flen, *fn, *fv;

        if (!pairs)
                pairs = "";
        while (next_pair(&f, fend, &fn, &fv)) {
                const char *p = pairs, *end = pairs + len, *n, *v;
                bool found = false;

                while (!found && next_pair(&p, end, &n, &v))
                        found = !ascii_casecmp(n, fn) && !strcmp(v, fv);
                if (!found)
                        return false;
        }
        return true;
}

/* The SelectorSet of a SelectorFilter into r->filter. */
static int read_selectors(const xmlNode *set, struct enumsel_req *r, enum fault_id *f, char *msg, size_t len)
{
        struct sbuf pairs = { 0 };
        int ret = 0;

        for (xmlNode *s = xml_first_elem(set); s && !ret; s = xml_next_elem(s)) {
                xmlChar *name = xmlGetNoNsProp(s, BAD_CAST "Name");
                char *value = NULL;
                int r2;

                if (!is_wsman(s, "Selector"))
                        ret = refuse(f, F_CANNOT_PROCESS_FILTER, msg, len,
                                     "The SelectorSet of the filter holds %.100s, not a Selector.",
                                     (const char *)s->name);
                else if (!name || !*name)
                        ret = refuse(f, F_CANNOT_PROCESS_FILTER, msg, len, "A Selector of the filter has no Name.");
                else if (xml_first_elem(s))
                        ret = refuse(f, F_CANNOT_PROCESS_FILTER, msg, len, "The filter's selector %.100s holds an "
                                     "element; a SelectorFilter compares text values only.", (const char *)name);
                else if (!(value = xml_text(s)))
                        ret = refuse(f, F_INTERNAL, msg, len, "Out of memory.");
                else if ((r2 = enumsel_add(&pairs, 0, (const char *)name, value)) < 0)
                        ret = refuse(f, F_CANNOT_PROCESS_FILTER, msg, len,
                                     r2 == -EEXIST ? "The filter names the selector %.100s twice." :
                                     r2 == -E2BIG ? "The filter has more than 64 selectors (at %.100s)." :
                                     "The filter's selector %.100s is not valid.", (const char *)name);
                xmlFree(name);
                free(value);
        }
        if (!ret && pairs.err)
                ret = refuse(f, F_INTERNAL, msg, len, "Out of memory.");
        if (ret) {
                sbuf_free(&pairs);
                return ret;
        }
        r->filtered = true;
        r->filter = pairs.p;
        r->filter_len = pairs.len;
        return 0;
}

static int read_filter(const xmlNode *flt, struct enumsel_req *r, enum fault_id *f, char *msg, size_t len)
{
        xmlChar *dialect = xmlGetNoNsProp(flt, BAD_CAST "Dialect");
        bool ours = dialect && (!strcmp((const char *)dialect, ENUMSEL_DIALECT) ||
                                !strcmp((const char *)dialect, ENUMSEL_DIALECT_MS));
        xmlNode *set = xml_first_elem(flt);

        if (!ours) {
                if (dialect)
                        refuse(f, F_FILTER_DIALECT, msg, len, "The filter dialect %.200s is not supported; this "
                               "service filters with the SelectorFilter dialect (" ENUMSEL_DIALECT ").",
                               (const char *)dialect);
                else
                        refuse(f, F_FILTER_DIALECT, msg, len, "A Filter without a Dialect (XPath 1.0) is not "
                               "supported; this service filters with the SelectorFilter dialect ("
                               ENUMSEL_DIALECT ").");
                xmlFree(dialect);
                return -EINVAL;
        }
        xmlFree(dialect);
        for (xmlNode *t = flt->children; t; t = t->next) {
                if (t->type != XML_TEXT_NODE && t->type != XML_CDATA_SECTION_NODE)
                        continue;
                for (const xmlChar *c = t->content; c && *c; c++)
                        if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n')
                                return refuse(f, F_CANNOT_PROCESS_FILTER, msg, len, "A SelectorFilter holds "
                                              "one w:SelectorSet and no text.");
        }
        if (!set || !is_wsman(set, "SelectorSet") || xml_next_elem(set))
                return refuse(f, F_CANNOT_PROCESS_FILTER, msg, len,
                              "A SelectorFilter holds exactly one w:SelectorSet.");
        return read_selectors(set, r, f, msg, len);
}

int enumsel_read(const xmlNode *e, struct enumsel_req *r, enum fault_id *f, char *msg, size_t len)
{
        bool mode_seen = false, filter_seen = false;
        int ret = 0;

        memset(r, 0, sizeof(*r));
        for (xmlNode *c = xml_first_elem(e); c && !ret; c = xml_next_elem(c)) {
                if (is_wsman(c, "EnumerationMode")) {
                        char *t = xml_text(c);

                        if (!t)
                                ret = refuse(f, F_INTERNAL, msg, len, "Out of memory.");
                        else if (mode_seen)
                                ret = refuse(f, F_ENUMERATION_MODE, msg, len, "EnumerationMode is given twice.");
                        else if (!strcmp(t, "EnumerateEPR"))
                                r->mode = ENUM_MODE_EPR;
                        else if (!strcmp(t, "EnumerateObjectAndEPR"))
                                r->mode = ENUM_MODE_OBJECT_AND_EPR;
                        else
                                ret = refuse(f, F_ENUMERATION_MODE, msg, len, "The EnumerationMode %.100s is not "
                                             "supported; the modes are EnumerateEPR and EnumerateObjectAndEPR.", t);
                        mode_seen = true;
                        free(t);
                } else if (is_wsman(c, "Filter") || xml_is(c, NS_WSEN, "Filter")) {
                        if (filter_seen)
                                ret = refuse(f, F_CANNOT_PROCESS_FILTER, msg, len, "Only one Filter may be given.");
                        else
                                ret = read_filter(c, r, f, msg, len);
                        filter_seen = true;
                }
        }
        if (ret)
                enumsel_req_free(r);
        return ret;
}

/* The a:EndpointReference of an item. */
static void render_epr(struct sbuf *o, const char *uri, const char *pairs, size_t len)
{
        const char *p = pairs ? pairs : "", *end = p + len, *n, *v;

        sbuf_adds(o, "<a:EndpointReference>");
        sbuf_add_element(o, "a:Address", WSA_ANONYMOUS);
        sbuf_adds(o, "<a:ReferenceParameters>");
        sbuf_add_element(o, "w:ResourceURI", uri);
        if (len) {
                sbuf_adds(o, "<w:SelectorSet>");
                while (next_pair(&p, end, &n, &v)) {
                        sbuf_adds(o, "<w:Selector Name=\"");
                        sbuf_add_escaped(o, n, true);
                        sbuf_adds(o, "\">");
                        sbuf_add_escaped(o, v, false);
                        sbuf_adds(o, "</w:Selector>");
                }
                sbuf_adds(o, "</w:SelectorSet>");
        }
        sbuf_adds(o, "</a:ReferenceParameters></a:EndpointReference>");
}

int enumsel_render(struct sbuf *o, enum enum_mode mode, const char *uri, const char *item, size_t item_len,
                   const char *pairs, size_t len)
{
        switch (mode) {
        case ENUM_MODE_EPR:
                render_epr(o, uri, pairs, len);
                break;
        case ENUM_MODE_OBJECT_AND_EPR:
                sbuf_adds(o, "<w:Item>");
                sbuf_add(o, item, item_len);
                render_epr(o, uri, pairs, len);
                sbuf_adds(o, "</w:Item>");
                break;
        default:
                sbuf_add(o, item, item_len);
                break;
        }
        return o->err ? -ENOMEM : 0;
}
