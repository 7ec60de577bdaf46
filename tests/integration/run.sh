#!/bin/sh
# run.sh - the integration suite: the real daemon driven over real sockets.
# With a directory argument, runs the test_*.py and test_*.sh found there
# instead (tests/robustness/run.sh does).
#
# Runs the Python tests (test_*.py, unittest, Debian's /usr/bin/python3 with
# python3-winrm and python3-lxml), then every test_*.sh in this directory
# (exit 0 = pass, 77 = skip, anything else = fail), and ends with one line
# "N passed, N failed".  Exit status: 0 when nothing failed, 77 when nothing
# could run here, 1 otherwise.
#
# Environment (exported by make check): WINRMD_BUILDDIR, WINRMD_SRCDIR.
# WINRMD_TEST_VALGRIND=1 runs every daemon under valgrind.

set -u

me=run.sh
if [ -z "${WINRMD_SRCDIR:-}" ]; then
        WINRMD_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
        export WINRMD_SRCDIR
fi
# The serial test driver (AM_INIT_AUTOMAKE serial-tests) ignores
# AM_TESTS_ENVIRONMENT; make check runs us from the top build directory.
if [ -z "${WINRMD_BUILDDIR:-}" ] && [ -x ./winrmd ] && [ -d ./providers ]; then
        WINRMD_BUILDDIR=$(pwd)
fi
if [ -z "${WINRMD_BUILDDIR:-}" ]; then
        echo "$me: SKIP: WINRMD_BUILDDIR is not set (run through make check)" >&2
        exit 77
fi
export WINRMD_BUILDDIR
dir=${1:-$WINRMD_SRCDIR/tests/integration}
py=/usr/bin/python3

passed=0
failed=0
skipped=0
xfail=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/winrmd-run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# --- the Python suite --------------------------------------------------------
if [ ! -x "$py" ] || ! "$py" -c 'import lxml.etree, winrm' 2>/dev/null; then
        echo "$me: SKIP python tests: $py with lxml and winrm (python3-lxml, python3-winrm) is needed"
        py_status=77
else
        # unittest's own -v output is shown as it runs and kept for the counts
        ( cd "$dir" && "$py" -m unittest discover -s "$dir" -p 'test_*.py' -v 2>&1
          echo "$?" > "$tmp/py.status" ) | tee "$tmp/py.log"
        py_status=$(cat "$tmp/py.status" 2>/dev/null || echo 1)
        # "Ran N tests" and "OK (skipped=S, expected failures=X)" or
        # "FAILED (failures=F, errors=E, skipped=S, ...)"
        counts=$("$py" - "$tmp/py.log" <<'EOF'
import re, sys
log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
ran = re.findall(r"^Ran (\d+) tests? in", log, re.M)
ran = int(ran[-1]) if ran else 0
summary = re.findall(r"^(OK|FAILED)(?: \((.*)\))?$", log, re.M)
fields = {}
if summary:
    for part in (summary[-1][1] or "").split(","):
        k, _, v = part.strip().partition("=")
        if v.isdigit():
            fields[k] = int(v)
bad = fields.get("failures", 0) + fields.get("errors", 0) + fields.get("unexpected successes", 0)
skip = fields.get("skipped", 0)
xf = fields.get("expected failures", 0)
if not summary:
    bad = max(bad, 1)
print(max(0, ran - bad - skip - xf), bad, skip, xf)
EOF
)
        set -- $counts
        passed=$((passed + $1)); failed=$((failed + $2))
        skipped=$((skipped + $3)); xfail=$((xfail + $4))
        if [ "$py_status" -ne 0 ] && [ "$2" -eq 0 ]; then
                failed=$((failed + 1))          # unittest failed outside a test
        fi
fi

# --- the shell tests -----------------------------------------------------------
for t in "$dir"/test_*.sh; do
        [ -e "$t" ] || continue
        name=$(basename "$t")
        echo "=== $name"
        sh "$t"
        rc=$?
        case $rc in
        0) echo "=== $name: PASS"; passed=$((passed + 1)) ;;
        77) echo "=== $name: SKIP"; skipped=$((skipped + 1)) ;;
        *) echo "=== $name: FAIL (exit $rc)"; failed=$((failed + 1)) ;;
        esac
done

echo "($skipped skipped, $xfail expected failures)"
echo "$passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then
        exit 1
fi
if [ "$passed" -eq 0 ]; then
        exit 77
fi
exit 0
