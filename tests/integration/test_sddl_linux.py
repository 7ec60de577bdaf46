"""RootSDDL naming Linux accounts (S-1-22-1-UID users, S-1-22-2-GID groups)
and the audit lines RootSDDL's SACL asks for, over real sockets: bob (uid
41002, group 41002) is a plain user, alice (uid 41001, group sudo) an
administrator, both logging in with Basic over plain HTTP on loopback;
RootSDDL is changed over the control socket (as root)."""

import re
import unittest

from harness import (ADMIN_PASS, ADMIN_USER, CANARY, E_ENUMERATE, NS, PLAIN_BASIC, PLAIN_PASS, PLAIN_USER,
                     T_GET, envelope)
from test_config_resource import (CUR, LEGACY_URI, ConfigCase, legacy_put, nest, walk)

DEFAULT_SDDL = "O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)"
BOB = (PLAIN_USER, PLAIN_PASS)
ALICE = (ADMIN_USER, ADMIN_PASS)
DENIED = ("w", "AccessDenied")
AUDIT = re.compile(r'^winrmd: info: audit: (success|failure) user="([^"]*)" from="([^"]*)" '
                   r'op=(\w+) resource="([^"]*)"$', re.M)


class LinuxSidCase(ConfigCase):
    CONFIG = PLAIN_BASIC

    def setUp(self):
        self.addCleanup(lambda: self.legacy_set("Service/RootSDDL", DEFAULT_SDDL))

    def set_root_sddl(self, sddl):
        self.legacy_set("Service/RootSDDL", sddl)

    def get_tcp(self, auth, uri=LEGACY_URI):
        return self.post_tcp(envelope(T_GET, uri), auth=auth)

    def put_tcp(self, auth, inner):
        return self.post_tcp(legacy_put(inner), auth=auth)

    def assertReads(self, auth, sddl):
        """auth may Get both views, and the document is RootSDDL's."""
        for uri in (LEGACY_URI, CUR):
            with self.subTest(uri=uri):
                got = self.body_root(self.get_tcp(auth, uri))
                self.assertEqual(walk(got, "Service/RootSDDL").text, sddl)

    def assertCannotWrite(self, auth):
        before = self.snapshot()
        self.assertFault(self.put_tcp(auth, nest("MaxBatchItems", 3)), DENIED)
        self.assertUnchanged(before)

    def assertCannotRead(self, auth):
        for uri in (LEGACY_URI, CUR):
            with self.subTest(uri=uri):
                self.assertFault(self.get_tcp(auth, uri), DENIED)


class LinuxSidTest(LinuxSidCase):

    def test_group_grants_read_only(self):
        self.assertCannotRead(BOB)
        sddl = "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;S-1-22-2-41002)"
        self.set_root_sddl(sddl)
        self.assertReads(BOB, sddl)
        # Enumerate is a read too
        resp = self.post_tcp(envelope(E_ENUMERATE, LEGACY_URI + "/Listener", body="<n:Enumerate/>"), auth=BOB)
        self.assertIsNotNone(self.body_root(resp).find("n:EnumerationContext", NS), resp)
        self.assertCannotWrite(BOB)
        # another group's grant is not bob's (41001 is alice's own group)
        self.set_root_sddl("O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;S-1-22-2-41001)")
        self.assertCannotRead(BOB)
        self.assertReads(ALICE, "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;S-1-22-2-41001)")

    def test_user_grants_read_only(self):
        sddl = "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;S-1-22-1-41002)"
        self.set_root_sddl(sddl)
        self.assertReads(BOB, sddl)
        self.assertCannotWrite(BOB)
        # alice's uid is not bob's
        self.set_root_sddl("O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;S-1-22-1-41001)")
        self.assertCannotRead(BOB)

    def test_user_grants_write(self):
        self.set_root_sddl("O:NSG:BAD:P(A;;GA;;;BA)(A;;GRGW;;;S-1-22-1-41002)")
        self.addCleanup(lambda: self.legacy_set("MaxBatchItems", 20))
        self.assertSoap(self.put_tcp(BOB, nest("MaxBatchItems", 9)), 200)
        self.assertEqual(self.value("MaxBatchItems"), "9")

    def test_deny_by_uid_beats_allow_for_authenticated_users(self):
        self.set_root_sddl("O:NSG:BAD:P(A;;GA;;;BA)(D;;GA;;;S-1-22-1-41002)(A;;GA;;;AU)")
        self.assertCannotRead(BOB)
        self.assertCannotWrite(BOB)
        # a deny of writing to bob's group leaves him the read
        sddl = "O:NSG:BAD:P(A;;GA;;;BA)(D;;GW;;;S-1-22-2-41002)(A;;GA;;;AU)"
        self.set_root_sddl(sddl)
        self.assertReads(BOB, sddl)
        self.assertCannotWrite(BOB)
        # the administrator, granted by BA first, still writes
        self.addCleanup(lambda: self.legacy_set("MaxBatchItems", 20))
        self.assertSoap(self.put_tcp(ALICE, nest("MaxBatchItems", 8)), 200)
        self.assertEqual(self.value("MaxBatchItems"), "8")

    def test_malformed_linux_sids_refused(self):
        for sid in ("S-1-22-1-", "S-1-22-1-4294967296", "S-1-22-3-5", "S-1-22-3-x", "S-1-22-2-07",
                    "S-1-22-1-5-6", "S-1-22"):
            with self.subTest(sid=sid):
                before = self.snapshot()
                resp = self.post_unix(legacy_put(nest("Service/RootSDDL",
                                                      "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;%s)" % sid)))
                self.assertBadValue(resp, "RootSDDL")
                self.assertUnchanged(before)
        self.assertEqual(self.value("Service/RootSDDL"), DEFAULT_SDDL)


