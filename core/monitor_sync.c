/* monitor_sync.c - in the monitor: the synchronous socket (see
 * monitor_sync.h).
 *
 * A request is trusted no further than its type and exact size; strings
 * must end inside their field.  One that fails is dropped unanswered (only
 * a broken or hostile network process sends one; it waits in vain).
 * Answers are sent without blocking: the network process reads each
 * answer as soon as it has asked, and one that does not cannot make the
 * monitor wait. */
#include "autoconfig.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor.h"
#include "monitor_keys.h"
#include "monitor_sync.h"
#include "monitor_users.h"
#include "monmsg.h"
#include "priv.h"

#define SYNC_BATCH 64               /* requests per wake-up, to stay fair */

union sync_msg {
        struct mon_hdr h;
        struct mon_bind bind;
        struct mon_key_check check;
        struct mon_key_sign sign;
        struct mon_control control;
};

/* Whether addr (a NUL-terminated field of cap bytes) is a numeric IPv4 or
 * IPv6 address, "%scope" allowed. */
static bool numeric_address(const char *addr, size_t cap)
{
        struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM };
        struct addrinfo *ai = NULL;
        bool ok;

        if (!memchr(addr, '\0', cap) || !*addr)
                return false;
        if (getaddrinfo(addr, NULL, &hints, &ai) != 0)
                return false;
        ok = ai && (ai->ai_family == AF_INET || ai->ai_family == AF_INET6);
        freeaddrinfo(ai);
        return ok;
}

static void bind_tcp(int sock, const struct mon_bind *q)
{
        struct mon_bound a = { MON_BIND_RESULT, q->seq, -EINVAL };
        int fd = -1;

        /* port 0 lets the kernel choose a free port (--listen ADDR:0): an
         * unprivileged process could bind that one itself */
        if (numeric_address(q->addr, sizeof(q->addr)) && q->port >= 0 && q->port <= 65535 && q->freebind <= 1) {
                fd = priv_listen_tcp_here(q->addr, q->port, q->freebind == 1);
                a.result = fd < 0 ? fd : 0;
        }
        (void)monmsg_send(sock, &a, sizeof(a), fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0, MSG_DONTWAIT);
        if (fd >= 0)
                close(fd);
}

/* One request: its type and exact size decide. */
static void handle(int sock, const union sync_msg *m, size_t n)
{
        switch (m->h.type) {
        case MON_BIND:
                if (n == sizeof(m->bind))
                        bind_tcp(sock, &m->bind);
                break;
        case MON_KEY_CHECK:
                if (n == sizeof(m->check))
                        mon_keys_check(sock, &m->check);
                break;
        case MON_KEY_SIGN:
                if (n == sizeof(m->sign))
                        mon_keys_sign(sock, &m->sign);
                break;
        case MON_CONTROL:
                if (n == sizeof(m->control))
                        mon_users_control(m->control.dev, m->control.ino);
                break;
        default:
                break;
        }
}

void mon_sync_init(const char *state_dir)
{
        mon_keys_init(state_dir);
}

bool mon_sync_handle(int sock)
{
        static union sync_msg m;

        for (int i = 0; i < SYNC_BATCH; i++) {
                int fds[MONMSG_MAX_FDS], nfds;
                ssize_t n = monmsg_recv(sock, &m, sizeof(m), fds, &nfds, MSG_DONTWAIT);

                if (n == -EAGAIN || n == -EINTR)
                        return true;
                if (n == -EMSGSIZE)
                        continue;
                if (n <= 0)
                        return false;
                for (int k = 0; k < nfds; k++)
                        close(fds[k]);          /* no request carries one */
                if ((size_t)n >= sizeof(m.h))
                        handle(sock, &m, (size_t)n);
        }
        return true;
}

void mon_sync_stop(void)
{
        mon_keys_stop();
}
