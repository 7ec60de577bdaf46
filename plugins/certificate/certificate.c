/* certificate.c - the seed's Certificate helper: Invoke Retrieve with a
 * Hostname answers the thumbprint of the first certificate of the store
 * (file-name order) that may serve TLS for that host, so that a script can
 * create an HTTPS listener without knowing the thumbprint.
 *
 *   wsman:microsoft.com/wsman/2005/06/config/Certificate   (the seed's;
 *       its host part compares without case: wsman:Microsoft.com/... too)
 *   http://schemas.microsoft.com/wbem/wsman/1/config/certificate
 *   winrm/config/certificate                               (no case)
 *
 * A certificate matches when its subject CN is the Hostname without case,
 * a short (NetBIOS-style) name matching the first label of a qualified one
 * either way, and the store says it may serve TLS now (valid now, Enhanced
 * Key Usage serverAuth or none, a key usage that allows it): an expired
 * certificate is skipped.  None: 32898 "The requested certificate was not
 * found.".  Local and remote callers alike (RootSDDL decides). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <winrmd/provider.h>

#include "certmapping.h"

#define LEGACY_URI "wsman:microsoft.com/wsman/2005/06/config/Certificate"
#define LEGACY_NS "wsman:microsoft.com/wsman/2005/06/config/certificate.xsd"
#define CURRENT_URI "http://schemas.microsoft.com/wbem/wsman/1/config/certificate"

#define MSG_UNKNOWN "Input xml contained an unrecognized xml element \"%s\".  " \
                    "Double check the spelling and case of the element name."

static const winrmd_host *host;

static bool first_label_equal(const char *a, const char *b)
{
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");

        return la == lb && la > 0 && !strncasecmp(a, b, la);
}

/* name (short or qualified) against a CN, without case. */
static bool cn_matches(const char *cn, const char *name)
{
        if (!cn || !*cn || !*name)
                return false;
        if (!strcasecmp(cn, name))
                return true;
        if (!strchr(name, '.') || !strchr(cn, '.'))
                return first_label_equal(cn, name);
        return false;
}

static winrmd_status unknown(winrmd_ctx *ctx, const char *name)
{
        char msg[512];

        snprintf(msg, sizeof(msg), MSG_UNKNOWN, name);
        return host->fault(ctx, WINRMD_E_SCHEMA, msg);
}

/* The Hostname of Retrieve_INPUT in namespace ns, or NULL with a fault in *st. */
static const char *read_input(winrmd_ctx *ctx, const char *ns, winrmd_status *st)
{
        const winrmd_node *root = host->body(ctx), *e;
        const char *hostname = NULL;

        *st = WINRMD_OK;
        if (!root || strcmp(host->node_name(root), "Retrieve_INPUT") || strcmp(host->node_ns(root), ns)) {
                *st = root ? unknown(ctx, host->node_name(root))
                           : host->fault(ctx, WINRMD_E_SCHEMA, "Retrieve needs a Retrieve_INPUT with a Hostname.");
                return NULL;
        }
        if (host->node_next(root)) {
                *st = unknown(ctx, host->node_name(host->node_next(root)));
                return NULL;
        }
        for (e = host->node_child(root); e; e = host->node_next(e)) {
                if (strcmp(host->node_name(e), "Hostname") || strcmp(host->node_ns(e), ns) || hostname ||
                    host->node_child(e)) {
                        *st = unknown(ctx, host->node_name(e));
                        return NULL;
                }
                hostname = host->node_text(ctx, e);
                if (!hostname) {
                        *st = host->fault(ctx, WINRMD_E_INTERNAL, NULL);
                        return NULL;
                }
        }
        if (!hostname || !*hostname || strlen(hostname) > 255) {
                *st = host->fault(ctx, WINRMD_E_INVALID_VALUE, "Retrieve needs a Hostname (a host name of 1 to 255 characters).");
                return NULL;
        }
        return hostname;
}

static winrmd_status retrieve(winrmd_ctx *ctx, const char *method)
{
        bool legacy = !strncasecmp(host->resource_uri(ctx), "wsman:", 6);
        const char *ns = legacy ? LEGACY_NS : CURRENT_URI;
        winrmd_status st;
        const char *hostname;

        if (strcmp(method, "Retrieve"))
                return host->fault(ctx, WINRMD_E_UNSUPPORTED, NULL);
        hostname = read_input(ctx, ns, &st);
        if (!hostname)
                return st;
        for (size_t i = 0; i < host->certificate_count(ctx); i++) {
                const char *server = host->certificate_field(ctx, i, "server");
                if (!server || strcmp(server, "true") ||
                    !cn_matches(host->certificate_field(ctx, i, "subject_cn"), hostname))
                        continue;
                host->begin(ctx, ns, "cfg:Retrieve_OUTPUT");
                host->text(ctx, "CertificateThumbprint", host->certificate_field(ctx, i, "thumbprint"));
                host->end(ctx);
                return WINRMD_OK;
        }
        return host->fault(ctx, WINRMD_E_CERT_NOT_FOUND, NULL);
}

static const winrmd_resource resources[] = {
        { .uri = LEGACY_URI, .invoke = retrieve },
        { .uri = CURRENT_URI, .flags = WINRMD_URI_CASELESS, .invoke = retrieve },
        { .uri = "winrm/config/certificate", .flags = WINRMD_URI_CASELESS, .invoke = retrieve },
        CERTMAPPING_RESOURCES,
        { .uri = NULL }
};

static int c_load(const winrmd_host *h, void **ret_state, char *reason, size_t reason_len)
{
        if (!WINRMD_HOST_HAS(h, certificate_field)) {
                snprintf(reason, reason_len, "this winrmd has no certificate store in its host table");
                return -1;
        }
        host = h;
        certmapping_init(h);
        *ret_state = NULL;
        return 0;
}

/* The provider's entry: Retrieve and the certificate mappings. */
__attribute__((visibility("default")))
const winrmd_provider winrmd_provider_v1 = {
        WINRMD_PROVIDER_INIT,
        .name = "certificate",
        .version = WINRMD_VERSION,
        .resources = resources,
        .load = c_load,
};
