/* plugin_cfg.c - the plugin configuration, winrm/config/plugin: every
 * loaded provider as WinRM shows its plugins (PlugInConfiguration, selector
 * Name), with its file and version, its settings as InitializationParameters
 * and its resources with their security descriptors.  A Put of the document
 * changes the settings (Param Value) and the descriptors (Security Sddl);
 * the rest is read-only. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <winrmd/provider.h>

#include "plugin_cfg.h"

#define NS_PLUGIN "http://schemas.microsoft.com/wbem/wsman/1/config/PluginConfiguration"

static const winrmd_host *host;

/* Entry i of an array of elem-byte structures. */
static const void *entry(const void *base, uint32_t elem, size_t i)
{
        return (const char *)base + i * elem;
}

static const winrmd_resource *resource_at(const winrmd_provider *p, size_t i)
{
        const winrmd_resource *r = entry(p->resources, p->resource_size, i);
        return r->uri ? r : NULL;
}

static const winrmd_setting *setting_at(const winrmd_provider *p, size_t i)
{
        const winrmd_setting *s;

        if (!p->settings)
                return NULL;
        s = entry(p->settings, p->setting_size, i);
        return s->name ? s : NULL;
}

static const winrmd_provider *find(const char *name, const char **file)
{
        const winrmd_provider *p;

        for (size_t i = 0; (p = host->provider_at(i, file)); i++)
                if (name && !strcmp(p->name, name))
                        return p;
        return NULL;
}

static void capability(winrmd_ctx *ctx, const char *type)
{
        host->begin(ctx, NULL, "Capability");
        host->attr(ctx, "Type", type);
        host->end(ctx);
}

static void render_resource(winrmd_ctx *ctx, const winrmd_resource *r)
{
        const char *sddl = host->resource_sddl(ctx, r->uri);
        const char *exact = (r->flags & WINRMD_URI_CASELESS) ? "false" : "true";

        host->begin(ctx, NULL, "Resource");
        host->attr(ctx, "ResourceUri", r->uri);
        host->attr(ctx, "SupportsOptions", "true");
        host->attr(ctx, "ExactMatch", exact);
        if (sddl) {
                host->begin(ctx, NULL, "Security");
                host->attr(ctx, "Uri", r->uri);
                host->attr(ctx, "ExactMatch", exact);
                host->attr(ctx, "Sddl", sddl);
                host->end(ctx);
        }
        if (r->get)
                capability(ctx, "Get");
        if (r->put)
                capability(ctx, "Put");
        if (r->create)
                capability(ctx, "Create");
        if (r->remove)
                capability(ctx, "Delete");
        if (r->enumerate || r->enum_open)
                capability(ctx, "Enumerate");
        if (r->invoke)
                capability(ctx, "Invoke");
        host->end(ctx);
}

static void render(winrmd_ctx *ctx, const winrmd_provider *p, const char *file)
{
        const winrmd_setting *s;
        const winrmd_resource *r;
        char key[160];

        host->begin(ctx, NS_PLUGIN, "PlugInConfiguration");
        host->attr(ctx, "Name", p->name);
        host->attr(ctx, "Filename", file);
        host->attr(ctx, "SDKVersion", "1");
        host->attr(ctx, "Version", p->version ? p->version : "");
        host->attr(ctx, "XmlRenderingType", "text");
        host->attr(ctx, "Enabled", "true");
        host->attr(ctx, "UseSharedProcess", "false");
        host->attr(ctx, "AutoRestart", "false");
        host->attr(ctx, "ProcessIdleTimeoutSec", "0");
        host->attr(ctx, "OutputBufferingMode", "Block");
        host->attr(ctx, "xml:lang", "en-US");
        host->begin(ctx, NULL, "InitializationParameters");
        for (size_t i = 0; (s = setting_at(p, i)); i++) {
                snprintf(key, sizeof(key), "plugin.%s.%s", p->name, s->name);
                host->begin(ctx, NULL, "Param");
                host->attr(ctx, "Name", s->name);
                host->attr(ctx, "Value", host->config_value(ctx, key) ? host->config_value(ctx, key) : "");
                host->end(ctx);
        }
        host->end(ctx);
        host->begin(ctx, NULL, "Resources");
        for (size_t i = 0; (r = resource_at(p, i)); i++)
                render_resource(ctx, r);
        host->end(ctx);
        host->end(ctx);
}

static winrmd_status named(winrmd_ctx *ctx, const winrmd_provider **p, const char **file)
{
        const char *name = host->selector(ctx, "Name");

        if (!name || host->selector_count(ctx) != 1)
                return host->fault(ctx, WINRMD_E_SELECTORS, "The plugin configuration takes the Name selector.");
        *p = find(name, file);
        return *p ? WINRMD_OK : host->fault(ctx, WINRMD_E_NOT_FOUND, "No provider of that name is loaded.");
}

winrmd_status plugin_cfg_get(winrmd_ctx *ctx)
{
        const winrmd_provider *p;
        const char *file;
        winrmd_status st = named(ctx, &p, &file);

        if (st == WINRMD_OK)
                render(ctx, p, file);
        return st;
}

winrmd_status plugin_cfg_enumerate(winrmd_ctx *ctx)
{
        const winrmd_provider *p;
        const char *file;

        for (size_t i = 0; (p = host->provider_at(i, &file)); i++) {
                render(ctx, p, file);
                /* named as Get takes it: EnumerateEPR, SelectorFilter */
                if (WINRMD_HOST_HAS(host, item_selector))
                        host->item_selector(ctx, "Name", p->name);
        }
        return WINRMD_OK;
}

