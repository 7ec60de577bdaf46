/* listener_xml.h - the two Listener documents and selector sets. */
#ifndef WINRMD_LISTENER_XML_H
#define WINRMD_LISTENER_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <winrmd/provider.h>

#define LX_LEGACY_URI "wsman:microsoft.com/wsman/2005/06/config/Listener"
#define LX_CURRENT_URI "http://schemas.microsoft.com/wbem/wsman/1/config/listener"

/* A listener record as this provider handles it: the fields of the core's
 * "listener" records (winrmd.conf(5)), read and staged through the host's
 * durable-record members. */
struct lxrec {
        char address[64];      /* "*", "IP:<v4 or v6>" or "MAC:12-34-56-78-90-AB" */
        char transport[8];     /* "HTTP" or "HTTPS" */
        int32_t port;          /* 1..65535 */
        int32_t enabled;       /* 0 or 1 */
        char hostname[256];
        char url_prefix[64];
        char thumbprint[48];   /* 40 hex digits or "" */
        char source[16];       /* "CommandLine" (read-only, from --listen) or "" */
};

/* Reads listener record i as this request sees it: 0 or -ENOENT. */
int lx_read(const winrmd_host *h, const winrmd_ctx *ctx, size_t i, struct lxrec *out);
/* Stages l as record i (i == count appends): what record_put() returns. */
int lx_write(const winrmd_host *h, winrmd_ctx *ctx, size_t i, const struct lxrec *l);

struct lview {
        bool legacy;
        const char *ns;               /* body namespace */
};

/* The view for a request URI (legacy when it is a "wsman:" URI). */
const struct lview *lx_view(const char *uri);
/* Reads the selectors into the key fields of *key: the seed's IP and Port
 * (transport HTTPS), or today's Address and Transport with an optional Port
 * (0 when absent); a fault status when they are missing, unknown or bad. */
winrmd_status lx_selectors(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v, struct lxrec *key);
/* True when record l is one key names: IP and Port name one record; today's
 * Address and Transport without a Port may name several (a --listen
 * record only with its Port). */
bool lx_same(const struct lview *v, const struct lxrec *key, const struct lxrec *l);
/* Defaults of a new record: enabled, the URL prefix, and when no selector
 * gave one, the port from the config (the transport came from the selectors). */
void lx_defaults(const winrmd_host *h, const struct lview *v, struct lxrec *l);
/* Applies the body's elements to l; create allows MACAddress/Transport. */
winrmd_status lx_apply_body(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v,
                            struct lxrec *l, bool create);
/* Writes the Listener element; bound = space-separated ListeningOn or NULL. */
void lx_render(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v,
               const struct lxrec *l, const char *bound);
/* The seed's IP selector value of l: the IP, or "*". */
const char *lx_legacy_ip(const struct lxrec *l);

#endif
