/* certstore.c - the certificate store (see certstore.h).
 *
 * A pair NAME.pem + NAME.key is loaded only when the key file is a regular
 * file that nobody but its owner may read or write, owned by root, and the
 * key matches the leaf; anything else is refused with a log line naming
 * the file, and the rest of the store still loads.  Once the network
 * process has dropped root, it reads only NAME.pem: the privileged monitor
 * reads and checks NAME.key (priv_key_check()) and keeps it, and the
 * credentials sign through it.  A daemon that kept root (and the unit
 * tests) reads the key here, and also accepts one owned by its own user.  A reread builds a whole new index and swaps it in; the
 * credentials of the old one live on in the listeners and sessions that
 * hold them.  File names starting with '.' are ignored, so that a writer
 * can prepare a file under a hidden name and rename it into place. */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <event2/event.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "certstore.h"
#include "config.h"
#include "event.h"
#include "log.h"
#include "priv.h"
#include "tls.h"
#include "util.h"

#define MAX_CERTS 256
#define MAX_PEM (1024 * 1024)
#define MAX_KEY (64 * 1024)
#define MAX_CA_FILES 64
#define SETTLE_MS 200               /* after the last inotify event */
#define EXPIRY_WARN_DAYS 14
#define DAY_S (24 * 3600)

struct entry {
        struct cert_info info;
        gnutls_x509_crt_t leaf;
        struct tls_creds *creds;
        long warned_day;            /* day number of the last expiry warning */
};

static struct entry **entries;
static size_t n_entries;
static char *state;
static void (*on_changed)(void *);
static void *changed_arg;
static int ino_fd = -1;
static struct event *ino_ev, *settle_ev, *daily_ev;

/* --- files ----------------------------------------------------------------- */

/* The folder of client CAs: service.client_ca_dir, or STATE/client-ca. */
static void ca_dir(char *out, size_t len)
{
        const char *d = config_known("service.client_ca_dir") ? config_get("service.client_ca_dir") : "";

        if (d && *d)
                snprintf(out, len, "%s", d);
        else
                snprintf(out, len, "%s/client-ca", state);
}

static bool wanted(const char *name, const char *ext)
{
        size_t n = strlen(name), e = strlen(ext);

        return name[0] != '.' && n > e && n - e < sizeof(((struct cert_info *)0)->name) &&
               !strcmp(name + n - e, ext);
}

static int by_name(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names in dir ending with ext, sorted; *n of them.  Caller frees
 * each and the array. */
static char **list_dir(const char *dir, const char *ext, size_t max, size_t *n)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        char **names;

        *n = 0;
        if (!d)
                return NULL;
        names = calloc(max, sizeof(*names));
        while (names && (de = readdir(d)) && *n < max) {
                if (!wanted(de->d_name, ext))
                        continue;
                names[*n] = strdup(de->d_name);
                if (names[*n])
                        (*n)++;
        }
        closedir(d);
        if (names)
                qsort(names, *n, sizeof(*names), by_name);
        return names;
}

