#!/bin/sh
# run.sh - winrmd's throughput against the do-nothing evhttp ceiling, and its
# resident memory idle and with 1,000 idle keep-alive connections.
#
# Builds the shared ceiling into a temporary folder and starts it on a free
# 127.0.0.1 port; starts winrmd (plain HTTP Basic on 127.0.0.1, test account
# bench/bench through libpam-wrapper + pam_matrix and libnss-wrapper, never
# the machine's own accounts); drives both with wrk in alternating rounds
# (ceiling, winrmd Identify, winrmd Get, ceiling, ...) and prints the medians
# and the ratios winrmd / ceiling; then a summary table. See README.md.
#
# Environment (all optional):
#   DURATION=10s      length of each wrk run
#   ROUNDS=3          alternating rounds; medians are reported
#   CONNECTIONS=16    wrk connections      THREADS=1   wrk threads
#   IDLE_CONNS=1000   connections for the memory test (0 skips it)
#   SHARED_BENCH      the shared bench folder (ceiling.c, post.lua, identify.xml);
#                     default: ../../shared/bench from this script
#   WINRMD_BUILD      a winrmd build folder (default: build/ in the repo, as scripts/build.sh makes);
#                     configured and built there if it holds no winrmd
#   REBUILD=1         run make in WINRMD_BUILD first even if winrmd exists
#   KEEP_LOG=1        print winrmd's stderr at the end
#   WINRMD_USER=winrmd  the --user of winrmd's network process (an account of
#                     the bench's own NSS files); root: no privilege separation
# Needs: cc, make, pkg-config, libevent-dev, curl, wrk, dpkg, /usr/bin/python3,
# libpam-wrapper, libnss-wrapper. Only 127.0.0.1 is used; everything is
# written under one temporary folder, removed on exit with every process.
set -eu

me=bench/run.sh
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
shared=${SHARED_BENCH:-$here/../../shared/bench}
build=${WINRMD_BUILD:-$repo/build}
duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-16}
threads=${THREADS:-1}
idle_conns=${IDLE_CONNS:-1000}
py=/usr/bin/python3

die() { echo "$me: $*" >&2; exit 1; }

for tool in cc make pkg-config curl wrk dpkg timeout; do
        command -v "$tool" >/dev/null || die "$tool missing (apt-get install -y" \
                "build-essential pkg-config libevent-dev curl wrk)"
done
[ -x "$py" ] || die "$py missing"
for f in ceiling.c Makefile post.lua identify.xml; do
        [ -f "$shared/$f" ] || die "no $f in $shared (set SHARED_BENCH)"
done
shared=$(cd "$shared" && pwd)
case $rounds in ''|*[!0-9]*|0) die "ROUNDS must be a positive integer" ;; esac
case $idle_conns in ''|*[!0-9]*) die "IDLE_CONNS must be an integer" ;; esac

# wrk's -d in seconds, to bound each run (10s, 2m, 1h or a bare number)
case $duration in
*s) dsec=${duration%s} ;;
*m) dsec=$((${duration%m} * 60)) ;;
*h) dsec=$((${duration%h} * 3600)) ;;
*) dsec=$duration ;;
esac
case $dsec in ''|*[!0-9]*) die "DURATION must look like 10s, 2m or 1h" ;; esac

# 1,000 connections need 1,000 descriptors in the client and in the daemon
# (winrmd raises its soft limit to the hard one itself).
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
        ulimit -n 4096 2>/dev/null || echo "$me: warning: cannot raise ulimit -n" \
                "above $(ulimit -n); the connection test may fail" >&2
fi

