#!/bin/sh
# https.sh - winrmd's HTTPS listener: authenticated requests over TLS
# keep-alive as a ratio of the plain-HTTP ceiling, new TLS handshakes per
# second against nginx serving a static file with the same certificate, key
# and TLS parameters, and resident memory per idle TLS connection.
#
# Builds the shared ceiling and starts it on a free 127.0.0.1 port; makes a
# self-signed certificate (certtool) in a temporary winrmd state; starts
# winrmd with one HTTPS listener record naming it by thumbprint (test account
# bench/bench through libpam-wrapper + pam_matrix and libnss-wrapper, never
# the machine's own accounts) and nginx with one worker on other free ports;
# checks which TLS version, cipher suite, group and signature each
# negotiates with OpenSSL (wrk's library) and gives nginx winrmd's choice;
# measures memory per idle TLS connection (conns.py --tls); then runs wrk in
# alternating rounds (ceiling; winrmd HTTPS Identify and Get, keep-alive, and
# the same Get over plain HTTP for the cost of TLS; winrmd and nginx with
# "Connection: close", one handshake per request: full with tls-noresume.c
# preloaded into wrk, then resumed as wrk does by itself) and prints the
# medians, the ratios and a summary table. See README.md.
#
# Environment (all optional):
#   DURATION=10s      length of each wrk run
#   ROUNDS=3          alternating rounds; medians are reported
#   CONNECTIONS=16    wrk connections      THREADS=1   wrk threads
#   IDLE_CONNS=1000   TLS connections for the memory test (0 skips it)
#   KEY_TYPE=ecdsa    the certificate's key: ecdsa (P-256) or rsa (2048 bits)
#   SHARED_BENCH      the shared bench folder (ceiling.c, post.lua, identify.xml);
#                     default: ../../shared/bench from this script
#   WINRMD_BUILD      a winrmd build folder (default: build/ in the repo);
#                     configured and built there if it holds no winrmd
#   REBUILD=1         run make in WINRMD_BUILD first even if winrmd exists
#   KEEP_TMP=1        keep the temporary folder   KEEP_LOG=1  print winrmd's log
#   WINRMD_USER=winrmd  the --user of winrmd's network process (an account of
#                     the bench's own NSS files); root: no privilege separation
# Needs: what run.sh needs, and certtool (gnutls-bin), openssl, nginx
# (nginx-light). Only 127.0.0.1 is used; everything is written under one
# temporary folder, removed on exit with every process this script started.
set -eu

me=bench/https.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"                        # the shared helpers; sets repo and py
duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-16}
threads=${THREADS:-1}
idle_conns=${IDLE_CONNS:-1000}
key_type=${KEY_TYPE:-ecdsa}

for tool in cc make pkg-config curl wrk dpkg timeout certtool openssl; do
        command -v "$tool" >/dev/null || die "$tool missing (apt-get install -y" \
                "build-essential pkg-config libevent-dev curl wrk gnutls-bin openssl nginx-light)"
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || die "nginx missing (apt-get install -y nginx-light)"
[ -x "$py" ] || die "$py missing"
find_shared                             # SHARED_BENCH
[ -f "$here/tls-noresume.c" ] && [ -f "$here/conns.py" ] || die "tls-noresume.c or conns.py missing in $here"
case $rounds in ''|*[!0-9]*|0) die "ROUNDS must be a positive integer" ;; esac
case $idle_conns in ''|*[!0-9]*) die "IDLE_CONNS must be an integer" ;; esac
case $key_type in ecdsa|rsa) ;; *) die "KEY_TYPE must be ecdsa or rsa" ;; esac
wrk_duration                            # dsec: wrk's -d in seconds, to bound each run
raise_nofile                            # 1,000 connections: ulimit -n 4096

