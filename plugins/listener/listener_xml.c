/* listener_xml.c - selectors and documents of the Listener resource. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "listener_xml.h"

#define MSG_UNKNOWN "Input xml contained an unrecognized xml element \"%s\".  " \
                    "Double check the spelling and case of the element name."

static const struct lview legacy = { true, "wsman:microsoft.com/wsman/2005/06/config/listener.xsd" };
static const struct lview current = { false, LX_CURRENT_URI };

static void copy_field(char *dst, size_t cap, const char *v)
{
        snprintf(dst, cap, "%s", v ? v : "");
}

int lx_read(const winrmd_host *h, const winrmd_ctx *ctx, size_t i, struct lxrec *out)
{
        const char *port, *enabled;

        if (i >= h->record_count(ctx, "listener"))
                return -ENOENT;
        memset(out, 0, sizeof(*out));
        copy_field(out->address, sizeof(out->address), h->record_field(ctx, "listener", i, "address"));
        copy_field(out->transport, sizeof(out->transport), h->record_field(ctx, "listener", i, "transport"));
        copy_field(out->hostname, sizeof(out->hostname), h->record_field(ctx, "listener", i, "hostname"));
        copy_field(out->url_prefix, sizeof(out->url_prefix), h->record_field(ctx, "listener", i, "url_prefix"));
        copy_field(out->thumbprint, sizeof(out->thumbprint), h->record_field(ctx, "listener", i, "thumbprint"));
        copy_field(out->source, sizeof(out->source), h->record_field(ctx, "listener", i, "source"));
        port = h->record_field(ctx, "listener", i, "port");
        enabled = h->record_field(ctx, "listener", i, "enabled");
        out->port = port ? (int32_t)strtol(port, NULL, 10) : 0;
        out->enabled = enabled && !strcmp(enabled, "true");
        return 0;
}

int lx_write(const winrmd_host *h, winrmd_ctx *ctx, size_t i, const struct lxrec *l)
{
        static const char *const names[] = { "address", "transport", "port", "enabled", "hostname",
                                             "url_prefix", "thumbprint" };
        char port[16];
        const char *values[7];

        snprintf(port, sizeof(port), "%d", (int)l->port);
        values[0] = l->address;
        values[1] = l->transport;
        values[2] = port;
        values[3] = l->enabled ? "true" : "false";
        values[4] = l->hostname;
        values[5] = l->url_prefix;
        values[6] = l->thumbprint;
        return h->record_put(ctx, "listener", i, names, values, 7);
}

const struct lview *lx_view(const char *uri)
{
        return uri && !strncasecmp(uri, "wsman:", 6) ? &legacy : &current;
}

const char *lx_legacy_ip(const struct lxrec *l)
{
        return !strncmp(l->address, "IP:", 3) ? l->address + 3 : "*";
}

/* Rewrites an IP in place in canonical text form; false if it is none.
 * An IPv6 address may come in brackets ([::1], as URLs write it). */
static bool canon_ip(char *ip, size_t cap)
{
        unsigned char buf[16];
        char out[INET6_ADDRSTRLEN], bare[INET6_ADDRSTRLEN];
        size_t n = strlen(ip);
        int af = strchr(ip, ':') ? AF_INET6 : AF_INET;

        if (af == AF_INET6 && n > 2 && ip[0] == '[' && ip[n - 1] == ']' && n - 2 < sizeof(bare)) {
                memcpy(bare, ip + 1, n - 2);
                bare[n - 2] = '\0';
        } else if (n < sizeof(bare)) {
                memcpy(bare, ip, n + 1);
        } else {
                return false;
        }
        if (inet_pton(af, bare, buf) != 1 || !inet_ntop(af, buf, out, sizeof(out)) || strlen(out) >= cap)
                return false;
        memcpy(ip, out, strlen(out) + 1);
        return true;
}

