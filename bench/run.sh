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
. "$here/lib.sh"                        # the shared helpers; sets repo and py
duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-16}
threads=${THREADS:-1}
idle_conns=${IDLE_CONNS:-1000}

for tool in cc make pkg-config curl wrk dpkg timeout; do
        command -v "$tool" >/dev/null || die "$tool missing (apt-get install -y" \
                "build-essential pkg-config libevent-dev curl wrk)"
done
[ -x "$py" ] || die "$py missing"
find_shared                             # SHARED_BENCH
case $rounds in ''|*[!0-9]*|0) die "ROUNDS must be a positive integer" ;; esac
case $idle_conns in ''|*[!0-9]*) die "IDLE_CONNS must be an integer" ;; esac
wrk_duration                            # dsec: wrk's -d in seconds, to bound each run
raise_nofile                            # 1,000 connections: ulimit -n 4096

# --- cleanup ---------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/winrmd-bench.XXXXXX")
ceiling_pid=
winrmd_pid=
job_pid=
cleanup() {
        stop "$job_pid"
        job_pid=
        stop "$winrmd_pid"
        winrmd_pid=
        stop "$ceiling_pid"
        ceiling_pid=
        remove_tmp                      # unless KEEP_TMP
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

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

# --- the ceiling -----------------------------------------------------------------
start_ceiling                           # ceiling_pid, ceiling_url

# --- winrmd ----------------------------------------------------------------------
find_build                              # build: WINRMD_BUILD, REBUILD
# libpam-wrapper, libnss-wrapper and pam_matrix, wherever Debian put them
find_wrappers ||
        die "libpam-wrapper and libnss-wrapper are needed (apt-get install -y libpam-wrapper libnss-wrapper)"
# bench/bench only for winrmd; its network process runs as --user (winrmd,
# WINRMD_USER), an account of these files too
write_accounts /nonexistent /bin/false

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
start_winrmd --listen 127.0.0.1:0
# port 0: the kernel picks a free port, winrmd logs it
n=0
winrmd_port=
while [ -z "$winrmd_port" ]; do
        kill -0 "$winrmd_pid" 2>/dev/null || { cat "$tmp/winrmd.log" >&2; die "winrmd exited"; }
        n=$((n + 1))
        [ "$n" -lt 100 ] || { cat "$tmp/winrmd.log" >&2; die "winrmd logged no listening line within 10 s"; }
        sleep 0.1
        winrmd_port=$(logged_http_port)
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

# --- memory: idle, then with IDLE_CONNS idle keep-alive connections -----------------
sleep 1
rss_idle=$(rss "$winrmd_pid")
echo "== memory (VmRSS of pid $winrmd_pid)"
rss_idle_detail=$(rss_detail "$winrmd_pid")
echo "after start, before any request: $rss_start KiB"
echo "idle after its first requests (Identify, bad password, Get): $rss_idle KiB ($rss_idle_detail)"
rss_silent=- rss_keep=- per_silent=- per_keep=- conns_ok=skipped
if [ "$idle_conns" -gt 0 ]; then
        conns_test                      # conns.py: conns_ok, rss_silent, per_silent, ...
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

log_warnings                            # KEEP_LOG; warnings: their count since log_mark

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
