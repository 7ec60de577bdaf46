#!/bin/sh
# Installs the dependencies, builds with -Werror and runs the whole test
# suite (unit tests and the integration tests against the real daemon).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh"
"$top/scripts/build.sh"
cd "${BUILD:-$top/build}"
make check || { cat tests/unit/*.log tests/integration/*.log 2>/dev/null | tail -200; exit 1; }
