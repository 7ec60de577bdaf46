/* certmapping.h - today's winrm/config/service/certmapping resource: which
 * local account a client certificate logs in as. */
#ifndef WINRMD_CERTMAPPING_H
#define WINRMD_CERTMAPPING_H

#include <winrmd/provider.h>

#define CERTMAPPING_URI "http://schemas.microsoft.com/wbem/wsman/1/config/service/certmapping"

winrmd_status certmapping_get(winrmd_ctx *ctx);
winrmd_status certmapping_put(winrmd_ctx *ctx);
winrmd_status certmapping_create(winrmd_ctx *ctx);
winrmd_status certmapping_remove(winrmd_ctx *ctx);
winrmd_status certmapping_enumerate(winrmd_ctx *ctx);
/* Keeps the host table for the calls above. */
void certmapping_init(const winrmd_host *h);

#define CERTMAPPING_RES(u) { .uri = u, .flags = WINRMD_URI_CASELESS | WINRMD_URI_LOCAL_WRITE, \
        .get = certmapping_get, .put = certmapping_put, .create = certmapping_create, \
        .remove = certmapping_remove, .enumerate = certmapping_enumerate }
#define CERTMAPPING_RESOURCES CERTMAPPING_RES(CERTMAPPING_URI), CERTMAPPING_RES("winrm/config/service/certmapping")

#endif
