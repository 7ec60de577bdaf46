"""The winrm command (cli/) against a running winrmd: the seed's commands
as it writes them (the configuration as text and XML, Retrieve, Listener
Create/Enumerate/Put/Delete with the seed's faults and error numbers,
wsman:system/2005/06/this) on the control socket and again over HTTPS
to a loopback listener, remote access over HTTPS (Basic, a client
certificate, -skipCAcheck / -skipCNcheck, anonymous Identify, the seed's
-target: form), the Client section's rules for Basic over plain HTTP, an
agent that does not listen and a 401, quickconfig (in a private network
namespace when one can be made, so that ports 5985 and 5986 are ours),
bad input of every kind (parse errors, values with ';', '=', '+' and
UTF-8, fake servers that answer garbage or hang up), and the help pages.

winrm runs as a subprocess: argv lists, no shell, a time-out on each run,
WINRMD_SOCKET set to the test daemon's control socket (or to a path where
nothing listens), a private HOME.  XML output is compared element by
element (names, namespaces, attributes, texts), text output line by line.

The seed's expected outputs are embedded below as written in the seed,
with two corrections applied by seed_xml(): its namespace URIs are printed
https:// by a document conversion error (the real ones are http://), and
one of its ResourceCreated examples lacks the blank between two
attributes."""

import hashlib
import os
import re
import shutil
import socket
import ssl
import time
import unittest

from harness import (ADMIN_PASS, ADMIN_USER, PLAIN_BASIC, SLOW, DaemonTestCase, envelope,
                     wait_until)
from listener_helpers import LEGACY_URI, T_CREATE, T_DELETE, free_port, listener_doc, LEGACY_NS
from seed_texts import SEED_CONFIG_XML
from tls_helpers import CertStoreMixin, Pki, ca_thumbprint, install, spaced, thumbprint
from cli_helpers import (Netns, FakeServer, Winrm, element_children, host_connect, http_response,
                         localname, parse, shape_lines, skip_unless_winrm, xml_shape)

CONFIG_URI = "wsman:microsoft.com/wsman/2005/06/config"
LISTENER_URI = "wsman:microsoft.com/wsman/2005/06/config/Listener"
CERT_URI = "wsman:Microsoft.com/wsman/2005/06/config/Certificate"   # as the seed writes it
THIS_URI = "wsman:system/2005/06/this"
MAP_ALIAS = "winrm/config/service/certmapping"
HOST = "host.fabrikam.com"
SEED_SDDL = "O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)"

NS_WXF = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
NS_WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
NS_WSMAN_2005 = "http://schemas.xmlsoap.org/ws/2005/06/management"
NS_WSMAN_DMTF = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
NS_THIS = "http://schemas.xmlsoap.org/ws/2005/06/management/this"
NS_WSMID = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
NS_RESULTS = "http://schemas.microsoft.com/ws/2005/03/wsman/results"
CANNOT_CONNECT = "Specified destination cannot be connected to."

# --- the seed's outputs -------------------------------------------------------------

SEED_CONFIG_TEXT = """\
Config
    MaxEnvelopeSizekb = 50
    MaxTimeoutms = 60000
    MaxBatchItems = 20
    SoapTraceEnabled = false
    MaxProviderRequests = 25
    Client
        NetworkDelayms = 5000
        URLPrefix = wsman
        HTTP
            Port = 80
            Unencrypted
                Basic = false
                Digest = false
                Negotiate = false
        HTTPS
            Port = 443
            Basic = true
            Digest = true
            Negotiate = true
            Mutual = false
    Service
        RootSDDL = O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)
        MaxConcurrentOperations = 100
        EnumerationTimeoutms = 60000
        MaxClientCertInfoSize = 16384
        MaxConnections = 5
        HTTP
            Unencrypted
                Basic = false
                Negotiate = false
        HTTPS
            Basic = true
            Negotiate = true
            Mutual = false
"""


SEED_RESOURCE_CREATED = """\
<wxf:ResourceCreated xmlns:wxf="https://schemas.xmlsoap.org/ws/2004/09/transfer"xmlns:wsa="https://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsman="https://schemas.xmlsoap.org/ws/2005/06/management">
<wsa:Address>https://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous?ResourceURI=(wsman:microsoft.com/wsman/2005/06/config/listener)</wsa:Address>
  <wsa:ReferenceParameters>
    <wsman:SelectorSet>
      <wsman:Selector Name="IP">192.168.2.1</wsman:Selector>
      <wsman:Selector Name="Port">443</wsman:Selector>
    </wsman:SelectorSet>
  </wsa:ReferenceParameters>
</wxf:ResourceCreated>
"""

SEED_RETRIEVE_OUTPUT = """\
<cfg:Retrieve_OUTPUT xmlns:cfg="wsman:microsoft.com/wsman/2005/06/config/certificate.xsd">
<cfg:CertificateThumbprint>4907de1950d4a162926d56cb41392d388aac874a</cfg:CertificateThumbprint>
</cfg:Retrieve_OUTPUT>
"""
SEED_THUMB = "4907de1950d4a162926d56cb41392d388aac874a"

SEED_FAULT = """\
<f:WSManFault xmlns:f="https://schemas.microsoft.com/ws/2005/06/wsmanfault" Code="%(code)s" Machine="AMD64-R3-10">
  <f:Message>
    <f:ProviderFault providerId="A855B0EE-65C2-4282-830B-7FA181E73BFF">
      <f:WSManFault xmlns:f="https://schemas.microsoft.com/ws/2005/06/wsmanfault" Code="%(code)s" Machine="">
        <f:Message>%(message)s</f:Message>
      </f:WSManFault>
    </f:ProviderFault>
  </f:Message>
</f:WSManFault>
"""
NOT_FOUND_CERT = ("32898", "The requested certificate was not found.",
                  "Error number: -2146991998 0x80078082", "The requested certificate was not found.")
UNKNOWN_ELEMENT = ("32833", 'Input xml contained an unrecognized xml element "enabled".  Double check the '
                   "spelling and case of the element name.",
                   "Error number: -2146992063 0x80078041",
                   "The supplied SOAP violates the corresponding XML schema definition.")
NOT_FOUND = ("32768", "The resource identified by the resource uri and selectors could not be found.",
             "Error number: -2146992128 0x80078000",
             "The resource identified by the resource uri and selectors could not be found.")

SEED_LISTENER = """\
  <cfg:Listener xmlns:cfg="wsman:microsoft.com/wsman/2005/06/config/listener.xsd">
    <cfg:IP>192.168.2.1</cfg:IP>
    <cfg:Port>443</cfg:Port>
    <cfg:Hostname>host.acme.com</cfg:Hostname>
    <cfg:MACAddress/>
    <cfg:Enabled>true</cfg:Enabled>
    <cfg:URLPrefix>wsman</cfg:URLPrefix>
    <cfg:Transport>HTTPS</cfg:Transport>
    <cfg:CertificateThumbprint>49 07 de 19 50 d4 a1 62 92 6d 56 cb 41 39 2d 38 8a ac 87 4a</cfg:CertificateThumbprint>
  </cfg:Listener>
"""
SEED_RESULTS = ('<wsman:Results xmlns:wsman="https://schemas.microsoft.com/ws/2005/03/wsman/results">\n'
                "%s</wsman:Results>\n")

SEED_PUT_OUTPUT = """\
<cfg:Listener xmlns:cfg="wsman:microsoft.com/wsman/2005/06/config/listener.xsd">
  <cfg:IP>192.168.2.1</cfg:IP>
  <cfg:Port>443</cfg:Port>
  <cfg:Hostname>amd64-r3-10.wmx.microsoft.com</cfg:Hostname>
  <cfg:MACAddress/>
  <cfg:Enabled>false</cfg:Enabled>
  <cfg:URLPrefix>wsman</cfg:URLPrefix>
  <cfg:Transport>HTTPS</cfg:Transport>
  <cfg:CertificateThumbprint>49 07 de 19 50 d4 a1 62 92 6d 56 cb 41 39 2d 38 8a ac 87 4a</cfg:CertificateThumbprint>
</cfg:Listener>
"""

SEED_THIS_ACTIONS = [
    "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get",
    "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put",
    "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create",
    "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete",
    "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate",
]


