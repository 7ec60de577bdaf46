"""The Listener resource (plugins/listener, core/lman.c) over real sockets:
the seed's whole Create / connect / Enumerate / Get / Put / Delete sequence in
both generations, over the control socket and through pywinrm on loopback;
records that survive a restart (and a port that is busy at start); the rules
(uniqueness, bad selectors and bodies, addresses and ports the host cannot
bind, who may write); and 1,000 create/delete cycles that must not leak.
MAC listeners and remote callers are in test_listener_netns.py; the shared
helpers in listener_helpers.py."""

import errno
import os
import socket
import sys
import time
import unittest

import harness

from lxml import etree

from harness import (PLAIN_BASIC, PLAIN_PASS, PLAIN_USER, SLOW, T_GET, T_PUT,
                     VALGRIND, Daemon, envelope, parse_xml, request, skip_unless_runnable, wait_until)
from listener_helpers import (created_selector_elements, ACCESS_DENIED, ALREADY_EXISTS, ANON, CUR_URI, INVALID_PARAMETER,
                              INVALID_REPRESENTATION, LEGACY_NS, LEGACY_URI, MSG_NOT_FOUND, MSG_UNKNOWN, NOT_FOUND, SCHEMA,
                              SELECTORS, T_CREATE, T_DELETE, Current, Legacy, ListenerCase, NS,
                              fields_of, free_port, identify_status, listener_doc, occupy, refuses, serves,
                              vm_rss_kb)

# --- the seed's sequence -------------------------------------------------------