static void free_list(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

/* Every client CA as one PEM text (NULL when none); *len its length. */
static char *load_cas(size_t *len)
{
        char dir[PATH_MAX], path[PATH_MAX + 256];
        size_t n, used = 0;
        char **names;
        char *all = NULL;

        *len = 0;
        ca_dir(dir, sizeof(dir));
        names = list_dir(dir, ".pem", MAX_CA_FILES, &n);
        for (size_t i = 0; i < n; i++) {
                struct stat st;
                size_t l;
                char *pem, *grown;

                snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                pem = read_file_at(AT_FDCWD, path, MAX_PEM, &l, &st);
                if (!pem) {
                        log_warn("client CA %s: %s (skipped)", path, strerror(errno));
                        continue;
                }
                grown = used + l + 2 <= (size_t)MAX_PEM * 4 ? realloc(all, used + l + 2) : NULL;
                if (grown) {
                        all = grown;
                        memcpy(all + used, pem, l);
                        used += l;
                        all[used++] = '\n';
                        all[used] = '\0';
                }
                free(pem);
        }
        free_list(names, n);
        *len = used;
        return all;
}

/* --- one certificate --------------------------------------------------------- */

static void hex(const unsigned char *md, size_t n, char *out)
{
        for (size_t i = 0; i < n; i++)
                snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void append(char *dst, size_t cap, const char *word)
{
        size_t n = strlen(dst);

        if (n + strlen(word) + 2 <= cap)
                snprintf(dst + n, cap - n, "%s%s", n ? " " : "", word);
}

/* The index fields of leaf into e->info. */
static void describe(struct entry *e)
{
        gnutls_x509_crt_t crt = e->leaf;
        unsigned char md[20];
        size_t n = sizeof(md);
        unsigned usage = 0;
        int r;

        if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA1, md, &n) == 0 && n == 20)
                hex(md, 20, e->info.thumbprint);
        n = sizeof(e->info.subject_cn);
        if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, e->info.subject_cn, &n) < 0)
                e->info.subject_cn[0] = '\0';
        for (unsigned i = 0; i < 64; i++) {
                char buf[256];
                size_t len = sizeof(buf) - 1;
                int type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &len, NULL);

                if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
                        break;
                if (type == GNUTLS_SAN_DNSNAME) {
                        buf[len] = '\0';
                        append(e->info.names, sizeof(e->info.names), buf);
                } else if (type == GNUTLS_SAN_IPADDRESS && (len == 4 || len == 16)) {
                        char ip[64];
                        if (inet_ntop(len == 4 ? AF_INET : AF_INET6, buf, ip, sizeof(ip)))
                                append(e->info.names, sizeof(e->info.names), ip);
                }
        }
        e->info.server_purpose = true;
        for (unsigned i = 0; i < 32; i++) {
                char oid[128];
                size_t len = sizeof(oid);

                r = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &len, NULL);
                if (r < 0)
                        break;
                if (i == 0)
                        e->info.server_purpose = false;
                append(e->info.eku, sizeof(e->info.eku), oid);
                if (!strcmp(oid, GNUTLS_KP_TLS_WWW_SERVER) || !strcmp(oid, GNUTLS_KP_ANY))
                        e->info.server_purpose = true;
        }
        r = gnutls_x509_crt_get_key_usage(crt, &usage, NULL);
        e->info.server_usage = r == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ||
                               (r >= 0 && (usage & GNUTLS_KEY_DIGITAL_SIGNATURE));
        e->info.not_before = gnutls_x509_crt_get_activation_time(crt);
        e->info.not_after = gnutls_x509_crt_get_expiration_time(crt);
}

/* Whether the key file may be used: a private regular file of ours. */
static const char *key_file_problem(const struct stat *st)
{
        if (st->st_mode & (S_IRWXG | S_IRWXO))
                return "the private key file may be read or written by others than its owner (chmod 600)";
        if (st->st_uid != 0 && st->st_uid != geteuid())
                return "the private key file is not owned by root or the daemon's user";
        return NULL;
}

static void entry_free(struct entry *e)
{
        if (!e)
                return;
        if (e->leaf)
                gnutls_x509_crt_deinit(e->leaf);
        tls_creds_unref(e->creds);
        free(e);
}

/* The key in this process: DIR/NAME.key read and checked here. */
static const char *local_creds(struct entry *e, const char *dir, const char *pem, size_t pem_len, const char *ca,
                               size_t ca_len, char *why, size_t why_len)
{
        char path[PATH_MAX + 256];
        size_t key_len = 0;
        struct stat kst;
        const char *problem;
        char *key;

        snprintf(path, sizeof(path), "%s/%s.key", dir, e->info.name);
        key = read_file_at(AT_FDCWD, path, MAX_KEY, &key_len, &kst);
        if (!key) {
                snprintf(why, why_len, "%s.key: %s", e->info.name, errno == ENOENT ? "no private key" : strerror(errno));
                return why;
        }
        problem = key_file_problem(&kst);
        if (!problem) {
                struct tls_key k = { .pem = key, .pem_len = key_len };
                e->creds = tls_creds_new(pem, pem_len, &k, ca, ca_len, why, why_len);
                if (!e->creds)
                        problem = why;
        }
        wipe(key, key_len);
        free(key);
        return problem;
}

