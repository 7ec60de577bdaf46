#!/bin/sh
# test_bad_providers.sh - the loader refuses bad provider files, says why,
# and keeps serving with the good ones.
#
# Builds, against $WINRMD_SRCDIR/include:
#   abi2.so       abi_major = 2 (its load() must never run)
#   nosym.so      no winrmd_provider_v1 symbol
#   small.so      a provider struct smaller than ABI 1
#   undef.so      needs a symbol nobody defines (dlopen RTLD_NOW fails)
#   groupw.so     a good provider, but group-writable
#   zz-dupuri.so  a second provider for the Identify URI
#   nogo.so       a good provider whose load() refuses, with a reason
# and starts the built daemon with those plus a copy of identify.so.
#
# Environment: WINRMD_BUILDDIR (default: the current directory if it is
# the top build directory), WINRMD_SRCDIR (default: this
# script's tree), WINRMD_TEST_VALGRIND=1, WINRMD_TEST_KEEP=1.
# Exit status: 0 pass, 77 skip, anything else fail.

set -u

me=test_bad_providers
. "$(dirname "$0")/lib.sh"
need_tools curl xmllint cc
winrmd=$WINRMD_BUILDDIR/winrmd
identify=$WINRMD_BUILDDIR/providers/identify.so
[ -x "$winrmd" ] || { echo "$me: FAIL: $winrmd not built" >&2; exit 1; }
[ -f "$identify" ] || { echo "$me: FAIL: $identify not built" >&2; exit 1; }
make_tmp badprov

unset NOTIFY_SOCKET CPATH C_INCLUDE_PATH

# --- 1. the providers
src=$tmp/src
plugins=$tmp/plugins
mkdir "$src" "$plugins" || fail "mkdir"

# provider NAME ABI SIZE SYMBOL URI EXTRA [LOADBODY]: writes $src/NAME.c
provider() {
        body=${7:-}
        [ -n "$body" ] || body="h->log(WINRMD_LOG_INFO, \"test provider $1: load() ran\"); (void)reason; (void)len; return 0;"
        cat >"$src/$1.c" <<EOF
#include <winrmd/provider.h>
static const winrmd_host *host;
$6
static winrmd_status t_get(winrmd_ctx *ctx)
{
        return host->begin(ctx, "urn:test", "t:Ok") == 0 && host->end(ctx) == 0 ?
               WINRMD_OK : WINRMD_E_INTERNAL;
}
static const winrmd_resource resources[] = {
        { .uri = "$5", .get = t_get },
        { .uri = 0 }
};
static int t_load(const winrmd_host *h, void **ret_state, char *reason, size_t len)
{
        host = h;
        *ret_state = 0;
        $body
}
__attribute__((visibility("default")))
const winrmd_provider $4 = {
        .abi_major = $2,
        .size = $3,
        .resource_size = sizeof(winrmd_resource),
        .setting_size = sizeof(winrmd_setting),
        .name = "$1",
        .resources = resources,
        .load = t_load,
};
EOF
}

provider abi2 2 'sizeof(winrmd_provider)' winrmd_provider_v1 urn:test:abi2 ""
provider nosym WINRMD_ABI_MAJOR 'sizeof(winrmd_provider)' winrmd_provider_v0 urn:test:nosym ""
provider small WINRMD_ABI_MAJOR 8 winrmd_provider_v1 urn:test:small ""
provider undef WINRMD_ABI_MAJOR 'sizeof(winrmd_provider)' winrmd_provider_v1 urn:test:undef \
        "extern int winrmd_test_no_such_function(void);
int winrmd_test_use(void);
int winrmd_test_use(void) { return winrmd_test_no_such_function(); }"
provider groupw WINRMD_ABI_MAJOR 'sizeof(winrmd_provider)' winrmd_provider_v1 urn:test:groupw ""
provider zz-dupuri WINRMD_ABI_MAJOR 'sizeof(winrmd_provider)' winrmd_provider_v1 \
        http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd ""
