/* listener_xml.h - the two Listener documents and selector sets. */
#ifndef WINRMD_LISTENER_XML_H
#define WINRMD_LISTENER_XML_H

#include <stdbool.h>

#include <winrmd/provider.h>

#define LX_LEGACY_URI "wsman:microsoft.com/wsman/2005/06/config/Listener"
#define LX_CURRENT_URI "http://schemas.microsoft.com/wbem/wsman/1/config/listener"

struct lview {
        bool legacy;
        const char *ns;               /* body namespace */
};

/* The view for a request URI (legacy when it is a "wsman:" URI). */
const struct lview *lx_view(const char *uri);
/* Reads the selectors into the key fields of *key (address, port or
 * transport); a fault status when they are missing, unknown or bad. */
winrmd_status lx_selectors(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v, winrmd_listener *key);
/* True when record l is the one key names. */
bool lx_same(const struct lview *v, const winrmd_listener *key, const winrmd_listener *l);
/* Defaults of a new record (transport HTTPS for the seed, ports from the config). */
void lx_defaults(const winrmd_host *h, const struct lview *v, winrmd_listener *l);
/* Applies the body's elements to l; create allows MACAddress/Transport. */
winrmd_status lx_apply_body(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v,
                            winrmd_listener *l, bool create);
/* Writes the Listener element; bound = space-separated ListeningOn or NULL. */
void lx_render(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v,
               const winrmd_listener *l, const char *bound);
/* The seed's IP selector value of l: the IP, or "*". */
const char *lx_legacy_ip(const winrmd_listener *l);

#endif
