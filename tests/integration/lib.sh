# lib.sh - what the shell tests share; sourced, never run (run.sh runs
# only test_*.sh).  The sourcing script sets $me first, then:
#
#   . "$(dirname "$0")/lib.sh"
#   need_tools curl xmllint ...   skip unless each one is on PATH
#   make_tmp NAME                 $tmp, removed at exit with the daemon killed
#   start_daemon WINRMD PLUGINS   runs WINRMD on a new state directory and
#                                 waits until it logs "ready"; sets $pid, $sock
#   post NAME                     POSTs $tmp/NAME.req to $sock: $tmp/NAME.xml,
#                                 the HTTP status in $code
#   stop_daemon                   SIGTERM; fails unless winrmd exits 0
#   fail MESSAGE, nap, el NS NAME
#
# Environment: WINRMD_BUILDDIR (default: the current directory if it is
# the top build directory), WINRMD_SRCDIR (default: this script's tree),
# WINRMD_TEST_VALGRIND=1 to run the daemon under valgrind,
# WINRMD_TEST_KEEP=1 to keep the temporary directory.
# shellcheck shell=sh disable=SC2034,SC2154  # $me set, $code used by the sourcing script

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

valgrind=
timeout_ds=200                          # deciseconds for each bounded wait
if [ -n "${WINRMD_TEST_VALGRIND:-}" ]; then
        command -v valgrind >/dev/null 2>&1 || { echo "$me: SKIP: valgrind not found"; exit 77; }
        valgrind="valgrind -q --vgdb=no --error-exitcode=99 --leak-check=full"
        timeout_ds=1200
fi

tmp=
pid=

need_tools() {
        for tool in "$@"; do
                if ! command -v "$tool" >/dev/null 2>&1; then
                        echo "$me: SKIP: $tool not found"
                        exit 77
                fi
        done
}

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

# make_tmp NAME: a new directory ${TMPDIR:-/tmp}/winrmd-NAME.XXXXXX in $tmp.
make_tmp() {
        tmp=$(mktemp -d "${TMPDIR:-/tmp}/winrmd-$1.XXXXXX") || exit 1
        trap cleanup EXIT
        trap 'exit 1' INT TERM HUP
}

fail() {
        echo "$me: FAIL: $*" >&2
        if [ -n "$tmp" ] && [ -f "$tmp/winrmd.log" ]; then
                echo "--- winrmd log" >&2
                cat "$tmp/winrmd.log" >&2
        fi
        exit 1
}

# A short sleep where the system has one; a bounded wait either way.
nap() {
        sleep 0.1 2>/dev/null || sleep 1
}

# el NS NAME: an XPath step that matches by namespace URI and local name.
el() {
        printf "*[local-name()='%s' and namespace-uri()='%s']" "$2" "$1"
}

# start_daemon WINRMD PLUGINS: WINRMD --foreground on $tmp/state with the
# plugin directory PLUGINS, its output in $tmp/winrmd.log; whoever runs the
# test may use the control socket $sock.  Started as root, its network
# process runs as nobody (these tests use the machine's own accounts, and
# nobody is one every system has): $tmp and PLUGINS must let it through.
start_daemon() {
        state=$tmp/state
        sock=$state/winrmd.sock
        if [ ${#sock} -ge 100 ]; then
                echo "$me: SKIP: socket path $sock too long for AF_UNIX"
                exit 77
        fi
        mkdir -m 0700 "$state" || fail "cannot create $state"
        printf 'service.admin_groups = %s\n' "$(id -gn)" >"$state/winrmd.conf"
        user=
        if [ "$(id -u)" = 0 ]; then
                user="--user nobody"
                chmod 0711 "$tmp"
        fi

        # shellcheck disable=SC2086  # $user is empty or two words
        $valgrind "$1" --foreground --state-dir "$state" --plugin-dir "$2" $user >"$tmp/winrmd.log" 2>&1 &
        pid=$!
        i=0
        until grep -q 'ready' "$tmp/winrmd.log" 2>/dev/null; do
                kill -0 "$pid" 2>/dev/null || fail "winrmd exited before it was ready"
                i=$((i + 1))
                [ "$i" -le "$timeout_ds" ] || fail "winrmd not ready after $((timeout_ds / 10)) s"
                nap
        done
}

post() {
        code=$(curl -sS --max-time 10 --unix-socket "$sock" \
                -H 'Content-Type: application/soap+xml;charset=UTF-8' \
                --data-binary @"$tmp/$1.req" -o "$tmp/$1.xml" -w '%{http_code}' http://localhost/wsman) ||
                fail "$1: curl failed"
}

stop_daemon() {
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
}
