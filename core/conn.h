/* conn.h - per-connection bookkeeping under evhttp: a deadline that cuts
 * slow or idle clients, a hard cap on open connections that closes the
 * oldest idle one, and the count of active requests (MaxConnections). */
#ifndef WINRMD_CONN_H
#define WINRMD_CONN_H

#include <stdbool.h>

struct bufferevent;
struct event_base;
struct evhttp_request;

/* evhttp bevcb: wraps each new connection; arg is unused.  The returned
 * bufferevent is owned by evhttp; conn frees its own state when evhttp
 * frees it. */
struct bufferevent *conn_bevcb(struct event_base *base, void *arg);
struct winrmd_ctx;
/* Marks req's connection as waiting for a provider on ctx (no deadline), or
 * not (ctx NULL).  If the connection closes meanwhile, conn calls
 * dispatch_abandon(ctx). */
void conn_set_busy(struct evhttp_request *req, struct winrmd_ctx *ctx);
/* Sends the reply queued on req (one place for every reply of the core). */
void conn_send_reply(struct evhttp_request *req, int status, const char *reason);

#endif
