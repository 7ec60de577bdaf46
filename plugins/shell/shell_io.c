/* shell_io.c - a command's process seen from the protocol: its life
 * (start, exit, terminate), its output held for Receive, and the held
 * Receive woken (stdin is shell_stdin.c's).
 *
 * Output: each stream's bytes wait in a buffer that grows on demand up to
 * SHELL_STREAM_MAX and is freed once drained.  A full buffer stops the
 * reading; the host then stops polling the pipe and the process blocks on
 * its write (back-pressure) until a Receive drains the buffer.  Every
 * byte is delivered once.
 *
 * Receive: answered at once when there is output, an End or the exit to
 * report; otherwise held (WINRMD_PENDING) until output arrives (gathered
 * for SHELL_COALESCE_MS, or at once when a buffer fills), the process
 * ends, or the deadline (OperationTimeout minus min(5 s, 20 %)) gives the
 * w:TimedOut fault clients retry on.  One timer per command serves the
 * held Receive, the grace after the exit and the SIGKILL after a
 * terminate.  Commands are never freed inside a host callback. */
#define _POSIX_C_SOURCE 200809L    /* POSIX interfaces under -std=c11 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "shell_cp.h"
#include "shell_parse.h"

#define REPLY_OVERHEAD 2048           /* envelope, ReceiveResponse, stream tags, CommandState */

static void tick(void *arg);
static void unlink_command(struct sh_command *c);

/* Raw output the reply to ctx (a Receive; NULL: none held) may carry:
 * what base64 of it leaves room for under the request's reply limit
 * (MaxEnvelopeSizekb, or the client's smaller MaxEnvelopeSize), at most
 * SHELL_RECEIVE_MAX. */
static size_t receive_budget(const winrmd_ctx *ctx)
{
        int64_t limit = st_config_long("max_envelope_kb", 150) * 1024;
        int64_t room, raw;

        if (ctx && WINRMD_HOST_HAS(shell_host, reply_limit) && shell_host->reply_limit(ctx) > 0)
                limit = (int64_t)shell_host->reply_limit(ctx);
        room = limit - REPLY_OVERHEAD;
        raw = room / 4 * 3 - 6;

        if (raw > SHELL_RECEIVE_MAX)
                raw = SHELL_RECEIVE_MAX;
        return raw < 1024 ? 1024 : (size_t)raw;
}

/* Makes room to read into s: 0, -ENOSPC when s is full, -ENOMEM. */
static int make_room(struct sh_stream *s)
{
        unsigned char *b;
        size_t cap;

        if (s->len < s->cap)
                return 0;
        if (s->cap >= SHELL_STREAM_MAX)
                return -ENOSPC;
        cap = s->cap ? s->cap * 2 : 4096;
        if (cap > SHELL_STREAM_MAX)
                cap = SHELL_STREAM_MAX;
        b = realloc(s->buf, cap);
        if (!b)
                return -ENOMEM;
        s->buf = b;
        s->cap = cap;
        return 0;
}

/* Forgets the first n bytes of s; an empty stream holds no memory. */
static void stream_drop(struct sh_stream *s, size_t n)
{
        if (n >= s->len) {
                free(s->buf);
                s->buf = NULL;
                s->len = s->cap = 0;
                return;
        }
        memmove(s->buf, s->buf + n, s->len - n);
        s->len -= n;
}

/* Reads stream i while the host says it has bytes and there is room.
 * What nobody will receive (a dying command's, a stream the last Receive
 * did not ask for) is read and dropped.  After the exit (and its grace)
 * a stream ends at its first pause: a background process that kept the
 * pipe open does not keep the command running. */
