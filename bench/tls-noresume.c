/* tls-noresume.c - preloaded into wrk by https.sh: each new connection
 * makes a new TLS session (a full handshake) instead of resuming the last
 * one.
 *
 * wrk keeps one OpenSSL SSL object per connection slot and calls SSL_clear()
 * on it before reconnecting; SSL_clear() keeps the session, so the next
 * handshake offers it (a TLS 1.3 ticket, or a 1.2 session id) and a server
 * that issued it resumes it, without its certificate signature.  Dropping
 * the session after SSL_clear() makes every connection a full handshake on
 * any server, without changing either server's configuration.
 *
 *   cc -shared -fPIC -o tls-noresume.so tls-noresume.c -ldl
 *   LD_PRELOAD=./tls-noresume.so wrk -H 'Connection: close' https://...
 *
 * Declared here rather than from <openssl/ssl.h>, so libssl-dev is not
 * needed: both functions are resolved in the libssl that wrk loads. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

typedef struct ssl_st SSL;
typedef struct ssl_session_st SSL_SESSION;

int SSL_set_session(SSL *s, SSL_SESSION *session);
int SSL_clear(SSL *s);

int SSL_clear(SSL *s)
{
        static int (*real_clear)(SSL *);
        int r;

        if (!real_clear) {
                real_clear = (int (*)(SSL *))dlsym(RTLD_NEXT, "SSL_clear");
                if (!real_clear)
                        return 0;
        }
        r = real_clear(s);
        if (r == 1)
                SSL_set_session(s, NULL);
        return r;
}
