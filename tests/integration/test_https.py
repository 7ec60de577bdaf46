"""HTTPS listeners (core/tls.c, core/certstore.c, core/lman.c) with real
clients: the seed's whole HTTPS sequence (Retrieve, Create with the
thumbprint written with spaces, the certificate presented, two HTTPS
listeners on one IP, Put, Delete twice), the certificate rules at Create,
a live certificate swap under a keep-alive client, a listener that follows
the newest certificate, curl, gnutls-cli and pywinrm (transport 'ssl',
validating against a test CA), and hostile TLS input.  Client
certificates are in test_https_mutual.py."""

import hashlib
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import unittest

from harness import (ADMIN_PASS, ADMIN_USER, CLIENT_TIMEOUT, IDENTIFY, NS, SLOW, T_GET, T_PUT,
                     DaemonTestCase, envelope, parse_xml, wait_until)
from listener_helpers import (CUR_URI, INVALID_PARAMETER, LEGACY_NS, LEGACY_URI,
                              T_CREATE, T_DELETE, free_port, listener_doc, refuses)
from tls_helpers import (CertStoreMixin, HTTPSConnection, Pki, client_context, install, post_https, presented,
                         spaced, thumbprint)

CERT_URI = "wsman:Microsoft.com/wsman/2005/06/config/Certificate"   # as the seed writes it
CERT_NS = "wsman:microsoft.com/wsman/2005/06/config/certificate.xsd"
HOST = "host.fabrikam.test"
CONFIG_URI = "wsman:microsoft.com/wsman/2005/06/config"


def retrieve_body(hostname, ns=CERT_NS):
    return ('<cfg:Retrieve_INPUT xmlns:cfg="%s"><cfg:Hostname>%s</cfg:Hostname></cfg:Retrieve_INPUT>'
            % (ns, hostname))


class HttpsCase(CertStoreMixin, DaemonTestCase):
    """A daemon with a test CA's server certificates in its store."""

    CONFIG = {"service.idle_timeout_ms": "3000"}    # the TLS handshake deadline follows it

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pki = Pki()
        p = cls.pki
        past = dict(not_before="2024-01-01 00:00:00", not_after="2099-01-01 00:00:00")
        cls.certs = {
            "srv": p.issue("srv", HOST, dns=[HOST, "localhost"], ips=["127.0.0.1"], **past),
            "srv2": p.issue("srv2", HOST, dns=[HOST, "localhost"], ips=["127.0.0.1"],
                            not_before="2025-01-01 00:00:00", not_after="2099-01-01 00:00:00"),
            "clientonly": p.issue("clientonly", HOST, dns=[HOST], purposes=("tls_www_client",)),
            "expired": p.issue("expired", HOST, dns=[HOST], not_before="2020-01-01 00:00:00",
                               not_after="2021-01-01 00:00:00"),
            "other": p.issue("other", "other.fabrikam.test", dns=["other.fabrikam.test"]),
            "nousage": p.issue("nousage", HOST, dns=[HOST], usage=("encryption_key",), key_type="rsa"),
            "mismatch": p.issue("mismatch", HOST, dns=[HOST]),
            "loose": p.issue("loose", HOST, dns=[HOST]),
        }
        cls.thumbs = {k: thumbprint(v[0]) for k, v in cls.certs.items()}
        before = cls.store_reads()
        for name in ("srv", "srv2", "clientonly", "expired", "other", "nousage"):
            install(cls.daemon.state_dir, name, *cls.certs[name])
        # a key that is not the certificate's, and a key others may read
        install(cls.daemon.state_dir, "mismatch", cls.certs["mismatch"][0], cls.certs["other"][1])
        install(cls.daemon.state_dir, "loose", *cls.certs["loose"], key_mode=0o644)
        cls.wait_store(before, 6)

    # requests on the control socket
    def send(self, action, uri, selectors=None, body=""):
        return self.post_unix(envelope(action, uri, selectors=selectors, body=body))

    def create(self, port, thumb, hostname=HOST, ip="127.0.0.1", enabled="true"):
        fields = [("Hostname", hostname), ("Enabled", enabled), ("Transport", "HTTPS"),
                  ("CertificateThumbprint", thumb)]
        resp = self.send(T_CREATE, LEGACY_URI, {"IP": ip, "Port": str(port)}, listener_doc(LEGACY_NS, fields))
        self.addCleanup(self.send, T_DELETE, LEGACY_URI, {"IP": ip, "Port": str(port)})
        return resp

    def retrieve(self, hostname, uri=CERT_URI):
        return self.send(uri + "/Retrieve", uri, body=retrieve_body(hostname))

    def stored(self):
        with open(os.path.join(self.daemon.state_dir, "winrmd.conf")) as f:
            return [ln.rstrip("\n") for ln in f if ln.startswith("listener")]

    def ctx(self, **kw):
        return client_context(cafile=self.pki.ca_pem, **kw)

    def identify_https(self, port, conn=None):
        return post_https(port, IDENTIFY, self.ctx(), headers={"WSMANIDENTIFY": "unauthenticated"},
                          conn=conn)

    def assertLegacyFault(self, resp, code, subcode=None):
        fault = self.assertFault(resp, subcode)
        got = fault.find(".//f05:WSManFault", NS)
        self.assertIsNotNone(got, resp)
        self.assertEqual(got.get("Code"), str(code), resp)
        return fault


