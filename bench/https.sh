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
repo=$(cd "$here/.." && pwd)
shared=${SHARED_BENCH:-$here/../../shared/bench}
build=${WINRMD_BUILD:-$repo/build}
duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-16}
threads=${THREADS:-1}
idle_conns=${IDLE_CONNS:-1000}
key_type=${KEY_TYPE:-ecdsa}
py=/usr/bin/python3

die() { echo "$me: $*" >&2; exit 1; }

for tool in cc make pkg-config curl wrk dpkg timeout certtool openssl; do
        command -v "$tool" >/dev/null || die "$tool missing (apt-get install -y" \
                "build-essential pkg-config libevent-dev curl wrk gnutls-bin openssl nginx-light)"
done
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || die "nginx missing (apt-get install -y nginx-light)"
[ -x "$py" ] || die "$py missing"
for f in ceiling.c Makefile post.lua identify.xml; do
        [ -f "$shared/$f" ] || die "no $f in $shared (set SHARED_BENCH)"
done
[ -f "$here/tls-noresume.c" ] && [ -f "$here/conns.py" ] || die "tls-noresume.c or conns.py missing in $here"
shared=$(cd "$shared" && pwd)
case $rounds in ''|*[!0-9]*|0) die "ROUNDS must be a positive integer" ;; esac
case $idle_conns in ''|*[!0-9]*) die "IDLE_CONNS must be an integer" ;; esac
case $key_type in ecdsa|rsa) ;; *) die "KEY_TYPE must be ecdsa or rsa" ;; esac
case $duration in
*s) dsec=${duration%s} ;;
*m) dsec=$((${duration%m} * 60)) ;;
*h) dsec=$((${duration%h} * 3600)) ;;
*) dsec=$duration ;;
esac
case $dsec in ''|*[!0-9]*) die "DURATION must look like 10s, 2m or 1h" ;; esac

if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
        ulimit -n 4096 2>/dev/null || echo "$me: warning: cannot raise ulimit -n" \
                "above $(ulimit -n); the connection test may fail" >&2
fi

# --- cleanup ---------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/winrmd-https-bench.XXXXXX")
ceiling_pid=
winrmd_pid=
nginx_pid=
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
        stop "$nginx_pid"
        nginx_pid=
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
rss_detail() {
        pss=$(awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || true)
        awk -v pss="${pss:--}" '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
                END { printf "anon %s KiB, file-backed %s KiB, Pss %s KiB\n", a, f, pss }' "/proc/$1/status"
}
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

# --- the ceiling -----------------------------------------------------------------
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
# wrk resumes the TLS session of a slot's last connection; this makes it not
noresume=$tmp/tls-noresume.so
cc -shared -fPIC -o "$noresume" "$here/tls-noresume.c" -ldl || die "cannot build tls-noresume.so"

# --- winrmd's build, accounts and state ---------------------------------------------
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

# The certificate both servers serve: self-signed, for localhost and 127.0.0.1.
state=$tmp/state
mkdir -m 700 "$state" "$state/certs"
cert=$state/certs/bench.pem
key=$state/certs/bench.key
case $key_type in
ecdsa) certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$key" 2>/dev/null ;;
rsa) certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$key" 2>/dev/null ;;
esac
chmod 600 "$key"
cat >"$tmp/cert.tmpl" <<EOF
cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"
expiration_days = 30
tls_www_server
signing_key
EOF
certtool --generate-self-signed --load-privkey "$key" --template "$tmp/cert.tmpl" \
        --outfile "$cert" 2>/dev/null || die "certtool could not make the certificate"
thumb=$(certtool --certificate-info --infile "$cert" 2>/dev/null |
        sed -n 's/^[[:space:]]*sha1:\([0-9a-f]*\)$/\1/p' | head -1)
