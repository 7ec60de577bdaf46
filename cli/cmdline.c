/* cmdline.c - the winrm command's grammar (see cmdline.h).
 *
 * Property sets: @{Name="value";Other=value}.  A quoted value may hold any
 * character but '"' (write "" for one); an unquoted value runs to the next
 * ';' or '}' and loses its surrounding blanks.  A shell splits an unquoted
 * @{...} with blanks into several arguments: they are joined again with one
 * blank until the braces close.  Selector values are percent-decoded, so
 * %2B is a '+' (a bare '+' separates selectors). */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmdline.h"

#define MAX_PAIRS 256
#define MAX_ARG 65536

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/* --- verbs and switches ---------------------------------------------------- */

static const struct {
        const char *name, *abbrev;
        enum cli_verb verb;
} verbs[] = {
        { "get", "g", VERB_GET },
        { "set", "s", VERB_PUT },
        { "put", NULL, VERB_PUT },          /* the seed's winrm.vbs */
        { "create", "c", VERB_CREATE },
        { "delete", "d", VERB_DELETE },
        { "enumerate", "e", VERB_ENUMERATE },
        { "invoke", "i", VERB_INVOKE },
        { "identify", "id", VERB_IDENTIFY },
        { "quickconfig", "qc", VERB_QUICKCONFIG },
        { "help", NULL, VERB_HELP },
};

static enum cli_verb verb_of(const char *s)
{
        if (!strcmp(s, "-?") || !strcmp(s, "/?") || !strcasecmp(s, "-help") || !strcasecmp(s, "/help"))
                return VERB_HELP;
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (!strcasecmp(s, verbs[i].name) || (verbs[i].abbrev && !strcasecmp(s, verbs[i].abbrev)))
                        return verbs[i].verb;
        return VERB_NONE;
}

enum sw_kind { SW_FLAG, SW_VALUE };

struct sw {
        const char *name;           /* lower case */
        const char *alias;
        enum sw_kind kind;
        size_t field;               /* offset of the char * or bool in cli_cmd */
};

#define STR(f) offsetof(struct cli_cmd, f)
static const struct sw switches[] = {
        { "remote", "r", SW_VALUE, STR(remote) },
        { "target", NULL, SW_VALUE, STR(remote) },      /* the seed's name */
        { "username", "u", SW_VALUE, STR(username) },
        { "password", "p", SW_VALUE, STR(password) },
        { "authentication", "a", SW_VALUE, STR(auth) },
        { "auth", NULL, SW_VALUE, STR(auth) },
        { "certificate", NULL, SW_VALUE, STR(certificate) },
        { "cafile", NULL, SW_VALUE, STR(cafile) },
        { "file", NULL, SW_VALUE, STR(file) },
        { "socket", NULL, SW_VALUE, STR(socket) },
        { "dialect", NULL, SW_VALUE, STR(dialect) },
        { "fragment", NULL, SW_VALUE, STR(fragment) },
        { "filter", NULL, SW_VALUE, STR(filter) },
        { "returntype", NULL, SW_VALUE, STR(return_type) },
        { "transport", NULL, SW_VALUE, STR(transport) },
        { "unencrypted", NULL, SW_FLAG, STR(unencrypted) },
        { "usessl", NULL, SW_FLAG, STR(usessl) },
        { "skipcacheck", NULL, SW_FLAG, STR(skip_ca) },
        { "skipcncheck", NULL, SW_FLAG, STR(skip_cn) },
        { "quiet", "q", SW_FLAG, STR(quiet) },
        { "force", NULL, SW_FLAG, STR(force) },
};
#undef STR

static int set_string(char **dst, const char *v, const char *name, char *err, size_t len)
{
        if (*dst)
                return fail(err, len, "The switch -%s is given twice.", name);
        *dst = strdup(v);
        return *dst ? 0 : fail(err, len, "Out of memory.");
}

