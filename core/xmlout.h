/* xmlout.h - serializing small libxml2 trees (faults) as text. */
#ifndef WINRMD_XMLOUT_H
#define WINRMD_XMLOUT_H

#include <stdbool.h>
#include <libxml/tree.h>

#include "sbuf.h"

/* Appends the element tree at node (elements, attributes, text, namespace
 * declarations) to out as UTF-8 XML.  0, or -ENOMEM. */
int xmlout_append(const xmlNode *node, struct sbuf *out);
/* Tells whether an element or attribute of that local name holds a secret. */
typedef bool (*xmlout_secret_fn)(const xmlChar *name);
/* Same, but the whole content of an element secret() names, and the value
 * of an attribute it names, are written as "***"; comments and processing
 * instructions are never written. */
int xmlout_append_masked(const xmlNode *node, struct sbuf *out, xmlout_secret_fn secret);

#endif
