/* schema.c - element trees of the seed's 2005/06 config and of today's
 * config, client, service, auth and winrs resources. */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "schema.h"

#define LEAF(n, k) { n, CFG_LEAF, k, NULL, NULL }
#define GROUP(n, c) { n, CFG_GROUP, NULL, NULL, c }
#define END { NULL, CFG_GROUP, NULL, NULL, NULL }

/* --- the seed's wsman:microsoft.com/wsman/2005/06/config --- */
static const struct cfg_node legacy_client_unenc[] = {
        { "Basic", CFG_UNENCRYPTED, "basic", "client", NULL },
        { "Digest", CFG_UNENCRYPTED, "digest", "client", NULL },
        { "Negotiate", CFG_UNENCRYPTED, "negotiate", "client", NULL },
        END
};
static const struct cfg_node legacy_client_http[] = {
        LEAF("Port", "client.port.http"), GROUP("Unencrypted", legacy_client_unenc), END
};
static const struct cfg_node legacy_client_https[] = {
        LEAF("Port", "client.port.https"), LEAF("Basic", "client.auth.basic"),
        LEAF("Digest", "client.auth.digest"),
        { "Negotiate", CFG_NEGOTIATE, NULL, "client", NULL },
        LEAF("Mutual", "client.auth.certificate"), END
};
static const struct cfg_node legacy_client[] = {
        LEAF("NetworkDelayms", "client.network_delay_ms"), LEAF("URLPrefix", "client.url_prefix"),
        GROUP("HTTP", legacy_client_http), GROUP("HTTPS", legacy_client_https), END
};
static const struct cfg_node legacy_service_unenc[] = {
        { "Basic", CFG_UNENCRYPTED, "basic", "service", NULL },
        { "Negotiate", CFG_UNENCRYPTED, "negotiate", "service", NULL },
        END
};
static const struct cfg_node legacy_service_http[] = {
        GROUP("Unencrypted", legacy_service_unenc), END
};
static const struct cfg_node legacy_service_https[] = {
        LEAF("Basic", "service.auth.basic"),
        { "Negotiate", CFG_NEGOTIATE, NULL, "service", NULL },
        LEAF("Mutual", "service.auth.certificate"), END
};
static const struct cfg_node legacy_service[] = {
        LEAF("RootSDDL", "service.root_sddl"),
        LEAF("MaxConcurrentOperations", "service.max_concurrent_ops"),
        LEAF("EnumerationTimeoutms", "service.enum_timeout_ms"),
        LEAF("MaxClientCertInfoSize", "service.max_client_cert_info"),
        LEAF("MaxConnections", "service.max_connections"),
        GROUP("HTTP", legacy_service_http), GROUP("HTTPS", legacy_service_https), END
};
static const struct cfg_node legacy_config[] = {
        LEAF("MaxEnvelopeSizekb", "max_envelope_kb"), LEAF("MaxTimeoutms", "max_timeout_ms"),
        LEAF("MaxBatchItems", "max_batch_items"), LEAF("SoapTraceEnabled", "soap_trace"),
        LEAF("MaxProviderRequests", "max_provider_requests"),
        GROUP("Client", legacy_client), GROUP("Service", legacy_service), END
};