def seed_xml(text, **replace):
    """The seed's XML with its two document errors corrected (https:// for
    http:// in namespace and schema URIs; a missing blank between two
    attributes) and the seed's example values replaced: replace maps a
    text of the seed to the test's."""
    text = text.replace("https://schemas.", "http://schemas.").replace("https://www.ietf.org", "http://www.ietf.org")
    text = re.sub(r'"(xmlns:)', r'" \1', text)
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def seed_fault(code, message):
    """The seed's fault for code, from this machine (the daemon names itself
    with gethostname())."""
    return seed_xml(SEED_FAULT % {"code": code, "message": message}).replace(
        'Machine="AMD64-R3-10"', 'Machine="%s"' % socket.gethostname())


def seed_listener(ip, port, hostname, thumb, enabled="true", indent=""):
    return seed_xml(SEED_LISTENER).replace(">192.168.2.1<", ">%s<" % ip).replace(
        ">443<", ">%s<" % port).replace(">host.acme.com<", ">%s<" % hostname).replace(
        spaced(SEED_THUMB), spaced(thumb)).replace(">true<", ">%s<" % enabled)


def listener_text(ip, port, hostname, thumb, transport="HTTPS", enabled="true"):
    """The text tree of one of the seed's Listeners."""
    return ["Listener", "    IP = " + ip, "    Port = %s" % port, "    Hostname = " + hostname,
            "    MACAddress", "    Enabled = " + enabled, "    URLPrefix = wsman",
            "    Transport = " + transport,
            "    CertificateThumbprint = " + spaced(thumb) if thumb else "    CertificateThumbprint"]


# --- the base of every class with a daemon ----------------------------------------------

class CliCase(CertStoreMixin, DaemonTestCase):
    """A daemon, and winrm pointed at its control socket."""

    @classmethod
    def setUpClass(cls):
        skip_unless_winrm()
        super().setUpClass()
        cls.winrm = Winrm(cls.daemon.socket_path)

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            if getattr(cls, "winrm", None):
                cls.winrm.cleanup()

    @classmethod
    def unix_request(cls, body):
        from harness import UnixHTTPConnection, request
        c = UnixHTTPConnection(cls.daemon.socket_path)
        try:
            return request(c, body)
        finally:
            c.close()

    @classmethod
    def raw_create_listener(cls, port, hostname, thumb="", transport="HTTPS", ip="127.0.0.1"):
        """Creates a listener without the command under test (set-up)."""
        fields = [("Hostname", hostname), ("Transport", transport), ("CertificateThumbprint", thumb)]
        r = cls.unix_request(envelope(T_CREATE, LEGACY_URI, selectors={"IP": ip, "Port": str(port)},
                                      body=listener_doc(LEGACY_NS, fields)))
        if r.status != 200:
            raise AssertionError("creating the listener %s:%s failed: %r" % (ip, port, r))

    @classmethod
    def raw_delete_listener(cls, port, ip="127.0.0.1"):
        cls.unix_request(envelope(T_DELETE, LEGACY_URI, selectors={"IP": ip, "Port": str(port)}))

    def listener_uri(self, port, ip="127.0.0.1"):
        return "%s?IP=%s+Port=%s" % (LISTENER_URI, ip, port)

    # assertions
    def assertRan(self, run, rc=0):
        self.assertGreaterEqual(run.rc, 0, "killed by signal %d: %r" % (-run.rc, run))
        self.assertEqual(run.rc, rc, run)

    def assertOk(self, run):
        """Exit 0, nothing on stderr."""
        self.assertRan(run, 0)
        self.assertEqual(run.err, "", run)

    def assertSameXml(self, got, expected, run=None):
        """got and expected (text or elements) have the same elements,
        namespaces, attributes and texts, white space aside."""
        g = parse(got) if isinstance(got, (str, bytes)) else got
        e = parse(expected) if isinstance(expected, (str, bytes)) else expected
        gs, es = xml_shape(g), xml_shape(e)
        if gs != es:
            self.fail("XML differs\n--- expected ---\n%s\n--- got ---\n%s\n%r" % (
                "\n".join(shape_lines(es)), "\n".join(shape_lines(gs)), run))

    def assertXmlOut(self, run, expected):
        """Exit 0, stderr empty, stdout one XML document equal to expected."""
        self.assertOk(run)
        self.assertSameXml(run.out, expected, run)
        return parse(run.out)

    def assertSeedFault(self, run, fault):
        """Exit 1, nothing on stdout, stderr the seed's fault XML for
        (code, message) then its two lines: the error number and the
        reason."""
        code, message, number_line, reason = fault
        self.assertRan(run, 1)
        self.assertEqual(run.out, "", run)
        lines = run.err_lines
        self.assertGreaterEqual(len(lines), 3, run)
        self.assertEqual(lines[-2:], [number_line, reason], run)
        self.assertEqual(lines[-3].strip(), "</f:WSManFault>", run)
        self.assertSameXml("\n".join(lines[:-2]), seed_fault(code, message), run)

    def assertCannotConnect(self, run, *words):
        """Exit 1, nothing on stdout, the seed's message then a reason
        holding words."""
        self.assertRan(run, 1)
        self.assertEqual(run.out, "", run)
        lines = run.err_lines
        self.assertEqual(len(lines), 2, run)
        self.assertEqual(lines[0], CANNOT_CONNECT, run)
        for w in words:
            self.assertIn(w, lines[1], run)


# --- 1. the seed's commands on the control socket, then over HTTPS ------------------------

