/* monmsg.c - seqpacket messages with descriptors (see monmsg.h). */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monmsg.h"

int monmsg_send(int sock, const void *buf, size_t len, const int *fds, int nfds, int flags)
{
        union {
                char buf[CMSG_SPACE(sizeof(int) * MONMSG_MAX_FDS)];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = { (void *)buf, len };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (nfds < 0 || nfds > MONMSG_MAX_FDS)
                return -EINVAL;
        if (nfds > 0) {
                struct cmsghdr *c;
                memset(&ctl, 0, sizeof(ctl));
                m.msg_control = ctl.buf;
                m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
                c = CMSG_FIRSTHDR(&m);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
                memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
        }
        if (sendmsg(sock, &m, MSG_NOSIGNAL | flags) < 0)
                return -errno;
        return 0;
}

ssize_t monmsg_recv(int sock, void *buf, size_t cap, int *fds, int *nfds, int flags)
{
        union {
                char buf[CMSG_SPACE(sizeof(int) * MONMSG_MAX_FDS)];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = { buf, cap };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                            .msg_controllen = sizeof(ctl.buf) };
        ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC | flags);
        int got = 0;

        *nfds = 0;
        if (n < 0)
                return -errno;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        if (got < MONMSG_MAX_FDS)
                                fds[got++] = fd;
                        else
                                close(fd);
                }
        }
        *nfds = got;
        if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
                for (int i = 0; i < got; i++)
                        close(fds[i]);
                *nfds = 0;
                return -EMSGSIZE;
        }
        return n;
}
