#!/bin/sh
# run-replay.sh - runs every fuzz target, built against replay_main.c, over
# its committed corpus tests/fuzz/corpus/<target>/ (inputs found by fuzzing
# stay there as regressions).  One test per target; ends with the line
# "N passed, N failed" and exits non-zero when one failed.
#
# Environment (exported by make check): WINRMD_BUILDDIR, WINRMD_SRCDIR.
# WINRMD_TEST_VALGRIND=1 runs each target under valgrind.

set -u

me=run-replay.sh
if [ -z "${WINRMD_SRCDIR:-}" ]; then
        WINRMD_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
fi
# the serial test driver runs us from the top build directory
if [ -z "${WINRMD_BUILDDIR:-}" ] && [ -x ./tests/fuzz/fuzz_envelope ]; then
        WINRMD_BUILDDIR=$(pwd)
fi
if [ -z "${WINRMD_BUILDDIR:-}" ]; then
        echo "$me: SKIP: WINRMD_BUILDDIR is not set (run through make check)" >&2
        exit 77
fi

targets="envelope auth_header listener_key sddl trace config http_parse writer cli_args http_reply"
passed=0
failed=0
for t in $targets; do
        bin=$WINRMD_BUILDDIR/tests/fuzz/fuzz_$t
        corpus=$WINRMD_SRCDIR/tests/fuzz/corpus/$t
        if [ ! -x "$bin" ]; then
                echo "FAIL: fuzz_$t: $bin is not built"
                failed=$((failed + 1))
                continue
        fi
        if [ ! -d "$corpus" ]; then
                echo "FAIL: fuzz_$t: no corpus $corpus"
                failed=$((failed + 1))
                continue
        fi
        if [ "${WINRMD_TEST_VALGRIND:-0}" = 1 ]; then
                set -- valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$bin" "$corpus"
        else
                set -- "$bin" "$corpus"
        fi
        if out=$("$@" 2>&1); then
                echo "PASS: fuzz_$t: ${out##*: }"
                passed=$((passed + 1))
        else
                echo "FAIL: fuzz_$t (exit $?):"
                printf '%s\n' "$out" | tail -n 30
                failed=$((failed + 1))
        fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
