/* monitor_users.h - the users the monitor itself saw authenticate (a PAM
 * check it ran, or a control-socket peer whose credentials it read): the
 * only users it starts processes for. */
#ifndef WINRMD_MONITOR_USERS_H
#define WINRMD_MONITOR_USERS_H

#include <stdbool.h>

/* Remembers user (copied); the oldest is forgotten beyond the table's size. */
void mon_users_add(const char *user);
/* True when user authenticated through this monitor. */
bool mon_users_has(const char *user);
/* The peer of the control-socket connection fd (SO_PEERCRED): remembered
 * if it is root or in one of the admin groups of the configuration the
 * monitor started with (the control socket admits no one else). */
void mon_users_peer(int fd);

#endif
