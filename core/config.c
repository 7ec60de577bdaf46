/* config.c - the configuration store.  The file is "key = value" lines;
 * '#' starts a comment.  Every key has a type, a default and limits; a
 * file with an unknown key or a bad value is refused with its line. */
#include "autoconfig.h"

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_keys.h"
#include "log.h"
#include "lrec.h"
#include "util.h"

#define NKEYS CONFIG_MAX_KEYS

static char *values[NKEYS];
static char *listeners[CONFIG_MAX_LISTENERS];
static size_t n_listeners;
/* "record = KIND FIELDS" lines, kept as "KIND FIELDS" */
static char *records[CONFIG_MAX_RECORDS];
static size_t n_records;
/* "plugin.P.S = V" lines of settings no loaded provider declared (yet):
 * kept as they are, checked when a provider declares them, saved back. */
struct raw_setting {
        char *key, *value;
};
static struct raw_setting raw[CONFIG_MAX_DYNAMIC];
static size_t n_raw;
static char *store_path;
static config_watch_fn watch_fn;
static void *watch_arg;

struct config_txn {
        char *staged[NKEYS];
        size_t count;
        char **lst;               /* staged listener lines, when lst_staged */
        size_t n_lst;
        bool lst_staged;
        char **rec;               /* staged record lines, when rec_staged */
        size_t n_rec;
        bool rec_staged;
};

static void free_lines(char **l, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(l[i]);
}

size_t config_listener_count(void)
{
        return n_listeners;
}

const char *config_listener(size_t i)
{
        return i < n_listeners ? listeners[i] : NULL;
}

/* Parses every line and refuses two that name the same listener. */
static int check_listener_lines(const char *const *lines, size_t n, size_t *bad)
{
        struct lrec a, b;

        for (size_t i = 0; i < n; i++) {
                if (lrec_parse(lines[i], &a) < 0) {
                        *bad = i;
                        return -EINVAL;
                }
                for (size_t j = 0; j < i; j++) {
                        if (lrec_parse(lines[j], &b) == 0 && lrec_conflict(&a, &b)) {
                                *bad = i;
                                return -EEXIST;
                        }
                }
        }
        return 0;
}

bool config_known(const char *key)
{
        return ckey_index(key) >= 0;
}

int config_check(const char *key, const char *value)
{
        int i = ckey_index(key);

        if (i < 0)
                return -ENOENT;
        return ckey_check(ckey((int)i), value) < 0 ? -EINVAL : 0;
}

const char *config_get(const char *key)
{
        int i = ckey_index(key);

        if (i < 0)
                return NULL;
        return values[i] ? values[i] : ckey((int)i)->def;
}

/* Parsed integers and booleans, read on every request; rebuilt after
 * each change of the values. */
static long parsed[NKEYS];
static bool parsed_valid;

static void parse_all(void)
{
        for (size_t i = 0; i < ckey_count(); i++) {
                const char *v = values[i] ? values[i] : ckey((int)i)->def;
                long l = 0;
                bool b = false;
                if (ckey((int)i)->type == T_INT && parse_long(v, ckey((int)i)->min, ckey((int)i)->max, &l) == 0)
                        parsed[i] = l;
                else if (ckey((int)i)->type == T_BOOL && parse_bool(v, &b) == 0)
                        parsed[i] = b;
        }
        parsed_valid = true;
}

long config_long(const char *key)
{
        int i = ckey_index(key);

        if (i < 0 || ckey((int)i)->type != T_INT)
                abort();
        if (!parsed_valid)
                parse_all();
        return parsed[i];
}

bool config_bool(const char *key)
{
        int i = ckey_index(key);

        if (i < 0 || ckey((int)i)->type != T_BOOL)
                abort();
        if (!parsed_valid)
                parse_all();
        return parsed[i] != 0;
}

