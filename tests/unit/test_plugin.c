/* test_plugin.c - provider checks before any provider code runs, the
 * registry, and the URI matching rules. */
#include "autoconfig.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "host.h"
#include "plugin.h"
#include "tests.h"

#define LISTENER "wsman:microsoft.com/wsman/2005/06/config/Listener"
#define CONFIG "wsman:microsoft.com/wsman/2005/06/config"
#define SHELL "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"

static winrmd_status op(winrmd_ctx *ctx)
{
        (void)ctx;
        return WINRMD_OK;
}

static winrmd_status op_next(winrmd_ctx *ctx, void *cursor)
{
        (void)ctx;
        (void)cursor;
        return WINRMD_END;
}

static winrmd_status invoke_op(winrmd_ctx *ctx, const char *method)
{
        (void)ctx;
        (void)method;
        return WINRMD_OK;
}

/* What the provider callbacks saw. */
static int loads, unloads, changes;
static void *seen_state;
static const winrmd_host *seen_host;
static char seen_key[64];
static int token = 1;

static int load_ok(const winrmd_host *host, void **ret_state, char *reason, size_t len)
{
        (void)reason;
        (void)len;
        loads++;
        seen_host = host;
        *ret_state = &token;
        return 0;
}

static int load_null_state(const winrmd_host *host, void **ret_state, char *reason, size_t len)
{
        (void)host;
        (void)reason;
        (void)len;
        loads++;
        *ret_state = NULL;
        return 0;
}

static int load_fail(const winrmd_host *host, void **ret_state, char *reason, size_t len)
{
        (void)host;
        (void)ret_state;
        loads++;
        snprintf(reason, len, "the test says no");
        return -1;
}

static void unload(void *state)
{
        unloads++;
        seen_state = state;
}

static void config_changed(void *state, const char *key)
{
        changes++;
        seen_state = state;
        snprintf(seen_key, sizeof(seen_key), "%s", key);
}

static const winrmd_resource res_config[] = {
        { .uri = LISTENER, .get = op, .put = op, .create = op, .remove = op, .enumerate = op },
        { .uri = CONFIG, .get = op, .put = op },
        { .uri = NULL },
};

static const winrmd_resource res_shell[] = {
        { .uri = SHELL, .flags = WINRMD_URI_CASELESS, .create = op, .remove = op, .invoke = invoke_op },
        { .uri = NULL },
};

static const winrmd_resource res_empty[] = { { .uri = NULL } };
static const winrmd_resource res_stream_bad[] = { { .uri = "urn:s", .enum_next = op_next }, { .uri = NULL } };
static const winrmd_setting set_dup[] = {
        { .name = "A", .type = WINRMD_SETTING_INT, .default_value = "1", .min = 0, .max = 9 },
        { .name = "A", .type = WINRMD_SETTING_INT, .default_value = "1", .min = 0, .max = 9 },
        { .name = NULL },
};
static const winrmd_setting set_badname[] = {
        { .name = "not-ok", .type = WINRMD_SETTING_BOOL, .default_value = "true" },
        { .name = NULL },
};
static const winrmd_resource res_noop[] = { { .uri = "urn:noop" }, { .uri = NULL } };
static const winrmd_resource res_blank_uri[] = { { .uri = "", .get = op }, { .uri = NULL } };
static const winrmd_resource res_dup[] = {
        { .uri = "urn:a", .get = op }, { .uri = "urn:b", .get = op }, { .uri = "urn:a", .put = op },
        { .uri = NULL },
};
/* Same URI except for the case of the host part: the same resource. */
static const winrmd_resource res_dup_host[] = {
        { .uri = LISTENER, .get = op },
        { .uri = "wsman:MICROSOFT.COM/wsman/2005/06/config/Listener", .get = op },
        { .uri = NULL },
};

#define PROVIDER(n, r, l) \
        { WINRMD_PROVIDER_INIT, .name = (n), \
          .resources = (r), .load = (l), .unload = unload, .config_changed = config_changed }

static const winrmd_provider prov_config = PROVIDER("config", res_config, load_ok);
static const winrmd_provider prov_shell = PROVIDER("shell", res_shell, load_null_state);