class SeedCommandsTest(CliCase):
    """A daemon with the seed's defaults; a certificate for host.fabrikam.com
    (also naming "host", the seed's Hostname, localhost, 127.0.0.1 and ::1)
    in its store.  winrm talks to the control socket here; the subclass
    SeedCommandsOverHttpsTest runs the same tests over HTTPS.

    transport_listener is (IP, Port) of a listener the transport itself
    uses (None here): enumerations must hold it exactly once, in the
    seed's shape, and the tests' own listeners are compared without it."""

    transport_listener = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pki = Pki()
        try:
            pem, key = cls.pki.issue("srv", HOST, dns=[HOST, "host", "localhost"], ips=["127.0.0.1", "::1"])
            cls.thumb = thumbprint(pem)
            before = cls.store_reads()
            install(cls.daemon.state_dir, "srv", pem, key)
            cls.wait_store(before, 1)
        except BaseException:
            cls.pki.cleanup()
            super().tearDownClass()
            raise

    # the configuration
    def test_get_config_is_the_seeds_text(self):
        run = self.winrm("get", CONFIG_URI)
        self.assertOk(run)
        self.assertEqual(run.out_lines, SEED_CONFIG_TEXT.splitlines(), run)
        self.assertEqual(run.out, SEED_CONFIG_TEXT, run)

    def test_get_config_xml_is_the_seeds(self):
        run = self.winrm("get", CONFIG_URI, "-format:#xml")
        self.assertXmlOut(run, SEED_CONFIG_XML)
        self.assertEqual(len(run.out_lines), 1, run)          # #xml: one line

    def test_get_config_pretty(self):
        run = self.winrm("get", CONFIG_URI, "-format:pretty")
        self.assertXmlOut(run, SEED_CONFIG_XML)
        lines = run.out_lines
        self.assertEqual(lines[0], '<cfg:Config xmlns:cfg="wsman:microsoft.com/wsman/2005/06/config.xsd">', run)
        self.assertEqual(lines[1], "  <cfg:MaxEnvelopeSizekb>50</cfg:MaxEnvelopeSizekb>", run)
        self.assertIn("        <cfg:Basic>false</cfg:Basic>", lines, run)    # Client/HTTP/Unencrypted/Basic
        self.assertEqual(lines[-1], "</cfg:Config>", run)

    def test_alias_and_socket_switch(self):
        """-socket: names the agent (WINRMD_SOCKET pointing nowhere); the
        winrm/config alias is today's view of the same store."""
        run = self.winrm("get", "winrm/config/service", "-socket:" + self.daemon.socket_path,
                         env={"WINRMD_SOCKET": "/nonexistent/winrmd.sock"})
        self.assertOk(run)
        self.assertEqual(run.out_lines[0], "Service", run)
        self.assertIn("    RootSDDL = " + SEED_SDDL, run.out_lines, run)
        self.assertIn("    MaxConnections = 5", run.out_lines, run)

    # Retrieve
    def test_invoke_retrieve_xml(self):
        run = self.winrm("invoke", "Retrieve", CERT_URI, '@{Hostname="%s"}' % HOST, "-format:#xml")
        self.assertXmlOut(run, seed_xml(SEED_RETRIEVE_OUTPUT).replace(SEED_THUMB, self.thumb))

    def test_invoke_retrieve_text(self):
        run = self.winrm("invoke", "Retrieve", CERT_URI, '@{Hostname="%s"}' % HOST)
        self.assertOk(run)
        self.assertEqual(run.out_lines, ["Retrieve_OUTPUT", "    CertificateThumbprint = " + self.thumb], run)

    def test_invoke_retrieve_without_a_certificate_is_32898(self):
        for fmt in ((), ("-format:#xml",)):
            with self.subTest(format=fmt):
                run = self.winrm("invoke", "Retrieve", CERT_URI, '@{Hostname="nohost.fabrikam.com"}', *fmt)
                self.assertSeedFault(run, NOT_FOUND_CERT)

    # Listeners
    def create_https(self, port, *fmt, hostname="host"):
        self.addCleanup(self.raw_delete_listener, port)
        return self.winrm("create", self.listener_uri(port),
                          '@{Hostname="%s";CertificateThumbprint="%s"}' % (hostname, self.thumb), *fmt)

    def assertCreated(self, run, port):
        """The seed's ResourceCreated, in what this daemon shares with it:
        the Address naming the resource, selectors IP and Port."""
        root = parse(run.out)
        self.assertOk(run)
        self.assertEqual(root.tag, "{%s}ResourceCreated" % NS_WXF, run)
        self.assertEqual(root.findtext("{%s}Address" % NS_WSA),
                         "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
                         "?ResourceURI=(wsman:microsoft.com/wsman/2005/06/config/listener)", run)
        sels = [(s.get("Name"), s.text) for s in root.iter() if isinstance(s.tag, str) and localname(s) == "Selector"]
        self.assertEqual(sels, [("IP", "127.0.0.1"), ("Port", str(port))], run)

    def test_create_https_listener(self):
        port = free_port()
        run = self.create_https(port, "-format:#xml")
        self.assertCreated(run, port)
        self.assertEqual(len(run.out_lines), 1, run)
        # it serves TLS with that certificate at once
        with host_connect("127.0.0.1", port, 5 * SLOW) as s:
            with ssl._create_unverified_context().wrap_socket(s, server_hostname="localhost") as t:
                self.assertEqual(hashlib.sha1(t.getpeercert(binary_form=True)).hexdigest(), self.thumb)

    def test_create_http_listener(self):
        port = free_port()
        self.addCleanup(self.raw_delete_listener, port)
        run = self.winrm("create", self.listener_uri(port), '@{Hostname="host";Transport="http"}', "-format:#xml")
        self.assertCreated(run, port)
        run = self.winrm("get", self.listener_uri(port))
        self.assertOk(run)
        self.assertEqual(run.out_lines, listener_text("127.0.0.1", port, "host", "", transport="HTTP"), run)

    def test_resource_created_is_the_seeds_whole(self):
        """The seed's ResourceCreated element by element: its SelectorSet in
        the 2005/06 management namespace, and nothing else in
        ReferenceParameters."""
        port = free_port()
        run = self.create_https(port, "-format:#xml")
        self.assertXmlOut(run, seed_xml(SEED_RESOURCE_CREATED, **{">192.168.2.1<": ">127.0.0.1<",
                                                                    ">443<": ">%d<" % port}))

    def own_listeners_xml(self, run):
        """The enumeration's root, with the transport listener (when there
        is one) taken out after checking it is there once, as created."""
        root = parse(run.out)
        for c in element_children(root):
            if c.get("Source") == "CommandLine":     # the harness's --listen one
                root.remove(c)
        if self.transport_listener:
            ip, port = self.transport_listener
            ns = "{wsman:microsoft.com/wsman/2005/06/config/listener.xsd}"
            theirs = [c for c in element_children(root)
                      if c.findtext(ns + "IP") == ip and c.findtext(ns + "Port") == str(port)]
            self.assertEqual(len(theirs), 1, run)
            self.assertSameXml(theirs[0], seed_listener(ip, port, "localhost", self.thumb).strip(), run)
            root.remove(theirs[0])
        return root

    def own_listeners_text(self, run):
        """The enumeration's text lines, with the transport listener's block
        (when there is one) taken out after checking it is there once."""
        lines = run.out_lines
        blocks, cur = [], []
        for ln in lines:
            if ln == "":
                blocks.append(cur)
                cur = []
            else:
                cur.append(ln)
        blocks.append(cur)
        # the harness's --listen listener is not one of the test's
        blocks = [b for b in blocks if not b or b[0] != 'Listener [Source="CommandLine"]']
        if not self.transport_listener:
            return [ln for i, b in enumerate(blocks) for ln in ([""] if i else []) + b]
        ip, port = self.transport_listener
        theirs = listener_text(ip, port, "localhost", self.thumb)
        self.assertEqual(blocks.count(theirs), 1, run)
        blocks.remove(theirs)
        return [ln for i, b in enumerate(blocks) for ln in ([""] if i else []) + b]

    def assertListenersXml(self, run, expected):
        """assertXmlOut for an enumeration of listeners: the tests' own
        listeners, exactly."""
        self.assertOk(run)
        self.assertSameXml(self.own_listeners_xml(run), expected, run)

    def test_enumerate_one_then_two(self):
        p1, p2 = sorted((free_port(), free_port()))
        self.assertOk(self.create_https(p1))
        run = self.winrm("enumerate", LISTENER_URI, "-format:#xml")
        self.assertListenersXml(run, seed_xml(SEED_RESULTS) % seed_listener("127.0.0.1", p1, "host", self.thumb))
        self.assertEqual(len(run.out_lines), 1, run)          # #xml: one line
        root = parse(run.out)
        self.assertEqual(root.tag, "{%s}Results" % NS_RESULTS)
        self.assertOk(self.create_https(p2))
        run = self.winrm("enumerate", LISTENER_URI, "-format:#xml")
        self.assertListenersXml(run, seed_xml(SEED_RESULTS) % (seed_listener("127.0.0.1", p1, "host", self.thumb) +
                                                               seed_listener("127.0.0.1", p2, "host", self.thumb)))
        run = self.winrm("enumerate", LISTENER_URI)
        self.assertOk(run)
        self.assertEqual(self.own_listeners_text(run), listener_text("127.0.0.1", p1, "host", self.thumb) + [""] +
                         listener_text("127.0.0.1", p2, "host", self.thumb), run)
        # the short form, enumerate's one-letter alias
        self.assertEqual(self.winrm("e", LISTENER_URI).out, run.out)

    def test_put_enabled_false(self):
        port = free_port()
        self.assertOk(self.create_https(port))
        run = self.winrm("put", self.listener_uri(port), '@{Enabled="False"}', "-format:#xml")
        self.assertXmlOut(run, seed_xml(SEED_PUT_OUTPUT).replace(">192.168.2.1<", ">127.0.0.1<").replace(
            ">443<", ">%d<" % port).replace(">amd64-r3-10.wmx.microsoft.com<", ">host<").replace(
            spaced(SEED_THUMB), spaced(self.thumb)))
        # closed at once
        with self.assertRaises(ConnectionRefusedError):
            host_connect("127.0.0.1", port, 5 * SLOW).close()
        # as text, and back on
        run = self.winrm("put", self.listener_uri(port), '@{Enabled="true"}')
        self.assertOk(run)
        self.assertEqual(run.out_lines, listener_text("127.0.0.1", port, "host", self.thumb), run)

    def test_put_with_the_wrong_case_is_32833(self):
        port = free_port()
        self.assertOk(self.create_https(port))
        for fmt in ((), ("-format:#xml",)):
            with self.subTest(format=fmt):
                run = self.winrm("put", self.listener_uri(port), '@{enabled="False"}', *fmt)
                self.assertSeedFault(run, UNKNOWN_ELEMENT)
        run = self.winrm("get", self.listener_uri(port))
        self.assertIn("    Enabled = true", run.out_lines, run)

    def test_delete_twice(self):
        port = free_port()
        self.assertOk(self.create_https(port))
        run = self.winrm("delete", self.listener_uri(port))
        self.assertOk(run)
        self.assertEqual(run.out, "", run)
        with self.assertRaises(ConnectionRefusedError):
            host_connect("127.0.0.1", port, 5 * SLOW).close()
        run = self.winrm("delete", self.listener_uri(port))
        self.assertSeedFault(run, NOT_FOUND)

    # this
    def assertThis(self, root):
        """The seed's t:This: vendor, version, the seed's actions, HTTPS with Basic."""
        self.assertEqual(root.tag, "{%s}This" % NS_THIS)
        self.assertEqual([localname(c) for c in element_children(root)],
                         ["Vendor", "Version", "Access", "Transports"])
        self.assertEqual(root.findtext("{%s}Vendor" % NS_THIS), "winrmd")
        self.assertRegex(root.findtext("{%s}Version" % NS_THIS), r"^OS: \S+ SP: \S+ Stack: \S+$")
        access = root.find("{%s}Access" % NS_THIS)
        self.assertEqual(access.findtext("{%s}Compliance" % NS_THIS), NS_WSMAN_2005)
        actions = [a.text for a in access.findall("{%s}Action" % NS_THIS)]
        self.assertEqual(actions[:5], SEED_THIS_ACTIONS)
        https = root.find("{%s}Transports/{%s}Transport[@Name='http://www.ietf.org/rfc/rfc2818.txt']"
                          % (NS_THIS, NS_THIS))
        self.assertIsNotNone(https)
        self.assertIn("wsman:auth/basic", [a.text for a in https.findall("{%s}Auth" % NS_THIS)])

    def test_get_this_locally(self):
        # as in the seed, an HTTPS listener exists (this lists HTTPS then)
        self.assertOk(self.create_https(free_port()))
        run = self.winrm("get", THIS_URI, "-format:#xml")
        self.assertOk(run)
        self.assertThis(parse(run.out))
        run = self.winrm("get", THIS_URI)
        self.assertOk(run)
        self.assertEqual(run.out_lines[:3], ["This", "    Vendor = winrmd", run.out_lines[2]], run)
        self.assertIn("    Access", run.out_lines, run)
        self.assertIn("        Compliance = " + NS_WSMAN_2005, run.out_lines, run)
        self.assertIn('        Transport [Name="http://www.ietf.org/rfc/rfc2818.txt"]', run.out_lines, run)

    def test_no_agent(self):
        """No agent behind the socket: the seed's message and the reason."""
        path = os.path.join(self.winrm.home, "nothing.sock")
        run = self.winrm("get", CONFIG_URI, env={"WINRMD_SOCKET": path})
        self.assertCannotConnect(run, path)


