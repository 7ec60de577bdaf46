/* plugin.c - dlopen() of providers, ABI checks before any provider code
 * runs, and the registry of resource URIs. */
#include "autoconfig.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "plugin.h"
#include "util.h"

#define MAX_PROVIDERS 64
#define MAX_RESOURCES 256

struct loaded_provider {
        const winrmd_provider *p;
        void *handle;
        void *state;
};

static struct loaded_provider providers[MAX_PROVIDERS];
static size_t n_providers;
static struct registered registry[MAX_RESOURCES];
static size_t n_registry;

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

const char *plugin_check_str(enum plugin_check c)
{
        switch (c) {
        case PLUGIN_OK: return "ok";
        case PLUGIN_NO_SYMBOL: return "no " WINRMD_PROVIDER_SYMBOL " symbol";
        case PLUGIN_ABI_MISMATCH: return "built for another provider ABI";
        case PLUGIN_TOO_SMALL: return "provider struct smaller than ABI 1";
        case PLUGIN_NO_NAME: return "provider has no name or no resources";
        case PLUGIN_DUP_NAME: return "a provider with that name is already loaded";
        case PLUGIN_DUP_URI: return "a resource URI is already served by another provider";
        case PLUGIN_BAD_RESOURCE: return "a resource has no URI or no operation";
        }
        return "?";
}

const struct registered *plugin_find(const char *uri)
{
        if (!uri)
                return NULL;
        /* most requests spell the URI as registered */
        for (size_t i = 0; i < n_registry; i++)
                if (!strcmp(registry[i].res->uri, uri))
                        return &registry[i];
        for (size_t i = 0; i < n_registry; i++)
                if (uri_matches(registry[i].res->uri, registry[i].res->flags, uri))
                        return &registry[i];
        return NULL;
}

enum plugin_check plugin_check(const winrmd_provider *p)
{
        size_t count = 0;

        if (!p)
                return PLUGIN_NO_SYMBOL;
        if (p->abi_major != WINRMD_ABI_MAJOR)
                return PLUGIN_ABI_MISMATCH;
        if (p->size < offsetof(winrmd_provider, cancel) + sizeof(p->cancel))
                return PLUGIN_TOO_SMALL;
        if (!p->name || !*p->name || !p->resources || !p->resources[0].uri)
                return PLUGIN_NO_NAME;
        for (size_t i = 0; i < n_providers; i++)
                if (!strcmp(providers[i].p->name, p->name))
                        return PLUGIN_DUP_NAME;
        for (const winrmd_resource *r = p->resources; r->uri; r++, count++) {
                if (!*r->uri || !(r->get || r->put || r->create || r->remove || r->enumerate || r->invoke))
                        return PLUGIN_BAD_RESOURCE;
                if (plugin_find(r->uri))
                        return PLUGIN_DUP_URI;
                for (const winrmd_resource *q = p->resources; q < r; q++)
                        if (uri_matches(q->uri, q->flags, r->uri))
                                return PLUGIN_DUP_URI;
        }
        if (n_registry + count > MAX_RESOURCES || n_providers >= MAX_PROVIDERS)
                return PLUGIN_BAD_RESOURCE;
        return PLUGIN_OK;
}

int plugin_register(const winrmd_provider *p, void *handle)
{
        enum plugin_check c = plugin_check(p);
        struct loaded_provider *lp;
        void *state = NULL;

        if (c != PLUGIN_OK)
                return -EINVAL;
        if (p->load && p->load(host_table(), &state) != 0)
                return -ECANCELED;
        lp = &providers[n_providers++];
        lp->p = p;
        lp->handle = handle;
        lp->state = state;
        for (const winrmd_resource *r = p->resources; r->uri; r++) {
                registry[n_registry].res = r;
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

int plugin_load_file(const char *path)
{
        const winrmd_provider *p;
        enum plugin_check c;
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
        c = plugin_check(p);
        if (c != PLUGIN_OK) {
                log_err("provider %s refused: %s", path, plugin_check_str(c));
                dlclose(h);
                return -EINVAL;
        }
        r = plugin_register(p, h);
        if (r < 0) {
                log_err("provider %s refused: its load() failed", path);
                dlclose(h);
                return r;
        }
        log_info("provider %s loaded from %s", p->name, path);
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

int plugin_load_dir(const char *dir)
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
                if (plugin_load_file(path) == 0)
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
                if (lp->p->unload)
                        lp->p->unload(lp->state);
                if (lp->handle)
                        dlclose(lp->handle);
        }
        n_registry = 0;
}

void plugin_cancel(const struct registered *r, winrmd_ctx *ctx)
{
        if (r->prov->p->cancel)
                r->prov->p->cancel(r->prov->state, ctx);
}

void *plugin_state(const struct registered *r)
{
        return r->prov->state;
}

unsigned plugin_operations(void)
{
        unsigned ops = 0;

        for (size_t i = 0; i < n_registry; i++) {
                const winrmd_resource *r = registry[i].res;
                ops |= (r->get ? WINRMD_OP_GET : 0) | (r->put ? WINRMD_OP_PUT : 0) |
                       (r->create ? WINRMD_OP_CREATE : 0) | (r->remove ? WINRMD_OP_DELETE : 0) |
                       (r->enumerate ? WINRMD_OP_ENUMERATE : 0) | (r->invoke ? WINRMD_OP_INVOKE : 0);
        }
        return ops;
}

void plugin_config_changed(const char *key)
{
        for (size_t i = 0; i < n_providers; i++)
                if (providers[i].p->config_changed)
                        providers[i].p->config_changed(providers[i].state, key);
}