static void pump(struct sh_command *c, int i)
{
        struct sh_stream *s = &c->out[i];
        unsigned char sink[4096];
        long n;

        while (s->want && !s->eof && c->proc) {
                bool drop = c->dying || (c->discard & (1u << i));

                if (drop) {
                        n = shell_host->process_read(c->proc, i + 1, sink, sizeof(sink));
                } else {
                        if (make_room(s) < 0)
                                return;       /* full: the rest waits in the pipe */
                        n = shell_host->process_read(c->proc, i + 1, s->buf + s->len, s->cap - s->len);
                }
                if (n > 0) {
                        if (!drop)
                                s->len += (size_t)n;
                } else if (n == -EAGAIN) {
                        s->want = false;
                        if (c->exited && st_now_ms() >= c->exit_ms + SHELL_EXIT_GRACE_MS)
                                s->eof = true;
                } else {
                        s->want = false;      /* its end, or an error that ends it */
                        s->eof = true;
                }
        }
}

static bool finished(const struct sh_command *c)
{
        return c->exited && c->out[SH_STDOUT].eof && c->out[SH_STDERR].eof;
}

/* Bytes of stream i a reply may take now (a UTF-8 sequence still being
 * written waits when the output is converted). */
static size_t available(const struct sh_command *c, int i)
{
        const struct sh_stream *s = &c->out[i];

        if (c->shell->iconv && !s->eof)
                return s->len - cp_utf8_tail(s->buf, s->len);
        return s->len;
}

/* True when a reply for streams has output or an End to give. */
static bool deliverable(const struct sh_command *c, unsigned streams)
{
        for (int i = 0; i < 2; i++)
                if ((streams & (1u << i)) &&
                    (available(c, i) > 0 || (c->out[i].eof && !c->out[i].len && !c->out[i].end_sent)))
                        return true;
        return false;
}

/* True when streams have bytes to give (not only an End). */
static bool has_bytes(const struct sh_command *c, unsigned streams)
{
        for (int i = 0; i < 2; i++)
                if ((streams & (1u << i)) && available(c, i) > 0)
                        return true;
        return false;
}

/* True when the held Receive should not wait for more: a buffer it asks
 * for is full or holds a whole reply. */
static bool full(const struct sh_command *c)
{
        size_t total = 0;

        for (int i = 0; i < 2; i++) {
                if (!(c->want_streams & (1u << i)))
                        continue;
                if (c->out[i].len >= SHELL_STREAM_MAX)
                        return true;
                total += c->out[i].len;
        }
        return total >= receive_budget(c->waiter);
}

/* A stream that paused before its end: after the exit's grace it ends. */
static bool has_paused(const struct sh_command *c)
{
        for (int i = 0; i < 2; i++)
                if (!c->out[i].eof && !c->out[i].want)
                        return true;
        return false;
}

/* Arms c's timer for what is due first; stops it when nothing is. */
static void schedule(struct sh_command *c)
{
        int64_t now = st_now_ms(), due = INT64_MAX;

        if (c->free_due)
                due = now;
        if (c->dying && c->kill_ms < due)
                due = c->kill_ms;
        if (c->waiter && c->deadline_ms < due)
                due = c->deadline_ms;
        if (c->waiter && c->wake_ms && c->wake_ms < due)
                due = c->wake_ms;
        if (c->exited && !c->dying && has_paused(c) && c->exit_ms + SHELL_EXIT_GRACE_MS < due)
                due = c->exit_ms + SHELL_EXIT_GRACE_MS;
        if (due == INT64_MAX) {
                if (c->timer)
                        shell_host->timer_stop(c->timer);
                return;
        }
        if (!c->timer)
                c->timer = shell_host->timer_new(tick, c);
        if (c->timer)
                shell_host->timer_start(c->timer, due > now ? due - now : 0);
        else
                shell_host->log(WINRMD_LOG_ERR, "command %s: out of memory for its timer", c->id);
}

/* <rsp:Stream Name=... CommandId=...> opened. */
static int open_stream(winrmd_ctx *ctx, const struct sh_command *c, int i)
{
        int r = shell_host->begin(ctx, NULL, "rsp:Stream");

        if (r == 0)
                r = shell_host->attr(ctx, "Name", i == SH_STDOUT ? "stdout" : "stderr");
        if (r == 0)
                r = shell_host->attr(ctx, "CommandId", c->id);
        return r;
}

/* Writes what stream i has, within *budget bytes, and its End once it
 * ended and is drained; the bytes written are gone from the buffer. */
