/* enumsel.h - what an Enumerate asks besides its items: the
 * EnumerationMode (DSP0226 8.7: objects, EPRs, or both) and the
 * SelectorFilter dialect; the selectors that name an item, as providers
 * give them with item_selector(); an item answered in a mode.
 *
 * Selectors are kept as pairs "name\0value\0" back to back (a "pair
 * list"): an item's, or a filter's. */
#ifndef WINRMD_ENUMSEL_H
#define WINRMD_ENUMSEL_H

#include <stdbool.h>
#include <stddef.h>

#include "fault.h"
#include "sbuf.h"

struct _xmlNode;

/* The SelectorFilter dialect (DSP0226), and the alias WinRM also takes. */
#define ENUMSEL_DIALECT "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"
#define ENUMSEL_DIALECT_MS "http://schemas.microsoft.com/wbem/wsman/1/wsman/SelectorFilter"

/* Most selectors of one item, or of one filter. */
#define ENUMSEL_MAX 64

enum enum_mode {
        ENUM_MODE_OBJECT = 0,        /* the items themselves (no EnumerationMode) */
        ENUM_MODE_EPR,               /* EnumerateEPR: an a:EndpointReference each */
        ENUM_MODE_OBJECT_AND_EPR     /* EnumerateObjectAndEPR: w:Item{object, EPR} */
};

/* An Enumerate's mode and filter. */
struct enumsel_req {
        enum enum_mode mode;
        bool filtered;               /* a SelectorFilter was given */
        char *filter;                /* its selectors, a pair list (malloc'ed) */
        size_t filter_len;
};

/* Reads the EnumerationMode and Filter of the Enumerate element e into r
 * (r->filter to free with enumsel_req_free()).  0, or -EINVAL with the
 * fault to answer in *f and its message in msg[0..len). */
int enumsel_read(const struct _xmlNode *e, struct enumsel_req *r, enum fault_id *f, char *msg, size_t len);
/* Frees what r holds; r is then a plain request (objects, no filter). */
void enumsel_req_free(struct enumsel_req *r);
/* True when r needs the items' selectors (an EPR mode or a filter). */
bool enumsel_needs_names(const struct enumsel_req *r);

/* Appends name=value to the item whose pairs start at pairs->p + from:
 * 0, -EINVAL (an empty name, text XML cannot carry), -EEXIST (the item
 * has that name already, compared without case), -E2BIG (ENUMSEL_MAX),
 * -ENOMEM. */
int enumsel_add(struct sbuf *pairs, size_t from, const char *name, const char *value);
/* True when every selector of filter[0..flen) is one of the item's
 * pairs[0..len): its name compared without case (as the core compares
 * selector names), its value exactly. */
bool enumsel_match(const char *pairs, size_t len, const char *filter, size_t flen);
/* Appends item[0..item_len) answered in mode to o: the item itself, its
 * a:EndpointReference (the anonymous Address; ReferenceParameters with
 * w:ResourceURI uri and a w:SelectorSet of pairs[0..len), left out when
 * there are none: a singleton is named by its URI alone), or w:Item
 * holding both.  The a and w prefixes are the envelope's.  0 or -ENOMEM. */
int enumsel_render(struct sbuf *o, enum enum_mode mode, const char *uri, const char *item, size_t item_len,
                   const char *pairs, size_t len);

#endif