/* What plugin_check() says of p, and why. */
static char why[512];
static enum plugin_check check(const winrmd_provider *p)
{
        why[0] = '\0';
        return plugin_check(p, why, sizeof(why));
}

static int reg(const winrmd_provider *p)
{
        return plugin_register(p, NULL, "", host_table());
}

static void setup(void)
{
        loads = unloads = changes = 0;
        seen_state = NULL;
        seen_host = NULL;
        seen_key[0] = '\0';
}

static void teardown(void)
{
        plugin_unload_all();
}

START_TEST(check_verdicts)
{
        winrmd_provider p = prov_config;

        ck_assert_int_eq(plugin_check(NULL, why, sizeof(why)), PLUGIN_NO_SYMBOL);
        ck_assert_int_eq(check(&p), PLUGIN_OK);
        p.abi_major = WINRMD_ABI_MAJOR + 1;
        ck_assert_int_eq(check(&p), PLUGIN_ABI_MISMATCH);
        ck_assert_msg(strstr(why, "ABI 2") && strstr(why, "has ABI 1"), "%s", why);  /* both versions named */
        p.abi_major = 0;
        ck_assert_int_eq(check(&p), PLUGIN_ABI_MISMATCH);
        p = prov_config;
        p.size = offsetof(winrmd_provider, config_changed);
        ck_assert_int_eq(check(&p), PLUGIN_TOO_SMALL);
        p.size = 0;
        ck_assert_int_eq(check(&p), PLUGIN_TOO_SMALL);
        p.size = sizeof(winrmd_provider) + 64; /* a newer, larger struct is fine */
        ck_assert_int_eq(check(&p), PLUGIN_OK);
        p = prov_config;
        p.resource_size = sizeof(winrmd_resource) - 8;
        ck_assert_int_eq(check(&p), PLUGIN_TOO_SMALL);
        p = prov_config;
        p.load = NULL;
        ck_assert_int_eq(check(&p), PLUGIN_NO_NAME);
        p = prov_config;
        p.name = "bad name";
        ck_assert_int_eq(check(&p), PLUGIN_NO_NAME);
        p = prov_config;
        p.name = NULL;
        ck_assert_int_eq(check(&p), PLUGIN_NO_NAME);
        p.name = "";
        ck_assert_int_eq(check(&p), PLUGIN_NO_NAME);
        p = prov_config;
        p.resources = NULL;
        ck_assert_int_eq(check(&p), PLUGIN_NO_NAME);
        p.resources = res_empty;
        ck_assert_int_eq(check(&p), PLUGIN_NO_NAME);
        p.resources = res_noop;
        ck_assert_int_eq(check(&p), PLUGIN_BAD_RESOURCE);
        p.resources = res_blank_uri;
        ck_assert_int_eq(check(&p), PLUGIN_BAD_RESOURCE);
        p.resources = res_dup;
        ck_assert_int_eq(check(&p), PLUGIN_DUP_URI);
        p.resources = res_dup_host;
        ck_assert_int_eq(check(&p), PLUGIN_DUP_URI);
        p.resources = res_stream_bad;
        ck_assert_int_eq(check(&p), PLUGIN_BAD_RESOURCE);
        p = prov_config;
        p.settings = set_dup;
        ck_assert_int_eq(check(&p), PLUGIN_BAD_SETTING);
        p.settings = set_badname;
        ck_assert_int_eq(check(&p), PLUGIN_BAD_SETTING);
}
END_TEST

START_TEST(refused_provider_runs_no_code)
{
        winrmd_provider p = prov_config;

        p.abi_major = 99;
        ck_assert_int_eq(reg(&p), -EINVAL);
        p = prov_config;
        p.resources = res_dup;
        ck_assert_int_eq(reg(&p), -EINVAL);
        ck_assert_int_eq(loads, 0);
        ck_assert_ptr_null(plugin_find(LISTENER));
        ck_assert_uint_eq(plugin_operations(), 0);
}
END_TEST