/* The key in the monitor, which checks it against the leaf it reads. */
static const char *remote_creds(struct entry *e, const char *pem, size_t pem_len, const char *ca, size_t ca_len,
                                char *why, size_t why_len)
{
        unsigned char md[20];
        size_t n = sizeof(md);
        struct tls_key k = { .name = e->info.name, .thumbprint = md };

        if (gnutls_x509_crt_get_fingerprint(e->leaf, GNUTLS_DIG_SHA1, md, &n) < 0 || n != sizeof(md)) {
                snprintf(why, why_len, "no SHA-1 thumbprint");
                return why;
        }
        if (priv_key_check(e->info.name, md, why, why_len) < 0)
                return why;
        e->creds = tls_creds_new(pem, pem_len, &k, ca, ca_len, why, why_len);
        return e->creds ? NULL : why;
}

/* Loads DIR/NAME.pem with DIR/NAME.key; NULL (logged) when unusable. */
static struct entry *load_pair(const char *dir, const char *pem_name, const char *ca, size_t ca_len)
{
        char path[PATH_MAX + 256], why[256];
        size_t stem = strlen(pem_name) - 4, pem_len = 0;
        struct stat pst;
        char *pem = NULL;
        struct entry *e = calloc(1, sizeof(*e));
        gnutls_datum_t d;
        const char *problem = NULL;

        if (!e)
                return NULL;
        snprintf(e->info.name, sizeof(e->info.name), "%.*s", (int)stem, pem_name);
        snprintf(path, sizeof(path), "%s/%s", dir, pem_name);
        pem = read_file_at(AT_FDCWD, path, MAX_PEM, &pem_len, &pst);
        if (!pem) {
                snprintf(why, sizeof(why), "%s%s", strerror(errno), errno == EACCES ?
                         " (the daemon's user must be able to read the certificate: chmod 644)" : "");
                problem = why;
                goto out;
        }
        d.data = (unsigned char *)pem;
        d.size = (unsigned)pem_len;
        if (gnutls_x509_crt_init(&e->leaf) < 0 || gnutls_x509_crt_import(e->leaf, &d, GNUTLS_X509_FMT_PEM) < 0) {
                problem = "the certificate does not parse (PEM, the leaf first)";
                goto out;
        }
        if (priv_monitor_used())
                problem = remote_creds(e, pem, pem_len, ca, ca_len, why, sizeof(why));
        else
                problem = local_creds(e, dir, pem, pem_len, ca, ca_len, why, sizeof(why));
        if (!problem)
                describe(e);
out:
        free(pem);
        if (problem) {
                log_err("certificate %s/%s refused: %s", dir, pem_name, problem);
                entry_free(e);
                return NULL;
        }
        return e;
}

/* --- the index ------------------------------------------------------------- */

static void warn_expiring(struct entry *e, time_t now)
{
        long day = (long)(now / DAY_S);

        if (e->info.not_after - now > (time_t)EXPIRY_WARN_DAYS * DAY_S || e->warned_day == day)
                return;
        e->warned_day = day;
        if (e->info.not_after < now)
                log_warn("certificate %s (%s) has expired", e->info.name, e->info.thumbprint);
        else
                log_warn("certificate %s (%s) expires in %ld days", e->info.name, e->info.thumbprint,
                         (long)((e->info.not_after - now) / DAY_S));
}

