#!/bin/sh
# test_example_provider.sh - the out-of-tree provider story, end to end.
#
# Installs the build into a temporary root, builds examples/hello-provider
# with nothing but `pkg-config winrmd-provider` pointing into that root,
# installs hello.so next to the installed identify.so, starts the INSTALLED
# winrmd and drives Get, Enumerate and Pull over its control socket.
#
# Environment: WINRMD_BUILDDIR (default: the current directory if it is
# the top build directory), WINRMD_SRCDIR (default: this
# script's tree), WINRMD_TEST_VALGRIND=1 to run the daemon under valgrind,
# WINRMD_TEST_KEEP=1 to keep the temporary directory.
# Exit status: 0 pass, 77 skip, anything else fail.

set -u

me=test_example_provider
. "$(dirname "$0")/lib.sh"
need_tools curl xmllint pkg-config make cc
make_tmp hello

# Nothing from a calling make (or the environment) may leak into the builds.
unset MAKEFLAGS MFLAGS MAKELEVEL CPATH C_INCLUDE_PATH CPPFLAGS CFLAGS LDFLAGS NOTIFY_SOCKET

# --- 1. install the build into $tmp/root
root=$tmp/root
make -C "$WINRMD_BUILDDIR" install DESTDIR="$root" >"$tmp/install.log" 2>&1 ||
        { cat "$tmp/install.log" >&2; fail "make install DESTDIR=$root failed"; }