# --- cleanup ---------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/winrmd-https-bench.XXXXXX")
ceiling_pid=
winrmd_pid=
nginx_pid=
job_pid=
cleanup() {
        stop "$job_pid"
        job_pid=
        stop "$winrmd_pid"
        winrmd_pid=
        stop "$nginx_pid"
        nginx_pid=
        stop "$ceiling_pid"
        ceiling_pid=
        remove_tmp                      # unless KEEP_TMP
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- the ceiling -----------------------------------------------------------------
start_ceiling                           # ceiling_pid, ceiling_url
# wrk resumes the TLS session of a slot's last connection; this makes it not
noresume=$tmp/tls-noresume.so
cc -shared -fPIC -o "$noresume" "$here/tls-noresume.c" -ldl || die "cannot build tls-noresume.so"

# --- winrmd's build, accounts and state ---------------------------------------------
find_build                              # build: WINRMD_BUILD, REBUILD
find_wrappers ||
        die "libpam-wrapper and libnss-wrapper are needed (apt-get install -y libpam-wrapper libnss-wrapper)"
# bench/bench only for winrmd; its network process runs as --user (winrmd,
# WINRMD_USER), an account of these files too
write_accounts /nonexistent /bin/false

# The certificate both servers serve: self-signed, for localhost and 127.0.0.1.
state=$tmp/state
mkdir -m 700 "$state"
make_cert "$key_type"                   # cert, key, thumb

# The Get of wsman:microsoft.com/wsman/2005/06/config, as a client sends it
get_xml=$tmp/get.xml
cat >"$get_xml" <<'EOF'
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:To>https://127.0.0.1/wsman</a:To><a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><w:MaxEnvelopeSize s:mustUnderstand="true">153600</w:MaxEnvelopeSize><a:MessageID>uuid:6C1A2B3D-4E5F-4A6B-9C7D-8E9F0A1B2C3D</a:MessageID><w:Locale xml:lang="en-US" s:mustUnderstand="false"/><w:OperationTimeout>PT20S</w:OperationTimeout><w:ResourceURI s:mustUnderstand="true">wsman:microsoft.com/wsman/2005/06/config</w:ResourceURI><a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action></s:Header><s:Body/></s:Envelope>
EOF

# --- winrmd, one HTTPS listener (and plain HTTP, to tell what TLS costs) -------------
echo "== starting winrmd ($build), HTTPS listener with certificate $thumb ($key_type)"
# the HTTPS listener on a free port (winrmd_port, winrmd_url); plain HTTP for
# the comparison run only; auth_cache_ms as in run.sh
start_winrmd_https --listen 127.0.0.1:0 <<EOF
service.allow_unencrypted = true
service.plain_schemes = basic
service.max_connections = 1000
service.auth_cache_ms = 3600000
service.root_sddl = O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)
EOF
http_port=$(logged_http_port)
[ -n "$http_port" ] || { cat "$tmp/winrmd.log" >&2; die "winrmd logged no plain-HTTP listener"; }
http_url="http://127.0.0.1:$http_port/wsman"
sleep 0.5
rss_start=$(rss "$winrmd_pid")
[ "$(tls_post "$winrmd_url" "$shared/identify.xml" -u bench:bench)" = 200 ] ||
        { cat "$tmp/winrmd.log" >&2; die "winrmd's HTTPS Identify with Basic did not answer 200"; }
[ "$(tls_post "$winrmd_url" "$shared/identify.xml" -u bench:wrong)" = 401 ] ||
        die "winrmd accepted a wrong password"
[ "$(tls_post "$winrmd_url" "$get_xml" -u bench:bench)" = 200 ] ||
        { cat "$tmp/post.out" >&2; echo >&2; die "winrmd's Get of the configuration did not answer 200"; }
grep -q 'transfer/GetResponse' "$tmp/post.out" ||
        { cat "$tmp/post.out" >&2; echo >&2; die "unexpected Get response"; }
[ "$(post "$http_url" "$get_xml" -u bench:bench)" = 200 ] ||
        { cat "$tmp/post.out" >&2; echo >&2; die "winrmd's plain-HTTP Get did not answer 200"; }
echo "winrmd: pid $winrmd_pid on $winrmd_url (and $http_url)"
log_mark=$(wc -l <"$tmp/winrmd.log")   # the wrong-password warning is expected