class SeedSequenceTest(ListenerCase):

    def sequence(self, view, via):
        """Create on 127.0.0.1 and ::1, connect, Enumerate, Get, Put off/on, Delete twice."""
        ips = [("127.0.0.1", free_port("127.0.0.1")), ("::1", free_port("::1"))]
        for ip, port in ips:
            self.delete_later(view, ip, port)
            resp = self.create(view, ip, port, via=via)
            rc = self.body_child(resp, "{%s}ResourceCreated" % NS["x"])
            self.assertIsNotNone(rc, resp)
            want_addr = ANON + ("?ResourceURI=(wsman:microsoft.com/wsman/2005/06/config/listener)"
                                if view.legacy else "")
            self.assertEqual(rc.findtext("a:Address", namespaces=NS), want_addr, resp)
            sels = created_selector_elements(rc)
            self.assertEqual([(s.get("Name"), s.text) for s in sels], list(view.sel(ip, port).items()),
                             resp)
            self.assertTrue(serves(ip, port), "no Identify on [%s]:%d" % (ip, port))
        # Enumerate (+Pull) in the seed's order, with the seed's values
        items = self.enumerate_items(view, via=via)
        self.assertEqual(len(items), 2, [etree.tostring(i) for i in items])
        for item, (ip, port) in zip(items, ips):
            self.assertListener(item, view, view.expected(ip, port, True))
        # Get one
        ip, port = ips[0]
        resp = self.send(T_GET, view, view.sel(ip, port), via=via)
        self.assertListener(self.body_child(resp, "{%s}Listener" % view.ns), view,
                            view.expected(ip, port, True))
        # Put Enabled=False: closed at once, the reply is the whole listener
        off = listener_doc(view.ns, [("Enabled", "False")])
        resp = self.send(T_PUT, view, view.sel(ip, port), off, via=via)
        self.assertListener(self.body_child(resp, "{%s}Listener" % view.ns), view,
                            view.expected(ip, port, False))
        self.assertTrue(refuses(ip, port), "port %d still open after Enabled=False" % port)
        self.assertTrue(serves(*ips[1]), "the other listener stopped")
        self.assertTrue(any("port=%d enabled=false" % port in ln for ln in self.stored()), self.stored())
        # Put Enabled=True: serving again
        on = listener_doc(view.ns, [("Enabled", "True")])
        resp = self.send(T_PUT, view, view.sel(ip, port), on, via=via)
        got = self.body_child(resp, "{%s}Listener" % view.ns)
        # the reply is built before the change is bound: ListeningOn may be absent
        self.assertEqual([f for f in fields_of(got) if f[0] != "ListeningOn"],
                         view.expected(ip, port, True, bound=False), resp)
        self.assertTrue(serves(ip, port), "port %d not serving after Enabled=True" % port)
        resp = self.send(T_GET, view, view.sel(ip, port), via=via)
        self.assertListener(self.body_child(resp, "{%s}Listener" % view.ns), view,
                            view.expected(ip, port, True))
        # Delete: closed, empty body; Delete again: not found
        for ip, port in ips:
            body = self.body_child(self.send(T_DELETE, view, view.sel(ip, port), via=via))
            self.assertEqual(len(body), 0, etree.tostring(body))
            self.assertTrue(refuses(ip, port), "port %d still open after Delete" % port)
        resp = self.send(T_DELETE, view, view.sel(*ips[0]), via=via)
        self.assertListenerFault(resp, view, NOT_FOUND, 32768, MSG_NOT_FOUND)
        if not view.legacy:
            self.assertEqual(resp.doc.find(".//f:WSManFault", NS).get("Code"), str(0x80338000), resp)
        self.assertEqual(self.stored(), [])
        self.assertEqual(self.enumerate_items(view, via=via), [])

    def test_legacy_sequence_control_socket(self):
        self.sequence(Legacy, "unix")

    def test_current_sequence_control_socket(self):
        self.sequence(Current, "unix")

    def test_legacy_sequence_admin_over_loopback(self):
        self.sequence(Legacy, "tcp")

    def test_current_sequence_admin_over_loopback(self):
        self.sequence(Current, "tcp")

    def test_pywinrm(self):
        """pywinrm (plaintext Basic, an admin on loopback) creates, reads, changes, deletes."""
        import winrm.exceptions
        p = self.pywinrm()

        def call(action, view, sels, body=""):
            text = p.send_message(envelope(action, view.uri, selectors=sels, body=body).decode())
            return parse_xml(text.encode() if isinstance(text, str) else text)

        port = free_port()
        self.delete_later(Legacy, "127.0.0.1", port)
        root = call(T_CREATE, Legacy, Legacy.sel("127.0.0.1", port),
                    listener_doc(LEGACY_NS, Legacy.create_fields(port)))
        self.assertIsNotNone(root.find("s:Body/x:ResourceCreated", NS))
        self.assertTrue(serves("127.0.0.1", port))
        # the same record through today's selectors
        root = call(T_GET, Current, Current.sel("127.0.0.1", port))
        self.assertListener(root.find("s:Body/{%s}Listener" % CUR_URI, NS), Current,
                            Current.expected("127.0.0.1", port, True))
        root = call(T_PUT, Current, Current.sel("127.0.0.1", port),
                    listener_doc(CUR_URI, [("Enabled", "false")]))
        enabled = root.find("s:Body/{%s}Listener/{%s}Enabled" % (CUR_URI, CUR_URI), NS)
        self.assertEqual(enabled.text, "false")
        self.assertTrue(refuses("127.0.0.1", port))
        call(T_DELETE, Legacy, Legacy.sel("127.0.0.1", port))
        with self.assertRaises(winrm.exceptions.WinRMError) as cm:
            call(T_DELETE, Current, Current.sel("127.0.0.1", port))
        self.assertIn(str(0x80338000), str(cm.exception))
        self.assertEqual(self.stored(), [])

    def test_put_moves_the_socket(self):
        """Put URLPrefix and (today's view) Port: the socket follows at once."""
        port, port2 = free_port(), free_port()
        self.delete_later(Legacy, "127.0.0.1", port2)
        self.assertSoap(self.create(Legacy, "127.0.0.1", port))
        resp = self.send(T_PUT, Legacy, Legacy.sel("127.0.0.1", port),
                         listener_doc(LEGACY_NS, [("URLPrefix", "other/path")]))
        got = dict(fields_of(self.body_child(resp, "{%s}Listener" % LEGACY_NS)))
        self.assertEqual(got["URLPrefix"], "other/path")
        self.assertEqual(identify_status("127.0.0.1", port, path="/other/path"), 200)
        self.assertEqual(identify_status("127.0.0.1", port, path="/wsman"), 404)
        resp = self.send(T_PUT, Current, Current.sel("127.0.0.1", port),
                         listener_doc(CUR_URI, [("Port", str(port2))]))
        self.assertEqual(dict(fields_of(self.body_child(resp, "{%s}Listener" % CUR_URI)))["Port"], str(port2))
        self.assertTrue(refuses("127.0.0.1", port))
        self.assertEqual(identify_status("127.0.0.1", port2, path="/other/path"), 200)
        self.assertEqual(len(self.stored()), 1)
        self.assertIn("port=%d " % port2, self.stored()[0])

    def test_wrong_case_element(self):
        """The seed's Put with `enabled`: 32833 and its text; nothing changes."""
        port = free_port()
        self.delete_later(Legacy, "127.0.0.1", port)
        self.assertSoap(self.create(Legacy, "127.0.0.1", port))
        before = self.stored()
        resp = self.send(T_PUT, Legacy, Legacy.sel("127.0.0.1", port),
                         listener_doc(LEGACY_NS, [("enabled", "False")]))
        self.assertListenerFault(resp, Legacy, SCHEMA, 32833, MSG_UNKNOWN % "enabled")
        self.assertEqual(self.stored(), before)
        self.assertTrue(serves("127.0.0.1", port))

    def test_default_transport_is_https_and_needs_a_certificate(self):
        """The seed's default transport is HTTPS; with no certificate in the
        store for the host (none here: test_https.py has them) it is refused,
        saying so, and a thumbprint the store lacks is 32898."""
        port = free_port()
        resp = self.create(Legacy, "127.0.0.1", port, fields=[("Hostname", "host")])
        self.assertListenerFault(resp, Legacy, INVALID_PARAMETER, message="No certificate in the store")
        resp = self.send(T_CREATE, Current, {"Address": "IP:127.0.0.1", "Transport": "HTTPS"},
                         listener_doc(CUR_URI, [("Port", str(port)), ("Hostname", "h")]))
        self.assertListenerFault(resp, Current, INVALID_PARAMETER, message="No certificate in the store")
        resp = self.create(Legacy, "127.0.0.1", port, fields=[("Hostname", "host"),
                                                               ("CertificateThumbprint", "ab" * 20)])
        self.assertListenerFault(resp, Legacy, INVALID_PARAMETER, legacy_code=32898,
                                 message="The requested certificate was not found.")
        self.assertEqual(self.stored(), [])
        self.assertTrue(refuses("127.0.0.1", port))