/* 12-34-56-78-90-ab or 12:34:... -> 12-34-56-78-90-AB in out[18] (may alias in). */
static bool canon_mac(const char *in, char *out)
{
        char m[18];
        int j = 0;

        for (int i = 0; i < 6; i++) {
                if (!isxdigit((unsigned char)in[j]) || !isxdigit((unsigned char)in[j + 1]))
                        return false;
                m[i * 3] = (char)toupper((unsigned char)in[j]);
                m[i * 3 + 1] = (char)toupper((unsigned char)in[j + 1]);
                j += 2;
                if (i < 5) {
                        if (in[j] != '-' && in[j] != ':')
                                return false;
                        m[i * 3 + 2] = '-';
                        j++;
                }
        }
        if (in[j])
                return false;
        m[17] = '\0';
        memcpy(out, m, sizeof(m));
        return true;
}

static winrmd_status sel_fault(const winrmd_host *h, winrmd_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static winrmd_status sel_fault(const winrmd_host *h, winrmd_ctx *ctx, const char *fmt, ...)
{
        char msg[300];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return h->fault(ctx, WINRMD_E_SELECTORS, msg);
}

static bool parse_port(const char *s, int32_t *out)
{
        char *end;
        long v;

        if (!s || !*s || !isdigit((unsigned char)*s))
                return false;
        v = strtol(s, &end, 10);
        if (*end || v < 1 || v > 65535)
                return false;
        *out = (int32_t)v;
        return true;
}

/* The seed's IP and Port selectors (both needed) into key. */
static winrmd_status legacy_key(const winrmd_host *h, winrmd_ctx *ctx, struct lxrec *key)
{
        const char *ip = h->selector(ctx, "IP"), *port = h->selector(ctx, "Port");

        if (!ip || !port)
                return sel_fault(h, ctx, "The Listener resource needs the selectors IP and Port.");
        if (!parse_port(port, &key->port))
                return sel_fault(h, ctx, "The Port selector \"%.100s\" is not a port number.", port);
        if (!strcmp(ip, "*"))
                snprintf(key->address, sizeof(key->address), "*");
        else if (strlen(ip) < 50)
                snprintf(key->address, sizeof(key->address), "IP:%s", ip);
        else
                return sel_fault(h, ctx, "The IP selector \"%.100s\" is not an IP address.", ip);
        snprintf(key->transport, sizeof(key->transport), "HTTPS");
        return WINRMD_OK;
}

/* Today's Address and Transport selectors (both needed) and Port (optional,
 * 0 in key when absent) into key. */
static winrmd_status current_key(const winrmd_host *h, winrmd_ctx *ctx, struct lxrec *key)
{
        const char *a = h->selector(ctx, "Address"), *t = h->selector(ctx, "Transport");
        const char *port = h->selector(ctx, "Port");

        if (!a || !t)
                return sel_fault(h, ctx, "The Listener resource needs the selectors Address and Transport "
                                         "(and Port when listeners share them).");
        if (strcasecmp(t, "HTTP") && strcasecmp(t, "HTTPS"))
                return sel_fault(h, ctx, "The Transport selector \"%.100s\" is not HTTP or HTTPS.", t);
        snprintf(key->transport, sizeof(key->transport), "%s", strcasecmp(t, "HTTP") ? "HTTPS" : "HTTP");
        if (port && !parse_port(port, &key->port))
                return sel_fault(h, ctx, "The Port selector \"%.100s\" is not a port number.", port);
        if (!strcmp(a, "*"))
                snprintf(key->address, sizeof(key->address), "*");
        else if ((!strncasecmp(a, "IP:", 3) || !strncasecmp(a, "MAC:", 4)) && strlen(a) < 60)
                snprintf(key->address, sizeof(key->address), "%s%s",
                         toupper((unsigned char)a[0]) == 'I' ? "IP:" : "MAC:", strchr(a, ':') + 1);
        else
                return sel_fault(h, ctx, "The Address selector \"%.100s\" is not *, IP:address or MAC:address.", a);
        return WINRMD_OK;
}

winrmd_status lx_selectors(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v, struct lxrec *key)
{
        const char *raw;
        winrmd_status st;

        memset(key, 0, sizeof(*key));
        for (size_t i = 0; i < h->selector_count(ctx); i++) {
                const char *n = h->selector_name(ctx, i);
                if (v->legacy ? strcasecmp(n, "IP") && strcasecmp(n, "Port")
                              : strcasecmp(n, "Address") && strcasecmp(n, "Transport") && strcasecmp(n, "Port"))
                        return sel_fault(h, ctx, "The selector %s is not a selector of the Listener resource.", n);
        }
        st = v->legacy ? legacy_key(h, ctx, key) : current_key(h, ctx, key);
        if (st != WINRMD_OK)
                return st;
        /* canonical forms, as the core stores them */
        raw = h->selector(ctx, v->legacy ? "IP" : "Address");
        if (!strncmp(key->address, "IP:", 3) && !canon_ip(key->address + 3, sizeof(key->address) - 3))
                return sel_fault(h, ctx, "The address \"%.100s\" is not an IP address.", raw);
        if (!strncmp(key->address, "MAC:", 4) && !canon_mac(key->address + 4, key->address + 4))
                return sel_fault(h, ctx, "The address \"%.100s\" is not a MAC address.", raw);
        return WINRMD_OK;
}

bool lx_same(const struct lview *v, const struct lxrec *key, const struct lxrec *l)
{
        if (!v->legacy)
                return !strcmp(key->address, l->address) && !strcmp(key->transport, l->transport) &&
                       (key->port ? key->port == l->port : !l->source[0]);
        if (key->port != l->port)
                return false;
        if (!strcmp(key->address, "*"))
                return l->address[0] == '*' || !strncmp(l->address, "MAC:", 4);
        return !strcmp(key->address, l->address);
}

void lx_defaults(const winrmd_host *h, const struct lview *v, struct lxrec *l)
{
        l->enabled = 1;
        snprintf(l->url_prefix, sizeof(l->url_prefix), "%s", h->config_get("client.url_prefix"));
        if (!l->port)
                (void)parse_port(h->config_get(strcmp(l->transport, "HTTP") ? "service.port.https"
                                                                            : "service.port.http"), &l->port);
}

static winrmd_status unknown(const winrmd_host *h, winrmd_ctx *ctx, const char *name)
{
        char msg[512];

        snprintf(msg, sizeof(msg), MSG_UNKNOWN, name);
        return h->fault(ctx, WINRMD_E_SCHEMA, msg);
}

static winrmd_status bad(const winrmd_host *h, winrmd_ctx *ctx, const char *name, const char *text)
{
        char msg[512];

        snprintf(msg, sizeof(msg), "The value \"%.200s\" is not valid for %s.", text, name);
        return h->fault(ctx, WINRMD_E_INVALID_VALUE, msg);
}

/* A change to a key field: the message names the field, what the listener
 * has and what the Put sent. */
static winrmd_status read_only(const winrmd_host *h, winrmd_ctx *ctx, const char *name, const char *has,
                               const char *sent)
{
        char msg[512];

        snprintf(msg, sizeof(msg), "%s is read-only: it names the listener, whose %s is \"%.80s\", and the Put "
                 "sends \"%.80s\". Send %s unchanged or leave it out; use the selectors to address another "
                 "listener.", name, name, has, sent, name);
        return h->fault(ctx, WINRMD_E_READ_ONLY, msg);
}

/* Today's Address text ("*", "IP:a", "MAC:m", the prefixes in any case) in
 * the form the store keeps, into out[cap]; false when it is none. */
static bool canon_address(const char *a, char *out, size_t cap)
{
        if (!strcmp(a, "*"))
                return snprintf(out, cap, "*") < (int)cap;
        if (!strncasecmp(a, "IP:", 3))
                return snprintf(out, cap, "IP:%s", a + 3) < (int)cap && canon_ip(out + 3, cap - 3);
        if (!strncasecmp(a, "MAC:", 4) && cap >= 4 + 18)
                return snprintf(out, cap, "MAC:") > 0 && canon_mac(a + 4, out + 4);
        return false;
}

/* The key fields of a body: each must equal the listener's own, in any
 * spelling of the same value (create: the selectors' key). */
static winrmd_status same_key(const winrmd_host *h, winrmd_ctx *ctx, const struct lxrec *l, bool create,
                              const char *name, const char *text)
{
        char port[16], mac[18], addr[64];
        int32_t p;

        if (!strcmp(name, "Transport")) {
                if (strcasecmp(text, l->transport))
                        return read_only(h, ctx, name, l->transport, text);
        } else if (!strcmp(name, "Address")) {
                if (!canon_address(text, addr, sizeof(addr)) || strcmp(addr, l->address))
                        return read_only(h, ctx, name, l->address, text);
        } else if (!strcmp(name, "IP")) {
                snprintf(addr, sizeof(addr), "%s", text);
                if (strcmp(text, "*") ? !canon_ip(addr, sizeof(addr)) || strcmp(addr, lx_legacy_ip(l))
                                      : strcmp(lx_legacy_ip(l), "*"))
                        return read_only(h, ctx, name, lx_legacy_ip(l), text);
        } else if (!strcmp(name, "Port")) {
                snprintf(port, sizeof(port), "%d", (int)l->port);
                if (!parse_port(text, &p) || p != l->port)
                        return read_only(h, ctx, name, port, text);
        } else if (!strcmp(name, "MACAddress")) {
                const char *has = !strncmp(l->address, "MAC:", 4) ? l->address + 4 : "";
                if (*text ? !canon_mac(text, mac) || strcmp(mac, has) : *has && !create)
                        return read_only(h, ctx, name, has, text);
        }
        return WINRMD_OK;
}

static bool copy_text(char *dst, size_t cap, const char *text)
{
        if (strlen(text) >= cap)
                return false;
        memcpy(dst, text, strlen(text) + 1);
        return true;
}

/* "49 07 de ..." or "4907de..." -> 40 lower-case hex digits. */
static bool thumbprint(char *dst, size_t cap, const char *text)
{
        size_t n = 0;

        for (const char *p = text; *p; p++) {
                if (*p == ' ')
                        continue;
                if (!isxdigit((unsigned char)*p) || n + 1 >= cap)
                        return false;
                dst[n++] = (char)tolower((unsigned char)*p);
        }
        dst[n] = '\0';
        return n == 0 || n == 40;
}

static bool parse_bool(const char *s, int32_t *out)
{
        if (!strcasecmp(s, "true") || !strcmp(s, "1"))
                *out = 1;
        else if (!strcasecmp(s, "false") || !strcmp(s, "0"))
                *out = 0;
        else
                return false;
        return true;
}

/* One element of the body; create tells whether key fields may be set. */
static winrmd_status apply_one(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v,
                               struct lxrec *l, bool create, const char *name, const char *text)
{
        char mac[18];

        if (!strcmp(name, "Hostname"))
                return copy_text(l->hostname, sizeof(l->hostname), text) ? WINRMD_OK : bad(h, ctx, name, text);
        if (!strcmp(name, "Enabled"))
                return parse_bool(text, &l->enabled) ? WINRMD_OK : bad(h, ctx, name, text);
        if (!strcmp(name, "URLPrefix"))
                return *text && copy_text(l->url_prefix, sizeof(l->url_prefix), text) ? WINRMD_OK : bad(h, ctx, name, text);
        if (!strcmp(name, "CertificateThumbprint"))
                return thumbprint(l->thumbprint, sizeof(l->thumbprint), text) ? WINRMD_OK : bad(h, ctx, name, text);
        if (!strcmp(name, "Port") && !v->legacy)
                return parse_port(text, &l->port) ? WINRMD_OK : bad(h, ctx, name, text);
        if (!strcmp(name, "Transport") && v->legacy && create) {
                if (strcasecmp(text, "HTTP") && strcasecmp(text, "HTTPS"))
                        return bad(h, ctx, name, text);
                snprintf(l->transport, sizeof(l->transport), "%s", strcasecmp(text, "HTTP") ? "HTTPS" : "HTTP");
                return WINRMD_OK;
        }
        if (!strcmp(name, "MACAddress") && v->legacy && create && *text) {
                if (!canon_mac(text, mac))
                        return bad(h, ctx, name, text);
                if (l->address[0] != '*')
                        return h->fault(ctx, WINRMD_E_SELECTORS, "A MACAddress needs the selector IP=*.");
                snprintf(l->address, sizeof(l->address), "MAC:%s", mac);
                return WINRMD_OK;
        }
        if (v->legacy ? !strcmp(name, "IP") || !strcmp(name, "Port") || !strcmp(name, "Transport") ||
                                !strcmp(name, "MACAddress")
                      : !strcmp(name, "Address") || !strcmp(name, "Transport"))
                return same_key(h, ctx, l, create, name, text);
        /* what the agent does now, which may change between Get and Put:
         * output only, never compared */
        if (!v->legacy && (!strcmp(name, "ListeningOn") || !strcmp(name, "CertificateThumbprintInUse") ||
                           !strcmp(name, "Source")))
                return WINRMD_OK;
        return unknown(h, ctx, name);
}

winrmd_status lx_apply_body(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v,
                            struct lxrec *l, bool create)
{
        const winrmd_node *root = h->body(ctx);
        winrmd_status st;

        if (!root)
                return create ? WINRMD_OK : h->fault(ctx, WINRMD_E_SCHEMA, "The Put request has an empty body.");
        if (strcmp(h->node_name(root), "Listener") || strcmp(h->node_ns(root), v->ns))
                return unknown(h, ctx, h->node_name(root));
        if (h->node_next(root))
                return unknown(h, ctx, h->node_name(h->node_next(root)));
        for (const winrmd_node *e = h->node_child(root); e; e = h->node_next(e)) {
                const char *text;
                if (strcmp(h->node_ns(e), v->ns) || h->node_child(e))
                        return unknown(h, ctx, h->node_name(e));
                text = h->node_text(ctx, e);
                if (!text)
                        return h->fault(ctx, WINRMD_E_INTERNAL, NULL);
                st = apply_one(h, ctx, v, l, create, h->node_name(e), text);
                if (st != WINRMD_OK)
                        return st;
        }
        return WINRMD_OK;
}

/* "4907de19..." -> "49 07 de 19 ..." as the seed prints it. */
static void spaced(const char *hex, char *out, size_t cap)
{
        size_t n = 0;

        out[0] = '\0';
        for (size_t i = 0; hex[i] && hex[i + 1] && n + 4 < cap; i += 2) {
                if (n)
                        out[n++] = ' ';
                out[n++] = hex[i];
                out[n++] = hex[i + 1];
                out[n] = '\0';
        }
}

void lx_render(const winrmd_host *h, winrmd_ctx *ctx, const struct lview *v,
               const struct lxrec *l, const char *bound)
{
        const char *p_cert;
        char port[16], tp[64];

        snprintf(port, sizeof(port), "%d", (int)l->port);
        h->begin(ctx, v->ns, "cfg:Listener");
        if (l->source[0])
                h->attr(ctx, "Source", l->source);      /* read-only, as Windows' GPO ones */
        if (v->legacy) {
                h->text(ctx, "IP", lx_legacy_ip(l));
                h->text(ctx, "Port", port);
                h->text(ctx, "Hostname", *l->hostname ? l->hostname : NULL);
                h->text(ctx, "MACAddress", !strncmp(l->address, "MAC:", 4) ? l->address + 4 : NULL);
                h->text(ctx, "Enabled", l->enabled ? "true" : "false");
                h->text(ctx, "URLPrefix", l->url_prefix);
                h->text(ctx, "Transport", l->transport);
                spaced(l->thumbprint, tp, sizeof(tp));
                h->text(ctx, "CertificateThumbprint", *tp ? tp : NULL);
        } else {
                h->text(ctx, "Address", l->address);
                h->text(ctx, "Transport", l->transport);
                h->text(ctx, "Port", port);
                h->text(ctx, "Hostname", *l->hostname ? l->hostname : NULL);
                h->text(ctx, "Enabled", l->enabled ? "true" : "false");
                h->text(ctx, "URLPrefix", l->url_prefix);
                h->text(ctx, "CertificateThumbprint", *l->thumbprint ? l->thumbprint : NULL);
                /* the status: addresses bound, then "cert=" the certificate served */
                for (const char *p = bound; p && *p;) {
                        char one[80];
                        size_t n = strcspn(p, " ");
                        if (n < sizeof(one) && strncmp(p, "cert=", 5)) {
                                memcpy(one, p, n);
                                one[n] = '\0';
                                h->text(ctx, "ListeningOn", one);
                        }
                        p += n;
                        while (*p == ' ')
                                p++;
                }
                if (bound && (p_cert = strstr(bound, "cert=")) && strlen(p_cert + 5) >= 40) {
                        char inuse[41];
                        memcpy(inuse, p_cert + 5, 40);
                        inuse[40] = '\0';
                        h->text(ctx, "CertificateThumbprintInUse", inuse);
                }
        }
        h->end(ctx);
}
