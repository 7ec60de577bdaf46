/* winrs_args.c - the winrs command line (see winrs_args.h).
 *
 * Every value ends up in XML (the shell's environment, its folder, the
 * command), so text XML 1.0 cannot carry is refused here, with the switch
 * or word that holds it: bytes that are not UTF-8, and control characters
 * other than tab, line feed and carriage return. */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/xmlstring.h>

#include "winrs_args.h"

#define MAX_ENV 256
#define MAX_TIMEOUT_MS 86400000L

const char winrs_usage[] =
        "winrs - run a command on a remote host through WS-Management (winrmd " WINRMD_VERSION ")\n"
        "\n"
        "Usage:\n"
        "  winrs [-SWITCH[:VALUE]]... COMMAND [ARGUMENT]...\n"
        "\n"
        "Switches (any case; '-' or '/'):\n"
        "  -r[emote]:HOST[:PORT] | URL  The host: a name, HOST:PORT, [IPv6]:PORT or\n"
        "                               http(s)://HOST:PORT/PATH.  Without it, the local\n"
        "                               winrmd through its control socket.\n"
        "  -u[sername]:USER             Basic authentication as USER.\n"
        "  -p[assword]:PASSWORD         Else $WINRM_PASSWORD, else a prompt on the terminal.\n"
        "  -[use]ssl                    HTTPS (also implied by an https:// URL).\n"
        "  -un[encrypted]               Allow Basic over plain HTTP where the Client\n"
        "                               configuration allows unencrypted traffic.\n"
        "  -a[uth]:Basic|Certificate    How to authenticate; Certificate needs\n"
        "  -certificate:PATH|THUMBPRINT a client certificate (HTTPS only).\n"
        "  -skipCAcheck, -skipCNcheck   Accept a server certificate from any issuer, for any name.\n"
        "  -cafile:PATH                 Trust the CAs in PATH instead of the system's.\n"
        "  -d[irectory]:DIR             The remote working folder.\n"
        "  -env[ironment]:NAME=VALUE    A remote environment variable (repeatable).\n"
        "  -nop[rofile]                 Do not load the user's profile.\n"
        "  -cp | -codepage:N            The shell's code page (default 65001, UTF-8).\n"
        "  -timeout:MS                  The operation time-out of each request (default 60000).\n"
        "  -?                           This help.\n"
        "\n"
        "The command is everything after the switches (\"--\" ends them).  One word is\n"
        "sent whole, as the command line; several words are sent as the command and\n"
        "its arguments, one per word, which the remote shell joins with blanks.\n"
        "Standard input is forwarded; Ctrl-C interrupts the remote command, a second\n"
        "Ctrl-C ends it and winrs.\n"
        "\n"
        "Exit status: the remote command's exit code; 2 for a command line that does\n"
        "not parse; 255 when winrs itself fails (connection, authentication, fault);\n"
        "130, 143, 129 after a second Ctrl-C, SIGTERM, SIGHUP.\n"
        "\n"
        "Examples:\n"
        "  winrs -r:https://host.example.com:5986 -u:admin uname -a\n"
        "  winrs -r:host.example.com:5986 -ssl -u:admin -d:/tmp \"ls -l | wc -l\"\n"
        "  tar cf - dir | winrs -r:host -ssl -u:admin -env:LC_ALL=C.UTF-8 \"tar xf - -C /srv\"\n";

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/* Text XML 1.0 can carry: UTF-8 without control characters but tab, line
 * feed and carriage return. */
static bool text_ok(const char *s)
{
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
                if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                        return false;
        return xmlCheckUTF8((const xmlChar *)s) != 0;
}

/* --- switches ------------------------------------------------------------------- */

enum sw_kind { SW_FLAG, SW_VALUE, SW_ENV, SW_CODEPAGE, SW_TIMEOUT, SW_HELP };

struct sw {
        const char *name;           /* lower case */
        const char *alias, *alias2;
        enum sw_kind kind;
        size_t field;               /* offset of the char * or bool in winrs_opts */
};