static char *trim(char *s)
{
        char *e;

        while (isspace((unsigned char)*s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
                *--e = '\0';
        return s;
}

/* A provider's setting key: "plugin." NAME "." SETTING, letters, digits,
 * '-', '_' and dots. */
static bool plugin_key(const char *k)
{
        if (strncmp(k, "plugin.", 7) || !strchr(k + 7, '.') || strlen(k) > 160)
                return false;
        for (const char *p = k; *p; p++)
                if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
                        return false;
        return true;
}

/* A record line's kind: letters, digits, '_', '-' and dots, then a blank. */
static bool record_line(const char *v)
{
        size_t n = strcspn(v, " ");

        if (n == 0 || n > 96)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char)v[i]) && !strchr("._-", v[i]))
                        return false;
        return true;
}

static void free_raw(struct raw_setting *r, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(r[i].key);
                free(r[i].value);
        }
}

int config_load(const char *path, char *err, size_t errlen)
{
        char *loaded[NKEYS] = { NULL };
        char *lst[CONFIG_MAX_LISTENERS], *rec[CONFIG_MAX_RECORDS];
        struct raw_setting pend[CONFIG_MAX_DYNAMIC];
        unsigned lst_line[CONFIG_MAX_LISTENERS];
        size_t n_lst = 0, n_rec = 0, n_pend = 0, bad = 0;
        char line[8192];
        unsigned lineno = 0;
        FILE *f;
        int r = 0;

        free(store_path);
        store_path = strdup(path);
        if (!store_path)
                return -ENOMEM;
        f = fopen(path, "re");
        if (!f) {
                if (errno == ENOENT)
                        return 0;
                snprintf(err, errlen, "%s: %s", path, strerror(errno));
                return -errno;
        }
        while (fgets(line, sizeof(line), f)) {
                char *eq, *k, *v;
                int i;

                lineno++;
                if (!strchr(line, '\n') && !feof(f)) {
                        snprintf(err, errlen, "%s:%u: line too long", path, lineno);
                        r = -EINVAL;
                        break;
                }
                k = trim(line);
                if (!*k || *k == '#')
                        continue;
                eq = strchr(k, '=');
                if (!eq) {
                        snprintf(err, errlen, "%s:%u: expected \"key = value\"", path, lineno);
                        r = -EINVAL;
                        break;
                }
                *eq = '\0';
                k = trim(k);
                v = trim(eq + 1);
                if (!strcmp(k, "listener")) {
                        struct lrec l;
                        /* saving writes "listener = VALUE\n", which must fit a
                         * line too, or the next load refuses the store */
                        if (n_lst >= CONFIG_MAX_LISTENERS || strlen(v) + sizeof("listener = ") >= sizeof(line) ||
                            lrec_parse(v, &l) < 0) {
                                snprintf(err, errlen, "%s:%u: bad listener record", path, lineno);
                                r = -EINVAL;
                                break;
                        }
                        lst_line[n_lst] = lineno;
                        lst[n_lst] = strdup(v);
                        if (!lst[n_lst++]) {
                                r = -ENOMEM;
                                break;
                        }
                        continue;
                }
                if (!strcmp(k, "record")) {
                        if (n_rec >= CONFIG_MAX_RECORDS || strlen(v) + sizeof("record = ") >= sizeof(line) ||
                            !record_line(v)) {
                                snprintf(err, errlen, "%s:%u: bad record", path, lineno);
                                r = -EINVAL;
                                break;
                        }
                        rec[n_rec] = strdup(v);
                        if (!rec[n_rec++]) {
                                r = -ENOMEM;
                                break;
                        }
                        continue;
                }
                i = ckey_index(k);
                if (i < 0 && plugin_key(k)) {
                        /* a provider's setting: checked when it declares it */
                        if (n_pend >= CONFIG_MAX_DYNAMIC) {
                                snprintf(err, errlen, "%s:%u: too many provider settings", path, lineno);
                                r = -EINVAL;
                                break;
                        }
                        pend[n_pend].key = strdup(k);
                        pend[n_pend].value = strdup(v);
                        if (!pend[n_pend].key || !pend[n_pend].value) {
                                n_pend++;
                                r = -ENOMEM;
                                break;
                        }
                        n_pend++;
                        continue;
                }
                if (i < 0) {
                        snprintf(err, errlen, "%s:%u: unknown key \"%.64s\"", path, lineno, k);
                        r = -EINVAL;
                        break;
                }
                if (ckey_check(ckey((int)i), v) < 0) {
                        snprintf(err, errlen, "%s:%u: bad value for %s", path, lineno, k);
                        r = -EINVAL;
                        break;
                }
                free(loaded[i]);
                loaded[i] = ckey_canonical(ckey((int)i), v);
                if (!loaded[i]) {
                        r = -ENOMEM;
                        break;
                }
        }
        if (r == 0 && ferror(f)) {
                snprintf(err, errlen, "%s: read error", path);
                r = -EIO;
        }
        fclose(f);
        if (r == 0 && check_listener_lines((const char *const *)lst, n_lst, &bad) < 0) {
                snprintf(err, errlen, "%s:%u: listener conflicts with an earlier one", path, lst_line[bad]);
                r = -EINVAL;
        }
        if (r == 0) {
                free_lines(listeners, n_listeners);
                memcpy(listeners, lst, n_lst * sizeof(*lst));
                n_listeners = n_lst;
                free_lines(records, n_records);
                memcpy(records, rec, n_rec * sizeof(*rec));
                n_records = n_rec;
                free_raw(raw, n_raw);
                memcpy(raw, pend, n_pend * sizeof(*pend));
                n_raw = n_pend;
        } else {
                free_lines(lst, n_lst);
                free_lines(rec, n_rec);
                free_raw(pend, n_pend);
        }
        for (size_t i = 0; i < ckey_count(); i++) {
                if (r == 0) {
                        parsed_valid = false;
                        free(values[i]);
                        values[i] = loaded[i];
                } else {
                        free(loaded[i]);
                }
        }
        return r;
}

