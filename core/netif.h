/* netif.h - the host's network interfaces: addresses by MAC, and netlink
 * notifications when addresses come and go (DHCP, ip addr add/del). */
#ifndef WINRMD_NETIF_H
#define WINRMD_NETIF_H

#include <stdbool.h>
#include <stddef.h>

#define NETIF_MAX_ADDRS 32

/* Fills addrs (each "a.b.c.d" or "v6[%ifname]" for link-local) with the
 * addresses of the interface whose MAC is mac (12-34-56-78-9A-BC).
 * Returns how many, or -ENODEV when no interface has that MAC. */
int netif_addrs_by_mac(const char *mac, char addrs[][64], size_t max);
/* Starts watching address changes; fn runs (debounced) after each burst. */
int netif_watch(void (*fn)(void *), void *arg);
/* Stops watching. */
void netif_unwatch(void);

#endif
