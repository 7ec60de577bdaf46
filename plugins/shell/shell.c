/* shell.c - the WinRS remote shell, http://schemas.microsoft.com/wbem/
 * wsman/1/windows/shell/cmd: Create opens a shell (a set of processes run
 * as the authenticated user, under the Winrs limits), Get and Enumerate
 * describe shells, Delete closes one with its processes, and the custom
 * actions .../windows/shell/{Command,Receive,Send,Signal} run commands,
 * carry their output and input, and signal them.  Shells belong to the
 * user who opened them; the Winrs settings are read at each request. */
#define _POSIX_C_SOURCE 200809L    /* POSIX interfaces under -std=c11 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winrmd/provider.h>

#include "shell.h"
#include "shell_cp.h"
#include "shell_parse.h"
#include "shell_xml.h"

const winrmd_host *shell_host;

static bool shells_allowed(void)
{
        const char *v = shell_host->config_get("winrs.allow_remote_shell");

        return !v || strcmp(v, "false") != 0;
}

/* The shell the ShellId selector names, checked against the caller: its
 * owner, or an administrator when admin_may.  NULL with a fault in *st. */
static struct sh_shell *addressed(winrmd_ctx *ctx, bool admin_may, winrmd_status *st)
{
        const char *id = shell_host->selector(ctx, "ShellId");
        struct sh_shell *sh;
        bool owner;

        if (!id) {
                *st = shell_host->fault(ctx, WINRMD_E_SELECTORS, "The ShellId selector, which names the shell, is missing.");
                return NULL;
        }
        sh = st_find(id);
        if (!sh) {
                *st = shell_fault(ctx, SF_SHELL_NOT_FOUND, id, NULL);
                return NULL;
        }
        owner = !strcmp(sh->owner, shell_host->user(ctx));
        if (!owner && !(admin_may && shell_host->is_admin(ctx))) {
                *st = shell_fault(ctx, SF_NOT_OWNER, sh->id, NULL);
                return NULL;
        }
        if (owner)
                st_touch(sh);
        return sh;
}

winrmd_status shell_start_fault(winrmd_ctx *ctx, int err, const struct sh_shell *sh)
{
        char msg[400], num[24];

        switch (err) {
        case -EPERM:
        case -EACCES:
                snprintf(msg, sizeof(msg), "The user %s may not run processes on this host.", sh->owner);
                return shell_host->fault(ctx, WINRMD_E_DENIED, msg);
        case -EAGAIN:
                if (!sh->jobs)
                        return shell_host->fault(ctx, WINRMD_E_QUOTA, "This host runs too many shells; retry later.");
                snprintf(num, sizeof(num), "%lld", (long long)st_config_long("winrs.max_processes_per_shell", 0));
                return shell_fault(ctx, SF_MAX_PROCESSES, num, NULL);
        case -ENOENT:
                snprintf(msg, sizeof(msg), "The working directory %s does not exist or the user cannot enter it.",
                         sh->cwd ? sh->cwd : "(the user's home)");
                return shell_host->fault(ctx, WINRMD_E_INVALID_VALUE, msg);
        case -E2BIG:
                return shell_host->fault(ctx, WINRMD_E_INVALID_VALUE,
                                         "The command line, environment and working directory exceed 128 KiB.");
        case -ENOEXEC:
                return shell_host->fault(ctx, WINRMD_E_INTERNAL, "The program cannot be run.");
        default:
                snprintf(msg, sizeof(msg), "The process could not be started: %s.", strerror(-err));
                return shell_host->fault(ctx, WINRMD_E_INTERNAL, msg);
        }
}

/* The Create quotas of user: 0 when another shell may open. */
static winrmd_status create_quotas(winrmd_ctx *ctx, const char *user)
{
        int64_t per_user = st_config_long("winrs.max_shells_per_user", 30);
        int64_t users = st_config_long("winrs.max_concurrent_users", 10);
        unsigned mine = st_count_user(user);
        char num[24];

        if (per_user > 0 && mine >= per_user) {
                snprintf(num, sizeof(num), "%lld", (long long)per_user);
                return shell_fault(ctx, SF_MAX_SHELLS_PER_USER, num, NULL);
        }
        if (!mine && users > 0 && st_count_users() >= users) {
                snprintf(num, sizeof(num), "%lld", (long long)users);
                return shell_fault(ctx, SF_MAX_USERS, num, NULL);
        }
        return WINRMD_OK;
}

