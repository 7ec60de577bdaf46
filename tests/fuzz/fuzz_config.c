/* fuzz_config.c - config_load() of a store file with the input as its
 * text.  When it loads, the store is saved and loaded again: what winrmd
 * writes must read back to the same values (else a committed change would
 * leave a store the next start refuses). */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_keys.h"
#include "fuzz.h"

static char dir[256], in_path[300], saved_path[300];

static void remove_dir(void)
{
        char tmp[320];

        unlink(in_path);
        unlink(saved_path);
        snprintf(tmp, sizeof(tmp), "%s.tmp", saved_path);
        unlink(tmp);
        rmdir(dir);
}

/* A private directory, on tmpfs when there is one (config_save fsyncs). */
static void make_dir(void)
{
        const char *base = getenv("FUZZ_TMPDIR");

        if (!base && access("/dev/shm", W_OK) == 0)
                base = "/dev/shm";
        if (!base)
                base = getenv("TMPDIR");
        if (!base || !*base)
                base = "/tmp";
        snprintf(dir, sizeof(dir), "%s/winrmd-fuzz-config.XXXXXX", base);
        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                abort();
        }
        snprintf(in_path, sizeof(in_path), "%s/in.conf", dir);
        snprintf(saved_path, sizeof(saved_path), "%s/saved.conf", dir);
        atexit(remove_dir);
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        if (fd < 0) {
                perror(path);
                abort();
        }
        while (size > 0) {
                ssize_t w = write(fd, data, size);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        perror(path);
                        abort();
                }
                data += w;
                size -= (size_t)w;
        }
        close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char err[512];
        char *vals[CONFIG_MAX_KEYS] = { NULL };
        char **lst = NULL;
        size_t n_lst = 0;
        int r;

        if (!dir[0])
                make_dir();
        write_file(in_path, data, size);
        memset(err, 0, sizeof(err));
        r = config_load(in_path, err, sizeof(err));
        if (r < 0) {
                FUZZ_CHECK(r == -EINVAL);
                FUZZ_CHECK(err[0] && memchr(err, '\0', sizeof(err)));
                config_free();
                return 0;
        }
        /* every key reads back as a valid value of its type */
        for (size_t i = 0; i < ckey_count(); i++) {
                const struct key_def *k = ckey((int)i);
                const char *v = config_get(k->name);
                FUZZ_CHECK(v != NULL && ckey_check(k, v) == 0);
                if (k->type == T_INT)
                        FUZZ_CHECK(config_long(k->name) >= k->min && config_long(k->name) <= k->max);
                else if (k->type == T_BOOL)
                        (void)config_bool(k->name);
                vals[i] = strdup(v);
                FUZZ_CHECK(vals[i] != NULL);
        }
        n_lst = config_listener_count();
        FUZZ_CHECK(n_lst <= CONFIG_MAX_LISTENERS);
        lst = calloc(n_lst ? n_lst : 1, sizeof(*lst));
        FUZZ_CHECK(lst != NULL);
        for (size_t i = 0; i < n_lst; i++) {
                lst[i] = strdup(config_listener(i));
                FUZZ_CHECK(lst[i] != NULL);
        }

        /* what config_save() writes loads again, to the same values */
        FUZZ_CHECK(config_save(saved_path) == 0);
        config_free();
        r = config_load(saved_path, err, sizeof(err));
        if (r != 0)
                fprintf(stderr, "reloading the saved store: %s\n", err);
        FUZZ_CHECK(r == 0);
        for (size_t i = 0; i < ckey_count(); i++)
                FUZZ_CHECK(!strcmp(config_get(ckey((int)i)->name), vals[i]));
        FUZZ_CHECK(config_listener_count() == n_lst);
        for (size_t i = 0; i < n_lst; i++)
                FUZZ_CHECK(!strcmp(config_listener(i), lst[i]));

        for (size_t i = 0; i < ckey_count(); i++)
                free(vals[i]);
        for (size_t i = 0; i < n_lst; i++)
                free(lst[i]);
        free(lst);
        config_free();
        return 0;
}