[ ${#thumb} = 40 ] || die "no SHA-1 thumbprint for $cert"

# The Get of wsman:microsoft.com/wsman/2005/06/config, as a client sends it
get_xml=$tmp/get.xml
cat >"$get_xml" <<'EOF'
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:To>https://127.0.0.1/wsman</a:To><a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><w:MaxEnvelopeSize s:mustUnderstand="true">153600</w:MaxEnvelopeSize><a:MessageID>uuid:6C1A2B3D-4E5F-4A6B-9C7D-8E9F0A1B2C3D</a:MessageID><w:Locale xml:lang="en-US" s:mustUnderstand="false"/><w:OperationTimeout>PT20S</w:OperationTimeout><w:ResourceURI s:mustUnderstand="true">wsman:microsoft.com/wsman/2005/06/config</w:ResourceURI><a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action></s:Header><s:Body/></s:Envelope>
EOF

# --- winrmd, one HTTPS listener (and plain HTTP, to tell what TLS costs) -------------
echo "== starting winrmd ($build), HTTPS listener with certificate $thumb ($key_type)"
tries=0
while :; do
        winrmd_port=$(free_port)
        # plain HTTP for the comparison run only; auth_cache_ms as in run.sh
        cat >"$state/winrmd.conf" <<EOF
service.allow_unencrypted = true
service.plain_schemes = basic
service.max_connections = 1000
service.auth_cache_ms = 3600000
service.root_sddl = O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)
listener = address=IP:127.0.0.1 transport=HTTPS port=$winrmd_port enabled=true hostname=localhost url_prefix=wsman thumbprint=$thumb
EOF
        env LD_PRELOAD="$pam_wrapper $nss_wrapper" PAM_WRAPPER=1 \
                PAM_WRAPPER_SERVICE_DIR="$acct/pam.d" \
                NSS_WRAPPER_PASSWD="$acct/passwd" NSS_WRAPPER_GROUP="$acct/group" \
                NOTIFY_SOCKET= LISTEN_FDS= LISTEN_PID= \
                "$build/winrmd" --foreground --state-dir "$state" --plugin-dir "$build/providers" \
                --user "$winrmd_user" --listen 127.0.0.1:0 </dev/null >"$tmp/winrmd.log" 2>&1 &
        winrmd_pid=$!
        n=0
        bound=
        while [ "$n" -lt 100 ]; do
                kill -0 "$winrmd_pid" 2>/dev/null || break
                if grep -q "listener https://127\.0\.0\.1:$winrmd_port/wsman bound" "$tmp/winrmd.log" &&
                        grep -q 'info: ready' "$tmp/winrmd.log"; then
                        bound=1
                        break
                fi
                grep -q "port $winrmd_port: .*retrying" "$tmp/winrmd.log" && break
                n=$((n + 1))
                sleep 0.1
        done
        [ -z "$bound" ] || break
        stop "$winrmd_pid"              # the port was taken meanwhile: another one
        winrmd_pid=
        tries=$((tries + 1))
        [ "$tries" -lt 5 ] || { cat "$tmp/winrmd.log" >&2; die "winrmd did not bind its HTTPS listener"; }
done
winrmd_url="https://127.0.0.1:$winrmd_port/wsman"
http_port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$tmp/winrmd.log" | head -n 1)
[ -n "$http_port" ] || { cat "$tmp/winrmd.log" >&2; die "winrmd logged no plain-HTTP listener"; }
http_url="http://127.0.0.1:$http_port/wsman"
sleep 0.5
rss_start=$(rss "$winrmd_pid")
tls_post() { post "$@" --cacert "$cert"; }
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

alive() {
        kill -0 "$winrmd_pid" 2>/dev/null ||
                { tail -40 "$tmp/winrmd.log" >&2; die "winrmd died ($1)"; }
}

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
        conns_ok=yes
        job "$tmp/conns.out" timeout 120 "$py" "$here/conns.py" --tls "$cert" "$winrmd_pid" \
                "$winrmd_port" "$idle_conns" "$shared/identify.xml" || conns_ok=NO
        sed 's/^/  /' "$tmp/conns.out"
        alive "connection test"
        val() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/conns.out"; }
        base=$(val rss_before)
        rss_silent=$(val rss_silent)
        rss_keep=$(val rss_keepalive)
        kib_per() {
                [ -n "$1" ] && [ -n "$base" ] || { echo -; return; }
                awk -v a="$1" -v b="$base" -v n="$idle_conns" 'BEGIN { printf "%.2f", (a - b) / n }'
        }
        per_silent=$(kib_per "$rss_silent")
        per_keep=$(kib_per "$rss_keep")
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
median() {
        sort -g "$1" | awk '{ v[NR] = $1 }
                END { if (NR % 2) printf "%.0f", v[(NR + 1) / 2];
                      else printf "%.0f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
median2() {
        sort -g "$1" | awk '{ v[NR] = $1 }
                END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2];
                      else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
last() { tail -n 1 "$tmp/$1.${2:-rps}"; }

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