/* Copies the request's settings into sh: 0 or -ENOMEM. */
static int shell_settings(struct sh_shell *sh, const struct sx_shell_req *req, unsigned cp, bool noprofile)
{
        if (req->name && !(sh->name = strdup(req->name)))
                return -ENOMEM;
        if (req->cwd && !(sh->cwd = strdup(req->cwd)))
                return -ENOMEM;
        if (req->n_env) {
                sh->env = calloc(req->n_env + 1, sizeof(*sh->env));
                if (!sh->env)
                        return -ENOMEM;
                for (size_t i = 0; i < req->n_env; i++) {
                        size_t n = strlen(req->env_name[i]) + strlen(req->env_value[i]) + 2;
                        sh->env[i] = malloc(n);
                        if (!sh->env[i])
                                return -ENOMEM;
                        snprintf(sh->env[i], n, "%s=%s", req->env_name[i], req->env_value[i]);
                }
        }
        sh->codepage = cp;
        sh->iconv = cp_open(cp);
        sh->noprofile = noprofile;
        sh->idle_ms = req->idle_ms > 0 && req->idle_ms < 1000 ? 1000 : req->idle_ms;
        sh->lifetime_ms = req->lifetime_ms;
        return 0;
}

static winrmd_status sh_create(winrmd_ctx *ctx)
{
        const char *user = shell_host->user(ctx);
        struct sx_shell_req req;
        struct sh_shell *sh;
        winrmd_limits lim = { .size = sizeof(lim) };
        char id[SHELL_ID_LEN + 1], msg[160];
        unsigned cp;
        bool noprofile;
        winrmd_status st;
        int r;

        if (!shells_allowed())
                return shell_fault(ctx, SF_SHELLS_DISABLED, NULL, NULL);
        st = sx_bool_option(ctx, "WINRS_NOPROFILE", false, &noprofile);
        if (st == WINRMD_OK)
                st = sx_codepage_option(ctx, &cp);
        if (st == WINRMD_OK)
                st = sx_shell_body(ctx, &req);
        if (st == WINRMD_OK)
                st = create_quotas(ctx, user);
        if (st != WINRMD_OK)
                return st;
        if (req.shell_id) {
                if (st_find(req.shell_id)) {
                        snprintf(msg, sizeof(msg), "A shell with ShellId %s exists already.", req.shell_id);
                        return shell_host->fault(ctx, WINRMD_E_EXISTS, msg);
                }
                snprintf(id, sizeof(id), "%s", req.shell_id);
        } else {
                do
                        st_new_id(id);
                while (st_find(id));
        }
        sh = st_add(id, user);
        if (sh && WINRMD_HOST_HAS(shell_host, peer_address))
                snprintf(sh->client_ip, sizeof(sh->client_ip), "%s", shell_host->peer_address(ctx));
        if (!sh || shell_settings(sh, &req, cp, noprofile) < 0) {
                if (sh)
                        st_delete(sh);
                return shell_host->fault(ctx, WINRMD_E_INTERNAL, "Out of memory.");
        }
        lim.max_memory_bytes = (uint64_t)st_config_long("winrs.max_memory_per_shell_mb", 1024) * 1024 * 1024;
        lim.max_processes = (uint32_t)st_config_long("winrs.max_processes_per_shell", 25);
        lim.max_run_time_ms = (uint64_t)st_config_long("winrs.max_shell_run_time_ms", 0);
        r = shell_host->jobs_new(ctx, &lim, &sh->jobs);
        if (r < 0) {
                st = shell_start_fault(ctx, r, sh);
                st_delete(sh);
                return st;
        }
        if (shell_host->created_selector(ctx, "ShellId", sh->id) < 0 || sx_write_shell(ctx, sh) < 0) {
                st_delete(sh);
                return shell_host->fault(ctx, WINRMD_E_INTERNAL, "The reply could not be written.");
        }
        st_arm(sh);
        shell_host->log(WINRMD_LOG_INFO, "shell %s opened by %s (limits enforced by %s)", sh->id, user,
                        shell_host->jobs_mechanism(sh->jobs));
        return WINRMD_OK;
}