/* A fault whose message is lead, then what (a name or URI), then tail. */
static winrmd_status bad(winrmd_ctx *ctx, winrmd_status st, const char *lead, const char *what, const char *tail)
{
        char msg[512];

        snprintf(msg, sizeof(msg), "%s%.300s%s", lead, what, tail);
        return host->fault(ctx, st, msg);
}

static const winrmd_node *child(const winrmd_node *n, const char *name)
{
        for (const winrmd_node *c = host->node_child(n); c; c = host->node_next(c))
                if (!strcmp(host->node_name(c), name) && !strcmp(host->node_ns(c), NS_PLUGIN))
                        return c;
        return NULL;
}

/* Param Name="S" Value="V": stages plugin.P.S = V. */
static winrmd_status put_params(winrmd_ctx *ctx, const winrmd_provider *p, const winrmd_node *params)
{
        char key[160];

        for (const winrmd_node *c = host->node_child(params); c; c = host->node_next(c)) {
                const char *name = host->node_attr(ctx, c, "Name"), *value = host->node_attr(ctx, c, "Value");
                int r;
                if (strcmp(host->node_name(c), "Param") || !name || !value)
                        return bad(ctx, WINRMD_E_SCHEMA, "A Param needs the attributes Name and Value.", "", "");
                snprintf(key, sizeof(key), "plugin.%s.%s", p->name, name);
                r = host->config_set(ctx, key, value);
                if (r == -ENOENT)
                        return bad(ctx, WINRMD_E_INVALID_VALUE, "The provider has no setting ", name, ".");
                if (r < 0)
                        return bad(ctx, WINRMD_E_INVALID_VALUE, "The value of ", name, " is not valid.");
        }
        return WINRMD_OK;
}

/* The "security" record of uri: its index, or the count when there is none. */
static size_t security_index(winrmd_ctx *ctx, const char *uri)
{
        size_t n = host->record_count(ctx, "security");

        for (size_t i = 0; i < n; i++) {
                const char *u = host->record_field(ctx, "security", i, "uri");
                if (u && !strcmp(u, uri))
                        return i;
        }
        return n;
}

/* Resource ResourceUri="U" with Security Sddl="S": stages S for U; a
 * resource without Security goes back to its provider's descriptor. */
static winrmd_status put_resources(winrmd_ctx *ctx, const winrmd_provider *p, const winrmd_node *res)
{
        static const char *const names[] = { "uri", "sddl" };

        for (const winrmd_node *c = host->node_child(res); c; c = host->node_next(c)) {
                const char *uri = host->node_attr(ctx, c, "ResourceUri");
                const winrmd_node *sec = child(c, "Security");
                const char *sddl = sec ? host->node_attr(ctx, sec, "Sddl") : NULL;
                bool ours = false;
                size_t at;
                int r;

                if (strcmp(host->node_name(c), "Resource") || !uri)
                        return bad(ctx, WINRMD_E_SCHEMA, "A Resource needs the attribute ResourceUri.", "", "");
                for (size_t i = 0; resource_at(p, i); i++)
                        ours |= !strcmp(resource_at(p, i)->uri, uri);
                if (!ours)
                        return bad(ctx, WINRMD_E_INVALID_VALUE, "The provider does not serve ", uri, ".");
                at = security_index(ctx, uri);
                /* the descriptor Get shows (the provider's own, when none
                 * is stored): sent back, it changes nothing */
                if (sddl && host->resource_sddl(ctx, uri) && !strcmp(sddl, host->resource_sddl(ctx, uri)))
                        continue;
                if (sddl) {
                        const char *values[] = { uri, sddl };
                        r = host->record_put(ctx, "security", at, names, values, 2);
                } else {
                        r = at < host->record_count(ctx, "security") ? host->record_remove(ctx, "security", at) : 0;
                }
                if (r < 0)
                        return bad(ctx, WINRMD_E_INVALID_VALUE, "The security descriptor of ", uri, " is not valid.");
        }
        return WINRMD_OK;
}

winrmd_status plugin_cfg_put(winrmd_ctx *ctx)
{
        const winrmd_node *root = host->body(ctx), *params, *res;
        const winrmd_provider *p;
        const char *file;
        winrmd_status st = named(ctx, &p, &file);

        if (st != WINRMD_OK)
                return st;
        if (!root || strcmp(host->node_name(root), "PlugInConfiguration") || strcmp(host->node_ns(root), NS_PLUGIN))
                return host->fault(ctx, WINRMD_E_SCHEMA, "The Put needs a PlugInConfiguration document.");
        if (host->node_attr(ctx, root, "Name") && strcmp(host->node_attr(ctx, root, "Name"), p->name))
                return host->fault(ctx, WINRMD_E_INVALID_VALUE, "A provider cannot be renamed.");
        params = child(root, "InitializationParameters");
        res = child(root, "Resources");
        if (params && (st = put_params(ctx, p, params)) != WINRMD_OK)
                return st;
        if (res && (st = put_resources(ctx, p, res)) != WINRMD_OK)
                return st;
        render(ctx, p, file);
        return WINRMD_OK;
}

void plugin_cfg_init(const winrmd_host *h)
{
        host = h;
}
