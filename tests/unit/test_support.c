/* test_support.c - helpers shared by the unit suites: fixture files, a
 * configuration store in a temporary directory, and XPath assertions over
 * parsed XML. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "config.h"
#include "ns.h"
#include "tests.h"

#ifndef WINRMD_TOP_SRCDIR
#define WINRMD_TOP_SRCDIR "."
#endif

const char *t_srcdir(void)
{
        const char *d = getenv("WINRMD_SRCDIR");

        return d && *d ? d : WINRMD_TOP_SRCDIR;
}

char *t_read_file(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        char *buf = NULL;
        size_t cap = 0, n = 0;

        ck_assert_msg(f != NULL, "cannot open %s", path);
        for (;;) {
                if (n + 4096 + 1 > cap) {
                        cap = (n + 4096 + 1) * 2;
                        buf = realloc(buf, cap);
                        ck_assert_ptr_nonnull(buf);
                }
                size_t got = fread(buf + n, 1, cap - n - 1, f);
                n += got;
                if (got == 0)
                        break;
        }
        ck_assert_msg(!ferror(f), "read error on %s", path);
        fclose(f);
        buf[n] = '\0';
        if (len)
                *len = n;
        return buf;
}

char *t_capture_body(const char *name, size_t *len)
{
        char path[4096];
        size_t n, off;
        char *raw, *crlf, *lf, *body;

        snprintf(path, sizeof(path), "%s/tests/captures/%s", t_srcdir(), name);
        raw = t_read_file(path, &n);
        crlf = strstr(raw, "\r\n\r\n");
        lf = strstr(raw, "\n\n");
        ck_assert_msg(crlf || lf, "%s has no blank line after its headers", name);
        if (crlf && (!lf || crlf < lf))
                off = (size_t)(crlf - raw) + 4;
        else
                off = (size_t)(lf - raw) + 2;
        body = malloc(n - off + 1);
        ck_assert_ptr_nonnull(body);
        memcpy(body, raw + off, n - off + 1);
        free(raw);
        if (len)
                *len = n - off;
        return body;
}

void t_write_file(const char *path, const char *s)
{
        FILE *f = fopen(path, "w");

        ck_assert_msg(f != NULL, "cannot create %s", path);
        ck_assert_int_eq(fputs(s, f) >= 0, 1);
        ck_assert_int_eq(fclose(f), 0);
}

void t_store_setup(char *dir, size_t dir_size, char *path, size_t path_size)
{
        snprintf(dir, dir_size, "/tmp/winrmd-unit-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, path_size, "%s/winrmd.conf", dir);
        config_free();
        config_set_watch(NULL, NULL);
}

void t_store_teardown(const char *dir, const char *path)
{
        char p[256];

        config_free();
        config_set_watch(NULL, NULL);
        (void)unlink(path);
        (void)rmdir(path);
        snprintf(p, sizeof(p), "%s.tmp", path);
        (void)unlink(p);
        (void)rmdir(dir);
}

const char *t_store_load_bad(const char *path, const char *text, unsigned line,
                             char *err, size_t err_size)
{
        char want[256];
        const char *at;

        t_write_file(path, text);
        err[0] = '\0';
        ck_assert_int_eq(config_load(path, err, err_size), -EINVAL);
        snprintf(want, sizeof(want), "%s:%u:", path, line);
        at = strstr(err, want);
        ck_assert_msg(at != NULL, "error \"%s\" does not name %s", err, want);
        return at;
}

static const char *const prefixes[][2] = {
        { "s", NS_SOAP },
        { "a", NS_WSA },
        { "w", NS_WSMAN },
        { "w5", NS_WSMAN_2005 },
        { "p", NS_WSMV },
        { "f", NS_WSMFAULT },
        { "f5", NS_WSMFAULT_2005 },
        { "x", NS_WXF },
        { "n", NS_WSEN },
        { "rsp", NS_RSP },
        { "wsmid", NS_WSMID },
};

static xmlXPathObject *eval(xmlDoc *doc, const char *expr)
{
        xmlXPathContext *ctx = xmlXPathNewContext(doc);
        xmlXPathObject *o;

        ck_assert_ptr_nonnull(ctx);
        for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
                ck_assert_int_eq(xmlXPathRegisterNs(ctx, BAD_CAST prefixes[i][0],
                                                    BAD_CAST prefixes[i][1]), 0);
        o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
        xmlXPathFreeContext(ctx);
        ck_assert_msg(o != NULL, "bad XPath expression %s", expr);
        return o;
}

char *t_xpath_str(xmlDoc *doc, const char *expr)
{
        char buf[4096];
        xmlXPathObject *o;
        xmlChar *v;
        char *s;

        snprintf(buf, sizeof(buf), "string(%s)", expr);
        o = eval(doc, buf);
        v = xmlXPathCastToString(o);
        xmlXPathFreeObject(o);
        ck_assert_ptr_nonnull(v);
        s = strdup((const char *)v);
        xmlFree(v);
        ck_assert_ptr_nonnull(s);
        return s;
}

int t_xpath_count(xmlDoc *doc, const char *expr)
{
        xmlXPathObject *o = eval(doc, expr);
        int n;

        ck_assert_msg(o->type == XPATH_NODESET, "%s is not a node set", expr);
        n = o->nodesetval ? o->nodesetval->nodeNr : 0;
        xmlXPathFreeObject(o);
        return n;
}

xmlNode *t_xpath_node(xmlDoc *doc, const char *expr)
{
        xmlXPathObject *o = eval(doc, expr);
        xmlNode *n;

        ck_assert_msg(o->type == XPATH_NODESET && o->nodesetval && o->nodesetval->nodeNr == 1,
                      "%s does not select exactly one node", expr);
        n = o->nodesetval->nodeTab[0];
        xmlXPathFreeObject(o);
        return n;
}

xmlDoc *t_reparse(xmlDoc *doc)
{
        xmlChar *mem = NULL;
        int size = 0;
        xmlDoc *out;

        xmlDocDumpMemory(doc, &mem, &size);
        ck_assert_ptr_nonnull(mem);
        out = xmlReadMemory((const char *)mem, size, NULL, NULL, XML_PARSE_NONET);
        xmlFree(mem);
        ck_assert_msg(out != NULL, "the serialized document does not parse");
        return out;
}
