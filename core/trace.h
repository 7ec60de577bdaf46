/* trace.h - SoapTraceEnabled: logs whole messages with secrets masked. */
#ifndef WINRMD_TRACE_H
#define WINRMD_TRACE_H

#include <stddef.h>

/* Returns xml[0..len) parsed and written again with the whole content of
 * every element whose local name contains "password", "passwd", "secret" or
 * "credential" (any case) or is a shell Stream, and the value of every
 * attribute so named, replaced by "***"; comments and processing
 * instructions dropped.  Text that does not parse gives a note with its
 * length only.  Caller frees; NULL on OOM. */
char *trace_redact(const char *xml, size_t len);
/* Logs one message (direction "request"/"response"), redacted. */
void trace_message(const char *direction, const char *xml, size_t len);

#endif
