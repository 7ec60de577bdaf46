/* trace.h - SoapTraceEnabled: logs whole messages with secrets masked. */
#ifndef WINRMD_TRACE_H
#define WINRMD_TRACE_H

#include <stddef.h>

/* Returns a new copy of xml[0..len) in which the text of every element whose
 * local name contains "password", "secret" or "credential" (any case), and of
 * every shell Stream, is replaced by "***".  Caller frees; NULL on OOM. */
char *trace_redact(const char *xml, size_t len);
/* Logs one message (direction "request"/"response"), redacted. */
void trace_message(const char *direction, const char *xml, size_t len);

#endif
