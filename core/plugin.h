/* plugin.h - loading providers, the checks made before any of their code
 * runs, and the registry of their resources. */
#ifndef WINRMD_PLUGIN_H
#define WINRMD_PLUGIN_H

#include <stdbool.h>
#include <stdio.h>
#include <winrmd/provider.h>

struct loaded_provider;

/* One resource URI served by a loaded provider: a copy of its entry (with
 * the members an older provider lacks zeroed). */
struct registered {
        winrmd_resource res;
        struct loaded_provider *prov;
};

/* Verdict of the checks made before any provider code runs. */
enum plugin_check {
        PLUGIN_OK, PLUGIN_NO_SYMBOL, PLUGIN_ABI_MISMATCH, PLUGIN_TOO_SMALL,
        PLUGIN_NO_NAME, PLUGIN_DUP_NAME, PLUGIN_DUP_URI, PLUGIN_BAD_RESOURCE,
        PLUGIN_BAD_SETTING, PLUGIN_TOO_MANY
};

/* Checks a provider struct against the ABI and the providers loaded;
 * writes why it is refused into why (naming the clash). */
enum plugin_check plugin_check(const winrmd_provider *p, char *why, size_t len);
/* Loads every *.so in dir (refusing unsafe files), handing each host;
 * returns how many loaded. */
int plugin_load_dir(const char *dir, const winrmd_host *host);
/* Loads one file; 0, or -errno after logging why it was refused. */
int plugin_load_file(const char *path, const winrmd_host *host);
/* Registers a provider that is linked in (tests); same checks as a file.
 * 0 or -errno; the reason is logged. */
int plugin_register(const winrmd_provider *p, void *handle, const char *file, const winrmd_host *host);
/* Calls unload() of every provider and dlclose()s them. */
void plugin_unload_all(void);
/* The resource for uri under the matching rules, or NULL. */
const struct registered *plugin_find(const char *uri);
/* The i-th loaded provider and its file ("" if built in); NULL past the end. */
const winrmd_provider *plugin_at(size_t i, const char **file);
/* The name and state of r's provider. */
const char *plugin_name(const struct registered *r);
void *plugin_state(const struct registered *r);
/* Makes p the provider on whose behalf the core runs now (log lines carry
 * its name; timers and work made now belong to it); returns the one before.
 * NULL: the core itself. */
struct loaded_provider *plugin_enter(struct loaded_provider *p);
/* The provider the core runs for now, and its name ("" for the core). */
struct loaded_provider *plugin_current(void);
const char *plugin_current_name(void);
/* Tells r's provider to forget a pending ctx (cancel hook). */
void plugin_cancel(const struct registered *r, winrmd_ctx *ctx);
/* Closes a cursor of resource r (an enumctx_source close function). */
void plugin_enum_close(const void *r, void *cursor);
/* WINRMD_OP_* bits served by at least one resource. */
unsigned plugin_operations(void);
/* Tells every provider that key changed. */
void plugin_config_changed(const char *key);
/* True if uri is one of the seed's 2005/06 URIs ("wsman:" scheme). */
bool uri_is_legacy(const char *uri);
/* Compares a request URI with a registered one under the rules of flags. */
bool uri_matches(const char *registered, unsigned flags, const char *uri);
/* Writes the settings of every loaded provider as a winrmd.conf(5)-style
 * man page section (roff) to f. */
void plugin_settings_doc(FILE *f);

#endif
