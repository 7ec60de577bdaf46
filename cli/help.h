/* help.h - winrm -? and winrm help TOPIC. */
#ifndef WINRM_HELP_H
#define WINRM_HELP_H

#include <stdio.h>

/* Prints the help for topic ("" for the general one): 0, or 2 after
 * printing the topics when it is not one. */
int help_print(FILE *f, const char *topic);

#endif