class SeedSequenceTest(HttpsCase):

    def test_retrieve_then_https_listeners(self):
        """The seed: Retrieve, Create with the spaced thumbprint, connect, two
        HTTPS listeners on one IP, Put Enabled=False, Delete twice."""
        resp = self.retrieve("host")           # the short (NetBIOS-style) name
        root = self.assertSoap(resp)
        out = root.find("s:Body/{%s}Retrieve_OUTPUT" % CERT_NS, NS)
        self.assertIsNotNone(out, resp)
        thumb = out.findtext("{%s}CertificateThumbprint" % CERT_NS)
        # the first in file-name order that may serve: clientonly, expired,
        # mismatch (not loaded), nousage are skipped; srv comes before srv2
        self.assertEqual(thumb, self.thumbs["srv"], resp)
        self.assertEqual(self.assertSoap(self.retrieve(HOST.upper())).findtext(
            ".//{%s}CertificateThumbprint" % CERT_NS), thumb)

        p1, p2 = free_port(), free_port()
        for port in (p1, p2):
            resp = self.create(port, spaced(thumb.upper()))
            self.assertIsNotNone(self.assertSoap(resp).find("s:Body/x:ResourceCreated", NS), resp)
        for port in (p1, p2):
            self.assertEqual(presented(port), thumb)
            r = self.identify_https(port)    # validates the chain and "localhost"
            self.assertIsNotNone(self.assertSoap(r).find("s:Body/wsmid:IdentifyResponse", NS), r)
        # stored once, canonical: lower case, no spaces
        self.assertTrue(all("thumbprint=" + thumb in ln for ln in self.stored()), self.stored())
        # Enumerate: both, HTTPS, the seed's spaced thumbprint
        items = self.enumerate(LEGACY_URI)
        got = sorted((i.findtext("{%s}Port" % LEGACY_NS), i.findtext("{%s}Transport" % LEGACY_NS),
                      i.findtext("{%s}CertificateThumbprint" % LEGACY_NS)) for i in items)
        self.assertEqual(got, sorted([(str(p1), "HTTPS", spaced(thumb)), (str(p2), "HTTPS", spaced(thumb))]))
        # Put Enabled=False closes that one only
        resp = self.send(T_PUT, LEGACY_URI, {"IP": "127.0.0.1", "Port": str(p1)},
                         listener_doc(LEGACY_NS, [("Enabled", "false")]))
        self.assertSoap(resp)
        self.assertTrue(refuses("127.0.0.1", p1))
        self.assertEqual(presented(p2), thumb)
        for port in (p1, p2):
            resp = self.send(T_DELETE, LEGACY_URI, {"IP": "127.0.0.1", "Port": str(port)})
            self.assertSoap(resp)
            self.assertTrue(refuses("127.0.0.1", port))
        resp = self.send(T_DELETE, LEGACY_URI, {"IP": "127.0.0.1", "Port": str(p1)})
        self.assertLegacyFault(resp, 32768)
        self.assertEqual(self.stored(), [])

    def enumerate(self, uri):
        from harness import E_ENUMERATE, E_PULL
        items = []
        resp = self.send(E_ENUMERATE, uri, body="<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>")
        root = self.assertSoap(resp)
        items += list(root.find("s:Body/n:EnumerateResponse/w:Items", NS) or [])
        ctx = root.findtext("s:Body/n:EnumerateResponse/n:EnumerationContext", namespaces=NS)
        while root.find("s:Body/*/w:EndOfSequence", NS) is None and \
                root.find("s:Body/*/n:EndOfSequence", NS) is None:
            resp = self.send(E_PULL, uri, body="<n:Pull><n:EnumerationContext>%s</n:EnumerationContext>"
                             "</n:Pull>" % ctx)
            root = self.assertSoap(resp)
            items += list(root.find("s:Body/n:PullResponse/n:Items", NS) or [])
            ctx = root.findtext("s:Body/n:PullResponse/n:EnumerationContext", namespaces=NS) or ctx
        # the harness's --listen listener is not one of the test's
        return [i for i in items if i.get("Source") != "CommandLine"]

    def test_retrieve_without_a_match_is_32898(self):
        for name in ("nohost", "other.fabrikam"):
            resp = self.retrieve(name)
            fault = self.assertLegacyFault(resp, 32898)
            self.assertEqual(fault.findtext("s:Reason/s:Text", namespaces=NS),
                             "The requested certificate was not found.")
        # the path compares with case: .../config/certificate is not the resource
        resp = self.retrieve("host", uri="wsman:microsoft.com/wsman/2005/06/config/certificate")
        self.assertFault(resp, ("a", "DestinationUnreachable"))

    def test_retrieve_from_a_remote_administrator_over_https(self):
        port = free_port()
        self.assertSoap(self.create(port, self.thumbs["srv"]))
        resp = post_https(port, envelope(CERT_URI + "/Retrieve", CERT_URI, body=retrieve_body(HOST)),
                          self.ctx(), auth=(ADMIN_USER, ADMIN_PASS))
        self.assertEqual(self.assertSoap(resp).findtext(".//{%s}CertificateThumbprint" % CERT_NS),
                         self.thumbs["srv"], resp)