#define AT(f) offsetof(struct winrs_opts, f)
static const struct sw switches[] = {
        { "remote", "r", NULL, SW_VALUE, AT(remote) },
        { "username", "u", NULL, SW_VALUE, AT(username) },
        { "password", "p", NULL, SW_VALUE, AT(password) },
        { "auth", "a", "authentication", SW_VALUE, AT(auth) },
        { "certificate", NULL, NULL, SW_VALUE, AT(certificate) },
        { "cafile", NULL, NULL, SW_VALUE, AT(cafile) },
        { "directory", "d", NULL, SW_VALUE, AT(directory) },
        { "environment", "env", NULL, SW_ENV, 0 },
        { "ssl", "usessl", NULL, SW_FLAG, AT(ssl) },
        { "unencrypted", "un", NULL, SW_FLAG, AT(unencrypted) },
        { "skipcacheck", NULL, NULL, SW_FLAG, AT(skip_ca) },
        { "skipcncheck", NULL, NULL, SW_FLAG, AT(skip_cn) },
        { "noprofile", "nop", NULL, SW_FLAG, AT(noprofile) },
        { "codepage", "cp", NULL, SW_CODEPAGE, 0 },
        { "timeout", NULL, NULL, SW_TIMEOUT, 0 },
        { "?", "help", NULL, SW_HELP, 0 },
};
#undef AT

/* The switch arg names ("-name[:value]" or "/name..."), or NULL. */
static const struct sw *switch_of(const char *arg)
{
        const char *colon = strchr(arg + 1, ':');
        size_t n = colon ? (size_t)(colon - arg - 1) : strlen(arg + 1);

        for (size_t i = 0; i < sizeof(switches) / sizeof(switches[0]); i++) {
                const struct sw *s = &switches[i];
                if ((strlen(s->name) == n && !strncasecmp(arg + 1, s->name, n)) ||
                    (s->alias && strlen(s->alias) == n && !strncasecmp(arg + 1, s->alias, n)) ||
                    (s->alias2 && strlen(s->alias2) == n && !strncasecmp(arg + 1, s->alias2, n)))
                        return s;
        }
        return NULL;
}

/* A decimal number lo..hi, the whole of v. */
static bool number_in(const char *v, long lo, long hi, long *out)
{
        char *end;
        long n;

        if (!isdigit((unsigned char)*v))
                return false;
        errno = 0;
        n = strtol(v, &end, 10);
        if (*end || errno || n < lo || n > hi)
                return false;
        *out = n;
        return true;
}

/* -env:NAME=VALUE appended to o->env. */
static int add_env(struct winrs_opts *o, const char *v, char *err, size_t len)
{
        const char *eq = strchr(v, '=');
        struct cli_pair *grown;
        size_t n = eq ? (size_t)(eq - v) : 0;

        if (!eq || n == 0)
                return fail(err, len, "The switch -env takes NAME=VALUE, not \"%.64s\".", v);
        for (size_t i = 0; i < n; i++)
                if ((unsigned char)v[i] <= 0x20 || v[i] == 0x7f)
                        return fail(err, len, "The variable name \"%.*s\" holds blanks or control characters.",
                                    (int)(n > 64 ? 64 : n), v);
        if (!text_ok(v))
                return fail(err, len, "The variable %.*s is not UTF-8 text without control characters.",
                            (int)(n > 64 ? 64 : n), v);
        if (o->n_env >= MAX_ENV)
                return fail(err, len, "Too many -env: switches (at most %d).", MAX_ENV);
        grown = realloc(o->env, (o->n_env + 1) * sizeof(*grown));
        if (!grown)
                return fail(err, len, "Out of memory.");
        o->env = grown;
        grown[o->n_env].name = strndup(v, n);
        grown[o->n_env].value = strdup(eq + 1);
        if (!grown[o->n_env].name || !grown[o->n_env].value) {
                free(grown[o->n_env].name);
                free(grown[o->n_env].value);
                return fail(err, len, "Out of memory.");
        }
        o->n_env++;
        return 0;
}

