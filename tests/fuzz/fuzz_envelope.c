/* fuzz_envelope.c - env_parse() on a request body as the daemon gets it:
 * the exact bytes, not NUL-terminated.  The parser context is kept between
 * calls (renewed every 1000 parses), as in the daemon. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "envelope.h"
#include "fuzz.h"
#include "ns.h"

/* The error strings end within their arrays (http.c copies them out). */
static void check_error(const struct env_error *err)
{
        FUZZ_CHECK(memchr(err->detail, '\0', sizeof(err->detail)) != NULL);
        FUZZ_CHECK(memchr(err->message_id, '\0', sizeof(err->message_id)) != NULL);
        FUZZ_CHECK(memchr(err->nu_name, '\0', sizeof(err->nu_name)) != NULL);
        FUZZ_CHECK(memchr(err->nu_ns, '\0', sizeof(err->nu_ns)) != NULL);
        FUZZ_CHECK(err->detail[0] != '\0');
}

/* What a caller may rely on after a successful parse. */
static void check_env(const struct env *e)
{
        static const char *const names[] = { "ShellId", "Name", "__cimnamespace", "WINRS_CODEPAGE",
                                             "WINRS_NOPROFILE", "" };

        FUZZ_CHECK(e->doc && e->body);
        FUZZ_CHECK(!e->header || xml_is(e->header, NS_SOAP, "Header"));
        FUZZ_CHECK(xml_is(e->body, NS_SOAP, "Body"));
        FUZZ_CHECK(e->body_first == xml_first_elem(e->body));
        FUZZ_CHECK(e->n_selectors <= ENV_MAX_SELECTORS && e->n_options <= ENV_MAX_OPTIONS);
        FUZZ_CHECK(e->is_identify || (e->action && e->message_id));
        FUZZ_CHECK(!e->reply_to || e->is_identify || !strcmp(e->reply_to, WSA_ANONYMOUS));
        FUZZ_CHECK(e->operation_timeout_ms >= -1 && e->max_envelope_size >= -1);
        for (size_t i = 0; i < e->n_selectors; i++)
                FUZZ_CHECK(e->selectors[i].name[0] && e->selectors[i].value);
        for (size_t i = 0; i < e->n_options; i++)
                FUZZ_CHECK(e->options[i].name[0] && e->options[i].value);
        /* the look-ups the handlers make: every pair is found by its name */
        for (size_t i = 0; i < e->n_selectors; i++)
                FUZZ_CHECK(env_selector(e, e->selectors[i].name) != NULL);
        for (size_t i = 0; i < e->n_options; i++)
                FUZZ_CHECK(env_option(e, e->options[i].name) != NULL);
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                (void)env_selector(e, names[i]);
                (void)env_option(e, names[i]);
        }
        /* what the handlers read next: the text of the body's first element */
        if (e->body_first) {
                char *t = xml_text(e->body_first);
                FUZZ_CHECK(t != NULL);
                free(t);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct env *e = NULL;
        struct env_error err = { .fault = F_INTERNAL };
        int r;

        r = env_parse((const char *)data, size, &e, &err);
        if (r == 0) {
                FUZZ_CHECK(e != NULL);
                check_env(e);
                env_free(e);
        } else {
                FUZZ_CHECK(r == -EINVAL);
                check_error(&err);
        }
        return 0;
}
