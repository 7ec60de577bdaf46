/* lrec.c - listener records in the store. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrec.h"
#include "util.h"

bool lrec_norm_mac(const char *in, char out[18])
{
        int j = 0;

        for (int i = 0; i < 6; i++) {
                if (!isxdigit((unsigned char)in[j]) || !isxdigit((unsigned char)in[j + 1]))
                        return false;
                out[i * 3] = (char)toupper((unsigned char)in[j]);
                out[i * 3 + 1] = (char)toupper((unsigned char)in[j + 1]);
                j += 2;
                if (i < 5) {
                        if (in[j] != '-' && in[j] != ':')
                                return false;
                        out[i * 3 + 2] = '-';
                        j++;
                }
        }
        out[17] = '\0';
        return in[j] == '\0';
}

const char *lrec_ip(const struct lrec *l)
{
        return !strncmp(l->address, "IP:", 3) ? l->address + 3 : NULL;
}

bool lrec_mac(const struct lrec *l, char out[18])
{
        return !strncmp(l->address, "MAC:", 4) && lrec_norm_mac(l->address + 4, out);
}

static bool valid_hostname(const char *s)
{
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && !strchr(".-_", *s))
                        return false;
        return true;
}

int lrec_check_fields(struct lrec *l)
{
        char mac[18];

        if (!strcmp(l->address, "*")) {
                /* every address */
        } else if (lrec_ip(l)) {
                unsigned char buf[16];
                char canon[INET6_ADDRSTRLEN];
                const char *ip = lrec_ip(l);
                int af = strchr(ip, ':') ? AF_INET6 : AF_INET;
                if (inet_pton(af, ip, buf) != 1 || !inet_ntop(af, buf, canon, sizeof(canon)))
                        return -EINVAL;
                snprintf(l->address, sizeof(l->address), "IP:%s", canon);
        } else if (!strncmp(l->address, "MAC:", 4)) {
                if (!lrec_norm_mac(l->address + 4, mac))
                        return -EINVAL;
                snprintf(l->address, sizeof(l->address), "MAC:%s", mac);
        } else {
                return -EINVAL;
        }
        if (!ascii_casecmp(l->transport, "http"))
                snprintf(l->transport, sizeof(l->transport), "HTTP");
        else if (!ascii_casecmp(l->transport, "https"))
                snprintf(l->transport, sizeof(l->transport), "HTTPS");
        else
                return -EINVAL;
        if (l->port < 1 || l->port > 65535 || (l->enabled != 0 && l->enabled != 1))
                return -EINVAL;
        if (!valid_hostname(l->hostname))
                return -EINVAL;
        if (!l->url_prefix[0])
                snprintf(l->url_prefix, sizeof(l->url_prefix), "wsman");
        for (const char *p = l->url_prefix; *p; p++)
                if (!isalnum((unsigned char)*p) && !strchr("-_.~/", *p))
                        return -EINVAL;
        if (l->url_prefix[0] == '/')
                return -EINVAL;
        if (l->thumbprint[0]) {
                if (strlen(l->thumbprint) != 40)
                        return -EINVAL;
                for (char *p = l->thumbprint; *p; p++) {
                        if (!isxdigit((unsigned char)*p))
                                return -EINVAL;
                        *p = (char)tolower((unsigned char)*p);
                }
        }
        return 0;
}

/* The IP a record is known by: its IP, or "*" for "*" and MAC records (the
 * seed shows both as IP=*). */
static const char *ident_ip(const struct lrec *l)
{
        const char *ip = lrec_ip(l);

        return ip ? ip : "*";
}

bool lrec_conflict(const struct lrec *a, const struct lrec *b)
{
        return a->port == b->port && !strcmp(ident_ip(a), ident_ip(b));
}

static int set_field(struct lrec *l, const char *k, size_t kn, const char *v, size_t vn)
{
        char *dst = NULL;
        size_t cap = 0;
        char num[16];

#define F(name, field) if (kn == strlen(name) && !strncmp(k, name, kn)) { dst = l->field; cap = sizeof(l->field); }
        F("address", address) F("transport", transport) F("hostname", hostname)
        F("url_prefix", url_prefix) F("thumbprint", thumbprint)
#undef F
        if (dst) {
                if (vn >= cap)
                        return -EINVAL;
                memcpy(dst, v, vn);
                dst[vn] = '\0';
                return 0;
        }
        if (vn >= sizeof(num))
                return -EINVAL;
        memcpy(num, v, vn);
        num[vn] = '\0';
        if (kn == 4 && !strncmp(k, "port", 4)) {
                long p;
                if (parse_long(num, 1, 65535, &p) < 0)
                        return -EINVAL;
                l->port = (int32_t)p;
                return 0;
        }
        if (kn == 7 && !strncmp(k, "enabled", 7)) {
                bool b;
                if (parse_bool(num, &b) < 0)
                        return -EINVAL;
                l->enabled = b;
                return 0;
        }
        return -EINVAL;
}

int lrec_parse(const char *text, struct lrec *out)
{
        struct lrec l = { .enabled = 1 };
        const char *p = text;

        while (*p) {
                const char *k, *eq, *v;
                while (*p == ' ')
                        p++;
                if (!*p)
                        break;
                k = p;
                eq = strchr(p, '=');
                if (!eq)
                        return -EINVAL;
                v = eq + 1;
                p = v + strcspn(v, " ");
                if (set_field(&l, k, (size_t)(eq - k), v, (size_t)(p - v)) < 0)
                        return -EINVAL;
        }
        if (!l.address[0] || !l.transport[0] || !l.port || lrec_check_fields(&l) < 0)
                return -EINVAL;
        *out = l;
        return 0;
}

int lrec_format(const struct lrec *l, char *buf, size_t len)
{
        int n = snprintf(buf, len, "address=%s transport=%s port=%d enabled=%s hostname=%s url_prefix=%s thumbprint=%s",
                         l->address, l->transport, (int)l->port, l->enabled ? "true" : "false",
                         l->hostname, l->url_prefix, l->thumbprint);
        return n < 0 || (size_t)n >= len ? -E2BIG : 0;
}
