/* winrm.c - the winrm command: the seed's command line for WS-Management,
 * against the local winrmd (its control socket, no password) or any remote
 * WS-Man service.  The route of one command reads top-down here: parse
 * (cmdline.c), resolve the target (target.c), build the request
 * (request.c), send it (transport.c), print the reply (output.c).
 * Results go to standard output; faults and errors to standard error, and
 * the exit status is then 1 (2 for a command line that does not parse). */
#include "autoconfig.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "cmdline.h"
#include "help.h"
#include "output.h"
#include "quickconfig.h"
#include "request.h"
#include "target.h"
#include "transport.h"
#include "winrm.h"

#define WSA "http://schemas.xmlsoap.org/ws/2004/09/"
#define MAX_FILE (4 * 1024 * 1024)

static const char *action_of(enum cli_verb v)
{
        switch (v) {
        case VERB_GET: return WSA "transfer/Get";
        case VERB_PUT: return WSA "transfer/Put";
        case VERB_CREATE: return WSA "transfer/Create";
        case VERB_DELETE: return WSA "transfer/Delete";
        case VERB_ENUMERATE: return WSA "enumeration/Enumerate";
        default: return NULL;
        }
}

/* --- one exchange ------------------------------------------------------------- */

int winrm_exchange(const struct target *t, const char *envelope, xmlDoc **reply)
{
        return winrm_exchange_q(t, envelope, reply, false);
}

int winrm_exchange_q(const struct target *t, const char *envelope, xmlDoc **reply, bool quiet)
{
        struct wsman_reply r = { 0 };
        char err[512];
        int rc, status;

        *reply = NULL;
        rc = wsman_post(&t->t, envelope, strlen(envelope), &r, err, sizeof(err));
        if (rc < 0) {
                fprintf(stderr, "Specified destination cannot be connected to.\n%s\n", err);
                return -1;
        }
        if (r.status == 401) {
                fprintf(stderr, "Access is denied: %s refused the credentials (HTTP 401).\n", t->url);
                if (r.schemes && *r.schemes)
                        fprintf(stderr, "The service offers: %s.\n", r.schemes);
                else
                        fprintf(stderr, "The service offers no authentication scheme for this request.\n");
                wsman_reply_free(&r);
                return -1;
        }
        *reply = req_parse_reply(r.body, r.len);
        if (!*reply) {
                if (r.status == 200 && r.len == 0) {
                        rc = 0;         /* a Delete's empty answer */
                } else {
                        fprintf(stderr, "The service answered HTTP %d with %s.\n", r.status,
                                r.len ? "a body that is not a SOAP envelope" : "no body");
                        rc = -1;
                }
                wsman_reply_free(&r);
                return rc;
        }
        status = r.status;
        wsman_reply_free(&r);
        if (out_is_fault(*reply)) {
                if (!quiet)
                        out_fault(stderr, *reply);
                xmlFreeDoc(*reply);
                *reply = NULL;
                return -1;
        }
        if (status != 200) {
                fprintf(stderr, "The service answered HTTP %d with an envelope that is not a fault.\n", status);
                xmlFreeDoc(*reply);
                *reply = NULL;
                return -1;
        }
        return 0;
}

/* The head every request of this command carries. */
static struct req_head head_for(const struct cli_cmd *c, const struct target *t, const char *uri)
{
        return (struct req_head){
                .to = t->url, .uri = uri, .selectors = c->selectors, .n_selectors = c->n_selectors,
                .timeout_ms = c->timeout_ms, .fragment = c->fragment, .dialect = c->fragment ? c->dialect : NULL,
        };
}

int winrm_call(const struct target *t, const char *action, const struct req_head *h, const char *body,
               xmlDoc **reply)
{
        return winrm_call_q(t, action, h, body, reply, false);
}

int winrm_call_q(const struct target *t, const char *action, const struct req_head *h, const char *body,
                 xmlDoc **reply, bool quiet)
{
        char *env = req_envelope(action, h, body);
        int r;

        if (!env) {
                fprintf(stderr, "Out of memory.\n");
                return -1;
        }
        r = winrm_exchange_q(t, env, reply, quiet);
        free(env);
        return r;
}

static char *read_body_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        char *buf;
        size_t n;

        if (!f) {
                fprintf(stderr, "The file %s cannot be read: %s.\n", path, strerror(errno));
                return NULL;
        }
        buf = malloc(MAX_FILE + 1);
        n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
        fclose(f);
        if (!buf || n > MAX_FILE) {
                fprintf(stderr, "The file %s is larger than %d bytes.\n", path, MAX_FILE);
                free(buf);
                return NULL;
        }
        buf[n] = '\0';
        return buf;
}

