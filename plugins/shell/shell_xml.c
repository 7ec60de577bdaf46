/* shell_xml.c - the bodies of Create (rsp:Shell), Command
 * (rsp:CommandLine), Receive, Signal and Send, the WINRS_* options, and
 * the rsp:Shell element of Create, Get and Enumerate.  Elements are
 * matched by namespace and local name; unknown children are ignored, as
 * clients add what their Windows version knew. */
#define _POSIX_C_SOURCE 200809L    /* POSIX interfaces under -std=c11 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shell_parse.h"
#include "shell_xml.h"

/* True when n is the rsp element name. */
static bool is(const winrmd_node *n, const char *name)
{
        return !strcmp(shell_host->node_ns(n), SHELL_NS) && !strcmp(shell_host->node_name(n), name);
}

/* The body's root when it is the rsp element name; else a fault. */
static const winrmd_node *root(winrmd_ctx *ctx, const char *name, winrmd_status *st)
{
        const winrmd_node *b = shell_host->body(ctx);
        char msg[160];

        if (b && is(b, name))
                return b;
        snprintf(msg, sizeof(msg), "The body must be rsp:%s in the namespace " SHELL_NS ".", name);
        *st = shell_host->fault(ctx, WINRMD_E_SCHEMA, msg);
        return NULL;
}

static winrmd_status bad_value(winrmd_ctx *ctx, const char *what)
{
        char msg[200];

        snprintf(msg, sizeof(msg), "The value of %s is not valid.", what);
        return shell_host->fault(ctx, WINRMD_E_INVALID_VALUE, msg);
}

/* Reads the rsp:Variable children of rsp:Environment into r. */
static winrmd_status read_env(winrmd_ctx *ctx, const winrmd_node *env, struct sx_shell_req *r)
{
        for (const winrmd_node *v = shell_host->node_child(env); v; v = shell_host->node_next(v)) {
                const char *name, *value;

                if (!is(v, "Variable"))
                        continue;
                name = shell_host->node_attr(ctx, v, "Name");
                value = shell_host->node_text_exact(ctx, v);
                if (!sp_env_name_ok(name) || !value)
                        return bad_value(ctx, "rsp:Variable (a Name without '=' is needed)");
                if (r->n_env == SHELL_MAX_ENV)
                        return shell_host->fault(ctx, WINRMD_E_QUOTA, "A shell takes 256 environment variables at most.");
                r->env_name[r->n_env] = name;
                r->env_value[r->n_env++] = value;
        }
        return WINRMD_OK;
}

/* InputStreams must name stdin, OutputStreams stdout and/or stderr. */
static winrmd_status check_streams(winrmd_ctx *ctx, const winrmd_node *n, bool input)
{
        const char *t = shell_host->node_text(ctx, n);
        unsigned bits;

        if (input ? (t && (!*t || !strcmp(t, "stdin"))) : (t && sp_streams(t, &bits) == 0))
                return WINRMD_OK;
        return bad_value(ctx, input ? "rsp:InputStreams (this shell has stdin only)"
                                    : "rsp:OutputStreams (this shell has stdout and stderr only)");
}

winrmd_status sx_shell_body(winrmd_ctx *ctx, struct sx_shell_req *r)
{
        winrmd_status st = WINRMD_OK;
        const winrmd_node *b = root(ctx, "Shell", &st);

        memset(r, 0, sizeof(*r));
        if (!b)
                return st;
        r->shell_id = shell_host->node_attr(ctx, b, "ShellId");
        for (const winrmd_node *n = shell_host->node_child(b); n && st == WINRMD_OK; n = shell_host->node_next(n)) {
                if (is(n, "Name"))
                        r->name = shell_host->node_text(ctx, n);
                else if (is(n, "WorkingDirectory"))
                        r->cwd = shell_host->node_text(ctx, n);
                else if (is(n, "Environment"))
                        st = read_env(ctx, n, r);
                else if (is(n, "IdleTimeOut") && sp_duration_ms(shell_host->node_text(ctx, n), &r->idle_ms) < 0)
                        st = bad_value(ctx, "rsp:IdleTimeOut (an xs:duration such as PT7200S)");
                else if (is(n, "Lifetime") && sp_duration_ms(shell_host->node_text(ctx, n), &r->lifetime_ms) < 0)
                        st = bad_value(ctx, "rsp:Lifetime (an xs:duration such as PT3600S)");
                else if (is(n, "InputStreams"))
                        st = check_streams(ctx, n, true);
                else if (is(n, "OutputStreams"))
                        st = check_streams(ctx, n, false);
        }
        if (st == WINRMD_OK && r->cwd && r->cwd[0] != '/')
                st = bad_value(ctx, "rsp:WorkingDirectory (an absolute path)");
        if (st == WINRMD_OK && r->shell_id && !sp_guid_ok(r->shell_id))
                st = bad_value(ctx, "the ShellId attribute (a GUID)");
        return st;
}