provider nogo WINRMD_ABI_MAJOR 'sizeof(winrmd_provider)' winrmd_provider_v1 urn:test:nogo "" \
        'h->log(WINRMD_LOG_INFO, "test provider nogo: refusing"); snprintf(reason, len, "no widget found"); return -1;'
sed -i '1i #include <stdio.h>' "$src/nogo.c"

for p in abi2 nosym small undef groupw zz-dupuri nogo; do
        cc -std=c99 -Wall -Werror -shared -fPIC -fvisibility=hidden -I"$WINRMD_SRCDIR/include" \
                -o "$plugins/$p.so" "$src/$p.c" >"$tmp/cc-$p.log" 2>&1 ||
                { cat "$tmp/cc-$p.log" >&2; fail "cannot compile $p.c"; }
        chmod 0755 "$plugins/$p.so"
done
chmod 0775 "$plugins/groupw.so"
cp "$identify" "$plugins/identify.so" || fail "cannot copy identify.so"
chmod 0755 "$plugins/identify.so"

# --- 2. the daemon
start_daemon "$winrmd" "$plugins"

# --- 3. the log: each bad file refused, by path, with its reason
# refused FILE REASON
refused() {
        grep -F "provider $plugins/$1 refused: " "$tmp/winrmd.log" >"$tmp/line" ||
                fail "no refusal logged for $1"
        grep -q -F -- "$2" "$tmp/line" || fail "$1 refused without the reason \"$2\": $(cat "$tmp/line")"
}
refused abi2.so "built for provider ABI 2, this winrmd has ABI 1"
refused nosym.so "no winrmd_provider_v1 symbol"
refused small.so "smaller than those of ABI 1"
refused undef.so "winrmd_test_no_such_function"
refused groupw.so "group/world-writable"
refused zz-dupuri.so "wsmanidentity.xsd is already served by provider identify"
grep -q -F "provider nogo refused: its load() failed: no widget found" "$tmp/winrmd.log" ||
        fail "nogo's reason was not logged"
grep -q -F "provider nogo: test provider nogo: refusing" "$tmp/winrmd.log" ||
        fail "a provider's log line does not carry its name"

# No refused provider's code ran, and none of them was registered.
if grep -q 'load() ran' "$tmp/winrmd.log"; then
        fail "a refused provider's load() ran: $(grep 'load() ran' "$tmp/winrmd.log")"
fi
for p in abi2 nosym small undef groupw zz-dupuri nogo; do
        if grep -q "provider $p loaded" "$tmp/winrmd.log"; then
                fail "$p.so was loaded"
        fi
done
grep -q "provider identify loaded from $plugins/identify.so" "$tmp/winrmd.log" ||
        fail "identify.so was not loaded"

# --- 4. Identify over the control socket still works
NS_S=http://www.w3.org/2003/05/soap-envelope
NS_ID=http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd
cat >"$tmp/identify.req" <<EOF
<s:Envelope xmlns:s="$NS_S" xmlns:wsmid="$NS_ID"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>
EOF
post identify
[ "$code" = 200 ] || { cat "$tmp/identify.xml" >&2; fail "Identify: HTTP $code"; }
IR=/$(el $NS_S Envelope)/$(el $NS_S Body)/$(el $NS_ID IdentifyResponse)
vendor=$(xmllint --xpath "string($IR/$(el $NS_ID ProductVendor))" "$tmp/identify.xml" 2>/dev/null)
[ "$vendor" = winrmd ] || { cat "$tmp/identify.xml" >&2; fail "Identify: ProductVendor '$vendor'"; }
proto=$(xmllint --xpath "string($IR/$(el $NS_ID ProtocolVersion))" "$tmp/identify.xml" 2>/dev/null)
[ "$proto" = http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd ] || fail "Identify: ProtocolVersion '$proto'"

# --- 5. stop cleanly
stop_daemon

echo "$me: PASS"
exit 0
