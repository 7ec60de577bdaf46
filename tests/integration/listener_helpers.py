"""listener_helpers.py - what test_listener.py and test_listener_netns.py
share: the two views of the Listener resource (the seed's IP/Port and
today's Address/Transport), ports, probes, and a DaemonTestCase with
Listener requests, the store's listener lines and fault-shape checks."""

import errno
import http.client
import os
import socket

from lxml import etree

from harness import (ADMIN_PASS, ADMIN_USER, E_ENUMERATE, E_PULL, IDENTIFY, NS, PLAIN_BASIC,
                     DaemonTestCase, envelope, parse_xml, request)

T_CREATE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create"
T_DELETE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete"
ANON = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
LEGACY_URI = "wsman:microsoft.com/wsman/2005/06/config/Listener"
LEGACY_NS = "wsman:microsoft.com/wsman/2005/06/config/listener.xsd"
CUR_URI = "http://schemas.microsoft.com/wbem/wsman/1/config/listener"
SEED_ORDER = ["IP", "Port", "Hostname", "MACAddress", "Enabled", "URLPrefix", "Transport",
              "CertificateThumbprint"]
CUR_ORDER = ["Address", "Transport", "Port", "Hostname", "Enabled", "URLPrefix",
             "CertificateThumbprint"]
MSG_NOT_FOUND = "The resource identified by the resource uri and selectors could not be found."
MSG_UNKNOWN = ('Input xml contained an unrecognized xml element "%s".  '
               'Double check the spelling and case of the element name.')
SEED_PROVIDER = "A855B0EE-65C2-4282-830B-7FA181E73BFF"
NOT_FOUND = ("a", "DestinationUnreachable")
SELECTORS = ("w", "InvalidSelectors")
INVALID_PARAMETER = ("w", "InvalidParameter")
ALREADY_EXISTS = ("w", "AlreadyExists")
ACCESS_DENIED = ("w", "AccessDenied")
SCHEMA = ("w", "SchemaValidationError")
INVALID_REPRESENTATION = ("x", "InvalidRepresentation")


def listener_doc(ns, fields):
    """<cfg:Listener> with fields [(name, text)] in that order."""
    inner = "".join("<cfg:%s>%s</cfg:%s>" % (k, v, k) for k, v in fields)
    return '<cfg:Listener xmlns:cfg="%s">%s</cfg:Listener>' % (ns, inner)


def created_selector_elements(rc):
    """The Selector elements of a ResourceCreated: the seed's 2005/06
    management namespace for the seed's URIs, today's otherwise."""
    return (rc.findall("a:ReferenceParameters/w05:SelectorSet/w05:Selector", NS) or
            rc.findall("a:ReferenceParameters/w:SelectorSet/w:Selector", NS))


_handed_out = set()


def free_port(host="127.0.0.1"):
    """A TCP port nobody listens on at host right now, never the same twice."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    while True:
        with socket.socket(fam, socket.SOCK_STREAM) as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def occupy(host, port=0):
    """A listening socket that holds host:port (the caller closes it)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind((host, port))
    s.listen(1)
    return s


class _Conn(http.client.HTTPConnection):
    """HTTPConnection whose socket comes from sock_factory(host, port, timeout)."""

    def __init__(self, host, port, timeout, sock_factory):
        super().__init__(host, port, timeout=timeout)
        self.sock_factory = sock_factory

    def connect(self):
        if self.sock_factory is None:
            return super().connect()
        self.sock = self.sock_factory(self.host, self.port, self.timeout)


def identify_status(host, port, timeout=3.0, sock_factory=None, path="/wsman"):
    """An anonymous Identify on host:port: the HTTP status, -1 for a 200
    without an IdentifyResponse, or the errno of a failed connection
    (ECONNREFUSED when nothing listens)."""
    c = _Conn(host, port, timeout, sock_factory)
    try:
        r = request(c, IDENTIFY, path=path, headers={"WSMANIDENTIFY": "unauthenticated"})
        if r.status == 200 and parse_xml(r.body).find("s:Body/wsmid:IdentifyResponse", NS) is None:
            return -1
        return r.status
    except ConnectionRefusedError:
        return errno.ECONNREFUSED
    except OSError as e:
        return e.errno or -1
    finally:
        c.close()


def serves(host, port, **kw):
    return identify_status(host, port, **kw) == 200


def refuses(host, port, **kw):
    return identify_status(host, port, **kw) == errno.ECONNREFUSED


def fields_of(elem):
    """[(local name, text or '')] of elem's children, in order."""
    return [(etree.QName(c).localname, c.text or "") for c in elem]


def vm_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


class Legacy:
    """The seed's view: selectors IP and Port."""
    uri, ns, order, legacy = LEGACY_URI, LEGACY_NS, SEED_ORDER, True

    @staticmethod
    def sel(ip, port):
        return {"IP": ip, "Port": str(port)}

    @staticmethod
    def create_fields(port, hostname="host"):
        return [("Hostname", hostname), ("Transport", "HTTP")]

    @staticmethod
    def expected(ip, port, enabled, hostname="host", bound=True):
        return [("IP", ip), ("Port", str(port)), ("Hostname", hostname), ("MACAddress", ""),
                ("Enabled", "true" if enabled else "false"), ("URLPrefix", "wsman"),
                ("Transport", "HTTP"), ("CertificateThumbprint", "")]


