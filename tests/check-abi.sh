#!/bin/sh
# The provider header is a promise: it must compile alone as strict C99 and
# as C++, and every member of its tables must be documented, with the ABI
# version that added it, in man 3 winrmd-provider.
top=${WINRMD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
hdr=$top/include/winrmd/provider.h
man=$top/man/winrmd-provider.3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

printf '#include <winrmd/provider.h>\nint main(void) { return WINRMD_ABI_MAJOR == 1 ? 0 : 1; }\n' > "$tmp/c.c"
if ${CC:-cc} -std=c99 -pedantic -Wall -Wextra -Werror -I"$top/include" -o "$tmp/c" "$tmp/c.c"; then
        ok
else
        bad "provider.h does not compile as strict C99"
fi
if command -v c++ >/dev/null 2>&1; then
        cp "$tmp/c.c" "$tmp/cxx.cc"
        if c++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$top/include" -o "$tmp/cxx" "$tmp/cxx.cc"; then
                ok
        else
                bad "provider.h does not compile as C++"
        fi
fi

# Members of the function-pointer tables: "(*name)(" inside the header.
members=$(sed -n 's/^[^(]*(\*\([a-z_]*\))(.*/\1/p' "$hdr" | sort -u)
for m in $members; do
        if grep -q "$m" "$man"; then
                ok
        else
                bad "member $m is not documented in winrmd-provider(3)"
        fi
done
# Every member of the host table says which ABI version added it: its
# entry (from its .BI line to the next .TP/.SS/.SH) holds "Added in: N".
host=$(sed -n '/^typedef struct winrmd_host {/,/^} winrmd_host;/p' "$hdr" |
       sed -n 's/^[^(]*(\*\([a-z_]*\))(.*/\1/p')
for m in $host; do
        if awk -v m="$m" '
                /^\.BI? / && $0 ~ ("[ *]" m "\\(") { inside = 1; next }
                inside && /^\.(TP|SS|SH)/ { exit }
                inside && /Added in: [0-9]/ { found = 1; exit }
                END { exit !found }' "$man"; then
                ok
        else
                bad "host member $m has no 'Added in' in winrmd-provider(3)"
        fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