static winrmd_status sh_get(winrmd_ctx *ctx)
{
        winrmd_status st;
        struct sh_shell *sh = addressed(ctx, true, &st);

        if (!sh)
                return st;
        return sx_write_shell(ctx, sh) < 0 ? WINRMD_E_INTERNAL : WINRMD_OK;
}

static winrmd_status sh_enumerate(winrmd_ctx *ctx)
{
        const char *user = shell_host->user(ctx);
        bool admin = shell_host->is_admin(ctx);

        for (struct sh_shell *sh = st_first(); sh; sh = sh->next) {
                if (!admin && strcmp(sh->owner, user))
                        continue;
                if (sx_write_shell(ctx, sh) < 0)
                        return WINRMD_E_INTERNAL;
                /* named by ShellId: EnumerateEPR, SelectorFilter */
                if (WINRMD_HOST_HAS(shell_host, item_selector) &&
                    shell_host->item_selector(ctx, "ShellId", sh->id) < 0)
                        return WINRMD_E_INTERNAL;
        }
        return WINRMD_OK;
}

static winrmd_status sh_remove(winrmd_ctx *ctx)
{
        winrmd_status st;
        struct sh_shell *sh = addressed(ctx, true, &st);

        if (!sh)
                return st;
        shell_host->log(WINRMD_LOG_INFO, "shell %s of %s deleted by %s", sh->id, sh->owner, shell_host->user(ctx));
        st_delete(sh);
        return WINRMD_OK;
}

/* argv for req: /bin/sh -c LINE (cmd.exe's outer quotes removed), or with
 * WINRS_SKIP_CMD_SHELL the program and its arguments.  In *line the
 * joined line to free; NULL with a fault in *st. */
static const char **command_argv(winrmd_ctx *ctx, const struct sx_command_req *req, bool skip, char *path,
                                 size_t path_len, char **line, winrmd_status *st)
{
        const char **argv = calloc(req->n_args + 4, sizeof(*argv));
        char msg[400];

        *line = NULL;
        if (!argv) {
                *st = WINRMD_E_INTERNAL;
                return NULL;
        }
        if (skip) {
                if (sp_resolve(req->command, path, path_len) < 0) {
                        free(argv);
                        snprintf(msg, sizeof(msg), "The program %.200s was not found (a name is looked up in "
                                 "/usr/local/bin:/usr/bin:/bin; else give an absolute path).", req->command);
                        *st = shell_host->fault(ctx, WINRMD_E_INTERNAL, msg);
                        return NULL;
                }
                argv[0] = path;
                for (size_t i = 0; i < req->n_args; i++)
                        argv[i + 1] = req->args[i];
                return argv;
        }
        *line = sp_join(req->command, req->args, req->n_args);
        if (!*line) {
                free(argv);
                *st = WINRMD_E_INTERNAL;
                return NULL;
        }
        sp_outer_quotes(*line);
        argv[0] = "/bin/sh";
        argv[1] = "-c";
        argv[2] = *line;
        return argv;
}

/* A CommandId for a new command: the client's when it is fresh. */
static winrmd_status command_id(winrmd_ctx *ctx, const char *proposed, char id[SHELL_ID_LEN + 1])
{
        char msg[160];

        if (proposed) {
                if (st_command_id_used(proposed)) {
                        snprintf(msg, sizeof(msg), "A command with CommandId %s exists already.", proposed);
                        return shell_host->fault(ctx, WINRMD_E_EXISTS, msg);
                }
                snprintf(id, SHELL_ID_LEN + 1, "%s", proposed);
                return WINRMD_OK;
        }
        do
                st_new_id(id);
        while (st_command_id_used(id));
        return WINRMD_OK;
}

/* The Command quotas of sh: commands held and processes running. */
static winrmd_status command_quotas(winrmd_ctx *ctx, const struct sh_shell *sh)
{
        int64_t max = st_config_long("winrs.max_processes_per_shell", 25);
        char num[24];

        if (sh->n_commands >= SHELL_MAX_COMMANDS) {
                snprintf(num, sizeof(num), "%u", sh->n_commands);
                return shell_fault(ctx, SF_MAX_COMMANDS, num, NULL);
        }
        if (max > 0 && st_running(sh) >= max) {
                snprintf(num, sizeof(num), "%lld", (long long)max);
                return shell_fault(ctx, SF_MAX_PROCESSES, num, NULL);
        }
        return WINRMD_OK;
}