winrmd_status sx_command_body(winrmd_ctx *ctx, struct sx_command_req *r)
{
        winrmd_status st = WINRMD_OK;
        const winrmd_node *b = root(ctx, "CommandLine", &st);
        size_t cap = 0;

        memset(r, 0, sizeof(*r));
        if (!b)
                return st;
        r->command_id = shell_host->node_attr(ctx, b, "CommandId");
        if (r->command_id && !sp_guid_ok(r->command_id))
                return bad_value(ctx, "the CommandId attribute (a GUID)");
        for (const winrmd_node *n = shell_host->node_child(b); n; n = shell_host->node_next(n)) {
                if (is(n, "Command")) {
                        r->command = shell_host->node_text(ctx, n);
                } else if (is(n, "Arguments")) {
                        const char *a = shell_host->node_text_exact(ctx, n);
                        if (!a)
                                return WINRMD_E_INTERNAL;
                        if (r->n_args == cap) {
                                size_t ncap = cap ? cap * 2 : 8;
                                const char **na = realloc(r->args, ncap * sizeof(*na));
                                if (!na)
                                        return WINRMD_E_INTERNAL;
                                r->args = na;
                                cap = ncap;
                        }
                        r->args[r->n_args++] = a;
                }
        }
        if (!r->command || !*r->command)
                return shell_host->fault(ctx, WINRMD_E_SCHEMA, "rsp:CommandLine needs a non-empty rsp:Command.");
        return WINRMD_OK;
}

winrmd_status sx_receive_body(winrmd_ctx *ctx, const char **command_id, unsigned *streams)
{
        winrmd_status st = WINRMD_OK;
        const winrmd_node *b = root(ctx, "Receive", &st), *d;

        if (!b)
                return st;
        for (d = shell_host->node_child(b); d && !is(d, "DesiredStream"); d = shell_host->node_next(d))
                ;
        if (!d)
                return shell_host->fault(ctx, WINRMD_E_SCHEMA, "rsp:Receive needs rsp:DesiredStream.");
        *command_id = shell_host->node_attr(ctx, d, "CommandId");
        if (!*command_id)
                return shell_host->fault(ctx, WINRMD_E_SCHEMA,
                                         "rsp:DesiredStream needs the CommandId attribute (this shell has no shell-level streams).");
        if (sp_streams(shell_host->node_text(ctx, d), streams) < 0)
                return bad_value(ctx, "rsp:DesiredStream (stdout and/or stderr)");
        return WINRMD_OK;
}

winrmd_status sx_signal_body(winrmd_ctx *ctx, const char **command_id, const char **code)
{
        winrmd_status st = WINRMD_OK;
        const winrmd_node *b = root(ctx, "Signal", &st), *c;

        if (!b)
                return st;
        *command_id = shell_host->node_attr(ctx, b, "CommandId");
        for (c = shell_host->node_child(b); c && !is(c, "Code"); c = shell_host->node_next(c))
                ;
        if (!c)
                return shell_host->fault(ctx, WINRMD_E_SCHEMA, "rsp:Signal needs rsp:Code.");
        *code = shell_host->node_text(ctx, c);
        if (!*command_id)
                return shell_host->fault(ctx, WINRMD_E_SCHEMA, "rsp:Signal needs the CommandId attribute.");
        return WINRMD_OK;
}

