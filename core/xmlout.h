/* xmlout.h - a small, fast serializer for the reply trees winrmd builds. */
#ifndef WINRMD_XMLOUT_H
#define WINRMD_XMLOUT_H

#include <libxml/tree.h>

struct evbuffer;

/* Appends the element tree at root (elements, attributes, text, namespace
 * declarations) to out as UTF-8 XML.  0, or -ENOMEM. */
int xmlout_write(const xmlNode *root, struct evbuffer *out);

#endif
