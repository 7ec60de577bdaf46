#!/bin/sh
# Fails if the C sources call a function the project does not use:
# unbounded string copies, atoi(), strtok() and system().
top=${WINRMD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
hits=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|atoi|strtok|strtok_r|system|gets)[[:space:]]*\(' \
        "$top"/core/*.c "$top"/core/*.h "$top"/plugins/*/*.c "$top"/plugins/*/*.h \
        "$top"/include/winrmd/*.h "$top"/examples/hello-provider/*.c "$top"/cli/*.c "$top"/cli/*.h 2>/dev/null)
if [ -n "$hits" ]; then
        echo "banned functions:"
        echo "$hits"
        echo "0 passed, 1 failed"
        exit 1
fi
echo "1 passed, 0 failed"
