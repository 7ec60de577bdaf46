/* host_listener.h - listener members of the host table (see provider.h). */
#ifndef WINRMD_HOST_LISTENER_H
#define WINRMD_HOST_LISTENER_H

#include <stddef.h>

#include <winrmd/provider.h>

/* See winrmd_host.listener_count/get/set/remove/bound. */
size_t hl_count(const winrmd_ctx *c);
int hl_get(const winrmd_ctx *c, size_t i, winrmd_listener *out);
int hl_set(winrmd_ctx *c, long index, const winrmd_listener *l);
int hl_remove(winrmd_ctx *c, size_t index);
size_t hl_bound(const winrmd_ctx *c, size_t i, char *buf, size_t len);

#endif
