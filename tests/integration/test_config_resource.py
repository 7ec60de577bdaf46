"""The configuration resource (plugins/config) over real sockets: the seed's
exact `winrm get wsman:microsoft.com/wsman/2005/06/config`, the URIs of both
generations, and both generations as views of one store (also through
pywinrm).  The live effect of each field is in test_config_limits.py; bad
input and the store's durability are in test_config_durable.py.  Both import
the helpers defined here."""

import os
import re
import unittest
from xml.sax.saxutils import escape

from lxml import etree

from harness import (ADMIN_PASS, ADMIN_USER, NS, T_GET, T_PUT, DaemonTestCase, envelope,
                     new_message_id, parse_xml)
from seed_texts import SEED_CONFIG_XML

LEGACY_URI = "wsman:microsoft.com/wsman/2005/06/config"
LEGACY_NS = "wsman:microsoft.com/wsman/2005/06/config.xsd"
CUR = "http://schemas.microsoft.com/wbem/wsman/1/config"
MSG_UNKNOWN = ('Input xml contained an unrecognized xml element "%s".  '
               'Double check the spelling and case of the element name.')
SCHEMA = ("w", "SchemaValidationError")
INVALID_PARAMETER = ("w", "InvalidParameter")

# (URI, root element, body namespace) of every current view.
CURRENT_VIEWS = [
    (CUR, "Config", CUR),
    (CUR + "/client", "Client", CUR + "/client"),
    (CUR + "/client/auth", "Auth", CUR + "/client/auth"),
    (CUR + "/service", "Service", CUR + "/service"),
    (CUR + "/service/auth", "Auth", CUR + "/service/auth"),
    (CUR + "/winrs", "Winrs", CUR + "/winrs"),
]


# --- helpers shared by the test_config_*.py files ----------------------------

def nest(path, value):
    """'Service/HTTP/Port', '1' -> '<cfg:Service><cfg:HTTP><cfg:Port>1</...'."""
    text = escape(str(value))
    for part in reversed(path.split("/")):
        text = "<cfg:%s>%s</cfg:%s>" % (part, text, part)
    return text


def nest_many(*pairs):
    """('Service/A', 1), ('Service/B', 2) -> one tree in which each group
    appears once, in the order first named (the schema allows no repeat)."""
    tree = {}
    for path, value in pairs:
        node = tree
        parts = path.split("/")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def render(node):
        out = ""
        for name, v in node.items():
            inner = render(v) if isinstance(v, dict) else escape(str(v))
            out += "<cfg:%s>%s</cfg:%s>" % (name, inner, name)
        return out
    return render(tree)


def doc(inner, ns=LEGACY_NS, root="Config"):
    return '<cfg:%s xmlns:cfg="%s">%s</cfg:%s>' % (root, ns, inner, root)


def legacy_put(inner, **kw):
    return envelope(T_PUT, LEGACY_URI, body=doc(inner), **kw)


def current_put(inner, uri=CUR, root="Config", ns=None, **kw):
    return envelope(T_PUT, uri, body=doc(inner, ns or uri, root), **kw)


def with_max_envelope(env_bytes, size):
    """The harness's request with another wsman:MaxEnvelopeSize header."""
    out = env_bytes.replace(b">153600</w:MaxEnvelopeSize>", b">%d</w:MaxEnvelopeSize>" % size)
    assert out != env_bytes
    return out


def with_timeout(env_bytes, duration):
    old = b"<w:OperationTimeout>PT20S</w:OperationTimeout>"
    assert old in env_bytes
    return env_bytes.replace(old, b"<w:OperationTimeout>%s</w:OperationTimeout>" % duration.encode())


def walk(elem, path):
    """The descendant at path ('Service/HTTP/Port') in elem's namespace."""
    ns = etree.QName(elem).namespace
    for part in path.split("/"):
        found = elem.find("{%s}%s" % (ns, part))
        if found is None:
            raise AssertionError("no %s under %s in %s" % (part, elem.tag, etree.tostring(elem)))
        elem = found
    return elem


def shape(elem):
    """A comparable (tag, attributes, text-or-children) tree."""
    kids = [shape(c) for c in elem if isinstance(c.tag, str)]
    text = None if kids else (elem.text or "").strip()
    return (elem.tag, sorted(elem.attrib.items()), text, kids)


def parse_store(text):
    """winrmd.conf as a dict; raises on any line that is not "key = value"."""
    out = {}
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = re.fullmatch(r"([a-z0-9_.]+)\s*=\s*(.*)", s)
        if not m:
            raise ValueError("bad store line %r" % line)
        out[m.group(1)] = m.group(2)
    return out


