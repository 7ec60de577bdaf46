"""Identify (DMTF, authenticated and anonymous) and the seed's "this" resource."""

import unittest
import uuid

import winrm.exceptions

from harness import (ADMIN_PASS, IDENTIFY, NS, PLAIN_BASIC, PLAIN_PASS,
                     PLAIN_USER, T_GET, THIS_URI, DaemonTestCase, get_this, new_message_id,
                     parse_xml)

SECPROFILE = "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/"
VERSION_RE = r"OS: \d+\.\d+\.\d+ SP: \d+\.\d+ Stack: \d+\.\d+"


class IdentifyTest(DaemonTestCase):
    CONFIG = PLAIN_BASIC

    def check_identify(self, root):
        body = root.find("s:Body", NS)
        self.assertEqual(len(body), 1)
        ir = body.find("wsmid:IdentifyResponse", NS)
        self.assertIsNotNone(ir)
        self.assertEqual(ir.findtext("wsmid:ProtocolVersion", namespaces=NS),
                         "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd")
        self.assertEqual(ir.findtext("wsmid:ProductVendor", namespaces=NS), "winrmd")
        return ir

    def test_identify_control_socket(self):
        resp = self.post_unix(IDENTIFY)
        root = self.assertSoap(resp, 200)
        ir = self.check_identify(root)
        self.assertRegex(ir.findtext("wsmid:ProductVersion", namespaces=NS), "^" + VERSION_RE + "$")
        self.assertNotEqual(ir.findtext("wsmid:ProductVersion", namespaces=NS)[:9], "OS: 0.0.0")
        self.assertIsNotNone(ir.find("wsmid:SecurityProfiles", NS))
        # Identify replies carry an empty header: no Action.
        self.assertIsNone(root.find("s:Header/a:Action", NS))

    def test_identify_tcp_basic_pywinrm(self):
        p = self.pywinrm()
        text = p.send_message(IDENTIFY)
        root = parse_xml(text.encode("utf-8") if isinstance(text, str) else text)
        ir = self.check_identify(root)
        self.assertRegex(ir.findtext("wsmid:ProductVersion", namespaces=NS), "^" + VERSION_RE + "$")
        names = [e.text for e in ir.findall("wsmid:SecurityProfiles/wsmid:SecurityProfileName", NS)]
        self.assertIn(SECPROFILE + "http/basic", names)

    def test_identify_tcp_basic_non_admin(self):
        resp = self.post_tcp(IDENTIFY, auth=(PLAIN_USER, PLAIN_PASS))
        self.check_identify(self.assertSoap(resp, 200))

    def test_identify_anonymous(self):
        resp = self.post_tcp(IDENTIFY, auth=None, headers={"WSMANIDENTIFY": "unauthenticated"})
        root = self.assertSoap(resp, 200)
        ir = self.check_identify(root)
        self.assertEqual(ir.findtext("wsmid:ProductVersion", namespaces=NS),
                         "OS: 0.0.0 SP: 0.0 Stack: 3.0")
        self.assertIsNone(ir.find("wsmid:SecurityProfiles", NS))

    def test_identify_anonymous_header_case(self):
        resp = self.post_tcp(IDENTIFY, auth=None, headers={"wsmanidentify": "Unauthenticated"})
        ir = self.check_identify(self.assertSoap(resp, 200))
        self.assertIsNone(ir.find("wsmid:SecurityProfiles", NS))

    def test_identify_without_credentials_needs_auth(self):
        self.assert401(self.post_tcp(IDENTIFY, auth=None))

    def test_anonymous_flag_only_for_identify(self):
        resp = self.post_tcp(get_this(), auth=None, headers={"WSMANIDENTIFY": "unauthenticated"})
        self.assert401(resp)

    def test_anonymous_flag_with_bad_xml(self):
        resp = self.post_tcp(b"<s:Envelope", auth=None, headers={"WSMANIDENTIFY": "unauthenticated"})
        self.assertEqual(resp.status, 401, resp)

    def test_pywinrm_wrong_password_is_rejected(self):
        p = self.pywinrm(password="not-" + ADMIN_PASS)
        with self.assertRaises(winrm.exceptions.InvalidCredentialsError):
            p.send_message(IDENTIFY)

    # --- wsman:system/2005/06/this ---------------------------------------

    def check_this(self, resp, request_id):
        root = self.assertSoap(resp, 200)
        self.assertReplyHeaders(resp, request_id, T_GET + "Response")
        this = root.find("s:Body/t:This", NS)
        self.assertIsNotNone(this, resp)
        self.assertEqual(this.findtext("t:Vendor", namespaces=NS), "winrmd")
        self.assertRegex(this.findtext("t:Version", namespaces=NS), "^" + VERSION_RE + "$")
        access = this.find("t:Access", NS)
        self.assertIsNotNone(access)
        self.assertEqual(access.findtext("t:Compliance", namespaces=NS),
                         "http://schemas.xmlsoap.org/ws/2005/06/management")
        actions = [a.text for a in access.findall("t:Action", NS)]
        self.assertIn(T_GET, actions)
        self.assertEqual(len(actions), len(set(actions)))
        for a in actions:
            self.assertTrue(a.startswith("http://schemas.xmlsoap.org/ws/2004/09/"), a)
        transports = this.findall("t:Transports/t:Transport", NS)
        self.assertGreaterEqual(len(transports), 1)
        for t in transports:
            self.assertTrue(t.get("Name", "").startswith("http"), t.attrib)
        return this

    def test_get_this_control_socket(self):
        mid = new_message_id()
        self.check_this(self.post_unix(get_this(mid)), mid)

    def test_get_this_tcp_basic(self):
        mid = new_message_id()
        this = self.check_this(self.post_tcp(get_this(mid)), mid)
        auths = [a.text for a in this.findall("t:Transports/t:Transport/t:Auth", NS)]
        self.assertIn("wsman:auth/basic", auths)

    def test_get_this_pywinrm(self):
        mid = new_message_id()
        p = self.pywinrm()
        text = p.send_message(get_this(mid).decode("utf-8"))
        root = parse_xml(text.encode("utf-8") if isinstance(text, str) else text)
        self.assertEqual(root.findtext("s:Header/a:RelatesTo", namespaces=NS), mid)
        self.assertIsNotNone(root.find("s:Body/t:This", NS))

    def test_get_this_relates_to_is_verbatim(self):
        # Ruby and pypsrp send uppercase GUIDs; pypsrp compares strings.
        mid = "uuid:" + str(uuid.uuid4()).upper()
        self.check_this(self.post_unix(get_this(mid)), mid)

    def test_get_this_fresh_message_ids(self):
        mid = new_message_id()
        seen = set()
        for _ in range(3):
            resp = self.post_unix(get_this(mid))
            seen.add(self.assertReplyHeaders(resp, mid, T_GET + "Response").lower())
        self.assertEqual(len(seen), 3)

    def test_get_this_with_selector_is_a_legacy_fault(self):
        mid = new_message_id()
        resp = self.post_unix(get_this(mid, selectors={"Name": "x"}))
        fault = self.assertFault(resp, ("w", "InvalidSelectors"))
        self.assertReplyHeaders(resp, mid)
        # A request to a seed URI is answered in the seed's fault shape.
        outer = fault.find("s:Detail/f05:WSManFault", NS)
        self.assertIsNotNone(outer, resp)
        self.assertTrue(outer.get("Code", "").isdigit())
        self.assertLess(int(outer.get("Code")), 65536)
        inner = outer.find("f05:Message/f05:ProviderFault/f05:WSManFault", NS)
        self.assertIsNotNone(inner, resp)
        self.assertEqual(inner.get("Code"), outer.get("Code"))
        self.assertTrue(inner.findtext("f05:Message", namespaces=NS))

    def test_get_this_uri_case_of_scheme(self):
        # The scheme and authority of a URI are case-insensitive.
        body = get_this().replace(THIS_URI.encode(), b"WSMAN:system/2005/06/this")
        resp = self.post_unix(body)
        self.assertSoap(resp, 200)
        self.assertIsNotNone(resp.doc.find("s:Body/t:This", NS))


