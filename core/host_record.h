/* host_record.h - the durable-record members of the host table: the kinds
 * "listener" (host_listener.c checks and binds them), "security" (resource
 * security descriptors) and each provider's own "PROVIDER.NAME". */
#ifndef WINRMD_HOST_RECORD_H
#define WINRMD_HOST_RECORD_H

#include <stddef.h>

#include <winrmd/provider.h>

/* See winrmd_host.record_count/field/put/remove/status. */
size_t hr_count(const winrmd_ctx *c, const char *kind);
const char *hr_field(const winrmd_ctx *c, const char *kind, size_t i, const char *name);
int hr_put(winrmd_ctx *c, const char *kind, size_t i, const char *const *names, const char *const *values,
           size_t n);
int hr_remove(winrmd_ctx *c, const char *kind, size_t i);
size_t hr_status(const winrmd_ctx *c, const char *kind, size_t i, char *buf, size_t len);

/* record_error of the host table: why the last put/remove failed ("" if
 * the errno says it all). */
const char *hr_error(const winrmd_ctx *c);

#endif
