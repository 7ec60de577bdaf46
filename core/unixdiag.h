/* unixdiag.h - what the kernel says about a Unix socket (sock_diag). */
#ifndef WINRMD_UNIXDIAG_H
#define WINRMD_UNIXDIAG_H

#include <stdint.h>

/* The file a Unix socket fd is bound to, or (for a connection accepted
 * from a listener) its listener's file: device (as stat()'s st_dev) and
 * inode into *dev and *ino, 0; -ENOENT when it has none (an unbound or
 * abstract socket, a socketpair), -ENOTSOCK, or -errno when the kernel
 * cannot say (no unix_diag). */
int unix_socket_file(int fd, uint64_t *dev, uint64_t *ino);

#endif
