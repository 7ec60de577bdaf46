/* target.h - where the winrm command sends its requests and how it proves
 * who it is: the local agent's control socket, or a remote service named
 * by -r:, with the ports, URL prefix, time-outs and unencrypted rules of
 * the configuration's Client section (read from the local agent when it
 * can be, else the defaults). */
#ifndef WINRM_TARGET_H
#define WINRM_TARGET_H

#include <stdbool.h>

#include "cmdline.h"
#include "transport.h"

/* The installed agent's control socket. */
#define DEFAULT_SOCKET "/var/lib/winrmd/winrmd.sock"

/* The Client section as the command obeys it. */
struct client_cfg {
        int http_port, https_port;
        char url_prefix[128];
        long network_delay_ms;
        bool basic;                 /* Client/Auth/Basic (seed: HTTPS/Basic) */
        bool unencrypted_basic;     /* seed: Client/HTTP/Unencrypted/Basic */
        bool allow_unencrypted;     /* today's Client/AllowUnencrypted */
        bool from_agent;            /* read from the local agent (else defaults) */
};

/* A resolved destination: the transport's target plus the strings it
 * points to (owned here). */
struct target {
        struct wsman_target t;
        char host[256];
        char path[256];
        char url[600];              /* for a:To and messages */
        char socket_path[512];
        char cert[1024], key[1024];
        char password[1024];
        bool local;
};

/* The control socket the command uses: -socket:, $WINRMD_SOCKET, else the
 * installed agent's. */
const char *target_socket(const struct cli_cmd *c);
/* The Client section from the local agent's socket, else the defaults. */
void client_cfg_read(const char *socket_path, struct client_cfg *out);
/* Resolves c's destination and credentials into *out: 0, or -1 with one
 * line in err (a target that does not parse, Basic over HTTP that the
 * Client section forbids, a missing password with no terminal to ask on,
 * a certificate that cannot be found). */
int target_resolve(const struct cli_cmd *c, const struct client_cfg *cfg, struct target *out, char *err,
                   size_t err_len);
/* Wipes the password it holds. */
void target_clear(struct target *t);

#endif
