/* replay_main.c - runs a fuzz target without libFuzzer: calls
 * LLVMFuzzerTestOneInput() once on an empty input, then on every regular
 * file of each directory given (or on each file given), in name order.
 * A crash or a failed invariant aborts the run; otherwise it prints how many
 * inputs ran and exits 0.  make check runs it over tests/fuzz/corpus/. */
#include "autoconfig.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long n_inputs;

/* Feeds path to the target from a buffer of exactly its size, so that a
 * read past the end is caught (by ASan or valgrind). */
static int run_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        uint8_t *buf = NULL;
        size_t n = 0, cap = 0;

        if (!f) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return -1;
        }
        for (;;) {
                size_t got;
                if (n == cap) {
                        uint8_t *b;
                        cap = cap ? cap * 2 : 4096;
                        b = realloc(buf, cap);
                        if (!b)
                                abort();
                        buf = b;
                }
                got = fread(buf + n, 1, cap - n, f);
                n += got;
                if (got == 0)
                        break;
        }
        if (ferror(f)) {
                fprintf(stderr, "%s: read error\n", path);
                fclose(f);
                free(buf);
                return -1;
        }
        fclose(f);
        if (n > 0) {
                uint8_t *exact = malloc(n);
                if (!exact)
                        abort();
                memcpy(exact, buf, n);
                free(buf);
                buf = exact;
        }
        (void)LLVMFuzzerTestOneInput(n ? buf : (const uint8_t *)"", n);
        free(buf);
        n_inputs++;
        return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

static int run_dir(const char *dir)
{
        struct dirent **ents;
        int n = scandir(dir, &ents, NULL, by_name), r = 0;

        if (n < 0) {
                fprintf(stderr, "%s: %s\n", dir, strerror(errno));
                return -1;
        }
        for (int i = 0; i < n; i++) {
                char path[4096];
                struct stat st;

                if (ents[i]->d_name[0] != '.' &&
                    snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name) < (int)sizeof(path) &&
                    stat(path, &st) == 0 && S_ISREG(st.st_mode) && run_file(path) < 0)
                        r = -1;
                free(ents[i]);
        }
        free(ents);
        return r;
}

int main(int argc, char **argv)
{
        int r = 0;

        (void)LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
        n_inputs++;
        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                        r = 1;
                } else if (S_ISDIR(st.st_mode) ? run_dir(argv[i]) < 0 : run_file(argv[i]) < 0) {
                        r = 1;
                }
        }
        printf("%s: %lu inputs ran\n", argc > 0 ? argv[0] : "replay", n_inputs);
        return r;
}
