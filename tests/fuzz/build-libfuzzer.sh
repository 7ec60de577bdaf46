#!/bin/sh
# build-libfuzzer.sh - builds the fuzz targets with clang's libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer (see README.md).
#
#   tests/fuzz/build-libfuzzer.sh [target...]     (default: every target)
#
# Environment:
#   BUILDDIR  a configured build directory, for its autoconfig.h
#             (default: the current directory)
#   OUT       where the binaries go (default: $BUILDDIR/fuzz-out)
#   CC        a clang with libFuzzer (default: clang)
#   AR        the archiver for cli/'s objects (default: ar)
#   EXTRA_CFLAGS  added to every compile (e.g. -fsanitize=memory instead)

set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
BUILDDIR=${BUILDDIR:-$(pwd)}
OUT=${OUT:-$BUILDDIR/fuzz-out}
CC=${CC:-clang}
EXTRA_CFLAGS=${EXTRA_CFLAGS:-}

if [ ! -f "$BUILDDIR/autoconfig.h" ]; then
        echo "build-libfuzzer.sh: no autoconfig.h in $BUILDDIR: run it from a configured build directory or set BUILDDIR" >&2
        exit 1
fi
if [ $# -eq 0 ]; then
        set -- envelope auth_header listener_key sddl trace config http_parse writer cli_args http_reply
fi

pkgs="libxml-2.0 libevent nettle uuid gnutls"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cflags="-std=c11 -g -O1 -Wall -Wextra -Wno-unused-parameter $san $EXTRA_CFLAGS
        -I$BUILDDIR -I$top -I$top/include -I$top/core -DPROVIDERDIR=\"/nonexistent\" -DWINRMD_VERSION=\"fuzz\"
        $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lpam -ldl -lhttp_parser"

# the core (everything but main.c), instrumented for coverage, built once
mkdir -p "$OUT/obj"
objs=
for src in "$top"/core/*.c; do
        name=$(basename "$src" .c)
        [ "$name" = main ] && continue
        obj=$OUT/obj/$name.o
        if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$0" -nt "$obj" ]; then
                echo "  CC      $name.c"
                # shellcheck disable=SC2086
                $CC $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
        fi
        objs="$objs $obj"
done

# the winrm command's library (everything but winrm.c), an archive as in
# the Makefile, so that a target links only the members it uses: for the
# targets of cli/ code, fuzz_cli_args and fuzz_http_reply
cli_objs=
for src in "$top"/cli/*.c; do
        name=$(basename "$src" .c)
        [ "$name" = winrm ] && continue
        obj=$OUT/obj/cli-$name.o
        if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$0" -nt "$obj" ]; then
                echo "  CC      cli/$name.c"
                # shellcheck disable=SC2086
                $CC $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
        fi
        cli_objs="$cli_objs $obj"
done
rm -f "$OUT/obj/libwinrmcli.a"
# shellcheck disable=SC2086
${AR:-ar} rcs "$OUT/obj/libwinrmcli.a" $cli_objs

for t in "$@"; do
        src=$top/tests/fuzz/fuzz_$t.c
        if [ ! -f "$src" ]; then
                echo "build-libfuzzer.sh: no target $t ($src)" >&2
                exit 1
        fi
        echo "  CCLD    fuzz_$t"
        case $t in
        cli_args | http_reply) link=$OUT/obj/libwinrmcli.a ;;
        *) link=$objs ;;
        esac
        # shellcheck disable=SC2086
        $CC $cflags -fsanitize=fuzzer "$src" $link $libs -o "$OUT/fuzz_$t"
done
echo "built in $OUT: $(for t in "$@"; do printf 'fuzz_%s ' "$t"; done)"
