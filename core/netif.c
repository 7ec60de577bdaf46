/* netif.c - getifaddrs() for addresses by MAC; an rtnetlink socket for
 * changes, debounced by 100 ms so a burst of events costs one resync. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>

#include "event.h"
#include "log.h"
#include "netif.h"

static int nl_fd = -1;
static struct event *nl_ev, *debounce_ev;
static void (*watch_fn)(void *);
static void *watch_arg;

static void format_mac(const unsigned char *a, char out[18])
{
        snprintf(out, 18, "%02X-%02X-%02X-%02X-%02X-%02X", a[0], a[1], a[2], a[3], a[4], a[5]);
}

int netif_addrs_by_mac(const char *mac, char addrs[][64], size_t max)
{
        struct ifaddrs *list, *i, *j;
        int n = 0;
        bool found = false;

        if (getifaddrs(&list) < 0)
                return -errno;
        for (i = list; i; i = i->ifa_next) {
                struct sockaddr_ll *ll = (struct sockaddr_ll *)i->ifa_addr;
                char m[18];
                if (!ll || ll->sll_family != AF_PACKET || ll->sll_halen != 6)
                        continue;
                format_mac(ll->sll_addr, m);
                if (strcmp(m, mac))
                        continue;
                found = true;
                for (j = list; j; j = j->ifa_next) {
                        char ip[INET6_ADDRSTRLEN];
                        if (!j->ifa_addr || strcmp(j->ifa_name, i->ifa_name) || (size_t)n >= max)
                                continue;
                        if (j->ifa_addr->sa_family == AF_INET) {
                                inet_ntop(AF_INET, &((struct sockaddr_in *)j->ifa_addr)->sin_addr, ip, sizeof(ip));
                                snprintf(addrs[n++], 64, "%s", ip);
                        } else if (j->ifa_addr->sa_family == AF_INET6) {
                                struct in6_addr *a = &((struct sockaddr_in6 *)j->ifa_addr)->sin6_addr;
                                inet_ntop(AF_INET6, a, ip, sizeof(ip));
                                if (IN6_IS_ADDR_LINKLOCAL(a))
                                        snprintf(addrs[n++], 64, "%s%%%s", ip, j->ifa_name);
                                else
                                        snprintf(addrs[n++], 64, "%s", ip);
                        }
                }
                break;
        }
        freeifaddrs(list);
        return found ? n : -ENODEV;
}

static void debounced(evutil_socket_t fd, short what, void *arg)
{
        if (watch_fn)
                watch_fn(watch_arg);
}

static void nl_readable(evutil_socket_t fd, short what, void *arg)
{
        char buf[8192];
        struct timeval tv = { 0, 100000 };
        bool any = false;

        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
                if (n <= 0)
                        break;
                for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n))
                        if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR ||
                            h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK)
                                any = true;
        }
        if (any && !evtimer_pending(debounce_ev, NULL))
                evtimer_add(debounce_ev, &tv);
}

int netif_watch(void (*fn)(void *), void *arg)
{
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
                                  .nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_LINK };

        watch_fn = fn;
        watch_arg = arg;
        nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (nl_fd < 0)
                return -errno;
        if (bind(nl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                int r = -errno;
                close(nl_fd);
                nl_fd = -1;
                return r;
        }
        nl_ev = event_new(event_loop_base(), nl_fd, EV_READ | EV_PERSIST, nl_readable, NULL);
        debounce_ev = evtimer_new(event_loop_base(), debounced, NULL);
        if (!nl_ev || !debounce_ev)
                return -ENOMEM;
        event_add(nl_ev, NULL);
        return 0;
}

void netif_unwatch(void)
{
        if (nl_ev)
                event_free(nl_ev);
        if (debounce_ev)
                event_free(debounce_ev);
        nl_ev = debounce_ev = NULL;
        if (nl_fd >= 0)
                close(nl_fd);
        nl_fd = -1;
}
