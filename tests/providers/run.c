/* run.c - a test provider for the process members of the host table:
 * Invoke Run on http://example.org/winrmd/test/run with
 *   <t:Run_INPUT><t:Command>sh text</t:Command><t:Stdin>text</t:Stdin>
 *   [<t:Cwd>dir</t:Cwd>] [<t:MaxMemoryMB>n</t:MaxMemoryMB>]
 *   [<t:MaxProcesses>n</t:MaxProcesses>] [<t:MaxRunTimeMs>n</t:MaxRunTimeMs>]
 *   [<t:Signal>n</t:Signal>] [<t:SignalAfterMs>n</t:SignalAfterMs>]
 *   [<t:ReadLimit>n</t:ReadLimit>]</t:Run_INPUT>
 * starts /bin/sh -c Command as the request's user in a job of its own,
 * writes Stdin, collects stdout and stderr (the first 64 KiB of each;
 * ReadLimit n stops reading after n bytes, so the command blocks on its
 * pipe), and answers Run_OUTPUT with Stdout, Stderr, ExitCode and the limit
 * mechanism; or a fault when the process could not start. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winrmd/provider.h>

#define RUN_URI "http://example.org/winrmd/test/run"
#define CAP (64 * 1024)

struct run {
        winrmd_ctx *ctx;
        winrmd_jobs *jobs;
        winrmd_process *proc;
        winrmd_timer *timer;
        char out[2][CAP + 1];
        size_t len[2];
        bool eof[2];
        bool exited;
        int status;
        size_t read_limit;          /* 0: no limit */
        int sig;
        char *stdin_text;
        size_t stdin_off;
};

static const winrmd_host *host;

static void finish(struct run *r, winrmd_status st)
{
        winrmd_ctx *ctx = r->ctx;
        char code[16];

        if (st == WINRMD_OK) {
                snprintf(code, sizeof(code), "%d", r->status);
                r->out[0][r->len[0]] = r->out[1][r->len[1]] = '\0';
                host->begin(ctx, RUN_URI, "t:Run_OUTPUT");
                host->text(ctx, "Stdout", r->out[0]);
                host->text(ctx, "Stderr", r->out[1]);
                host->text(ctx, "ExitCode", code);
                host->text(ctx, "Mechanism", host->jobs_mechanism(r->jobs));
                host->end(ctx);
        }
        if (r->timer)
                host->timer_free(r->timer);
        if (r->proc)
                host->process_free(r->proc);
        host->jobs_free(r->jobs);
        free(r->stdin_text);
        free(r);
        host->complete(ctx, st);
}

static void maybe_done(struct run *r)
{
        if (r->exited && r->eof[0] && r->eof[1])
                finish(r, WINRMD_OK);
}

/* Drains stream s (1 or 2) as far as its buffer and ReadLimit allow. */
static void drain(struct run *r, int s)
{
        for (;;) {
                char scratch[4096];
                size_t room = CAP - r->len[s - 1];
                long n;

                if (!r->exited && r->read_limit && r->len[0] + r->len[1] >= r->read_limit)
                        return;         /* stop reading: the process waits on its pipe */
                n = host->process_read(r->proc, s, room ? r->out[s - 1] + r->len[s - 1] : scratch,
                                       room ? room : sizeof(scratch));
                if (n == -EAGAIN)
                        return;
                if (n <= 0) {
                        r->eof[s - 1] = true;
                        return;
                }
                if (room)
                        r->len[s - 1] += (size_t)n;
        }
}

static void on_readable(void *arg, int stream)
{
        struct run *r = arg;

        drain(r, stream);
        maybe_done(r);
}

static void feed(struct run *r)
{
        size_t left = r->stdin_text ? strlen(r->stdin_text) - r->stdin_off : 0;

        while (left > 0) {
                long n = host->process_write(r->proc, r->stdin_text + r->stdin_off, left);
                if (n == -EAGAIN)
                        return;
                if (n < 0)
                        break;
                r->stdin_off += (size_t)n;
                left -= (size_t)n;
        }
        host->process_close_stdin(r->proc);
}

static void on_writable(void *arg)
{
        feed(arg);
}

static void on_exited(void *arg, int status)
{
        struct run *r = arg;

        r->exited = true;
        r->status = status;
        drain(r, 1);
        drain(r, 2);
        maybe_done(r);
}