/* One switch s with its value (NULL without ':'). */
static int apply(struct winrs_opts *o, const struct sw *s, const char *value, char *err, size_t len)
{
        long n;

        if (s->kind == SW_HELP) {
                o->help = true;
                return 0;
        }
        if (s->kind == SW_FLAG) {
                if (value)
                        return fail(err, len, "The switch -%s takes no value.", s->name);
                *(bool *)((char *)o + s->field) = true;
                return 0;
        }
        if (!value || !*value)
                return fail(err, len, "The switch -%s needs a value (-%s:VALUE).", s->name, s->name);
        switch (s->kind) {
        case SW_ENV:
                return add_env(o, value, err, len);
        case SW_CODEPAGE:
                if (o->codepage)
                        return fail(err, len, "The switch -codepage is given twice.");
                if (!number_in(value, 1, 65535, &n))
                        return fail(err, len, "The value of -codepage must be a code page from 1 to 65535, not \"%.64s\".",
                                    value);
                o->codepage = (unsigned)n;
                return 0;
        case SW_TIMEOUT:
                if (o->timeout_ms)
                        return fail(err, len, "The switch -timeout is given twice.");
                if (!number_in(value, 1, MAX_TIMEOUT_MS, &n))
                        return fail(err, len, "The value of -timeout must be milliseconds from 1 to %ld, not \"%.64s\".",
                                    MAX_TIMEOUT_MS, value);
                o->timeout_ms = n;
                return 0;
        default:
                break;
        }
        {
                char **dst = (char **)((char *)o + s->field);
                if (*dst)
                        return fail(err, len, "The switch -%s is given twice.", s->name);
                if (!text_ok(value))
                        return fail(err, len, "The value of -%s is not UTF-8 text without control characters.", s->name);
                *dst = strdup(value);
                return *dst ? 0 : fail(err, len, "Out of memory.");
        }
}

int winrs_parse(int argc, char **argv, struct winrs_opts *out, char *err, size_t err_len)
{
        int i, r;

        memset(out, 0, sizeof(*out));
        for (i = 1; i < argc; i++) {
                const char *arg = argv[i], *colon;
                const struct sw *s;

                if (!strcmp(arg, "--")) {
                        i++;
                        break;
                }
                if (arg[0] != '-' && arg[0] != '/')
                        break;
                s = arg[1] ? switch_of(arg) : NULL;
                if (!s && arg[0] == '/')
                        break;          /* a path: the command starts here */
                if (!s)
                        return fail(err, err_len, "The switch \"%.64s\" is not known (winrs -? lists them).", arg);
                colon = strchr(arg + 1, ':');
                r = apply(out, s, colon ? colon + 1 : NULL, err, err_len);
                if (r < 0)
                        return r;
                if (out->help)
                        return 0;
        }
        for (int k = i; k < argc; k++)
                if (!text_ok(argv[k]))
                        return fail(err, err_len, "Word %d of the command is not UTF-8 text without control characters.",
                                    k - i + 1);
        if (i >= argc || !*argv[i])
                return fail(err, err_len, "No command to run (winrs -? for help).");
        out->command = argv + i;
        out->n_command = (size_t)(argc - i);
        if (!out->codepage)
                out->codepage = WINRS_CODEPAGE_UTF8;
        return 0;
}

void winrs_opts_free(struct winrs_opts *o)
{
        char **strings[] = { &o->remote, &o->username, &o->password, &o->auth, &o->certificate, &o->cafile,
                             &o->directory };

        if (o->password)
                explicit_bzero(o->password, strlen(o->password));
        for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
                free(*strings[i]);
                *strings[i] = NULL;
        }
        for (size_t i = 0; i < o->n_env; i++) {
                free(o->env[i].name);
                free(o->env[i].value);
        }
        free(o->env);
        o->env = NULL;
        o->n_env = 0;
}

struct cli_cmd winrs_target_cmd(const struct winrs_opts *o)
{
        return (struct cli_cmd){
                .remote = o->remote, .username = o->username, .password = o->password, .auth = o->auth,
                .certificate = o->certificate, .cafile = o->cafile, .usessl = o->ssl,
                .unencrypted = o->unencrypted, .skip_ca = o->skip_ca, .skip_cn = o->skip_cn,
                .timeout_ms = o->timeout_ms,
        };
}