class IdentifyDefaultConfigTest(DaemonTestCase):
    """Out of the box: plain-HTTP Basic is off, so it is not advertised."""

    def test_identify_control_socket_lists_no_http_basic(self):
        resp = self.post_unix(IDENTIFY)
        root = self.assertSoap(resp, 200)
        names = [e.text for e in root.findall(
            "s:Body/wsmid:IdentifyResponse/wsmid:SecurityProfiles/wsmid:SecurityProfileName", NS)]
        self.assertNotIn(SECPROFILE + "http/basic", names)

    def test_this_lists_no_basic_on_http(self):
        root = self.assertSoap(self.post_unix(get_this()), 200)
        auths = [a.text for a in root.findall("s:Body/t:This/t:Transports/t:Transport/t:Auth", NS)]
        self.assertNotIn("wsman:auth/basic", auths)

    def test_anonymous_identify_still_served(self):
        resp = self.post_tcp(IDENTIFY, auth=None, headers={"WSMANIDENTIFY": "unauthenticated"})
        root = self.assertSoap(resp, 200)
        self.assertEqual(root.findtext("s:Body/wsmid:IdentifyResponse/wsmid:ProductVersion",
                                       namespaces=NS), "OS: 0.0.0 SP: 0.0 Stack: 3.0")


if __name__ == "__main__":
    unittest.main()