static void on_signal_timer(void *arg)
{
        struct run *r = arg;

        host->process_signal(r->proc, r->sig);
}

static void on_started(void *arg, int err)
{
        struct run *r = arg;
        char msg[128];

        if (err < 0) {
                host->process_free(r->proc);
                r->proc = NULL;
                snprintf(msg, sizeof(msg), "The process did not start: %s.", strerror(-err));
                host->fault(r->ctx, err == -ENOENT ? WINRMD_E_INVALID_VALUE : WINRMD_E_INTERNAL, msg);
                finish(r, WINRMD_E_INTERNAL);
                return;
        }
        feed(r);
}

static const char *field(winrmd_ctx *ctx, const winrmd_node *root, const char *name)
{
        for (const winrmd_node *e = host->node_child(root); e; e = host->node_next(e))
                if (!strcmp(host->node_name(e), name))
                        return host->node_text(ctx, e);
        return NULL;
}

static long num(winrmd_ctx *ctx, const winrmd_node *root, const char *name)
{
        const char *v = field(ctx, root, name);

        return v ? strtol(v, NULL, 10) : 0;
}

static winrmd_status run_invoke(winrmd_ctx *ctx, const char *method)
{
        static const winrmd_process_events ev = { on_readable, on_writable, on_exited, on_started };
        const winrmd_node *root = host->body(ctx);
        winrmd_limits lim = { .size = sizeof(lim) };
        winrmd_spawn sp = { .size = sizeof(sp) };
        const char *cmd, *argv[4];
        struct run *r;
        int e;

        if (strcmp(method, "Run") || !root || !(cmd = field(ctx, root, "Command")))
                return host->fault(ctx, WINRMD_E_SCHEMA, "Run_INPUT needs a Command.");
        r = calloc(1, sizeof(*r));
        if (!r)
                return WINRMD_E_INTERNAL;
        lim.max_memory_bytes = (uint64_t)num(ctx, root, "MaxMemoryMB") << 20;
        lim.max_processes = (uint32_t)num(ctx, root, "MaxProcesses");
        lim.max_run_time_ms = (uint64_t)num(ctx, root, "MaxRunTimeMs");
        r->read_limit = (size_t)num(ctx, root, "ReadLimit");
        r->sig = (int)num(ctx, root, "Signal");
        if (field(ctx, root, "Stdin"))
                r->stdin_text = strdup(field(ctx, root, "Stdin"));
        e = host->jobs_new(ctx, &lim, &r->jobs);
        if (e < 0) {
                free(r->stdin_text);
                free(r);
                return host->fault(ctx, WINRMD_E_DENIED, "This caller may not run processes.");
        }
        argv[0] = "/bin/sh";
        argv[1] = "-c";
        argv[2] = cmd;
        argv[3] = NULL;
        sp.argv = argv;
        sp.cwd = field(ctx, root, "Cwd");
        r->ctx = ctx;
        e = host->spawn(r->jobs, &sp, &ev, r, &r->proc);
        if (e < 0) {
                host->jobs_free(r->jobs);
                free(r->stdin_text);
                free(r);
                return host->fault(ctx, WINRMD_E_INTERNAL, "spawn failed");
        }
        if (r->sig && num(ctx, root, "SignalAfterMs") > 0) {
                r->timer = host->timer_new(on_signal_timer, r);
                if (r->timer)
                        host->timer_start(r->timer, num(ctx, root, "SignalAfterMs"));
        }
        return WINRMD_PENDING;
}

static void run_cancel(void *state, winrmd_ctx *ctx)
{
        (void)state;
        (void)ctx;      /* a test provider: requests are short; nothing is tracked */
}

static const winrmd_resource resources[] = {
        { .uri = RUN_URI, .invoke = run_invoke },
        { .uri = NULL }
};

static int run_load(const winrmd_host *h, void **state, char *reason, size_t reason_len)
{
        if (!WINRMD_HOST_HAS(h, jobs_mechanism)) {
                snprintf(reason, reason_len, "no process members in this host table");
                return -1;
        }
        host = h;
        *state = NULL;
        return 0;
}

/* The provider's entry: one test resource. */
__attribute__((visibility("default")))
const winrmd_provider winrmd_provider_v1 = {
        WINRMD_PROVIDER_INIT,
        .name = "run",
        .resources = resources,
        .load = run_load,
        .cancel = run_cancel,
};