/* --- today's http://schemas.microsoft.com/wbem/wsman/1/config tree --- */
static const struct cfg_node client_auth[] = {
        LEAF("Basic", "client.auth.basic"), LEAF("Digest", "client.auth.digest"),
        LEAF("Kerberos", "client.auth.kerberos"), LEAF("Negotiate", "client.auth.negotiate"),
        LEAF("Certificate", "client.auth.certificate"), LEAF("CredSSP", "client.auth.credssp"), END
};
static const struct cfg_node client_ports[] = {
        LEAF("HTTP", "client.port.http"), LEAF("HTTPS", "client.port.https"), END
};
static const struct cfg_node client[] = {
        LEAF("NetworkDelayms", "client.network_delay_ms"), LEAF("URLPrefix", "client.url_prefix"),
        { "AllowUnencrypted", CFG_ALLOW_PLAIN, NULL, "client", NULL },
        GROUP("Auth", client_auth), GROUP("DefaultPorts", client_ports),
        LEAF("TrustedHosts", "client.trusted_hosts"), END
};
static const struct cfg_node service_auth[] = {
        LEAF("Basic", "service.auth.basic"), LEAF("Kerberos", "service.auth.kerberos"),
        LEAF("Negotiate", "service.auth.negotiate"), LEAF("Certificate", "service.auth.certificate"),
        LEAF("CredSSP", "service.auth.credssp"), LEAF("CbtHardeningLevel", "service.cbt_hardening"), END
};
static const struct cfg_node service_ports[] = {
        LEAF("HTTP", "service.port.http"), LEAF("HTTPS", "service.port.https"), END
};
static const struct cfg_node service[] = {
        LEAF("RootSDDL", "service.root_sddl"),
        LEAF("MaxConcurrentOperations", "service.max_concurrent_ops"),
        LEAF("MaxConcurrentOperationsPerUser", "service.max_concurrent_ops_per_user"),
        LEAF("EnumerationTimeoutms", "service.enum_timeout_ms"),
        LEAF("MaxConnections", "service.max_connections"),
        LEAF("MaxPacketRetrievalTimeSeconds", "service.max_packet_retrieval_s"),
        { "AllowUnencrypted", CFG_ALLOW_PLAIN, NULL, "service", NULL },
        GROUP("Auth", service_auth), GROUP("DefaultPorts", service_ports),
        LEAF("IPv4Filter", "service.ipv4_filter"), LEAF("IPv6Filter", "service.ipv6_filter"),
        LEAF("EnableCompatibilityHttpListener", "service.compat_http"),
        LEAF("EnableCompatibilityHttpsListener", "service.compat_https"),
        LEAF("CertificateThumbprint", "service.cert_thumbprint"),
        LEAF("AllowRemoteAccess", "service.allow_remote_access"), END
};
static const struct cfg_node winrs[] = {
        LEAF("AllowRemoteShellAccess", "winrs.allow_remote_shell"),
        LEAF("IdleTimeout", "winrs.idle_timeout_ms"),
        LEAF("MaxConcurrentUsers", "winrs.max_concurrent_users"),
        LEAF("MaxShellRunTime", "winrs.max_shell_run_time_ms"),
        LEAF("MaxProcessesPerShell", "winrs.max_processes_per_shell"),
        LEAF("MaxMemoryPerShellMB", "winrs.max_memory_per_shell_mb"),
        LEAF("MaxShellsPerUser", "winrs.max_shells_per_user"), END
};
static const struct cfg_node config[] = {
        LEAF("MaxEnvelopeSizekb", "max_envelope_kb"), LEAF("MaxTimeoutms", "max_timeout_ms"),
        LEAF("MaxBatchItems", "max_batch_items"), LEAF("MaxProviderRequests", "max_provider_requests"),
        GROUP("Client", client), GROUP("Service", service), GROUP("Winrs", winrs), END
};

#define CUR "http://schemas.microsoft.com/wbem/wsman/1/config"
#define C WINRMD_URI_CASELESS

const struct cfg_view cfg_views[] = {
        { "wsman:microsoft.com/wsman/2005/06/config", 0,
          "wsman:microsoft.com/wsman/2005/06/config.xsd", "Config", legacy_config },
        { CUR, C, CUR, "Config", config },
        { CUR "/client", C, CUR "/client", "Client", client },
        { CUR "/client/auth", C, CUR "/client/auth", "Auth", client_auth },
        { CUR "/service", C, CUR "/service", "Service", service },
        { CUR "/service/auth", C, CUR "/service/auth", "Auth", service_auth },
        { CUR "/winrs", C, CUR "/winrs", "Winrs", winrs },
        /* the short forms that winrm.cmd expands locally */
        { "winrm/config", C, CUR, "Config", config },
        { "winrm/config/client", C, CUR "/client", "Client", client },
        { "winrm/config/client/auth", C, CUR "/client/auth", "Auth", client_auth },
        { "winrm/config/service", C, CUR "/service", "Service", service },
        { "winrm/config/service/auth", C, CUR "/service/auth", "Auth", service_auth },
        { "winrm/config/winrs", C, CUR "/winrs", "Winrs", winrs },
        { NULL, 0, NULL, NULL, NULL }
};

/* Matching as the core does: caseless views compare without case; the
 * seed's URI compares its "wsman:" host part without case. */
const struct cfg_view *cfg_view_for(const char *uri)
{
        static const char legacy_host[] = "wsman:microsoft.com";

        for (const struct cfg_view *v = cfg_views; v->uri; v++) {
                if (v->flags & WINRMD_URI_CASELESS) {
                        if (!strcasecmp(v->uri, uri))
                                return v;
                } else if (!strncasecmp(uri, legacy_host, sizeof(legacy_host) - 1) &&
                           !strcmp(uri + sizeof(legacy_host) - 1, v->uri + sizeof(legacy_host) - 1)) {
                        return v;
                }
        }
        return NULL;
}