/* Starts req in sh as command id; the reply waits for the start. */
static winrmd_status start_command(winrmd_ctx *ctx, struct sh_shell *sh, const struct sx_command_req *req, bool skip,
                                   const char *id)
{
        winrmd_spawn s = { .size = sizeof(s) };
        char path[4096], *line;
        const char **argv;
        struct sh_command *c;
        winrmd_status st = WINRMD_OK;
        int r;

        argv = command_argv(ctx, req, skip, path, sizeof(path), &line, &st);
        if (!argv)
                return st;
        c = io_command_new(sh, id);
        if (!c) {
                free(argv);
                free(line);
                return shell_host->fault(ctx, WINRMD_E_INTERNAL, "Out of memory.");
        }
        s.argv = argv;
        s.env = (const char *const *)sh->env;
        s.cwd = sh->cwd;
        r = shell_host->spawn(sh->jobs, &s, &io_events, c, &c->proc);
        free(argv);
        free(line);
        if (r < 0) {
                io_command_free(c, NULL);
                return shell_start_fault(ctx, r, sh);
        }
        return io_command_hold(ctx, c);
}

static winrmd_status do_command(winrmd_ctx *ctx, struct sh_shell *sh)
{
        struct sx_command_req req = { 0 };
        char id[SHELL_ID_LEN + 1];
        bool console, skip;
        winrmd_status st;

        if (!shells_allowed())
                return shell_fault(ctx, SF_SHELLS_DISABLED, NULL, NULL);
        st = sx_bool_option(ctx, "WINRS_CONSOLEMODE_STDIN", true, &console);
        if (st == WINRMD_OK)
                st = sx_bool_option(ctx, "WINRS_SKIP_CMD_SHELL", false, &skip);
        if (st == WINRMD_OK)
                st = sx_command_body(ctx, &req);
        if (st == WINRMD_OK)
                st = command_quotas(ctx, sh);
        if (st == WINRMD_OK)
                st = command_id(ctx, req.command_id, id);
        if (st == WINRMD_OK)
                st = start_command(ctx, sh, &req, skip, id);
        free(req.args);
        return st;
}

static winrmd_status do_receive(winrmd_ctx *ctx, struct sh_shell *sh)
{
        const char *id = NULL;
        unsigned streams = 0;
        struct sh_command *c;
        winrmd_status st = sx_receive_body(ctx, &id, &streams);

        if (st != WINRMD_OK)
                return st;
        c = st_command(sh, id);
        if (!c)
                return shell_fault(ctx, SF_COMMAND_NOT_FOUND, sh->id, id);
        return io_receive(ctx, c, streams);
}

/* Decodes and queues one rsp:Stream of a Send. */
static winrmd_status send_stream(winrmd_ctx *ctx, struct sh_shell *sh, const struct sx_stream *s)
{
        struct sh_command *c = st_command(sh, s->command_id);
        size_t len = strlen(s->text);
        unsigned char *data;
        ssize_t n;
        char num[24];
        int r;

        if (!c)
                return shell_fault(ctx, SF_COMMAND_NOT_FOUND, sh->id, s->command_id);
        data = malloc(sp_base64_max(len));
        if (!data)
                return shell_host->fault(ctx, WINRMD_E_INTERNAL, "Out of memory.");
        n = sp_base64_decode(s->text, len, data);
        r = n < 0 ? (int)n : io_send(c, data, (size_t)n, s->end);
        free(data);
        switch (r) {
        case 0:
                return WINRMD_OK;
        case -EINVAL:
                return shell_host->fault(ctx, WINRMD_E_INVALID_VALUE, "The rsp:Stream text is not valid base64.");
        case -ENOSPC:
                snprintf(num, sizeof(num), "%zu", c->in_len - c->in_off);
                return shell_fault(ctx, SF_STDIN_FULL, c->id, num);
        case -EPIPE:
                return shell_fault(ctx, SF_STDIN_CLOSED, c->id, NULL);
        default:
                return shell_host->fault(ctx, WINRMD_E_INTERNAL, "Out of memory.");
        }
}

