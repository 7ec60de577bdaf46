"""The Listener resource's smaller points of issue 13, over the control
socket and over TCP, asserting on the parsed replies:

- a second Delete of a listener (today's form and the seed's) answers
  a:DestinationUnreachable with the InvalidResourceURI FaultDetail of
  PROTOCOL.md 3.3, and Code 0x80338000 (the seed's 32768);
- IP=[::1] and Address=IP:[::1], the bracketed IPv6 form many tools write,
  name the same listener as ::1 and are stored in one canonical form;
- a listener given with --listen shows in Enumerate and Get as a read-only
  record (the attribute Source="CommandLine", as Windows marks its GPO and
  compatibility listeners); Put and Delete of it are w:AccessDenied with a
  message that says why, and nothing changes."""

import unittest

from lxml import etree

from harness import T_GET, T_PUT
from listener_helpers import (ACCESS_DENIED, CUR_URI, LEGACY_NS, MSG_NOT_FOUND, NOT_FOUND, T_CREATE,
                              T_DELETE, Current, Legacy, ListenerCase, NS, fields_of, free_port, listener_doc,
                              serves)

DETAIL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"


class SecondDeleteTest(ListenerCase):

    def test_second_delete_names_invalid_resource_uri(self):
        for view in (Current, Legacy):
            for via in ("unix", "tcp"):
                with self.subTest(view=view.__name__, via=via):
                    port = free_port("::1")
                    self.assertSoap(self.create(view, "::1", port, via=via))
                    self.assertSoap(self.send(T_DELETE, view, view.sel("::1", port), via=via))
                    resp = self.send(T_DELETE, view, view.sel("::1", port), via=via)
                    fault = self.assertFault(resp, NOT_FOUND, code="Sender")
                    self.assertEqual(fault.findtext("s:Detail/w:FaultDetail", namespaces=NS),
                                     DETAIL + "InvalidResourceURI", resp)
                    self.assertListenerFault(resp, view, NOT_FOUND, 32768, MSG_NOT_FOUND)
                    if not view.legacy:
                        self.assertEqual(fault.find("s:Detail/f:WSManFault", NS).get("Code"),
                                         str(0x80338000), resp)


class BracketedIPv6Test(ListenerCase):

    def test_seed_ip_in_brackets(self):
        for via in ("unix", "tcp"):
            with self.subTest(via=via):
                port = free_port("::1")
                self.delete_later(Legacy, "::1", port)
                resp = self.create(Legacy, "[::1]", port, via=via)
                self.assertEqual(self.created_selectors(resp), [("IP", "::1"), ("Port", str(port))], resp)
                self.assertTrue(serves("::1", port))
                # stored once, canonical
                self.assertIn("listener = address=IP:::1 transport=HTTP port=%d" % port,
                              " ".join(self.stored()))
                # every spelling names it
                for ip in ("[::1]", "::1", "0:0:0:0:0:0:0:1", "[0::1]"):
                    resp = self.send(T_GET, Legacy, Legacy.sel(ip, port), via=via)
                    got = self.body_child(resp, "{%s}Listener" % LEGACY_NS)
                    self.assertEqual(dict(fields_of(got))["IP"], "::1", resp)
                self.assertSoap(self.send(T_DELETE, Legacy, Legacy.sel("[::1]", port), via=via))
                self.assertFalse(any("port=%d " % port in ln + " " for ln in self.stored()), self.stored())

    def test_current_address_in_brackets(self):
        for via in ("unix", "tcp"):
            with self.subTest(via=via):
                port = free_port("::1")
                sel = {"Address": "IP:[::1]", "Transport": "HTTP"}
                self.addCleanup(lambda: self.send(T_DELETE, Current, {"Address": "IP:::1", "Transport": "HTTP"}))
                resp = self.send(T_CREATE, Current, sel, listener_doc(CUR_URI, [("Port", str(port))]), via=via)
                self.assertEqual(self.created_selectors(resp), [("Address", "IP:::1"), ("Transport", "HTTP")],
                                 resp)
                resp = self.send(T_GET, Current, sel, via=via)
                got = dict(fields_of(self.body_child(resp, "{%s}Listener" % CUR_URI)))
                self.assertEqual((got["Address"], got["Port"]), ("IP:::1", str(port)), resp)
                # one record, whichever spelling made it: a second Create is a duplicate
                resp = self.send(T_CREATE, Current, {"Address": "IP:::1", "Transport": "HTTP"},
                                 listener_doc(CUR_URI, [("Port", str(port))]), via=via)
                self.assertFault(resp, ("w", "AlreadyExists"))
                self.assertSoap(self.send(T_DELETE, Current, sel, via=via))

    def test_brackets_are_for_ipv6_only(self):
        for sel in ({"IP": "[127.0.0.1]", "Port": "5985"}, {"IP": "[::1", "Port": "5985"},
                    {"IP": "::1]", "Port": "5985"}, {"IP": "[]", "Port": "5985"}):
            with self.subTest(sel=sel):
                self.assertFault(self.send(T_GET, Legacy, sel), ("w", "InvalidSelectors"))


