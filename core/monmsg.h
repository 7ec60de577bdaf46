/* monmsg.h - one SOCK_SEQPACKET message with up to three descriptors
 * (SCM_RIGHTS), for both ends of the monitor's socket. */
#ifndef WINRMD_MONMSG_H
#define WINRMD_MONMSG_H

#include <stddef.h>
#include <sys/types.h>

#define MONMSG_MAX_FDS 3

/* Sends buf[0..len) with fds[0..nfds) (not closed): 0 or -errno (-EAGAIN
 * when the socket is full and flags has MSG_DONTWAIT). */
int monmsg_send(int sock, const void *buf, size_t len, const int *fds, int nfds, int flags);
/* Receives one message into buf (at most cap bytes) and its descriptors
 * into fds (*nfds of them, the caller owns them; extra ones are closed):
 * the message's length, 0 at end of file, -errno (-EMSGSIZE when it was
 * longer than cap: it is dropped whole). */
ssize_t monmsg_recv(int sock, void *buf, size_t cap, int *fds, int *nfds, int flags);

#endif