class CertificateRulesTest(HttpsCase):

    def test_each_problem_is_named(self):
        cases = [
            ("clientonly", ["server authentication"]),
            ("expired", ["expired"]),
            ("nousage", ["key usage"]),
        ]
        for name, words in cases:
            with self.subTest(name=name):
                self.refused_value(self.thumbs[name], words)
        with self.subTest(name="hostname"):
            self.refused_value(self.thumbs["srv"], ["does not name the host", "elsewhere.test"],
                               hostname="elsewhere.test")
        self.assertStillServing()

    def refused_value(self, thumb, words, hostname=HOST):
        before = self.stored()
        port = free_port()
        resp = self.create(port, thumb, hostname=hostname)
        fault = self.assertFault(resp, INVALID_PARAMETER)
        # the seed's URI: the provider's words are in the nested WSManFault
        text = " ".join(fault.itertext())
        for w in words:
            self.assertIn(w, text, resp)
        self.assertEqual(self.stored(), before)
        self.assertTrue(refuses("127.0.0.1", port))

    def test_not_in_the_store_is_32898(self):
        """Unknown thumbprint, a key that does not match (never loaded), a key
        others may read (never loaded): the seed's 32898."""
        log = self.daemon.stderr()
        self.assertRegex(log, r"certificate .*/mismatch\.pem refused: the private key does not match")
        self.assertRegex(log, r"certificate .*/loose\.pem refused: the private key file may be read")
        for thumb in ("ab" * 20, self.thumbs["mismatch"], self.thumbs["loose"]):
            with self.subTest(thumb=thumb):
                before = self.stored()
                resp = self.create(free_port(), thumb)
                fault = self.assertLegacyFault(resp, 32898)
                self.assertEqual(fault.findtext("s:Reason/s:Text", namespaces=NS),
                                 "The requested certificate was not found.")
                self.assertEqual(self.stored(), before)

    def test_malformed_thumbprints(self):
        for thumb in ("ab" * 19, "zz" * 20, "ab" * 21):
            with self.subTest(thumb=thumb):
                resp = self.create(free_port(), thumb)
                self.assertFault(resp, INVALID_PARAMETER)


