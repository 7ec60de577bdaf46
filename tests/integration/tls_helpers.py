"""tls_helpers.py - a test CA and certificates made with certtool (GnuTLS),
installed into a daemon's certificate store, and HTTPS clients that check
what the server presents.

Every certificate is made fresh in a temporary folder; nothing touches the
machine's own trust store."""

import hashlib
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

from harness import CLIENT_TIMEOUT, SLOW, SOAP_CT, basic, request, wait_until

MUTUAL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual"


def _certtool(*args, stdin=None):
    subprocess.run(["certtool"] + list(args), check=True, input=stdin,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Pki:
    """A folder with a CA and the certificates it signs."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="winrmd-pki-")
        self.ca_key = self.path("ca.key")
        self.ca_pem = self.path("ca.pem")
        _certtool("--generate-privkey", "--key-type=ecdsa", "--outfile", self.ca_key)
        self._template("ca.tmpl", ['cn = "winrmd test CA"', "ca", "cert_signing_key",
                                   "expiration_days = 30"])
        _certtool("--generate-self-signed", "--load-privkey", self.ca_key,
                  "--template", self.path("ca.tmpl"), "--outfile", self.ca_pem)

    def path(self, name):
        return os.path.join(self.dir, name)

    def _template(self, name, lines):
        with open(self.path(name), "w") as f:
            f.write("\n".join(lines) + "\n")

    def issue(self, name, cn, dns=(), ips=(), purposes=("tls_www_server",), usage=("signing_key",),
              days=30, not_before=None, not_after=None, upn=None, email=None, key_type="ecdsa",
              issuer=None):
        """Makes NAME.key and NAME.pem (leaf, then the CA) signed by the CA
        (or by issuer, another Pki); returns (pem path, key path)."""
        key, pem = self.path(name + ".key"), self.path(name + ".pem")
        _certtool("--generate-privkey", "--key-type=" + key_type, "--outfile", key)
        lines = ['cn = "%s"' % cn, "serial = %d" % (int(time.time() * 1000) % 2 ** 31)]
        lines += ['dns_name = "%s"' % d for d in dns]
        lines += ['ip_address = "%s"' % i for i in ips]
        lines += list(purposes) + list(usage)
        if upn:
            lines.append('other_name_utf8 = "1.3.6.1.4.1.311.20.2.3 %s"' % upn)
        if email:
            lines.append('email = "%s"' % email)
        if not_before or not_after:
            lines.append('activation_date = "%s"' % (not_before or "2020-01-01 00:00:00"))
            lines.append('expiration_date = "%s"' % (not_after or "2099-01-01 00:00:00"))
        else:
            lines.append("expiration_days = %d" % days)
        self._template(name + ".tmpl", lines)
        ca = issuer or self
        leaf = self.path(name + ".leaf")
        _certtool("--generate-certificate", "--load-privkey", key, "--load-ca-privkey", ca.ca_key,
                  "--load-ca-certificate", ca.ca_pem, "--template", self.path(name + ".tmpl"),
                  "--outfile", leaf)
        with open(pem, "w") as out, open(leaf) as a, open(ca.ca_pem) as b:
            out.write(a.read() + b.read())
        return pem, key

    def self_signed(self, name, cn, dns=()):
        """A self-signed server certificate (no CA)."""
        key, pem = self.path(name + ".key"), self.path(name + ".pem")
        _certtool("--generate-privkey", "--key-type=ecdsa", "--outfile", key)
        self._template(name + ".tmpl", ['cn = "%s"' % cn] + ['dns_name = "%s"' % d for d in dns] +
                       ["tls_www_server", "signing_key", "expiration_days = 30"])
        _certtool("--generate-self-signed", "--load-privkey", key, "--template",
                  self.path(name + ".tmpl"), "--outfile", pem)
        return pem, key

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def thumbprint(pem_path):
    """Lower-case hex SHA-1 of the first certificate's DER in pem_path."""
    with open(pem_path) as f:
        text = f.read()
    first = text[:text.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")]
    return hashlib.sha1(ssl.PEM_cert_to_DER_cert(first)).hexdigest()


def ca_thumbprint(pki):
    return thumbprint(pki.ca_pem)


def spaced(thumb):
    """The seed's form: pairs separated by spaces."""
    return " ".join(thumb[i:i + 2] for i in range(0, len(thumb), 2))


def install(state_dir, name, pem, key, key_mode=0o600, into="certs"):
    """Copies a pair into STATE/certs (or another folder of the state) the
    way an ACME deploy hook would: hidden names first, then renamed."""
    d = os.path.join(state_dir, into)
    os.makedirs(d, mode=0o700, exist_ok=True)
    for src, dst, mode in ((key, name + ".key", key_mode), (pem, name + ".pem", 0o644)):
        if src is None:
            continue
        tmp = os.path.join(d, "." + dst + ".tmp")
        shutil.copyfile(src, tmp)
        os.chmod(tmp, mode)
        os.rename(tmp, os.path.join(d, dst))


def client_context(cafile=None, cert=None, key=None, version=None, check_hostname=True):
    ctx = ssl.create_default_context(cafile=cafile) if cafile else ssl._create_unverified_context()
    if cafile:
        ctx.check_hostname = check_hostname
    if version:
        ctx.minimum_version = ctx.maximum_version = version
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def presented(port, host="127.0.0.1", server_hostname="localhost", timeout=CLIENT_TIMEOUT):
    """The thumbprint of the certificate a new TLS connection gets."""
    ctx = ssl._create_unverified_context()
    with socket.create_connection((host, port), timeout=timeout) as s:
        with ctx.wrap_socket(s, server_hostname=server_hostname) as t:
            return hashlib.sha1(t.getpeercert(binary_form=True)).hexdigest()


class HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, port, ctx, host="127.0.0.1", server_hostname="localhost", timeout=CLIENT_TIMEOUT):
        super().__init__(host, port, timeout=timeout, context=ctx)
        self._sni = server_hostname

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._sni)


def post_https(port, body, ctx, auth=None, headers=None, conn=None, **kw):
    h = dict(headers or {})
    if auth:
        h["Authorization"] = basic(*auth)
    c = conn or HTTPSConnection(port, ctx)
    return request(c, body, headers=h, **kw)


class CertStoreMixin:
    """For a daemon test case: the rereads of its certificate store, and
    the test CA (cls.pki, when setUpClass made one) removed at the end."""

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            if getattr(cls, "pki", None):
                cls.pki.cleanup()

    @classmethod
    def store_reads(cls):
        return len(re.findall(r"certificate store: \d+ certificate", cls.daemon.stderr()))

    @classmethod
    def wait_store(cls, before, count):
        """Waits for a reread of the store, after the `before` first ones,
        that holds count certificates."""
        def done():
            found = re.findall(r"certificate store: (\d+) certificate", cls.daemon.stderr())
            return len(found) > before and int(found[-1]) == count
        if not wait_until(done, 5 * SLOW):
            raise AssertionError("the certificate store was not reread:\n" + cls.daemon.stderr()[-3000:])
