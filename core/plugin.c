/* plugin.c - dlopen() of providers, ABI checks before any provider code
 * runs, their settings declared in the store, and the registry of resource
 * URIs.  The host table is handed in by the caller: this file knows the
 * providers, not what the host lets them do. */
#include "autoconfig.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "plugin.h"
#include "util.h"

#define MAX_PROVIDERS 64
#define MAX_RESOURCES 256

struct loaded_provider {
        const winrmd_provider *p;
        void *handle;
        void *state;
        char file[256];
};

static struct loaded_provider providers[MAX_PROVIDERS];
static size_t n_providers;
static struct registered registry[MAX_RESOURCES];
static size_t n_registry;
static struct loaded_provider *current;

bool uri_is_legacy(const char *uri)
{
        return uri && !strncasecmp(uri, "wsman:", 6);
}

/* Length of "scheme:" plus the authority (up to the first '/' after it). */
static size_t authority_len(const char *u)
{
        const char *colon = strchr(u, ':'), *p;

        if (!colon)
                return 0;
        p = colon + 1;
        while (*p == '/')
                p++;
        p += strcspn(p, "/");
        return (size_t)(p - u);
}

bool uri_matches(const char *reg, unsigned flags, const char *uri)
{
        size_t a = authority_len(reg), b = authority_len(uri);

        if (flags & WINRMD_URI_CASELESS)
                return !ascii_casecmp(reg, uri);
        if (a != b || strncasecmp(reg, uri, a))
                return false;
        return !strcmp(reg + a, uri + b);
}

/* Entry i of an array of structures of elem bytes each (the provider's
 * sizeof, which may differ from ours). */
static const void *entry(const void *base, size_t elem, size_t i)
{
        return (const char *)base + i * elem;
}

/* A copy of entry i of p's resources as this daemon's structure: members
 * the provider's build lacks stay zero. */
static winrmd_resource resource_copy(const winrmd_provider *p, size_t i)
{
        winrmd_resource r = { 0 };
        size_t n = p->resource_size < sizeof(r) ? p->resource_size : sizeof(r);

        memcpy(&r, entry(p->resources, p->resource_size, i), n);
        return r;
}

static winrmd_setting setting_copy(const winrmd_provider *p, size_t i)
{
        winrmd_setting s = { 0 };
        size_t n = p->setting_size < sizeof(s) ? p->setting_size : sizeof(s);

        memcpy(&s, entry(p->settings, p->setting_size, i), n);
        return s;
}

const struct registered *plugin_find(const char *uri)
{
        if (!uri)
                return NULL;
        /* most requests spell the URI as registered */
        for (size_t i = 0; i < n_registry; i++)
                if (!strcmp(registry[i].res.uri, uri))
                        return &registry[i];
        for (size_t i = 0; i < n_registry; i++)
                if (uri_matches(registry[i].res.uri, registry[i].res.flags, uri))
                        return &registry[i];
        return NULL;
}

static bool name_ok(const char *name)
{
        size_t n = strlen(name);

        if (n == 0 || n > 63)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
                        return false;
        return true;
}

static bool setting_name_ok(const char *name)
{
        size_t n = name ? strlen(name) : 0;

        if (n == 0 || n > 63 || !isalpha((unsigned char)name[0]))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char)name[i]))
                        return false;
        return true;
}

