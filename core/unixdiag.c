/* unixdiag.c - a Unix socket's file, asked of the kernel over
 * NETLINK_SOCK_DIAG (see unixdiag.h).  The kernel copies a listener's
 * file into each connection it accepts, so this tells an accepted
 * connection of one listening socket from any other socket, which neither
 * getsockname() nor SO_PEERCRED can. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "unixdiag.h"

/* One request, one answer: the answer for inode ino, 0 or -errno. */
static int ask(int nl, uint32_t ino, struct unix_diag_vfs *vfs)
{
        struct {
                struct nlmsghdr nh;
                struct unix_diag_req req;
        } q = {
                .nh = { .nlmsg_len = sizeof(q), .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST,
                        .nlmsg_seq = 1 },
                .req = { .sdiag_family = AF_UNIX, .udiag_states = ~0u, .udiag_ino = ino,
                         .udiag_show = UDIAG_SHOW_VFS, .udiag_cookie = { ~0u, ~0u } },
        };
        struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
        union {
                struct nlmsghdr nh;
                char buf[4096];
        } a;
        struct nlmsghdr *h = &a.nh;
        ssize_t n;

        if (sendto(nl, &q, sizeof(q), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
                return -errno;
        do
                n = recv(nl, a.buf, sizeof(a.buf), 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (!NLMSG_OK(h, (size_t)n))
                return -EIO;
        if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);
                return h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error < 0 ? e->error : -EIO;
        }
        if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct unix_diag_msg)))
                return -EIO;
        {
                const struct unix_diag_msg *m = NLMSG_DATA(h);
                int left = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
                const struct rtattr *at = (const struct rtattr *)(m + 1);

                if (m->udiag_ino != ino)
                        return -EIO;
                for (; RTA_OK(at, left); at = RTA_NEXT(at, left)) {
                        if (at->rta_type == UNIX_DIAG_VFS && RTA_PAYLOAD(at) >= sizeof(*vfs)) {
                                memcpy(vfs, RTA_DATA(at), sizeof(*vfs));
                                return 0;
                        }
                }
        }
        return -ENOENT;
}

int unix_socket_file(int fd, uint64_t *dev, uint64_t *ino)
{
        struct unix_diag_vfs vfs;
        struct stat st;
        int nl, r;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISSOCK(st.st_mode))
                return -ENOTSOCK;
        nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (nl < 0)
                return -errno;
        r = ask(nl, (uint32_t)st.st_ino, &vfs);
        close(nl);
        if (r < 0)
                return r;
        /* the kernel's device number: major in the top 12 bits, minor below */
        *dev = (uint64_t)makedev(vfs.udiag_vfs_dev >> 20, vfs.udiag_vfs_dev & 0xfffff);
        *ino = vfs.udiag_vfs_ino;
        return 0;
}