START_TEST(register_and_find)
{
        const struct registered *r;

        ck_assert_int_eq(reg(&prov_config), 0);
        ck_assert_int_eq(loads, 1);
        ck_assert_ptr_eq(seen_host, host_table());
        ck_assert_ptr_nonnull(seen_host);
        ck_assert_uint_ge(seen_host->size, sizeof(winrmd_host));
        ck_assert_int_eq(reg(&prov_shell), 0);

        r = plugin_find(LISTENER);
        ck_assert_ptr_nonnull(r);
        ck_assert_ptr_eq(r->res.uri, res_config[0].uri);
        ck_assert_ptr_eq(plugin_state(r), &token);
        r = plugin_find(CONFIG);
        ck_assert_ptr_nonnull(r);
        ck_assert_ptr_eq(r->res.uri, res_config[1].uri);
        r = plugin_find(SHELL);
        ck_assert_ptr_nonnull(r);
        ck_assert_ptr_eq(r->res.uri, res_shell[0].uri);
        ck_assert_ptr_null(plugin_state(r));
        ck_assert_ptr_null(plugin_find(CONFIG "/Certificate"));
        ck_assert_ptr_null(plugin_find(NULL));
        ck_assert_uint_eq(plugin_operations(), WINRMD_OP_GET | WINRMD_OP_PUT | WINRMD_OP_CREATE |
                                                       WINRMD_OP_DELETE | WINRMD_OP_ENUMERATE |
                                                       WINRMD_OP_INVOKE);

        /* Now the name and the URIs are taken. */
        ck_assert_int_eq(check(&prov_config), PLUGIN_DUP_NAME);
        {
                winrmd_provider other = PROVIDER("other", res_config, load_ok);
                ck_assert_int_eq(check(&other), PLUGIN_DUP_URI);
                ck_assert_msg(strstr(why, LISTENER) && strstr(why, "provider config"), "%s", why);
                other.resources = res_dup_host + 1; /* differs only in host case */
                ck_assert_int_eq(check(&other), PLUGIN_DUP_URI);
                ck_assert_int_eq(reg(&other), -EINVAL);
        }

        plugin_config_changed("max_envelope_kb");
        ck_assert_int_eq(changes, 2);
        ck_assert_str_eq(seen_key, "max_envelope_kb");

        plugin_unload_all();
        ck_assert_int_eq(unloads, 2);
        ck_assert_ptr_eq(seen_state, &token); /* config was loaded first, unloaded last */
        ck_assert_ptr_null(plugin_find(LISTENER));
        ck_assert_uint_eq(plugin_operations(), 0);
        /* The same provider may be registered again after unloading. */
        ck_assert_int_eq(reg(&prov_config), 0);
        ck_assert_ptr_nonnull(plugin_find(LISTENER));
}
END_TEST

START_TEST(load_failure_registers_nothing)
{
        /* static: a registered provider is kept by address until unloaded */
        static winrmd_provider p;
        const winrmd_provider failing = PROVIDER("failing", res_config, load_fail);

        p = failing;

        ck_assert_int_eq(reg(&p), -ECANCELED);
        ck_assert_int_eq(loads, 1);
        ck_assert_ptr_null(plugin_find(LISTENER));
        plugin_unload_all();
        ck_assert_int_eq(unloads, 0);
        /* Its name is free again. */
        p.load = load_ok;
        ck_assert_int_eq(reg(&p), 0);
}
END_TEST

/* A provider built against a larger winrmd_resource (a later ABI 1): the
 * host steps through its array by the provider's size. */
struct bigger_resource {
        winrmd_resource r;
        void *later[4];
};
static const struct bigger_resource res_bigger[] = {
        { { .uri = "urn:big:a", .get = op }, { NULL } },
        { { .uri = "urn:big:b", .put = op }, { NULL } },
        { { .uri = NULL }, { NULL } },
};

START_TEST(resources_of_a_larger_size)
{
        static winrmd_provider p;
        const winrmd_provider bigger = PROVIDER("bigger", &res_bigger[0].r, load_ok);

        p = bigger;
        p.resource_size = sizeof(struct bigger_resource);
        ck_assert_int_eq(check(&p), PLUGIN_OK);
        ck_assert_int_eq(reg(&p), 0);
        ck_assert_ptr_nonnull(plugin_find("urn:big:a"));
        ck_assert_ptr_nonnull(plugin_find("urn:big:b"));
        ck_assert_ptr_nonnull(plugin_find("urn:big:b")->res.put);
}
END_TEST

