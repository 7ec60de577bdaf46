/* host.h - the table of what providers may do (winrmd_host). */
#ifndef WINRMD_HOST_H
#define WINRMD_HOST_H

#include <winrmd/provider.h>

/* The one host table, handed to every provider's load(). */
const winrmd_host *host_table(void);

#endif