static int set_format(struct cli_cmd *c, const char *v, char *err, size_t len)
{
        if (!strcasecmp(v, "#xml") || !strcasecmp(v, "xml"))
                c->format = FORMAT_XML;
        else if (!strcasecmp(v, "text"))
                c->format = FORMAT_TEXT;
        else if (!strcasecmp(v, "pretty"))
                c->format = FORMAT_PRETTY;
        else
                return fail(err, len, "The value of -format must be #xml, text or pretty, not \"%.64s\".", v);
        return 0;
}

static int set_timeout(struct cli_cmd *c, const char *v, char *err, size_t len)
{
        char *end;
        long ms;

        errno = 0;
        ms = strtol(v, &end, 10);
        if (!*v || *end || errno || ms <= 0 || ms > 86400000L || !isdigit((unsigned char)*v))
                return fail(err, len, "The value of -timeout must be milliseconds from 1 to 86400000, not \"%.64s\".", v);
        c->timeout_ms = ms;
        return 0;
}

/* One "-name[:value]" (or "/name..."). */
static int parse_switch(struct cli_cmd *c, const char *arg, char *err, size_t len)
{
        const char *colon = strchr(arg + 1, ':');
        size_t n = colon ? (size_t)(colon - arg - 1) : strlen(arg + 1);
        const char *value = colon ? colon + 1 : NULL;
        char name[32];

        if (n == 0 || n >= sizeof(name))
                return fail(err, len, "The switch \"%.64s\" is not known (winrm help switches).", arg);
        for (size_t i = 0; i < n; i++)
                name[i] = (char)tolower((unsigned char)arg[1 + i]);
        name[n] = '\0';
        if (!strcmp(name, "format")) {
                if (!value)
                        return fail(err, len, "The switch -format needs a value (-format:#xml).");
                return set_format(c, value, err, len);
        }
        if (!strcmp(name, "timeout")) {
                if (!value)
                        return fail(err, len, "The switch -timeout needs a value in milliseconds.");
                return set_timeout(c, value, err, len);
        }
        for (size_t i = 0; i < sizeof(switches) / sizeof(switches[0]); i++) {
                const struct sw *s = &switches[i];
                if (strcmp(name, s->name) && (!s->alias || strcmp(name, s->alias)))
                        continue;
                if (s->kind == SW_FLAG) {
                        if (value && *value)
                                return fail(err, len, "The switch -%s takes no value.", s->name);
                        *(bool *)((char *)c + s->field) = true;
                        return 0;
                }
                if (!value)
                        return fail(err, len, "The switch -%s needs a value (-%s:VALUE).", s->name, s->name);
                return set_string((char **)((char *)c + s->field), value, s->name, err, len);
        }
        return fail(err, len, "The switch \"%.64s\" is not known (winrm help switches).", arg);
}

/* --- pairs ----------------------------------------------------------------- */

static int add_pair(struct cli_pair **pairs, size_t *n, const char *name, size_t nlen, const char *value,
                    size_t vlen, char *err, size_t len)
{
        struct cli_pair *p;

        if (*n >= MAX_PAIRS)
                return fail(err, len, "Too many names (at most %d).", MAX_PAIRS);
        for (size_t i = 0; i < *n; i++)
                if (strlen((*pairs)[i].name) == nlen && !strncmp((*pairs)[i].name, name, nlen))
                        return fail(err, len, "The name \"%.*s\" is given twice.", (int)(nlen > 64 ? 64 : nlen), name);
        p = realloc(*pairs, (*n + 1) * sizeof(*p));
        if (!p)
                return fail(err, len, "Out of memory.");
        *pairs = p;
        p[*n].name = strndup(name, nlen);
        p[*n].value = strndup(value, vlen);
        if (!p[*n].name || !p[*n].value) {
                free(p[*n].name);
                free(p[*n].value);
                return fail(err, len, "Out of memory.");
        }
        (*n)++;
        return 0;
}

/* A character of an element or method name (what @{...} names become). */
static bool name_char(char ch)
{
        return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.';
}

/* A value must be text XML can carry: no control characters but tab. */
static bool text_ok(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
                        return false;
        return true;
}