class RemoteWinrm(Winrm):
    """winrm with the same switches after every command: a remote target
    and its credentials.  WINRMD_SOCKET points where nothing listens, so a
    command that did not go over the network fails."""

    def __init__(self, switches):
        super().__init__()
        self.switches = tuple(switches)

    def __call__(self, *args, **kw):
        return super().__call__(*args, *self.switches, **kw)


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class SeedCommandsOverHttpsTest(SeedCommandsTest):
    """SeedCommandsTest's commands, verbatim, over HTTPS: each one with
    -r:https://[::1]:PORT/wsman (or localhost where there is no IPv6
    loopback), alice's Basic credentials and -cafile: the test CA, so the
    chain and the name are checked.  An administrator over loopback is
    local, so listener Create, Put and Delete are allowed.  The transport
    is an HTTPS listener made in setUpClass with the test certificate, on
    an address the tests' own listeners never use (::1) and a port of its
    own; enumerations are checked to hold it once and compared without
    it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            ip = "::1" if ipv6_loopback() else "127.0.0.1"
            port = free_port(ip)
            cls.raw_create_listener(port, "localhost", cls.thumb, ip=ip)
            cls.transport_listener = (ip, port)
            host = "[::1]" if ip == "::1" else "localhost"
            cls.winrm.cleanup()
            cls.winrm = RemoteWinrm(("-r:https://%s:%d/wsman" % (host, port), "-u:" + ADMIN_USER,
                                     "-p:" + ADMIN_PASS, "-cafile:" + cls.pki.ca_pem))
        except BaseException:
            cls.tearDownClass()
            raise

    def test_over_https(self):
        """The commands really go over HTTPS: the control socket winrm is
        given does not exist, and without -r: it cannot connect."""
        self.assertFalse(os.path.exists(self.winrm.socket_path))
        run = Winrm.__call__(self.winrm, "get", CONFIG_URI)
        self.assertCannotConnect(run, self.winrm.socket_path)
        run = self.winrm("get", CONFIG_URI)
        self.assertOk(run)
        self.assertNotIn(ADMIN_PASS, run.out + run.err)

    @unittest.skip("-socket: and WINRMD_SOCKET name the local agent's control socket, not a remote one")
    def test_alias_and_socket_switch(self):
        pass

    @unittest.skip("no agent behind the control socket: not a remote case (see RemoteTest.test_not_listening)")
    def test_no_agent(self):
        pass


# --- 2-4. remote access, the Client section, failures ------------------------------------

class RemoteTest(CliCase):
    """HTTPS listeners with a test CA's certificate (names localhost and
    127.0.0.1), with a self-signed one, with one for another name; a plain
    HTTP listener; client certificates from a second test CA."""

    CONFIG = dict(PLAIN_BASIC, **{"service.auth.certificate": "true"})

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pki, cls.clients = Pki(), Pki()
        try:
            cls._set_up()
        except BaseException:
            cls.pki.cleanup()
            cls.clients.cleanup()
            super().tearDownClass()
            raise

    @classmethod
    def _set_up(cls):
        p = cls.pki
        cls.srv = p.issue("srv", HOST, dns=[HOST, "localhost"], ips=["127.0.0.1"])
        cls.other = p.issue("other", "other.fabrikam.test", dns=["other.fabrikam.test"])
        cls.selfsigned = p.self_signed("self", "localhost", dns=["localhost"])
        cls.alice = cls.clients.issue("alice", "alice", upn="alice@fabrikam.test", purposes=("tls_www_client",))
        cls.issuer = ca_thumbprint(cls.clients)
        before = cls.store_reads()
        for name, pair in (("srv", cls.srv), ("other", cls.other), ("self", cls.selfsigned)):
            install(cls.daemon.state_dir, name, *pair)
        install(cls.daemon.state_dir, "clients", cls.clients.ca_pem, None, into="client-ca")
        cls.wait_store(before, 3)
        cls.port = free_port()           # test CA, names localhost
        cls.port_self = free_port()      # self-signed
        cls.port_other = free_port()     # names other.fabrikam.test only
        cls.port_http = free_port()
        cls.raw_create_listener(cls.port, HOST, thumbprint(cls.srv[0]))
        cls.raw_create_listener(cls.port_self, "localhost", thumbprint(cls.selfsigned[0]))
        cls.raw_create_listener(cls.port_other, "other.fabrikam.test", thumbprint(cls.other[0]))
        cls.raw_create_listener(cls.port_http, "host", transport="HTTP")

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.pki.cleanup()
            cls.clients.cleanup()

    def url(self, port=None, host="localhost", scheme="https"):
        return "-r:%s://%s:%d/wsman" % (scheme, host, port or self.port)

    BASIC = ("-u:" + ADMIN_USER, "-p:" + ADMIN_PASS)

    def assertConfigText(self, run):
        self.assertOk(run)
        self.assertEqual(run.out_lines[0], "Config", run)
        self.assertIn("        RootSDDL = " + SEED_SDDL, run.out_lines, run)

    # Basic over HTTPS
    def test_basic_over_https(self):
        run = self.winrm("get", CONFIG_URI, self.url(), *self.BASIC, "-skipCAcheck")
        self.assertConfigText(run)
        self.assertNotIn(ADMIN_PASS, run.out + run.err)

    def test_password_from_the_environment(self):
        run = self.winrm("get", CONFIG_URI, self.url(), "-u:" + ADMIN_USER, "-skipCAcheck",
                         env={"WINRM_PASSWORD": ADMIN_PASS})
        self.assertConfigText(run)

    def test_no_password_and_no_terminal(self):
        run = self.winrm("get", CONFIG_URI, self.url(), "-u:" + ADMIN_USER, "-skipCAcheck")
        self.assertRan(run, 2)
        self.assertEqual(run.out, "", run)
        self.assertEqual(len(run.err_lines), 1, run)
        self.assertIn("WINRM_PASSWORD", run.err, run)

    def test_the_seeds_target_form(self):
        run = self.winrm("get", THIS_URI, "-target:localhost:%d" % self.port, "-usessl", *self.BASIC,
                         "-skipCAcheck", "-format:#xml")
        self.assertOk(run)
        root = parse(run.out)
        self.assertEqual(root.tag, "{%s}This" % NS_THIS, run)
        self.assertEqual(root.findtext("{%s}Vendor" % NS_THIS), "winrmd", run)
        self.assertEqual([a.text for a in root.findall("{%s}Access/{%s}Action" % (NS_THIS, NS_THIS))][:5],
                         SEED_THIS_ACTIONS, run)

    def test_identify_anonymous(self):
        run = self.winrm("identify", self.url(), "-a:none", "-skipCAcheck")
        self.assertOk(run)
        lines = run.out_lines
        self.assertEqual(lines[:3], ["IdentifyResponse",
                                     "    ProtocolVersion = http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
                                     "    ProductVendor = winrmd"], run)
        self.assertRegex(lines[3], r"^    ProductVersion = OS: \S+ SP: \S+ Stack: \S+$")
        self.assertEqual(len(lines), 4, run)          # no security profiles without credentials
        run = self.winrm("identify", self.url(), "-a:none", "-skipCAcheck", "-format:#xml")
        self.assertOk(run)
        root = parse(run.out)
        self.assertEqual(root.tag, "{%s}IdentifyResponse" % NS_WSMID, run)
        self.assertEqual([localname(c) for c in element_children(root)],
                         ["ProtocolVersion", "ProductVendor", "ProductVersion"], run)

    def test_identify_with_basic(self):
        run = self.winrm("identify", self.url(), *self.BASIC, "-skipCAcheck")
        self.assertOk(run)
        self.assertEqual(run.out_lines[0], "IdentifyResponse", run)
        self.assertIn("    SecurityProfiles", run.out_lines, run)
        self.assertIn("http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/basic", run.out, run)

    # the server's certificate
    def test_a_trusted_ca_and_the_right_name(self):
        """-cafile: the test CA is trusted: the chain and the name are checked
        and pass, with no -skip switch; a CA that did not sign it fails."""
        run = self.winrm("get", CONFIG_URI, self.url(), *self.BASIC, "-cafile:" + self.pki.ca_pem)
        self.assertConfigText(run)
        run = self.winrm("get", CONFIG_URI, self.url(self.port_other), *self.BASIC, "-cafile:" + self.pki.ca_pem)
        self.assertCannotConnect(run, "does not name localhost", "-skipCNcheck")
        run = self.winrm("get", CONFIG_URI, self.url(), *self.BASIC, "-cafile:" + self.clients.ca_pem)
        self.assertCannotConnect(run, "not trusted", "-skipCAcheck")

    def test_unknown_ca_needs_skipcacheck(self):
        run = self.winrm("get", CONFIG_URI, self.url(), *self.BASIC)
        self.assertCannotConnect(run, "not trusted", "-skipCAcheck")

    def test_self_signed_needs_skipcacheck(self):
        run = self.winrm("identify", self.url(self.port_self), "-a:none")
        self.assertCannotConnect(run, "not trusted", "-skipCAcheck")
        run = self.winrm("identify", self.url(self.port_self), "-a:none", "-skipCAcheck")
        self.assertOk(run)
        self.assertEqual(run.out_lines[0], "IdentifyResponse", run)

    def test_name_mismatch_needs_skipcncheck(self):
        run = self.winrm("get", CONFIG_URI, self.url(self.port_other), *self.BASIC, "-skipCAcheck")
        self.assertCannotConnect(run, "does not name localhost", "other.fabrikam.test", "-skipCNcheck")
        run = self.winrm("get", CONFIG_URI, self.url(self.port_other), *self.BASIC, "-skipCAcheck",
                         "-skipCNcheck")
        self.assertConfigText(run)
        # the address itself is a name the certificate has
        run = self.winrm("get", CONFIG_URI, self.url(host="127.0.0.1"), *self.BASIC, "-skipCAcheck")
        self.assertConfigText(run)

    # failures
    def test_not_listening(self):
        closed = free_port()
        for args in (("get", CONFIG_URI, "-r:https://127.0.0.1:%d/wsman" % closed) + self.BASIC,
                     ("identify", "-r:https://127.0.0.1:%d/wsman" % closed, "-a:none"),
                     ("get", THIS_URI, "-target:127.0.0.1:%d" % closed, "-usessl") + self.BASIC):
            with self.subTest(args=args):
                run = self.winrm(*args)
                self.assertCannotConnect(run, "Connection refused")

    def test_wrong_password_is_a_401(self):
        run = self.winrm("get", CONFIG_URI, self.url(), "-u:" + ADMIN_USER, "-p:not-the-password", "-skipCAcheck")
        self.assertRan(run, 1)
        self.assertEqual(run.out, "", run)
        self.assertEqual(run.err_lines, [
            "Access is denied: https://localhost:%d/wsman refused the credentials (HTTP 401)." % self.port,
            "The service offers: Basic."], run)
        self.assertNotIn("not-the-password", run.err)

    # client certificates
    def map_alice(self):
        uri = "%s?Issuer=%s+Subject=alice@fabrikam.test+URI=*" % (MAP_ALIAS, self.issuer)
        run = self.winrm("create", uri, '@{UserName="%s"}' % ADMIN_USER, "-format:#xml")
        self.assertOk(run)
        sels = [(s.get("Name"), s.text) for s in parse(run.out).iter("{%s}Selector" % NS_WSMAN_DMTF)]
        self.assertEqual(sels, [("Issuer", self.issuer), ("Subject", "alice@fabrikam.test"), ("URI", "*")], run)
        self.addCleanup(self.winrm, "delete", uri)
        return uri

    def test_client_certificate(self):
        uri = self.map_alice()
        pem, key = self.alice
        combined = os.path.join(self.winrm.home, "alice-with-key.pem")
        with open(combined, "w") as f, open(pem) as a, open(key) as b:
            f.write(a.read() + b.read())
        certs = os.path.join(self.winrm.home, ".config", "winrm", "certs")
        os.makedirs(certs, exist_ok=True)
        shutil.copy(pem, os.path.join(certs, "alice.pem"))
        shutil.copy(key, os.path.join(certs, "alice.key"))
        for spec in (pem, combined, thumbprint(pem), spaced(thumbprint(pem).upper())):
            with self.subTest(certificate=spec):
                run = self.winrm("get", CONFIG_URI, self.url(), "-a:certificate", "-certificate:" + spec,
                                 "-skipCAcheck")
                self.assertConfigText(run)
        # -certificate alone implies -a:certificate
        self.assertConfigText(self.winrm("get", CONFIG_URI, self.url(), "-certificate:" + pem, "-skipCAcheck"))
        # the mapping deleted: refused
        run = self.winrm("delete", uri)
        self.assertOk(run)
        self.assertEqual(run.out, "", run)
        run = self.winrm("get", CONFIG_URI, self.url(), "-a:certificate", "-certificate:" + pem, "-skipCAcheck")
        self.assertRan(run, 1)
        self.assertEqual(run.out, "", run)
        self.assertIn("HTTP 401", run.err_lines[0], run)

    def test_client_ca_added_after_the_listener(self):
        """winrmd(8): the store is reread within a second of a change to the
        client CA folder; a listener bound before gets the new CA."""
        later = Pki()
        self.addCleanup(later.cleanup)
        pem, key = later.issue("carol", "carol", upn="alice@fabrikam.test", purposes=("tls_www_client",))
        before = self.store_reads()
        install(self.daemon.state_dir, "later", later.ca_pem, None, into="client-ca")
        self.addCleanup(os.unlink, os.path.join(self.daemon.state_dir, "client-ca", "later.pem"))
        self.wait_store(before, 3)
        uri = "%s?Issuer=%s+Subject=alice@fabrikam.test+URI=*" % (MAP_ALIAS, ca_thumbprint(later))
        self.assertOk(self.winrm("create", uri, '@{UserName="%s"}' % ADMIN_USER))
        self.addCleanup(self.winrm, "delete", uri)
        run = self.winrm("get", CONFIG_URI, self.url(), "-certificate:" + pem, "-skipCAcheck")
        self.assertConfigText(run)

    def test_certificate_needs_https(self):
        run = self.winrm("get", CONFIG_URI, self.url(self.port_http, scheme="http"), "-a:certificate",
                         "-certificate:" + self.alice[0])
        self.assertRan(run, 2)
        self.assertEqual(run.out, "", run)
        self.assertEqual(len(run.err_lines), 1, run)
        self.assertIn("HTTPS", run.err, run)

    # values that must arrive as typed
    def test_selector_values_with_plus_equals_semicolon_and_utf8(self):
        for typed, meant in (("a%2Bb=c;d@fabrikam.test", "a+b=c;d@fabrikam.test"),
                             ("zoë@fabrikam.test", "zoë@fabrikam.test")):
            with self.subTest(subject=meant):
                uri = "%s?Issuer=%s+Subject=%s+URI=*" % (MAP_ALIAS, self.issuer, typed)
                run = self.winrm("create", uri, '@{UserName="%s"}' % ADMIN_USER, "-format:#xml")
                self.assertOk(run)
                self.addCleanup(self.winrm, "delete", uri)
                sels = dict((s.get("Name"), s.text) for s in parse(run.out).iter("{%s}Selector" % NS_WSMAN_DMTF))
                self.assertEqual(sels["Subject"], meant, run)
                run = self.winrm("get", uri)
                self.assertOk(run)
                self.assertEqual(run.out_lines, ["certmapping", "    Issuer = " + self.issuer,
                                                 "    Subject = " + meant, "    URI = *",
                                                 "    UserName = " + ADMIN_USER, "    Enabled = true"], run)
                run = self.winrm("delete", uri)
                self.assertOk(run)

    def test_quoted_value_with_semicolons(self):
        sddl = "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;IU)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)"
        self.addCleanup(self.winrm, "set", CONFIG_URI, '@{RootSDDL="%s"}' % SEED_SDDL)
        run = self.winrm("set", CONFIG_URI, '@{RootSDDL="%s"}' % sddl)
        self.assertOk(run)
        self.assertIn("        RootSDDL = " + sddl, run.out_lines, run)
        run = self.winrm("get", CONFIG_URI, "-format:#xml")
        self.assertOk(run)
        self.assertEqual(parse(run.out).findtext(".//{wsman:microsoft.com/wsman/2005/06/config.xsd}RootSDDL"),
                         sddl, run)

    def test_quoted_values_reach_the_service_intact(self):
        """TrustedHosts refuses these values and its fault quotes them back:
        ';', '=' and UTF-8 inside quotes arrive as typed."""
        for value in ("a;b=c", "hôte.example,zoë"):
            with self.subTest(value=value):
                run = self.winrm("set", "winrm/config/client", '@{TrustedHosts="%s"}' % value)
                self.assertRan(run, 1)
                self.assertEqual(run.out, "", run)
                self.assertIn('<f:Message>The value "%s" is not valid for TrustedHosts.</f:Message>' % value,
                              run.err_lines[1], run)
                self.assertEqual(run.err_lines[-1], "The parameter is incorrect.", run)

    # 3. the Client section
    def test_client_section_decides_basic_over_http(self):
        http = self.url(self.port_http, host="127.0.0.1", scheme="http")

        def restore():
            self.winrm("set", "winrm/config/client", '@{AllowUnencrypted="false"}')
        self.addCleanup(restore)

        def refused(*extra):
            run = self.winrm("identify", http, *self.BASIC, *extra)
            self.assertRan(run, 2)
            self.assertEqual(run.out, "", run)
            self.assertEqual(len(run.err_lines), 1, run)
            for w in ("Client/HTTP/Unencrypted/Basic", "-unencrypted", "Client/AllowUnencrypted"):
                self.assertIn(w, run.err, run)

        def works(*extra):
            run = self.winrm("identify", http, *self.BASIC, *extra)
            self.assertOk(run)
            self.assertIn("http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/basic", run.out, run)

        refused()
        refused("-unencrypted")
        # the seed's nested Client/HTTP/Unencrypted/Basic: the first Basic in the tree
        run = self.winrm("set", CONFIG_URI, '@{Basic="true"}')
        self.assertOk(run)
        self.assertEqual(run.out_lines[11:15], ["            Unencrypted", "                Basic = true",
                                                "                Digest = false",
                                                "                Negotiate = false"], run)
        works()
        run = self.winrm("set", CONFIG_URI, '@{Basic="false"}')
        self.assertOk(run)
        self.assertEqual(run.out_lines[12], "                Basic = false", run)
        refused()
        # today's AllowUnencrypted with Basic taken off the plain schemes: -unencrypted
        self.assertOk(self.winrm("set", "winrm/config/client", '@{AllowUnencrypted="true"}'))
        self.assertOk(self.winrm("set", CONFIG_URI, '@{Basic="false"}'))
        refused()
        works("-unencrypted")


# --- fakes: servers that misbehave ----------------------------------------------------------

class FakeServerTest(unittest.TestCase):
    """winrm against tiny servers on loopback; no agent is asked."""

    @classmethod
    def setUpClass(cls):
        skip_unless_winrm()
        cls.winrm = Winrm()

    @classmethod
    def tearDownClass(cls):
        cls.winrm.cleanup()

    def server(self, reply):
        s = FakeServer(reply)
        self.addCleanup(s.close)
        return s

    def run_against(self, srv, *extra):
        return self.winrm("identify", "-r:http://127.0.0.1:%d/wsman" % srv.port, "-a:none", "-timeout:5000",
                          *extra)

    def assertFailed(self, run, lines):
        self.assertGreaterEqual(run.rc, 0, run)
        self.assertEqual(run.rc, 1, run)
        self.assertEqual(run.out, "", run)
        self.assertEqual(run.err_lines, lines, run)

    def test_a_reply_that_is_not_xml(self):
        srv = self.server(lambda req: http_response(200, "OK", b"this is <<not XML at all",
                                                    [("Content-Type", "text/plain"), ("Content-Length", "24")]))
        run = self.run_against(srv)
        self.assertFailed(run, ["The service answered HTTP 200 with a body that is not a SOAP envelope."])
        self.assertEqual(len(srv.requests), 1)
        self.assertIn(b"Identify", srv.requests[0])

    def test_a_server_that_closes_mid_reply(self):
        srv = self.server(lambda req: http_response(200, "OK", b"<s:Envelope xmlns:s=",
                                                    [("Content-Type", "application/soap+xml"),
                                                     ("Content-Length", "500")]))
        self.assertFailed(self.run_against(srv),
                          [CANNOT_CONNECT, "The server closed the connection in the middle of its reply."])

    def test_a_server_that_closes_without_replying(self):
        srv = self.server(lambda req: b"")
        run = self.run_against(srv)
        self.assertEqual(run.rc, 1, run)
        self.assertEqual(run.out, "", run)
        self.assertEqual(len(run.err_lines), 2, run)
        self.assertEqual(run.err_lines[0], CANNOT_CONNECT, run)
        self.assertRegex(run.err_lines[1], r"^The server .*127\.0\.0\.1.* closed the connection without replying\.$")

    def test_a_401_names_the_schemes_offered(self):
        srv = self.server(lambda req: http_response(401, "Unauthorized", b"",
                                                    [("WWW-Authenticate", "Negotiate"),
                                                     ("WWW-Authenticate", 'Basic realm="WSMAN"'),
                                                     ("Content-Length", "0")]))
        run = self.run_against(srv)
        self.assertEqual(run.rc, 1, run)
        self.assertEqual(run.out, "", run)
        self.assertEqual(len(run.err_lines), 2, run)
        self.assertIn("HTTP 401", run.err_lines[0], run)
        self.assertIn("Negotiate", run.err_lines[1], run)
        self.assertIn("Basic", run.err_lines[1], run)

    def test_server_text_never_reaches_the_terminal_raw(self):
        """winrm(1)/output.c: nothing the server sends reaches the terminal
        raw.  A body that is not XML, holding terminal escape sequences:
        one line of stderr, no escape character."""
        body = b"hello \x1b]0;PWNED\x07 \x1b[31mred"
        srv = self.server(lambda req: http_response(200, "OK", body, [("Content-Type", "text/plain"),
                                                                      ("Content-Length", str(len(body)))]))
        run = self.run_against(srv)
        self.assertEqual(run.rc, 1, run)
        self.assertNotIn(b"\x1b", run.err_bytes + run.out_bytes, run)
        self.assertFailed(run, ["The service answered HTTP 200 with a body that is not a SOAP envelope."])

    def test_c1_controls_in_a_reply_are_escaped(self):
        """A C1 control (U+009B, CSI) in a reply's text is printed as \\u009B."""
        body = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
                '<i:IdentifyResponse xmlns:i="%s"><i:ProductVendor>A\u009b31mB</i:ProductVendor>'
                '</i:IdentifyResponse></s:Body></s:Envelope>' % NS_WSMID).encode("utf-8")
        srv = self.server(lambda req: http_response(200, "OK", body, [("Content-Type", "application/soap+xml"),
                                                                      ("Content-Length", str(len(body)))]))
        run = self.run_against(srv)
        self.assertEqual(run.rc, 0, run)
        self.assertEqual(run.out_lines, ["IdentifyResponse", "    ProductVendor = A\\u009B31mB"], run)
        self.assertNotIn("\u009b", run.out, run)

    def test_xml_that_is_not_soap_is_an_error(self):
        """A 200 whose body is XML but no SOAP envelope is no answer: status
        1 and a message, not a silent success."""
        body = b"<foo>bar</foo>"
        srv = self.server(lambda req: http_response(200, "OK", body, [("Content-Type", "application/soap+xml"),
                                                                      ("Content-Length", str(len(body)))]))
        for args in (("identify",), ("get", CONFIG_URI)):
            with self.subTest(args=args):
                run = self.winrm(*args, "-r:http://127.0.0.1:%d/wsman" % srv.port, "-a:none", "-timeout:5000")
                self.assertGreaterEqual(run.rc, 0, run)
                self.assertEqual(run.rc, 1, run)
                self.assertEqual(run.out, "", run)
                self.assertEqual(len(run.err_lines), 1, run)

    def test_tls_to_a_plain_server(self):
        srv = self.server(lambda req: b"")
        run = self.winrm("identify", "-r:https://127.0.0.1:%d/wsman" % srv.port, "-a:none", "-timeout:5000")
        self.assertEqual(run.rc, 1, run)
        self.assertEqual(run.out, "", run)
        self.assertEqual(run.err_lines[0], CANNOT_CONNECT, run)
        self.assertEqual(len(run.err_lines), 2, run)