# tls_params PORT: "TLSv1.3 TLS_AES_128_GCM_SHA256 X25519 ECDSA" as OpenSSL
# (wrk's library, its default offer) negotiates it
tls_params() {
        echo | timeout 10 openssl s_client -brief -connect "127.0.0.1:$1" -servername localhost \
                >"$tmp/s_client.out" 2>&1 || true
        awk -F': ' '
                /^Protocol version:/ { v = $2 }
                /^Ciphersuite:/ { c = $2 }
                /^Server Temp Key:/ { split($2, t, ", "); g = (t[1] == "ECDH" || t[1] == "DH") ? t[2] : t[1] }
                /^Signature type:/ { s = $2 }
                END { if (v == "" || c == "") exit 1; printf "%s %s %s %s\n", v, c, g, s }' "$tmp/s_client.out"
}
winrmd_tls=$(tls_params "$winrmd_port") ||
        { cat "$tmp/s_client.out" >&2; die "openssl s_client could not talk to winrmd"; }
set -- $winrmd_tls
tls_version=$1 tls_suite=$2 tls_group=$3
echo "winrmd negotiates: $winrmd_tls"

# --- nginx: one worker, a static file, the same certificate and key ------------------
ngx=$tmp/nginx
mkdir -p "$ngx/html"
"$tmp/ceiling-build/ceiling" --response >"$ngx/html/identify.xml"
chmod 711 "$tmp"                        # the worker (not root) reaches html/ only
chmod 755 "$ngx" "$ngx/html"
chmod 644 "$ngx/html/identify.xml"
if [ "$tls_version" = TLSv1.3 ]; then
        ngx_tls="ssl_protocols TLSv1.3; ssl_conf_command Ciphersuites $tls_suite;"
else
        ngx_tls="ssl_protocols TLSv1.2; ssl_ciphers $tls_suite;"
