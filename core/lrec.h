/* lrec.h - listener records: the text form kept in the store, field checks,
 * and the keys that make two records the same listener. */
#ifndef WINRMD_LREC_H
#define WINRMD_LREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One listener record.  Strings are NUL-terminated; empty = unset. */
struct lrec {
        char address[64];      /* "*", "IP:<v4 or v6>" or "MAC:12-34-56-78-90-AB" */
        char transport[8];     /* "HTTP" or "HTTPS" */
        int32_t port;          /* 1..65535 */
        int32_t enabled;       /* 0 or 1 */
        char hostname[256];
        char url_prefix[64];
        char thumbprint[48];   /* 40 lower-case hex digits or "" */
};

/* Parses one store line value ("address=... transport=... port=..."). 0 or -EINVAL. */
int lrec_parse(const char *text, struct lrec *out);
/* Formats l into buf; -E2BIG if it does not fit. */
int lrec_format(const struct lrec *l, char *buf, size_t len);
/* Checks every field alone (syntax, ranges); normalises case. 0 or -EINVAL. */
int lrec_check_fields(struct lrec *l);
/* True when a and b would be the same listener: IP and Port identify one,
 * whatever the transport; "*" and MAC records count as IP "*", so two of
 * them (one NIC or two) need different ports.  Both are checked records. */
bool lrec_conflict(const struct lrec *a, const struct lrec *b);
/* The IP of an "IP:..." address (borrowed pointer into l), else NULL. */
const char *lrec_ip(const struct lrec *l);
/* The MAC of a "MAC:..." address normalised to 12-34-56-78-9A-BC in out[18], or false. */
bool lrec_mac(const struct lrec *l, char out[18]);
/* Normalises a MAC written with '-' or ':' (any case) into out[18]; false if malformed. */
bool lrec_norm_mac(const char *in, char out[18]);

#endif
