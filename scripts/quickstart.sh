#!/bin/sh
# Installs the dependencies, builds winrmd, and starts it on a working
# default: state in ./quickstart-state, the control socket there, a plain
# HTTP listener on 127.0.0.1:5985 and a test account whose password it prints.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
state=${STATE_DIR:-$top/quickstart-state}
user=${TEST_USER:-winrmd-test}
"$top/scripts/deps.sh"
"$top/scripts/build.sh"
build=${BUILD:-$top/build}
mkdir -p "$state"
chmod 700 "$state"
if ! id "$user" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
fi
pass=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | cut -c1-16)
echo "$user:$pass" | chpasswd
[ -f /etc/pam.d/winrmd ] || install -m 0644 "$top/etc/pam.d/winrmd" /etc/pam.d/winrmd
# A self-signed server certificate in the certificate store (STATE/certs/
# NAME.pem + NAME.key), ready for the HTTPS listeners; its SHA-1 thumbprint
# is what a Listener's CertificateThumbprint names.
host=$(hostname -f 2>/dev/null || hostname)
mkdir -p "$state/certs"
chmod 700 "$state/certs"
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
fi
thumb=$(certtool --certificate-info --infile "$state/certs/$host.pem" 2>/dev/null |
        sed -n 's/^[[:space:]]*sha1:\([0-9a-f]*\)$/\1/p' | head -1)
if [ ! -f "$state/winrmd.conf" ]; then
        # Loopback demo only: plain HTTP with Basic needs AllowUnencrypted.
        cat > "$state/winrmd.conf" <<CONF
service.allow_unencrypted = true
service.plain_schemes = basic
CONF
fi
pkill -f "winrmd --foreground --state-dir $state" 2>/dev/null || true
nohup "$build/winrmd" --foreground --state-dir "$state" --plugin-dir "$build/providers" \
        --listen 127.0.0.1:5985 >"$state/winrmd.log" 2>&1 &
for i in 1 2 3 4 5 6 7 8 9 10; do
        grep -q "ready" "$state/winrmd.log" 2>/dev/null && break
        sleep 0.5
done
cat "$state/winrmd.log"
cat <<MSG

winrmd is running (log: $state/winrmd.log).
  test account:   $user / $pass
  control socket: $state/winrmd.sock (root and the sudo/wheel groups)
  certificate:    $state/certs/$host.pem (self-signed, SHA-1 thumbprint $thumb)
Try:
  curl -s -u '$user:$pass' -H 'Content-Type: application/soap+xml;charset=UTF-8' \\
    --data '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>' \\
    http://127.0.0.1:5985/wsman
MSG
