"""Every configuration field that the service enforces, changed through the
config resource and observed over a real socket right away, without a
restart: MaxEnvelopeSizekb, MaxTimeoutms, MaxBatchItems, SoapTraceEnabled,
EnumerationTimeoutms, MaxConnections, URLPrefix, the plain-HTTP Basic
switches and RootSDDL.

Not covered here, because nothing in the tree can make them observable:
MaxProviderRequests and MaxConcurrentOperations count provider calls that
are still pending (WINRMD_PENDING), and no built provider (config, identify,
the example) ever answers later; MaxClientCertInfoSize needs certificate
authentication; the Client/* keys are stored and echoed only (PROTOCOL.md
5.3) except URLPrefix.  A reply bigger than MaxEnvelopeSizekb itself (at
least 32 KB) cannot be produced either: the largest configuration document
is about 10 KB and the example provider's items are tiny, so the reply
limit is shown with the client's wsman:MaxEnvelopeSize header (8192)."""

import base64
import os
import shutil
import subprocess
import time
import unittest

import harness
from harness import (ADMIN_PASS, ADMIN_USER, CANARY, E_ENUMERATE, E_PULL, IDENTIFY, NS, PLAIN_BASIC,
                     PLAIN_PASS, PLAIN_USER, SLOW, SOAP_CT, T_GET, basic, envelope,
                     new_message_id, raw_exchange, request, wait_until)
from test_config_resource import (CUR, LEGACY_URI, ConfigCase, current_put, legacy_put, nest, nest_many, walk,
                                  with_max_envelope, with_timeout)

DEFAULT_SDDL = "O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)"
HELLO_URI = "http://example.org/winrmd/hello"
ENCODING_LIMIT = ("w", "EncodingLimit")
FAULT_DETAIL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"


class LiveCase(ConfigCase):
    CONFIG = PLAIN_BASIC

    def get_tcp(self, uri=CUR, auth=(ADMIN_USER, ADMIN_PASS), **kw):
        return self.post_tcp(envelope(T_GET, uri), auth=auth, **kw)

    def assertDetail(self, fault, name):
        self.assertEqual(fault.findtext("s:Detail/w:FaultDetail", namespaces=NS), FAULT_DETAIL + name)

    def restore(self, path, value):
        """Puts a legacy value back at the end of the test."""
        self.addCleanup(lambda: self.legacy_set(path, value))


