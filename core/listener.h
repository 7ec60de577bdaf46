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
        struct evhttp *http;
        struct evhttp_bound_socket *bound;
};

/* Binds the control socket at path (mode 0660, group = first existing
 * admin group); replaces a stale socket file.  0 or -errno. */
int listener_open_unix(const char *path, struct listener **ret);
/* Binds addr:port over plain HTTP (port 0 picks one). 0 or -errno. */
int listener_open_tcp(const char *addr, int port, struct listener **ret);
/* Closes the socket and frees l (in-flight requests are dropped). */
void listener_close(struct listener *l);
/* Closes every listener. */
void listener_close_all(void);
/* Re-applies body size and timeouts from the configuration to all. */
void listener_apply_limits(void);

#endif
