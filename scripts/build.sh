#!/bin/sh
# Builds winrmd out of tree in ${BUILD:-build}; extra arguments go to configure.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] || ./autogen.sh >/dev/null
mkdir -p "$build"
cd "$build"
"$top/configure" --enable-werror --prefix="${PREFIX:-/usr/local}" --sysconfdir=/etc "$@" >/dev/null
make -j"$(nproc)" >/dev/null
echo "built in $build"
