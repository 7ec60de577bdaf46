/* envelope.h - parsing a SOAP 1.2 WS-Man request into its headers and body. */
#ifndef WINRMD_ENVELOPE_H
#define WINRMD_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>

#include "fault.h"

/* Hard limits applied while checking a parsed document. */
#define ENV_MAX_DEPTH 64
#define ENV_MAX_NODES 100000
#define ENV_MAX_SELECTORS 64
#define ENV_MAX_OPTIONS 64

struct env_pair {
        char *name;
        char *value;
        bool must_comply;
};

struct env {
        xmlDoc *doc;
        xmlNode *header, *body;
        xmlNode *body_first;         /* first element child of Body, or NULL */
        char *action, *resource_uri, *message_id, *to, *reply_to;
        struct env_pair *selectors;   /* n_selectors of them, or NULL */
        size_t n_selectors;
        struct env_pair *options;     /* n_options of them, or NULL */
        size_t n_options;
        int64_t operation_timeout_ms; /* -1 when absent */
        int64_t max_envelope_size;    /* -1 when absent */
        xmlNode *fragment;            /* wsman:FragmentTransfer (in doc), or NULL */
        bool fragment_mu;             /* ... marked s:mustUnderstand="true" */
        bool ns_2005;                 /* WS-Man headers in the 2005/06 namespace */
        bool is_identify;
};

/* Result of env_parse() when it fails: which fault to send and why. */
struct env_error {
        enum fault_id fault;
        char detail[256];
        char message_id[256];      /* the request's MessageID, if it was read */
        char nu_name[128], nu_ns[256]; /* the header of F_MUST_UNDERSTAND */
        bool ns_2005;              /* the WS-Man headers read were 2005/06 ones */
};

/* Parses buf[0..len) (UTF-8 or BOM-marked UTF-16).  On success *ret owns a new
 * env (free with env_free()); on failure returns -EINVAL and fills err. */
int env_parse(const char *buf, size_t len, struct env **ret, struct env_error *err);
/* Parses buf[0..len) as env_parse() does (no DTD, no entities, the depth and
 * node limits) without reading it as an envelope: a new document (free with
 * xmlFreeDoc()), or NULL when it is not acceptable XML. */
xmlDoc *env_parse_xml(const char *buf, size_t len);
/* Frees the parser context kept between requests (at exit). */
void env_parser_free(void);
/* Frees an env and its document; NULL is fine. */
void env_free(struct env *e);
/* Selector value by name (case-insensitive), borrowed; NULL if absent. */
const char *env_selector(const struct env *e, const char *name);
/* Option value by name (case-insensitive), borrowed; NULL if absent. */
const char *env_option(const struct env *e, const char *name);
/* 1 if node is an element named ns:name. */
bool xml_is(const xmlNode *node, const char *ns, const char *name);
/* First element child of node, next element sibling; NULL at the end. */
xmlNode *xml_first_elem(const xmlNode *node);
xmlNode *xml_next_elem(const xmlNode *node);
/* First element child named ns:name, or NULL. */
xmlNode *xml_child(const xmlNode *node, const char *ns, const char *name);
/* New string with the trimmed text of node; caller frees. NULL on OOM. */
char *xml_text(const xmlNode *node);

#endif
