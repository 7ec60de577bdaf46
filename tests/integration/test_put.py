"""Put of a whole representation (issue 13): what a client Gets it may send
back with one field changed.  Read-only and key fields sent back unchanged,
and the output-only ones (ListeningOn, CertificateThumbprintInUse, Source),
are accepted and ignored; a change to a read-only or key field is refused
with x:InvalidRepresentation, the DSP0226 ReadOnly fault detail and a
message naming the field.  And a Put that sends back exactly what Get
returned changes nothing: every resource the agent serves with Put (found
through the plugin configuration, so a new one cannot be missed), in both
generations, leaves the store byte for byte and every Get as they were."""

import os
import unittest

from lxml import etree

from harness import (NS, PLAIN_BASIC, T_GET, T_PUT, E_ENUMERATE, E_PULL, DaemonTestCase, envelope)
from listener_helpers import (CUR_URI, LEGACY_NS, LEGACY_URI, T_CREATE, T_DELETE, Current, Legacy,
                              ListenerCase, fields_of, free_port, listener_doc, refuses, serves)
from test_config_limits import build_hello

READ_ONLY_DETAIL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/ReadOnly"
INVALID_REPRESENTATION = ("x", "InvalidRepresentation")
PLUGIN_URI = "http://schemas.microsoft.com/wbem/wsman/1/config/plugin"
PLUGIN_NS = "http://schemas.microsoft.com/wbem/wsman/1/config/PluginConfiguration"
MAP_URI = "http://schemas.microsoft.com/wbem/wsman/1/config/service/certmapping"
CONFIG_URIS = {
    "wsman:microsoft.com/wsman/2005/06/config",
    "http://schemas.microsoft.com/wbem/wsman/1/config",
    "http://schemas.microsoft.com/wbem/wsman/1/config/client",
    "http://schemas.microsoft.com/wbem/wsman/1/config/client/auth",
    "http://schemas.microsoft.com/wbem/wsman/1/config/service",
    "http://schemas.microsoft.com/wbem/wsman/1/config/service/auth",
    "http://schemas.microsoft.com/wbem/wsman/1/config/winrs",
    "winrm/config", "winrm/config/client", "winrm/config/client/auth", "winrm/config/service",
    "winrm/config/service/auth", "winrm/config/winrs",
}
LISTENER_URIS = {LEGACY_URI, CUR_URI, "winrm/config/listener"}
PLUGIN_URIS = {PLUGIN_URI, "winrm/config/plugin"}
MAP_URIS = {MAP_URI, "winrm/config/service/certmapping"}


def body_of(resp):
    """The one element of a reply's s:Body."""
    body = resp.doc.find("s:Body", NS)
    kids = [k for k in body if isinstance(k.tag, str)]
    assert len(kids) == 1, resp
    return kids[0]


def canon(elem):
    """elem as canonical XML (C14N), for comparing two replies."""
    return etree.tostring(elem, method="c14n")


def with_field(elem, name, text):
    """A copy of the Listener elem with field name's text replaced (the
    field added at the end when elem has none)."""
    out = etree.fromstring(etree.tostring(elem))
    ns = etree.QName(out).namespace
    f = out.find("{%s}%s" % (ns, name))
    if f is None:
        f = etree.SubElement(out, "{%s}%s" % (ns, name))
    f.text = text
    return out


def sel(view, ip, port):
    """Selectors that name the one listener on ip and port in either view."""
    return view.sel(ip, port) if view.legacy else view.sel_port(ip, port)