static void load_all(void)
{
        char dir[PATH_MAX];
        size_t n, ca_len, k = 0;
        char **names;
        char *ca;
        struct entry **fresh;
        time_t now = time(NULL);

        snprintf(dir, sizeof(dir), "%s/certs", state);
        ca = load_cas(&ca_len);
        names = list_dir(dir, ".pem", MAX_CERTS, &n);
        fresh = calloc(n ? n : 1, sizeof(*fresh));
        for (size_t i = 0; fresh && i < n; i++) {
                struct entry *e = load_pair(dir, names[i], ca, ca_len);
                if (!e)
                        continue;
                for (size_t j = 0; j < n_entries; j++)
                        if (!strcmp(entries[j]->info.thumbprint, e->info.thumbprint))
                                e->warned_day = entries[j]->warned_day;
                fresh[k++] = e;
        }
        free_list(names, n);
        free(ca);
        if (!fresh) {
                log_err("certificate store: out of memory; keeping the previous index");
                return;
        }
        for (size_t j = 0; j < n_entries; j++)
                entry_free(entries[j]);
        free(entries);
        entries = fresh;
        n_entries = k;
        for (size_t i = 0; i < n_entries; i++)
                warn_expiring(entries[i], now);
        log_info("certificate store: %zu certificate%s", n_entries, n_entries == 1 ? "" : "s");
}

size_t certstore_count(void)
{
        return n_entries;
}

const struct cert_info *certstore_at(size_t i)
{
        return i < n_entries ? &entries[i]->info : NULL;
}

static struct entry *entry_of(const struct cert_info *c)
{
        for (size_t i = 0; i < n_entries; i++)
                if (&entries[i]->info == c)
                        return entries[i];
        return NULL;
}

const struct cert_info *certstore_find(const char *thumbprint)
{
        if (!thumbprint || strlen(thumbprint) != 40)
                return NULL;
        for (size_t i = 0; i < n_entries; i++)
                if (!strcasecmp(entries[i]->info.thumbprint, thumbprint))
                        return &entries[i]->info;
        return NULL;
}

struct tls_creds *certstore_creds(const struct cert_info *c)
{
        struct entry *e = entry_of(c);

        return e ? e->creds : NULL;
}

