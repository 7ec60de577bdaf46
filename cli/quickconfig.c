/* quickconfig.c - winrm quickconfig: make this host ready for remote
 * management through the local agent.
 *
 * HTTPS (the default): unless an enabled HTTPS listener on port 5986
 * exists, find a certificate for this host's name with Retrieve, or make a
 * self-signed one into the agent's certificate store (STATE/certs, the
 * folder of its control socket), and create Listener Address=* HTTPS 5986
 * with it.  -transport:http: an HTTP listener on *:5985 instead.  It says
 * what it will change and asks (-q: yes); with nothing to change it says so
 * and changes nothing. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libxml/tree.h>

#include "output.h"
#include "quickconfig.h"
#include "request.h"
#include "winrm.h"

#define LISTENER_URI WSMAN_URI_PREFIX "config/listener"
#define CERT_URI WSMAN_URI_PREFIX "config/certificate"
#define T_CREATE "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create"
#define CERT_DAYS 365

/* The text of e's child name, or "". */
static const char *field(xmlNode *e, const char *name, char *buf, size_t len)
{
        buf[0] = '\0';
        for (xmlNode *c = e->children; c; c = c->next) {
                if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) {
                        xmlChar *t = xmlNodeGetContent(c);
                        snprintf(buf, len, "%s", t ? (const char *)t : "");
                        xmlFree(t);
                        break;
                }
        }
        return buf;
}

/* Whether an enabled listener of transport on port exists (any address). */
static int has_listener(const struct target *t, const char *transport, const char *port, bool *found)
{
        struct req_head h = { .to = t->url, .uri = LISTENER_URI };
        struct winrm_items it;
        char a[64], b[64], e[16];

        *found = false;
        if (winrm_enumerate(t, &h, NULL, NULL, NULL, &it) < 0)
                return -1;
        for (size_t i = 0; i < it.n; i++)
                if (!strcasecmp(field(it.items[i], "Transport", a, sizeof(a)), transport) &&
                    !strcmp(field(it.items[i], "Port", b, sizeof(b)), port) &&
                    !strcmp(field(it.items[i], "Enabled", e, sizeof(e)), "true"))
                        *found = true;
        winrm_items_free(&it);
        return 0;
}

static bool confirm(const struct cli_cmd *c)
{
        char answer[16];
        FILE *tty;
        bool yes;

        if (c->quiet || c->force)
                return true;
        tty = fopen("/dev/tty", "r+");
        if (!tty) {
                fprintf(stderr, "winrm: no terminal to ask on: run winrm quickconfig -q to make these changes.\n");
                return false;
        }
        fprintf(tty, "Make these changes [y/n]? ");
        fflush(tty);
        yes = fgets(answer, sizeof(answer), tty) && (answer[0] == 'y' || answer[0] == 'Y');
        fclose(tty);
        return yes;
}

/* Retrieve's thumbprint for hostname into thumb[41]: 0, or -1 (none). */
static int retrieve(const struct target *t, const char *hostname, char thumb[41])
{
        struct req_head h = { .to = t->url, .uri = CERT_URI };
        struct cli_pair p = { (char *)"Hostname", (char *)hostname };
        char *body = req_props_body(CERT_URI, "Retrieve", &p, 1);
        xmlDoc *reply = NULL;
        xmlNode *root;
        int rc = -1;

        if (!body)
                return -1;
        if (winrm_call_q(t, CERT_URI "/Retrieve", &h, body, &reply, true) == 0 && reply) {
                root = xmlDocGetRootElement(reply);
                for (xmlNode *b = root ? root->children : NULL; b; b = b->next) {
                        if (b->type != XML_ELEMENT_NODE || strcmp((const char *)b->name, "Body"))
                                continue;
                        for (xmlNode *o = b->children; o; o = o->next) {
                                char buf[64];
                                if (o->type == XML_ELEMENT_NODE &&
                                    strlen(field(o, "CertificateThumbprint", buf, sizeof(buf))) == 40) {
                                        memcpy(thumb, buf, 41);
                                        rc = 0;
                                }
                        }
                }
        }
        xmlFreeDoc(reply);
        free(body);
        return rc;
}

/* --- a self-signed certificate ----------------------------------------------- */