static int write_stream(winrmd_ctx *ctx, struct sh_command *c, int i, size_t *budget)
{
        struct sh_stream *s = &c->out[i];
        size_t avail = available(c, i), produced, used;
        unsigned char *data = s->buf, *conv = NULL;
        char *b64;
        int r = 0;

        if (avail && *budget) {
                if (c->shell->iconv) {
                        conv = malloc(*budget);
                        if (!conv)
                                return -ENOMEM;
                        produced = cp_convert(c->shell->iconv, s->buf, avail, s->eof && avail == s->len, conv,
                                              *budget, &used);
                        data = conv;
                } else {
                        produced = used = avail < *budget ? avail : *budget;
                }
                if (produced) {
                        b64 = malloc(sp_base64_len(produced) + 1);
                        if (!b64) {
                                free(conv);
                                return -ENOMEM;
                        }
                        sp_base64_encode(data, produced, b64);
                        r = open_stream(ctx, c, i);
                        if (r == 0)
                                r = shell_host->content(ctx, b64);
                        if (r == 0)
                                r = shell_host->end(ctx);
                        free(b64);
                }
                free(conv);
                if (r < 0)
                        return r;
                stream_drop(s, used);
                *budget -= produced;
        }
        if (s->eof && !s->len && !s->end_sent) {
                r = open_stream(ctx, c, i);
                if (r == 0)
                        r = shell_host->attr(ctx, "End", "true");
                if (r == 0)
                        r = shell_host->end(ctx);
                s->end_sent = true;
        }
        return r;
}

/* Writes the rsp:ReceiveResponse for streams: output, then exactly one
 * rsp:CommandState (Done with ExitCode once everything was delivered). */
static winrmd_status write_receive(winrmd_ctx *ctx, struct sh_command *c, unsigned streams)
{
        size_t budget = receive_budget(ctx);
        char code[16];
        bool done;
        int r = shell_host->begin(ctx, SHELL_NS, "rsp:ReceiveResponse");

        for (int i = 0; i < 2 && r == 0; i++) {
                if (!(streams & (1u << i)))
                        stream_drop(&c->out[i], c->out[i].len);
                else if (!c->done_sent)
                        r = write_stream(ctx, c, i, &budget);
        }
        done = c->done_sent || (finished(c) && !c->out[SH_STDOUT].len && !c->out[SH_STDERR].len);
        if (r == 0)
                r = shell_host->begin(ctx, NULL, "rsp:CommandState");
        if (r == 0)
                r = shell_host->attr(ctx, "CommandId", c->id);
        if (r == 0)
                r = shell_host->attr(ctx, "State", done ? SHELL_STATE_DONE : SHELL_STATE_RUNNING);
        if (r == 0 && done) {
                snprintf(code, sizeof(code), "%d", c->status < 0 ? 1 : c->status);
                r = shell_host->text(ctx, "ExitCode", code);
        }
        if (r == 0)
                r = shell_host->end(ctx);
        if (r == 0)
                r = shell_host->end(ctx);
        if (r < 0)
                return shell_host->fault(ctx, WINRMD_E_INTERNAL, "The output could not be written into the reply.");
        if (done)
                c->done_sent = true;
        return WINRMD_OK;
}

/* Reads on after a reply drained the buffers, and rearms the timer. */
static void resume(struct sh_command *c)
{
        for (int i = 0; i < 2; i++)
                pump(c, i);
        schedule(c);
}

/* Answers the held Receive with what there is. */
static void answer(struct sh_command *c)
{
        winrmd_ctx *ctx = c->waiter;

        c->waiter = NULL;
        c->wake_ms = 0;
        st_touch(c->shell);
        shell_host->complete(ctx, write_receive(ctx, c, c->want_streams));
        resume(c);
}

/* Answers the held Receive with w:TimedOut: nothing came in time. */
static void time_out(struct sh_command *c)
{
        winrmd_ctx *ctx = c->waiter;

        c->waiter = NULL;
        c->wake_ms = 0;
        st_touch(c->shell);
        shell_host->complete(ctx, shell_host->fault(ctx, WINRMD_E_TIMED_OUT, NULL));
}

