# lib.sh - the helpers run.sh, https.sh and shell.sh share (POSIX sh).
#
# Sourced, not run: a script sets `me` (its name, for messages) and `here`
# (this folder), then `. "$here/lib.sh"`. Sourcing sets only
#   repo      the repository (this folder's parent)
#   py        /usr/bin/python3
# and defines the functions below; nothing else runs. The functions read the
# script's variables when they are called: most need `tmp`, the run's
# temporary folder (mktemp -d). What a function "sets" is a global variable
# (sh has no other kind), and so are its working variables (n, tries, rc,
# conf, base...): a script keeps none of its own in those names across a call.
#
# Processes and files
#   die MSG...        prints "$me: MSG..." on stderr and exits 1
#   stop PID          TERM, then KILL after 5 s, and reaps PID; nothing for
#                     an empty PID or one already gone (for the EXIT trap)
#   remove_tmp        the end of each script's cleanup: removes $tmp, or with
#                     KEEP_TMP set keeps it and prints "kept $tmp"
#   job OUT CMD...    runs CMD in the background with its stdout and stderr
#                     in the file OUT and waits for it, so that INT and TERM
#                     interrupt the wait at once; sets job_pid while it runs
#                     (the cleanup stops it), returns CMD's status
#   rss PID           VmRSS of PID in KiB
#   rss_detail PID    "anon A KiB, file-backed F KiB, Pss P KiB" of PID
#   free_port         a free 127.0.0.1 TCP port (bound and released by $py)
#   raise_nofile      ulimit -n to 4096 when lower (1,000 connections need as
#                     many descriptors in the client and in the daemon, which
#                     raises its own soft limit); a warning when it cannot
#   wrk_duration      sets dsec, $duration (10s, 2m, 1h or a bare number) in
#                     seconds, to bound each wrk run; dies if it is neither
#
# HTTP
#   post URL BODY [CURL-ARG...]      prints the HTTP status of one SOAP POST
#                     of the file BODY (5 s at most); the reply is in
#                     $tmp/post.out
#   tls_post URL BODY [CURL-ARG...]  the same over HTTPS, trusting $cert
#
# The shared ceiling (run.sh, https.sh)
#   find_shared       sets shared, the shared bench folder ($SHARED_BENCH,
#                     default ../../shared/bench from here) as an absolute
#                     path; dies if it lacks ceiling.c, Makefile, post.lua or
#                     identify.xml
#   start_ceiling     builds the ceiling from $shared into $tmp/ceiling-build
#                     and starts it with the credentials bench:bench on a free
#                     port (another one, up to 5, if that port was taken
#                     meanwhile); checks 200 for them and 401 for a wrong
#                     password; sets ceiling_pid, ceiling_port, ceiling_url
#
# winrmd: build, accounts, certificate, start
#   find_build        sets build, the winrmd build folder ($WINRMD_BUILD,
#                     default build/ in the repository) as an absolute path;
#                     configures and builds there when it holds no winrmd or
#                     providers/, runs make first with REBUILD=1; logs in
#                     $tmp/configure.log and $tmp/make.log
#   dpkg_find PACKAGE FILE  the path of FILE as installed by PACKAGE
#   find_wrappers     sets pam_wrapper, pam_matrix and nss_wrapper (libpam-
#                     wrapper, libnss-wrapper); status 1 if one is missing
#   write_accounts HOME SHELL  the account bench/bench known only to
#                     pam_wrapper and nss_wrapper: sets acct=$tmp/accounts
#                     and writes there passdb (bench:bench), pam.d/winrmd
#                     (auth and account through $pam_matrix), passwd (root;
#                     bench, uid 42001, with HOME and SHELL; winrmd, 42050)
#                     and group; sets winrmd_user ($WINRMD_USER, default
#                     winrmd: the --user of the network process, an account
#                     of these files) and makes $tmp 0711 so that it reaches
#                     its state and these files
#   make_cert KEY_TYPE  a self-signed certificate (ecdsa: P-256, rsa: 2048
#                     bits) for localhost and 127.0.0.1 in the existing
#                     $state: sets cert ($state/certs/bench.pem), key
#                     (bench.key, mode 600) and thumb (its SHA-1); template
#                     in $tmp/cert.tmpl
#   start_winrmd [ARG...]  starts winrmd --foreground --state-dir $state
#                     --plugin-dir $build/providers --user $winrmd_user ARG...
#                     in the background, preloading $pam_wrapper and
#                     $nss_wrapper with the files of $acct (no systemd
#                     variables), stdout and stderr in $tmp/winrmd.log, the
#                     whole command behind $privtmp when that is set (a
#                     command prefix: shell.sh's private /tmp); sets
#                     winrmd_pid
#   start_winrmd_https [ARG...] <CONF  writes CONF (standard input) and an
#                     HTTPS listener record (127.0.0.1, a free port, url
#                     prefix wsman, hostname localhost, certificate $thumb)
#                     as $state/winrmd.conf, starts winrmd with ARG...
#                     (start_winrmd) and waits, 10 s at most, until it logs
#                     that listener bound and "ready"; another port (up to
#                     5) if winrmd says it is taken; sets winrmd_port,
#                     winrmd_url and winrmd_pid
#   logged_http_port  the port of winrmd's first plain-HTTP listener as its
#                     log says ("listening on http://127.0.0.1:PORT/"), or
#                     nothing
#   alive WHAT        dies with the last 40 lines of winrmd's log if
#                     $winrmd_pid has ended ("winrmd died (WHAT)")
#   conns_test [ARG...]  conns.py ARG... $winrmd_pid $winrmd_port
#                     $idle_conns $shared/identify.xml (120 s at most), its
#                     lines indented (output in $tmp/conns.out); sets
#                     conns_ok (yes or NO), base, rss_silent, rss_keep (KiB)
#                     and per_silent, per_keep (KiB per connection, two
#                     decimals, - if conns.py gave no figure)
#   log_warnings [SED]  prints winrmd's log ($tmp/winrmd.log) with KEEP_LOG
#                     set; sets warnings, the count of its lines with
#                     warn/error/crit/fatal after line $log_mark, and prints
#                     the 10 most common kinds of them, each line rewritten
#                     by SED first (default 's/[0-9][0-9]*/N/g': numbers N)
#
# Figures
#   median FILE       median of the numbers in FILE, no decimals
#   median2 FILE      the same with two decimals (ratios, milliseconds); -
#                     for an empty or missing file
#   ratio A B         A / B with two decimals; - if either is empty or -,
#                     or B is 0
#   last NAME [EXT]   the last line of $tmp/NAME.EXT (EXT: rps), or nothing
#
# shellcheck shell=sh disable=SC2034,SC2154
# (SC2034, SC2154: the variables above are the scripts', set or read there)

