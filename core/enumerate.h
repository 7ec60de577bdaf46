/* enumerate.h - Enumerate, Pull and Release, served by the core for every
 * provider that enumerates (see winrmd_resource in provider.h). */
#ifndef WINRMD_ENUMERATE_H
#define WINRMD_ENUMERATE_H

#include <stdbool.h>

#include "request.h"

/* Reads the Enumerate body's parts the core owns (EnumerationMode, the
 * SelectorFilter) into ctx; false when ctx was answered with a fault. */
bool enum_supported(struct winrmd_ctx *ctx);
/* Calls the provider's enumerate or enum_open for ctx and answers it (now
 * or when the provider completes). */
void enum_start(struct winrmd_ctx *ctx);
/* Serves a Pull, a Release. */
void enum_pull(struct winrmd_ctx *ctx);
void enum_release(struct winrmd_ctx *ctx);
/* host->item_selector(): names the item being written (see provider.h). */
int enum_item_selector(struct winrmd_ctx *ctx, const char *name, const char *value);
/* Frees the enumeration state of ctx (its request, the selectors kept). */
void enum_state_free(struct winrmd_ctx *ctx);

#endif