# --- rules -----------------------------------------------------------------------

class RulesTest(ListenerCase):

    def refused_and_unchanged(self, resp, view, subcode, message=None):
        self.assertListenerFault(resp, view, subcode, message=message)
        self.assertEqual(self.stored(), self.before)

    def setUp(self):
        self.port = free_port()
        self.delete_later(Legacy, "127.0.0.1", self.port)
        self.assertSoap(self.create(Legacy, "127.0.0.1", self.port))
        self.before = self.stored()
        self.assertEqual(len(self.before), 1)

    def test_duplicate(self):
        """IP and Port name a listener, whatever its transport and the view
        that asks; another port on the same address is another listener."""
        p, p6 = self.port, free_port("::1")
        self.delete_later(Legacy, "::1", p6)
        self.assertSoap(self.create(Legacy, "::1", p6))
        self.before = self.stored()
        cases = [
            (Legacy, Legacy.sel("127.0.0.1", p), Legacy.create_fields(p)),
            # the same IP and Port, another transport (the seed's default HTTPS)
            (Legacy, Legacy.sel("127.0.0.1", p), [("Hostname", "host")]),
            (Current, {"Address": "IP:127.0.0.1", "Transport": "HTTPS"}, Current.create_fields(p)),
            # the same IP and Port through today's Port selector
            (Current, dict(Current.sel("127.0.0.1", p), Port=str(p)), [("Hostname", "host")]),
            # the same IP and Port, the address spelled another way
            (Legacy, Legacy.sel("0:0:0:0:0:0:0:1", p6), Legacy.create_fields(p6)),
            (Current, {"Address": "ip:0::1", "Transport": "http"}, Current.create_fields(p6)),
        ]
        for view, sels, fields in cases:
            with self.subTest(sels=sels, fields=fields):
                resp = self.send(T_CREATE, view, sels, listener_doc(view.ns, fields))
                text = self.assertListenerFault(resp, view, ALREADY_EXISTS)
                self.assertEqual(self.stored(), self.before)
                self.assertIn("IP and port", text)
        # the same Address and Transport through today's selectors, another
        # port: a second listener, and its reference names its Port
        p2 = free_port()
        self.delete_later(Legacy, "127.0.0.1", p2)
        resp = self.send(T_CREATE, Current, Current.sel("127.0.0.1", p),
                         listener_doc(CUR_URI, Current.create_fields(p2)))
        self.assertEqual(self.created_selectors(resp),
                         [("Address", "IP:127.0.0.1"), ("Transport", "HTTP"), ("Port", str(p2))])
        self.assertEqual(len(self.stored()), 3)
        self.assertTrue(serves("127.0.0.1", p))
        self.assertTrue(serves("127.0.0.1", p2))

    def test_bad_selectors(self):
        port = str(free_port())
        body = listener_doc(LEGACY_NS, Legacy.create_fields(0))
        for sels in ({"IP": "127.0.0.1", "Port": "0"}, {"IP": "127.0.0.1", "Port": "abc"},
                     {"IP": "127.0.0.1", "Port": "70000"}, {"IP": "127.0.0.1", "Port": "-1"},
                     {"IP": "127.0.0.1"}, {"Port": port}, {},
                     {"IP": "127.0.0.1", "Port": port, "Transport": "HTTP"},
                     {"IP": "999.1.1.1", "Port": port}, {"IP": "localhost", "Port": port}):
            with self.subTest(sels=sels):
                self.refused_and_unchanged(self.send(T_CREATE, Legacy, sels, body), Legacy, SELECTORS)
        body = listener_doc(CUR_URI, Current.create_fields(int(port)))
        for sels in ({"Address": "IP:999.1.1.1", "Transport": "HTTP"}, {"Address": "IP:127.0.0.1"},
                     {"Address": "MAC:12-34-56-78-90", "Transport": "HTTP"},
                     {"Address": "10.0.0.1", "Transport": "HTTP"},
                     {"Address": "*", "Transport": "FTP"},
                     {"Address": "*", "Transport": "HTTP", "Port": "0"},
                     {"Address": "*", "Transport": "HTTP", "Port": "abc"},
                     {"Address": "*", "Transport": "HTTP", "Port": "70000"},
                     {"Address": "*", "Port": port},
                     {"Address": "*", "Transport": "HTTP", "IP": "127.0.0.1"}):
            with self.subTest(sels=sels):
                self.refused_and_unchanged(self.send(T_CREATE, Current, sels, body), Current, SELECTORS)
        for port_text in ("0", "abc", "70000"):
            with self.subTest(body_port=port_text):
                resp = self.send(T_CREATE, Current, Current.sel("::1", 1),
                                 listener_doc(CUR_URI, [("Port", port_text)]))
                self.refused_and_unchanged(resp, Current, INVALID_PARAMETER)

    def test_bad_mac(self):
        port = free_port()
        for mac in ("12-34-56-78-90", "12-34-56-78-90-AB-CD", "1234567890AB", "12-34-56-78-90-GG",
                    "12.34.56.78.90.AB"):
            with self.subTest(mac=mac):
                fields = [("Hostname", "h"), ("MACAddress", mac), ("Transport", "HTTP")]
                resp = self.create(Legacy, "*", port, fields=fields)
                self.refused_and_unchanged(resp, Legacy, INVALID_PARAMETER)
        # well formed, but no interface here has it
        mac = "02-57-49-4E-52-4D"
        here = set()
        for name in os.listdir("/sys/class/net"):
            with open("/sys/class/net/%s/address" % name) as f:
                here.add(f.read().strip().upper().replace(":", "-"))
        if mac not in here:
            fields = [("Hostname", "h"), ("MACAddress", mac), ("Transport", "HTTP")]
            resp = self.create(Legacy, "*", port, fields=fields)
            self.refused_and_unchanged(resp, Legacy, INVALID_PARAMETER, mac)
            resp = self.send(T_CREATE, Current, {"Address": "MAC:" + mac.lower(), "Transport": "HTTP"},
                             listener_doc(CUR_URI, Current.create_fields(port)))
            self.refused_and_unchanged(resp, Current, INVALID_PARAMETER, mac)
        # a MACAddress needs IP=*
        fields = [("Hostname", "h"), ("MACAddress", mac), ("Transport", "HTTP")]
        resp = self.create(Legacy, "127.0.0.1", port, fields=fields)
        self.refused_and_unchanged(resp, Legacy, SELECTORS)

    def test_body_of_another_resource(self):
        port = free_port()
        body = ('<cfg:Config xmlns:cfg="wsman:microsoft.com/wsman/2005/06/config.xsd">'
                '<cfg:MaxBatchItems>3</cfg:MaxBatchItems></cfg:Config>')
        resp = self.send(T_CREATE, Legacy, Legacy.sel("127.0.0.1", port), body)
        self.refused_and_unchanged(resp, Legacy, SCHEMA, MSG_UNKNOWN % "Config")
        # the right root in the other generation's namespace
        resp = self.send(T_CREATE, Legacy, Legacy.sel("127.0.0.1", port),
                         listener_doc(CUR_URI, Legacy.create_fields(port)))
        self.refused_and_unchanged(resp, Legacy, SCHEMA)
        # an unknown element
        resp = self.create(Legacy, "127.0.0.1", port, fields=[("Transport", "HTTP"), ("Colour", "x")])
        self.refused_and_unchanged(resp, Legacy, SCHEMA, MSG_UNKNOWN % "Colour")
        self.assertTrue(refuses("127.0.0.1", port))

    def test_wrong_case_uri(self):
        port = free_port()
        base = "wsman:microsoft.com/wsman/2005/06/"
        for uri in (base + "config/listener", base + "Config/Listener", base + "config/LISTENER"):
            with self.subTest(uri=uri):
                resp = self.send(T_CREATE, uri, Legacy.sel("127.0.0.1", port),
                                 listener_doc(LEGACY_NS, Legacy.create_fields(port)))
                self.assertFault(resp)
                self.assertEqual(self.stored(), self.before)
        self.assertTrue(refuses("127.0.0.1", port))

    def test_address_not_on_this_host(self):
        # 192.0.2.1 (TEST-NET-1) is only handed to winrmd to bind; never connected to
        try:
            with socket.socket() as s:
                s.bind(("192.0.2.1", 0))
            self.skipTest("192.0.2.1 is an address of this host")
        except OSError as e:
            self.assertEqual(e.errno, errno.EADDRNOTAVAIL)
        for view, fields in ((Legacy, Legacy.create_fields(self.port)),
                             (Current, Current.create_fields(free_port()))):
            with self.subTest(view=view.__name__):
                resp = self.send(T_CREATE, view, view.sel("192.0.2.1", self.port),
                                 listener_doc(view.ns, fields))
                self.refused_and_unchanged(resp, view, INVALID_PARAMETER, "192.0.2.1")

    def test_port_in_use(self):
        # a free IP and Port in the store, but the host's port is taken
        with occupy("127.0.0.2") as s:
            port = s.getsockname()[1]
            resp = self.create(Legacy, "127.0.0.2", port)
            self.refused_and_unchanged(resp, Legacy, INVALID_PARAMETER, str(port))
        # and a Put that moves an existing listener onto a busy port
        with occupy("127.0.0.1") as s:
            port = s.getsockname()[1]
            resp = self.send(T_PUT, Current, Current.sel("127.0.0.1", self.port),
                             listener_doc(CUR_URI, [("Port", str(port))]))
            self.refused_and_unchanged(resp, Current, INVALID_PARAMETER, str(port))
        self.assertTrue(serves("127.0.0.1", self.port))

    def test_missing_listener(self):
        other = free_port()
        for action, body in ((T_GET, ""), (T_PUT, listener_doc(LEGACY_NS, [("Enabled", "false")])),
                             (T_DELETE, "")):
            with self.subTest(action=action.rsplit("/", 1)[1]):
                resp = self.send(action, Legacy, Legacy.sel("127.0.0.1", other), body)
                self.assertListenerFault(resp, Legacy, NOT_FOUND, 32768, MSG_NOT_FOUND)
                self.assertEqual(self.stored(), self.before)

    def test_non_admin_cannot_write(self):
        """Default RootSDDL: a plain user over loopback gets nowhere."""
        resp = self.create(Legacy, "127.0.0.1", free_port(), via="tcp", auth=(PLAIN_USER, PLAIN_PASS))
        self.assertFault(resp, ACCESS_DENIED)
        self.assertEqual(self.stored(), self.before)