class EnvelopeAndTimeoutTest(LiveCase):

    def test_max_envelope_kb_limits_request_bodies(self):
        # padded with a comment: an element may appear once only
        big = legacy_put("<!--%s-->" % ("x" * 38000) + nest("MaxBatchItems", 30))       # ~40 KB
        small = legacy_put("<!--%s-->" % ("x" * 15000) + nest("MaxBatchItems", 31))     # ~16 KB
        self.assertGreater(len(big), 36 * 1024)
        self.assertLess(len(small), 31 * 1024)
        self.restore("MaxEnvelopeSizekb", 50)
        self.legacy_set("MaxEnvelopeSizekb", 32)
        before = self.snapshot()
        for resp in (self.post_tcp(big), self.post_unix(big)):
            fault = self.assertFault(resp, ENCODING_LIMIT)
            self.assertDetail(fault, "ServiceEnvelopeLimit")
        self.assertUnchanged(before)
        self.assertSoap(self.post_tcp(small), 200)
        self.assertEqual(self.value("MaxBatchItems"), "31")
        # raised again: the same body goes through on the same listener
        self.current_set("MaxEnvelopeSizekb", 64)
        self.assertSoap(self.post_tcp(big), 200)
        self.assertEqual(self.value("MaxBatchItems", CUR), "30")

    def test_reply_limit(self):
        # an 8192-octet client limit fits the default document ...
        resp = self.post_tcp(with_max_envelope(envelope(T_GET, CUR), 8192))
        self.assertSoap(resp, 200)
        self.assertLess(len(resp.body), 8192)
        # ... but not once long values make it ~10 KB
        sddl = "O:NSG:BAD:P(A;;GA;;;BA)" + "".join(
            "(A;;GR;;;S-1-5-21-1234567890-1234567890-1234567890-%d)" % (1000 + i) for i in range(60))
        self.addCleanup(lambda: self.put_ok(current_put(
            nest_many(("Client/TrustedHosts", ""), ("Service/RootSDDL", DEFAULT_SDDL),
                      ("Service/IPv4Filter", "*"), ("Service/IPv6Filter", "*")))))
        self.put_ok(current_put(nest_many(("Client/TrustedHosts", "h" * 512), ("Service/RootSDDL", sddl),
                                          ("Service/IPv4Filter", "1" * 1024), ("Service/IPv6Filter", "2" * 1024))))
        resp = self.post_tcp(with_max_envelope(envelope(T_GET, CUR), 8192))
        fault = self.assertFault(resp, ENCODING_LIMIT)
        self.assertDetail(fault, "MaxEnvelopeSize")
        self.assertEqual(fault.find("s:Detail/f:WSManFault", NS).get("Code"), str(0x80338048))
        self.assertLessEqual(len(resp.body), 8192)
        # the same Get with room for it, and the smaller legacy view, work
        resp = self.post_tcp(with_max_envelope(envelope(T_GET, CUR), 12000))
        self.assertGreater(len(resp.body), 8192)
        self.assertEqual(walk(self.body_root(resp), "Service/RootSDDL").text, sddl)
        self.assertSoap(self.post_tcp(with_max_envelope(envelope(T_GET, LEGACY_URI), 8192)), 200)
        # MaxEnvelopeSizekb bounds the client's value from above, never below 8 KiB
        self.restore("MaxEnvelopeSizekb", 50)
        self.legacy_set("MaxEnvelopeSizekb", 32)
        self.assertSoap(self.post_tcp(envelope(T_GET, CUR)), 200)

    def test_put_whose_reply_is_too_big_changes_nothing(self):
        # A Put answered with w:EncodingLimit (its reply would not fit the
        # client's MaxEnvelopeSize) must not have changed the store.
        sddl = "O:NSG:BAD:P(A;;GA;;;BA)" + "".join(
            "(A;;GR;;;S-1-5-21-1234567890-1234567890-1234567890-%d)" % (1000 + i) for i in range(60))
        self.addCleanup(lambda: self.put_ok(current_put(
            nest_many(("Client/TrustedHosts", ""), ("Service/RootSDDL", DEFAULT_SDDL),
                      ("Service/IPv4Filter", "*"), ("Service/IPv6Filter", "*")))))
        before = self.snapshot()
        resp = self.post_unix(with_max_envelope(current_put(
            nest_many(("Client/TrustedHosts", "h" * 512), ("Service/RootSDDL", sddl),
                      ("Service/IPv4Filter", "1" * 1024), ("Service/IPv6Filter", "2" * 1024))), 8192))
        self.assertDetail(self.assertFault(resp, ENCODING_LIMIT), "MaxEnvelopeSize")
        self.assertUnchanged(before)
        # with room for the reply the same Put goes through
        self.put_ok(with_max_envelope(current_put(nest("Client/TrustedHosts", "h" * 512) +
                                                  nest("Service/RootSDDL", sddl)), 16384))
        self.assertEqual(self.value("Service/RootSDDL"), sddl)

    def test_max_timeout_ms(self):
        get = envelope(T_GET, CUR)
        # every request, this test's Puts too, must now ask for at most 1 s
        self.addCleanup(lambda: self.put_ok(with_timeout(legacy_put(nest("MaxTimeoutms", 60000)), "PT0.5S")))
        self.put_ok(legacy_put(nest("MaxTimeoutms", 1000)))
        for duration in ("PT20S", "PT1.001S", "PT2S", "P1D"):
            with self.subTest(duration=duration):
                fault = self.assertFault(self.post_tcp(with_timeout(get, duration)), ("w", "InvalidParameter"))
                self.assertIn("MaxTimeoutms", "".join(fault.find("s:Detail", NS).itertext()))
        for duration in ("PT1S", "PT0.5S", "PT1.000S"):
            with self.subTest(duration=duration):
                self.assertSoap(self.post_tcp(with_timeout(get, duration)), 200)
        # no OperationTimeout at all is fine
        no_timeout = get.replace(b"<w:OperationTimeout>PT20S</w:OperationTimeout>", b"")
        self.assertSoap(self.post_tcp(no_timeout), 200)
        resp = self.post_unix(current_put(nest("MaxTimeoutms", 20000)))   # PT20S: refused too
        self.assertFault(resp, ("w", "InvalidParameter"))
        now = self.body_root(self.post_unix(with_timeout(envelope(T_GET, CUR), "PT1S")))
        self.assertEqual(walk(now, "MaxTimeoutms").text, "1000")
        got = self.put_ok(with_timeout(current_put(nest("MaxTimeoutms", 20000)), "PT1S"))
        self.assertEqual(walk(got, "MaxTimeoutms").text, "20000")
        self.assertSoap(self.post_tcp(get), 200)
        self.assertFault(self.post_tcp(with_timeout(get, "PT20.5S")), ("w", "InvalidParameter"))


