/* request.h - the WS-Man requests the winrm command sends: resource URIs
 * resolved from winrm.cmd's short forms, the body namespace and root
 * element of a resource, and each operation's envelope and body. */
#ifndef WINRM_REQUEST_H
#define WINRM_REQUEST_H

#include <stddef.h>
#include <libxml/tree.h>

#include "cmdline.h"

#define WSMAN_URI_PREFIX "http://schemas.microsoft.com/wbem/wsman/1/"

/* The URI to send for one typed: winrm/... and the other short forms of
 * winrm.cmd expanded, anything else as typed.  A new string (caller frees),
 * NULL on OOM. */
char *req_resolve_uri(const char *typed);
/* The namespace of a resource's body (the seed's wsman:...: the folder plus
 * the lower-case last segment and ".xsd"; else the URI itself) and its
 * root element (the last segment, with today's known names), into buf. */
const char *req_body_ns(const char *uri, char *buf, size_t len);
const char *req_root_name(const char *uri, char *buf, size_t len);

/* What every envelope carries. */
struct req_head {
        const char *to;             /* the endpoint URL */
        const char *uri;            /* resolved resource URI */
        const struct cli_pair *selectors;
        size_t n_selectors;
        long timeout_ms;            /* OperationTimeout */
        const char *fragment;       /* -fragment:, or NULL */
        const char *dialect;        /* -dialect: of the fragment, or NULL */
        const struct cli_pair *options;     /* w:OptionSet (the shell's WINRS_...), or none */
        size_t n_options;
};

/* A whole envelope for action with body (an XML fragment, may be "").  New
 * string; caller frees. */
char *req_envelope(const char *action, const struct req_head *h, const char *body);
/* Identify's envelope. */
char *req_identify(void);
/* <p:ROOT xmlns:p="NS"><p:K>V</p:K>...</p:ROOT> of props for Create (root
 * = the resource's), or METHOD_INPUT for Invoke (method != NULL). */
char *req_props_body(const char *uri, const char *method, const struct cli_pair *props, size_t n);
/* The body of a Put of props onto the resource whose Get reply is current
 * (NULL when it could not be read): each property goes where an element of
 * that name is in the resource (only that branch is sent), else at the top
 * (where the service will say what is wrong with it). */
char *req_put_body(const char *uri, xmlDoc *current, const struct cli_pair *props, size_t n);
/* Enumerate and Pull bodies; mode: NULL, "EnumerateEPR" or
 * "EnumerateObjectAndEPR"; filter with its dialect, or NULL. */
char *req_enumerate_body(const char *mode, const char *filter, const char *dialect);
char *req_pull_body(const char *context);
/* A reply body parsed without network access or messages, if it is a SOAP
 * 1.2 envelope; NULL otherwise.  The caller frees it. */
xmlDoc *req_parse_reply(const char *body, size_t len);

#endif