# --- 6. command lines that do not parse ---------------------------------------------------

class BadCommandLineTest(unittest.TestCase):
    """Each: exit 2, exactly one line on stderr, nothing on stdout, no
    signal; nothing is sent (no agent is reachable anyway)."""

    @classmethod
    def setUpClass(cls):
        skip_unless_winrm()
        cls.winrm = Winrm()

    @classmethod
    def tearDownClass(cls):
        cls.winrm.cleanup()

    L = LISTENER_URI + "?IP=127.0.0.1+Port=5986"
    CASES = [
        ("unbalanced @{", ["create", L, '@{Hostname="host"'], "not closed"),
        ("unclosed quote", ["create", L, '@{Hostname="host}'], "not closed"),
        ("unquoted value holding ;", ["create", L, "@{Hostname=a;b}"], 'expected Name="value"'),
        ("text after }", ["create", L, '@{Hostname="a"}x'], "follows the closing"),
        ("a name given twice", ["create", L, '@{Hostname="a";Hostname="b"}'], "twice"),
        ("control character in a value", ["create", L, '@{Hostname="a\tb\x01"}'], "control characters"),
        ("two @{...}", ["create", L, '@{Hostname="a"}', '@{Port="1"}'], "Only one"),
        ("+ in a selector value", ["get", LISTENER_URI + "?IP=127.0.0.1+Port=59+86"],
         'The selector "86" needs a name and a value'),
        ("+ without ?", ["get", CONFIG_URI + "+Port=1"], "has a '+' but no '?'"),
        ("bad %-escape", ["get", LISTENER_URI + "?IP=127.0.0.1+Port=5%G6"], "%-escape"),
        ("unknown switch", ["get", CONFIG_URI, "-bogus:1"], 'The switch "-bogus:1" is not known'),
        ("unknown verb", ["frobnicate", CONFIG_URI], '"frobnicate" is not a winrm command'),
        ("no URI", ["get"], "needs a resource URI"),
        ("invoke without a method", ["invoke", CERT_URI], None),
        ("bad -format", ["get", CONFIG_URI, "-format:json"], "-format"),
        ("bad -timeout", ["get", CONFIG_URI, "-timeout:-5"], "-timeout"),
        ("a flag with a value", ["get", CONFIG_URI, "-usessl:yes"], "takes no value"),
        ("unknown authentication", ["get", CONFIG_URI, "-r:localhost", "-a:magic"], "not an authentication"),
        ("negotiate", ["get", CONFIG_URI, "-r:localhost", "-a:negotiate", "-u:x"], "not available"),
        ("remote without credentials", ["get", CONFIG_URI, "-r:https://localhost:1/wsman"], "credentials"),
        ("-a: locally", ["get", CONFIG_URI, "-a:basic"], "-r:"),
        ("bad port", ["get", CONFIG_URI, "-r:localhost:99999", "-a:none"], "not a port"),
        ("usessl against http://", ["get", CONFIG_URI, "-r:http://localhost/wsman", "-usessl", "-a:none"],
         "-usessl"),
        ("both -file and @{...}", ["create", L, "-file:/dev/null", '@{Hostname="a"}'], "either"),
        ("quickconfig remotely", ["quickconfig", "-q", "-r:https://localhost:1/wsman", "-a:none"], "here"),
        ("quickconfig bad transport", ["quickconfig", "-q", "-transport:ftp"], "-transport"),
    ]

    def test_each_is_one_line_and_status_2(self):
        for name, args, words in self.CASES:
            with self.subTest(name=name):
                run = self.winrm(*args)
                self.assertGreaterEqual(run.rc, 0, run)
                self.assertEqual(run.rc, 2, run)
                self.assertEqual(run.out, "", run)
                self.assertEqual(len(run.err_lines), 1, run)
                if words:
                    self.assertIn(words, run.err, run)

    def test_a_user_name_basic_cannot_carry(self):
        """A user name with ':' or a line break cannot be sent with Basic:
        a command-line error (status 2, one line), not a failed connection."""
        for user in ("a:b", "a\nb"):
            with self.subTest(user=user):
                run = self.winrm("get", CONFIG_URI, "-r:https://127.0.0.1:1/wsman", "-u:" + user, "-p:x")
                self.assertEqual(run.rc, 2, run)
                self.assertEqual(run.out, "", run)
                self.assertEqual(len(run.err_lines), 1, run)
                self.assertNotIn(CANNOT_CONNECT, run.err, run)

    def test_an_unquoted_value_may_hold_equals(self):
        """winrm(1): an unquoted value ends at ';' or '}' only, so "a=b" is
        one value (it reaches the agent, which is not there: status 1)."""
        run = self.winrm("create", self.L, "@{Hostname=a=b}")
        self.assertEqual(run.rc, 1, run)
        self.assertEqual(run.err_lines[0], CANNOT_CONNECT, run)

    def test_a_shell_split_property_set_is_joined(self):
        """@{Hostname="a b"} split by a shell into two arguments is one set."""
        run = self.winrm("create", self.L, '@{Hostname="a', 'b"}')
        self.assertEqual(run.rc, 1, run)          # parsed; no agent
        self.assertEqual(run.err_lines[0], CANNOT_CONNECT, run)