class SharedAddressTest(ListenerCase):
    """The seed's "differentiated by the IP address and the port": two
    listeners on 127.0.0.1 (the seed's 443 and 444 on 192.168.2.1, in HTTP
    while HTTPS is refused), and today's view, whose Address and Transport
    then name both and need the Port selector."""

    def setUp(self):
        self.pa, self.pb = free_port(), free_port()
        for port in (self.pa, self.pb):
            self.delete_later(Legacy, "127.0.0.1", port)
            resp = self.create(Legacy, "127.0.0.1", port)
            self.assertEqual(self.created_selectors(resp), [("IP", "127.0.0.1"), ("Port", str(port))])
        self.before = self.stored()
        self.assertEqual(len(self.before), 2)

    def get(self, view, sels):
        return self.body_child(self.send(T_GET, view, sels), "{%s}Listener" % view.ns)

    def test_seed_two_listeners_on_one_ip(self):
        for port in (self.pa, self.pb):
            self.assertTrue(serves("127.0.0.1", port), "no Identify on port %d" % port)
        # Enumerate shows both, with their ports, in both views
        for view in (Legacy, Current):
            with self.subTest(view=view.__name__):
                items = self.enumerate_items(view)
                self.assertEqual(len(items), 2, [etree.tostring(i) for i in items])
                for item, port in zip(items, (self.pa, self.pb)):
                    self.assertListener(item, view, view.expected("127.0.0.1", port, True))
        # the seed's selectors name each one
        for port in (self.pa, self.pb):
            self.assertListener(self.get(Legacy, Legacy.sel("127.0.0.1", port)), Legacy,
                                Legacy.expected("127.0.0.1", port, True))

    def test_address_and_transport_alone_are_ambiguous(self):
        for action, body in ((T_GET, ""), (T_PUT, listener_doc(CUR_URI, [("Enabled", "false")])),
                             (T_DELETE, "")):
            with self.subTest(action=action.rsplit("/", 1)[1]):
                resp = self.send(action, Current, Current.sel("127.0.0.1", 0), body)
                self.assertListenerFault(resp, Current, SELECTORS, message="add the Port selector")
                self.assertEqual(self.stored(), self.before)
        for port in (self.pa, self.pb):
            self.assertTrue(serves("127.0.0.1", port), "port %d stopped" % port)

    def test_port_selector_names_one(self):
        pa, pb = self.pa, self.pb
        self.assertListener(self.get(Current, Current.sel_port("127.0.0.1", pb)), Current,
                            Current.expected("127.0.0.1", pb, True))
        # a Port no listener on that address has
        resp = self.send(T_GET, Current, Current.sel_port("127.0.0.1", free_port()))
        self.assertListenerFault(resp, Current, NOT_FOUND)
        # Put Enabled=False closes that port only
        resp = self.send(T_PUT, Current, Current.sel_port("127.0.0.1", pa),
                         listener_doc(CUR_URI, [("Enabled", "False")]))
        self.assertListener(self.body_child(resp, "{%s}Listener" % CUR_URI), Current,
                            Current.expected("127.0.0.1", pa, False))
        self.assertTrue(refuses("127.0.0.1", pa), "port %d still open after Enabled=False" % pa)
        self.assertTrue(serves("127.0.0.1", pb), "port %d closed with the other" % pb)
        self.assertListener(self.get(Current, Current.sel_port("127.0.0.1", pb)), Current,
                            Current.expected("127.0.0.1", pb, True))
        self.assertListener(self.get(Legacy, Legacy.sel("127.0.0.1", pa)), Legacy,
                            Legacy.expected("127.0.0.1", pa, False))
        # Delete removes that record only; then Address and Transport name the other
        body = self.body_child(self.send(T_DELETE, Current, Current.sel_port("127.0.0.1", pa)))
        self.assertEqual(len(body), 0, etree.tostring(body))
        self.assertEqual(self.stored(), self.before[1:])
        self.assertTrue(serves("127.0.0.1", pb))
        self.assertListener(self.get(Current, Current.sel("127.0.0.1", 0)), Current,
                            Current.expected("127.0.0.1", pb, True))

    def test_create_with_port_selector(self):
        # alone on its Address and Transport: the reference needs no Port
        p6 = free_port("::1")
        self.delete_later(Legacy, "::1", p6)
        resp = self.send(T_CREATE, Current, Current.sel_port("::1", p6),
                         listener_doc(CUR_URI, [("Hostname", "host")]))
        self.assertEqual(self.created_selectors(resp), [("Address", "IP:::1"), ("Transport", "HTTP")])
        self.assertTrue(serves("::1", p6))
        self.assertListener(self.get(Current, Current.sel("::1", 0)), Current,
                            Current.expected("::1", p6, True))
        # a third on 127.0.0.1, the Port element agreeing with the selector
        pc = free_port()
        self.delete_later(Legacy, "127.0.0.1", pc)
        resp = self.send(T_CREATE, Current, Current.sel_port("127.0.0.1", pc),
                         listener_doc(CUR_URI, Current.create_fields(pc)))
        self.assertEqual(self.created_selectors(resp),
                         [("Address", "IP:127.0.0.1"), ("Transport", "HTTP"), ("Port", str(pc))])
        self.assertTrue(serves("127.0.0.1", pc))
        before = self.stored()
        self.assertEqual(len(before), 4)
        # a Port element that disagrees with the selector, and a taken port
        pd, pe = free_port(), free_port()
        resp = self.send(T_CREATE, Current, Current.sel_port("127.0.0.1", pd),
                         listener_doc(CUR_URI, Current.create_fields(pe)))
        text = self.assertListenerFault(resp, Current, INVALID_REPRESENTATION, message="Port selector")
        self.assertIn(str(pd), text)
        self.assertIn(str(pe), text)
        resp = self.send(T_CREATE, Current, Current.sel_port("127.0.0.1", self.pb),
                         listener_doc(CUR_URI, [("Hostname", "host")]))
        self.assertListenerFault(resp, Current, ALREADY_EXISTS)
        self.assertEqual(self.stored(), before)
        self.assertTrue(refuses("127.0.0.1", pd))
        self.assertTrue(refuses("127.0.0.1", pe))

    def test_put_port_keeps_ip_and_port_unique(self):
        pa, pb, pc = self.pa, self.pb, free_port()
        # onto the other listener's port: refused, nothing moves
        resp = self.send(T_PUT, Current, Current.sel_port("127.0.0.1", pa),
                         listener_doc(CUR_URI, [("Port", str(pb))]))
        self.assertListenerFault(resp, Current, ALREADY_EXISTS)
        self.assertEqual(self.stored(), self.before)
        self.assertTrue(serves("127.0.0.1", pa))
        self.assertTrue(serves("127.0.0.1", pb))
        # onto a free port: that record moves, the other stays
        self.delete_later(Legacy, "127.0.0.1", pc)
        resp = self.send(T_PUT, Current, Current.sel_port("127.0.0.1", pa),
                         listener_doc(CUR_URI, [("Port", str(pc))]))
        got = self.body_child(resp, "{%s}Listener" % CUR_URI)
        self.assertEqual(got.findtext("{%s}Port" % CUR_URI), str(pc), resp)
        self.assertTrue(refuses("127.0.0.1", pa))
        self.assertTrue(serves("127.0.0.1", pb))
        self.assertTrue(serves("127.0.0.1", pc))
        self.assertEqual([ln.split()[4] for ln in self.stored()], ["port=%d" % pc, "port=%d" % pb])


