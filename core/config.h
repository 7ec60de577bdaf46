/* config.h - the configuration store: typed keys with defaults, validated
 * changes applied as one transaction and saved atomically. */
#ifndef WINRMD_CONFIG_H
#define WINRMD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config_txn;

/* Called after a committed change of KEY (by name). */
typedef void (*config_watch_fn)(const char *key, void *arg);

/* Loads PATH (a missing file means all defaults). On a syntax or value error
 * returns -EINVAL and writes "PATH:LINE: reason" into err. */
int config_load(const char *path, char *err, size_t errlen);
/* Frees the store. */
void config_free(void);
/* Current value of KEY, borrowed until the next commit; NULL if unknown. */
const char *config_get(const char *key);
/* Typed readers; the key must exist with that type (abort otherwise). */
long config_long(const char *key);
bool config_bool(const char *key);
/* 1 if KEY is a known key. */
bool config_known(const char *key);
/* Checks VALUE for KEY without storing: 0, -ENOENT or -EINVAL. */
int config_check(const char *key, const char *value);

/* A new empty transaction; free with config_txn_free(). NULL on OOM. */
struct config_txn *config_txn_new(void);
void config_txn_free(struct config_txn *t);
/* Stages KEY=VALUE (copied): 0, -ENOENT, -EINVAL or -ENOMEM. */
int config_txn_set(struct config_txn *t, const char *key, const char *value);
/* The staged value of KEY, or NULL if none is staged. */
const char *config_txn_get(const struct config_txn *t, const char *key);
/* Number of staged values. */
size_t config_txn_count(const struct config_txn *t);
/* Writes every staged value to disk atomically, then makes it current and
 * calls the watcher for each changed key. On error nothing changes; when
 * nothing staged differs from the current store, the file is not written. */
int config_txn_commit(struct config_txn *t);
/* Registers the one watcher. */
void config_set_watch(config_watch_fn fn, void *arg);
#define CONFIG_MAX_LISTENERS 256
#define CONFIG_MAX_RECORDS 1024

/* Declares a provider's setting KEY ("plugin.P.S") of a key_type (0 int,
 * 1 bool, 2 string), default and range, and checks the value the store
 * holds for it, if any.  0, or -EINVAL/-EEXIST/-E2BIG with err set
 * (the provider must then be refused). */
int config_declare(const char *key, int type, const char *def, long min, long max,
                   int (*check)(const char *value), char *err, size_t errlen);
/* The generic record lines ("KIND FIELDS"): t's staged list when it
 * staged one, else the stored one; returns the count, the lines in *out. */
size_t config_records(const struct config_txn *t, const char *const **out);
/* Stages the whole list of record lines (copied): 0, -EINVAL, -E2BIG, -ENOMEM. */
int config_txn_set_records(struct config_txn *t, const char *const *lines, size_t n);

/* Listener records ("listener = ..." lines, see lrec.h), borrowed. */
size_t config_listener_count(void);
const char *config_listener(size_t i);
/* Stages the whole list of listener lines (copied): 0, -EINVAL, -ENOMEM. */
int config_txn_set_listeners(struct config_txn *t, const char *const *lines, size_t n);
/* The staged list, if any: its count (or -1 when none is staged) and lines. */
long config_txn_listener_count(const struct config_txn *t);
const char *config_txn_listener(const struct config_txn *t, size_t i);

/* Writes the whole store to PATH atomically (tmp, fsync, rename, fsync dir). */
int config_save(const char *path);

#endif
