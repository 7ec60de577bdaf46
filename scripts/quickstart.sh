#!/bin/sh
# Installs the dependencies, builds winrmd, and starts it on a working
# default: state in ./quickstart-state (/var/lib/winrmd-quickstart when the
# repository is in a folder other accounts cannot enter, such as /root), the
# control socket there, an HTTPS
# listener on 127.0.0.1:5986 serving a generated self-signed certificate, a
# plain HTTP listener on 127.0.0.1:5985 for troubleshooting, and a test
# account whose password it prints.  Run again, it keeps the state (store,
# certificate) and restarts the daemon with a new password.  The daemon's
# network process runs as the system account winrmd (made here if
# missing).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
state=${STATE_DIR:-$top/quickstart-state}
user=${TEST_USER:-winrmd-test}
"$top/scripts/deps.sh"
"$top/scripts/build.sh"
build=${BUILD:-$top/build}
mkdir -p "$state"
chmod 700 "$state"
state=$(cd "$state" && pwd)
if ! id "$user" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
fi
# The account the network-facing process runs as (winrmd --user).
if ! id winrmd >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin winrmd
fi
# It must reach the state and the providers: a repository in a folder
# closed to other accounts (such as /root) gets its state under /var/lib
# and a root-owned copy of the providers instead.
providers=$build/providers
# (the state itself is root's 0700 until winrmd gives it to the account:
# the folder above it must be open)
reaches() {
        setpriv --reuid=winrmd --regid=winrmd --clear-groups test -x "$(dirname "$1")" -a -r "$2" -a -x "$2" \
                2>/dev/null
}
if ! reaches "$state" "$providers"; then
        if [ -z "${STATE_DIR:-}" ]; then
                rmdir "$state" 2>/dev/null || true
                state=/var/lib/winrmd-quickstart
                mkdir -p "$state"
                chmod 700 "$state"
        fi
        providers=/usr/local/lib/winrmd/quickstart-providers
        rm -rf "$providers"
        install -d -m 0755 "$providers"
        install -m 0644 "$build/providers/"*.so "$providers/"
        if ! reaches "$state" "$providers"; then
                echo "quickstart.sh: the winrmd account cannot reach $state: set STATE_DIR to a folder it can" \
                        "reach" >&2
                exit 1
        fi
fi
pass=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-16)
echo "$user:$pass" | chpasswd
[ -f /etc/pam.d/winrmd ] || install -m 0644 "$top/etc/pam.d/winrmd" /etc/pam.d/winrmd
# A daemon from an earlier run: stopped before its store is touched.
pkill -f "winrmd --foreground --state-dir $state " 2>/dev/null || true
for i in 1 2 3 4 5 6 7 8 9 10; do
        pgrep -f "winrmd --foreground --state-dir $state " >/dev/null || break
        sleep 0.5
done
# A self-signed server certificate in the certificate store (STATE/certs/
# NAME.pem + NAME.key); the HTTPS listener names it by its SHA-1 thumbprint.
host=$(hostname -f 2>/dev/null || hostname)
mkdir -p "$state/certs"
chmod 755 "$state/certs"        # root's; winrmd reads the .pem files, never the .key
new_cert=
if [ ! -f "$state/certs/$host.pem" ]; then
        certtool --generate-privkey --key-type=ecdsa --outfile "$state/certs/$host.key" 2>/dev/null
        chmod 600 "$state/certs/$host.key"
        cat > "$state/certs/$host.tmpl" <<TMPL
cn = "$host"
dns_name = "$host"
dns_name = "localhost"
ip_address = "127.0.0.1"
expiration_days = 365
tls_www_server
signing_key
encryption_key
TMPL
        certtool --generate-self-signed --load-privkey "$state/certs/$host.key" \
                --template "$state/certs/$host.tmpl" --outfile "$state/certs/$host.pem" 2>/dev/null
        rm -f "$state/certs/$host.tmpl"
        new_cert=1
fi
thumb=$(certtool --certificate-info --infile "$state/certs/$host.pem" 2>/dev/null |
        sed -n 's/^[[:space:]]*sha1:\([0-9a-f]*\)$/\1/p' | head -1)
# The HTTPS listener is a record of the store, written once: a rerun finds
# it (and points it at the certificate if that was just made again).
conf=$state/winrmd.conf
https="listener = address=IP:127.0.0.1 transport=HTTPS port=5986 enabled=true hostname=$host url_prefix=wsman thumbprint=$thumb"
if [ ! -f "$conf" ]; then
        # Basic over HTTPS needs nothing more; plain HTTP (the troubleshooting
        # listener) serves the anonymous Identify only, as by default.
        echo "$https" > "$conf"
elif ! grep -q '^listener = address=IP:127\.0\.0\.1 .*port=5986 ' "$conf"; then
        echo "$https" >> "$conf"
elif [ -n "$new_cert" ]; then
        sed -i "s/^\(listener = address=IP:127\.0\.0\.1 transport=HTTPS port=5986 .*thumbprint=\)[0-9a-fA-F]*/\1$thumb/" "$conf"
fi
# The Identify request of the examples below.
cat > "$state/identify.xml" <<'XML'
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>
XML
nohup "$build/winrmd" --foreground --state-dir "$state" --plugin-dir "$providers" \
        --user winrmd --listen 127.0.0.1:5985 >"$state/winrmd.log" 2>&1 &
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        grep -q "ready" "$state/winrmd.log" 2>/dev/null && break
        sleep 0.5
done
if ! grep -q "ready" "$state/winrmd.log" || ! grep -q "listener https://127.0.0.1:5986/wsman bound" "$state/winrmd.log"; then
        cat "$state/winrmd.log" >&2
        echo "quickstart.sh: winrmd did not start with its HTTPS listener (log above)" >&2
        exit 1
fi
cat <<MSG
winrmd is running (log: $state/winrmd.log).
  test account:   $user / $pass
  listeners:      https://127.0.0.1:5986/wsman, http://127.0.0.1:5985/wsman (troubleshooting: anonymous Identify only)
  control socket: $state/winrmd.sock (root and the sudo/wheel groups)
  certificate:    $state/certs/$host.pem (self-signed, SHA-1 thumbprint $thumb)
Try:
  curl -s -w '\\n' -u '$user:$pass' --cacert '$state/certs/$host.pem' \\
    -H 'Content-Type: application/soap+xml;charset=UTF-8' --data @'$state/identify.xml' \\
    https://localhost:5986/wsman
  /usr/bin/python3 -c 'from winrm.protocol import Protocol; print(Protocol("https://localhost:5986/wsman",
    transport="ssl", username="$user", password="$pass", server_cert_validation="validate",
    ca_trust_path="$state/certs/$host.pem").send_message(open("$state/identify.xml").read()).decode())'
MSG