void config_free(void)
{
        for (size_t i = 0; i < ckey_count(); i++) {
                free(values[i]);
                values[i] = NULL;
        }
        parsed_valid = false;
        free_lines(listeners, n_listeners);
        n_listeners = 0;
        free_lines(records, n_records);
        n_records = 0;
        free_raw(raw, n_raw);
        n_raw = 0;
        ckey_drop_added();
        free(store_path);
        store_path = NULL;
}

int config_declare(const char *key, int type, const char *def, long min, long max,
                   int (*check)(const char *value), char *err, size_t errlen)
{
        struct key_def d = { key, (enum key_type)type, def, min, max, check };
        char *canon = NULL;
        size_t at = n_raw;
        int i;

        if (!plugin_key(key) || ckey_check(&d, def ? def : "") < 0) {
                snprintf(err, errlen, "setting %s: a bad name or default", key);
                return -EINVAL;
        }
        for (size_t k = 0; k < n_raw; k++)
                if (!strcmp(raw[k].key, key))
                        at = k;
        if (at < n_raw) {
                if (ckey_check(&d, raw[at].value) < 0) {
                        snprintf(err, errlen, "%s: %s = %.100s is not a valid value", store_path ? store_path : "store",
                                 key, raw[at].value);
                        return -EINVAL;
                }
                canon = ckey_canonical(&d, raw[at].value);
                if (!canon)
                        return -ENOMEM;
        }
        i = ckey_add(&d);
        if (i < 0) {
                free(canon);
                snprintf(err, errlen, "setting %s: %s", key, i == -EEXIST ? "declared twice" : "too many settings");
                return i;
        }
        if (at < n_raw) {
                values[i] = canon;
                free(raw[at].key);
                free(raw[at].value);
                raw[at] = raw[--n_raw];
        }
        parsed_valid = false;
        return 0;
}

void config_set_watch(config_watch_fn fn, void *arg)
{
        watch_fn = fn;
        watch_arg = arg;
}

