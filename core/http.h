/* http.h - the one HTTP handler: path, method, content type, authentication,
 * envelope parsing, then dispatch. */
#ifndef WINRMD_HTTP_H
#define WINRMD_HTTP_H

struct evhttp_request;

/* evhttp callback for every request; arg is the struct listener. */
void http_handle(struct evhttp_request *req, void *arg);
/* 1 if the Content-Type value names a SOAP 1.2 body. */
int http_is_soap_type(const char *ct);
/* 1 if path (with any query) is "/PREFIX" or "/PREFIX/". */
int http_path_matches(const char *path, const char *prefix);

#endif