static void date(time_t t, char *out, size_t len)
{
        struct tm tm;

        if (!gmtime_r(&t, &tm) || !strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
                snprintf(out, len, "?");
}

int certstore_check_server(const struct cert_info *c, const char *hostname, time_t now, char *why, size_t len)
{
        struct entry *e = entry_of(c);
        char when[64];

        if (!e)
                return -ENOKEY;
        if (now < c->not_before) {
                date(c->not_before, when, sizeof(when));
                snprintf(why, len, "The certificate %s is not valid before %s.", c->thumbprint, when);
                return -EKEYEXPIRED;
        }
        if (now > c->not_after) {
                date(c->not_after, when, sizeof(when));
                snprintf(why, len, "The certificate %s expired on %s.", c->thumbprint, when);
                return -EKEYEXPIRED;
        }
        if (!c->server_purpose) {
                snprintf(why, len, "The certificate %s is not for server authentication: its Enhanced Key Usage (%s) lacks 1.3.6.1.5.5.7.3.1.",
                         c->thumbprint, c->eku);
                return -EKEYREJECTED;
        }
        if (!c->server_usage) {
                snprintf(why, len, "The certificate %s has a key usage that does not allow TLS server use (digitalSignature).",
                         c->thumbprint);
                return -EKEYREJECTED;
        }
        if (hostname && *hostname && !gnutls_x509_crt_check_hostname2(e->leaf, hostname, 0)) {
                snprintf(why, len, "The certificate %s does not name the host %s (its CN is \"%s\", its names \"%s\").",
                         c->thumbprint, hostname, c->subject_cn, c->names);
                return -EKEYREJECTED;
        }
        return 0;
}

const struct cert_info *certstore_newest_for(const char *hostname, time_t now)
{
        const struct cert_info *best = NULL;
        char why[512];

        for (size_t i = 0; i < n_entries; i++) {
                const struct cert_info *c = &entries[i]->info;
                if (certstore_check_server(c, hostname, now, why, sizeof(why)) < 0)
                        continue;
                if (!best || c->not_before > best->not_before ||
                    (c->not_before == best->not_before && c->not_after > best->not_after))
                        best = c;
        }
        return best;
}

/* a and b equal without case up to the end of each or a '.' in either. */
static bool first_label_equal(const char *a, const char *b)
{
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");

        return la == lb && la > 0 && !strncasecmp(a, b, la);
}

bool certstore_cn_matches(const struct cert_info *c, const char *name)
{
        if (!*c->subject_cn || !*name)
                return false;
        if (!strcasecmp(c->subject_cn, name))
                return true;
        /* a short (NetBIOS-style) name against a qualified one, either way */
        if (!strchr(name, '.') || !strchr(c->subject_cn, '.'))
                return first_label_equal(c->subject_cn, name);
        return false;
}

/* --- watching ------------------------------------------------------------- */

static void reread(void)
{
        load_all();
        if (on_changed)
                on_changed(changed_arg);
}

static void on_settled(evutil_socket_t fd, short what, void *arg)
{
        reread();
}

static void on_inotify(evutil_socket_t fd, short what, void *arg)
{
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        struct timeval tv = { 0, SETTLE_MS * 1000 };

        while (read(fd, buf, sizeof(buf)) > 0)
                ;
        evtimer_add(settle_ev, &tv);      /* restarts: one reread after a burst */
}

static void on_daily(evutil_socket_t fd, short what, void *arg)
{
        struct timeval tv = { DAY_S, 0 };
        time_t now = time(NULL);

        for (size_t i = 0; i < n_entries; i++)
                warn_expiring(entries[i], now);
        /* a followed certificate may have expired, or a newer one become valid */
        if (on_changed)
                on_changed(changed_arg);
        evtimer_add(daily_ev, &tv);
}

static void watch(const char *dir)
{
        const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB |
                              IN_DELETE_SELF | IN_MOVE_SELF;

        if (ino_fd >= 0 && inotify_add_watch(ino_fd, dir, mask) < 0 && errno != ENOENT)
                log_warn("watching %s: %s (send SIGHUP after changing it)", dir, strerror(errno));
}

int certstore_open(const char *state_dir, void (*changed)(void *arg), void *arg)
{
        struct event_base *base = event_loop_base();
        struct timeval day = { DAY_S, 0 };
        char dir[PATH_MAX];

        state = strdup(state_dir);
        if (!state)
                return -ENOMEM;
        on_changed = changed;
        changed_arg = arg;
        load_all();
        ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (ino_fd < 0)
                log_warn("inotify: %s (send SIGHUP after changing certificates)", strerror(errno));
        snprintf(dir, sizeof(dir), "%s/certs", state);
        watch(dir);
        ca_dir(dir, sizeof(dir));
        watch(dir);
        settle_ev = evtimer_new(base, on_settled, NULL);
        daily_ev = evtimer_new(base, on_daily, NULL);
        if (ino_fd >= 0) {
                ino_ev = event_new(base, ino_fd, EV_READ | EV_PERSIST, on_inotify, NULL);
                if (ino_ev)
                        event_add(ino_ev, NULL);
        }
        if (daily_ev)
                evtimer_add(daily_ev, &day);
        return 0;
}

void certstore_reload(void)
{
        char dir[PATH_MAX];

        if (!state)
                return;
        if (ino_fd >= 0) {
                /* the client CA folder may have been renamed in the config */
                ca_dir(dir, sizeof(dir));
                watch(dir);
        }
        reread();
}

void certstore_close(void)
{
        if (ino_ev)
                event_free(ino_ev);
        if (settle_ev)
                event_free(settle_ev);
        if (daily_ev)
                event_free(daily_ev);
        ino_ev = settle_ev = daily_ev = NULL;
        if (ino_fd >= 0)
                close(ino_fd);
        ino_fd = -1;
        for (size_t i = 0; i < n_entries; i++)
                entry_free(entries[i]);
        free(entries);
        entries = NULL;
        n_entries = 0;
        free(state);
        state = NULL;
        on_changed = NULL;
}