/* @{...} in text (which starts with "@{"). */
static int parse_props(struct cli_cmd *c, const char *text, char *err, size_t len)
{
        const char *p = text + 2;
        char *buf = malloc(strlen(text) + 1);
        int r = 0;

        if (!buf)
                return fail(err, len, "Out of memory.");
        c->has_props = true;
        for (;;) {
                const char *name;
                size_t nlen, vlen = 0;

                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p == '}')
                        break;
                name = p;
                while (name_char(*p))
                        p++;
                nlen = (size_t)(p - name);
                if (nlen && (isdigit((unsigned char)*name) || *name == '-' || *name == '.'))
                        nlen = 0;       /* not an XML name */
                while (*p == ' ' || *p == '\t')
                        p++;
                if (nlen == 0 || *p != '=') {
                        r = fail(err, len, "In @{...}, expected Name=\"value\" at \"%.40s\".", name);
                        break;
                }
                p++;
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p == '"') {
                        for (p++;; p++) {
                                if (!*p)
                                        break;
                                if (*p == '"' && p[1] == '"') {
                                        buf[vlen++] = '"';
                                        p++;
                                } else if (*p == '"') {
                                        break;
                                } else {
                                        buf[vlen++] = *p;
                                }
                        }
                        if (*p != '"') {
                                r = fail(err, len, "In @{...}, the value of %.*s has no closing quote.",
                                         (int)(nlen > 64 ? 64 : nlen), name);
                                break;
                        }
                        p++;
                        while (*p == ' ' || *p == '\t')
                                p++;
                } else {
                        const char *v = p;
                        while (*p && *p != ';' && *p != '}')
                                p++;
                        vlen = (size_t)(p - v);
                        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                                vlen--;
                        memcpy(buf, v, vlen);
                }
                if (!text_ok(buf, vlen)) {
                        r = fail(err, len, "The value of %.*s holds control characters.", (int)(nlen > 64 ? 64 : nlen),
                                 name);
                        break;
                }
                r = add_pair(&c->props, &c->n_props, name, nlen, buf, vlen, err, len);
                if (r < 0)
                        break;
                if (*p == ';') {
                        p++;
                        continue;
                }
                if (*p != '}')
                        r = fail(err, len, "In @{...}, expected ';' or '}' at \"%.40s\".", p);
                break;
        }
        if (r == 0 && (*p != '}' || p[1]))
                r = fail(err, len, "Text follows the closing '}' of @{...}: \"%.40s\".", *p ? p + 1 : p);
        free(buf);
        return r;
}

static int hexval(char ch)
{
        if (ch >= '0' && ch <= '9')
                return ch - '0';
        ch = (char)tolower((unsigned char)ch);
        return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Percent-decodes s[0..n) into out (n + 1 bytes); false on a bad escape
 * or an encoded NUL. */
static bool pct_decode(const char *s, size_t n, char *out, size_t *out_len)
{
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
                int hi, lo;

                if (s[i] != '%') {
                        out[k++] = s[i];
                        continue;
                }
                if (i + 2 >= n)
                        return false;
                hi = hexval(s[i + 1]);
                lo = hexval(s[i + 2]);
                if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                        return false;
                out[k++] = (char)(hi * 16 + lo);
                i += 2;
        }
        out[k] = '\0';
        *out_len = k;
        return true;
}