class Current:
    """Today's view: selectors Address and Transport (and Port when listeners
    share those two); ListeningOn computed."""
    uri, ns, order, legacy = CUR_URI, CUR_URI, CUR_ORDER, False

    @staticmethod
    def sel(ip, port):
        return {"Address": "IP:" + ip, "Transport": "HTTP"}

    @staticmethod
    def sel_port(ip, port):
        """The selectors that name one of several listeners on ip."""
        return {"Address": "IP:" + ip, "Transport": "HTTP", "Port": str(port)}

    @staticmethod
    def create_fields(port, hostname="host"):
        return [("Port", str(port)), ("Hostname", hostname)]

    @staticmethod
    def expected(ip, port, enabled, hostname="host", bound=True):
        out = [("Address", "IP:" + ip), ("Transport", "HTTP"), ("Port", str(port)),
               ("Hostname", hostname), ("Enabled", "true" if enabled else "false"),
               ("URLPrefix", "wsman"), ("CertificateThumbprint", "")]
        return out + ([("ListeningOn", ip)] if enabled and bound else [])


class ListenerCase(DaemonTestCase):
    """A daemon with unencrypted Basic on (so pywinrm can talk to it)."""
    CONFIG = PLAIN_BASIC

    # requests
    def send(self, action, view, selectors=None, body="", via="unix", auth=(ADMIN_USER, ADMIN_PASS)):
        env = envelope(action, view.uri if hasattr(view, "uri") else view, selectors=selectors, body=body)
        return self.post_unix(env) if via == "unix" else self.post_tcp(env, auth=auth)

    def create(self, view, ip, port, fields=None, **kw):
        body = listener_doc(view.ns, fields if fields is not None else view.create_fields(port))
        return self.send(T_CREATE, view, view.sel(ip, port), body, **kw)

    def delete_later(self, view, ip, port):
        self.addCleanup(lambda: self.send(T_DELETE, view, view.sel(ip, port)))

    def body_child(self, resp, tag=None):
        root = self.assertSoap(resp, 200)
        body = root.find("s:Body", NS)
        return body if tag is None else body.find(tag)

    def created_selectors(self, resp):
        """[(Name, text)] of a ResourceCreated reply's selectors, in order."""
        rc = self.body_child(resp, "{%s}ResourceCreated" % NS["x"])
        self.assertIsNotNone(rc, resp)
        return [(s.get("Name"), s.text) for s in created_selector_elements(rc)]

    def enumerate_items(self, view, via="unix", auth=(ADMIN_USER, ADMIN_PASS), cmdline=False):
        """Enumerate, then Pull one item at a time until EndOfSequence; the
        harness's --listen listener (Source="CommandLine") left out unless
        cmdline."""
        resp = self.send(E_ENUMERATE, view, body="<n:Enumerate/>", via=via, auth=auth)
        er = self.body_child(resp, "{%s}EnumerateResponse" % NS["n"])
        self.assertIsNotNone(er, resp)
        ctx, items = er.findtext("n:EnumerationContext", namespaces=NS), []
        for _ in range(100):
            body = ("<n:Pull><n:EnumerationContext>%s</n:EnumerationContext>"
                    "<n:MaxElements>1</n:MaxElements></n:Pull>" % ctx)
            resp = self.send(E_PULL, view, body=body, via=via, auth=auth)
            pr = self.body_child(resp, "{%s}PullResponse" % NS["n"])
            self.assertIsNotNone(pr, resp)
            items += list(pr.find("n:Items", NS) if pr.find("n:Items", NS) is not None else [])
            if pr.find("n:EndOfSequence", NS) is not None:
                return [i for i in items if cmdline or i.get("Source") != "CommandLine"]
            ctx = pr.findtext("n:EnumerationContext", namespaces=NS)
        self.fail("no EndOfSequence after 100 Pulls")

    # the store
    def store_path(self):
        return os.path.join(self.daemon.state_dir, "winrmd.conf")

    def stored(self):
        with open(self.store_path()) as f:
            return [ln.strip() for ln in f if ln.startswith("listener")]

    # assertions
    def assertListener(self, elem, view, expected):
        self.assertIsNotNone(elem)
        self.assertEqual(elem.tag, "{%s}Listener" % view.ns)
        for c in elem:
            self.assertEqual(etree.QName(c).namespace, view.ns, etree.tostring(elem))
            self.assertEqual(len(c), 0, etree.tostring(elem))
        self.assertEqual(fields_of(elem), expected, etree.tostring(elem))

    def assertListenerFault(self, resp, view, subcode, legacy_code=None, message=None):
        """A fault in the shape of the addressed generation; returns its message."""
        fault = self.assertFault(resp, subcode)
        if view.legacy:
            outer = fault.find("s:Detail/f05:WSManFault", NS)
            self.assertIsNotNone(outer, resp)
            pf = outer.find("f05:Message/f05:ProviderFault", NS)
            self.assertIsNotNone(pf, resp)
            self.assertEqual(pf.get("providerId"), SEED_PROVIDER, resp)
            inner = pf.find("f05:WSManFault", NS)
            self.assertIsNotNone(inner, resp)
            if legacy_code is not None:
                self.assertEqual(outer.get("Code"), str(legacy_code), resp)
                self.assertEqual(inner.get("Code"), str(legacy_code), resp)
            text = inner.findtext("f05:Message", namespaces=NS)
        else:
            wf = fault.find("s:Detail/f:WSManFault", NS)
            self.assertIsNotNone(wf, resp)
            text = "".join(wf.find("f:Message", NS).itertext())
        if message is not None:
            self.assertIn(message, text, resp)
        return text
