/* shell.h - the WinRS shell provider's shared types: shells, their
 * commands and the output each command holds for Receive. */
#ifndef WINRMD_SHELL_H
#define WINRMD_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <winrmd/provider.h>

#define SHELL_URI "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"
#define SHELL_NS "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
#define SHELL_STATE_RUNNING SHELL_NS "/CommandState/Running"
#define SHELL_STATE_DONE SHELL_NS "/CommandState/Done"

#define SHELL_ID_LEN 36                  /* a GUID without braces */
#define SHELL_STREAM_MAX (64 * 1024)     /* output held per stream; beyond, the process waits */
#define SHELL_RECEIVE_MAX (96 * 1024)    /* raw output bytes in one Receive reply at most */
#define SHELL_STDIN_MAX (1024 * 1024)    /* stdin queued per command */
#define SHELL_COALESCE_MS 100            /* output gathered this long before a held Receive answers */
#define SHELL_KILL_GRACE_MS 2000         /* SIGTERM to SIGKILL after Signal terminate */
#define SHELL_EXIT_GRACE_MS 1000         /* after the exit, streams end at their first pause past this */
#define SHELL_MAX_COMMANDS 1000          /* commands (running or not yet terminated) per shell */
#define SHELL_MAX_ENV 256                /* Environment variables per shell */

enum { SH_STDOUT = 0, SH_STDERR = 1 };

/* One output stream of a command: the bytes read from the process and
 * not yet delivered.  The buffer grows on demand up to SHELL_STREAM_MAX
 * and is freed once drained, so an idle command holds none. */
struct sh_stream {
        unsigned char *buf;
        size_t len, cap;
        bool want;            /* readable() came and process_read() has not said -EAGAIN since */
        bool eof;             /* the process closed it (or reading it failed) */
        bool end_sent;        /* End="true" was delivered */
};

struct sh_shell;

/* A command: one process and what it owes to Receive and from Send. */
struct sh_command {
        struct sh_command *next;
        struct sh_shell *shell;
        char id[SHELL_ID_LEN + 1];
        winrmd_process *proc;         /* NULL once freed */
        winrmd_ctx *starting;         /* the Command request, held until started() */
        bool started;                 /* started() said it runs */
        int start_err;                /* what started() said when it did not start */
        struct sh_stream out[2];      /* stdout, stderr */
        unsigned char *in;            /* stdin not yet taken by the process */
        size_t in_len, in_off;
        bool in_end;                  /* close stdin once the queue is written */
        bool in_closed;
        bool exited;
        int status;                   /* exit code, or 128 + signal */
        int64_t exit_ms;              /* when exited() came */
        bool done_sent;               /* Done was delivered (later Receives repeat it) */
        bool dying;                   /* terminated: on shell->dying until its exit or the grace */
        int64_t kill_ms;              /* a dying command's SIGKILL time */
        bool free_due;                /* free at the next tick (never inside a host callback) */
        unsigned discard;             /* stream bits the last Receive did not ask for: dropped */
        winrmd_ctx *waiter;           /* a Receive held for output */
        unsigned want_streams;        /* the waiter's streams (SP_STREAM_* bits) */
        int64_t deadline_ms;          /* when the waiter gets w:TimedOut */
        int64_t wake_ms;              /* when the waiter answers with what is there; 0: not yet */
        winrmd_timer *timer;          /* what is due next: wake-up, deadline, graces */
};

/* A shell: its owner, the settings its commands start with, its
 * processes' limits (jobs) and its commands. */
struct sh_shell {
        struct sh_shell *next;
        char id[SHELL_ID_LEN + 1];
        char *owner;
        char client_ip[64];           /* rsp:ClientIP: who opened it ("" when the host cannot say) */
        char *name;                   /* rsp:Name, or NULL */
        char *cwd;                    /* NULL: the user's home */
        char **env;                   /* "NAME=value", NULL-terminated; may be NULL */
        unsigned codepage;            /* WINRS_CODEPAGE */
        void *iconv;                  /* an iconv_t from UTF-8 to codepage, or NULL: bytes as they are */
        bool noprofile;               /* WINRS_NOPROFILE (recorded; no profile is ever read) */
        int64_t idle_ms;              /* the client's IdleTimeOut (0: the configured one) */
        int64_t lifetime_ms;          /* the client's Lifetime (0: none) */
        int64_t created_ms, active_ms;
        winrmd_jobs *jobs;
        winrmd_timer *timer;          /* idle timeout and run time */
        struct sh_command *commands;
        unsigned n_commands;
        struct sh_command *dying;     /* terminated commands whose process has not ended yet */
};

/* The host table, set by load(). */
extern const winrmd_host *shell_host;