class WholeListenerPutTest(ListenerCase):
    """Get, change Enabled, send the whole representation back."""

    def make(self, view, ip, via="unix"):
        port = free_port(ip)
        self.delete_later(Legacy, ip, port)
        self.assertSoap(self.send(T_CREATE, view, sel(view, ip, port),
                                  listener_doc(view.ns, view.create_fields(port)), via=via), 200)
        return port

    def roundtrip(self, view, ip, via):
        port = self.make(view, ip, via)
        self.assertTrue(serves(ip, port))
        got = body_of(self.send(T_GET, view, sel(view, ip, port), via=via))
        self.assertListener(got, view, view.expected(ip, port, True))
        # off: the whole document, ListeningOn and all, with Enabled changed
        resp = self.send(T_PUT, view, sel(view, ip, port),
                         etree.tostring(with_field(got, "Enabled", "false")).decode(), via=via)
        self.assertListener(self.body_child(resp, "{%s}Listener" % view.ns), view,
                            view.expected(ip, port, False))
        self.assertTrue(refuses(ip, port), "port %d still open after Enabled=false" % port)
        self.assertTrue(any("port=%d enabled=false" % port in ln for ln in self.stored()), self.stored())
        # on again, from the document the Put answered
        off = body_of(self.send(T_GET, view, sel(view, ip, port), via=via))
        resp = self.send(T_PUT, view, sel(view, ip, port),
                         etree.tostring(with_field(off, "Enabled", "true")).decode(), via=via)
        self.assertSoap(resp, 200)
        self.assertTrue(serves(ip, port), "port %d not serving after Enabled=true" % port)
        self.assertListener(body_of(self.send(T_GET, view, sel(view, ip, port), via=via)), view,
                            view.expected(ip, port, True))

    def test_legacy_control_socket(self):
        self.roundtrip(Legacy, "127.0.0.1", "unix")

    def test_current_control_socket(self):
        self.roundtrip(Current, "127.0.0.1", "unix")

    def test_legacy_over_tcp(self):
        self.roundtrip(Legacy, "127.0.0.1", "tcp")

    def test_current_over_tcp(self):
        self.roundtrip(Current, "127.0.0.1", "tcp")

    def test_current_ipv6(self):
        self.roundtrip(Current, "::1", "unix")

    def test_output_only_fields_are_ignored(self):
        """ListeningOn, CertificateThumbprintInUse and Source report what the
        agent does; sent back with whatever value, they change nothing."""
        port = self.make(Current, "127.0.0.1")
        got = body_of(self.send(T_GET, Current, sel(Current, "127.0.0.1", port)))
        before = self.stored()
        doc = with_field(got, "CertificateThumbprintInUse", "ab" * 20)
        ns = etree.QName(doc).namespace
        etree.SubElement(doc, "{%s}ListeningOn" % ns).text = "192.0.2.1"
        etree.SubElement(doc, "{%s}Source" % ns).text = "GPO"
        resp = self.send(T_PUT, Current, sel(Current, "127.0.0.1", port), etree.tostring(doc).decode(),
                         via="tcp")
        self.assertListener(self.body_child(resp, "{%s}Listener" % CUR_URI), Current,
                            Current.expected("127.0.0.1", port, True))
        self.assertEqual(self.stored(), before)
        self.assertTrue(serves("127.0.0.1", port))

    def test_key_fields_in_other_spellings_are_the_same(self):
        """Key values compare as values: an IPv6 address written out in full,
        a transport in lower case, are the record's own."""
        port = self.make(Current, "::1")
        got = body_of(self.send(T_GET, Current, sel(Current, "::1", port)))
        before = self.stored()
        doc = with_field(with_field(got, "Address", "ip:0:0:0:0:0:0:0:1"), "Transport", "http")
        resp = self.send(T_PUT, Current, sel(Current, "::1", port), etree.tostring(doc).decode())
        self.assertSoap(resp, 200)
        legacy = body_of(self.send(T_GET, Legacy, sel(Legacy, "::1", port)))
        doc = with_field(with_field(legacy, "IP", "0::1"), "Transport", "Http")
        resp = self.send(T_PUT, Legacy, sel(Legacy, "::1", port), etree.tostring(doc).decode())
        self.assertSoap(resp, 200)
        self.assertEqual(self.stored(), before)

    def assertReadOnly(self, resp, view, field):
        fault = self.assertFault(resp, INVALID_REPRESENTATION, code="Sender")
        if view.legacy:
            # MS-WSMAN 3.1.4.1.21: the 2005/06 generation may write the
            # detail with its own wsman:faultDetail prefix
            detail = (fault.findtext("s:Detail/w:FaultDetail", namespaces=NS) or
                      fault.findtext("s:Detail/w05:FaultDetail", namespaces=NS))
            self.assertIn(detail, (READ_ONLY_DETAIL, "wsman:faultDetail/ReadOnly"), resp)
        else:
            self.assertEqual(fault.findtext("s:Detail/w:FaultDetail", namespaces=NS), READ_ONLY_DETAIL, resp)
        text = self.assertListenerFault(resp, view, INVALID_REPRESENTATION)
        self.assertIn(field, text, resp)
        if not view.legacy:
            self.assertEqual(fault.find("s:Detail/f:WSManFault", NS).get("Code"), str(0x80338015), resp)

    def refused_changes(self, view, changes, via):
        port = self.make(view, "127.0.0.1")
        got = body_of(self.send(T_GET, view, sel(view, "127.0.0.1", port)))
        before = self.stored()
        for field, value in changes:
            with self.subTest(field=field, value=value, via=via):
                doc = with_field(with_field(got, "Enabled", "false"), field, value)
                resp = self.send(T_PUT, view, sel(view, "127.0.0.1", port), etree.tostring(doc).decode(), via=via)
                self.assertReadOnly(resp, view, field)
                self.assertEqual(self.stored(), before)
                self.assertTrue(serves("127.0.0.1", port))

    def test_legacy_key_changes_are_refused(self):
        for via in ("unix", "tcp"):
            self.refused_changes(Legacy, [("IP", "127.0.0.2"), ("Port", "1"), ("Transport", "HTTPS"),
                                          ("MACAddress", "12-34-56-78-90-AB")], via)

    def test_current_key_changes_are_refused(self):
        for via in ("unix", "tcp"):
            self.refused_changes(Current, [("Address", "IP:127.0.0.2"), ("Address", "*"),
                                           ("Transport", "HTTPS")], via)