class AuditTest(LinuxSidCase):

    def audit_lines(self, since):
        """The audit lines written after offset since of the daemon's stderr,
        as (outcome, user, from, op, resource) tuples."""
        return AUDIT.findall(self.daemon.stderr()[since:])

    def test_audit_lines_under_the_default(self):
        self.assertEqual(self.value("Service/RootSDDL"), DEFAULT_SDDL)
        self.addCleanup(lambda: self.legacy_set("MaxBatchItems", 20))
        # a refused Put (FA: any access by everyone)
        mark = len(self.daemon.stderr())
        self.assertCannotWrite(BOB)
        self.assertIn(("failure", "bob", "127.0.0.1", "Put", LEGACY_URI), self.audit_lines(mark))
        # a granted Put (SA: writes by everyone)
        mark = len(self.daemon.stderr())
        self.assertSoap(self.put_tcp(ALICE, nest("MaxBatchItems", 6)), 200)
        self.assertEqual(self.audit_lines(mark), [("success", "alice", "127.0.0.1", "Put", LEGACY_URI)])
        # a refused Get is a failure too
        mark = len(self.daemon.stderr())
        self.assertFault(self.get_tcp(BOB), DENIED)
        self.assertEqual(self.audit_lines(mark), [("failure", "bob", "127.0.0.1", "Get", LEGACY_URI)])
        # a granted read writes nothing
        mark = len(self.daemon.stderr())
        self.assertSoap(self.get_tcp(ALICE), 200)
        self.assertEqual(self.audit_lines(mark), [])
        self.assertNotIn("audit:", self.daemon.stderr()[mark:])
        # the control socket is audited too, by the name of its peer's uid
        mark = len(self.daemon.stderr())
        self.legacy_set("MaxBatchItems", 7)
        self.assertIn(("success", "root", "local", "Put", LEGACY_URI), self.audit_lines(mark))
        # never a password
        err = self.daemon.stderr()
        for secret in (CANARY, PLAIN_PASS):
            self.assertNotIn(secret, err)

    def test_audit_of_a_linux_group(self):
        # the SACL may name a Linux group: bob's reads are audited, alice's not
        self.set_root_sddl("O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)S:P(AU;SA;GR;;;S-1-22-2-41002)")
        mark = len(self.daemon.stderr())
        self.assertSoap(self.get_tcp(BOB, CUR), 200)
        self.assertSoap(self.get_tcp(ALICE, CUR), 200)
        self.assertEqual(self.audit_lines(mark), [("success", "bob", "127.0.0.1", "Get", CUR)])
        # no SACL: no audit line, even for a refusal
        self.set_root_sddl("O:NSG:BAD:P(A;;GA;;;BA)")
        mark = len(self.daemon.stderr())
        self.assertFault(self.get_tcp(BOB), DENIED)
        self.assertEqual(self.audit_lines(mark), [])

    def test_client_chosen_uri_is_quoted(self):
        # an unknown resource: RootSDDL granted alice's Put, the URI (hers) is quoted
        uri = 'http://example.org/a"b\\c'
        mark = len(self.daemon.stderr())
        resp = self.post_tcp(envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/Put",
                                      uri.replace("&", "&amp;"), body="<x/>"), auth=ALICE)
        self.assertFault(resp, ("a", "DestinationUnreachable"))
        line = [l for l in self.daemon.stderr()[mark:].splitlines() if "audit:" in l]
        self.assertEqual(line, ['winrmd: info: audit: success user="alice" from="127.0.0.1" op=Put '
                                'resource="http://example.org/a\\"b\\\\c"'])


if __name__ == "__main__":
    unittest.main()
