#!/bin/sh
# Regenerates the build system from configure.ac and Makefile.am; quiet
# unless something fails (then autoreconf's whole output is shown).
set -e
cd "$(dirname "$0")"
mkdir -p build-aux
log=$(mktemp)
if ! autoreconf -fi >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        exit 1
fi
rm -f "$log"