class CommandLineListenerTest(ListenerCase):
    """The harness starts every daemon with --listen 127.0.0.1:0."""

    def cmdline_items(self, view, via):
        items = [i for i in self.enumerate_items(view, via=via, cmdline=True) if i.get("Source")]
        self.assertEqual(len(items), 1, [etree.tostring(i) for i in items])
        return items[0]

    def test_enumerate_and_get_show_it(self):
        port = str(self.daemon.port)
        for via in ("unix", "tcp"):
            with self.subTest(via=via):
                item = self.cmdline_items(Current, via)
                self.assertEqual(item.get("Source"), "CommandLine")
                self.assertEqual(fields_of(item), [
                    ("Address", "IP:127.0.0.1"), ("Transport", "HTTP"), ("Port", port), ("Hostname", ""),
                    ("Enabled", "true"), ("URLPrefix", "wsman"), ("CertificateThumbprint", ""),
                    ("ListeningOn", "127.0.0.1")])
                item = self.cmdline_items(Legacy, via)
                self.assertEqual(item.get("Source"), "CommandLine")
                self.assertEqual(dict(fields_of(item))["IP"], "127.0.0.1")
                self.assertEqual(dict(fields_of(item))["Port"], port)
                # Get names it: the seed's IP and Port, today's with its Port
                for view, sel in ((Legacy, Legacy.sel("127.0.0.1", port)),
                                  (Current, Current.sel_port("127.0.0.1", port))):
                    resp = self.send(T_GET, view, sel, via=via)
                    got = self.body_child(resp, "{%s}Listener" % view.ns)
                    self.assertEqual(got.get("Source"), "CommandLine", resp)
        # it is not in the store
        self.assertEqual(self.stored(), [])

    def test_put_and_delete_refused(self):
        port = str(self.daemon.port)
        for view, sel, body in ((Legacy, Legacy.sel("127.0.0.1", port),
                                 listener_doc(LEGACY_NS, [("Enabled", "false")])),
                                (Current, Current.sel_port("127.0.0.1", port),
                                 listener_doc(CUR_URI, [("Enabled", "false")]))):
            for action in (T_PUT, T_DELETE):
                for via in ("unix", "tcp"):
                    with self.subTest(view=view.__name__, action=action.rsplit("/", 1)[1], via=via):
                        resp = self.send(action, view, sel, body if action == T_PUT else "", via=via)
                        text = self.assertListenerFault(resp, view, ACCESS_DENIED)
                        self.assertIn("--listen", text, resp)
                        self.assertIn("read-only", text, resp)
        self.assertEqual(self.stored(), [])
        self.assertTrue(serves("127.0.0.1", self.daemon.port))

    def test_create_on_its_address_and_port_is_a_duplicate(self):
        resp = self.create(Legacy, "127.0.0.1", self.daemon.port)
        self.assertFault(resp, ("w", "AlreadyExists"))
        self.assertEqual(self.stored(), [])

    def test_todays_selectors_without_port_name_the_stored_ones(self):
        # Address and Transport alone name the store's records: the
        # --listen one, on the same address, does not make them ambiguous
        port = free_port()
        self.delete_later(Current, "127.0.0.1", port)
        resp = self.create(Current, "127.0.0.1", port)
        self.assertEqual(self.created_selectors(resp), [("Address", "IP:127.0.0.1"), ("Transport", "HTTP")])
        resp = self.send(T_GET, Current, Current.sel("127.0.0.1", port))
        got = self.body_child(resp, "{%s}Listener" % CUR_URI)
        self.assertIsNone(got.get("Source"), resp)
        self.assertEqual(dict(fields_of(got))["Port"], str(port))


if __name__ == "__main__":
    unittest.main()