pc=$(find "$root" -name winrmd-provider.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$pc" ] || fail "winrmd-provider.pc was not installed"
winrmd=$(find "$root" -type f -name winrmd -path '*/sbin/*' | head -n 1)
[ -n "$winrmd" ] && [ -x "$winrmd" ] || fail "the winrmd binary was not installed into an sbin directory"

# pkg-config sees only the installed tree, with paths under $root.
PKG_CONFIG_LIBDIR=$(dirname "$pc")
PKG_CONFIG_PATH=$PKG_CONFIG_LIBDIR
PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

pkg-config --exists winrmd-provider || fail "pkg-config cannot read $pc"
incdir=$(pkg-config --variable=includedir winrmd-provider)
provdir=$(pkg-config --variable=providerdir winrmd-provider)
case $incdir in "$root"/*) ;; *) incdir=$root$incdir ;; esac
case $provdir in "$root"/*) ;; *) provdir=$root$provdir ;; esac
[ -f "$incdir/winrmd/provider.h" ] || fail "no winrmd/provider.h under the installed includedir $incdir"
[ -f "$provdir/identify.so" ] || fail "no identify.so in the installed providerdir $provdir"
case $(pkg-config --cflags winrmd-provider) in
*"$root"*) ;;
*) fail "pkg-config --cflags does not point into $root: $(pkg-config --cflags winrmd-provider)" ;;
esac

# --- 2. build the example out of tree, against the installed header only
cp -R "$WINRMD_SRCDIR/examples/hello-provider" "$tmp/hello" || fail "cannot copy the example"
chmod -R u+w "$tmp/hello"
rm -f "$tmp/hello/hello.so"
make -C "$tmp/hello" CFLAGS="-O2 -g -Werror" >"$tmp/build.log" 2>&1 ||
        { cat "$tmp/build.log" >&2; fail "the example does not build against the installed header"; }
grep -q -- "-I$incdir" "$tmp/build.log" || { cat "$tmp/build.log" >&2; fail "the example was not compiled with -I$incdir"; }
if grep -q -- "$WINRMD_SRCDIR" "$tmp/build.log"; then
        cat "$tmp/build.log" >&2
        fail "the example build referred to the source tree"
fi
make -C "$tmp/hello" install >>"$tmp/build.log" 2>&1 ||
        { cat "$tmp/build.log" >&2; fail "make install of the example failed"; }
[ -f "$provdir/hello.so" ] || fail "make install did not put hello.so into $provdir"
chmod 0755 "$provdir/hello.so"
case $(ls -l "$provdir/hello.so") in
-rwxr-xr-x*) ;;
*) fail "hello.so has mode $(ls -l "$provdir/hello.so")" ;;
esac

# --- 3. start the installed daemon
start_daemon "$winrmd" "$provdir"
grep -q "provider hello loaded from $provdir/hello.so" "$tmp/winrmd.log" || fail "hello.so was not loaded"
grep -q "provider identify loaded" "$tmp/winrmd.log" || fail "identify.so was not loaded"
[ -S "$sock" ] || fail "no control socket at $sock"

# --- 4. requests
NS_S=http://www.w3.org/2003/05/soap-envelope
NS_A=http://schemas.xmlsoap.org/ws/2004/08/addressing
NS_W=http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd
NS_N=http://schemas.xmlsoap.org/ws/2004/09/enumeration
NS_T=http://schemas.xmlsoap.org/ws/2004/09/transfer
NS_H=http://example.org/winrmd/hello
HELLO_URI=http://example.org/winrmd/hello

ENV=/$(el $NS_S Envelope)
HDR=$ENV/$(el $NS_S Header)
BODY=$ENV/$(el $NS_S Body)

# xp EXPR FILE: the XPath result as text ("" for nothing).
xp() {
        xmllint --xpath "$1" "$2" 2>/dev/null
}

# expect WHAT EXPR FILE WANT
expect() {
        got=$(xp "$2" "$3")
        [ "$got" = "$4" ] || { echo "--- reply" >&2; cat "$3" >&2; echo >&2; fail "$1: got '$got', want '$4'"; }
}

seq_no=0
# send NAME ACTION BODY [SELECTORS]: writes $tmp/NAME.xml, sets $reply and $code.
send() {
        seq_no=$((seq_no + 1))
        msgid=uuid:6f1c0de0-0000-4000-8000-$(printf '%012d' "$seq_no")
        cat >"$tmp/$1.req" <<EOF
<s:Envelope xmlns:s="$NS_S" xmlns:a="$NS_A" xmlns:w="$NS_W" xmlns:n="$NS_N">
<s:Header>
<a:To>http://localhost/wsman</a:To>
<w:ResourceURI s:mustUnderstand="true">$HELLO_URI</w:ResourceURI>
<a:ReplyTo><a:Address s:mustUnderstand="true">$NS_A/role/anonymous</a:Address></a:ReplyTo>
<a:Action s:mustUnderstand="true">$2</a:Action>
<a:MessageID>$msgid</a:MessageID>
${4:-}
</s:Header>
<s:Body>$3</s:Body>
</s:Envelope>
EOF
        reply=$tmp/$1.xml
        post "$1"
        xmllint --noout "$reply" 2>/dev/null || { cat "$reply" >&2; fail "$1: the reply is not XML (HTTP $code)"; }
        expect "$1 RelatesTo" "string($HDR/$(el $NS_A RelatesTo))" "$reply" "$msgid"
}

user=$(id -un)
HELLO=$BODY/$(el $NS_H Hello)

# Get: one greeting for the caller.
send get $NS_T/Get ""
[ "$code" = 200 ] || fail "Get: HTTP $code"
expect "Get Action" "string($HDR/$(el $NS_A Action))" "$reply" "$NS_T/GetResponse"
expect "Get Hello count" "count($BODY/*)" "$reply" 1
expect "Get Greeting" "string($HELLO/$(el $NS_H Greeting))" "$reply" "Hello, $user"

# Get with a selector: one item; an unknown index is a fault.
send get2 $NS_T/Get "" '<w:SelectorSet><w:Selector Name="Index">2</w:Selector></w:SelectorSet>'
[ "$code" = 200 ] || fail "Get Index=2: HTTP $code"
expect "Get Index=2" "string($HELLO/$(el $NS_H Index))" "$reply" 2
send get9 $NS_T/Get "" '<w:SelectorSet><w:Selector Name="Index">9</w:Selector></w:SelectorSet>'
[ "$code" = 500 ] || fail "Get Index=9: HTTP $code, want 500"
expect "Get Index=9 subcode" \
        "string($BODY/$(el $NS_S Fault)/$(el $NS_S Code)/$(el $NS_S Subcode)/$(el $NS_S Value))" \
        "$reply" "a:DestinationUnreachable"

# Enumerate: a context, no items yet.
send enum $NS_N/Enumerate "<n:Enumerate/>"
[ "$code" = 200 ] || fail "Enumerate: HTTP $code"
expect "Enumerate Action" "string($HDR/$(el $NS_A Action))" "$reply" "$NS_N/EnumerateResponse"
ER=$BODY/$(el $NS_N EnumerateResponse)
context=$(xp "string($ER/$(el $NS_N EnumerationContext))" "$reply")
[ -n "$context" ] || fail "Enumerate returned no EnumerationContext"

# Pull two at a time until EndOfSequence (at most 5 rounds).
indexes=
round=0
while :; do
        round=$((round + 1))
        [ "$round" -le 5 ] || fail "no EndOfSequence after 5 Pulls"
        send "pull$round" $NS_N/Pull \
                "<n:Pull><n:EnumerationContext>$context</n:EnumerationContext><n:MaxElements>2</n:MaxElements></n:Pull>"
        [ "$code" = 200 ] || fail "Pull $round: HTTP $code"
        expect "Pull $round Action" "string($HDR/$(el $NS_A Action))" "$reply" "$NS_N/PullResponse"
        PR=$BODY/$(el $NS_N PullResponse)
        ITEMS=$PR/$(el $NS_N Items)
        n=$(xp "count($ITEMS/*)" "$reply")
        nh=$(xp "count($ITEMS/$(el $NS_H Hello))" "$reply")
        [ "$n" = "$nh" ] || fail "Pull $round: $n items, only $nh of them h:Hello"
        k=1
        while [ "$k" -le "$n" ]; do
                idx=$(xp "string($ITEMS/*[$k]/$(el $NS_H Index))" "$reply")
                greet=$(xp "string($ITEMS/*[$k]/$(el $NS_H Greeting))" "$reply")
                [ "$greet" = "Hello, $user" ] || fail "Pull $round item $k: Greeting '$greet'"
                indexes="$indexes $idx"
                k=$((k + 1))
        done
        if [ "$(xp "count($PR/$(el $NS_N EndOfSequence))" "$reply")" = 1 ]; then
                expect "last Pull has no context" "count($PR/$(el $NS_N EnumerationContext))" "$reply" 0
                break
        fi
        [ "$n" -ge 1 ] || fail "Pull $round: no items and no EndOfSequence"
        context=$(xp "string($PR/$(el $NS_N EnumerationContext))" "$reply")
        [ -n "$context" ] || fail "Pull $round: neither EndOfSequence nor an EnumerationContext"
done
[ "$indexes" = " 1 2 3" ] || fail "Pull returned items with Index$indexes, want 1 2 3"
[ "$round" = 2 ] || fail "three items at MaxElements 2 took $round Pulls, want 2"

# The finished context is gone.
send pullgone $NS_N/Pull "<n:Pull><n:EnumerationContext>$context</n:EnumerationContext></n:Pull>"
[ "$code" = 500 ] || fail "Pull of a finished context: HTTP $code, want 500"
expect "finished context subcode" \
        "string($BODY/$(el $NS_S Fault)/$(el $NS_S Code)/$(el $NS_S Subcode)/$(el $NS_S Value))" \
        "$reply" "n:InvalidEnumerationContext"

# The items are named (item_selector): EnumerateEPR with a SelectorFilter,
# optimized, gives the EPR of item 2 alone; the counter's items are not.
send eprs $NS_N/Enumerate "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements>\
<w:EnumerationMode>EnumerateEPR</w:EnumerationMode><w:Filter \
Dialect=\"http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter\"><w:SelectorSet>\
<w:Selector Name=\"Index\">2</w:Selector></w:SelectorSet></w:Filter></n:Enumerate>"
[ "$code" = 200 ] || fail "EnumerateEPR: HTTP $code"
ITEMS=$BODY/$(el $NS_N EnumerateResponse)/$(el $NS_W Items)
expect "EnumerateEPR items" "count($ITEMS/*)" "$reply" 1
EPR_RP=$ITEMS/$(el $NS_A EndpointReference)/$(el $NS_A ReferenceParameters)
expect "EnumerateEPR ResourceURI" "string($EPR_RP/$(el $NS_W ResourceURI))" "$reply" "$HELLO_URI"
expect "EnumerateEPR selector" "string($EPR_RP/$(el $NS_W SelectorSet)/$(el $NS_W Selector)[@Name='Index'])" \
        "$reply" 2
expect "EnumerateEPR ends" "count($BODY/$(el $NS_N EnumerateResponse)/$(el $NS_W EndOfSequence))" "$reply" 1

# --- 5. stop: unload() runs and the daemon exits cleanly
stop_daemon
grep -q 'hello: unloading after 4 requests' "$tmp/winrmd.log" || fail "hello's unload() did not run (or counted wrong)"

echo "$me: PASS"
exit 0
