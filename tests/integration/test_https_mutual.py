"""Client certificates (Service/Auth/Certificate, the https/mutual profile):
the CA folder STATE/client-ca, the certmapping resource (created and listed
over WS-Man from the control socket), pywinrm's transport 'certificate',
and every way a certificate must fail: no mapping, a disabled mapping, a
mapping for other URIs, another CA, a server-only certificate, an expired
one, a chain larger than MaxClientCertInfoSize, and no certificate at all.
Also the certmapping rules, and a reply much larger than a TLS record."""

import os
import socket
import ssl
import unittest

from harness import (ADMIN_PASS, ADMIN_USER, CLIENT_TIMEOUT, E_ENUMERATE, NS, PLAIN_USER, SLOW, T_GET,
                     T_PUT, envelope, parse_xml, wait_until)
from listener_helpers import (ALREADY_EXISTS, INVALID_PARAMETER, LEGACY_NS, LEGACY_URI, SELECTORS,
                              T_CREATE, T_DELETE, free_port, listener_doc)
from test_https import HOST, HttpsCase
from tls_helpers import MUTUAL, HTTPSConnection, Pki, ca_thumbprint, install, post_https, thumbprint

MAP_URI = "http://schemas.microsoft.com/wbem/wsman/1/config/service/certmapping"
CONFIG_URI = "wsman:microsoft.com/wsman/2005/06/config"
CONFIG_NS = "wsman:microsoft.com/wsman/2005/06/config.xsd"


def mapping_doc(user=None, enabled=None, password=None, extra=""):
    inner = ""
    if user is not None:
        inner += "<cfg:UserName>%s</cfg:UserName>" % user
    if enabled is not None:
        inner += "<cfg:Enabled>%s</cfg:Enabled>" % enabled
    if password is not None:
        inner += "<cfg:Password>%s</cfg:Password>" % password
    return '<cfg:certmapping xmlns:cfg="%s">%s%s</cfg:certmapping>' % (MAP_URI, inner, extra)


class MutualCase(HttpsCase):
    CONFIG = dict(HttpsCase.CONFIG, **{"service.auth.certificate": "true"})

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clients = Pki()                    # the CA client certificates come from
        cls.stranger = Pki()                   # a CA the daemon does not trust
        c = cls.clients
        cls.alice = c.issue("alice", "alice", upn="alice@fabrikam.test", purposes=("tls_www_client",))
        cls.bob = c.issue("bob", "bob", email="bob@fabrikam.test", purposes=("tls_www_client",))
        cls.carol = c.issue("carol", "carol", upn="carol@fabrikam.test", purposes=("tls_www_client",))
        cls.servonly = c.issue("servonly", "alice", upn="alice@fabrikam.test")
        cls.old = c.issue("old", "alice", upn="alice@fabrikam.test", purposes=("tls_www_client",),
                          not_before="2020-01-01 00:00:00", not_after="2021-01-01 00:00:00")
        cls.foreign = cls.stranger.issue("foreign", "alice", upn="alice@fabrikam.test",
                                         purposes=("tls_www_client",))
        before = cls.store_reads()
        install(cls.daemon.state_dir, "clients", c.ca_pem, None, into="client-ca")
        cls.wait_store(before, 6)
        cls.issuer = ca_thumbprint(c)
        cls.port = free_port()
        fields = [("Hostname", HOST), ("Transport", "HTTPS"), ("CertificateThumbprint", cls.thumbs["srv"])]
        r = cls.unix_request(envelope(T_CREATE, LEGACY_URI, selectors={"IP": "127.0.0.1", "Port": str(cls.port)},
                                      body=listener_doc(LEGACY_NS, fields)))
        assert r.status == 200, r

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.clients.cleanup()
            cls.stranger.cleanup()

    @classmethod
    def unix_request(cls, body):
        from harness import UnixHTTPConnection, request
        c = UnixHTTPConnection(cls.daemon.socket_path)
        try:
            return request(c, body)
        finally:
            c.close()

    def map(self, subject, user, uri="*", issuer=None, enabled=None, password=None):
        sels = {"Issuer": issuer or self.issuer, "Subject": subject, "URI": uri}
        resp = self.send(T_CREATE, MAP_URI, sels, mapping_doc(user, enabled, password))
        self.addCleanup(self.send, T_DELETE, MAP_URI, sels)
        return resp

    def with_cert(self, cert, body=None, uri=CONFIG_URI, auth_header=MUTUAL):
        ctx = ssl.create_default_context(cafile=self.pki.ca_pem)
        ctx.load_cert_chain(*cert)
        return post_https(self.port, body or envelope(T_GET, uri), ctx,
                          headers={"Authorization": auth_header} if auth_header else None)

    def store_text(self):
        with open(os.path.join(self.daemon.state_dir, "winrmd.conf")) as f:
            return f.read()

    def records(self):
        with open(os.path.join(self.daemon.state_dir, "winrmd.conf")) as f:
            return [ln.rstrip("\n") for ln in f if ln.startswith("record = certmapping")]


