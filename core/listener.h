/* listener.h - sockets that serve WS-Man: the control socket and TCP; each
 * accepts connections and hands them to conn.c. */
#ifndef WINRMD_LISTENER_H
#define WINRMD_LISTENER_H

#include <stdbool.h>

struct event;
struct tls_creds;

enum listener_kind { LISTENER_UNIX, LISTENER_TCP };

/* What a connection keeps of the listener that accepted it (copied, so a
 * listener can close while its connections finish). */
struct listen_info {
        unsigned id;                /* unique while the daemon runs */
        enum listener_kind kind;
        const char *transport;      /* "unix", "http", "https" (static) */
        char url_prefix[64];        /* path served; "" = Client/URLPrefix */
        struct tls_creds *tls;      /* HTTPS: the certificate new connections
                                     * get (borrowed: valid during accept) */
};

struct listener {
        struct listener *next;
        struct listen_info info;
        char desc[300];             /* "127.0.0.1:5985" or the socket path */
        int port;                   /* bound port (TCP) */
        char ip[64];                /* bound address (TCP), as given */
        int fd;
        char tls_thumbprint[41];    /* HTTPS: the certificate's, "" for HTTP */
        struct event *accept_ev;
        struct event *pause_ev;     /* accepting again after running out of fds */
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
        struct tls_creds *tls;      /* HTTPS with these credentials; NULL = HTTP */
        const char *tls_thumbprint; /* their certificate's thumbprint */
};

/* Binds an HTTP or HTTPS listener (a reference to spec->tls is taken).
 * 0 or -errno (-EADDRINUSE, -EADDRNOTAVAIL...). */
int listener_open_tcp(const struct tcp_spec *spec, struct listener **ret);
/* Binds and closes at once, to learn whether spec could be bound: 0 or -errno. */
int listener_try_bind(const struct tcp_spec *spec);
/* New connections to HTTPS listener l get creds (a reference is taken;
 * connections in progress keep theirs). */
void listener_set_tls(struct listener *l, struct tls_creds *creds, const char *thumbprint);
/* Closes the socket and frees l; its connections end after the request
 * they are answering (idle ones at once). */
void listener_close(struct listener *l);
/* Closes every listener. */
void listener_close_all(void);

#endif