fi
tries=0
while :; do
        nginx_port=$(free_port)
        cat >"$ngx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $ngx/body;
    proxy_temp_path $ngx/proxy;
    fastcgi_temp_path $ngx/fastcgi;
    uwsgi_temp_path $ngx/uwsgi;
    scgi_temp_path $ngx/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $cert;
        ssl_certificate_key $key;
        $ngx_tls
        ssl_ecdh_curve $tls_group;
        ssl_prefer_server_ciphers on;
        root $ngx/html;
        default_type "application/soap+xml;charset=UTF-8";
    }
}
EOF
        "$nginx" -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/error.log" </dev/null >"$ngx/stderr" 2>&1 &
        nginx_pid=$!
        n=0
        until [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' --cacert "$cert" \
                "https://127.0.0.1:$nginx_port/identify.xml" || true)" = 200 ]; do
                kill -0 "$nginx_pid" 2>/dev/null || break
                n=$((n + 1))
                [ "$n" -lt 50 ] || break
                sleep 0.1
        done
        if kill -0 "$nginx_pid" 2>/dev/null && [ "$n" -lt 50 ]; then
                break
        fi
        stop "$nginx_pid"
        nginx_pid=
        tries=$((tries + 1))
        [ "$tries" -lt 5 ] || { cat "$ngx/error.log" "$ngx/stderr" >&2 2>/dev/null; die "nginx did not start"; }
done
nginx_worker=$(pgrep -P "$nginx_pid" | head -n 1)
[ -n "$nginx_worker" ] || die "no nginx worker"
nginx_url="https://127.0.0.1:$nginx_port/identify.xml"
nginx_tls=$(tls_params "$nginx_port") ||
        { cat "$tmp/s_client.out" >&2; die "openssl s_client could not talk to nginx"; }
echo "nginx: pid $nginx_pid (worker $nginx_worker) on $nginx_url ($("$nginx" -v 2>&1 | sed 's/.*: //'))"
echo "nginx negotiates:  $nginx_tls"
tls_same=yes
if [ "$nginx_tls" != "$winrmd_tls" ]; then
        tls_same=NO
        echo "$me: warning: nginx and winrmd negotiate different TLS parameters" >&2
fi

# --- memory: idle TLS connections ---------------------------------------------------
sleep 1
rss_idle=$(rss "$winrmd_pid")
rss_idle_detail=$(rss_detail "$winrmd_pid")
echo "== memory (VmRSS of pid $winrmd_pid)"
echo "after start, before any request: $rss_start KiB"
echo "idle after its first requests: $rss_idle KiB ($rss_idle_detail)"
rss_silent=- rss_keep=- per_silent=- per_keep=- conns_ok=skipped
if [ "$idle_conns" -gt 0 ]; then
        conns_test --tls "$cert"        # conns.py: conns_ok, rss_silent, per_silent, ...
        echo "with $idle_conns TCP connections, accepted, no ClientHello: ${rss_silent:--} KiB ($per_silent KiB each)"
        echo "with $idle_conns TLS connections after a handshake and one Identify each: ${rss_keep:--} KiB ($per_keep KiB each)"
        [ "$conns_ok" = yes ] || echo "$me: the connection test FAILED (see above)" >&2
        sleep 1                         # the closes reach the daemon before the load
fi

# --- throughput --------------------------------------------------------------------
errors=0
hz=$(getconf CLK_TCK)
ticks() { # ticks PID: user + system CPU time of PID and its children
        # (winrmd's monitor, which signs the handshakes), in clock ticks
        t=0
        for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
                t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
        done
        echo "$t"
}
# bench NAME PID URL WRK-ARGS...: one wrk run against URL while measuring the
# CPU of the server PID; appends req/s to $tmp/NAME.rps and req/s per
# second of the server's CPU time to $tmp/NAME.cap. With $preload set, wrk
# runs with it in LD_PRELOAD.
preload=
bench() {
        name=$1 spid=$2 url=$3
        shift 3
        t0=$(ticks "$spid")
        s0=$(date +%s.%N)
        job "$tmp/wrk.out" timeout $((dsec + 60)) env ${preload:+LD_PRELOAD="$preload"} \
                wrk -t"$threads" -c"$connections" -d"$duration" "$@" "$url" ||
                { cat "$tmp/wrk.out"; die "wrk failed against $name"; }
        s1=$(date +%s.%N)
        t1=$(ticks "$spid")
        cpu=$(awk -v a="$t0" -v b="$t1" -v s="$s0" -v e="$s1" -v hz="$hz" \
                'BEGIN { printf "%.0f", (b - a) / hz / (e - s) * 100 }')
        out=$(cat "$tmp/wrk.out")
        rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
        [ -n "$rps" ] || { echo "$out"; die "no Requests/sec from wrk against $name"; }
        echo "$rps" >>"$tmp/$name.rps"
        awk -v r="$rps" -v c="$cpu" 'BEGIN { printf "%.0f\n", (c > 0 ? r * 100 / c : 0) }' >>"$tmp/$name.cap"
        bad=$(echo "$out" | grep -E 'Non-2xx|Socket errors' || true)
        if [ -n "$bad" ]; then
                errors=$((errors + 1))
                echo "$out" >"$tmp/$name.wrk-errors.$round"
                printf '  %-16s %10s req/s  server CPU %3s%% (%6s per CPU-s)   !! %s\n' "$name" "$rps" \
                        "$cpu" "$(tail -n 1 "$tmp/$name.cap")" "$(echo "$bad" | tr '\n' ' ')"
        else
                printf '  %-16s %10s req/s  server CPU %3s%% (%6s per CPU-s)\n' "$name" "$rps" \
                        "$cpu" "$(tail -n 1 "$tmp/$name.cap")"
        fi
}
post_lua=$shared/post.lua
close='Connection: close'
echo "== throughput: $rounds rounds, wrk -t$threads -c$connections -d$duration"
echo "   keep-alive: ceiling (plain HTTP), winrmd HTTPS Identify and Get with Basic (post.lua),"
echo "   the same Get over plain HTTP"
echo "   handshakes ($close): winrmd HTTPS Identify with Basic, nginx HTTPS GET of a static file;"
echo "   full: no session resumption (tls-noresume.so in wrk); resumed: wrk resumes its last session"
round=1
while [ "$round" -le "$rounds" ]; do
        echo "round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
        BODY=$shared/identify.xml
        export BODY
        bench ceiling "$ceiling_pid" "$ceiling_url" -s "$post_lua"
        bench https-identify "$winrmd_pid" "$winrmd_url" -s "$post_lua"
        alive "HTTPS Identify load, round $round"
        BODY=$get_xml
        bench https-get "$winrmd_pid" "$winrmd_url" -s "$post_lua"
        alive "HTTPS Get load, round $round"
        bench http-get "$winrmd_pid" "$http_url" -s "$post_lua"
        alive "HTTP Get load, round $round"
        BODY=$shared/identify.xml
        preload=$noresume
        bench full-winrmd "$winrmd_pid" "$winrmd_url" -s "$post_lua" -H "$close"
        alive "handshake load, round $round"
        bench full-nginx "$nginx_worker" "$nginx_url" -H "$close"
        preload=
        bench resumed-winrmd "$winrmd_pid" "$winrmd_url" -s "$post_lua" -H "$close"
        alive "resumed handshake load, round $round"
        bench resumed-nginx "$nginx_worker" "$nginx_url" -H "$close"
        c=$(last ceiling)
        i=$(ratio "$(last https-identify)" "$c")
        g=$(ratio "$(last https-get)" "$c")
        t=$(ratio "$(last https-get)" "$(last http-get)")
        h=$(ratio "$(last full-winrmd)" "$(last full-nginx)")
        r=$(ratio "$(last resumed-winrmd)" "$(last resumed-nginx)")
        hc=$(ratio "$(last full-winrmd cap)" "$(last full-nginx cap)")
        rc=$(ratio "$(last resumed-winrmd cap)" "$(last resumed-nginx cap)")
        echo "$i" >>"$tmp/identify.ratio"
        echo "$g" >>"$tmp/get.ratio"
        echo "$t" >>"$tmp/tls.ratio"
        echo "$h" >>"$tmp/full.ratio"
        echo "$r" >>"$tmp/resumed.ratio"
        echo "$hc" >>"$tmp/full-cap.ratio"
        echo "$rc" >>"$tmp/resumed-cap.ratio"
        echo "  ratios this round: HTTPS Identify/ceiling $i, HTTPS Get/ceiling $g, HTTPS Get/HTTP Get $t;" \
                "handshakes winrmd/nginx: full $h ($hc per CPU-s), resumed $r ($rc per CPU-s)"
        round=$((round + 1))
done
ceiling_rps=$(median "$tmp/ceiling.rps")
identify_rps=$(median "$tmp/https-identify.rps")
get_rps=$(median "$tmp/https-get.rps")
hget_rps=$(median "$tmp/http-get.rps")
fullw_rps=$(median "$tmp/full-winrmd.rps")
fulln_rps=$(median "$tmp/full-nginx.rps")
resw_rps=$(median "$tmp/resumed-winrmd.rps")
resn_rps=$(median "$tmp/resumed-nginx.rps")
identify_ratio=$(ratio "$identify_rps" "$ceiling_rps")
get_ratio=$(ratio "$get_rps" "$ceiling_rps")
full_ratio=$(ratio "$fullw_rps" "$fulln_rps")
res_ratio=$(ratio "$resw_rps" "$resn_rps")
identify_rratio=$(median2 "$tmp/identify.ratio")
get_rratio=$(median2 "$tmp/get.ratio")
hget_ratio=$(ratio "$hget_rps" "$ceiling_rps")
tls_rratio=$(median2 "$tmp/tls.ratio")
full_rratio=$(median2 "$tmp/full.ratio")
res_rratio=$(median2 "$tmp/resumed.ratio")
fullw_cap=$(median "$tmp/full-winrmd.cap")
fulln_cap=$(median "$tmp/full-nginx.cap")
resw_cap=$(median "$tmp/resumed-winrmd.cap")
resn_cap=$(median "$tmp/resumed-nginx.cap")
full_cratio=$(median2 "$tmp/full-cap.ratio")
res_cratio=$(median2 "$tmp/resumed-cap.ratio")
rss_after=$(rss "$winrmd_pid")
[ "$(tls_post "$winrmd_url" "$get_xml" -u bench:bench)" = 200 ] ||
        { errors=$((errors + 1)); echo "$me: winrmd's Get failed after the load" >&2; }

log_warnings                            # KEEP_LOG; warnings: their count since log_mark

# --- summary -----------------------------------------------------------------------
echo
echo "== summary (medians of $rounds rounds, wrk -t$threads -c$connections -d$duration, 127.0.0.1, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "TLS: winrmd $winrmd_tls; nginx $nginx_tls (same: $tls_same); $key_type certificate"
printf '%-46s %12s %8s %10s\n' "measure" "value" "ratio" "target"
printf '%-46s %12s %8s %10s\n' "ceiling (evhttp, plain HTTP, keep-alive) req/s" "$ceiling_rps" "1.00" ""
printf '%-46s %12s %8s %10s\n' "winrmd HTTPS Identify, Basic, keep-alive req/s" "$identify_rps" "$identify_ratio" ""
printf '%-46s %12s %8s %10s\n' "winrmd HTTPS Get config, Basic, keep-alive" "$get_rps" "$get_ratio" ">= 0.50"
printf '%-46s %12s %8s %10s\n' "  median of per-round ratios: Identify" "" "$identify_rratio" ""
printf '%-46s %12s %8s %10s\n' "  median of per-round ratios: Get" "" "$get_rratio" ">= 0.50"
printf '%-46s %12s %8s %10s\n' "winrmd plain-HTTP Get config (context)" "$hget_rps" "$hget_ratio" ""
printf '%-46s %12s %8s %10s\n' "  median of per-round HTTPS Get / HTTP Get" "" "$tls_rratio" ""
printf '%-46s %12s %8s %10s\n' "nginx full TLS handshakes/s (static file)" "$fulln_rps" "1.00" ""
printf '%-46s %12s %8s %10s\n' "winrmd full TLS handshakes/s (Identify)" "$fullw_rps" "$full_ratio" ">= 0.80"
printf '%-46s %12s %8s %10s\n' "  median of per-round ratios: full" "" "$full_rratio" ">= 0.80"
printf '%-46s %12s %8s %10s\n' "  per server CPU-second: nginx" "$fulln_cap" "1.00" ""
printf '%-46s %12s %8s %10s\n' "  per server CPU-second: winrmd" "$fullw_cap" "" ""
printf '%-46s %12s %8s %10s\n' "  median of per-round ratios per CPU-second" "" "$full_cratio" ">= 0.80"
printf '%-46s %12s %8s %10s\n' "nginx resumed TLS handshakes/s" "$resn_rps" "1.00" ""
printf '%-46s %12s %8s %10s\n' "winrmd resumed TLS handshakes/s" "$resw_rps" "$res_ratio" ""
printf '%-46s %12s %8s %10s\n' "  median of per-round ratios: resumed" "" "$res_rratio" ""
printf '%-46s %12s %8s %10s\n' "  per server CPU-second: nginx" "$resn_cap" "1.00" ""
printf '%-46s %12s %8s %10s\n' "  per server CPU-second: winrmd" "$resw_cap" "" ""
printf '%-46s %12s %8s %10s\n' "  median of per-round ratios per CPU-second" "" "$res_cratio" ""
printf '%-46s %12s %8s %10s\n' "RSS after start, no request yet (KiB)" "$rss_start" "" ""
printf '%-46s %12s %8s %10s\n' "RSS idle after the first requests (KiB)" "$rss_idle" "" ""
printf '%-46s %12s %8s %10s\n' "RSS, $idle_conns TCP conns, no ClientHello (KiB)" "$rss_silent" "" ""
printf '%-46s %12s %8s %10s\n' "RSS, $idle_conns idle TLS conns (KiB)" "$rss_keep" "" ""
printf '%-46s %12s %8s %10s\n' "KiB per connection before its handshake" "$per_silent" "" ""
printf '%-46s %12s %8s %10s\n' "KiB per idle TLS connection" "$per_keep" "" "< 40"
printf '%-46s %12s %8s %10s\n' "RSS after the load runs (KiB)" "$rss_after" "" ""
echo "idle RSS: $rss_idle_detail"
echo "connection test: $conns_ok;" \
        "wrk runs with errors or non-2xx: $errors; winrmd log lines with warn/error: $warnings"
[ "$errors" -eq 0 ] && [ "$conns_ok" != NO ] || exit 1