static int write_all(int fd, const char *s, size_t n)
{
        while (n > 0) {
                ssize_t w = write(fd, s, n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                s += w;
                n -= (size_t)w;
        }
        return 0;
}

/* Writes "KEY = VALUE\n". */
static int write_line(int fd, const char *key, const char *value)
{
        char line[8300];
        int n = snprintf(line, sizeof(line), "%s = %s\n", key, value);

        if (n < 0 || n >= (int)sizeof(line))
                return -E2BIG;
        return write_all(fd, line, (size_t)n);
}

/* Writes VALS (NULL entries = default, not written), the listener and
 * record lines, and the settings no provider declared, to PATH
 * atomically. */
static int save_values(const char *path, char *const *vals, char *const *lst, size_t n_lst,
                       char *const *rec, size_t n_rec)
{
        static const char header[] = "# winrmd configuration store; see winrmd.conf(5).\n";
        char tmp[4096], dirbuf[4096], line[8300];
        int fd, dfd, r = 0;

        if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
                return -ENAMETOOLONG;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        r = write_all(fd, header, sizeof(header) - 1);
        for (size_t i = 0; r == 0 && i < ckey_count(); i++) {
                int n;
                if (!vals[i])
                        continue;
                n = snprintf(line, sizeof(line), "%s = %s\n", ckey((int)i)->name, vals[i]);
                if (n < 0 || n >= (int)sizeof(line))
                        r = -E2BIG;
                else
                        r = write_all(fd, line, (size_t)n);
        }
        for (size_t i = 0; r == 0 && i < n_lst; i++)
                r = write_line(fd, "listener", lst[i]);
        for (size_t i = 0; r == 0 && i < n_rec; i++)
                r = write_line(fd, "record", rec[i]);
        for (size_t i = 0; r == 0 && i < n_raw; i++)
                r = write_line(fd, raw[i].key, raw[i].value);
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                (void)unlink(tmp);
                return r;
        }
        snprintf(dirbuf, sizeof(dirbuf), "%s", path);
        dfd = open(dirname(dirbuf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                if (fsync(dfd) < 0)
                        r = -errno;
                close(dfd);
        }
        return r;
}

int config_save(const char *path)
{
        return save_values(path, values, listeners, n_listeners, records, n_records);
}

struct config_txn *config_txn_new(void)
{
        return calloc(1, sizeof(struct config_txn));
}

void config_txn_free(struct config_txn *t)
{
        if (!t)
                return;
        for (size_t i = 0; i < ckey_count(); i++)
                free(t->staged[i]);
        free_lines(t->lst, t->n_lst);
        free(t->lst);
        free_lines(t->rec, t->n_rec);
        free(t->rec);
        free(t);
}

int config_txn_set(struct config_txn *t, const char *key, const char *value)
{
        int i = ckey_index(key);
        char *c;

        if (i < 0)
                return -ENOENT;
        if (ckey_check(ckey((int)i), value) < 0)
                return -EINVAL;
        c = ckey_canonical(ckey((int)i), value);
        if (!c)
                return -ENOMEM;
        if (!t->staged[i])
                t->count++;
        free(t->staged[i]);
        t->staged[i] = c;
        return 0;
}

const char *config_txn_get(const struct config_txn *t, const char *key)
{
        int i = ckey_index(key);

        return i < 0 || !t ? NULL : t->staged[i];
}

size_t config_txn_count(const struct config_txn *t)
{
        return t->count + (t->lst_staged ? 1 : 0) + (t->rec_staged ? 1 : 0);
}

/* A new array of copies of lines[0..n); NULL on OOM. */
static char **copy_lines(const char *const *lines, size_t n)
{
        char **copy = calloc(n ? n : 1, sizeof(*copy));

        if (!copy)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                copy[i] = strdup(lines[i]);
                if (!copy[i]) {
                        free_lines(copy, i);
                        free(copy);
                        return NULL;
                }
        }
        return copy;
}

size_t config_records(const struct config_txn *t, const char *const **out)
{
        if (t && t->rec_staged) {
                *out = (const char *const *)t->rec;
                return t->n_rec;
        }
        *out = (const char *const *)records;
        return n_records;
}

/* Stages copies of lines[0..n) in place of a transaction's list. */
static int stage_lines(char ***list, size_t *count, bool *staged, const char *const *lines, size_t n)
{
        char **copy = copy_lines(lines, n);

        if (!copy)
                return -ENOMEM;
        free_lines(*list, *count);
        free(*list);
        *list = copy;
        *count = n;
        *staged = true;
        return 0;
}

