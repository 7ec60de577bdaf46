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
# and starts the built daemon with those plus a copy of identify.so.
#
# Environment: WINRMD_BUILDDIR (default: the current directory if it is
# the top build directory), WINRMD_SRCDIR (default: this
# script's tree), WINRMD_TEST_VALGRIND=1, WINRMD_TEST_KEEP=1.
# Exit status: 0 pass, 77 skip, anything else fail.

set -u

me=test_bad_providers
# make check runs us from the top build directory (the serial test driver
# does not pass AM_TESTS_ENVIRONMENT on).
if [ -z "${WINRMD_BUILDDIR:-}" ] && [ -x ./winrmd ] && [ -d ./providers ]; then
        WINRMD_BUILDDIR=$(pwd)
fi
if [ -z "${WINRMD_BUILDDIR:-}" ]; then
        echo "$me: SKIP: WINRMD_BUILDDIR is not set (run through make check, or set it)"
        exit 77
fi
if [ -z "${WINRMD_SRCDIR:-}" ]; then
        WINRMD_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
fi

for tool in curl xmllint cc; do
        if ! command -v "$tool" >/dev/null 2>&1; then
                echo "$me: SKIP: $tool not found"
                exit 77
        fi
done
winrmd=$WINRMD_BUILDDIR/winrmd
identify=$WINRMD_BUILDDIR/providers/identify.so
[ -x "$winrmd" ] || { echo "$me: FAIL: $winrmd not built" >&2; exit 1; }
[ -f "$identify" ] || { echo "$me: FAIL: $identify not built" >&2; exit 1; }
valgrind=
timeout_ds=200
if [ -n "${WINRMD_TEST_VALGRIND:-}" ]; then
        command -v valgrind >/dev/null 2>&1 || { echo "$me: SKIP: valgrind not found"; exit 77; }
        valgrind="valgrind -q --error-exitcode=99 --leak-check=full"
        timeout_ds=1200
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/winrmd-badprov.XXXXXX") || exit 1
pid=
cleanup() {
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                kill -KILL "$pid" 2>/dev/null
                wait "$pid" 2>/dev/null
        fi
        if [ -n "${WINRMD_TEST_KEEP:-}" ]; then
                echo "$me: kept $tmp"
        else
                rm -rf "$tmp"
        fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
        echo "$me: FAIL: $*" >&2
        if [ -f "$tmp/winrmd.log" ]; then
                echo "--- winrmd log" >&2
                cat "$tmp/winrmd.log" >&2
        fi
        exit 1
}

nap() {
        sleep 0.1 2>/dev/null || sleep 1
}

unset NOTIFY_SOCKET CPATH C_INCLUDE_PATH

# --- 1. the providers
src=$tmp/src
plugins=$tmp/plugins
mkdir "$src" "$plugins" || fail "mkdir"

