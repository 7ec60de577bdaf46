/* dispatch.h - routing a parsed, authenticated request to its provider. */
#ifndef WINRMD_DISPATCH_H
#define WINRMD_DISPATCH_H

#include "request.h"

/* Handles ctx to the end: replies now, or holds it for a provider that
 * answers later, and frees it. */
void dispatch(struct winrmd_ctx *ctx);

#endif
