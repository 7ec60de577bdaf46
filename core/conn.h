/* conn.h - one client connection: its socket, the HTTP/1.1 framing of its
 * requests (http_parse), one request at a time, deadlines, buffers bounded
 * in both directions, and the cap on open connections (the oldest
 * unauthenticated one makes room for a new one). */
#ifndef WINRMD_CONN_H
#define WINRMD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct conn;
struct hp_head;
struct listen_info;
struct tls_conn;

/* The layer above (http.c): what to do with each connection's requests.
 * While the handler holds a request, the connection reads nothing. */
struct conn_handler {
        /* A request's head is complete (h borrowed until the reply).  Go on
         * with conn_read_body(), or answer with conn_reply(). */
        void (*head)(struct conn *c, const struct hp_head *h);
        /* The body asked for is in: body[0..len) borrowed until the reply. */
        void (*body)(struct conn *c, const char *body, size_t len);
        /* c goes away while the handler holds its request (the client left,
         * it was evicted, or the daemon stops): drop what refers to c; c is
         * freed when this returns and no reply may follow. */
        void (*abort)(struct conn *c);
};

/* The handler of every connection; set once at start-up. */
void conn_set_handler(const struct conn_handler *h);
/* A new connection on socket fd (taken over: closed on any failure),
 * accepted by the listener described by l (copied).  Over the cap, the
 * oldest unauthenticated connection is cut first; if none can go, fd is
 * closed.  0 or -errno. */
int conn_accept(int fd, const struct listen_info *l);
/* The listener id closed: its idle connections end now, the others after
 * the reply they are giving. */
void conn_listener_closed(unsigned id);
/* After head(): read the body, refusing it beyond limit bytes (the 413 goes
 * to the handler as body == NULL); sends 100 Continue when asked for. */
void conn_read_body(struct conn *c, size_t limit);
/* Answers the request held: status line, headers (extra "Name: value\r\n"
 * lines, or NULL), Content-Length and body (copied).  The connection reads
 * the next request once this reply is (mostly) sent, or closes after it
 * when the request asked to, its body was not read, or conn_close_after()
 * was called. */
void conn_reply(struct conn *c, int status, const char *reason, const char *headers,
                const void *body, size_t len);
/* The reply to come ends the connection. */
void conn_close_after(struct conn *c);
/* The handler's per-request pointer (NULL when none). */
void *conn_data(const struct conn *c);
void conn_set_data(struct conn *c, void *data);
/* Remembers that a request on c authenticated: it is evicted last. */
void conn_set_authenticated(struct conn *c);
/* What c keeps of the listener that accepted it. */
const struct listen_info *conn_listener(const struct conn *c);
/* The connection's socket (borrowed: for SO_PEERCRED checks elsewhere). */
int conn_fd(const struct conn *c);
/* The TLS session of an HTTPS connection (borrowed), else NULL. */
struct tls_conn *conn_tls(const struct conn *c);
/* The peer's address as text ("127.0.0.1", "::1"; the socket path for the
 * control socket). */
const char *conn_peer(const struct conn *c);
/* True when the peer is on a loopback address (or the control socket). */
bool conn_is_local(const struct conn *c);
/* The control socket's peer uid (SO_PEERCRED at accept): 0 or -ENOENT. */
int conn_peer_uid(const struct conn *c, uid_t *uid);
/* Cuts the oldest unauthenticated TCP connection (else the oldest idle
 * one): true if one went.  Used when descriptors run out. */
bool conn_evict_one(void);
/* Connections open now: TCP ones and control-socket ones. */
unsigned conn_open_tcp(void);
unsigned conn_open_unix(void);
/* Closes every connection (shutdown), aborting held requests. */
void conn_close_all(void);

#endif