class CertmappingReadOnlyTest(DaemonTestCase):
    """A certmapping's key fields name it: a change names the field."""
    TCP = False

    def test_changed_key_names_the_field(self):
        issuer = "ab" * 20
        sel = {"Issuer": issuer, "Subject": "alice@example.org", "URI": "*"}
        body = ('<cfg:certmapping xmlns:cfg="%s"><cfg:UserName>alice</cfg:UserName></cfg:certmapping>'
                % MAP_URI)
        self.assertSoap(self.post_unix(envelope(T_CREATE, MAP_URI, selectors=sel, body=body)), 200)
        got = body_of(self.post_unix(envelope(T_GET, MAP_URI, selectors=sel)))
        for field, value in (("Issuer", "cd" * 20), ("Subject", "bob@example.org"), ("URI", "winrm/config")):
            with self.subTest(field=field):
                doc = with_field(got, field, value)
                resp = self.post_unix(envelope(T_PUT, MAP_URI, selectors=sel, body=etree.tostring(doc).decode()))
                fault = self.assertFault(resp, INVALID_REPRESENTATION, code="Sender")
                self.assertEqual(fault.findtext("s:Detail/w:FaultDetail", namespaces=NS), READ_ONLY_DETAIL,
                                 resp)
                text = "".join(fault.find("s:Detail/f:WSManFault/f:Message", NS).itertext())
                self.assertIn(field, text, resp)
                self.assertIn(value, text, resp)
        self.assertSoap(self.post_unix(envelope(T_DELETE, MAP_URI, selectors=sel)), 200)