class ClientCertificateTest(MutualCase):

    def test_pywinrm_certificate_transport(self):
        """pywinrm's transport 'certificate' (the mutual header) as alice, an administrator."""
        import winrm.protocol
        self.assertSoap(self.map("alice@fabrikam.test", ADMIN_USER, password="not-stored-42"))
        self.assertNotIn("not-stored-42", self.store_text())
        p = winrm.protocol.Protocol("https://localhost:%d/wsman" % self.port, transport="certificate",
                                    cert_pem=self.alice[0], cert_key_pem=self.alice[1],
                                    server_cert_validation="validate", ca_trust_path=self.pki.ca_pem,
                                    read_timeout_sec=CLIENT_TIMEOUT + 1, operation_timeout_sec=CLIENT_TIMEOUT)
        self.addCleanup(lambda: p.transport.session and p.transport.session.close())
        text = p.send_message(envelope(T_GET, CONFIG_URI).decode())
        root = parse_xml(text.encode() if isinstance(text, str) else text)
        self.assertIsNotNone(root.find("s:Body/{%s}Config" % CONFIG_NS, NS))

    def test_email_and_wildcard_subjects(self):
        """bob's certificate has an e-mail SAN; a "*@domain" pattern maps it.
        bob is no administrator: the default RootSDDL refuses him, which
        shows the account is bob's, not root's."""
        self.assertSoap(self.map("*@fabrikam.test", PLAIN_USER))
        resp = self.with_cert(self.bob)
        self.assertFault(resp, ("w", "AccessDenied"))

    def test_what_must_fail(self):
        self.assertSoap(self.map("alice@fabrikam.test", ADMIN_USER))
        self.assertSoap(self.map("carol@fabrikam.test", ADMIN_USER, enabled="false"))
        ok = self.with_cert(self.alice)
        self.assertIsNotNone(self.assertSoap(ok).find("s:Body/{%s}Config" % CONFIG_NS, NS), ok)
        cases = {
            "no mapping": self.with_cert(self.bob),
            "a disabled mapping": self.with_cert(self.carol),
            "a server-only certificate": self.with_cert(self.servonly),
            "an expired certificate": self.with_cert(self.old),
            "no mutual header (and no Basic)": self.with_cert(self.alice, auth_header=None),
        }
        for name, resp in cases.items():
            with self.subTest(name=name):
                self.assertEqual(resp.status, 401, resp)
        # a CA the daemon does not trust: the handshake fails or the request is refused
        try:
            resp = self.with_cert(self.foreign)
            self.assertEqual(resp.status, 401, resp)
        except (ssl.SSLError, ConnectionError):
            pass
        # no certificate at all with the mutual header
        resp = post_https(self.port, envelope(T_GET, CONFIG_URI), self.ctx(), headers={"Authorization": MUTUAL})
        self.assertEqual(resp.status, 401, resp)
        log = self.daemon.stderr()
        self.assertIn("maps to no account", log)
        self.assertIn("no client certificate was sent", log)
        self.assertStillServing()

    def test_an_account_pam_refuses(self):
        """"locked" exists (NSS) but PAM's account management (pam_matrix
        here, which does not know it) refuses it: a certificate does not
        bypass account checks."""
        self.assertSoap(self.map("alice@fabrikam.test", "locked"))
        resp = self.with_cert(self.alice)
        self.assertEqual(resp.status, 401, resp)
        self.assertIn("account \"locked\" refused by PAM", self.daemon.stderr())

    def test_mapping_for_some_uris_only(self):
        self.assertSoap(self.map("alice@fabrikam.test", ADMIN_USER, uri="http://schemas.microsoft.com/wbem/wsman/1/*"))
        resp = self.with_cert(self.alice)               # the seed's config URI is not under it
        self.assertFault(resp, ("w", "AccessDenied"))
        resp = self.with_cert(self.alice, uri="http://schemas.microsoft.com/wbem/wsman/1/config")
        self.assertSoap(resp)

    def test_this_and_identify_show_https(self):
        """The seed's "this" lists HTTPS (RFC 2818) with basic and
        https-mutual once an HTTPS listener exists; Identify over HTTPS
        names the https profiles."""
        from harness import IDENTIFY, THIS_URI
        root = self.assertSoap(self.send(T_GET, THIS_URI))
        tr = root.find(".//t:Transport[@Name='http://www.ietf.org/rfc/rfc2818.txt']", NS)
        self.assertIsNotNone(tr, root)
        self.assertEqual([a.text for a in tr.findall("t:Auth", NS)], ["wsman:auth/basic", "wsman:auth/https-mutual"])
        resp = post_https(self.port, IDENTIFY, self.ctx(), auth=(ADMIN_USER, ADMIN_PASS))
        names = [e.text for e in self.assertSoap(resp).findall(".//wsmid:SecurityProfileName", NS)]
        self.assertEqual(names, ["http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/basic",
                                 "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual"])

    def test_basic_still_works_beside_certificates(self):
        resp = post_https(self.port, envelope(T_GET, CONFIG_URI), self.ctx(), auth=(ADMIN_USER, ADMIN_PASS))
        self.assertSoap(resp)

    def test_a_chain_larger_than_max_client_cert_info(self):
        """A 64 KiB client chain: the connection fails, the daemon serves on."""
        big = os.path.join(self.clients.dir, "big.pem")
        with open(big, "w") as f, open(self.alice[0]) as leaf, open(self.clients.ca_pem) as cafile:
            f.write(leaf.read())
            ca = cafile.read()
            while f.tell() < 64 * 1024 * 4 // 3:       # PEM is 4/3 of the DER
                f.write(ca)
        ctx = ssl.create_default_context(cafile=self.pki.ca_pem)
        ctx.load_cert_chain(big, self.alice[1])
        with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
            with socket.create_connection(("127.0.0.1", self.port), timeout=CLIENT_TIMEOUT) as s:
                with ctx.wrap_socket(s, server_hostname="localhost") as t:
                    t.sendall(b"POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                    if not t.recv(100):
                        raise ConnectionError("closed")
        self.assertStillServing()
        self.assertEqual(self.with_cert(self.bob).status, 401)


class CertMappingResourceTest(MutualCase):

    def test_create_get_enumerate_put_delete(self):
        sels = {"Issuer": self.issuer.upper(), "Subject": "alice@fabrikam.test", "URI": "*"}
        resp = self.send(T_CREATE, MAP_URI, sels, mapping_doc(ADMIN_USER, password="secret-pw-7"))
        rc = self.assertSoap(resp).find("s:Body/x:ResourceCreated", NS)
        self.assertIsNotNone(rc, resp)
        got = {s.get("Name"): s.text for s in rc.findall(".//w:Selector", NS)}
        self.assertEqual(got, {"Issuer": self.issuer.upper(), "Subject": "alice@fabrikam.test", "URI": "*"})
        self.assertEqual(len(self.records()), 1)
        self.assertIn("issuer=" + self.issuer, self.records()[0])      # canonical: lower case
        self.assertNotIn("secret-pw-7", self.store_text())
        root = self.assertSoap(self.send(T_GET, MAP_URI, sels))
        m = root.find("s:Body/{%s}certmapping" % MAP_URI, NS)
        self.assertEqual([(e.tag.split("}")[1], e.text) for e in m],
                         [("Issuer", self.issuer), ("Subject", "alice@fabrikam.test"), ("URI", "*"),
                          ("UserName", ADMIN_USER), ("Enabled", "true")])
        root = self.assertSoap(self.send(E_ENUMERATE, "winrm/config/service/certmapping",
                                         body="<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>"))
        self.assertEqual(len(root.findall(".//{%s}certmapping" % MAP_URI)), 1)
        root = self.assertSoap(self.send(T_PUT, MAP_URI, sels, mapping_doc(enabled="false")))
        self.assertEqual(root.findtext(".//{%s}Enabled" % MAP_URI), "false")
        self.assertSoap(self.send(T_DELETE, MAP_URI, sels))
        self.assertEqual(self.records(), [])
        self.assertFault(self.send(T_DELETE, MAP_URI, sels), ("a", "DestinationUnreachable"))

    def test_rules(self):
        self.assertSoap(self.map("dup@fabrikam.test", ADMIN_USER))
        cases = [
            ({"Issuer": self.issuer, "Subject": "dup@fabrikam.test", "URI": "*"}, mapping_doc(ADMIN_USER),
             ALREADY_EXISTS, None),
            ({"Issuer": "abc", "Subject": "x", "URI": "*"}, mapping_doc(ADMIN_USER), INVALID_PARAMETER, "Issuer"),
            ({"Issuer": self.issuer, "Subject": "x", "URI": "*"}, mapping_doc("nosuchuser"), INVALID_PARAMETER,
             "local account"),
            ({"Issuer": self.issuer, "Subject": "x"}, mapping_doc(ADMIN_USER), SELECTORS, None),
            ({"Issuer": self.issuer, "Subject": "x", "URI": "*"}, mapping_doc(), ("w", "SchemaValidationError"),
             None),
            ({"Issuer": self.issuer, "Subject": "x", "URI": "*"}, mapping_doc(ADMIN_USER, extra="<cfg:Bogus/>"),
             ("w", "SchemaValidationError"), None),
        ]
        before = self.records()
        for sels, body, sub, words in cases:
            with self.subTest(sels=sels, body=body):
                fault = self.assertFault(self.send(T_CREATE, MAP_URI, sels, body), sub)
                if words:
                    self.assertIn(words, " ".join(fault.itertext()))
                self.assertEqual(self.records(), before)

    def test_writes_are_local_only(self):
        sels = {"Issuer": self.issuer, "Subject": "remote@fabrikam.test", "URI": "*"}
        ctx = ssl.create_default_context(cafile=self.pki.ca_pem)
        # an administrator over HTTPS on loopback counts as local; over a
        # non-loopback address it would not (test_listener_netns covers the rule)
        resp = post_https(self.port, envelope(T_CREATE, MAP_URI, selectors=sels, body=mapping_doc(ADMIN_USER)),
                          ctx, auth=(ADMIN_USER, ADMIN_PASS))
        self.assertSoap(resp)
        self.send(T_DELETE, MAP_URI, sels)
        resp = post_https(self.port, envelope(T_CREATE, MAP_URI, selectors=sels, body=mapping_doc(ADMIN_USER)),
                          ctx, auth=(PLAIN_USER, "b0b-Pass-2"))
        self.assertFault(resp, ("w", "AccessDenied"))

    def test_a_reply_larger_than_many_tls_records(self):
        """200 mappings enumerated at once over HTTPS (a reply of ~100 KB,
        several TLS records) arrive whole, then the connection is reused."""
        for i in range(200):
            self.assertSoap(self.map("user%03d@fabrikam.test" % i, ADMIN_USER))
        conn = HTTPSConnection(self.port, ssl.create_default_context(cafile=self.pki.ca_pem))
        self.addCleanup(conn.close)
        body = envelope(E_ENUMERATE, MAP_URI, body="<n:Enumerate><w:OptimizeEnumeration/>"
                        "<w:MaxElements>500</w:MaxElements></n:Enumerate>")
        body = body.replace(b"<w:MaxEnvelopeSize s:mustUnderstand=\"true\">153600</w:MaxEnvelopeSize>",
                            b"<w:MaxEnvelopeSize s:mustUnderstand=\"true\">512000</w:MaxEnvelopeSize>")
        put = envelope(T_PUT, CONFIG_URI, body='<cfg:Config xmlns:cfg="%s"><cfg:MaxEnvelopeSizekb>500'
                       '</cfg:MaxEnvelopeSizekb><cfg:MaxBatchItems>500</cfg:MaxBatchItems></cfg:Config>'
                       % CONFIG_NS)
        self.assertSoap(self.unix_request(put))
        resp = post_https(self.port, body, None, auth=(ADMIN_USER, ADMIN_PASS), conn=conn)
        root = self.assertSoap(resp)
        self.assertGreater(len(resp.body), 60000)
        self.assertEqual(len(root.findall(".//{%s}certmapping" % MAP_URI)), 200)
        self.assertSoap(post_https(self.port, envelope(T_GET, CONFIG_URI), None, auth=(ADMIN_USER, ADMIN_PASS),
                                   conn=conn))


if __name__ == "__main__":
    unittest.main()