START_TEST(find_matching_rules)
{
        ck_assert_int_eq(reg(&prov_config), 0);
        ck_assert_int_eq(reg(&prov_shell), 0);
        ck_assert_ptr_nonnull(plugin_find("wsman:Microsoft.com/wsman/2005/06/config/Listener"));
        ck_assert_ptr_null(plugin_find("wsman:microsoft.com/wsman/2005/06/config/listener"));
        ck_assert_ptr_eq(plugin_find("HTTP://SCHEMAS.MICROSOFT.COM/WBEM/WSMAN/1/WINDOWS/SHELL/CMD")->res.uri,
                         res_shell[0].uri);
}
END_TEST

START_TEST(uri_rules)
{
        ck_assert(uri_matches(LISTENER, 0, LISTENER));
        ck_assert(uri_matches(LISTENER, 0, "wsman:Microsoft.com/wsman/2005/06/config/Listener"));
        ck_assert(uri_matches(LISTENER, 0, "WSMAN:MICROSOFT.COM/wsman/2005/06/config/Listener"));
        ck_assert(!uri_matches(LISTENER, 0, "wsman:microsoft.com/wsman/2005/06/config/listener"));
        ck_assert(!uri_matches(LISTENER, 0, "wsman:microsoft.com/WSMAN/2005/06/config/Listener"));
        ck_assert(!uri_matches(LISTENER, 0, LISTENER "/"));
        ck_assert(!uri_matches(LISTENER, 0, CONFIG));
        ck_assert(!uri_matches(CONFIG, 0, LISTENER));
        ck_assert(!uri_matches(LISTENER, 0, "wsman:microsoft.co/wsman/2005/06/config/Listener"));
        ck_assert(!uri_matches(LISTENER, 0, ""));
        ck_assert(uri_matches(SHELL, 0, "http://Schemas.Microsoft.Com/wbem/wsman/1/windows/shell/cmd"));
        ck_assert(!uri_matches(SHELL, 0, "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CMD"));
        ck_assert(uri_matches(SHELL, WINRMD_URI_CASELESS, "HTTP://SCHEMAS.MICROSOFT.COM/WBEM/WSMAN/1/WINDOWS/SHELL/CMD"));
        ck_assert(uri_matches(LISTENER, WINRMD_URI_CASELESS, "wsman:microsoft.com/wsman/2005/06/config/listener"));
        ck_assert(!uri_matches(SHELL, WINRMD_URI_CASELESS, SHELL "x"));
        ck_assert(!uri_matches(SHELL, WINRMD_URI_CASELESS, "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"));
        ck_assert(uri_matches("urn:x", 0, "urn:x"));
}
END_TEST

START_TEST(legacy_uris)
{
        ck_assert(uri_is_legacy(LISTENER));
        ck_assert(uri_is_legacy("wsman:system/2005/06/this"));
        ck_assert(uri_is_legacy("WSMAN:Microsoft.com/wsman/2005/06/config"));
        ck_assert(!uri_is_legacy(SHELL));
        ck_assert(!uri_is_legacy("http://schemas.microsoft.com/wbem/wsman/1/config"));
        ck_assert(!uri_is_legacy("wsman"));
        ck_assert(!uri_is_legacy(""));
        ck_assert(!uri_is_legacy(NULL));
}
END_TEST

Suite *plugin_suite(void)
{
        Suite *s = suite_create("plugin");
        TCase *tc = tcase_create("registry");
        TCase *uri = tcase_create("uri");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, check_verdicts);
        tcase_add_test(tc, refused_provider_runs_no_code);
        tcase_add_test(tc, register_and_find);
        tcase_add_test(tc, load_failure_registers_nothing);
        tcase_add_test(tc, find_matching_rules);
        tcase_add_test(tc, resources_of_a_larger_size);
        suite_add_tcase(s, tc);

        tcase_add_test(uri, uri_rules);
        tcase_add_test(uri, legacy_uris);
        suite_add_tcase(s, uri);
        return s;
}
