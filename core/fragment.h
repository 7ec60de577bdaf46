/* fragment.h - wsman:FragmentTransfer (DSP0226 7.7) on Get and Put for the
 * resources that ask for it (WINRMD_URI_FRAGMENTS): simple XPath paths. */
#ifndef WINRMD_FRAGMENT_H
#define WINRMD_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>

#include "fault.h"

struct winrmd_ctx;

#define FRAG_MAX_STEPS 16

/* One step of a path: [prefix:]Name[n]. */
struct frag_step {
        char local[128];
        const char *ns;              /* the prefix's namespace; NULL: any */
        long index;                  /* 1-based among same-named siblings */
};

/* A parsed fragment path: steps from the representation's root element
 * (absolute: the first step names the root itself), and text() at the end. */
struct frag_path {
        struct frag_step steps[FRAG_MAX_STEPS];
        size_t n;
        bool absolute, text;
};

/* Parses expr; prefixes resolve in scope at node (may be NULL: then any
 * prefix is an error).  0, or -EINVAL with why (static text) in *why. */
int frag_parse(const char *expr, xmlNode *node, struct frag_path *out, const char **why);
/* The element path selects in the representation root: NULL if none. */
xmlNode *frag_select(const struct frag_path *p, xmlNode *root);
/* True when dialect (NULL: absent) is one this service reads as XPath. */
bool frag_dialect_ok(const char *dialect);
/* Checks the request's FragmentTransfer header (dialect and path): 0, or
 * -1 when ctx was answered with a fault. */
int fragment_check(struct winrmd_ctx *ctx);
/* Put: rebuilds the request's body, a w:XmlFragment, as the partial
 * representation it stands for, from the whole one the provider's get
 * wrote in ctx's writer (which is emptied).  0, or -1 with the fault in
 * *f and a message (static, or NULL for the standard one) in *msg. */
int fragment_rewrite_put(struct winrmd_ctx *ctx, enum fault_id *f, const char **msg);
/* Get and Put: replaces the representation in ctx's writer by the part
 * the path selects, in w:XmlFragment.  0, or -1 as fragment_rewrite_put. */
int fragment_reply(struct winrmd_ctx *ctx, enum fault_id *f, const char **msg);

#endif
