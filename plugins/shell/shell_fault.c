/* shell_fault.c - the shell's faults: their texts, the status each is
 * sent with, and the WSManFault Code Windows gives them (clients such as
 * pywinrm and Go match on those numbers). */
#define _POSIX_C_SOURCE 200809L    /* POSIX interfaces under -std=c11 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shell.h"
#include "shell_parse.h"

/* The status each fault is sent with and the WSManFault Code Windows
 * sends for it. */
static const struct {
        winrmd_status st;
        uint32_t windows_code;
} fault_rows[] = {
        [SF_SHELL_NOT_FOUND] = { WINRMD_E_SELECTORS, 2150858843u },
        [SF_COMMAND_NOT_FOUND] = { WINRMD_E_SELECTORS, 2150858843u },
        [SF_COMMAND_GONE] = { WINRMD_E_SELECTORS, 2150858843u },
        [SF_NOT_OWNER] = { WINRMD_E_DENIED, 5u },
        [SF_SHELLS_DISABLED] = { WINRMD_E_DENIED, 2150859180u },
        [SF_MAX_SHELLS_PER_USER] = { WINRMD_E_QUOTA, 2150859173u },
        [SF_MAX_USERS] = { WINRMD_E_QUOTA, 2150859179u },
        [SF_MAX_PROCESSES] = { WINRMD_E_QUOTA, 2150858815u },
        [SF_MAX_COMMANDS] = { WINRMD_E_QUOTA, 2150859241u },
        [SF_STDIN_FULL] = { WINRMD_E_QUOTA, 2150858815u },
        [SF_STDIN_CLOSED] = { WINRMD_E_INVALID_VALUE, 2150858810u },
};

/* An id for a message: itself when it is a GUID, else a placeholder (a
 * client's text is never echoed whole). */
static const char *shown(const char *id)
{
        return id && sp_guid_ok(id) ? id : "(not a GUID)";
}

winrmd_status shell_fault(winrmd_ctx *ctx, enum sh_fault f, const char *a, const char *b)
{
        char msg[512];

        a = a ? a : "";
        switch (f) {
        case SF_SHELL_NOT_FOUND:
                snprintf(msg, sizeof(msg), "The request for the Windows Remote Shell with ShellId %s failed because "
                         "the shell was not found on the server. It may have been deleted, or have reached its idle "
                         "timeout or run time.", shown(a));
                break;
        case SF_COMMAND_NOT_FOUND:
                snprintf(msg, sizeof(msg), "The request for the Windows Remote Shell with ShellId %s failed because "
                         "its command %s was not found; it may have been terminated.", shown(a), shown(b));
                break;
        case SF_COMMAND_GONE:
                snprintf(msg, sizeof(msg), "The command %s was not found: %s", a, b ? b : "it was terminated.");
                break;
        case SF_NOT_OWNER:
                snprintf(msg, sizeof(msg), "The shell %s belongs to another user.", a);
                break;
        case SF_SHELLS_DISABLED:
                snprintf(msg, sizeof(msg), "Remote shells are not allowed on this host (Winrs AllowRemoteShellAccess "
                         "is false).");
                break;
        case SF_MAX_SHELLS_PER_USER:
                snprintf(msg, sizeof(msg), "This user already has the most shells open that Winrs MaxShellsPerUser "
                         "allows (%s); delete one or retry later.", a);
                break;
        case SF_MAX_USERS:
                snprintf(msg, sizeof(msg), "The most users that Winrs MaxConcurrentUsers allows (%s) already have "
                         "shells open; retry later.", a);
                break;
        case SF_MAX_PROCESSES:
                snprintf(msg, sizeof(msg), "The shell already runs the most processes that Winrs "
                         "MaxProcessesPerShell allows (%s).", a);
                break;
        case SF_MAX_COMMANDS:
                snprintf(msg, sizeof(msg), "The shell holds %s commands; terminate finished ones with Signal "
                         "before starting more.", a);
                break;
        case SF_STDIN_FULL:
                snprintf(msg, sizeof(msg), "The stdin of command %s already holds %s bytes the process has not "
                         "read; send again later.", a, b ? b : "");
                break;
        case SF_STDIN_CLOSED:
        default:
                snprintf(msg, sizeof(msg), "The stdin of command %s is closed: a Send with End came before.", a);
                break;
        }
        if (WINRMD_HOST_HAS(shell_host, fault_code))
                return shell_host->fault_code(ctx, fault_rows[f].st, fault_rows[f].windows_code, msg);
        return shell_host->fault(ctx, fault_rows[f].st, msg);
}