class LiveCertificateTest(HttpsCase):

    def test_put_swaps_the_certificate_for_new_connections(self):
        port = free_port()
        self.assertSoap(self.create(port, self.thumbs["srv"]))
        conn = HTTPSConnection(port, self.ctx())
        self.addCleanup(conn.close)
        self.assertSoap(self.identify_https(port, conn=conn))
        resp = self.send(T_PUT, LEGACY_URI, {"IP": "127.0.0.1", "Port": str(port)},
                         listener_doc(LEGACY_NS, [("CertificateThumbprint", spaced(self.thumbs["srv2"]))]))
        self.assertSoap(resp)
        # the keep-alive connection goes on, with the certificate it had
        self.assertSoap(self.identify_https(port, conn=conn))
        self.assertEqual(hashlib.sha1(conn.sock.getpeercert(binary_form=True)).hexdigest(), self.thumbs["srv"])
        # a new one gets the new certificate, at once
        self.assertEqual(presented(port), self.thumbs["srv2"])

    def test_a_listener_without_thumbprint_follows_the_newest(self):
        port = free_port()
        self.assertSoap(self.create(port, ""))
        self.assertEqual(presented(port), self.thumbs["srv2"])       # newest notBefore of those valid
        self.assertIn("cert=" + self.thumbs["srv2"], self.listening_on(port))
        # an ACME deploy hook drops a renewed certificate
        pem, key = self.pki.issue("renewed", HOST, dns=[HOST, "localhost"], ips=["127.0.0.1"],
                                  not_before=time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 60)),
                                  not_after="2099-06-01 00:00:00")
        new = thumbprint(pem)
        start = time.monotonic()
        install(self.daemon.state_dir, "renewed", pem, key)
        self.assertTrue(wait_until(lambda: presented(port) == new, 3 * SLOW), self.daemon.stderr()[-2000:])
        self.assertLess(time.monotonic() - start, 2.0 * SLOW)
        # removing it falls back to the newest left
        os.unlink(os.path.join(self.daemon.state_dir, "certs", "renewed.pem"))
        self.assertTrue(wait_until(lambda: presented(port) == self.thumbs["srv2"], 3 * SLOW))

    def test_a_certificate_near_its_expiry_is_logged(self):
        pem, key = self.pki.issue("soon", "soon.fabrikam.test", dns=["soon.fabrikam.test"], days=5)
        install(self.daemon.state_dir, "soon", pem, key)
        self.assertTrue(wait_until(lambda: re.search(r"certificate soon \(%s\) expires in [45] days" % thumbprint(pem),
                                                     self.daemon.stderr()), 3 * SLOW), self.daemon.stderr()[-2000:])
        # once a day: the rereads that follow do not repeat it
        os.utime(os.path.join(self.daemon.state_dir, "certs", "soon.pem"))
        time.sleep(1.0 * SLOW)
        self.assertEqual(len(re.findall(r"certificate soon .* expires in", self.daemon.stderr())), 1)

    def listening_on(self, port):
        """The addresses and certificate today's Get shows for the listener."""
        resp = self.send(T_GET, CUR_URI, {"Address": "IP:127.0.0.1", "Transport": "HTTPS", "Port": str(port)})
        root = self.assertSoap(resp)
        lst = root.find("s:Body/{%s}Listener" % CUR_URI, NS)
        self.assertIsNotNone(lst, resp)
        out = [e.text for e in lst.findall("{%s}ListeningOn" % CUR_URI)]
        inuse = lst.findtext("{%s}CertificateThumbprintInUse" % CUR_URI)
        return out + (["cert=" + inuse] if inuse else [])


