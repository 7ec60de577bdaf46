/* shell_xml.h - the shell provider's request bodies and options read
 * through the host, and the rsp:Shell element it writes. */
#ifndef WINRMD_SHELL_XML_H
#define WINRMD_SHELL_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <winrmd/provider.h>

#include "shell.h"

/* The rsp:Shell of a Create (strings borrowed from the request). */
struct sx_shell_req {
        const char *shell_id;         /* proposed by the client, or NULL */
        const char *name, *cwd;       /* NULL when absent */
        const char *env_name[SHELL_MAX_ENV], *env_value[SHELL_MAX_ENV];
        size_t n_env;
        int64_t idle_ms, lifetime_ms; /* 0 when absent */
};

/* The rsp:CommandLine of a Command; args is allocated (free() it), its
 * strings borrowed. */
struct sx_command_req {
        const char *command_id;       /* proposed by the client, or NULL */
        const char *command;
        const char **args;
        size_t n_args;
};

/* One rsp:Stream of a Send (strings borrowed). */
struct sx_stream {
        const char *name, *command_id, *text;
        bool end;
};
#define SX_MAX_SEND_STREAMS 16

/* Each returns WINRMD_OK or a fault recorded on ctx. */
winrmd_status sx_shell_body(winrmd_ctx *ctx, struct sx_shell_req *r);
winrmd_status sx_command_body(winrmd_ctx *ctx, struct sx_command_req *r);
winrmd_status sx_receive_body(winrmd_ctx *ctx, const char **command_id, unsigned *streams);
winrmd_status sx_signal_body(winrmd_ctx *ctx, const char **command_id, const char **code);
winrmd_status sx_send_body(winrmd_ctx *ctx, struct sx_stream *out, size_t *n);
/* Boolean option name (TRUE/FALSE), def when absent. */
winrmd_status sx_bool_option(winrmd_ctx *ctx, const char *name, bool def, bool *out);
/* WINRS_CODEPAGE, 65001 when absent. */
winrmd_status sx_codepage_option(winrmd_ctx *ctx, unsigned *out);

/* Writes sh as one rsp:Shell element: 0 or -errno. */
int sx_write_shell(winrmd_ctx *ctx, const struct sh_shell *sh);

#endif