repo=$(cd "$here/.." && pwd)
py=/usr/bin/python3

# --- processes and files ---------------------------------------------------------
die() { echo "$me: $*" >&2; exit 1; }

stop() {
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

remove_tmp() {
        if [ -n "${KEEP_TMP:-}" ]; then
                echo "kept $tmp"
        else
                rm -rf "$tmp"
        fi
}

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

raise_nofile() {
        if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
                ulimit -n 4096 2>/dev/null || echo "$me: warning: cannot raise ulimit -n" \
                        "above $(ulimit -n); the connection test may fail" >&2
        fi
}

wrk_duration() {
        case $duration in
        *s) dsec=${duration%s} ;;
        *m) dsec=$((${duration%m} * 60)) ;;
        *h) dsec=$((${duration%h} * 3600)) ;;
        *) dsec=$duration ;;
        esac
        case $dsec in ''|*[!0-9]*) die "DURATION must look like 10s, 2m or 1h" ;; esac
}

# --- HTTP ------------------------------------------------------------------------
post() {
        url=$1 body=$2
        shift 2
        curl -s -m 5 -o "$tmp/post.out" -w '%{http_code}' "$@" \
                -H 'Content-Type: application/soap+xml;charset=UTF-8' \
                --data-binary @"$body" "$url" || true
}

tls_post() { post "$@" --cacert "$cert"; }

# --- the shared ceiling -------------------------------------------------------------
find_shared() {
        shared=${SHARED_BENCH:-$here/../../shared/bench}
        for f in ceiling.c Makefile post.lua identify.xml; do
                [ -f "$shared/$f" ] || die "no $f in $shared (set SHARED_BENCH)"
        done
        shared=$(cd "$shared" && pwd)
}

start_ceiling() {
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
                stop "$ceiling_pid"     # the port was taken meanwhile: another one
                ceiling_pid=
                tries=$((tries + 1))
                [ "$tries" -lt 5 ] || die "the ceiling did not start: $(cat "$tmp/ceiling.err")"
        done
        ceiling_url="http://127.0.0.1:$ceiling_port/wsman"
        [ "$(post "$ceiling_url" "$shared/identify.xml" -u bench:wrong)" = 401 ] ||
                die "the ceiling accepted a wrong password"
        echo "ceiling: pid $ceiling_pid on $ceiling_url"
}

# --- winrmd: build, accounts, certificate, start ----------------------------------
find_build() {
        build=${WINRMD_BUILD:-$repo/build}
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
}

dpkg_find() {
        dpkg -L "$1" 2>/dev/null | while read -r f; do
                [ "${f##*/}" = "$2" ] && [ -f "$f" ] && { echo "$f"; break; }
        done
}

find_wrappers() {
        pam_wrapper=$(dpkg_find libpam-wrapper libpam_wrapper.so)
        pam_matrix=$(dpkg_find libpam-wrapper pam_matrix.so)
        nss_wrapper=$(dpkg_find libnss-wrapper libnss_wrapper.so)
        [ -n "$pam_wrapper" ] && [ -n "$pam_matrix" ] && [ -n "$nss_wrapper" ]
}

