#!/bin/sh
# Installs every Debian 12 package winrmd needs to build, run and test, and
# what bench/ uses (wrk, openssl, and nginx-light as the HTTPS reference of
# bench/https.sh).
# Quiet unless something fails (then apt's whole output is shown).
set -e
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# nginx is only started by bench/https.sh, on its own loopback port: when
# this script is what installs it, the service the package starts and
# enables (port 80) is stopped and disabled again.
had_nginx=$(dpkg-query -W -f='${Status}' nginx-common 2>/dev/null || true)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        build-essential autoconf automake libtool pkg-config \
        libevent-dev libhttp-parser-dev libgnutls28-dev gnutls-bin nettle-dev libxml2-dev libxml2-utils uuid-dev \
        libpam0g-dev libpam-wrapper libnss-wrapper libpam-modules check \
        python3 python3-winrm python3-lxml golang-go golang-github-masterzen-winrm-dev \
        curl valgrind clang libclang-rt-14-dev \
        iproute2 procps util-linux wrk mandoc sslscan nginx-light openssl; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "deps.sh: installing the packages failed (above)" >&2
        exit 1
fi
case $had_nginx in
*" installed") ;;
*)
        if [ -d /run/systemd/system ]; then
                systemctl disable --now nginx.service >/dev/null 2>&1 || true
        else
                { /etc/init.d/nginx stop; update-rc.d nginx disable
                  deb-systemd-helper disable nginx.service; } >/dev/null 2>&1 || true
        fi
        ;;
esac
