/* listener.h - sockets that serve WS-Man: the control socket and TCP. */
#ifndef WINRMD_LISTENER_H
#define WINRMD_LISTENER_H

#include <stdbool.h>

struct evhttp;
struct evhttp_bound_socket;

enum listener_kind { LISTENER_UNIX, LISTENER_TCP };

struct listener {
        struct listener *next;
        enum listener_kind kind;
        const char *transport;      /* "unix", "http" */
        char desc[300];             /* "127.0.0.1:5985" or the socket path */
        int port;                   /* bound port (TCP) */
        char ip[64];                /* bound address (TCP), as given */
        char url_prefix[64];        /* path served; "" = Client/URLPrefix */
        struct evhttp *http;
        struct evhttp_bound_socket *bound;
};

/* Binds the control socket at path (mode 0660, group = first existing
 * admin group); replaces a stale socket file.  0 or -errno. */
int listener_open_unix(const char *path, struct listener **ret);
/* How to bind one TCP listener. */
struct tcp_spec {
        const char *addr;           /* numeric IPv4/IPv6, "%scope" allowed for link-local */
        int port;                   /* 0 picks one */
        const char *url_prefix;     /* NULL = Client/URLPrefix */
        bool freebind;              /* bind even if the address is not (yet) usable */
};

/* Binds a plain HTTP listener. 0 or -errno (-EADDRINUSE, -EADDRNOTAVAIL...). */
int listener_open_tcp(const struct tcp_spec *spec, struct listener **ret);
/* Binds and closes at once, to learn whether spec could be bound: 0 or -errno. */
int listener_try_bind(const struct tcp_spec *spec);
/* Closes the socket and frees l (in-flight requests are dropped). */
void listener_close(struct listener *l);
/* Closes every listener. */
void listener_close_all(void);
/* Re-applies body size and timeouts from the configuration to all. */
void listener_apply_limits(void);

#endif
