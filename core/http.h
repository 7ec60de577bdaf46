/* http.h - the front door: from a request head to an authenticated,
 * parsed WS-Man request handed to dispatch(). */
#ifndef WINRMD_HTTP_H
#define WINRMD_HTTP_H

struct conn_handler;

/* What every connection does with its requests (conn_set_handler()). */
extern const struct conn_handler http_handler;
/* 1 if the Content-Type value names a SOAP 1.2 body. */
int http_is_soap_type(const char *ct);
/* 1 if path (with any query) is "/PREFIX" or "/PREFIX/". */
int http_path_matches(const char *path, const char *prefix);

#endif
