/* cmdline.h - the winrm command's grammar, as winrm.cmd takes it:
 *
 *   winrm VERB [METHOD] RESOURCE_URI[?KEY=VALUE[+KEY=VALUE]...]
 *         [-SWITCH[:VALUE]]... [@{KEY="VALUE"[;KEY="VALUE"]...}]
 *
 * Verbs and switches compare without case and may be abbreviated as
 * winrm.cmd allows (g, s, c, d, e, i, id, qc); switches start with '-' or
 * '/'.  Nothing here touches the network. */
#ifndef WINRM_CMDLINE_H
#define WINRM_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

enum cli_verb {
        VERB_NONE, VERB_GET, VERB_PUT, VERB_CREATE, VERB_DELETE, VERB_ENUMERATE, VERB_INVOKE,
        VERB_IDENTIFY, VERB_QUICKCONFIG, VERB_HELP
};

enum cli_format { FORMAT_TEXT, FORMAT_XML, FORMAT_PRETTY };

/* One KEY=VALUE of the selectors or of @{...} (strings owned). */
struct cli_pair {
        char *name;
        char *value;
};

/* A parsed command line; cli_free() frees every string. */
struct cli_cmd {
        enum cli_verb verb;
        char *method;               /* invoke: the method */
        char *uri;                  /* the resource URI as typed, without '?...' */
        struct cli_pair *selectors;
        size_t n_selectors;
        struct cli_pair *props;     /* @{...}, in order */
        size_t n_props;
        bool has_props;
        char *file;                 /* -file: a body to send */
        char *remote;               /* -r:/-remote:/-target: */
        char *username, *password;
        char *auth;                 /* -a:/-auth: as typed */
        char *certificate;          /* -certificate: a thumbprint or a path */
        char *cafile;               /* -cafile: CAs to trust instead of the system's */
        char *socket;               /* -socket: */
        enum cli_format format;
        bool unencrypted, usessl, skip_ca, skip_cn, quiet, force;
        long timeout_ms;            /* -timeout:, 0 when not given */
        char *dialect, *fragment, *filter, *return_type;
        char *transport;            /* quickconfig -transport: */
        char *help_topic;           /* help TOPIC, or "" for the general help */
};

/* Parses argv[1..argc) into *out (zeroed first).  0, or -EINVAL with one
 * line in err naming what is wrong (an unknown verb or switch, an
 * unbalanced @{, a selector without a value...). */
int cli_parse(int argc, char **argv, struct cli_cmd *out, char *err, size_t err_len);
void cli_free(struct cli_cmd *c);
/* The value of selector or property name (exact case), or NULL. */
const char *cli_pair_get(const struct cli_pair *pairs, size_t n, const char *name);

#endif