winrmd_status sx_send_body(winrmd_ctx *ctx, struct sx_stream *out, size_t *n)
{
        winrmd_status st = WINRMD_OK;
        const winrmd_node *b = root(ctx, "Send", &st);
        bool end;

        *n = 0;
        if (!b)
                return st;
        for (const winrmd_node *s = shell_host->node_child(b); s; s = shell_host->node_next(s)) {
                const char *e;

                if (!is(s, "Stream"))
                        continue;
                if (*n == SX_MAX_SEND_STREAMS)
                        return shell_host->fault(ctx, WINRMD_E_QUOTA, "A Send takes 16 rsp:Stream elements at most.");
                out[*n].name = shell_host->node_attr(ctx, s, "Name");
                out[*n].command_id = shell_host->node_attr(ctx, s, "CommandId");
                out[*n].text = shell_host->node_text(ctx, s);
                e = shell_host->node_attr(ctx, s, "End");
                end = false;
                if (e && sp_bool(e, &end) < 0)
                        return bad_value(ctx, "the End attribute (true or false)");
                out[*n].end = end;
                if (!out[*n].name || strcmp(out[*n].name, "stdin"))
                        return bad_value(ctx, "the Name attribute of rsp:Stream (this shell takes stdin only)");
                if (!out[*n].command_id)
                        return shell_host->fault(ctx, WINRMD_E_SCHEMA, "rsp:Stream needs the CommandId attribute.");
                if (!out[*n].text)
                        return WINRMD_E_INTERNAL;
                (*n)++;
        }
        if (!*n)
                return shell_host->fault(ctx, WINRMD_E_SCHEMA, "rsp:Send needs an rsp:Stream.");
        return WINRMD_OK;
}

winrmd_status sx_bool_option(winrmd_ctx *ctx, const char *name, bool def, bool *out)
{
        const char *v = shell_host->option(ctx, name);
        char what[80];

        *out = def;
        if (!v || sp_bool(v, out) == 0)
                return WINRMD_OK;
        snprintf(what, sizeof(what), "the option %s (TRUE or FALSE)", name);
        return bad_value(ctx, what);
}

winrmd_status sx_codepage_option(winrmd_ctx *ctx, unsigned *out)
{
        const char *v = shell_host->option(ctx, "WINRS_CODEPAGE");

        *out = 65001;
        if (!v || sp_codepage(v, out) == 0)
                return WINRMD_OK;
        return bad_value(ctx, "the option WINRS_CODEPAGE (a code page number)");
}

int sx_write_shell(winrmd_ctx *ctx, const struct sh_shell *sh)
{
        const winrmd_host *h = shell_host;
        int64_t now = st_now_ms();
        char idle[40], run[40], inactive[40];
        int r;

        sp_duration_seconds(st_idle_ms(sh), idle, sizeof(idle));
        sp_duration_dhms(now - sh->created_ms, run, sizeof(run));
        sp_duration_dhms(now - sh->active_ms, inactive, sizeof(inactive));
        r = h->begin(ctx, SHELL_NS, "rsp:Shell");
        if (r == 0)
                r = h->text(ctx, "ShellId", sh->id);
        if (r == 0 && sh->name)
                r = h->text(ctx, "Name", sh->name);
        if (r == 0)
                r = h->text(ctx, "ResourceUri", SHELL_URI);
        if (r == 0)
                r = h->text(ctx, "Owner", sh->owner);
        if (r == 0 && sh->client_ip[0])
                r = h->text(ctx, "ClientIP", sh->client_ip);
        if (r == 0)
                r = h->text(ctx, "IdleTimeOut", idle);
        if (r == 0)
                r = h->text(ctx, "InputStreams", "stdin");
        if (r == 0)
                r = h->text(ctx, "OutputStreams", "stdout stderr");
        if (r == 0)
                r = h->text(ctx, "ShellRunTime", run);
        if (r == 0)
                r = h->text(ctx, "ShellInactivity", inactive);
        if (r == 0)
                r = h->end(ctx);
        return r;
}