# provider NAME ABI SIZE SYMBOL URI EXTRA: writes $src/NAME.c
provider() {
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
static int t_load(const winrmd_host *h, void **ret_state)
{
        host = h;
        *ret_state = 0;
        h->log(WINRMD_LOG_INFO, "test provider $1: load() ran");
        return 0;
}
__attribute__((visibility("default")))
const winrmd_provider $4 = {
        .abi_major = $2,
        .size = $3,
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

for p in abi2 nosym small undef groupw zz-dupuri; do
        cc -std=c99 -Wall -Werror -shared -fPIC -fvisibility=hidden -I"$WINRMD_SRCDIR/include" \
                -o "$plugins/$p.so" "$src/$p.c" >"$tmp/cc-$p.log" 2>&1 ||
                { cat "$tmp/cc-$p.log" >&2; fail "cannot compile $p.c"; }
        chmod 0755 "$plugins/$p.so"
done
chmod 0775 "$plugins/groupw.so"
cp "$identify" "$plugins/identify.so" || fail "cannot copy identify.so"
chmod 0755 "$plugins/identify.so"

# --- 2. the daemon
state=$tmp/state
sock=$state/winrmd.sock
if [ ${#sock} -ge 100 ]; then
        echo "$me: SKIP: socket path $sock too long for AF_UNIX"
        exit 77
fi
mkdir -m 0700 "$state" || fail "cannot create $state"
printf 'service.admin_groups = %s\n' "$(id -gn)" >"$state/winrmd.conf"

$valgrind "$winrmd" --foreground --state-dir "$state" --plugin-dir "$plugins" >"$tmp/winrmd.log" 2>&1 &
pid=$!
i=0
until grep -q 'ready' "$tmp/winrmd.log" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || fail "winrmd exited before it was ready"
        i=$((i + 1))
        [ "$i" -le "$timeout_ds" ] || fail "winrmd not ready after $((timeout_ds / 10)) s"
        nap
done

# --- 3. the log: each bad file refused, by path, with its reason
# refused FILE REASON
refused() {
        grep -F "provider $plugins/$1 refused: " "$tmp/winrmd.log" >"$tmp/line" ||
                fail "no refusal logged for $1"
        grep -q -F -- "$2" "$tmp/line" || fail "$1 refused without the reason \"$2\": $(cat "$tmp/line")"
}
refused abi2.so "built for another provider ABI"
refused nosym.so "no winrmd_provider_v1 symbol"
refused small.so "smaller than ABI 1"
refused undef.so "winrmd_test_no_such_function"
refused groupw.so "group/world-writable"
refused zz-dupuri.so "already served by another provider"

# No refused provider's code ran, and none of them was registered.
if grep -q 'load() ran' "$tmp/winrmd.log"; then
        fail "a refused provider's load() ran: $(grep 'load() ran' "$tmp/winrmd.log")"
fi
for p in abi2 nosym small undef groupw zz-dupuri; do
        if grep -q "provider $p loaded" "$tmp/winrmd.log"; then
                fail "$p.so was loaded"
        fi
done
grep -q "provider identify loaded from $plugins/identify.so" "$tmp/winrmd.log" ||
        fail "identify.so was not loaded"

# --- 4. Identify over the control socket still works
NS_S=http://www.w3.org/2003/05/soap-envelope
NS_ID=http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd
el() {
        printf "*[local-name()='%s' and namespace-uri()='%s']" "$2" "$1"
}
cat >"$tmp/identify.req" <<EOF
<s:Envelope xmlns:s="$NS_S" xmlns:wsmid="$NS_ID"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>
EOF
code=$(curl -sS --max-time 10 --unix-socket "$sock" -H 'Content-Type: application/soap+xml;charset=UTF-8' \
        --data-binary @"$tmp/identify.req" -o "$tmp/identify.xml" -w '%{http_code}' http://localhost/wsman) ||
        fail "Identify: curl failed"
[ "$code" = 200 ] || { cat "$tmp/identify.xml" >&2; fail "Identify: HTTP $code"; }
IR=/$(el $NS_S Envelope)/$(el $NS_S Body)/$(el $NS_ID IdentifyResponse)
vendor=$(xmllint --xpath "string($IR/$(el $NS_ID ProductVendor))" "$tmp/identify.xml" 2>/dev/null)
[ "$vendor" = winrmd ] || { cat "$tmp/identify.xml" >&2; fail "Identify: ProductVendor '$vendor'"; }
proto=$(xmllint --xpath "string($IR/$(el $NS_ID ProtocolVersion))" "$tmp/identify.xml" 2>/dev/null)
[ "$proto" = http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd ] || fail "Identify: ProtocolVersion '$proto'"

# --- 5. stop cleanly
kill -TERM "$pid" 2>/dev/null || fail "winrmd died during the test"
i=0
while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -le "$timeout_ds" ] || fail "winrmd did not stop after SIGTERM"
        nap
done
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "winrmd exited with status $rc"

echo "$me: PASS"
exit 0
