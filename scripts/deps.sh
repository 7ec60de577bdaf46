#!/bin/sh
# Installs every Debian 12 package winrmd needs to build, run and test.
# Quiet unless something fails (then apt's whole output is shown).
set -e
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        build-essential autoconf automake libtool pkg-config \
        libevent-dev libhttp-parser-dev libgnutls28-dev gnutls-bin nettle-dev libxml2-dev libxml2-utils uuid-dev \
        libpam0g-dev libpam-wrapper libnss-wrapper libpam-modules check \
        python3 python3-winrm python3-lxml curl valgrind clang libclang-rt-14-dev \
        iproute2 procps util-linux wrk mandoc; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "deps.sh: installing the packages failed (above)" >&2
        exit 1
fi