/* The resource URI with its ?K=V+K=V selectors. */
static int parse_uri(struct cli_cmd *c, const char *arg, char *err, size_t len)
{
        const char *q = strchr(arg, '?');
        size_t ulen = q ? (size_t)(q - arg) : strlen(arg);
        char *buf;
        int r = 0;

        if (ulen == 0)
                return fail(err, len, "The resource URI is empty.");
        if (!q && strchr(arg, '+'))
                return fail(err, len, "The resource URI \"%.80s\" has a '+' but no '?': selectors follow a '?' (URI?Name=value+Name=value).", arg);
        if (!text_ok(arg, strlen(arg)) || memchr(arg, ' ', ulen))
                return fail(err, len, "The resource URI holds blanks or control characters.");
        c->uri = strndup(arg, ulen);
        if (!c->uri)
                return fail(err, len, "Out of memory.");
        if (!q)
                return 0;
        buf = malloc(strlen(q) + 1);
        if (!buf)
                return fail(err, len, "Out of memory.");
        for (const char *p = q + 1; r == 0;) {
                const char *end = p + strcspn(p, "+"), *eq = memchr(p, '=', (size_t)(end - p));
                char name[3 * 200];     /* under 200 bytes, each of them maybe %-escaped */
                size_t nlen, vlen;

                if (!eq || eq == p) {
                        r = fail(err, len, "The selector \"%.*s\" needs a name and a value (Name=value).",
                                 (int)((end - p) > 64 ? 64 : end - p), p);
                        break;
                }
                /* a longer one decodes to 200 bytes or more: refused all the same */
                if ((size_t)(eq - p) >= sizeof(name) || !pct_decode(p, (size_t)(eq - p), name, &nlen) ||
                    nlen == 0 || nlen >= 200 || !text_ok(name, nlen)) {
                        r = fail(err, len, "The selector name at \"%.40s\" is not valid.", p);
                        break;
                }
                if (!pct_decode(eq + 1, (size_t)(end - eq - 1), buf, &vlen)) {
                        r = fail(err, len, "The value of selector %s has a bad %%-escape.", name);
                        break;
                }
                /* an escape must not bring in what the URI may not hold */
                if (!text_ok(buf, vlen)) {
                        r = fail(err, len, "The value of selector %s holds control characters.", name);
                        break;
                }
                r = add_pair(&c->selectors, &c->n_selectors, name, nlen, buf, vlen, err, len);
                if (!*end)
                        break;
                p = end + 1;
        }
        free(buf);
        return r;
}

/* Joins argv[i..] from an "@{" argument until its braces close (outside
 * quotes); *used gets how many arguments it took. */
static char *join_props(int argc, char **argv, int i, int *used)
{
        size_t cap = 0, n = 0;
        char *s = NULL;
        bool quoted = false;
        int depth = 0, k;

        for (k = i; k < argc; k++) {
                size_t l = strlen(argv[k]);
                char *grown;
                if (n + l + 2 > MAX_ARG) {
                        free(s);
                        return NULL;
                }
                if (n + l + 2 > cap) {
                        cap = (n + l + 2) * 2;
                        grown = realloc(s, cap);
                        if (!grown) {
                                free(s);
                                return NULL;
                        }
                        s = grown;
                }
                if (k > i)
                        s[n++] = ' ';
                memcpy(s + n, argv[k], l);
                n += l;
                s[n] = '\0';
                for (size_t j = 0; j < l; j++) {
                        char ch = argv[k][j];
                        if (ch == '"')
                                quoted = !quoted;
                        else if (!quoted && ch == '{')
                                depth++;
                        else if (!quoted && ch == '}')
                                depth--;
                }
                if (depth <= 0 && !quoted)
                        break;
        }
        *used = (k < argc ? k : argc - 1) - i + 1;
        if (depth > 0 || quoted) {
                free(s);
                return NULL;
        }
        return s;
}

/* --- the command line ---------------------------------------------------- */

static int positional(struct cli_cmd *c, const char *arg, char *err, size_t len)
{
        if (c->verb == VERB_NONE) {
                c->verb = verb_of(arg);
                if (c->verb == VERB_NONE)
                        return fail(err, len, "\"%.64s\" is not a winrm command (winrm -? lists them).", arg);
                if (c->verb == VERB_HELP && !c->help_topic)
                        c->help_topic = strdup("");
                return 0;
        }
        if (c->verb == VERB_HELP) {
                free(c->help_topic);
                c->help_topic = strdup(arg);
                return c->help_topic ? 0 : fail(err, len, "Out of memory.");
        }
        if (c->verb == VERB_INVOKE && !c->method) {
                /* it becomes an element name (METHOD_INPUT): not empty, and
                 * starting as an XML name does */
                if (!*arg || isdigit((unsigned char)*arg) || *arg == '-' || *arg == '.')
                        return fail(err, len, "\"%.64s\" is not a method name.", arg);
                for (const char *p = arg; *p; p++)
                        if (!name_char(*p))
                                return fail(err, len, "\"%.64s\" is not a method name.", arg);
                c->method = strdup(arg);
                return c->method ? 0 : fail(err, len, "Out of memory.");
        }
        if (c->verb == VERB_IDENTIFY || c->verb == VERB_QUICKCONFIG || c->uri)
                return fail(err, len, "Unexpected argument \"%.64s\".", arg);
        return parse_uri(c, arg, err, len);
}