class ReadOnlyUserTest(ListenerCase):
    """RootSDDL granting AU read: a plain user may look but not write."""
    CONFIG = dict(PLAIN_BASIC, **{"service.root_sddl": "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)"})

    def test_plain_user_reads_but_cannot_write(self):
        port = free_port()
        self.delete_later(Legacy, "127.0.0.1", port)
        self.assertSoap(self.create(Legacy, "127.0.0.1", port))
        before = self.stored()
        bob = dict(via="tcp", auth=(PLAIN_USER, PLAIN_PASS))
        items = self.enumerate_items(Legacy, **bob)
        self.assertEqual(len(items), 1)
        self.assertListener(items[0], Legacy, Legacy.expected("127.0.0.1", port, True))
        resp = self.send(T_GET, Current, Current.sel("127.0.0.1", port), **bob)
        self.assertListener(self.body_child(resp, "{%s}Listener" % CUR_URI), Current,
                            Current.expected("127.0.0.1", port, True))
        writes = [(T_CREATE, Legacy.sel("127.0.0.1", free_port()), Legacy.create_fields(0)),
                  (T_PUT, Legacy.sel("127.0.0.1", port), [("Enabled", "false")]),
                  (T_DELETE, Legacy.sel("127.0.0.1", port), None)]
        for action, sels, fields in writes:
            with self.subTest(action=action.rsplit("/", 1)[1]):
                body = listener_doc(LEGACY_NS, fields) if fields is not None else ""
                self.assertFault(self.send(action, Legacy, sels, body, **bob), ACCESS_DENIED)
                self.assertEqual(self.stored(), before)
        self.assertTrue(serves("127.0.0.1", port))