class SoapTraceTest(LiveCase):

    def test_soap_trace(self):
        creds = base64.b64encode(("%s:%s" % (ADMIN_USER, ADMIN_PASS)).encode()).decode()
        off_mid = new_message_id()
        self.assertSoap(self.post_tcp(envelope(T_GET, CUR, message_id=off_mid)), 200)
        self.restore("SoapTraceEnabled", "false")
        self.legacy_set("SoapTraceEnabled", "true")
        mid, bad_mid = new_message_id(), new_message_id()
        self.assertSoap(self.post_tcp(envelope(T_GET, CUR, message_id=mid)), 200)
        # a secret in a body is masked as well
        resp = self.post_tcp(legacy_put("<cfg:Password>%s</cfg:Password>" % CANARY, message_id=bad_mid))
        self.assertUnknownElement(resp, "Password", legacy=True)
        err = wait_until(lambda: self.daemon.stderr() if self.daemon.stderr().count(bad_mid) >= 2 else None,
                         5 * SLOW)
        self.assertTrue(err, self.daemon.stderr()[-3000:])
        lines = err.splitlines()
        req = [l for l in lines if "soap trace request" in l and mid in l]
        rsp = [l for l in lines if "soap trace response" in l and mid in l]
        self.assertEqual(len(req), 1, err[-3000:])
        self.assertEqual(len(rsp), 1, err[-3000:])
        self.assertIn("GetResponse", rsp[0])
        self.assertIn("MaxEnvelopeSizekb", rsp[0])
        self.assertTrue(any("soap trace request" in l and bad_mid in l and "Password" in l for l in lines))
        self.assertNotIn(CANARY, err)
        self.assertNotIn(creds, err)
        self.assertNotIn(off_mid, err)          # before the switch: not traced
        # issue 8: what hid a secret from text-based masking
        hidden = []
        for body in ("<cfg:Password><?x?>%s</cfg:Password>", "<cfg:Password><v>%s</v></cfg:Password>",
                     '<cfg:Account Password="%s"/>', "<cfg:Password><!-- x -->%s</cfg:Password>",
                     "<cfg:Password><![CDATA[%s]]></cfg:Password>"):
            m = new_message_id()
            hidden.append(m)
            self.assertFault(self.post_tcp(legacy_put(body % CANARY, message_id=m)))
        self.assertTrue(wait_until(lambda: all(m in self.daemon.stderr() for m in hidden), 5 * SLOW))
        self.assertNotIn(CANARY, self.daemon.stderr())
        # off again: no more trace
        self.legacy_set("SoapTraceEnabled", "false")
        late = new_message_id()
        self.assertSoap(self.post_tcp(envelope(T_GET, CUR, message_id=late)), 200)
        self.assertSoap(self.post_unix(IDENTIFY), 200)
        self.assertNotIn(late, self.daemon.stderr())