class StoreUntouchedTest(DaemonTestCase):
    """A Put that changes nothing does not rewrite the store: the file an
    administrator wrote (its order, its spacing, records without their
    defaults) stays as it is."""
    TCP = False
    PORT = free_port()
    ISSUER = "AB" * 20
    CONFIG = {"max_batch_items": "20", "service.allow_unencrypted": "true",
              "service.plain_schemes": "basic",
              "listener": "address=IP:127.0.0.1 transport=http port=%d" % PORT,
              "record": "certmapping issuer=%s subject=* uri=* user=alice enabled=true" % ISSUER}

    def test_file_is_not_rewritten(self):
        path = os.path.join(self.daemon.state_dir, "winrmd.conf")
        with open(path, "rb") as f:
            written = f.read()
        for uri, sel in (("wsman:microsoft.com/wsman/2005/06/config", None), ("winrm/config", None),
                         (LEGACY_URI, Legacy.sel("127.0.0.1", self.PORT)),
                         (CUR_URI, Current.sel("127.0.0.1", self.PORT)),
                         (MAP_URI, {"Issuer": self.ISSUER, "Subject": "*", "URI": "*"})):
            with self.subTest(uri=uri):
                got = body_of(self.post_unix(envelope(T_GET, uri, selectors=sel)))
                resp = self.post_unix(envelope(T_PUT, uri, selectors=sel, body=etree.tostring(got).decode()))
                self.assertSoap(resp, 200)
                with open(path, "rb") as f:
                    self.assertEqual(f.read().decode(), written.decode())