static enum out_format fmt_of(const struct cli_cmd *c)
{
        return c->format == FORMAT_XML ? OUT_XML : c->format == FORMAT_PRETTY ? OUT_PRETTY : OUT_TEXT;
}

/* --- the verbs ---------------------------------------------------------------- */

/* The body to send: -file:, @{...}, or for Put the merge onto the current
 * resource. */
static char *body_for(const struct cli_cmd *c, const struct target *t, const char *uri)
{
        if (c->file)
                return read_body_file(c->file);
        if (c->verb == VERB_PUT) {
                struct req_head h = head_for(c, t, uri);
                xmlDoc *cur = NULL;
                char *body;
                if (!c->has_props) {
                        fprintf(stderr, "set needs the values to change: @{Name=\"value\"} or -file:.\n");
                        return NULL;
                }
                h.fragment = NULL;
                /* quietly: a resource without Get gets the flat body */
                {
                        char *env = req_envelope(WSA "transfer/Get", &h, "");
                        struct wsman_reply r = { 0 };
                        char err[256];
                        if (env && wsman_post(&t->t, env, strlen(env), &r, err, sizeof(err)) == 0 && r.status == 200)
                                cur = req_parse_reply(r.body, r.len);
                        free(env);
                        wsman_reply_free(&r);
                }
                body = req_put_body(uri, cur, c->props, c->n_props);
                xmlFreeDoc(cur);
                return body;
        }
        if (c->verb == VERB_CREATE || c->verb == VERB_INVOKE)
                return req_props_body(uri, c->verb == VERB_INVOKE ? c->method : NULL, c->props, c->n_props);
        return strdup("");
}

/* Items of an EnumerateResponse or PullResponse, appended to *items. */
static int collect(xmlNode *resp, xmlNode ***items, size_t *n)
{
        for (xmlNode *e = resp ? resp->children : NULL; e; e = e->next) {
                if (e->type != XML_ELEMENT_NODE || strcmp((const char *)e->name, "Items"))
                        continue;
                for (xmlNode *i = e->children; i; i = i->next) {
                        xmlNode **grown;
                        if (i->type != XML_ELEMENT_NODE)
                                continue;
                        grown = realloc(*items, (*n + 1) * sizeof(**items));
                        if (!grown)
                                return -1;
                        *items = grown;
                        (*items)[(*n)++] = i;
                }
        }
        return 0;
}

static xmlNode *body_child(xmlDoc *doc)
{
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

        for (xmlNode *b = root ? root->children : NULL; b; b = b->next)
                if (b->type == XML_ELEMENT_NODE && !strcmp((const char *)b->name, "Body"))
                        for (xmlNode *e = b->children; e; e = e->next)
                                if (e->type == XML_ELEMENT_NODE)
                                        return e;
        return NULL;
}

static bool child_named(xmlNode *e, const char *name, char *text, size_t len)
{
        for (xmlNode *c = e ? e->children : NULL; c; c = c->next) {
                if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) {
                        if (text) {
                                xmlChar *t = xmlNodeGetContent(c);
                                snprintf(text, len, "%s", t ? (const char *)t : "");
                                xmlFree(t);
                        }
                        return true;
                }
        }
        return false;
}

static const char *mode_of(const char *rt)
{
        if (!rt || !strcasecmp(rt, "object"))
                return NULL;
        if (!strcasecmp(rt, "epr"))
                return "EnumerateEPR";
        if (!strcasecmp(rt, "objectandepr"))
                return "EnumerateObjectAndEPR";
        return "";
}

void winrm_items_free(struct winrm_items *it)
{
        for (size_t i = 0; i < it->n_docs; i++)
                xmlFreeDoc(it->docs[i]);
        free(it->docs);
        free(it->items);
        memset(it, 0, sizeof(*it));
}