int config_txn_set_records(struct config_txn *t, const char *const *lines, size_t n)
{
        if (n > CONFIG_MAX_RECORDS)
                return -E2BIG;
        for (size_t i = 0; i < n; i++)
                if (!record_line(lines[i]) || strlen(lines[i]) > 8000 || strchr(lines[i], '\n'))
                        return -EINVAL;
        return stage_lines(&t->rec, &t->n_rec, &t->rec_staged, lines, n);
}

int config_txn_set_listeners(struct config_txn *t, const char *const *lines, size_t n)
{
        size_t bad;

        if (n > CONFIG_MAX_LISTENERS || check_listener_lines(lines, n, &bad) < 0)
                return -EINVAL;
        return stage_lines(&t->lst, &t->n_lst, &t->lst_staged, lines, n);
}

long config_txn_listener_count(const struct config_txn *t)
{
        return t && t->lst_staged ? (long)t->n_lst : -1;
}

const char *config_txn_listener(const struct config_txn *t, size_t i)
{
        return t && t->lst_staged && i < t->n_lst ? t->lst[i] : NULL;
}

static bool same_lines(char *const *a, size_t na, char *const *b, size_t nb)
{
        if (na != nb)
                return false;
        for (size_t i = 0; i < na; i++)
                if (strcmp(a[i], b[i]))
                        return false;
        return true;
}

/* Drops a staged list equal to the current one. */
static void unstage_same(char ***list, size_t *count, bool *staged, char *const *now, size_t n_now)
{
        if (!*staged || !same_lines(*list, *count, now, n_now))
                return;
        free_lines(*list, *count);
        free(*list);
        *list = NULL;
        *count = 0;
        *staged = false;
}

int config_txn_commit(struct config_txn *t)
{
        char *next[NKEYS];
        bool changed[NKEYS] = { false }, any = false;
        int r;

        for (size_t i = 0; i < ckey_count(); i++) {
                next[i] = values[i];
                if (t->staged[i] && strcmp(t->staged[i], config_get(ckey((int)i)->name))) {
                        next[i] = t->staged[i];
                        changed[i] = any = true;
                }
        }
        /* A transaction that changes nothing leaves the file as it is, its
         * comments and layout included: it is not rewritten. */
        unstage_same(&t->lst, &t->n_lst, &t->lst_staged, listeners, n_listeners);
        unstage_same(&t->rec, &t->n_rec, &t->rec_staged, records, n_records);
        if (!any && !t->lst_staged && !t->rec_staged)
                return 0;
        if (store_path) {
                r = save_values(store_path, next, t->lst_staged ? t->lst : listeners,
                                t->lst_staged ? t->n_lst : n_listeners, t->rec_staged ? t->rec : records,
                                t->rec_staged ? t->n_rec : n_records);
                if (r < 0)
                        return r;
        }
        if (t->lst_staged) {
                free_lines(listeners, n_listeners);
                memcpy(listeners, t->lst, t->n_lst * sizeof(*t->lst));
                n_listeners = t->n_lst;
                free(t->lst);
                t->lst = NULL;
                t->n_lst = 0;
        }
        if (t->rec_staged) {
                free_lines(records, n_records);
                memcpy(records, t->rec, t->n_rec * sizeof(*t->rec));
                n_records = t->n_rec;
                free(t->rec);
                t->rec = NULL;
                t->n_rec = 0;
        }
        for (size_t i = 0; i < ckey_count(); i++) {
                if (!changed[i])
                        continue;
                free(values[i]);
                values[i] = t->staged[i];
                t->staged[i] = NULL;
                parsed_valid = false;
        }
        for (size_t i = 0; i < ckey_count(); i++)
                if (changed[i] && watch_fn)
                        watch_fn(ckey((int)i)->name, watch_arg);
        if (t->lst_staged && watch_fn)
                watch_fn("listener", watch_arg);
        if (t->rec_staged && watch_fn)
                watch_fn("record", watch_arg);
        t->lst_staged = t->rec_staged = false;
        return 0;
}
