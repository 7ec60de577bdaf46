"""robust.py - what the robustness cases share: the integration harness,
a prober that plays root asking for Identify on the control socket all
through an attack, and the figures a case reports.

Every case bounds itself in count and time; the pass criteria are stated
in README.md and asserted by the case.
"""

import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

import harness  # noqa: E402
from harness import (ADMIN_PASS, ADMIN_USER, SLOW, SOAP_CT, DaemonTestCase,  # noqa: E402,F401
                     UnixHTTPConnection, basic, new_message_id, request)

IDENTIFY = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
            '<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>').encode()
PLAIN_BASIC = {"service.allow_unencrypted": "true", "service.plain_schemes": "basic"}
ROOT_LATENCY_S = 1.0 * SLOW         # root's Identify, all through an attack


def asan_build():
    """True when the daemon was built with AddressSanitizer (RSS figures
    then mean little: the bounds are not asserted)."""
    try:
        out = subprocess.run(["ldd", harness.daemon_binary()], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "libasan" in out


def post_head(length, auth=None, extra=""):
    """The head of a POST to /wsman announcing length bytes."""
    return ("POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n%s%sContent-Length: %d\r\n\r\n"
            % (SOAP_CT, "Authorization: %s\r\n" % basic(*auth) if auth else "", extra, length)).encode()


def identify_request(auth=None, extra=""):
    return post_head(len(IDENTIFY), auth, extra) + IDENTIFY


class RootProber(threading.Thread):
    """Root's Identify on the control socket every `every` seconds until
    stopped; keeps the worst latency and every failure."""

    def __init__(self, daemon, every=0.2):
        super().__init__(daemon=True)
        self.d = daemon
        self.every = every
        self.worst = 0.0
        self.count = 0
        self.failures = []
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            start = time.monotonic()
            try:
                c = UnixHTTPConnection(self.d.socket_path, timeout=10 * SLOW)
                resp = request(c, IDENTIFY)
                c.close()
                if resp.status != 200:
                    self.failures.append("status %d" % resp.status)
            except (OSError, socket.timeout) as e:
                self.failures.append(repr(e))
            took = time.monotonic() - start
            self.worst = max(self.worst, took)
            self.count += 1
            self._halt.wait(self.every)

    def stop(self):
        self._halt.set()
        self.join(30 * SLOW)


class RobustCase(DaemonTestCase):
    """A daemon per case, the prober around each test, and the figures."""
    CONFIG = PLAIN_BASIC

    def setUp(self):
        self.figures = {}
        self.prober = RootProber(self.daemon)
        self.prober.start()

    def tearDown(self):
        self.prober.stop()
        self.figures["root Identify, worst (s)"] = round(self.prober.worst, 3)
        self.figures["root Identify, answered"] = self.prober.count
        print("\n  figures: %s" % ", ".join("%s: %s" % kv for kv in self.figures.items()),
              file=sys.stderr)
        self.assertEqual(self.prober.failures, [], "root's Identify failed during the attack")
        self.assertGreater(self.prober.count, 0)
        self.assertLess(self.prober.worst, ROOT_LATENCY_S,
                        "root's Identify took %.2f s during the attack" % self.prober.worst)
        self.assertTrue(self.daemon.alive(), "winrmd died")

    def assertRssBelow(self, kib, what):
        rss = self.daemon.rss_kib()
        self.figures[what + " RSS (KiB)"] = rss
        if not asan_build():
            self.assertLess(rss, kib, "%s: RSS %d KiB" % (what, rss))

    def valid_identify_tcp(self, timeout=5):
        """A valid user's Identify over TCP (Basic): the status."""
        c = harness.http.client.HTTPConnection("127.0.0.1", self.daemon.port, timeout=timeout * SLOW)
        try:
            return request(c, IDENTIFY, headers={"Authorization": basic(ADMIN_USER, ADMIN_PASS)}).status
        finally:
            c.close()
