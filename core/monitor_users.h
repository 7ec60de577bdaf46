/* monitor_users.h - the users the monitor itself saw authenticate (a PAM
 * check it ran, or a control-socket peer whose credentials it read): the
 * only users it starts processes for. */
#ifndef WINRMD_MONITOR_USERS_H
#define WINRMD_MONITOR_USERS_H

#include <stdbool.h>
#include <stdint.h>

/* Remembers user (copied); the oldest is forgotten beyond the table's size. */
void mon_users_add(const char *user);
/* True when user authenticated through this monitor. */
bool mon_users_has(const char *user);
/* Records the control socket's file (device and inode); only the first
 * call counts (it comes before the network process serves anyone). */
void mon_users_control(uint64_t dev, uint64_t ino);
/* The peer of the control-socket connection fd (SO_PEERCRED): remembered
 * if fd was accepted from the control socket recorded above (the kernel
 * says so: a connection the network process made itself, to any other
 * socket, does not count) and the peer is root or in one of the admin
 * groups of the configuration the monitor started with. */
void mon_users_peer(int fd);

#endif
