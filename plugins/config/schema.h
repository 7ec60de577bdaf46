/* schema.h - the two generations of the configuration resource as trees
 * over the one store of canonical keys (PROTOCOL.md 5.3). */
#ifndef WINRMD_CONFIG_SCHEMA_H
#define WINRMD_CONFIG_SCHEMA_H

#include <winrmd/provider.h>

enum cfg_kind {
        CFG_GROUP,       /* children only */
        CFG_LEAF,        /* one canonical key */
        CFG_UNENCRYPTED, /* legacy HTTP/Unencrypted/<scheme> of a side */
        CFG_NEGOTIATE,   /* negotiate or kerberos of a side; writes both */
        CFG_ALLOW_PLAIN  /* current AllowUnencrypted of a side */
};

struct cfg_node {
        const char *name;             /* element name, case-sensitive */
        enum cfg_kind kind;
        const char *key;              /* LEAF: key; UNENCRYPTED: scheme */
        const char *side;             /* "service" or "client" for specials */
        const struct cfg_node *children; /* GROUP: ends with {NULL} */
};

struct cfg_view {
        const char *uri;
        unsigned flags;               /* WINRMD_URI_* */
        const char *ns;               /* body namespace */
        const char *root;             /* top-level element */
        const struct cfg_node *tree;  /* children of root */
};

/* Every view, ending with {NULL}. */
extern const struct cfg_view cfg_views[];
/* The view for a request URI as sent (same matching as the registry). */
const struct cfg_view *cfg_view_for(const char *uri);

#endif