static enum plugin_check bad(enum plugin_check c, char *why, size_t len, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static enum plugin_check bad(enum plugin_check c, char *why, size_t len, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
        return c;
}

static enum plugin_check check_resource(const winrmd_provider *p, size_t i, char *why, size_t len)
{
        winrmd_resource r = resource_copy(p, i);
        const struct registered *have = plugin_find(r.uri);
        bool streams = r.enum_open || r.enum_next || r.enum_close;

        if (!*r.uri || !(r.get || r.put || r.create || r.remove || r.enumerate || r.invoke || streams))
                return bad(PLUGIN_BAD_RESOURCE, why, len, "resource %zu has no URI or no operation", i);
        if (streams && (!r.enum_open || !r.enum_next || !r.enum_close || r.enumerate))
                return bad(PLUGIN_BAD_RESOURCE, why, len,
                           "resource %s: enum_open, enum_next and enum_close go together, without enumerate", r.uri);
        if (have)
                return bad(PLUGIN_DUP_URI, why, len, "resource URI %s is already served by provider %s", r.uri,
                           have->prov->p->name);
        for (size_t k = 0; k < i; k++) {
                winrmd_resource q = resource_copy(p, k);
                if (uri_matches(q.uri, q.flags, r.uri))
                        return bad(PLUGIN_DUP_URI, why, len, "resource URI %s is listed twice", r.uri);
        }
        return PLUGIN_OK;
}

static enum plugin_check check_settings(const winrmd_provider *p, char *why, size_t len)
{
        if (!p->settings)
                return PLUGIN_OK;
        for (size_t i = 0; setting_copy(p, i).name; i++) {
                winrmd_setting s = setting_copy(p, i);
                if (i >= 64 || !setting_name_ok(s.name) || s.type < WINRMD_SETTING_INT ||
                    s.type > WINRMD_SETTING_STRING || !s.default_value)
                        return bad(PLUGIN_BAD_SETTING, why, len, "setting %zu (%.63s) has a bad name, type or default",
                                   i, s.name ? s.name : "");
                for (size_t k = 0; k < i; k++)
                        if (!strcmp(setting_copy(p, k).name, s.name))
                                return bad(PLUGIN_BAD_SETTING, why, len, "setting %s is declared twice", s.name);
        }
        return PLUGIN_OK;
}

enum plugin_check plugin_check(const winrmd_provider *p, char *why, size_t len)
{
        size_t count = 0;
        enum plugin_check c;

        if (!p)
                return bad(PLUGIN_NO_SYMBOL, why, len, "no %s symbol", WINRMD_PROVIDER_SYMBOL);
        if (p->abi_major != WINRMD_ABI_MAJOR)
                return bad(PLUGIN_ABI_MISMATCH, why, len, "built for provider ABI %u, this winrmd has ABI %u",
                           (unsigned)p->abi_major, (unsigned)WINRMD_ABI_MAJOR);
        if (p->size < sizeof(winrmd_provider) || p->resource_size < sizeof(winrmd_resource) ||
            p->setting_size < sizeof(winrmd_setting))
                return bad(PLUGIN_TOO_SMALL, why, len,
                           "its structures are smaller than those of ABI %u (start it with WINRMD_PROVIDER_INIT)",
                           (unsigned)WINRMD_ABI_MAJOR);
        if (!p->name || !name_ok(p->name) || !p->resources || !resource_copy(p, 0).uri || !p->load)
                return bad(PLUGIN_NO_NAME, why, len, "no name (letters, digits, - and _), resource or load()");
        for (size_t i = 0; i < n_providers; i++)
                if (!strcmp(providers[i].p->name, p->name))
                        return bad(PLUGIN_DUP_NAME, why, len, "a provider named %s is already loaded (from %s)",
                                   p->name, providers[i].file[0] ? providers[i].file : "the daemon");
        for (; resource_copy(p, count).uri; count++) {
                c = check_resource(p, count, why, len);
                if (c != PLUGIN_OK)
                        return c;
        }
        c = check_settings(p, why, len);
        if (c != PLUGIN_OK)
                return c;
        if (n_registry + count > MAX_RESOURCES || n_providers >= MAX_PROVIDERS)
                return bad(PLUGIN_TOO_MANY, why, len, "more than %d providers or %d resources", MAX_PROVIDERS,
                           MAX_RESOURCES);
        return PLUGIN_OK;
}

/* The store's key of one of p's settings. */
static void setting_key(const winrmd_provider *p, const char *name, char *buf, size_t len)
{
        snprintf(buf, len, "plugin.%s.%s", p->name, name);
}

/* Declares p's settings in the store, checking the values it holds. */
static int declare_settings(const winrmd_provider *p, char *why, size_t len)
{
        static const int types[] = { 0, 0, 1, 2 };   /* WINRMD_SETTING_* -> the store's */
        char key[160];

        if (!p->settings)
                return 0;
        for (size_t i = 0; setting_copy(p, i).name; i++) {
                winrmd_setting s = setting_copy(p, i);
                int r;
                setting_key(p, s.name, key, sizeof(key));
                r = config_declare(key, types[s.type], s.default_value, (long)s.min, (long)s.max, s.check,
                                   why, len);
                if (r < 0)
                        return r;
        }
        return 0;
}

struct loaded_provider *plugin_enter(struct loaded_provider *p)
{
        struct loaded_provider *before = current;

        current = p;
        return before;
}

struct loaded_provider *plugin_current(void)
{
        return current;
}

const char *plugin_current_name(void)
{
        return current ? current->p->name : "";
}

int plugin_register(const winrmd_provider *p, void *handle, const char *file, const winrmd_host *host)
{
        struct loaded_provider *lp, *before;
        char why[512] = "", reason[256] = "";
        void *state = NULL;
        int r;

        if (plugin_check(p, why, sizeof(why)) != PLUGIN_OK) {
                log_err("provider %s refused: %s", file && *file ? file : "(built in)", why);
                return -EINVAL;
        }
        if (declare_settings(p, why, sizeof(why)) < 0) {
                log_err("provider %s refused: %s", p->name, why);
                return -EINVAL;
        }
        lp = &providers[n_providers];
        memset(lp, 0, sizeof(*lp));
        lp->p = p;
        lp->handle = handle;
        snprintf(lp->file, sizeof(lp->file), "%s", file ? file : "");
        before = plugin_enter(lp);
        r = p->load(host, &state, reason, sizeof(reason));
        plugin_enter(before);
        if (r != 0) {
                log_err("provider %s refused: its load() failed%s%s", p->name, reason[0] ? ": " : "",
                        reason[0] ? reason : "");
                return -ECANCELED;
        }
        lp->state = state;
        n_providers++;
        for (size_t i = 0; resource_copy(p, i).uri; i++) {
                registry[n_registry].res = resource_copy(p, i);
                registry[n_registry].prov = lp;
                n_registry++;
        }
        return 0;
}

/* Refuses files that anyone but their root owner could have changed. */
static int file_is_safe(const char *path)
{
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        if (st.st_mode & (S_IWGRP | S_IWOTH))
                return -EPERM;
        if (st.st_uid != 0 && st.st_uid != geteuid())
                return -EPERM;
        return 0;
}

int plugin_load_file(const char *path, const winrmd_host *host)
{
        const winrmd_provider *p;
        char why[512];
        void *h;
        int r;

        r = file_is_safe(path);
        if (r < 0) {
                log_err("provider %s refused: %s (must be a regular file owned by root, not group/world-writable)",
                        path, strerror(-r));
                return r;
        }
        h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
                log_err("provider %s refused: %s (run ldd on it)", path, dlerror());
                return -ENOEXEC;
        }
        p = dlsym(h, WINRMD_PROVIDER_SYMBOL);
        if (plugin_check(p, why, sizeof(why)) != PLUGIN_OK) {
                log_err("provider %s refused: %s", path, why);
                dlclose(h);
                return -EINVAL;
        }
        r = plugin_register(p, h, path, host);
        if (r < 0) {
                dlclose(h);
                return r;
        }
        log_info("provider %s loaded from %s (version %s)", p->name, path, p->version ? p->version : "none");
        return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_so(const struct dirent *d)
{
        size_t n = strlen(d->d_name);
        return n > 3 && !strcmp(d->d_name + n - 3, ".so") && d->d_name[0] != '.';
}

int plugin_load_dir(const char *dir, const winrmd_host *host)
{
        struct dirent **list;
        int n, loaded = 0;
        char path[4096];

        n = scandir(dir, &list, is_so, by_name);
        if (n < 0) {
                log_err("plugin directory %s: %s", dir, strerror(errno));
                return 0;
        }
        for (int i = 0; i < n; i++) {
                snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
                if (plugin_load_file(path, host) == 0)
                        loaded++;
                free(list[i]);
        }
        free(list);
        return loaded;
}

void plugin_unload_all(void)
{
        while (n_providers > 0) {
                struct loaded_provider *lp = &providers[--n_providers];
                struct loaded_provider *before = plugin_enter(lp);
                if (lp->p->unload)
                        lp->p->unload(lp->state);
                plugin_enter(before);
                if (lp->handle)
                        dlclose(lp->handle);
        }
        n_registry = 0;
}

const winrmd_provider *plugin_at(size_t i, const char **file)
{
        if (i >= n_providers)
                return NULL;
        if (file)
                *file = providers[i].file;
        return providers[i].p;
}

const char *plugin_name(const struct registered *r)
{
        return r->prov->p->name;
}

void *plugin_state(const struct registered *r)
{
        return r->prov->state;
}

void plugin_cancel(const struct registered *r, winrmd_ctx *ctx)
{
        struct loaded_provider *before;

        if (!r->prov->p->cancel)
                return;
        before = plugin_enter(r->prov);
        r->prov->p->cancel(r->prov->state, ctx);
        plugin_enter(before);
}

void plugin_enum_close(const void *res, void *cursor)
{
        const struct registered *r = res;
        struct loaded_provider *before = plugin_enter(r->prov);

        r->res.enum_close(r->prov->state, cursor);
        plugin_enter(before);
}

unsigned plugin_operations(void)
{
        unsigned ops = 0;

        for (size_t i = 0; i < n_registry; i++) {
                const winrmd_resource *r = &registry[i].res;
                ops |= (r->get ? WINRMD_OP_GET : 0) | (r->put ? WINRMD_OP_PUT : 0) |
                       (r->create ? WINRMD_OP_CREATE : 0) | (r->remove ? WINRMD_OP_DELETE : 0) |
                       (r->enumerate || r->enum_open ? WINRMD_OP_ENUMERATE : 0) |
                       (r->invoke ? WINRMD_OP_INVOKE : 0);
        }
        return ops;
}

void plugin_config_changed(const char *key)
{
        for (size_t i = 0; i < n_providers; i++) {
                struct loaded_provider *before;
                if (!providers[i].p->config_changed)
                        continue;
                before = plugin_enter(&providers[i]);
                providers[i].p->config_changed(providers[i].state, key);
                plugin_enter(before);
        }
}

/* Escapes text for a roff line. */
static void roff(FILE *f, const char *s)
{
        for (; *s; s++) {
                if (*s == '\\')
                        fputs("\\e", f);
                else if (*s == '-')
                        fputs("\\-", f);
                else
                        fputc(*s, f);
        }
}

void plugin_settings_doc(FILE *f)
{
        static const char *types[] = { "", "integer", "boolean", "string" };
        char key[160];

        fputs(".SH PROVIDER SETTINGS\n"
              "Settings the loaded providers declare, kept in the store as\n"
              ".BI plugin. provider . setting\n"
              "and shown in the plugin configuration\n"
              ".RB ( winrm/config/plugin ).\n", f);
        for (size_t i = 0; i < n_providers; i++) {
                const winrmd_provider *p = providers[i].p;
                fputs(".SS ", f);
                roff(f, p->name);
                fputs("\n", f);
                if (!p->settings || !setting_copy(p, 0).name) {
                        fputs("No settings.\n", f);
                        continue;
                }
                for (size_t k = 0; setting_copy(p, k).name; k++) {
                        winrmd_setting s = setting_copy(p, k);
                        setting_key(p, s.name, key, sizeof(key));
                        fputs(".TP\n.BR ", f);
                        roff(f, key);
                        fprintf(f, " \" (%s, default ", types[s.type]);
                        roff(f, s.default_value);
                        if (s.type == WINRMD_SETTING_INT)
                                fprintf(f, "; %lld to %lld", (long long)s.min, (long long)s.max);
                        fputs(")\"\n", f);
                        roff(f, s.description ? s.description : "");
                        fputs("\n", f);
                }
        }
}