class RoundTripTest(DaemonTestCase):
    """Get, then Put of the very body Get returned, for every resource with
    Put: nothing changes.  The configuration is one where the mappings
    between the views are not one to one (plain HTTP for Basic only, on
    both sides; Negotiate without Kerberos), with listener, certmapping and security records in the store
    and a provider whose resource has its own security descriptor.  Over
    the control socket and over TCP (an administrator on loopback)."""
    EXTRA_PROVIDERS = staticmethod(build_hello)
    CONFIG = dict(PLAIN_BASIC, **{
        "client.allow_unencrypted": "true",
        "client.plain_schemes": "basic",
        "service.auth.kerberos": "false",
        "client.auth.negotiate": "false",
        "max_batch_items": "20",             # a default, written out
    })
    made = None                              # "IP port" of the listeners made here

    def send(self, action, uri, selectors=None, body="", via="unix"):
        env = envelope(action, uri, selectors=selectors, body=body)
        return self.post_unix(env) if via == "unix" else self.post_tcp(env)

    def store_bytes(self):
        with open(os.path.join(self.daemon.state_dir, "winrmd.conf"), "rb") as f:
            return f.read()

    def enumerate(self, uri):
        resp = self.send(E_ENUMERATE, uri, body="<n:Enumerate/>")
        self.assertSoap(resp, 200)
        ctx, items = resp.doc.findtext("s:Body/n:EnumerateResponse/n:EnumerationContext", namespaces=NS), []
        for _ in range(100):
            resp = self.send(E_PULL, uri, body="<n:Pull><n:EnumerationContext>%s</n:EnumerationContext>"
                                               "<n:MaxElements>50</n:MaxElements></n:Pull>" % ctx)
            pr = self.assertSoap(resp, 200).find("s:Body/n:PullResponse", NS)
            items += [i for i in pr.find("n:Items", NS) if isinstance(i.tag, str)]
            if pr.find("n:EndOfSequence", NS) is not None:
                return items
            ctx = pr.findtext("n:EnumerationContext", namespaces=NS)
        self.fail("no EndOfSequence after 100 Pulls of %s" % uri)

    def records(self):
        """Listener, certmapping and security records, made through the agent once."""
        if type(self).made is not None:
            return
        type(self).made = set()
        for ip, enabled in (("127.0.0.1", "true"), ("::1", "false"), ("127.0.0.1", "false")):
            port = free_port(ip)
            body = listener_doc(LEGACY_NS, [("Hostname", "host"), ("Transport", "HTTP"), ("Enabled", enabled)])
            self.assertSoap(self.send(T_CREATE, LEGACY_URI, Legacy.sel(ip, port), body), 200)
            type(self).made.add("%s %d" % (ip, port))
        for subject, enabled in (("alice@example.org", "true"), ("*", "false")):
            sel = {"Issuer": "AB" * 20, "Subject": subject, "URI": "*"}
            body = ('<cfg:certmapping xmlns:cfg="%s"><cfg:UserName>alice</cfg:UserName>'
                    '<cfg:Enabled>%s</cfg:Enabled></cfg:certmapping>' % (MAP_URI, enabled))
            self.assertSoap(self.send(T_CREATE, MAP_URI, sel, body), 200)
        body = ('<p:PlugInConfiguration xmlns:p="%s" Name="shell"><p:Resources><p:Resource '
                'ResourceUri="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"><p:Security '
                'Sddl="O:NSG:BAD:P(A;;GA;;;BA)(A;;GXGR;;;BU)"/></p:Resource></p:Resources>'
                '</p:PlugInConfiguration>' % PLUGIN_NS)
        self.assertSoap(self.send(T_PUT, PLUGIN_URI, {"Name": "shell"}, body), 200)

    def instances(self, uri):
        """The selector sets of every instance of uri: each listener record
        this test made (not the --listen one the harness serves on)."""
        if uri in CONFIG_URIS:
            return [None]
        if uri in PLUGIN_URIS:
            return [{"Name": p.get("Name")} for p in self.enumerate(uri)]
        if uri in MAP_URIS:
            return [{k: i.findtext("{%s}%s" % (MAP_URI, k)) for k in ("Issuer", "Subject", "URI")}
                    for i in self.enumerate(uri)]
        if uri in LISTENER_URIS:
            out = []
            for item in self.enumerate(uri):
                f = dict(fields_of(item))
                ip = f["IP"] if uri == LEGACY_URI else f["Address"][3:]
                if "%s %s" % (ip, f["Port"]) in self.made:
                    out.append({"IP": f["IP"], "Port": f["Port"]} if uri == LEGACY_URI else
                               {"Address": f["Address"], "Transport": f["Transport"], "Port": f["Port"]})
            self.assertEqual(len(out), len(self.made), uri)
            return out
        self.fail("%s takes Put but this test does not know how to name its instances" % uri)

    def served_with_put(self):
        uris = []
        for plugin in self.enumerate(PLUGIN_URI):
            for r in plugin.iter("{%s}Resource" % PLUGIN_NS):
                if "Put" in [c.get("Type") for c in r.iter("{%s}Capability" % PLUGIN_NS)]:
                    uris.append(r.get("ResourceUri"))
        return uris

    def walk(self, via):
        self.records()
        uris = self.served_with_put()
        # the known ones are all there, in both generations
        for must in CONFIG_URIS | LISTENER_URIS | PLUGIN_URIS | MAP_URIS:
            self.assertIn(must, uris)
        done = 0
        for uri in uris:
            for sel in self.instances(uri):
                with self.subTest(uri=uri, selectors=sel, via=via):
                    store = self.store_bytes()
                    got = body_of(self.send(T_GET, uri, sel, via=via))
                    resp = self.send(T_PUT, uri, sel, etree.tostring(got).decode(), via=via)
                    self.assertSoap(resp, 200)
                    self.assertEqual(self.store_bytes().decode(), store.decode(),
                                     "the store changed on a Put of what Get returned")
                    again = body_of(self.send(T_GET, uri, sel, via=via))
                    self.assertEqual(canon(again), canon(got))
                    self.assertEqual(canon(body_of(resp)), canon(got))
                    done += 1
        self.assertGreaterEqual(done, len(CONFIG_URIS) + 3 * 3 + 2 * 2 + 2 * 5)

    def test_control_socket(self):
        self.walk("unix")

    def test_tcp(self):
        self.walk("tcp")


class HiddenSchemesRoundTripTest(RoundTripTest):
    """The same walk with client schemes listed while the client's plain
    HTTP is off: the seed shows them false, and false sent back keeps them."""
    CONFIG = dict(RoundTripTest.CONFIG, **{
        "client.allow_unencrypted": "false",
        "client.plain_schemes": "digest,negotiate",
    })
    made = None


if __name__ == "__main__":
    unittest.main()