class RealClientsTest(HttpsCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.port = free_port()
        fields = [("Hostname", HOST), ("Transport", "HTTPS"), ("CertificateThumbprint", cls.thumbs["srv"])]
        from harness import request, UnixHTTPConnection
        c = UnixHTTPConnection(cls.daemon.socket_path)
        try:
            r = request(c, envelope(T_CREATE, LEGACY_URI, selectors={"IP": "127.0.0.1", "Port": str(cls.port)},
                                    body=listener_doc(LEGACY_NS, fields)))
        finally:
            c.close()
        assert r.status == 200, r

    def url(self):
        return "https://localhost:%d/wsman" % self.port

    def test_curl(self):
        out = subprocess.run(
            ["curl", "-sS", "--cacert", self.pki.ca_pem, "-u", "%s:%s" % (ADMIN_USER, ADMIN_PASS),
             "-H", "Content-Type: application/soap+xml;charset=UTF-8", "--data-binary", "@-",
             "-w", "\n%{http_code} %{ssl_verify_result}", self.url()],
            input=envelope(T_GET, CONFIG_URI), capture_output=True, timeout=CLIENT_TIMEOUT)
        body, _, tail = out.stdout.rpartition(b"\n")
        self.assertEqual(tail, b"200 0", out)
        root = parse_xml(body)
        self.assertIsNotNone(root.find("s:Body/{wsman:microsoft.com/wsman/2005/06/config.xsd}Config", NS), body)

    def test_gnutls_cli(self):
        out = subprocess.run(["gnutls-cli", "--x509cafile", self.pki.ca_pem, "-p", str(self.port), "localhost"],
                             input=b"", capture_output=True, timeout=CLIENT_TIMEOUT)
        text = out.stdout.decode()
        self.assertIn("Handshake was completed", text)
        self.assertIn("The certificate is trusted", text)
        m = re.search(r"Description: \((TLS1\.[23])-", text)
        self.assertIsNotNone(m, text)

    def test_pywinrm_ssl_validating(self):
        import winrm.protocol
        p = winrm.protocol.Protocol(self.url(), transport="ssl", username=ADMIN_USER, password=ADMIN_PASS,
                                    server_cert_validation="validate", ca_trust_path=self.pki.ca_pem,
                                    read_timeout_sec=CLIENT_TIMEOUT + 1, operation_timeout_sec=CLIENT_TIMEOUT)
        self.addCleanup(lambda: p.transport.session and p.transport.session.close())
        text = p.send_message(envelope(T_GET, CONFIG_URI).decode())
        root = parse_xml(text.encode() if isinstance(text, str) else text)
        self.assertIsNotNone(root.find("s:Body/{wsman:microsoft.com/wsman/2005/06/config.xsd}Config", NS))

    def test_basic_over_https_is_offered_and_checked(self):
        resp = post_https(self.port, envelope(T_GET, CONFIG_URI), self.ctx())
        self.assert401(resp, challenge=True)
        resp = post_https(self.port, envelope(T_GET, CONFIG_URI), self.ctx(), auth=(ADMIN_USER, "wrong"))
        self.assert401(resp, challenge=True)

    def test_service_https_basic_is_enforced_live(self):
        """The seed's Service/HTTPS/Basic=false: Basic over HTTPS is refused
        at once, with no Basic challenge; true again: accepted."""
        def put(value):
            body = ('<cfg:Config xmlns:cfg="%s.xsd"><cfg:Service><cfg:HTTPS><cfg:Basic>%s</cfg:Basic>'
                    '</cfg:HTTPS></cfg:Service></cfg:Config>' % (CONFIG_URI, value))
            self.assertSoap(self.send(T_PUT, CONFIG_URI, body=body))
        put("false")
        self.addCleanup(put, "true")
        resp = post_https(self.port, envelope(T_GET, CONFIG_URI), self.ctx(), auth=(ADMIN_USER, ADMIN_PASS))
        self.assert401(resp, challenge=False)
        put("true")
        self.assertSoap(post_https(self.port, envelope(T_GET, CONFIG_URI), self.ctx(), auth=(ADMIN_USER, ADMIN_PASS)))

    def test_protocol_versions(self):
        for v in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            with socket.create_connection(("127.0.0.1", self.port), timeout=CLIENT_TIMEOUT) as s:
                with self.ctx(version=v).wrap_socket(s, server_hostname="localhost") as t:
                    self.assertEqual(t.version(), {ssl.TLSVersion.TLSv1_2: "TLSv1.2",
                                                   ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[v])
                    cipher = t.cipher()[0]
                    self.assertTrue("GCM" in cipher or "CHACHA20" in cipher, cipher)
        for prio in ("NORMAL:-VERS-ALL:+VERS-TLS1.1", "NORMAL:-VERS-ALL:+VERS-TLS1.0"):
            with self.subTest(prio=prio):
                out = subprocess.run(["gnutls-cli", "--insecure", "--priority", prio, "-p", str(self.port),
                                      "127.0.0.1"], input=b"", capture_output=True, timeout=CLIENT_TIMEOUT)
                self.assertNotEqual(out.returncode, 0, out)
                self.assertNotIn(b"Handshake was completed", out.stdout)
        self.assertStillServing()
        self.assertEqual(presented(self.port), self.thumbs["srv"])

    @unittest.skipUnless(shutil.which("sslscan"), "sslscan (Debian package sslscan) is not installed")
    def test_sslscan(self):
        """Nothing below TLS 1.2, only AEAD ciphers with (EC)DHE, no renegotiation."""
        out = subprocess.run(["sslscan", "--no-colour", "127.0.0.1:%d" % self.port], capture_output=True,
                             timeout=60 * SLOW).stdout.decode()
        for proto, state in (("SSLv2", "disabled"), ("SSLv3", "disabled"), ("TLSv1.0", "disabled"),
                             ("TLSv1.1", "disabled"), ("TLSv1.2", "enabled"), ("TLSv1.3", "enabled")):
            self.assertRegex(out, r"(?m)^%s\s+%s" % (re.escape(proto), state), out)
        ciphers = re.findall(r"(?m)^(?:Preferred|Accepted)\s+(TLSv1\.[0-3])\s+(\d+) bits\s+(\S+)", out)
        self.assertTrue(ciphers, out)
        for proto, bits, name in ciphers:
            self.assertIn(proto, ("TLSv1.2", "TLSv1.3"), out)
            self.assertGreaterEqual(int(bits), 128, out)
            self.assertTrue(re.search(r"GCM|CHACHA20", name), name)
            if proto == "TLSv1.2":
                self.assertTrue(name.startswith("ECDHE-"), name)
        self.assertIn("Session renegotiation not supported", out)

    def test_client_renegotiation_is_refused(self):
        out = subprocess.run(["gnutls-cli", "--insecure", "--rehandshake", "--priority",
                              "NORMAL:-VERS-ALL:+VERS-TLS1.2", "-p", str(self.port), "127.0.0.1"],
                             input=b"", capture_output=True, timeout=CLIENT_TIMEOUT)
        text = out.stdout.decode() + out.stderr.decode()
        self.assertIn("Handshake was completed", text)
        self.assertNotIn("ReHandshake was completed", text)
        self.assertEqual(presented(self.port), self.thumbs["srv"])

    def test_hostile_input(self):
        """Plain HTTP to the HTTPS port, garbage, a handshake that never
        finishes: each ends the connection, the daemon serves the others."""
        cases = {
            "plain http": b"POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            "garbage": os.urandom(4096),
            "half a ClientHello": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        }
        for name, data in cases.items():
            with self.subTest(name=name):
                s = socket.create_connection(("127.0.0.1", self.port), timeout=CLIENT_TIMEOUT)
                self.addCleanup(s.close)
                s.sendall(data)
                start = time.monotonic()
                closed = self.closed(s, 10 * SLOW)
                took = time.monotonic() - start
                self.assertTrue(closed, name)
                if name == "half a ClientHello":
                    # the handshake deadline (the idle timeout, 3 s, here)
                    self.assertGreater(took, 2.0, took)
                self.assertEqual(presented(self.port), self.thumbs["srv"])
        # nothing at all: the deadline too
        s = socket.create_connection(("127.0.0.1", self.port), timeout=CLIENT_TIMEOUT)
        self.addCleanup(s.close)
        self.assertTrue(self.closed(s, 10 * SLOW))
        self.assertStillServing()

    @staticmethod
    def closed(s, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                if not s.recv(65536):
                    return True
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
        return False

    def test_many_keepalive_requests(self):
        """Many requests on one connection, then Connection: close delivers
        the whole last reply (close_notify after it)."""
        conn = HTTPSConnection(self.port, self.ctx())
        self.addCleanup(conn.close)
        for _ in range(50):
            r = post_https(self.port, envelope(T_GET, CONFIG_URI), self.ctx(), auth=(ADMIN_USER, ADMIN_PASS),
                           conn=conn)
            self.assertSoap(r)
        r = post_https(self.port, envelope(T_GET, CONFIG_URI), self.ctx(), auth=(ADMIN_USER, ADMIN_PASS),
                       conn=conn, headers={"Connection": "close"})
        self.assertSoap(r)


if __name__ == "__main__":
    unittest.main()
