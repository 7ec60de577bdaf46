"""Enumerate / Pull / Release through the core.  No built-in resource
enumerates (the example provider is exercised by its own test_*provider*.sh),
so these cover the core's own answers: contexts it never issued, the
Enumerate checks it owns and resources that do not enumerate."""

import unittest
import uuid

from harness import (E_ENUMERATE, E_PULL, E_RELEASE, NS, PLAIN_BASIC, THIS_URI, DaemonTestCase, envelope,
                     new_message_id)

ENUM_FAULT = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault"


def pull(context, max_elements=None, uri=THIS_URI, mid="auto"):
    ctx = "" if context is None else "<n:EnumerationContext>%s</n:EnumerationContext>" % context
    mx = "" if max_elements is None else "<n:MaxElements>%s</n:MaxElements>" % max_elements
    return envelope(E_PULL, uri, mid, body="<n:Pull>%s%s</n:Pull>" % (ctx, mx))


def release(context, uri=THIS_URI, mid="auto"):
    ctx = "" if context is None else "<n:EnumerationContext>%s</n:EnumerationContext>" % context
    return envelope(E_RELEASE, uri, mid, body="<n:Release>%s</n:Release>" % ctx)


class EnumerationContextTest(DaemonTestCase):
    CONFIG = PLAIN_BASIC

    def assertInvalidContext(self, resp, mid=None):
        fault = self.assertFault(resp, ("n", "InvalidEnumerationContext"), code="Receiver")
        if mid:
            self.assertReplyHeaders(resp, mid, ENUM_FAULT)
        return fault

    def test_pull_bogus_context(self):
        mid = new_message_id()
        resp = self.post_unix(pull("uuid:" + str(uuid.uuid4()).upper(), mid=mid))
        fault = self.assertInvalidContext(resp, mid)
        # a seed URI: the seed's fault shape
        self.assertIsNotNone(fault.find("s:Detail/f05:WSManFault", NS), resp)

    def test_pull_bogus_context_current_uri(self):
        mid = new_message_id()
        resp = self.post_unix(pull("uuid:00000000-0000-0000-0000-000000000000",
                                   uri="http://schemas.microsoft.com/wbem/wsman/1/config", mid=mid))
        fault = self.assertInvalidContext(resp, mid)
        wf = fault.find("s:Detail/f:WSManFault", NS)
        self.assertIsNotNone(wf, resp)
        self.assertEqual(wf.get("Code"), str(0x8033801B))

    def test_pull_garbage_contexts(self):
        for ctx in ("", "not-a-uuid", "x" * 5000, "uuid:", "<![CDATA[uuid:1]]>", "%00"):
            with self.subTest(context=ctx[:20]):
                self.assertInvalidContext(self.post_unix(pull(ctx)))

    def test_pull_without_context_element(self):
        self.assertInvalidContext(self.post_unix(pull(None)))

    def test_pull_with_max_elements(self):
        self.assertInvalidContext(self.post_unix(pull("uuid:" + str(uuid.uuid4()), 5)))

    def test_pull_empty_body(self):
        resp = self.post_unix(envelope(E_PULL, THIS_URI, body=""))
        self.assertFault(resp, ("n", "InvalidEnumerationContext"))

    def test_pull_without_resource_uri(self):
        resp = self.post_unix(pull("uuid:" + str(uuid.uuid4()), uri=None))
        self.assertFault(resp, {("n", "InvalidEnumerationContext"),
                                ("a", "DestinationUnreachable"),
                                ("a", "MessageInformationHeaderRequired")})

    def test_release_bogus_context(self):
        mid = new_message_id()
        self.assertInvalidContext(self.post_unix(release("uuid:" + str(uuid.uuid4()), mid=mid)), mid)

    def test_release_without_context(self):
        self.assertInvalidContext(self.post_unix(release(None)))

    def test_release_twice(self):
        ctx = "uuid:" + str(uuid.uuid4())
        for _ in range(2):
            self.assertInvalidContext(self.post_unix(release(ctx)))

    def test_pull_bogus_context_over_tcp(self):
        mid = new_message_id()
        self.assertInvalidContext(self.post_tcp(pull("uuid:" + str(uuid.uuid4()), mid=mid)), mid)

    def test_pull_over_tcp_unauthenticated(self):
        self.assert401(self.post_tcp(pull("uuid:" + str(uuid.uuid4())), auth=None))


class EnumerateDispatchTest(DaemonTestCase):
    TCP = False

    def test_enumerate_resource_without_enumerate(self):
        mid = new_message_id()
        resp = self.post_unix(envelope(E_ENUMERATE, THIS_URI, mid, body="<n:Enumerate/>"))
        self.assertFault(resp, ("a", "ActionNotSupported"))
        self.assertReplyHeaders(resp, mid)

    def test_enumerate_unknown_uri(self):
        resp = self.post_unix(envelope(E_ENUMERATE, "http://example.com/nothing", body="<n:Enumerate/>"))
        self.assertFault(resp, ("a", "DestinationUnreachable"))

    def test_enumerate_with_filter_unknown_uri(self):
        body = ('<n:Enumerate><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">'
                'select * from Win32_Service</w:Filter></n:Enumerate>')
        resp = self.post_unix(envelope(E_ENUMERATE, "http://example.com/nothing", body=body))
        self.assertFault(resp)

    def test_release_then_pull_still_invalid(self):
        ctx = "uuid:" + str(uuid.uuid4())
        self.assertFault(self.post_unix(release(ctx)), ("n", "InvalidEnumerationContext"))
        self.assertFault(self.post_unix(pull(ctx)), ("n", "InvalidEnumerationContext"))


if __name__ == "__main__":
    unittest.main()
