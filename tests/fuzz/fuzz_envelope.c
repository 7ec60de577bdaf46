/* fuzz_envelope.c - env_parse() on a request body as the daemon gets it:
 * the exact bytes, not NUL-terminated.  The parser context is kept between
 * calls (renewed every 1000 parses), as in the daemon.  An Enumerate body
 * goes on to enumsel_read() (its EnumerationMode and SelectorFilter), and
 * what that read is matched and rendered as the core would. */
#include "autoconfig.h"

#include <errno.h>
#include <string.h>

#include "enumsel.h"
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

/* The Enumerate body as the core reads it: a mode and a filter, or a
 * fault with a message; the filter's pairs are well formed, match an item
 * that has them all, and render as an EPR. */
static void check_enumerate(const struct env *e)
{
        struct enumsel_req r;
        struct sbuf o = { 0 };
        enum fault_id f = F_COUNT;
        char msg[512];

        if (!xml_is(e->body_first, NS_WSEN, "Enumerate"))
                return;
        msg[0] = '\0';
        if (enumsel_read(e->body_first, &r, &f, msg, sizeof(msg)) < 0) {
                FUZZ_CHECK(f < F_COUNT && msg[0] != '\0');
                return;
        }
        FUZZ_CHECK(r.mode <= ENUM_MODE_OBJECT_AND_EPR);
        FUZZ_CHECK(r.filtered || !r.filter);
        FUZZ_CHECK(!r.filter_len || r.filter[r.filter_len - 1] == '\0');
        FUZZ_CHECK(enumsel_match(r.filter, r.filter_len, r.filter, r.filter_len));
        FUZZ_CHECK(enumsel_render(&o, r.mode, "urn:x", "<i/>", 4, r.filter, r.filter_len) == 0);
        sbuf_free(&o);
        enumsel_req_free(&r);
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
        check_enumerate(e);
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
