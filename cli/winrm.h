/* winrm.h - what the winrm command's parts share: one exchange with the
 * target (errors and faults printed to standard error), and a whole
 * enumeration. */
#ifndef WINRM_WINRM_H
#define WINRM_WINRM_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>

#include "request.h"
#include "target.h"

/* Sends envelope to t; 0 with the parsed reply in *reply (NULL for an
 * empty 200), or -1 after printing why (connection, 401, a fault unless
 * quiet, a reply that is not XML).  The caller frees *reply. */
int winrm_exchange(const struct target *t, const char *envelope, xmlDoc **reply);
int winrm_exchange_q(const struct target *t, const char *envelope, xmlDoc **reply, bool quiet);
/* The same for an envelope built from action, h and body. */
int winrm_call(const struct target *t, const char *action, const struct req_head *h, const char *body,
               xmlDoc **reply);
int winrm_call_q(const struct target *t, const char *action, const struct req_head *h, const char *body,
                 xmlDoc **reply, bool quiet);

/* Every item of an enumeration, pointing into the replies kept here. */
struct winrm_items {
        xmlNode **items;
        size_t n;
        xmlDoc **docs;
        size_t n_docs;
};
/* Enumerates h's resource to the end (Enumerate, then Pull until
 * EndOfSequence): 0, or -1 after printing why.  Free with
 * winrm_items_free(). */
int winrm_enumerate(const struct target *t, const struct req_head *h, const char *mode, const char *filter,
                    const char *dialect, struct winrm_items *out);
void winrm_items_free(struct winrm_items *it);

#endif
