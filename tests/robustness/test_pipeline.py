"""Case 1: pipelined requests from a client that never reads its replies.

One request is in flight per connection: while a reply is unsent the
connection is not read, so the kernel's buffers fill and the sender blocks;
the daemon's memory stays flat."""

import socket
import time
import unittest

from robust import ADMIN_PASS, ADMIN_USER, RobustCase, identify_request

SECONDS = 3.0
RSS_GROWTH_KIB = 16 * 1024


class PipelineTest(RobustCase):

    def flood(self, request):
        base = self.daemon.rss_kib()
        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5)
        self.addCleanup(s.close)
        s.setblocking(False)
        burst = request * 256
        sent, deadline = 0, time.monotonic() + SECONDS
        while time.monotonic() < deadline:         # bounded in time
            try:
                # one unbroken stream of requests, whatever each send takes
                pos = sent % len(burst)
                sent += s.send(burst[pos:])
            except BlockingIOError:
                time.sleep(0.01)
        self.figures["bytes the client got in"] = sent
        self.figures["requests the client got in"] = sent // len(request)
        self.assertRssBelow(base + RSS_GROWTH_KIB, "after the flood")
        # the kernel took a few MB at the most: the daemon stopped reading
        self.assertLess(sent, 64 * 1024 * 1024)

    def test_unauthenticated_pipeline_never_read(self):
        self.flood(identify_request())

    def test_authenticated_pipeline_never_read(self):
        self.flood(identify_request((ADMIN_USER, ADMIN_PASS)))
        self.assertEqual(self.valid_identify_tcp(), 200)


if __name__ == "__main__":
    unittest.main()
