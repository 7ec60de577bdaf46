"""Case 5: one reader cannot take every enumeration context.

A user who is not an administrator may hold 64 contexts; such users
together leave 128 of the 1,024 to administrators and the control socket;
a context answers only its owner, for the resource it was opened on."""

import re
import unittest

from robust import ADMIN_PASS, ADMIN_USER, PLAIN_BASIC, RobustCase, UnixHTTPConnection, basic, request

import harness
from harness import E_ENUMERATE, E_PULL, E_RELEASE, PLAIN_PASS, PLAIN_USER, envelope

LISTENERS = "http://schemas.microsoft.com/wbem/wsman/1/config/listener"
CONFIG_URI = "http://schemas.microsoft.com/wbem/wsman/1/config"
# administrators as by default, and every authenticated user may read
READERS_SDDL = "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)"
PER_USER = 64


def enumerate_req(uri=LISTENERS):
    return envelope(E_ENUMERATE, uri, body="<n:Enumerate/>")


def context_of(resp):
    m = re.search(rb"<n:EnumerationContext>([^<]+)</n:EnumerationContext>", resp.body)
    return m.group(1).decode() if m else None


class EnumerationQuotaTest(RobustCase):
    CONFIG = dict(PLAIN_BASIC, **{"service.root_sddl": READERS_SDDL})

    def tcp_as(self, user, password, body):
        c = harness.http.client.HTTPConnection("127.0.0.1", self.daemon.port, timeout=10)
        try:
            return request(c, body, headers={"Authorization": basic(user, password)})
        finally:
            c.close()

    def unix(self, body):
        c = UnixHTTPConnection(self.daemon.socket_path)
        try:
            return request(c, body)
        finally:
            c.close()

    def test_a_reader_holds_its_share_only(self):
        opened = []
        for _ in range(PER_USER + 10):                         # bounded in count
            resp = self.tcp_as(PLAIN_USER, PLAIN_PASS, enumerate_req())
            if resp.status != 200:
                self.assertFault(resp, ("w", "QuotaLimit"))
                break
            opened.append(context_of(resp))
        self.figures["contexts one reader opened"] = len(opened)
        self.assertEqual(len(opened), PER_USER)
        # an administrator over TCP and root on the control socket still can
        self.assertIsNotNone(context_of(self.assertSoapOk(self.tcp_as(ADMIN_USER, ADMIN_PASS, enumerate_req()))))
        root_ctx = context_of(self.assertSoapOk(self.unix(enumerate_req())))
        self.assertIsNotNone(root_ctx)
        # a context is bound to its owner and to its resource
        pull = envelope(E_PULL, LISTENERS, body="<n:Pull><n:EnumerationContext>%s</n:EnumerationContext></n:Pull>"
                        % opened[0])
        self.assertFault(self.tcp_as(ADMIN_USER, ADMIN_PASS, pull), ("n", "InvalidEnumerationContext"),
                         code="Receiver")
        wrong = envelope(E_PULL, CONFIG_URI, body="<n:Pull><n:EnumerationContext>%s</n:EnumerationContext>"
                         "</n:Pull>" % opened[0])
        self.assertFault(self.tcp_as(PLAIN_USER, PLAIN_PASS, wrong), ("n", "InvalidEnumerationContext"),
                         code="Receiver")
        self.assertSoapOk(self.tcp_as(PLAIN_USER, PLAIN_PASS, pull))
        # released contexts give the share back
        for ctx in opened[1:]:
            rel = envelope(E_RELEASE, LISTENERS, body="<n:Release><n:EnumerationContext>%s"
                           "</n:EnumerationContext></n:Release>" % ctx)
            self.assertSoapOk(self.tcp_as(PLAIN_USER, PLAIN_PASS, rel))
        self.assertIsNotNone(context_of(self.assertSoapOk(self.tcp_as(PLAIN_USER, PLAIN_PASS, enumerate_req()))))

    def assertSoapOk(self, resp):
        self.assertEqual(resp.status, 200, resp)
        return resp


if __name__ == "__main__":
    unittest.main()