write_accounts() {
        acct=$tmp/accounts
        mkdir -p "$acct/pam.d"
        echo "bench:bench:winrmd" >"$acct/passdb"
        cat >"$acct/pam.d/winrmd" <<EOF
auth required $pam_matrix passdb=$acct/passdb
account required $pam_matrix passdb=$acct/passdb
EOF
        cat >"$acct/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
bench:x:42001:42001:winrmd bench:$1:$2
winrmd:x:42050:42050:winrmd service:/nonexistent:/usr/sbin/nologin
EOF
        cat >"$acct/group" <<EOF
root:x:0:
bench:x:42001:
winrmd:x:42050:
EOF
        winrmd_user=${WINRMD_USER:-winrmd}
        chmod 0711 "$tmp"
}

make_cert() {
        mkdir -m 700 "$state/certs"
        cert=$state/certs/bench.pem
        key=$state/certs/bench.key
        case $1 in
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
}

start_winrmd() {
        ${privtmp:-} env LD_PRELOAD="$pam_wrapper $nss_wrapper" PAM_WRAPPER=1 \
                PAM_WRAPPER_SERVICE_DIR="$acct/pam.d" \
                NSS_WRAPPER_PASSWD="$acct/passwd" NSS_WRAPPER_GROUP="$acct/group" \
                NOTIFY_SOCKET= LISTEN_FDS= LISTEN_PID= \
                "$build/winrmd" --foreground --state-dir "$state" --plugin-dir "$build/providers" \
                --user "$winrmd_user" "$@" </dev/null >"$tmp/winrmd.log" 2>&1 &
        winrmd_pid=$!
}

# shellcheck disable=SC2120
start_winrmd_https() {
        conf=$(cat)
        tries=0
        while :; do
                winrmd_port=$(free_port)
                { printf '%s\n' "$conf"
                  echo "listener = address=IP:127.0.0.1 transport=HTTPS port=$winrmd_port enabled=true hostname=localhost url_prefix=wsman thumbprint=$thumb"
                } >"$state/winrmd.conf"
                start_winrmd "$@"
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
                stop "$winrmd_pid"      # the port was taken meanwhile: another one
                winrmd_pid=
                tries=$((tries + 1))
                [ "$tries" -lt 5 ] || { cat "$tmp/winrmd.log" >&2; die "winrmd did not bind its HTTPS listener"; }
        done
        winrmd_url="https://127.0.0.1:$winrmd_port/wsman"
}

logged_http_port() {
        sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$tmp/winrmd.log" | head -n 1
}

alive() {
        kill -0 "$winrmd_pid" 2>/dev/null ||
                { tail -40 "$tmp/winrmd.log" >&2; die "winrmd died ($1)"; }
}

# shellcheck disable=SC2120
conns_test() {
        conns_ok=yes
        job "$tmp/conns.out" timeout 120 "$py" "$here/conns.py" "$@" "$winrmd_pid" \
                "$winrmd_port" "$idle_conns" "$shared/identify.xml" || conns_ok=NO
        sed 's/^/  /' "$tmp/conns.out"
        alive "connection test"
        base=$(conns_value rss_before)
        rss_silent=$(conns_value rss_silent)
        rss_keep=$(conns_value rss_keepalive)
        per_silent=$(kib_per "$rss_silent")
        per_keep=$(kib_per "$rss_keep")
}
conns_value() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/conns.out"; }
kib_per() { # kib_per RSS: (RSS - base) / idle_conns, two decimals
        [ -n "$1" ] && [ -n "$base" ] || { echo -; return; }
        awk -v a="$1" -v b="$base" -v n="$idle_conns" 'BEGIN { printf "%.2f", (a - b) / n }'
}

# shellcheck disable=SC2120
log_warnings() {
        if [ "${KEEP_LOG:-0}" != 0 ]; then
                echo "== winrmd's stderr"
                cat "$tmp/winrmd.log"
        fi
        warnings=$(tail -n +"$((log_mark + 1))" "$tmp/winrmd.log" | grep -c -i -E 'warn|error|crit|fatal' || true)
        if [ "$warnings" -gt 0 ]; then
                echo "== winrmd's warnings and errors during the tests (first 10 kinds)"
                tail -n +"$((log_mark + 1))" "$tmp/winrmd.log" | grep -i -E 'warn|error|crit|fatal' |
                        sed "${1:-s/[0-9][0-9]*/N/g}" | sort | uniq -c | sort -rn | head -10
        fi
}

# --- figures -----------------------------------------------------------------------
median() {
        sort -g "$1" | awk '{ v[NR] = $1 }
                END { if (NR % 2) printf "%.0f", v[(NR + 1) / 2];
                      else printf "%.0f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

median2() {
        [ -s "$1" ] || { printf -; return; }
        sort -g "$1" | awk '{ v[NR] = $1 }
                END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2];
                      else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a == "-" || b == "" || b == "-" || b == 0) printf "-"; else printf "%.2f", a / b }'; }

last() { tail -n 1 "$tmp/$1.${2:-rps}" 2>/dev/null || true; }