# --- cleanup ---------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/winrmd-bench.XXXXXX")
ceiling_pid=
winrmd_pid=
job_pid=
stop() { # stop PID: TERM, then KILL after 5 s; always reaped
        [ -n "$1" ] || return 0
        kill "$1" 2>/dev/null || return 0
        n=0
        while kill -0 "$1" 2>/dev/null && [ "$n" -lt 50 ]; do
                sleep 0.1
                n=$((n + 1))
        done
        kill -9 "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
}
cleanup() {
        stop "$job_pid"
        job_pid=
        stop "$winrmd_pid"
        winrmd_pid=
        stop "$ceiling_pid"
        ceiling_pid=
        if [ -n "${KEEP_TMP:-}" ]; then
                echo "kept $tmp"
        else
                rm -rf "$tmp"
        fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# job OUT CMD...: runs CMD in the background with its output in OUT and waits
# for it, so that INT and TERM interrupt the wait at once; returns its status
job() {
        out_file=$1
        shift
        "$@" >"$out_file" 2>&1 &
        job_pid=$!
        rc=0
        wait "$job_pid" || rc=$?
        job_pid=
        return "$rc"
}

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# rss_detail PID: "anon A KiB, file F KiB, Pss P KiB"
rss_detail() {
        pss=$(awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || true)
        awk -v pss="${pss:--}" '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
                END { printf "anon %s KiB, file-backed %s KiB, Pss %s KiB\n", a, f, pss }' "/proc/$1/status"
}

# --- the ceiling -----------------------------------------------------------------
free_port() {
        "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# post URL BODY [curl args]: prints the HTTP status of one SOAP POST
post() {
        url=$1 body=$2
        shift 2
        curl -s -m 5 -o "$tmp/post.out" -w '%{http_code}' "$@" \
                -H 'Content-Type: application/soap+xml;charset=UTF-8' \
                --data-binary @"$body" "$url" || true
}

# wait_200 URL BODY PID NAME: polls (at most 10 s) until an authenticated POST gets 200
wait_200() {
        n=0
        until [ "$(post "$1" "$2" -u bench:bench)" = 200 ]; do
                kill -0 "$3" 2>/dev/null || die "$4 exited"
                n=$((n + 1))
                [ "$n" -lt 100 ] || die "$4 did not answer 200 within 10 s"
                sleep 0.1
        done
}

echo "== building the ceiling ($shared)"
make -s -C "$shared" OUT="$tmp/ceiling-build"
tries=0
while :; do
        ceiling_port=$(free_port)
        "$tmp/ceiling-build/ceiling" "$ceiling_port" bench:bench >/dev/null 2>"$tmp/ceiling.err" &
        ceiling_pid=$!
        n=0
        until [ "$(post "http://127.0.0.1:$ceiling_port/wsman" "$shared/identify.xml" -u bench:bench)" = 200 ]; do
                kill -0 "$ceiling_pid" 2>/dev/null || break
                n=$((n + 1))
                [ "$n" -lt 50 ] || break
                sleep 0.1
        done
        if kill -0 "$ceiling_pid" 2>/dev/null && [ "$n" -lt 50 ]; then
                break
        fi
        stop "$ceiling_pid"             # the port was taken meanwhile: another one
        ceiling_pid=
        tries=$((tries + 1))
        [ "$tries" -lt 5 ] || die "the ceiling did not start: $(cat "$tmp/ceiling.err")"
done
ceiling_url="http://127.0.0.1:$ceiling_port/wsman"
[ "$(post "$ceiling_url" "$shared/identify.xml" -u bench:wrong)" = 401 ] ||
        die "the ceiling accepted a wrong password"
echo "ceiling: pid $ceiling_pid on $ceiling_url"

# --- winrmd ----------------------------------------------------------------------
if [ ! -x "$build/winrmd" ] || [ ! -d "$build/providers" ]; then
        echo "== configuring and building winrmd in $build"
        mkdir -p "$build"
        if [ ! -f "$build/Makefile" ]; then
                (cd "$build" && "$repo/configure" >"$tmp/configure.log" 2>&1) ||
                        { tail -20 "$tmp/configure.log" >&2; die "configure failed"; }
        fi
        make -s -C "$build" -j2 >"$tmp/make.log" 2>&1 ||
                { tail -30 "$tmp/make.log" >&2; die "make failed"; }
elif [ "${REBUILD:-0}" != 0 ]; then
        echo "== make in $build"
        make -s -C "$build" -j2 >"$tmp/make.log" 2>&1 ||
                { tail -30 "$tmp/make.log" >&2; die "make failed"; }
fi
build=$(cd "$build" && pwd)
[ -x "$build/winrmd" ] || die "no winrmd in $build"

# libpam-wrapper, libnss-wrapper and pam_matrix, wherever Debian put them
dpkg_find() { # dpkg_find PACKAGE FILE
        dpkg -L "$1" 2>/dev/null | while read -r f; do
                [ "${f##*/}" = "$2" ] && [ -f "$f" ] && { echo "$f"; break; }
        done
}
pam_wrapper=$(dpkg_find libpam-wrapper libpam_wrapper.so)
pam_matrix=$(dpkg_find libpam-wrapper pam_matrix.so)
nss_wrapper=$(dpkg_find libnss-wrapper libnss_wrapper.so)
[ -n "$pam_wrapper" ] && [ -n "$pam_matrix" ] && [ -n "$nss_wrapper" ] ||
        die "libpam-wrapper and libnss-wrapper are needed (apt-get install -y libpam-wrapper libnss-wrapper)"

acct=$tmp/accounts
mkdir -p "$acct/pam.d"
echo "bench:bench:winrmd" >"$acct/passdb"
cat >"$acct/pam.d/winrmd" <<EOF
auth required $pam_matrix passdb=$acct/passdb
account required $pam_matrix passdb=$acct/passdb
EOF
cat >"$acct/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
bench:x:42001:42001:winrmd bench:/nonexistent:/bin/false
winrmd:x:42050:42050:winrmd service:/nonexistent:/usr/sbin/nologin
EOF
cat >"$acct/group" <<EOF
root:x:0:
bench:x:42001:
winrmd:x:42050:
EOF
# winrmd's network process runs as --user (winrmd, one of these accounts)
# and must reach its state and these files
winrmd_user=${WINRMD_USER:-winrmd}
chmod 0711 "$tmp"

state=$tmp/state
mkdir -m 700 "$state"
# auth_cache_ms: an hour, so that no run outlives the cached login (at its
# expiry every request in flight goes to PAM at once, and those beyond
# max_logins_per_peer get 503)
cat >"$state/winrmd.conf" <<EOF
service.allow_unencrypted = true
service.plain_schemes = basic
service.max_connections = 1000
service.auth_cache_ms = 3600000
service.root_sddl = O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)
EOF

# the Get of wsman:system/2005/06/this, as a client sends it
get_xml=$tmp/get.xml
cat >"$get_xml" <<'EOF'
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:To>http://127.0.0.1/wsman</a:To><a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><w:MaxEnvelopeSize s:mustUnderstand="true">153600</w:MaxEnvelopeSize><a:MessageID>uuid:6C1A2B3D-4E5F-4A6B-9C7D-8E9F0A1B2C3D</a:MessageID><w:Locale xml:lang="en-US" s:mustUnderstand="false"/><w:OperationTimeout>PT20S</w:OperationTimeout><w:ResourceURI s:mustUnderstand="true">wsman:system/2005/06/this</w:ResourceURI><a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action></s:Header><s:Body/></s:Envelope>
EOF

echo "== starting winrmd ($build)"
env LD_PRELOAD="$pam_wrapper $nss_wrapper" PAM_WRAPPER=1 \
        PAM_WRAPPER_SERVICE_DIR="$acct/pam.d" \
        NSS_WRAPPER_PASSWD="$acct/passwd" NSS_WRAPPER_GROUP="$acct/group" \
        NOTIFY_SOCKET= LISTEN_FDS= LISTEN_PID= \
        "$build/winrmd" --foreground --state-dir "$state" \
        --plugin-dir "$build/providers" --user "$winrmd_user" --listen 127.0.0.1:0 \
        </dev/null >"$tmp/winrmd.log" 2>&1 &
winrmd_pid=$!
# port 0: the kernel picks a free port, winrmd logs it
n=0
winrmd_port=
while [ -z "$winrmd_port" ]; do
        kill -0 "$winrmd_pid" 2>/dev/null || { cat "$tmp/winrmd.log" >&2; die "winrmd exited"; }
        n=$((n + 1))
        [ "$n" -lt 100 ] || { cat "$tmp/winrmd.log" >&2; die "winrmd logged no listening line within 10 s"; }
        sleep 0.1
        winrmd_port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' \
                "$tmp/winrmd.log" | head -n 1)
done
winrmd_url="http://127.0.0.1:$winrmd_port/wsman"
n=0
until grep -q 'info: ready' "$tmp/winrmd.log"; do
        kill -0 "$winrmd_pid" 2>/dev/null || { cat "$tmp/winrmd.log" >&2; die "winrmd exited"; }
        n=$((n + 1))
        [ "$n" -lt 100 ] || break       # no "ready" line: go on, the POSTs below will tell
        sleep 0.1
done
sleep 0.5
rss_start=$(rss "$winrmd_pid")          # before any request
wait_200 "$winrmd_url" "$shared/identify.xml" "$winrmd_pid" winrmd
[ "$(post "$winrmd_url" "$shared/identify.xml" -u bench:wrong)" = 401 ] ||
        die "winrmd accepted a wrong password"
[ "$(post "$winrmd_url" "$get_xml" -u bench:bench)" = 200 ] ||
        { cat "$tmp/post.out" >&2; echo >&2; die "winrmd's Get of wsman:system/2005/06/this did not answer 200"; }
grep -q 'transfer/GetResponse' "$tmp/post.out" ||
        { cat "$tmp/post.out" >&2; echo >&2; die "unexpected Get response"; }
echo "winrmd: pid $winrmd_pid on $winrmd_url"
log_mark=$(wc -l <"$tmp/winrmd.log")   # the wrong-password warning is expected

alive() {
        kill -0 "$winrmd_pid" 2>/dev/null ||
                { tail -40 "$tmp/winrmd.log" >&2; die "winrmd died ($1)"; }
}

# --- memory: idle, then with IDLE_CONNS idle keep-alive connections -----------------
sleep 1
rss_idle=$(rss "$winrmd_pid")
echo "== memory (VmRSS of pid $winrmd_pid)"
rss_idle_detail=$(rss_detail "$winrmd_pid")
echo "after start, before any request: $rss_start KiB"
echo "idle after its first requests (Identify, bad password, Get): $rss_idle KiB ($rss_idle_detail)"
rss_silent=- rss_keep=- per_silent=- per_keep=- conns_ok=skipped
if [ "$idle_conns" -gt 0 ]; then
        conns_ok=yes
        job "$tmp/conns.out" timeout 120 "$py" "$here/conns.py" "$winrmd_pid" \
                "$winrmd_port" "$idle_conns" "$shared/identify.xml" || conns_ok=NO
        sed 's/^/  /' "$tmp/conns.out"
        alive "connection test"
        val() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/conns.out"; }
        base=$(val rss_before)
        rss_silent=$(val rss_silent)
        rss_keep=$(val rss_keepalive)
        kib_per() { # kib_per RSS: (RSS - base) / idle_conns, two decimals
                [ -n "$1" ] && [ -n "$base" ] || { echo -; return; }
                awk -v a="$1" -v b="$base" -v n="$idle_conns" 'BEGIN { printf "%.2f", (a - b) / n }'
        }
        per_silent=$(kib_per "$rss_silent")
        per_keep=$(kib_per "$rss_keep")
        echo "with $idle_conns connections, accepted, nothing sent: ${rss_silent:--} KiB ($per_silent KiB each)"
        echo "with $idle_conns connections after one Identify each: ${rss_keep:--} KiB ($per_keep KiB each)"
        [ "$conns_ok" = yes ] || echo "$me: the connection test FAILED (see above)" >&2
fi

# --- throughput --------------------------------------------------------------------
errors=0
# bench NAME URL BODY: one wrk run; appends req/s to $tmp/NAME.rps
bench() {
        BODY=$3
        export BODY
        job "$tmp/wrk.out" timeout $((dsec + 60)) wrk -t"$threads" -c"$connections" \
                -d"$duration" -s "$shared/post.lua" "$2" ||
                { cat "$tmp/wrk.out"; die "wrk failed against $1"; }
        out=$(cat "$tmp/wrk.out")
        rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
        [ -n "$rps" ] || { echo "$out"; die "no Requests/sec from wrk against $1"; }
        echo "$rps" >>"$tmp/$1.rps"
        bad=$(echo "$out" | grep -E 'Non-2xx|Socket errors' || true)
        if [ -n "$bad" ]; then
                errors=$((errors + 1))
                echo "$out" >"$tmp/$1.wrk-errors.$round"
                printf '  %-16s %10s req/s   !! %s\n' "$1" "$rps" "$(echo "$bad" | tr '\n' ' ')"
        else
                printf '  %-16s %10s req/s\n' "$1" "$rps"
        fi
}
median() { # median of the numbers in file $1
        sort -g "$1" | awk '{ v[NR] = $1 }
                END { if (NR % 2) printf "%.0f", v[(NR + 1) / 2];
                      else printf "%.0f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
median2() { # the same, two decimals (for ratios)
        sort -g "$1" | awk '{ v[NR] = $1 }
                END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2];
                      else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== throughput: $rounds rounds, wrk -t$threads -c$connections -d$duration, post.lua"
round=1
while [ "$round" -le "$rounds" ]; do
        echo "round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
        bench ceiling "$ceiling_url" "$shared/identify.xml"
        bench identify "$winrmd_url" "$shared/identify.xml"
        alive "Identify load, round $round"
        bench get "$winrmd_url" "$get_xml"
        alive "Get load, round $round"
        c=$(tail -n 1 "$tmp/ceiling.rps")
        i=$(ratio "$(tail -n 1 "$tmp/identify.rps")" "$c")
        g=$(ratio "$(tail -n 1 "$tmp/get.rps")" "$c")
        echo "$i" >>"$tmp/identify.ratio"
        echo "$g" >>"$tmp/get.ratio"
        echo "  ratios this round: Identify $i, Get $g"
        round=$((round + 1))
done
ceiling_rps=$(median "$tmp/ceiling.rps")
identify_rps=$(median "$tmp/identify.rps")
get_rps=$(median "$tmp/get.rps")
identify_ratio=$(ratio "$identify_rps" "$ceiling_rps")
get_ratio=$(ratio "$get_rps" "$ceiling_rps")
identify_rratio=$(median2 "$tmp/identify.ratio")
get_rratio=$(median2 "$tmp/get.ratio")
rss_after=$(rss "$winrmd_pid")
[ "$(post "$winrmd_url" "$get_xml" -u bench:bench)" = 200 ] ||
        { errors=$((errors + 1)); echo "$me: winrmd's Get failed after the load" >&2; }

if [ "${KEEP_LOG:-0}" != 0 ]; then
        echo "== winrmd's stderr"
        cat "$tmp/winrmd.log"
fi
warnings=$(tail -n +"$((log_mark + 1))" "$tmp/winrmd.log" | grep -c -i -E 'warn|error|crit|fatal' || true)
if [ "$warnings" -gt 0 ]; then
        echo "== winrmd's warnings and errors during the tests (first 10 kinds)"
        tail -n +"$((log_mark + 1))" "$tmp/winrmd.log" | grep -i -E 'warn|error|crit|fatal' |
                sed 's/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn | head -10
fi

# --- summary -----------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.1f", k / 1024 }'; }
echo
echo "== summary (medians of $rounds rounds, wrk -t$threads -c$connections -d$duration, 127.0.0.1, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-44s %12s %8s %10s\n' "measure" "value" "ratio" "target"
printf '%-44s %12s %8s %10s\n' "ceiling (evhttp, fixed response) req/s" "$ceiling_rps" "1.00" ""
printf '%-44s %12s %8s %10s\n' "winrmd Identify, Basic, req/s" "$identify_rps" "$identify_ratio" ">= 0.70"
printf '%-44s %12s %8s %10s\n' "winrmd Get wsman:system/2005/06/this req/s" "$get_rps" "$get_ratio" ""
printf '%-44s %12s %8s %10s\n' "  median of per-round ratios: Identify" "" "$identify_rratio" ">= 0.70"
printf '%-44s %12s %8s %10s\n' "  median of per-round ratios: Get" "" "$get_rratio" ""
printf '%-44s %12s %8s %10s\n' "RSS after start, no request yet (KiB)" "$rss_start" "" ""
printf '%-44s %12s %8s %10s\n' "RSS idle after the first 3 requests (KiB)" "$rss_idle" "" "< 8192"
printf '%-44s %12s %8s %10s\n' "RSS, $idle_conns conns accepted, silent (KiB)" "$rss_silent" "" ""
printf '%-44s %12s %8s %10s\n' "RSS, $idle_conns keep-alive conns (KiB)" "$rss_keep" "" ""
printf '%-44s %12s %8s %10s\n' "KiB per silent connection" "$per_silent" "" ""
printf '%-44s %12s %8s %10s\n' "KiB per idle keep-alive connection" "$per_keep" "" "< 20"
printf '%-44s %12s %8s %10s\n' "RSS after the load runs (KiB)" "$rss_after" "" ""
echo "idle RSS $(mib "$rss_idle") MiB: $rss_idle_detail"
echo "connection test: $conns_ok;" \
        "wrk runs with errors or non-2xx: $errors; winrmd log lines with warn/error: $warnings"
[ "$errors" -eq 0 ] && [ "$conns_ok" != NO ] || exit 1