/* The shell's own faults.  Each has the WSManFault Code Windows sends;
 * the host's ABI 1 takes a status only, so the client gets that status's
 * code for now (shell.md lists both). */
enum sh_fault {
        SF_SHELL_NOT_FOUND,           /* no such ShellId */
        SF_COMMAND_NOT_FOUND,         /* no such CommandId in the shell */
        SF_COMMAND_GONE,              /* a held Receive whose command was terminated or deleted */
        SF_NOT_OWNER,                 /* the shell is another user's */
        SF_SHELLS_DISABLED,           /* winrs.allow_remote_shell is false */
        SF_MAX_SHELLS_PER_USER,
        SF_MAX_USERS,
        SF_MAX_PROCESSES,
        SF_MAX_COMMANDS,
        SF_STDIN_FULL,
        SF_STDIN_CLOSED,
};

/* --- shell_fault.c --- */

/* Records fault f on ctx with its text (a and b fill it in: ids or
 * numbers as the text needs) and returns its status. */
winrmd_status shell_fault(winrmd_ctx *ctx, enum sh_fault f, const char *a, const char *b);
/* Records the fault for a jobs_new() or process start that failed with
 * err (-errno) in shell sh, and returns its status. */
winrmd_status shell_start_fault(winrmd_ctx *ctx, int err, const struct sh_shell *sh);

/* --- shell_state.c: the shell table, quotas and lifetimes --- */

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t st_now_ms(void);
/* A configuration key as an integer; fallback when unknown. */
int64_t st_config_long(const char *key, int64_t fallback);
/* A new GUID, upper-case, into out. */
void st_new_id(char out[SHELL_ID_LEN + 1]);
/* The shell with id (compared without case), or NULL. */
struct sh_shell *st_find(const char *id);
/* The first shell (the table in creation order, newest first). */
struct sh_shell *st_first(void);
/* Shells user has open; users with a shell open. */
unsigned st_count_user(const char *user);
unsigned st_count_users(void);
/* A new shell for owner with id, added to the table; NULL on OOM. */
struct sh_shell *st_add(const char *id, const char *owner);
/* Kills the shell's processes, frees its commands and removes it. */
void st_delete(struct sh_shell *sh);
/* Deletes every shell (unload). */
void st_delete_all(void);
/* A request used sh: it is not idle. */
void st_touch(struct sh_shell *sh);
/* (Re)arms sh's timer for its idle timeout and run time. */
void st_arm(struct sh_shell *sh);
/* Rearms every shell's timer (the configuration changed). */
void st_rearm_all(void);
/* Effective idle timeout of sh in milliseconds. */
int64_t st_idle_ms(const struct sh_shell *sh);
/* The command with id in sh (compared without case), or NULL. */
struct sh_command *st_command(struct sh_shell *sh, const char *id);
/* True when any shell has a command (or a dying one) with id. */
bool st_command_id_used(const char *id);
/* Commands of sh whose process still runs (dying ones included). */
unsigned st_running(const struct sh_shell *sh);

/* --- shell_io.c: processes, output buffering, Receive --- */

/* The events the host reports on a command's process (arg: the command). */
extern const winrmd_process_events io_events;
/* A new command of sh with id, linked into sh; NULL on OOM. */
struct sh_command *io_command_new(struct sh_shell *sh, const char *id);
/* Holds the Command request ctx until c's process started: then it gets
 * rsp:CommandResponse, or the fault of the start.  WINRMD_PENDING. */
winrmd_status io_command_hold(winrmd_ctx *ctx, struct sh_command *c);
/* Forgets c (its process killed), answering a held Receive with message. */
void io_command_free(struct sh_command *c, const char *message);
/* Signal terminate: unlinks c; its process gets SIGTERM, then SIGKILL
 * after the grace unless it ended; c is freed then. */
void io_command_terminate(struct sh_command *c);
/* Receive on c for streams (bits): answers now (WINRMD_OK, reply written)
 * or holds ctx (WINRMD_PENDING) until output, the end, or the deadline. */
winrmd_status io_receive(winrmd_ctx *ctx, struct sh_command *c, unsigned streams);
/* The daemon gave up on ctx: forget it if a command holds it. */
void io_cancel(winrmd_ctx *ctx);

/* --- shell_stdin.c: a command's stdin --- */

/* Queues data for c's stdin (end: close it after); 0, -ENOSPC (the queue
 * is full), -EPIPE (stdin already closed), -ENOMEM. */
int io_send(struct sh_command *c, const unsigned char *data, size_t len, bool end);
/* Writes c's queue while the pipe takes it, then closes stdin after End. */
void io_flush_stdin(struct sh_command *c);

#endif