int cli_parse(int argc, char **argv, struct cli_cmd *out, char *err, size_t err_len)
{
        int r = 0;

        memset(out, 0, sizeof(*out));
        for (int i = 1; i < argc && r == 0; i++) {
                const char *a = argv[i];
                if (strlen(a) > MAX_ARG) {
                        r = fail(err, err_len, "An argument is longer than %d bytes.", MAX_ARG);
                } else if (!strncmp(a, "@{", 2)) {
                        int used;
                        char *joined;
                        if (out->has_props) {
                                r = fail(err, err_len, "Only one @{...} may be given.");
                                break;
                        }
                        joined = join_props(argc, argv, i, &used);
                        if (!joined) {
                                r = fail(err, err_len, "The @{...} is not closed: a '}' or a '\"' is missing.");
                                break;
                        }
                        r = parse_props(out, joined, err, err_len);
                        free(joined);
                        i += used - 1;
                } else if (out->verb != VERB_NONE && out->verb != VERB_HELP && (a[0] == '-' || a[0] == '/') &&
                           a[1] == '?' && !a[2]) {
                        /* "winrm get -?": that command's help */
                        for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++)
                                if (verbs[k].verb == out->verb && !out->help_topic)
                                        out->help_topic = strdup(verbs[k].name);
                        out->verb = VERB_HELP;
                } else if ((a[0] == '-' || a[0] == '/') && a[1] && (out->verb != VERB_NONE || a[1] != '?')) {
                        r = parse_switch(out, a, err, err_len);
                } else {
                        r = positional(out, a, err, err_len);
                }
        }
        if (r == 0 && out->verb == VERB_NONE) {
                out->verb = VERB_HELP;          /* winrm alone: the general help */
                out->help_topic = strdup("");
        }
        if (r == 0 && out->verb == VERB_INVOKE && (!out->method || !out->uri))
                r = fail(err, err_len, "invoke needs a method and a resource URI: winrm invoke METHOD URI @{...}.");
        else if (r == 0 && out->verb != VERB_HELP && out->verb != VERB_IDENTIFY && out->verb != VERB_QUICKCONFIG &&
                 !out->uri)
                r = fail(err, err_len, "This command needs a resource URI (winrm help uris).");
        else if (r == 0 && out->file && out->has_props)
                r = fail(err, err_len, "Give either -file: or @{...}, not both.");
        if (r < 0)
                cli_free(out);
        return r;
}

static void free_pairs(struct cli_pair *p, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(p[i].name);
                free(p[i].value);
        }
        free(p);
}

void cli_free(struct cli_cmd *c)
{
        char **strings[] = { &c->method, &c->uri, &c->file, &c->remote, &c->username, &c->password, &c->auth,
                             &c->certificate, &c->cafile, &c->socket, &c->dialect, &c->fragment, &c->filter,
                             &c->return_type, &c->transport, &c->help_topic };

        for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
                if (*strings[i] == c->password && c->password)
                        memset(c->password, 0, strlen(c->password));
                free(*strings[i]);
                *strings[i] = NULL;
        }
        free_pairs(c->selectors, c->n_selectors);
        free_pairs(c->props, c->n_props);
        c->selectors = c->props = NULL;
        c->n_selectors = c->n_props = 0;
}

const char *cli_pair_get(const struct cli_pair *pairs, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (!strcmp(pairs[i].name, name))
                        return pairs[i].value;
        return NULL;
}
