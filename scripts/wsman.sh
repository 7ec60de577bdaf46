#!/bin/sh
# wsman.sh - a small stand-in for the winrm command line, for the control
# socket or a URL: builds the WS-Man request from the seed's syntax and
# prints the reply body (pretty-printed with xmllint when present).
#   wsman.sh [-s SOCKET | -u URL [-a USER:PASS]] OP URI[?K=V+K=V] ['K=V;K=V']
#   OP: get | put | create | delete | enumerate | invoke:METHOD
set -eu
sock=${WINRMD_SOCKET:-/var/lib/winrmd/winrmd.sock}
url=""
auth=""
while getopts s:u:a: o; do
        case $o in s) sock=$OPTARG ;; u) url=$OPTARG ;; a) auth=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { sed -n '2,7p' "$0"; exit 2; }
op=$1 full=$2 props=${3:-}
uri=${full%%\?*}
sels=""
[ "$uri" != "$full" ] && sels=${full#*\?}

xml_escape() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

# The body namespace and root element of a resource URI.
last=${uri##*/}
case $uri in
wsman:*|WSMAN:*) ns="$(dirname "$uri")/$(printf '%s' "$last" | tr 'A-Z' 'a-z').xsd" ;;
*) ns=$uri ;;
esac
root=$(printf '%s' "$last" | cut -c1 | tr 'a-z' 'A-Z')$(printf '%s' "$last" | cut -c2-)

selset=""
if [ -n "$sels" ]; then
        selset="<w:SelectorSet>"
        for kv in $(printf '%s' "$sels" | tr '+' ' '); do
                selset="$selset<w:Selector Name=\"${kv%%=*}\">$(xml_escape "${kv#*=}")</w:Selector>"
        done
        selset="$selset</w:SelectorSet>"
fi

body_props() { # K=V;K=V (quotes and @{ } allowed) -> <p:K>V</p:K>...
        printf '%s\n' "$1" | sed -e 's/^@{//' -e 's/}$//' | tr ';' '\n' | while IFS= read -r kv; do
                [ -n "$kv" ] || continue
                k=${kv%%=*} v=${kv#*=}
                v=$(printf '%s' "$v" | sed -e 's/^"//' -e 's/"$//')
                printf '<p:%s>%s</p:%s>' "$k" "$(xml_escape "$v")" "$k"
        done
}

T=http://schemas.xmlsoap.org/ws/2004/09/transfer
E=http://schemas.xmlsoap.org/ws/2004/09/enumeration
body=""
case $op in
get) action=$T/Get ;;
delete) action=$T/Delete ;;
put) action=$T/Put; body="<p:$root xmlns:p=\"$ns\">$(body_props "$props")</p:$root>" ;;
create) action=$T/Create; body="<p:$root xmlns:p=\"$ns\">$(body_props "$props")</p:$root>" ;;
enumerate) action=$E/Enumerate; body="<n:Enumerate/>" ;;
invoke:*) m=${op#invoke:}; action="$uri/$m"; body="<p:${m}_INPUT xmlns:p=\"$ns\">$(body_props "$props")</p:${m}_INPUT>" ;;
*) echo "wsman.sh: unknown operation $op" >&2; exit 2 ;;
esac

send() { # $1 action, $2 body -> reply on stdout
        env="<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\" xmlns:n=\"$E\"><s:Header><a:To>http://localhost/wsman</a:To><a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><a:Action>$1</a:Action><a:MessageID>uuid:$(cat /proc/sys/kernel/random/uuid)</a:MessageID><w:ResourceURI>$(xml_escape "$uri")</w:ResourceURI>$selset</s:Header><s:Body>$2</s:Body></s:Envelope>"
        if [ -n "$url" ]; then
                printf '%s' "$env" | curl -sS ${auth:+-u "$auth"} -H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary @- "$url"
        else
                printf '%s' "$env" | curl -sS --unix-socket "$sock" -H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary @- http://localhost/wsman
        fi
}

show() { if command -v xmllint >/dev/null; then xmllint --format - ; else cat; fi; }

reply=$(send "$action" "$body")
if [ "$op" != enumerate ]; then
        printf '%s\n' "$reply" | show
        exit 0
fi
# Enumerate, then Pull until the sequence ends (at most 1000 rounds).
i=0
ctx=$(printf '%s' "$reply" | sed -n 's:.*<n\:EnumerationContext>\([^<]*\)</n\:EnumerationContext>.*:\1:p')
while [ -n "$ctx" ] && [ $i -lt 1000 ]; do
        reply=$(send "$E/Pull" "<n:Pull><n:EnumerationContext>$ctx</n:EnumerationContext><n:MaxElements>20</n:MaxElements></n:Pull>")
        printf '%s\n' "$reply" | show
        ctx=$(printf '%s' "$reply" | sed -n 's:.*<n\:EnumerationContext>\([^<]*\)</n\:EnumerationContext>.*:\1:p')
        i=$((i + 1))
done