/* Something arrived: the held Receive answers now (the end, a full
 * buffer) or after the coalescing delay. */
static void wake(struct sh_command *c)
{
        if (!c->waiter)
                return;
        if (finished(c) || full(c)) {
                answer(c);
                return;
        }
        if (!c->wake_ms && deliverable(c, c->want_streams))
                c->wake_ms = st_now_ms() + SHELL_COALESCE_MS;
        schedule(c);
}

static void tick(void *arg)
{
        struct sh_command *c = arg;
        int64_t now = st_now_ms();

        if (c->free_due || (c->dying && now >= c->kill_ms)) {
                io_command_free(c, NULL);     /* a process still running is killed with its group */
                return;
        }
        if (c->exited && now >= c->exit_ms + SHELL_EXIT_GRACE_MS)
                for (int i = 0; i < 2; i++)
                        if (!c->out[i].want)
                                c->out[i].eof = true;
        if (c->waiter) {
                if (finished(c) || (c->wake_ms && now >= c->wake_ms))
                        answer(c);
                else if (now >= c->deadline_ms)
                        time_out(c);
        }
        schedule(c);
}

static void ev_readable(void *arg, int stream)
{
        struct sh_command *c = arg;

        if (stream != 1 && stream != 2)
                return;
        c->out[stream - 1].want = true;
        pump(c, stream - 1);
        if (!c->dying)
                wake(c);
}

static void ev_writable(void *arg)
{
        io_flush_stdin(arg);
}

/* Takes c out of its shell's commands and frees it at the next tick. */
static void retire(struct sh_command *c)
{
        unlink_command(c);
        c->dying = true;
        c->next = c->shell->dying;
        c->shell->dying = c;
        c->free_due = true;
        schedule(c);
}

/* Writes rsp:CommandResponse for c. */
static winrmd_status write_command_response(winrmd_ctx *ctx, const struct sh_command *c)
{
        if (shell_host->begin(ctx, SHELL_NS, "rsp:CommandResponse") < 0 ||
            shell_host->text(ctx, "CommandId", c->id) < 0 || shell_host->end(ctx) < 0)
                return shell_host->fault(ctx, WINRMD_E_INTERNAL, "The reply could not be written.");
        return WINRMD_OK;
}

/* The process runs (err 0): the Command gets its reply and stdin queued
 * meanwhile goes out; or it did not start: the Command gets the fault and
 * the command goes. */
static void ev_started(void *arg, int err)
{
        struct sh_command *c = arg;
        winrmd_ctx *ctx = c->starting;

        c->starting = NULL;
        if (err == 0) {
                c->started = true;
                if (ctx)
                        shell_host->complete(ctx, write_command_response(ctx, c));
                io_flush_stdin(c);
                return;
        }
        c->start_err = err;
        if (ctx)
                shell_host->complete(ctx, shell_start_fault(ctx, err, c->shell));
        if (!c->dying)
                retire(c);
        else
                c->free_due = true;
        schedule(c);
}

static void ev_exited(void *arg, int status)
{
        struct sh_command *c = arg;

        c->exited = true;
        c->status = status;
        c->exit_ms = st_now_ms();
        if (c->dying) {
                c->free_due = true;
                schedule(c);
                return;
        }
        for (int i = 0; i < 2; i++)
                pump(c, i);
        wake(c);
        schedule(c);
}

const winrmd_process_events io_events = {
        .readable = ev_readable,
        .writable = ev_writable,
        .exited = ev_exited,
        .started = ev_started,
};

winrmd_status io_command_hold(winrmd_ctx *ctx, struct sh_command *c)
{
        if (c->started)
                return write_command_response(ctx, c);
        if (c->start_err)
                return shell_start_fault(ctx, c->start_err, c->shell);
        c->starting = ctx;
        return WINRMD_PENDING;
}

struct sh_command *io_command_new(struct sh_shell *sh, const char *id)
{
        struct sh_command *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
        c->shell = sh;
        snprintf(c->id, sizeof(c->id), "%s", id);
        c->next = sh->commands;
        sh->commands = c;
        sh->n_commands++;
        return c;
}