static int write_private(const char *dir, const char *name, const gnutls_datum_t *d, mode_t mode)
{
        char tmp[PATH_MAX], path[PATH_MAX];
        int fd;
        ssize_t n;

        snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        (void)unlink(tmp);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return -errno;
        n = write(fd, d->data, d->size);
        if (n != (ssize_t)d->size || fsync(fd) < 0) {
                close(fd);
                unlink(tmp);
                return -EIO;
        }
        close(fd);
        return rename(tmp, path) < 0 ? -errno : 0;
}

/* Makes certs/quickconfig-HOST.pem + .key in dir: an ECDSA P-256 key and a
 * self-signed certificate for hostname (and localhost), server
 * authentication, CERT_DAYS days.  0 or -1 after printing why. */
static int make_certificate(const char *dir, const char *hostname)
{
        gnutls_x509_privkey_t key = NULL;
        gnutls_x509_crt_t crt = NULL;
        gnutls_datum_t kp = { 0 }, cp = { 0 };
        unsigned char serial[16];
        char name[300];
        time_t now = time(NULL);
        int r;

        if (gnutls_x509_privkey_init(&key) < 0 || gnutls_x509_crt_init(&crt) < 0)
                goto fail;
        r = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
        if (r < 0 || gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)) < 0)
                goto fail;
        serial[0] &= 0x7f;
        if (gnutls_x509_crt_set_version(crt, 3) < 0 || gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) < 0 ||
            gnutls_x509_crt_set_activation_time(crt, now - 60) < 0 ||
            gnutls_x509_crt_set_expiration_time(crt, now + (time_t)CERT_DAYS * 86400) < 0 ||
            gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, hostname, (unsigned)strlen(hostname)) < 0 ||
            gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, hostname, (unsigned)strlen(hostname),
                                                 GNUTLS_FSAN_APPEND) < 0 ||
            gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9, GNUTLS_FSAN_APPEND) < 0 ||
            gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0) < 0 ||
            gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
            gnutls_x509_crt_set_basic_constraints(crt, 0, -1) < 0 || gnutls_x509_crt_set_key(crt, key) < 0 ||
            gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0 ||
            gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kp) < 0 ||
            gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cp) < 0)
                goto fail;
        snprintf(name, sizeof(name), "quickconfig-%s.key", hostname);
        r = write_private(dir, name, &kp, 0600);
        if (r == 0) {
                snprintf(name, sizeof(name), "quickconfig-%s.pem", hostname);
                r = write_private(dir, name, &cp, 0644);
        }
        gnutls_memset(kp.data, 0, kp.size);
        gnutls_free(kp.data);
        gnutls_free(cp.data);
        gnutls_x509_crt_deinit(crt);
        gnutls_x509_privkey_deinit(key);
        if (r < 0)
                fprintf(stderr, "winrm: writing the certificate into %s: %s\n", dir, strerror(-r));
        return r < 0 ? -1 : 0;
fail:
        fprintf(stderr, "winrm: making a self-signed certificate failed.\n");
        gnutls_free(kp.data);
        gnutls_free(cp.data);
        if (crt)
                gnutls_x509_crt_deinit(crt);
        if (key)
                gnutls_x509_privkey_deinit(key);
        return -1;
}

/* The agent's certificate store: certs/ beside its control socket. */
static void store_of(const struct target *t, char *out, size_t len)
{
        const char *slash = strrchr(t->socket_path, '/');

        snprintf(out, len, "%.*s/certs", slash ? (int)(slash - t->socket_path) : 1,
                 slash ? t->socket_path : ".");
}

static int create_listener(const struct target *t, const char *transport, const char *port, const char *hostname,
                           const char *thumb)
{
        struct cli_pair sels[] = { { (char *)"Address", (char *)"*" }, { (char *)"Transport", (char *)transport } };
        struct cli_pair props[] = { { (char *)"Port", (char *)port }, { (char *)"Hostname", (char *)hostname },
                                    { (char *)"CertificateThumbprint", (char *)thumb } };
        struct req_head h = { .to = t->url, .uri = LISTENER_URI, .selectors = sels, .n_selectors = 2 };
        char *body = req_props_body(LISTENER_URI, NULL, props, thumb ? 3 : 2);
        xmlDoc *reply = NULL;
        int rc;

        if (!body)
                return -1;
        rc = winrm_call(t, T_CREATE, &h, body, &reply);
        xmlFreeDoc(reply);
        free(body);
        return rc;
}

