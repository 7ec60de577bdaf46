"""The core's path for providers that answer late (WINRMD_PENDING), driven
through tests/providers/slow.so: MaxProviderRequests and
MaxConcurrentOperations count requests held by providers, an expired
OperationTimeout ends with w:TimedOut (Code 2150858793) and cancels the
provider's work, and a client that goes away cancels it too."""
import os
import socket
import threading
import time
import unittest

import harness
from harness import NS, SLOW, T_GET, DaemonTestCase, envelope, wait_until

SLOW_URI = "http://example.org/winrmd/test/slow"


def slow_get(delay_ms, timeout="PT20S"):
    return envelope(T_GET, SLOW_URI, selectors={"DelayMs": str(delay_ms)}).replace(
        b"PT20S", timeout.encode())


def add_slow(plugin_dir):
    built = os.path.join(harness.builddir(), "tests", "providers", ".libs", "slow.so")
    if not os.path.exists(built):
        return "tests/providers/slow.so is not built"
    harness.add_provider(built, plugin_dir)
    return None


class SlowCase(DaemonTestCase):
    """A daemon with slow.so besides the built providers."""
    EXTRA_PROVIDERS = staticmethod(add_slow)


class TwoHeldFillTheQuota:
    """For a SlowCase whose quota of provider requests is 2."""

    def test_max_provider_requests(self):
        results = []

        def hold():
            c = harness.UnixHTTPConnection(self.daemon.socket_path, timeout=10 * SLOW)
            try:
                results.append(harness.request(c, slow_get(1500 * SLOW)).status)
            finally:
                c.close()

        threads = [threading.Thread(target=hold) for _ in range(2)]
        for t in threads:
            t.start()
        # both held by the provider (the quota is 2): a third is refused
        time.sleep(0.5 * SLOW)
        fault = self.assertFault(self.post_unix(slow_get(100)), ("w", "QuotaLimit"))
        self.assertIsNotNone(fault)
        for t in threads:
            t.join(15 * SLOW)
        self.assertEqual(results, [200, 200])
        # and with the two answered, there is room again
        self.assertSoap(self.post_unix(slow_get(50)), 200)


class PendingTest(TwoHeldFillTheQuota, SlowCase):
    CONFIG = dict(harness.PLAIN_BASIC, max_provider_requests=2)

    def test_late_answer_arrives(self):
        resp = self.post_unix(slow_get(200))
        root = self.assertSoap(resp, 200)
        self.assertEqual(root.findtext("s:Body/{%s}Slow/{%s}Done" % (SLOW_URI, SLOW_URI),
                                       namespaces=NS), "true")

    def test_operation_timeout_ends_with_timed_out(self):
        t0 = time.monotonic()
        resp = self.post_unix(slow_get(5000 * SLOW, "PT1S"))
        elapsed = time.monotonic() - t0
        fault = self.assertFault(resp, ("w", "TimedOut"), code="Receiver")
        code = fault.find("s:Detail/f:WSManFault", NS).get("Code")
        self.assertEqual(code, "2150858793")
        reason = "".join(fault.find("s:Reason", NS).itertext())
        self.assertIn("OperationTimeout", reason)
        self.assertLess(elapsed, 4.5 * SLOW)
        self.assertTrue(wait_until(lambda: "slow: request cancelled" in self.daemon.stderr(), 5 * SLOW))

    def test_client_gone_cancels(self):
        before = self.daemon.stderr().count("slow: request cancelled")
        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
        body = slow_get(3000 * SLOW)
        auth = harness.basic(harness.ADMIN_USER, harness.ADMIN_PASS)
        s.sendall(b"POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\n"
                  b"Authorization: " + auth.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        time.sleep(0.3 * SLOW)
        s.close()
        self.assertTrue(wait_until(
            lambda: self.daemon.stderr().count("slow: request cancelled") > before, 5 * SLOW))
        # the daemon goes on serving
        self.assertSoap(self.post_unix(slow_get(50)), 200)


class MaxConcurrentOperationsTest(TwoHeldFillTheQuota, SlowCase):
    """The same quota through Service/MaxConcurrentOperations."""
    CONFIG = dict(harness.PLAIN_BASIC, max_provider_requests=25)
    CONFIG["service.max_concurrent_ops"] = 2


class MaxConnectionsTest(SlowCase):
    """MaxConnections counts the requests being answered on TCP listeners."""
    CONFIG = dict(harness.PLAIN_BASIC, max_provider_requests=25)
    CONFIG["service.max_connections"] = 1

    def test_second_request_is_refused_while_one_is_answered(self):
        results = []

        def hold():
            try:
                results.append(self.post_tcp(slow_get(1500 * SLOW)).status)
            except Exception as e:  # noqa: BLE001 - reported below
                results.append(repr(e))

        t = threading.Thread(target=hold)
        t.start()
        time.sleep(0.5 * SLOW)
        self.assertFault(self.post_tcp(harness.get_this()), ("w", "QuotaLimit"))
        # the control socket is never refused: administrators can act
        self.assertSoap(self.post_unix(harness.get_this()), 200)
        t.join(15 * SLOW)
        self.assertEqual(results, [200])
        self.assertSoap(self.post_tcp(harness.get_this()), 200)


if __name__ == "__main__":
    unittest.main()