static winrmd_status do_send(winrmd_ctx *ctx, struct sh_shell *sh)
{
        struct sx_stream streams[SX_MAX_SEND_STREAMS];
        size_t n = 0;
        winrmd_status st = sx_send_body(ctx, streams, &n);

        for (size_t i = 0; i < n && st == WINRMD_OK; i++)
                st = send_stream(ctx, sh, &streams[i]);
        if (st != WINRMD_OK)
                return st;
        if (shell_host->begin(ctx, SHELL_NS, "rsp:SendResponse") < 0 || shell_host->end(ctx) < 0)
                return WINRMD_E_INTERNAL;
        return WINRMD_OK;
}

static winrmd_status do_signal(winrmd_ctx *ctx, struct sh_shell *sh)
{
        const char *id = NULL, *code = NULL;
        struct sh_command *c;
        enum sp_signal sig;
        char msg[300];
        winrmd_status st = sx_signal_body(ctx, &id, &code);

        if (st != WINRMD_OK)
                return st;
        c = st_command(sh, id);
        if (!c)
                return shell_fault(ctx, SF_COMMAND_NOT_FOUND, sh->id, id);
        sig = sp_signal_code(code);
        switch (sig) {
        case SP_SIG_TERMINATE:
                io_command_terminate(c);
                break;
        case SP_SIG_CTRL_C:
        case SP_SIG_CTRL_BREAK:
                if (c->proc && !c->exited)
                        shell_host->process_signal(c->proc, sig == SP_SIG_CTRL_C ? SIGINT : SIGQUIT);
                break;
        default:
                snprintf(msg, sizeof(msg), "The signal code %.150s is not one of .../signal/terminate, ctrl_c and "
                         "ctrl_break.", code);
                return shell_host->fault(ctx, WINRMD_E_INVALID_VALUE, msg);
        }
        if (shell_host->begin(ctx, SHELL_NS, "rsp:SignalResponse") < 0 || shell_host->end(ctx) < 0)
                return WINRMD_E_INTERNAL;
        return WINRMD_OK;
}

static winrmd_status sh_invoke(winrmd_ctx *ctx, const char *method)
{
        static const struct {
                const char *name;
                winrmd_status (*fn)(winrmd_ctx *ctx, struct sh_shell *sh);
        } actions[] = {
                { "Command", do_command }, { "Receive", do_receive }, { "Send", do_send }, { "Signal", do_signal },
        };
        struct sh_shell *sh;
        winrmd_status st;

        for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
                if (strcmp(method, actions[i].name))
                        continue;
                sh = addressed(ctx, false, &st);
                return sh ? actions[i].fn(ctx, sh) : st;
        }
        return shell_host->fault(ctx, WINRMD_E_UNSUPPORTED,
                                 "The shell takes the actions Command, Receive, Send and Signal.");
}

static const winrmd_resource resources[] = {
        { .uri = SHELL_URI, .flags = WINRMD_URI_CASELESS, .get = sh_get, .create = sh_create, .remove = sh_remove,
          .enumerate = sh_enumerate, .invoke = sh_invoke, .action_ns = SHELL_NS },
        { .uri = NULL }
};

static int sh_load(const winrmd_host *h, void **ret_state, char *reason, size_t reason_len)
{
        if (!WINRMD_HOST_HAS(h, jobs_mechanism) || !h->jobs_new || !h->spawn || !h->process_read ||
            !h->process_write || !h->process_close_stdin || !h->process_signal || !h->process_free ||
            !h->jobs_free || !h->jobs_mechanism) {
                snprintf(reason, reason_len, "this winrmd starts no processes for providers (jobs_new, spawn)");
                return -1;
        }
        shell_host = h;
        *ret_state = NULL;
        return 0;
}

static void sh_unload(void *state)
{
        (void)state;
        st_delete_all();
        shell_host = NULL;
}

/* Idle timeouts and run times are read when a shell's timer is armed. */
static void sh_config_changed(void *state, const char *key)
{
        (void)state;
        if (!strcmp(key, "*") || !strncmp(key, "winrs.", 6))
                st_rearm_all();
}

static void sh_cancel(void *state, winrmd_ctx *ctx)
{
        (void)state;
        io_cancel(ctx);
}

/* The provider's entry: the shell resource. */
__attribute__((visibility("default")))
const winrmd_provider winrmd_provider_v1 = {
        WINRMD_PROVIDER_INIT,
        .name = "shell",
        .version = WINRMD_VERSION,
        .resources = resources,
        .load = sh_load,
        .unload = sh_unload,
        .config_changed = sh_config_changed,
        .cancel = sh_cancel,
};