# --- 7. help ----------------------------------------------------------------------------------

class HelpTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        skip_unless_winrm()
        cls.winrm = Winrm()

    @classmethod
    def tearDownClass(cls):
        cls.winrm.cleanup()

    def assertHelp(self, args, first):
        run = self.winrm(*args)
        self.assertEqual(run.rc, 0, run)
        self.assertEqual(run.err, "", run)
        self.assertGreater(len(run.out_lines), 3, run)
        self.assertTrue(run.out_lines[0].startswith(first), run)
        return run

    def test_general(self):
        for args in (["-?"], ["/?"], ["help"], []):
            with self.subTest(args=args):
                run = self.assertHelp(args, "winrm - WS-Management from the command line")
                for topic in ("uris", "aliases", "config", "remoting", "switches"):
                    self.assertTrue(any(ln.startswith("  winrm help " + topic) for ln in run.out_lines), run)

    def test_topics(self):
        for topic, first in (("uris", "Resource URIs"), ("aliases", "Aliases"), ("config", "Configuration"),
                             ("remoting", "Remote access"), ("switches", "Switches")):
            with self.subTest(topic=topic):
                self.assertHelp(["help", topic], first)

    def test_operations(self):
        for verb, first in (("get", "winrm get RESOURCE_URI"), ("g", "winrm get RESOURCE_URI"),
                            ("set", "winrm set RESOURCE_URI"), ("create", "winrm create"),
                            ("delete", "winrm delete"), ("enumerate", "winrm enumerate"),
                            ("invoke", "winrm invoke METHOD"), ("identify", "winrm identify"),
                            ("quickconfig", "winrm quickconfig")):
            with self.subTest(verb=verb):
                self.assertHelp([verb, "-?"], first)

    def test_unknown_topic(self):
        run = self.winrm("help", "nonsense")
        self.assertEqual(run.rc, 2, run)
        self.assertEqual(run.out, "", run)
        self.assertEqual(len(run.err_lines), 1, run)
        self.assertIn("nonsense", run.err, run)


