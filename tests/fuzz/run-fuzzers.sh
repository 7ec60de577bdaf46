#!/bin/sh
# run-fuzzers.sh - builds every fuzz target with libFuzzer, ASan and UBSan
# (build-libfuzzer.sh) and runs each for FUZZ_SECONDS (default 60) on a
# copy of its committed corpus, as many at once as there are cores.  Any
# crash, leak, sanitizer report or timeout fails the run, and the input is
# shown in base64 (add it to tests/fuzz/corpus/<target>/ once fixed).
#
#   BUILDDIR=<configured build dir> tests/fuzz/run-fuzzers.sh [target...]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILDDIR=${BUILDDIR:-$(pwd)}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
OUT=${OUT:-$BUILDDIR/fuzz-out}
jobs=$(nproc 2>/dev/null || echo 1)
if [ $# -eq 0 ]; then
        set -- envelope auth_header listener_key sddl trace config http_parse writer cli_args http_reply
fi
OUT=$OUT BUILDDIR=$BUILDDIR "$top/tests/fuzz/build-libfuzzer.sh" "$@" >/dev/null || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/winrmd-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

run_one() {
        t=$1
        mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
        cp "$top/tests/fuzz/corpus/$t/"* "$work/$t/corpus/" 2>/dev/null
        if (cd "$work/$t" && "$OUT/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
                -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" corpus \
                >"$work/$t/log" 2>&1); then
                echo "PASS: fuzz_$t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t/log" |
                        grep -o '[0-9]*$') runs in ${FUZZ_SECONDS} s"
        else
                echo "FAIL: fuzz_$t"
                tail -n 40 "$work/$t/log"
                for a in "$work/$t/artifacts/"*; do
                        [ -f "$a" ] && echo "input $(basename "$a"): $(base64 -w0 "$a")"
                done
                echo fail >> "$work/failed"
        fi
}

running=0
for t in "$@"; do
        run_one "$t" &
        running=$((running + 1))
        if [ "$running" -ge "$jobs" ]; then
                wait
                running=0
        fi
done
wait
if [ -f "$work/failed" ]; then
        echo "$(wc -l < "$work/failed") fuzz target(s) failed"
        exit 1
fi
echo "every fuzz target ran ${FUZZ_SECONDS} s without a finding"
