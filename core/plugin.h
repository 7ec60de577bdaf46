/* plugin.h - loading providers and the registry of their resources. */
#ifndef WINRMD_PLUGIN_H
#define WINRMD_PLUGIN_H

#include <stdbool.h>
#include <winrmd/provider.h>

struct loaded_provider;

/* One resource URI served by a loaded provider. */
struct registered {
        const winrmd_resource *res;
        struct loaded_provider *prov;
};

/* Verdict of the checks made before any provider code runs. */
enum plugin_check {
        PLUGIN_OK, PLUGIN_NO_SYMBOL, PLUGIN_ABI_MISMATCH, PLUGIN_TOO_SMALL,
        PLUGIN_NO_NAME, PLUGIN_DUP_NAME, PLUGIN_DUP_URI, PLUGIN_BAD_RESOURCE
};

/* Checks a provider struct against the ABI and the already loaded ones. */
enum plugin_check plugin_check(const winrmd_provider *p);
/* Text for a verdict. */
const char *plugin_check_str(enum plugin_check c);
/* Loads every *.so in dir (refusing unsafe files); returns how many loaded. */
int plugin_load_dir(const char *dir);
/* Loads one file; 0, or -errno after logging why it was refused. */
int plugin_load_file(const char *path);
/* Registers a provider that is linked in (tests); same checks as a file. */
int plugin_register(const winrmd_provider *p, void *handle);
/* Calls unload() of every provider and dlclose()s them. */
void plugin_unload_all(void);
/* The resource for uri under the matching rules, or NULL. */
const struct registered *plugin_find(const char *uri);
/* Tells r's provider to forget a pending ctx (cancel hook). */
void plugin_cancel(const struct registered *r, winrmd_ctx *ctx);
/* The state load() returned for r's provider. */
void *plugin_state(const struct registered *r);
/* WINRMD_OP_* bits served by at least one resource. */
unsigned plugin_operations(void);
/* Tells every provider that key changed. */
void plugin_config_changed(const char *key);
/* True if uri is one of the seed's 2005/06 URIs ("wsman:" scheme). */
bool uri_is_legacy(const char *uri);
/* Compares a request URI with a registered one under the rules of flags. */
bool uri_matches(const char *registered, unsigned flags, const char *uri);
/* The host table handed to providers. */
const winrmd_host *host_table(void);

#endif
