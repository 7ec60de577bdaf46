/* access.h - who may do what: RootSDDL for the whole service, then the
 * security descriptor of the resource addressed (a provider's default, or
 * the one an administrator stored).  Each descriptor is parsed once, when
 * it is first seen, not on every request. */
#ifndef WINRMD_ACCESS_H
#define WINRMD_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "sddl.h"

struct registered;
struct config_txn;

/* True when the descriptor text grants want to who; NULL text grants
 * everything, text that does not parse grants nothing. */
bool access_allows(const char *text, const struct sddl_caller *who, uint32_t want);
/* The descriptor in force for resource r: a "security" record for its URI
 * (staged in t, else stored), else the provider's default; NULL: none. */
const char *access_resource_sddl(const struct registered *r, const struct config_txn *t);
/* Forgets every parsed descriptor (at exit). */
void access_forget(void);

#endif