class ConfigCase(DaemonTestCase):
    """DaemonTestCase with configuration helpers (not collected: no tests)."""

    def store_path(self):
        return os.path.join(self.daemon.state_dir, "winrmd.conf")

    def store_bytes(self):
        try:
            with open(self.store_path(), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    def store(self):
        return parse_store(self.store_bytes().decode("utf-8"))

    def body_root(self, resp):
        root = self.assertSoap(resp, 200)
        kids = list(root.find("s:Body", NS))
        self.assertEqual(len(kids), 1, resp)
        return kids[0]

    def get_config(self, uri=LEGACY_URI, **kw):
        """Gets a view over the control socket; returns its root element."""
        mid = new_message_id()
        resp = self.post_unix(envelope(T_GET, uri, message_id=mid, **kw))
        self.assertReplyHeaders(resp, mid, T_GET + "Response")
        return self.body_root(resp)

    def value(self, path, uri=LEGACY_URI):
        return walk(self.get_config(uri), path).text

    def put_ok(self, env_bytes, **kw):
        """A Put over the control socket that must succeed; returns the
        representation it answered, which must equal a Get right after."""
        resp = self.post_unix(env_bytes, **kw)
        self.assertReplyHeaders(resp, None, T_PUT + "Response")
        return self.body_root(resp)

    def legacy_set(self, path, value):
        got = self.put_ok(legacy_put(nest(path, value)))
        self.assertEqual(walk(got, path).text, str(value), etree.tostring(got))
        self.assertEqual(shape(got), shape(self.get_config(LEGACY_URI)))
        return got

    def current_set(self, path, value, uri=CUR, root="Config"):
        got = self.put_ok(current_put(nest(path, value), uri=uri, root=root))
        self.assertEqual(walk(got, path).text, str(value), etree.tostring(got))
        self.assertEqual(shape(got), shape(self.get_config(uri)))
        return got

    def snapshot(self):
        return (self.store_bytes(), shape(self.get_config(LEGACY_URI)), shape(self.get_config(CUR)))

    def assertUnchanged(self, before, what=""):
        after = self.snapshot()
        self.assertEqual(before[0], after[0], "store file changed by a refused Put " + what)
        self.assertEqual(before[1], after[1], "legacy view changed by a refused Put " + what)
        self.assertEqual(before[2], after[2], "current view changed by a refused Put " + what)

    def assertUnknownElement(self, resp, name, legacy):
        """w:SchemaValidationError with the seed's message, in the shape of
        the addressed generation (PROTOCOL.md 4.3)."""
        fault = self.assertFault(resp, SCHEMA, code="Sender")
        msg = MSG_UNKNOWN % name
        if legacy:
            outer = fault.find("s:Detail/f05:WSManFault", NS)
            self.assertIsNotNone(outer, resp)
            self.assertEqual(outer.get("Code"), "32833", resp)
            self.assertTrue(outer.get("Machine"), resp)
            pf = outer.find("f05:Message/f05:ProviderFault", NS)
            self.assertIsNotNone(pf, resp)
            self.assertTrue(pf.get("providerId"), resp)
            inner = pf.find("f05:WSManFault", NS)
            self.assertIsNotNone(inner, resp)
            self.assertEqual(inner.get("Code"), "32833", resp)
            self.assertEqual(inner.get("Machine"), "", resp)
            self.assertEqual(inner.findtext("f05:Message", namespaces=NS), msg, resp)
            self.assertIsNone(fault.find("s:Detail/f:WSManFault", NS), resp)
        else:
            wf = fault.find("s:Detail/f:WSManFault", NS)
            self.assertIsNotNone(wf, resp)
            self.assertEqual(wf.get("Code"), "2150858817", resp)
            self.assertEqual(wf.findtext("f:Message", namespaces=NS), msg, resp)
            self.assertIsNone(fault.find("s:Detail/f05:WSManFault", NS), resp)
        return fault

    def fault_message(self, fault):
        """All text of the fault's Detail (either generation)."""
        detail = fault.find("s:Detail", NS)
        return "".join(detail.itertext()) if detail is not None else ""

    def assertBadValue(self, resp, field):
        fault = self.assertFault(resp, INVALID_PARAMETER, code="Sender")
        self.assertIn(field, self.fault_message(fault), resp)
        return fault


# --- the seed's document and the URIs ----------------------------------------

class SeedDocumentTest(ConfigCase):
    """All defaults: the store file is empty."""
    CONFIG = {}
    TCP = False

    def test_seed_get_is_exact(self):
        got = self.get_config(LEGACY_URI)
        want = parse_xml(SEED_CONFIG_XML.encode())
        self.assertEqual(got.tag, "{%s}Config" % LEGACY_NS)
        # every element name, its order, namespace and default value
        self.assertEqual(shape(got), shape(want),
                         "\n%s\n!=\n%s" % (etree.tostring(got).decode(), SEED_CONFIG_XML))
        self.assertNotIn(b"https://", etree.tostring(got))

    def test_host_part_is_caseless(self):
        want = shape(parse_xml(SEED_CONFIG_XML.encode()))
        for uri in ("wsman:Microsoft.com/wsman/2005/06/config",
                    "wsman:MICROSOFT.COM/wsman/2005/06/config"):
            with self.subTest(uri=uri):
                self.assertEqual(shape(self.get_config(uri)), want)

    def test_path_is_case_sensitive(self):
        for uri in ("wsman:microsoft.com/wsman/2005/06/Config",
                    "wsman:microsoft.com/wsman/2005/06/CONFIG",
                    "wsman:microsoft.com/WSMAN/2005/06/config",
                    "wsman:microsoft.com/wsman/2005/06/config/"):
            with self.subTest(uri=uri):
                self.assertFault(self.post_unix(envelope(T_GET, uri)), ("a", "DestinationUnreachable"))

    def test_current_views_and_short_forms(self):
        whole = self.get_config(CUR)
        self.assertEqual(walk(whole, "MaxEnvelopeSizekb").text, "50")   # Ruby/pypsrp read it
        for uri, root, ns in CURRENT_VIEWS:
            short = "winrm/" + uri[len(CUR) - len("config"):]
            for variant in (uri, uri.upper(), short, short.upper()):
                with self.subTest(uri=variant):
                    got = self.get_config(variant)
                    self.assertEqual(got.tag, "{%s}%s" % (ns, root))
                    if root != "Config":
                        # a sub-resource shows the same subtree as the whole
                        part = walk(whole, "/".join(
                            p.capitalize() for p in uri[len(CUR) + 1:].split("/")))
                        self.assertEqual([(etree.QName(c).localname, c.text) for c in got],
                                         [(etree.QName(c).localname, c.text) for c in part])

    def test_current_defaults(self):
        got = self.get_config(CUR)
        names = [etree.QName(c).localname for c in got]
        self.assertEqual(names, ["MaxEnvelopeSizekb", "MaxTimeoutms", "MaxBatchItems",
                                 "MaxProviderRequests", "Client", "Service", "Winrs"])
        for path, want in (("Service/AllowUnencrypted", "false"), ("Service/Auth/Basic", "true"),
                           ("Service/Auth/Kerberos", "true"), ("Service/Auth/Negotiate", "true"),
                           ("Service/DefaultPorts/HTTP", "5985"), ("Service/DefaultPorts/HTTPS", "5986"),
                           ("Service/MaxConnections", "5"), ("Service/EnumerationTimeoutms", "60000"),
                           ("Client/DefaultPorts/HTTP", "80"), ("Client/URLPrefix", "wsman"),
                           ("Service/RootSDDL", "O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)")):
            with self.subTest(path=path):
                self.assertEqual(walk(got, path).text, want)

    def test_selectors_refused(self):
        before = self.snapshot()
        for uri, ns in ((LEGACY_URI, LEGACY_NS), (CUR, CUR), (CUR + "/service", None)):
            with self.subTest(uri=uri):
                self.assertFault(self.post_unix(envelope(T_GET, uri, selectors={"Name": "x"})),
                                 ("w", "InvalidSelectors"))
                if ns:
                    body = doc(nest("MaxBatchItems", 3), ns)
                    self.assertFault(self.post_unix(envelope(T_PUT, uri, body=body, selectors={"IP": "1"})),
                                     ("w", "InvalidSelectors"))
        self.assertUnchanged(before)


# --- one store, two views ----------------------------------------------------

class CrossViewTest(ConfigCase):
    CONFIG = {}
    TCP = False

    def test_max_envelope_both_ways(self):
        self.legacy_set("MaxEnvelopeSizekb", 150)
        self.assertEqual(self.value("MaxEnvelopeSizekb", CUR), "150")
        self.assertEqual(self.store()["max_envelope_kb"], "150")
        self.current_set("MaxEnvelopeSizekb", 500)
        self.assertEqual(self.value("MaxEnvelopeSizekb"), "500")
        self.assertEqual(self.store()["max_envelope_kb"], "500")

    def test_max_batch_items_both_ways(self):
        self.current_set("MaxBatchItems", 32000)
        self.assertEqual(self.value("MaxBatchItems"), "32000")
        self.legacy_set("MaxBatchItems", 7)
        self.assertEqual(self.value("MaxBatchItems", CUR), "7")
        # the seed's URI with its host part in another case writes the same store
        got = self.put_ok(envelope(T_PUT, "wsman:Microsoft.com/wsman/2005/06/config",
                                   body=doc(nest("MaxBatchItems", 8))))
        self.assertEqual(walk(got, "MaxBatchItems").text, "8")
        self.assertEqual(self.value("MaxBatchItems", CUR), "8")
        self.legacy_set("MaxBatchItems", 7)
        self.assertEqual(self.value("MaxBatchItems", "winrm/config"), "7")
        self.assertEqual(self.store()["max_batch_items"], "7")

    def test_unencrypted_basic_to_allow_unencrypted(self):
        self.current_set("Service/AllowUnencrypted", "false")
        self.legacy_set("Service/HTTP/Unencrypted/Basic", "true")
        self.assertEqual(self.value("Service/AllowUnencrypted", CUR), "true")
        self.assertEqual(self.value("Service/HTTP/Unencrypted/Negotiate"), "false")
        st = self.store()
        self.assertEqual((st["service.allow_unencrypted"], st["service.plain_schemes"]), ("true", "basic"))
        # the last scheme off ends plain HTTP
        self.legacy_set("Service/HTTP/Unencrypted/Basic", "false")
        self.assertEqual(self.value("Service/AllowUnencrypted", CUR), "false")
        self.assertEqual(self.value("AllowUnencrypted", CUR + "/service"), "false")

    def test_allow_unencrypted_to_unencrypted_schemes(self):
        self.current_set("AllowUnencrypted", "true", uri=CUR + "/service", root="Service")
        got = self.get_config(LEGACY_URI)
        self.assertEqual(walk(got, "Service/HTTP/Unencrypted/Basic").text, "true")
        self.assertEqual(walk(got, "Service/HTTP/Unencrypted/Negotiate").text, "true")
        # the client side is a separate set of keys
        self.assertEqual(walk(got, "Client/HTTP/Unencrypted/Basic").text, "false")
        self.current_set("Service/AllowUnencrypted", "false")
        got = self.get_config(LEGACY_URI)
        self.assertEqual(walk(got, "Service/HTTP/Unencrypted/Basic").text, "false")
        self.assertEqual(walk(got, "Service/HTTP/Unencrypted/Negotiate").text, "false")

    def test_https_negotiate_to_negotiate_and_kerberos(self):
        self.legacy_set("Service/HTTPS/Negotiate", "false")
        got = self.get_config(CUR + "/service/auth")
        self.assertEqual((walk(got, "Negotiate").text, walk(got, "Kerberos").text), ("false", "false"))
        self.legacy_set("Service/HTTPS/Negotiate", "true")
        got = self.get_config(CUR)
        self.assertEqual((walk(got, "Service/Auth/Negotiate").text, walk(got, "Service/Auth/Kerberos").text),
                         ("true", "true"))

    def test_kerberos_alone_shows_as_negotiate(self):
        self.put_ok(current_put(nest("Negotiate", "false") + nest("Kerberos", "true"),
                                uri=CUR + "/service/auth", root="Auth"))
        self.assertEqual(self.value("Service/HTTPS/Negotiate"), "true")
        self.put_ok(current_put(nest("Negotiate", "false") + nest("Kerberos", "false"),
                                uri="winrm/config/service/auth", root="Auth", ns=CUR + "/service/auth"))
        self.assertEqual(self.value("Service/HTTPS/Negotiate"), "false")
        self.legacy_set("Service/HTTPS/Mutual", "true")
        self.assertEqual(self.value("Service/Auth/Certificate", CUR), "true")
        self.legacy_set("Service/HTTPS/Basic", "false")
        self.assertEqual(self.value("Basic", CUR + "/service/auth"), "false")
        self.put_ok(current_put(nest("Negotiate", "true") + nest("Basic", "true") + nest("Certificate", "false"),
                                uri=CUR + "/service/auth", root="Auth"))

    def test_client_side_mapping(self):
        self.legacy_set("Client/HTTP/Port", 8080)
        self.assertEqual(self.value("Client/DefaultPorts/HTTP", CUR), "8080")
        self.current_set("DefaultPorts/HTTPS", 8443, uri=CUR + "/client", root="Client")
        self.assertEqual(self.value("Client/HTTPS/Port"), "8443")
        self.legacy_set("Client/HTTP/Unencrypted/Digest", "true")
        self.assertEqual(self.value("Client/AllowUnencrypted", CUR), "true")
        self.current_set("Client/AllowUnencrypted", "false")
        self.assertEqual(self.value("Client/HTTP/Unencrypted/Digest"), "false")
        self.legacy_set("Client/HTTPS/Mutual", "true")
        self.assertEqual(self.value("Certificate", CUR + "/client/auth"), "true")

    def test_partial_put_keeps_the_rest(self):
        before = self.get_config(LEGACY_URI)
        got = self.legacy_set("MaxTimeoutms", 61000)
        walk(before, "MaxTimeoutms").text = "61000"
        self.assertEqual(shape(got), shape(before))

    def test_whole_document_put_roundtrips(self):
        self.legacy_set("Service/MaxConnections", 9)
        whole = self.get_config(LEGACY_URI)
        walk(whole, "Service/MaxConnections").text = "5"
        walk(whole, "MaxBatchItems").text = "21"
        got = self.put_ok(envelope(T_PUT, LEGACY_URI, body=etree.tostring(whole).decode()))
        self.assertEqual(shape(got), shape(whole))
        self.assertEqual(self.store()["max_batch_items"], "21")

    def test_values_are_canonical(self):
        # booleans in any case, on every kind of element, stored canonical
        got = self.put_ok(legacy_put(nest("Service/HTTPS/Basic", "TRUE")))
        self.assertEqual(walk(got, "Service/HTTPS/Basic").text, "true")
        got = self.put_ok(legacy_put(nest_many(("MaxBatchItems", "12"), ("Service/HTTPS/Mutual", "False"))))
        self.assertEqual(walk(got, "MaxBatchItems").text, "12")
        self.assertEqual(walk(got, "Service/HTTPS/Mutual").text, "false")
        self.assertEqual(walk(got, "Service/HTTPS/Basic").text, "true")
        st = self.store()
        self.assertEqual((st["max_batch_items"], st["service.auth.certificate"]), ("12", "false"))

class PywinrmTest(ConfigCase):
    """A real client over TCP, once unencrypted Basic is switched on."""
    CONFIG = {}

    def test_pywinrm_reads_and_writes_both_views(self):
        import winrm.exceptions
        # the default refuses Basic over plain HTTP and offers no Basic
        self.assert401(self.post_tcp(envelope(T_GET, CUR)), challenge=False)
        self.legacy_set("Service/HTTP/Unencrypted/Basic", "true")
        p = self.pywinrm(ADMIN_USER, ADMIN_PASS)
        root = parse_xml(p.send_message(envelope(T_GET, CUR).decode()))
        cfg = root.find("s:Body/{%s}Config" % CUR, NS)
        self.assertIsNotNone(cfg)
        self.assertEqual(walk(cfg, "Service/AllowUnencrypted").text, "true")
        # write the legacy view through pywinrm, read the current one locally
        root = parse_xml(p.send_message(legacy_put(nest("MaxBatchItems", 33)).decode()))
        self.assertEqual(walk(root.find("s:Body/{%s}Config" % LEGACY_NS, NS), "MaxBatchItems").text, "33")
        self.assertEqual(self.value("MaxBatchItems", CUR), "33")
        # and the other way round
        p.send_message(current_put(nest("MaxEnvelopeSizekb", 153)).decode())
        self.assertEqual(self.value("MaxEnvelopeSizekb"), "153")
        # a refused Put reaches pywinrm as a fault with the current code
        before = self.snapshot()
        with self.assertRaises(winrm.exceptions.WinRMError) as cm:
            p.send_message(current_put(nest("maxBatchItems", 1)).decode())
        self.assertIn("2150858817", str(cm.exception))
        self.assertUnchanged(before)
        # switching unencrypted Basic off through pywinrm cuts pywinrm off
        p.send_message(current_put(nest("Service/AllowUnencrypted", "false")).decode())
        with self.assertRaises(winrm.exceptions.WinRMError):
            p.send_message(envelope(T_GET, CUR).decode())
        self.assertEqual(self.value("Service/HTTP/Unencrypted/Basic"), "false")


if __name__ == "__main__":
    unittest.main()
