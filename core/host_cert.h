/* host_cert.h - the certificate store as the winrmd_host table shows it. */
#ifndef WINRMD_HOST_CERT_H
#define WINRMD_HOST_CERT_H

#include <stddef.h>

#include <winrmd/provider.h>

/* certificate_count and certificate_field of the host table (see
 * <winrmd/provider.h>); strings borrowed from the store or the ctx. */
size_t hc_count(const winrmd_ctx *c);
const char *hc_field(const winrmd_ctx *c, size_t i, const char *name);

#endif
