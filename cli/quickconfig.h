/* quickconfig.h - winrm quickconfig. */
#ifndef WINRM_QUICKCONFIG_H
#define WINRM_QUICKCONFIG_H

#include "cmdline.h"
#include "target.h"

/* Sets this host up for remote management through the local agent t (see
 * quickconfig.c); the exit status. */
int quickconfig(const struct cli_cmd *c, struct target *t);

#endif
