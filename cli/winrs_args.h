/* winrs_args.h - the winrs command line, as winrs.exe takes it:
 *
 *   winrs [-SWITCH[:VALUE]]... COMMAND [ARGUMENT]...
 *
 * Switch names compare without case and start with '-' or '/'.  The first
 * argument that is not a switch (or the one after "--") starts the
 * command: everything from there on is the command's, even words that
 * start with '-'.  An argument starting with '/' is a switch only when it
 * names one (so /bin/ls is a command).  Nothing here touches the network. */
#ifndef WINRS_ARGS_H
#define WINRS_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "cmdline.h"

#define WINRS_CODEPAGE_UTF8 65001u

/* A parsed command line.  Strings are owned (winrs_opts_free() frees
 * them), but for command, which points into the argv given. */
struct winrs_opts {
        char *remote;               /* -r:/-remote: */
        char *username, *password;  /* -u:/-username:, -p:/-password: */
        char *auth;                 /* -a:/-auth: as typed (Basic, Certificate) */
        char *certificate;          /* -certificate: a PEM path or a thumbprint */
        char *cafile;               /* -cafile: */
        char *directory;            /* -d:/-directory: */
        struct cli_pair *env;       /* -env:/-environment: NAME=VALUE, in order */
        size_t n_env;
        bool ssl, unencrypted, skip_ca, skip_cn, noprofile;
        bool help;                  /* -? / -help: nothing else matters */
        unsigned codepage;          /* -codepage:, else 65001 */
        long timeout_ms;            /* -timeout:, 0 when not given */
        char **command;             /* the command's words (borrowed from argv) */
        size_t n_command;
};

/* Parses argv[1..argc) into *out (zeroed first): 0, or -EINVAL with one
 * line in err naming what is wrong (an unknown switch, a switch given
 * twice or without its value, a bad number, text XML cannot carry, no
 * command).  Free *out with winrs_opts_free() either way. */
int winrs_parse(int argc, char **argv, struct winrs_opts *out, char *err, size_t err_len);
void winrs_opts_free(struct winrs_opts *o);
/* The winrm command's view of o's target switches, for target_resolve()
 * (the strings stay o's: never cli_free() the result). */
struct cli_cmd winrs_target_cmd(const struct winrs_opts *o);
/* The help text of -?. */
extern const char winrs_usage[];

#endif