/* Takes c out of its shell's list (commands, or dying). */
static void unlink_command(struct sh_command *c)
{
        struct sh_command **p = c->dying ? &c->shell->dying : &c->shell->commands;

        while (*p && *p != c)
                p = &(*p)->next;
        if (!*p)
                return;
        *p = c->next;
        if (!c->dying)
                c->shell->n_commands--;
}

/* Answers the requests c holds (its Command, a Receive) with a fault. */
static void let_go(struct sh_command *c, const char *message)
{
        winrmd_ctx *held[2] = { c->starting, c->waiter };

        c->starting = c->waiter = NULL;
        for (int i = 0; i < 2; i++)
                if (held[i])
                        shell_host->complete(held[i], shell_fault(held[i], SF_COMMAND_GONE, c->id, message));
}

void io_command_free(struct sh_command *c, const char *message)
{
        let_go(c, message);
        if (c->proc)
                shell_host->process_free(c->proc);
        if (c->timer)
                shell_host->timer_free(c->timer);
        unlink_command(c);
        for (int i = 0; i < 2; i++)
                free(c->out[i].buf);
        free(c->in);
        free(c);
}

void io_command_terminate(struct sh_command *c)
{
        struct sh_shell *sh = c->shell;

        let_go(c, "it was terminated.");
        if (!c->proc || c->exited || !c->started) {
                io_command_free(c, NULL);
                return;
        }
        unlink_command(c);
        c->dying = true;
        c->next = sh->dying;
        sh->dying = c;
        for (int i = 0; i < 2; i++)
                stream_drop(&c->out[i], c->out[i].len);
        free(c->in);
        c->in = NULL;
        c->in_len = c->in_off = 0;
        c->in_closed = true;
        shell_host->process_signal(c->proc, SIGTERM);
        c->kill_ms = st_now_ms() + SHELL_KILL_GRACE_MS;
        for (int i = 0; i < 2; i++)
                pump(c, i);
        schedule(c);
}

winrmd_status io_receive(winrmd_ctx *ctx, struct sh_command *c, unsigned streams)
{
        int64_t now = st_now_ms(), left, margin;
        winrmd_status st;

        if (c->waiter) {
                /* a newer Receive replaces the held one, which took nothing */
                winrmd_ctx *old = c->waiter;
                c->waiter = NULL;
                c->wake_ms = 0;
                shell_host->complete(old, shell_host->fault(old, WINRMD_E_TIMED_OUT, NULL));
        }
        c->discard = ~streams & (SP_STREAM_STDOUT | SP_STREAM_STDERR);
        for (int i = 0; i < 2; i++) {
                if (c->discard & (1u << i))
                        stream_drop(&c->out[i], c->out[i].len);
                pump(c, i);
        }
        if (c->done_sent || finished(c) || has_bytes(c, streams)) {
                st = write_receive(ctx, c, streams);
                resume(c);
                return st;
        }
        left = shell_host->time_left_ms(ctx);
        margin = left / 5 < 5000 ? left / 5 : 5000;
        c->deadline_ms = now + left - margin;
        c->waiter = ctx;
        c->want_streams = streams;
        /* only an End to give: the exit usually follows at once, and one
         * reply then carries both (a client saves a round trip) */
        c->wake_ms = deliverable(c, streams) ? now + SHELL_COALESCE_MS : 0;
        schedule(c);
        return WINRMD_PENDING;
}

void io_cancel(winrmd_ctx *ctx)
{
        for (struct sh_shell *s = st_first(); s; s = s->next)
                for (struct sh_command *c = s->commands; c; c = c->next) {
                        if (c->waiter == ctx) {
                                c->waiter = NULL;
                                c->wake_ms = 0;
                                schedule(c);
                                return;
                        }
                        if (c->starting == ctx) {
                                /* the client never learnt of it */
                                c->starting = NULL;
                                io_command_free(c, NULL);
                                return;
                        }
                }
}