int winrm_enumerate(const struct target *t, const struct req_head *h, const char *mode, const char *filter,
                    const char *dialect, struct winrm_items *out)
{
        char ctx[1024] = "";
        char *body = req_enumerate_body(mode, filter, dialect);
        int rc = body ? 0 : -1;

        memset(out, 0, sizeof(*out));
        for (int round = 0; body && rc == 0 && round < 100000; round++) {
                xmlDoc *reply = NULL, **grown;
                xmlNode *resp;
                if (winrm_call(t, round ? WSA "enumeration/Pull" : WSA "enumeration/Enumerate", h, body, &reply) < 0) {
                        rc = -1;
                        break;
                }
                grown = realloc(out->docs, (out->n_docs + 1) * sizeof(*grown));
                if (!grown) {
                        xmlFreeDoc(reply);
                        rc = -1;
                        break;
                }
                out->docs = grown;
                out->docs[out->n_docs++] = reply;
                resp = body_child(reply);
                if (collect(resp, &out->items, &out->n) < 0) {
                        rc = -1;
                        break;
                }
                if (child_named(resp, "EndOfSequence", NULL, 0) ||
                    !child_named(resp, "EnumerationContext", ctx, sizeof(ctx)))
                        break;
                free(body);
                body = req_pull_body(ctx);
                rc = body ? 0 : -1;
        }
        free(body);
        if (rc < 0)
                winrm_items_free(out);
        return rc;
}

static int do_enumerate(const struct cli_cmd *c, const struct target *t, const char *uri)
{
        struct req_head h = head_for(c, t, uri);
        const char *mode = mode_of(c->return_type);
        struct winrm_items it;

        if (mode && !*mode) {
                fprintf(stderr, "winrm: -returnType must be object, epr or objectandepr.\n");
                return 2;
        }
        if (winrm_enumerate(t, &h, mode, c->filter, c->dialect, &it) < 0)
                return 1;
        out_items(stdout, it.items, it.n, fmt_of(c));
        winrm_items_free(&it);
        return 0;
}

static int do_identify(const struct cli_cmd *c, struct target *t)
{
        char *env = req_identify();
        xmlDoc *reply = NULL;
        int rc;

        if (!t->local && t->t.auth == WSMAN_AUTH_NONE)
                t->t.identify_anonymous = true;
        rc = env ? winrm_exchange(t, env, &reply) : -1;
        free(env);
        if (rc == 0 && reply)
                out_body(stdout, reply, fmt_of(c));
        xmlFreeDoc(reply);
        return rc < 0 ? 1 : 0;
}

static int do_simple(const struct cli_cmd *c, const struct target *t, const char *uri)
{
        struct req_head h = head_for(c, t, uri);
        char action[2048];
        xmlDoc *reply = NULL;
        char *body = body_for(c, t, uri);
        int rc;

        if (!body)
                return 1;
        if (c->verb == VERB_INVOKE)
                snprintf(action, sizeof(action), "%s/%s", uri, c->method);
        else
                snprintf(action, sizeof(action), "%s", action_of(c->verb));
        rc = winrm_call(t, action, &h, body, &reply);
        free(body);
        if (rc == 0 && !reply && c->verb != VERB_DELETE) {
                fprintf(stderr, "The service answered with an empty body.\n");
                rc = -1;
        }
        if (rc == 0 && reply)
                out_body(stdout, reply, fmt_of(c));
        xmlFreeDoc(reply);
        return rc < 0 ? 1 : 0;
}

static int run(const struct cli_cmd *c)
{
        struct client_cfg cfg;
        struct target t;
        char err[512];
        char *uri = NULL;
        int rc;

        client_cfg_read(target_socket(c), &cfg);
        if (target_resolve(c, &cfg, &t, err, sizeof(err)) < 0) {
                fprintf(stderr, "winrm: %s\n", err);
                return 2;
        }
        if (c->verb == VERB_IDENTIFY) {
                rc = do_identify(c, &t);
        } else if (c->verb == VERB_QUICKCONFIG) {
                rc = quickconfig(c, &t);
        } else {
                uri = req_resolve_uri(c->uri);
                if (!uri) {
                        fprintf(stderr, "Out of memory.\n");
                        rc = 1;
                } else if (c->verb == VERB_ENUMERATE) {
                        rc = do_enumerate(c, &t, uri);
                } else {
                        rc = do_simple(c, &t, uri);
                }
        }
        free(uri);
        target_clear(&t);
        return rc;
}

int main(int argc, char **argv)
{
        struct cli_cmd c;
        char err[512];
        int rc;

        signal(SIGPIPE, SIG_IGN);
        if (cli_parse(argc, argv, &c, err, sizeof(err)) < 0) {
                fprintf(stderr, "winrm: %s\n", err);
                return 2;
        }
        xmlInitParser();
        if (c.verb == VERB_HELP)
                rc = help_print(stdout, c.help_topic);
        else
                rc = run(&c);
        cli_free(&c);
        xmlCleanupParser();
        return rc;
}