static void print_listeners(const struct target *t)
{
        struct req_head h = { .to = t->url, .uri = LISTENER_URI };
        struct winrm_items it;

        if (winrm_enumerate(t, &h, NULL, NULL, NULL, &it) == 0) {
                out_items(stdout, it.items, it.n, OUT_TEXT);
                winrm_items_free(&it);
        }
}

static int quick_http(const struct cli_cmd *c, const struct target *t)
{
        char hostname[256] = "";
        bool found;

        if (has_listener(t, "HTTP", "5985", &found) < 0)
                return 1;
        if (found) {
                printf("WinRM service is already running on this machine.\n"
                       "winrmd already has an HTTP listener on port 5985: nothing to change.\n");
                return 0;
        }
        printf("This host is not set up for remote management over HTTP.\n"
               "The following change must be made:\n\n"
               "Create a WinRM listener on HTTP://* to accept WS-Man requests to any IP on this machine.\n"
               "(HTTP is for troubleshooting: Basic over it needs AllowUnencrypted.)\n\n");
        fflush(stdout);
        if (!confirm(c))
                return 1;
        (void)gethostname(hostname, sizeof(hostname) - 1);
        if (create_listener(t, "HTTP", "5985", hostname, NULL) < 0)
                return 1;
        printf("\nWinRM has been updated for remote management.\n"
               "Created a WinRM listener on HTTP://* to accept WS-Man requests to any IP on this machine.\n\n");
        print_listeners(t);
        return 0;
}

static int quick_https(const struct cli_cmd *c, const struct target *t)
{
        char hostname[256] = "", thumb[41], store[PATH_MAX];
        bool found, have_cert;

        if (has_listener(t, "HTTPS", "5986", &found) < 0)
                return 1;
        if (found) {
                printf("WinRM service is already running on this machine.\n"
                       "winrmd already has an HTTPS listener on port 5986: nothing to change.\n");
                return 0;
        }
        if (gethostname(hostname, sizeof(hostname) - 1) < 0 || !*hostname) {
                fprintf(stderr, "winrm: this host has no name to put in a certificate.\n");
                return 1;
        }
        have_cert = retrieve(t, hostname, thumb) == 0;
        store_of(t, store, sizeof(store));
        printf("This host is not set up for remote management over HTTPS.\n"
               "The following changes must be made:\n\n");
        if (!have_cert)
                printf("Create a self-signed certificate for %s in %s.\n", hostname, store);
        else
                printf("Use the certificate %s for %s.\n", thumb, hostname);
        printf("Create a WinRM listener on HTTPS://* to accept WS-Man requests to any IP on this machine.\n\n");
        fflush(stdout);
        if (!confirm(c))
                return 1;
        if (!have_cert) {
                if (make_certificate(store, hostname) < 0)
                        return 1;
                /* the agent rereads its store within a second of a change */
                for (int i = 0; i < 50 && !have_cert; i++) {
                        struct timespec ts = { 0, 100 * 1000 * 1000 };
                        nanosleep(&ts, NULL);
                        have_cert = retrieve(t, hostname, thumb) == 0;
                }
                if (!have_cert) {
                        fprintf(stderr, "winrm: the agent did not take the new certificate (see its log).\n");
                        return 1;
                }
        }
        if (create_listener(t, "HTTPS", "5986", hostname, thumb) < 0)
                return 1;
        printf("\nWinRM has been updated for remote management.\n"
               "Created a WinRM listener on HTTPS://* to accept WS-Man requests to any IP on this machine,\n"
               "with the certificate %s.\n\n", thumb);
        print_listeners(t);
        return 0;
}

int quickconfig(const struct cli_cmd *c, struct target *t)
{
        if (!t->local) {
                fprintf(stderr, "winrm: quickconfig sets up this host: run it here, without -r:.\n");
                return 2;
        }
        if (c->transport && strcasecmp(c->transport, "http") && strcasecmp(c->transport, "https")) {
                fprintf(stderr, "winrm: -transport must be http or https.\n");
                return 2;
        }
        return c->transport && !strcasecmp(c->transport, "http") ? quick_http(c, t) : quick_https(c, t);
}
