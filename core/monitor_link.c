/* monitor_link.c - the network side of the monitor's socket (see
 * monitor_link.h).  Messages arrive whole (SOCK_SEQPACKET); each goes to
 * the handler of its type, or is dropped (its descriptors closed). */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>

#include "event.h"
#include "log.h"
#include "monitor.h"
#include "monitor_link.h"
#include "monmsg.h"

#define MAX_TYPES 32
#define MSG_MAX 4096                /* every message the monitor sends is small */

static int link_fd = -1;
static struct event *link_ev;
static void (*on_lost)(void);
static monitor_handler_fn *handlers[MAX_TYPES];
static unsigned next_seq = 1;
static char mechanism[32] = "rlimits";

static void lost(void)
{
        log_err("the privileged monitor is gone");
        monitor_link_shutdown();
        if (on_lost)
                on_lost();
}

static void on_hello(const void *msg, size_t len, int *fds, int nfds)
{
        struct mon_hello h;

        (void)fds;
        (void)nfds;
        if (len != sizeof(h))
                return;
        memcpy(&h, msg, sizeof(h));
        h.mechanism[sizeof(h.mechanism) - 1] = '\0';
        snprintf(mechanism, sizeof(mechanism), "%s", h.mechanism);
        log_info("process limits: %s", mechanism);
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
        static char buf[MSG_MAX] __attribute__((aligned(8)));

        for (int i = 0; i < 64; i++) {
                int fds[MONMSG_MAX_FDS], nfds;
                ssize_t n = monmsg_recv(fd, buf, sizeof(buf), fds, &nfds, MSG_DONTWAIT);
                struct mon_hdr h;

                if (n == -EAGAIN || n == -EINTR)
                        return;
                if (n == -EMSGSIZE)
                        continue;
                if (n <= 0) {
                        lost();
                        return;
                }
                if ((size_t)n >= sizeof(h)) {
                        memcpy(&h, buf, sizeof(h));
                        if (h.type < MAX_TYPES && handlers[h.type]) {
                                handlers[h.type](buf, (size_t)n, fds, nfds);
                                continue;
                        }
                }
                for (int k = 0; k < nfds; k++)
                        close(fds[k]);
        }
}

int monitor_link_init(int fd, void (*lost_fn)(void))
{
        link_ev = event_new(event_loop_base(), fd, EV_READ | EV_PERSIST, on_readable, NULL);
        if (!link_ev || event_add(link_ev, NULL) < 0) {
                if (link_ev)
                        event_free(link_ev);
                link_ev = NULL;
                close(fd);
                return -ENOMEM;
        }
        link_fd = fd;
        on_lost = lost_fn;
        monitor_link_on(MON_HELLO, on_hello);
        return 0;
}

void monitor_link_shutdown(void)
{
        if (link_ev)
                event_free(link_ev);
        link_ev = NULL;
        if (link_fd >= 0)
                close(link_fd);
        link_fd = -1;
}

void monitor_link_on(unsigned type, monitor_handler_fn *fn)
{
        if (type < MAX_TYPES)
                handlers[type] = fn;
}

int monitor_link_send(const void *msg, size_t len, const int *fds, int nfds)
{
        if (link_fd < 0)
                return -EIO;
        return monmsg_send(link_fd, msg, len, fds, nfds, MSG_DONTWAIT);
}

unsigned monitor_link_seq(void)
{
        return next_seq++;
}

const char *monitor_link_mechanism(void)
{
        return mechanism;
}
