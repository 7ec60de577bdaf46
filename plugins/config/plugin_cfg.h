/* plugin_cfg.h - the plugin configuration resource (winrm/config/plugin). */
#ifndef WINRMD_CONFIG_PLUGIN_CFG_H
#define WINRMD_CONFIG_PLUGIN_CFG_H

#include <winrmd/provider.h>

#define PLUGIN_CFG_URI "http://schemas.microsoft.com/wbem/wsman/1/config/plugin"

/* Keeps the host table for the callbacks below. */
void plugin_cfg_init(const winrmd_host *h);
/* Get (selector Name), Put and Enumerate of the plugin configuration. */
winrmd_status plugin_cfg_get(winrmd_ctx *ctx);
winrmd_status plugin_cfg_put(winrmd_ctx *ctx);
winrmd_status plugin_cfg_enumerate(winrmd_ctx *ctx);

#endif