# --- restart ---------------------------------------------------------------------

class _Lines:
    """Store lines for Daemon.config (which writes "key = value" per item)."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def items(self):
        return list(self.pairs)


class RestartTest(ListenerCase):
    """Daemons of its own, one after the other, on one store's lines."""

    @classmethod
    def setUpClass(cls):
        skip_unless_runnable()

    @classmethod
    def tearDownClass(cls):
        pass

    def start(self, config):
        d = Daemon(tcp=False)
        d.config = config
        d.start()

        def stop():
            problems = d.stop()
            d.cleanup()
            self.assertEqual(problems, [], d.stderr()[-4000:])
        self.addCleanup(stop)
        return d

    def store_pairs(self, d):
        with open(os.path.join(d.state_dir, "winrmd.conf")) as f:
            lines = [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
        return [tuple(x.strip() for x in ln.split("=", 1)) for ln in lines]

    def test_records_survive_restart_busy_port_retried(self):
        a = self.daemon = self.start(_Lines(PLAIN_BASIC.items()))
        # four addresses; IP and Port identify each record
        p1, p2, p3, p4 = (free_port(), free_port("::1"), free_port("127.0.0.2"), free_port("127.0.0.3"))
        for ip, port in (("127.0.0.1", p1), ("::1", p2), ("127.0.0.2", p3), ("127.0.0.3", p4)):
            self.assertSoap(self.create(Legacy, ip, port))
        self.assertSoap(self.send(T_PUT, Legacy, Legacy.sel("127.0.0.3", p4),
                                  listener_doc(LEGACY_NS, [("Enabled", "false")])))
        pairs = self.store_pairs(a)
        self.assertEqual(sum(1 for k, _ in pairs if k == "listener"), 4, pairs)
        self.assertEqual(a.stop(), [])
        self.assertTrue(refuses("127.0.0.1", p1))
        self.assertTrue(refuses("127.0.0.2", p3))
        # p3 is someone else's when the new daemon starts
        blocker = occupy("127.0.0.2", p3)
        try:
            b = self.daemon = self.start(_Lines(pairs))
            self.assertTrue(serves("127.0.0.1", p1))
            self.assertTrue(serves("::1", p2))
            self.assertTrue(refuses("127.0.0.3", p4), "a disabled record was bound")
            self.assertTrue(b.alive())
            self.assertTrue(wait_until(lambda: "port %d" % p3 in b.stderr(), 5 * SLOW), b.stderr())
            self.assertRegex(b.stderr(), r"listener 127\.0\.0\.2 port %d: .*retrying" % p3)
            items = self.enumerate_items(Current)
            self.assertEqual(len(items), 4)
            listening = {i.findtext("{%s}Port" % CUR_URI): [t for k, t in fields_of(i) if k == "ListeningOn"]
                         for i in items}
            self.assertEqual(listening, {str(p1): ["127.0.0.1"], str(p2): ["::1"], str(p3): [],
                                         str(p4): []})
        finally:
            blocker.close()
        t0 = time.monotonic()
        self.assertTrue(wait_until(lambda: serves("127.0.0.2", p3, timeout=1), 10 * SLOW, step=0.2),
                        "port %d not bound within 10 s of its release:\n%s" % (p3, b.stderr()[-3000:]))
        print("\n  busy port bound %.1f s after release" % (time.monotonic() - t0), file=sys.stderr)
        self.assertEqual(self.store_pairs(b), pairs)
        self.assertTrue(serves("127.0.0.1", p1))


# --- no leaks ----------------------------------------------------------------------

def sanitized():
    """True when the daemon is built with AddressSanitizer."""
    try:
        with open(harness.daemon_binary(), "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


class CycleTest(ListenerCase):
    CYCLES = 100 if VALGRIND else 1000

    def test_create_delete_cycles(self):
        conn = self.unix(timeout=10 * SLOW)
        port = free_port()
        create = envelope(T_CREATE, LEGACY_URI, selectors=Legacy.sel("127.0.0.1", port),
                          body=listener_doc(LEGACY_NS, Legacy.create_fields(port)))
        delete = envelope(T_DELETE, LEGACY_URI, selectors=Legacy.sel("127.0.0.1", port))
        create_cur = envelope(T_CREATE, CUR_URI, selectors=Current.sel("127.0.0.1", port),
                              body=listener_doc(CUR_URI, Current.create_fields(port)))
        delete_cur = envelope(T_DELETE, CUR_URI, selectors=Current.sel("127.0.0.1", port))

        def cycle(i):
            c, d = (create, delete) if i % 2 == 0 else (create_cur, delete_cur)
            r = request(conn, c)
            self.assertEqual(r.status, 200, r)
            r = request(conn, d)
            self.assertEqual(r.status, 200, r)

        for i in range(20):             # warm up allocator and caches
            cycle(i)
        pid = self.daemon.pid()
        fds0, rss0 = self.daemon.open_fds(), vm_rss_kb(pid)
        t0 = time.monotonic()
        for i in range(self.CYCLES):
            cycle(i)
        took = time.monotonic() - t0
        fds1, rss1 = self.daemon.open_fds(), vm_rss_kb(pid)
        print("\n  %d create/delete cycles in %.1f s: fds %d -> %d, VmRSS %d -> %d kB"
              % (self.CYCLES, took, fds0, fds1, rss0, rss1), file=sys.stderr)
        self.assertLess(took, 60 * SLOW)
        self.assertEqual(fds1, fds0)
        # valgrind's and ASan's own bookkeeping grow (ASan's quarantine keeps
        # freed memory); both check leaks themselves
        if not VALGRIND and not sanitized():
            self.assertLess(rss1 - rss0, 2048)
        self.assertEqual(self.stored(), [])
        self.assertTrue(refuses("127.0.0.1", port))
        self.assertStillServing()


if __name__ == "__main__":
    unittest.main()
