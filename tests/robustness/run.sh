#!/bin/sh
# run.sh - the robustness cases (README.md): each attack against the real
# daemon, bounded in count and time, with its pass criteria and figures.
# Runs through the integration suite's runner; same environment.
top=${WINRMD_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
WINRMD_SRCDIR=$top
export WINRMD_SRCDIR
exec sh "$top/tests/integration/run.sh" "$top/tests/robustness"
