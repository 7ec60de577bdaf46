/* access.h - who may do what: RootSDDL for the whole service, then the
 * security descriptor of the resource addressed (a provider's default, or
 * the one an administrator stored).  Each descriptor is parsed once, when
 * it is first seen, not on every request. */
#ifndef WINRMD_ACCESS_H
#define WINRMD_ACCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sddl.h"

struct registered;
struct config_txn;

/* Who is asking, for one request: the caller as the evaluator sees it,
 * and where its Linux ids come from when a descriptor first names a Linux
 * user or group (S-1-22): the control socket's peer uid, else the user
 * name.  Filled by the caller; the ids by access_check(). */
struct access_who {
        struct sddl_caller c;        /* c.ids etc. start false/0 */
        const char *user;            /* the request's user name, borrowed */
        bool by_uid;                 /* the peer is known by uid: uid below */
        uid_t uid;
        bool looked_up;              /* ids resolved (or tried) already */
};

/* True when the descriptor text grants want to who; NULL text grants
 * everything, text that does not parse grants nothing.  Adds to *audit
 * the SDDL_AUDIT_* bits the descriptor's SACL asks for this access (one
 * that does not parse asks to audit its refusal).  who's uid and groups
 * are looked up here, once per who, and only for a descriptor with an
 * S-1-22 ACE; a user that does not resolve gets none. */
bool access_check(const char *text, struct access_who *who, uint32_t want, unsigned *audit);
/* The descriptor in force for resource r: a "security" record for its URI
 * (staged in t, else stored), else the provider's default; NULL: none. */
const char *access_resource_sddl(const struct registered *r, const struct config_txn *t);
/* Forgets every parsed descriptor (at exit). */
void access_forget(void);

#endif
