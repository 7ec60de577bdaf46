/* xmlout.h - serializing small libxml2 trees (faults) as text. */
#ifndef WINRMD_XMLOUT_H
#define WINRMD_XMLOUT_H

#include <libxml/tree.h>

#include "sbuf.h"

/* Appends the element tree at node (elements, attributes, text, namespace
 * declarations) to out as UTF-8 XML.  0, or -ENOMEM. */
int xmlout_append(const xmlNode *node, struct sbuf *out);

#endif
