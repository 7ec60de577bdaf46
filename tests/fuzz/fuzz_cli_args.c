/* fuzz_cli_args.c - cli_parse() on a command line, then cli_free().  The
 * input is the arguments after "winrm": split on NUL bytes when it holds
 * one, else on newlines (so that seeds read as text, one argument a line).
 *
 * Invariants: a refusal is -EINVAL with a reason and leaves nothing
 * allocated; a command that parses has a verb, a resource URI when the verb
 * needs one (without '?', blanks or control characters), a method for
 * invoke that is an XML name, and pairs with distinct non-empty names whose
 * names and values are text XML can carry (property names are XML names);
 * cli_pair_get() finds each pair; parsing the same line again gives the
 * same command; cli_free() frees it all (the leak checkers see the rest). */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "cli/cmdline.h"
#include "fuzz.h"

#define MAX_ARGS 4096

/* No control characters but tab (what cmdline.c lets into XML text). */
static bool xml_text(const char *s)
{
        for (; *s; s++)
                if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
                        return false;
        return true;
}

/* An element name cmdline.c lets through: [A-Za-z_][A-Za-z0-9_.-]*. */
static bool xml_name(const char *s)
{
        if (!isalpha((unsigned char)*s) && *s != '_')
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && !strchr("_-.", *s))
                        return false;
        return true;
}

/* Selectors or properties: named, distinct, text XML can carry. */
static void check_pairs(const struct cli_pair *p, size_t n)
{
        FUZZ_CHECK(n <= 256);
        FUZZ_CHECK(n == 0 || p != NULL);
        for (size_t i = 0; i < n; i++) {
                FUZZ_CHECK(p[i].name && p[i].name[0] && p[i].value);
                FUZZ_CHECK(xml_text(p[i].name) && xml_text(p[i].value));
                FUZZ_CHECK(cli_pair_get(p, n, p[i].name) == p[i].value);
        }
}

/* What a parsed command must be. */
static void check_cmd(const struct cli_cmd *c)
{
        FUZZ_CHECK(c->verb != VERB_NONE);
        if (c->verb == VERB_HELP)
                FUZZ_CHECK(c->help_topic != NULL);
        if (c->verb == VERB_INVOKE)
                FUZZ_CHECK(c->method && xml_name(c->method));
        if (c->verb != VERB_HELP && c->verb != VERB_IDENTIFY && c->verb != VERB_QUICKCONFIG)
                FUZZ_CHECK(c->uri != NULL);
        if (c->uri) {
                FUZZ_CHECK(c->uri[0] && !strchr(c->uri, '?') && !strchr(c->uri, ' '));
                FUZZ_CHECK(xml_text(c->uri));
        }
        check_pairs(c->selectors, c->n_selectors);
        check_pairs(c->props, c->n_props);
        for (size_t i = 0; i < c->n_props; i++)
                FUZZ_CHECK(xml_name(c->props[i].name));      /* they become elements */
        FUZZ_CHECK(c->has_props || c->n_props == 0);
        FUZZ_CHECK(!(c->file && c->has_props));
        FUZZ_CHECK(c->timeout_ms >= 0 && c->timeout_ms <= 86400000L);
}

/* Whether a and b are the same string, or both absent. */
static bool same_str(const char *a, const char *b)
{
        return a == b || (a && b && !strcmp(a, b));
}

/* The same pairs in the same order. */
static bool same_pairs(const struct cli_pair *a, size_t na, const struct cli_pair *b, size_t nb)
{
        if (na != nb)
                return false;
        for (size_t i = 0; i < na; i++)
                if (strcmp(a[i].name, b[i].name) || strcmp(a[i].value, b[i].value))
                        return false;
        return true;
}

/* The same command (the fields a parse decides). */
static bool same_cmd(const struct cli_cmd *a, const struct cli_cmd *b)
{
        return a->verb == b->verb && a->format == b->format && a->timeout_ms == b->timeout_ms &&
               a->has_props == b->has_props && same_str(a->method, b->method) && same_str(a->uri, b->uri) &&
               same_str(a->remote, b->remote) && same_str(a->file, b->file) &&
               same_str(a->help_topic, b->help_topic) &&
               same_pairs(a->selectors, a->n_selectors, b->selectors, b->n_selectors) &&
               same_pairs(a->props, a->n_props, b->props, b->n_props);
}

/* After a refusal or cli_free(): nothing is left to free. */
static void check_empty(const struct cli_cmd *c)
{
        FUZZ_CHECK(!c->method && !c->uri && !c->file && !c->remote && !c->username && !c->password);
        FUZZ_CHECK(!c->auth && !c->certificate && !c->cafile && !c->socket && !c->dialect && !c->fragment);
        FUZZ_CHECK(!c->filter);
        FUZZ_CHECK(!c->return_type && !c->transport && !c->help_topic);
        FUZZ_CHECK(!c->selectors && !c->props && c->n_selectors == 0 && c->n_props == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = fuzz_cstr(data, size), **argv;
        char sep = memchr(data, '\0', size) ? '\0' : '\n';
        struct cli_cmd cmd, again;
        char err[256], err2[256];
        int argc = 1, r, r2;

        argv = malloc((MAX_ARGS + 2) * sizeof(*argv));
        if (!argv)
                abort();
        argv[0] = "winrm";
        /* every piece is an argument, empty ones too (a shell can pass "") */
        if (size > 0) {
                char *p = text, *end = text + size;
                while (argc <= MAX_ARGS) {
                        char *q = memchr(p, sep, (size_t)(end - p));
                        argv[argc++] = p;
                        if (!q)
                                break;
                        *q = '\0';
                        p = q + 1;
                }
        }
        argv[argc] = NULL;

        memset(err, 'E', sizeof(err));
        r = cli_parse(argc, argv, &cmd, err, sizeof(err));
        memset(err2, 'E', sizeof(err2));
        r2 = cli_parse(argc, argv, &again, err2, sizeof(err2));
        FUZZ_CHECK(r == r2);
        if (r == 0) {
                check_cmd(&cmd);
                FUZZ_CHECK(same_cmd(&cmd, &again));
                cli_free(&cmd);
                cli_free(&again);
                check_empty(&cmd);
        } else {
                FUZZ_CHECK(r == -EINVAL);
                FUZZ_CHECK(memchr(err, '\0', sizeof(err)) && err[0] != '\0');
                FUZZ_CHECK(!strcmp(err, err2));
                check_empty(&cmd);
                check_empty(&again);
        }
        free(argv);
        free(text);
        return 0;
}
