/* identify.c - the DMTF Identify and the seed's "this" resource
 * (wsman:system/2005/06/this), both built from the live configuration. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include <winrmd/provider.h>

#define NS_WSMID WINRMD_IDENTIFY_URI
#define NS_THIS "http://schemas.xmlsoap.org/ws/2005/06/management/this"
#define SECPROFILE "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/"
#define THIS_URI "wsman:system/2005/06/this"

static const winrmd_host *host;
static char identify_version[96], this_version[96];

/* The version strings, from "maj.min.build" of the running kernel (6.1.0
 * from "6.1.0-18-amd64"), made once at load. */
static void read_os_release(void)
{
        struct utsname u;
        unsigned a = 0, b = 0, c = 0;

        if (uname(&u) == 0)
                (void)sscanf(u.release, "%u.%u.%u", &a, &b, &c);
        snprintf(identify_version, sizeof(identify_version), "OS: %u.%u.%u SP: 0.0 Stack: 3.0", a, b, c);
        snprintf(this_version, sizeof(this_version), "OS: %u.%u.%u SP: 0.0 Stack: 1.0", a, b, c);
}

static bool cfg_true(const char *key)
{
        const char *v = host->config_get(key);
        return v && !strcmp(v, "true");
}

static bool word_in(const char *list, const char *word)
{
        size_t n = strlen(word);

        for (const char *p = list; p && *p;) {
                while (*p == ',' || *p == ' ')
                        p++;
                size_t len = strcspn(p, ", ");
                if (len == n && !strncasecmp(p, word, n))
                        return true;
                p += len;
        }
        return false;
}

/* Basic is accepted on plain HTTP only when unencrypted Basic is allowed. */
static bool http_basic(void)
{
        return cfg_true("service.auth.basic") && cfg_true("service.allow_unencrypted") &&
               word_in(host->config_get("service.plain_schemes"), "basic");
}

static winrmd_status identify_get(winrmd_ctx *ctx)
{
        bool anon = host->is_anonymous(ctx);
        const char *ver = anon ? "OS: 0.0.0 SP: 0.0 Stack: 3.0" : identify_version;

        host->begin(ctx, NS_WSMID, "wsmid:IdentifyResponse");
        host->text(ctx, "ProtocolVersion", "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd");
        host->text(ctx, "ProductVendor", "winrmd");
        host->text(ctx, "ProductVersion", ver);
        if (!anon) {
                host->begin(ctx, NULL, "wsmid:SecurityProfiles");
                if (strcmp(host->transport(ctx), "https") == 0) {
                        if (cfg_true("service.auth.basic"))
                                host->text(ctx, "SecurityProfileName", SECPROFILE "https/basic");
                        if (cfg_true("service.auth.certificate"))
                                host->text(ctx, "SecurityProfileName", SECPROFILE "https/mutual");
                } else if (http_basic()) {
                        host->text(ctx, "SecurityProfileName", SECPROFILE "http/basic");
                }
                host->end(ctx);
        }
        host->end(ctx);
        return WINRMD_OK;
}

/* Whether an enabled HTTPS listener record exists. */
static bool https_listeners(const winrmd_ctx *ctx)
{
        for (size_t i = 0; i < host->record_count(ctx, "listener"); i++) {
                const char *t = host->record_field(ctx, "listener", i, "transport");
                const char *e = host->record_field(ctx, "listener", i, "enabled");
                if (t && e && !strcmp(t, "HTTPS") && !strcmp(e, "true"))
                        return true;
        }
        return false;
}

static winrmd_status this_get(winrmd_ctx *ctx)
{
        static const struct { unsigned op; const char *action; } acts[] = {
                { WINRMD_OP_GET, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get" },
                { WINRMD_OP_PUT, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put" },
                { WINRMD_OP_CREATE, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create" },
                { WINRMD_OP_DELETE, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete" },
                { WINRMD_OP_ENUMERATE, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate" },
                { WINRMD_OP_ENUMERATE, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull" },
                { WINRMD_OP_ENUMERATE, "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release" },
        };
        unsigned ops = host->operations_served();

        if (host->selector_count(ctx) > 0)
                return host->fault(ctx, WINRMD_E_SELECTORS, "The \"this\" resource takes no selectors.");
        host->begin(ctx, NS_THIS, "t:This");
        host->text(ctx, "Vendor", "winrmd");
        host->text(ctx, "Version", this_version);
        host->begin(ctx, NULL, "t:Access");
        host->text(ctx, "Compliance", "http://schemas.xmlsoap.org/ws/2005/06/management");
        for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
                if (ops & acts[i].op)
                        host->text(ctx, "Action", acts[i].action);
        host->end(ctx);
        host->begin(ctx, NULL, "t:Transports");
        /* HTTPS (RFC 2818, as the seed shows it) when an HTTPS listener is
         * enabled; plain HTTP (RFC 2616) with the schemes it accepts
         * without message encryption */
        if (https_listeners(ctx)) {
                host->begin(ctx, NULL, "t:Transport");
                host->attr(ctx, "Name", "http://www.ietf.org/rfc/rfc2818.txt");
                if (cfg_true("service.auth.basic"))
                        host->text(ctx, "Auth", "wsman:auth/basic");
                if (cfg_true("service.auth.certificate"))
                        host->text(ctx, "Auth", "wsman:auth/https-mutual");
                host->end(ctx);
        }
        host->begin(ctx, NULL, "t:Transport");
        host->attr(ctx, "Name", "http://www.ietf.org/rfc/rfc2616.txt");
        if (http_basic())
                host->text(ctx, "Auth", "wsman:auth/basic");
        host->end(ctx);
        host->end(ctx);
        host->end(ctx);
        return WINRMD_OK;
}

static const winrmd_resource resources[] = {
        { .uri = WINRMD_IDENTIFY_URI, .get = identify_get },
        { .uri = THIS_URI, .get = this_get },
        { .uri = NULL }
};

static int identify_load(const winrmd_host *h, void **ret_state, char *reason, size_t reason_len)
{
        (void)reason;
        (void)reason_len;
        host = h;
        read_os_release();
        *ret_state = NULL;
        return 0;
}

/* The provider's entry: two read-only resources, no state. */
__attribute__((visibility("default")))
const winrmd_provider winrmd_provider_v1 = {
        WINRMD_PROVIDER_INIT,
        .name = "identify",
        .version = WINRMD_VERSION,
        .resources = resources,
        .load = identify_load,
};