class ConnectionsTest(LiveCase):

    def slow_request(self):
        """A TCP request sent up to half its body: an active connection."""
        body = envelope(T_GET, CUR)
        head = ("POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: %s\r\n"
                "Content-Type: %s\r\nContent-Length: %d\r\n\r\n"
                % (basic(ADMIN_USER, ADMIN_PASS), SOAP_CT, len(body))).encode()
        s = self.raw_socket()
        s.sendall(head + body[:len(body) // 2])
        return s, body[len(body) // 2:]

    def quota_fault(self):
        resp = self.get_tcp()
        if resp.status == 500:
            self.assertFault(resp, ("w", "QuotaLimit"))
            return resp
        self.assertSoap(resp, 200)
        return None

    def test_max_connections_ignores_half_sent_requests(self):
        # MaxConnections counts requests received and being answered (see
        # test_pending.MaxConnectionsTest); a client still sending its
        # request holds no slot, so half-sent requests cannot lock others out.
        self.restore("Service/MaxConnections", 5)
        self.legacy_set("Service/MaxConnections", 1)
        s, rest = self.slow_request()
        try:
            time.sleep(0.2 * SLOW)
            self.assertSoap(self.get_tcp(), 200)
            self.assertSoap(self.post_unix(envelope(T_GET, LEGACY_URI)), 200)
            self.assertSoap(raw_exchange(s, rest), 200)
        finally:
            s.close()

    def test_idle_connections_do_not_count(self):
        self.restore("Service/MaxConnections", 5)
        self.legacy_set("Service/MaxConnections", 1)
        idle = []
        for _ in range(20):                             # kept-alive after one request each
            c = self.tcp()
            self.assertSoap(request(c, envelope(T_GET, CUR),
                                    headers={"Authorization": basic(ADMIN_USER, ADMIN_PASS)}), 200)
            idle.append(c)
        silent = [self.raw_socket() for _ in range(5)]  # connected, never sent a byte
        self.assertEqual(len(silent), 5)
        self.assertSoap(self.get_tcp(), 200)
        self.assertSoap(self.post_unix(envelope(T_GET, LEGACY_URI)), 200)
        # the idle connections still work, one after the other
        for c in (idle[0], idle[19]):
            self.assertSoap(request(c, envelope(T_GET, LEGACY_URI),
                                    headers={"Authorization": basic(ADMIN_USER, ADMIN_PASS)}), 200)


class UrlPrefixTest(LiveCase):

    def reset_prefix(self):
        for path in ("/other", "/a/b-c", "/wsman"):
            resp = self.post_unix(legacy_put(nest("Client/URLPrefix", "wsman")), path=path)
            if resp.status == 200:
                return

    def test_url_prefix(self):
        self.addCleanup(self.reset_prefix)
        got = self.put_ok(legacy_put(nest("Client/URLPrefix", "other")))
        self.assertEqual(walk(got, "Client/URLPrefix").text, "other")
        get = envelope(T_GET, CUR)
        self.assertSoap(self.post_unix(get, path="/other"), 200)
        self.assertSoap(self.post_tcp(get, path="/other/"), 200)
        for resp in (self.post_unix(get), self.post_tcp(get), self.post_tcp(get, path="/wsman/")):
            self.assertEqual(resp.status, 404, resp)
            self.assertEqual(resp.body, b"")
        # through the current view, with a path of several segments
        resp = self.post_unix(current_put(nest("URLPrefix", "a/b-c"), uri=CUR + "/client", root="Client"),
                              path="/other")
        self.assertSoap(resp, 200)
        self.assertSoap(self.post_tcp(get, path="/a/b-c"), 200)
        self.assertEqual(self.post_tcp(get, path="/other").status, 404)
        # a prefix that is no URL path segment is refused
        for bad in ("/lead", "a b", "", "x" * 65, "a?b"):
            with self.subTest(prefix=bad):
                resp = self.post_unix(legacy_put(nest("Client/URLPrefix", bad)), path="/a/b-c")
                self.assertBadValue(resp, "URLPrefix")
        resp = self.post_unix(legacy_put(nest("Client/URLPrefix", "wsman")), path="/a/b-c")
        self.assertSoap(resp, 200)
        self.assertSoap(self.post_tcp(get), 200)


class PlainBasicTest(LiveCase):

    def test_unencrypted_basic_switch(self):
        self.restore("Service/HTTP/Unencrypted/Basic", "true")
        self.assertSoap(self.get_tcp(), 200)
        self.legacy_set("Service/HTTP/Unencrypted/Basic", "false")
        self.assert401(self.get_tcp(), challenge=False)
        self.assert401(self.get_tcp(auth=None), challenge=False)
        # anonymous Identify is unaffected
        resp = self.post_tcp(IDENTIFY, auth=None, headers={"WSMANIDENTIFY": "unauthenticated"})
        self.assertSoap(resp, 200)
        self.legacy_set("Service/HTTP/Unencrypted/Basic", "true")
        self.assertSoap(self.get_tcp(), 200)
        self.assert401(self.get_tcp(auth=None), challenge=True)
        # the current view's switch does the same
        self.current_set("AllowUnencrypted", "false", uri=CUR + "/service", root="Service")
        self.assert401(self.get_tcp(), challenge=False)
        self.current_set("Service/AllowUnencrypted", "true")
        self.assertSoap(self.get_tcp(), 200)

    def test_basic_switch(self):
        self.restore("Service/HTTPS/Basic", "true")
        self.legacy_set("Service/HTTPS/Basic", "false")
        self.assert401(self.get_tcp(), challenge=False)
        self.current_set("Basic", "true", uri=CUR + "/service/auth", root="Auth")
        self.assertSoap(self.get_tcp(), 200)


class RootSddlTest(LiveCase):

    def put_tcp(self, user, password, inner):
        return self.post_tcp(legacy_put(inner), auth=(user, password))

    def test_root_sddl(self):
        bob = (PLAIN_USER, PLAIN_PASS)
        self.assertSoap(self.get_tcp(), 200)
        for resp in (self.get_tcp(auth=bob), self.get_tcp(LEGACY_URI, auth=bob)):
            self.assertFault(resp, ("w", "AccessDenied"))
        before = self.snapshot()
        self.assertFault(self.put_tcp(*bob, nest("MaxBatchItems", 3)), ("w", "AccessDenied"))
        self.assertUnchanged(before)
        # read access for authenticated users
        self.restore("Service/RootSDDL", DEFAULT_SDDL)
        self.legacy_set("Service/RootSDDL", "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)")
        for uri in (CUR, LEGACY_URI, CUR + "/winrs"):
            self.assertSoap(self.get_tcp(uri, auth=bob), 200)
        before = self.snapshot()
        self.assertFault(self.put_tcp(*bob, nest("MaxBatchItems", 3)), ("w", "AccessDenied"))
        self.assertFault(self.post_tcp(current_put(nest("Service/RootSDDL", "O:NSG:BAD:P(A;;GA;;;AU)")),
                                       auth=bob), ("w", "AccessDenied"))
        self.assertUnchanged(before)
        # the administrator still writes, over TCP too
        self.assertSoap(self.put_tcp(ADMIN_USER, ADMIN_PASS, nest("MaxBatchItems", 4)), 200)
        self.assertEqual(self.value("MaxBatchItems"), "4")
        # write access for authenticated users
        self.current_set("Service/RootSDDL", "O:NSG:BAD:P(A;;GA;;;BA)(A;;GRGW;;;AU)")
        self.assertSoap(self.put_tcp(*bob, nest("MaxBatchItems", 5)), 200)
        self.assertEqual(self.value("MaxBatchItems"), "5")
        # ACEs apply in order: administrators are granted everything before
        # the deny of writing to authenticated users, which beats the allow after it
        self.legacy_set("Service/RootSDDL", "O:NSG:BAD:P(A;;GA;;;BA)(D;;GW;;;AU)(A;;GA;;;AU)")
        self.assertSoap(self.get_tcp(auth=bob), 200)
        self.assertFault(self.put_tcp(*bob, nest("MaxBatchItems", 6)), ("w", "AccessDenied"))
        self.assertSoap(self.put_tcp(ADMIN_USER, ADMIN_PASS, nest("MaxBatchItems", 7)), 200)
        self.assertEqual(self.value("MaxBatchItems"), "7")


# --- MaxBatchItems and EnumerationTimeoutms: need an enumerating provider ---

def build_hello(dest):
    """Builds examples/hello-provider into dest (a private plugin directory);
    returns None or why it could not."""
    cc = shutil.which("cc") or shutil.which("gcc")
    src = os.path.join(harness.srcdir(), "examples", "hello-provider", "hello.c")
    if not cc or not os.path.exists(src):
        return "no C compiler or no examples/hello-provider/hello.c"
    out = os.path.join(dest, "hello.so")
    try:
        r = subprocess.run([cc, "-shared", "-fPIC", "-fvisibility=hidden",
                            "-I", os.path.join(harness.srcdir(), "include"), "-o", out, src],
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as e:
        return "building hello.so failed: %s" % e
    if r.returncode != 0:
        return "building hello.so failed: %s" % r.stderr[-2000:]
    os.chmod(out, 0o755)
    return None


class EnumerationLimitsTest(LiveCase):
    TCP = False
    EXTRA_PROVIDERS = staticmethod(build_hello)

    def enumerate(self, extra=""):
        resp = self.post_unix(envelope(E_ENUMERATE, HELLO_URI, body="<n:Enumerate>%s</n:Enumerate>" % extra))
        return self.body_root(resp)

    def pull(self, context, max_elements):
        return self.post_unix(envelope(E_PULL, HELLO_URI, body=(
            "<n:Pull><n:EnumerationContext>%s</n:EnumerationContext><n:MaxElements>%d</n:MaxElements></n:Pull>"
            % (context, max_elements))))

    def items(self, resp_root, path="n:Items"):
        lst = resp_root.find(path, NS)
        self.assertIsNotNone(lst)
        return [int(i.findtext("{%s}Index" % HELLO_URI)) for i in lst]

    def test_max_batch_items_caps_pull(self):
        self.restore("MaxBatchItems", 20)
        self.legacy_set("MaxBatchItems", 2)
        ctx = self.enumerate().findtext("n:EnumerationContext", namespaces=NS)
        self.assertTrue(ctx)
        first = self.body_root(self.pull(ctx, 10))
        self.assertEqual(self.items(first), [1, 2])
        self.assertIsNone(first.find("n:EndOfSequence", NS))
        ctx2 = first.findtext("n:EnumerationContext", namespaces=NS)
        second = self.body_root(self.pull(ctx2, 10))
        self.assertEqual(self.items(second), [3])
        self.assertIsNotNone(second.find("n:EndOfSequence", NS))
        # optimized enumeration is capped the same way
        opt = self.enumerate("<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements>")
        self.assertEqual(self.items(opt, "w:Items"), [1, 2])
        self.assertTrue(opt.findtext("n:EnumerationContext", namespaces=NS))
        self.assertIsNone(opt.find("w:EndOfSequence", NS))
        # raised through the other view: one Pull takes all three
        self.current_set("MaxBatchItems", 20)
        ctx = self.enumerate().findtext("n:EnumerationContext", namespaces=NS)
        whole = self.body_root(self.pull(ctx, 10))
        self.assertEqual(self.items(whole), [1, 2, 3])
        self.assertIsNotNone(whole.find("n:EndOfSequence", NS))

    def test_enumeration_timeout(self):
        self.restore("Service/EnumerationTimeoutms", 60000)
        timeout_ms = 500 * SLOW
        self.current_set("Service/EnumerationTimeoutms", timeout_ms)
        ctx = self.enumerate().findtext("n:EnumerationContext", namespaces=NS)
        if SLOW == 1:                                   # a prompt Pull is in time
            ctx = self.body_root(self.pull(ctx, 1)).findtext("n:EnumerationContext", namespaces=NS)
        time.sleep(3 * timeout_ms / 1000)
        fault = self.assertFault(self.pull(ctx, 1), ("n", "InvalidEnumerationContext"))
        self.assertIsNotNone(fault)
        # longer again: the same wait is fine for a new context
        self.legacy_set("Service/EnumerationTimeoutms", 60000)
        ctx = self.enumerate().findtext("n:EnumerationContext", namespaces=NS)
        time.sleep(3 * timeout_ms / 1000)
        self.assertEqual(self.items(self.body_root(self.pull(ctx, 5))), [1, 2, 3])


if __name__ == "__main__":
    unittest.main()