# --- 5. quickconfig ------------------------------------------------------------------------

NETNS = "winrm-cli-%d" % os.getpid()


class QuickconfigTest(CliCase):
    """winrm quickconfig -q on a daemon without listeners.  The daemon runs
    in a private network namespace where 5985 and 5986 are surely free;
    where namespaces cannot be made, in this one if those ports are free
    (else the class is skipped)."""

    netns = None

    @classmethod
    def setUpClass(cls):
        skip_unless_winrm()
        cls.netns = Netns.make(NETNS)
        if cls.netns:
            cls.DAEMON_PREFIX = cls.netns.prefix()
            cls.connect = staticmethod(cls.netns.connect)
        else:
            for port in (5985, 5986):
                s = socket.socket()
                try:
                    s.bind(("0.0.0.0", port))
                except OSError as e:
                    raise unittest.SkipTest("no network namespace (%s) and port %d is busy here: %s"
                                            % (Netns.why, port, e))
                finally:
                    s.close()
            cls.connect = staticmethod(host_connect)
        try:
            super().setUpClass()
        except BaseException:
            cls._drop_netns()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._drop_netns()

    @classmethod
    def _drop_netns(cls):
        if cls.netns:
            cls.netns.delete()
            cls.netns = None

    def snapshot(self):
        """The store's bytes: winrmd.conf and every file of certs/."""
        out = {}
        with open(os.path.join(self.daemon.state_dir, "winrmd.conf"), "rb") as f:
            out["winrmd.conf"] = f.read()
        certs = os.path.join(self.daemon.state_dir, "certs")
        for name in sorted(os.listdir(certs)):
            with open(os.path.join(certs, name), "rb") as f:
                out["certs/" + name] = f.read()
        return out

    def listeners(self):
        run = self.winrm("enumerate", "winrm/config/listener", "-format:#xml")
        self.assertOk(run)
        return [dict((localname(c), c.text or "") for c in element_children(item))
                for item in element_children(parse(run.out)) if item.get("Source") != "CommandLine"]

    def test_https(self):
        host = socket.gethostname()
        self.assertEqual(self.listeners(), [])
        run = self.winrm("quickconfig", "-q")
        self.addCleanup(self.winrm, "delete", "winrm/config/listener?Address=*+Transport=HTTPS")
        self.assertOk(run)
        certs = os.path.join(self.daemon.state_dir, "certs")
        pem = os.path.join(certs, "quickconfig-%s.pem" % host)
        key = os.path.join(certs, "quickconfig-%s.key" % host)
        self.assertTrue(os.path.exists(pem), run)
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        thumb = thumbprint(pem)
        lines = run.out_lines
        self.assertEqual(lines[0], "This host is not set up for remote management over HTTPS.", run)
        self.assertIn("Create a self-signed certificate for %s in %s." % (host, certs), lines, run)
        self.assertIn("WinRM has been updated for remote management.", lines, run)
        self.assertIn("with the certificate %s." % thumb, lines, run)
        got = self.listeners()
        self.assertEqual(len(got), 1, got)
        self.assertEqual((got[0]["Address"], got[0]["Transport"], got[0]["Port"], got[0]["Enabled"],
                          got[0]["CertificateThumbprint"]), ("*", "HTTPS", "5986", "true", thumb), got)
        # it serves TLS with that certificate
        with self.connect("127.0.0.1", 5986, 5 * SLOW) as s:
            with ssl._create_unverified_context().wrap_socket(s, server_hostname="localhost") as t:
                self.assertEqual(hashlib.sha1(t.getpeercert(binary_form=True)).hexdigest(), thumb)
        # again: nothing to change, nothing changed
        before = self.snapshot()
        run = self.winrm("quickconfig", "-q")
        self.assertOk(run)
        self.assertEqual(run.out_lines, ["WinRM service is already running on this machine.",
                                         "winrmd already has an HTTPS listener on port 5986: nothing to change."],
                         run)
        time.sleep(0.2)
        self.assertEqual(self.snapshot(), before)
        run = self.winrm("delete", "winrm/config/listener?Address=*+Transport=HTTPS")
        self.assertOk(run)
        self.assertEqual(self.listeners(), [])
        os.unlink(pem)
        os.unlink(key)

    def test_https_with_a_certificate_for_this_host(self):
        """Retrieve finds a certificate for this host's name: quickconfig
        uses it and makes none."""
        host = socket.gethostname()
        pki = Pki()
        self.addCleanup(pki.cleanup)
        pem, key = pki.issue("mine", host, dns=[host, "localhost"])
        thumb = thumbprint(pem)
        certs = os.path.join(self.daemon.state_dir, "certs")
        before = self.store_reads()
        install(self.daemon.state_dir, "00-mine", pem, key)
        for name in ("00-mine.pem", "00-mine.key"):
            self.addCleanup(os.unlink, os.path.join(certs, name))
        self.wait_store(before, len([n for n in os.listdir(certs) if n.endswith(".pem")]))
        run = self.winrm("quickconfig", "-q")
        self.addCleanup(self.winrm, "delete", "winrm/config/listener?Address=*+Transport=HTTPS")
        self.assertOk(run)
        self.assertIn("Use the certificate %s for %s." % (thumb, host), run.out_lines, run)
        self.assertFalse(any("self-signed" in ln for ln in run.out_lines), run)
        self.assertFalse(os.path.exists(os.path.join(certs, "quickconfig-%s.pem" % host)))
        got = self.listeners()
        self.assertEqual([(x["Port"], x["CertificateThumbprint"]) for x in got], [("5986", thumb)], got)
        with self.connect("127.0.0.1", 5986, 5 * SLOW) as s:
            with ssl._create_unverified_context().wrap_socket(s, server_hostname="localhost") as t:
                self.assertEqual(hashlib.sha1(t.getpeercert(binary_form=True)).hexdigest(), thumb)

    def test_http(self):
        self.assertEqual([ln for ln in self.listeners() if ln["Transport"] == "HTTP"], [])
        run = self.winrm("quickconfig", "-q", "-transport:http")
        self.addCleanup(self.winrm, "delete", "winrm/config/listener?Address=*+Transport=HTTP")
        self.assertOk(run)
        self.assertEqual(run.out_lines[0], "This host is not set up for remote management over HTTP.", run)
        got = [ln for ln in self.listeners() if ln["Transport"] == "HTTP"]
        self.assertEqual(len(got), 1, got)
        self.assertEqual((got[0]["Address"], got[0]["Port"], got[0]["Enabled"]), ("*", "5985", "true"), got)
        # the anonymous Identify over it
        with self.connect("127.0.0.1", 5985, 5 * SLOW) as s:
            body = (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
                    b'xmlns:wsmid="%s"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>'
                    % NS_WSMID.encode())
            s.sendall(b"POST /wsman HTTP/1.1\r\nHost: x\r\nWSMANIDENTIFY: unauthenticated\r\n"
                      b"Content-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: %d\r\n\r\n%s"
                      % (len(body), body))
            self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 200 "))
        before = self.snapshot()
        run = self.winrm("quickconfig", "-q", "-transport:http")
        self.assertOk(run)
        self.assertEqual(run.out_lines, ["WinRM service is already running on this machine.",
                                         "winrmd already has an HTTP listener on port 5985: nothing to change."],
                         run)
        self.assertEqual(self.snapshot(), before)


if __name__ == "__main__":
    unittest.main()
