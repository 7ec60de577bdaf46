"""Case 4: nothing of a body is read before its sender authenticated, and
the size limit is exact.

An unauthenticated request is answered 401 from its head alone (a small
announced body is skipped so the connection can go on; anything larger ends
it); Expect: 100-continue gets 100 Continue only after authentication; a
body announced one byte over MaxEnvelopeSizekb is refused before it is
sent."""

import socket
import time
import unittest

from robust import (ADMIN_PASS, ADMIN_USER, IDENTIFY, SLOW, RobustCase, identify_request,
                    post_head)

CLIENTS = 300
RSS_GROWTH_KIB = 16 * 1024


def read_reply(s, timeout=10):
    s.settimeout(timeout * SLOW)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    return data


class BodyBeforeAuthTest(RobustCase):

    def test_unauthenticated_big_bodies_are_not_read(self):
        base = self.daemon.rss_kib()
        socks = []
        for _ in range(CLIENTS):                               # bounded in count
            s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
            self.addCleanup(s.close)
            s.sendall(post_head(1 << 20) + b"<" * 60000)
            socks.append(s)
        statuses = [read_reply(s)[:12] for s in socks]
        self.assertRssBelow(base + RSS_GROWTH_KIB, "with %d clients" % CLIENTS)
        self.assertEqual(set(statuses), {b"HTTP/1.1 401"})

    def test_expect_continue_only_after_authentication(self):
        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
        self.addCleanup(s.close)
        s.sendall(post_head(len(IDENTIFY), extra="Expect: 100-continue\r\n"))
        reply = read_reply(s)
        self.assertTrue(reply.startswith(b"HTTP/1.1 401 "), reply)
        self.assertNotIn(b"100 Continue", reply)
        self.assertIn(b"Connection: close", reply)

        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
        self.addCleanup(s.close)
        s.sendall(post_head(len(IDENTIFY), (ADMIN_USER, ADMIN_PASS), "Expect: 100-continue\r\n"))
        self.assertTrue(read_reply(s).startswith(b"HTTP/1.1 100 Continue\r\n\r\n"))
        s.sendall(IDENTIFY)
        self.assertTrue(read_reply(s).startswith(b"HTTP/1.1 200 "))

    def test_small_refused_body_is_skipped_and_the_connection_goes_on(self):
        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
        self.addCleanup(s.close)
        s.sendall(identify_request() + identify_request((ADMIN_USER, ADMIN_PASS)))
        first = read_reply(s)
        self.assertTrue(first.startswith(b"HTTP/1.1 401 "), first)
        rest = first.split(b"\r\n\r\n", 1)[1] + read_reply(s)
        self.assertIn(b"HTTP/1.1 200 ", rest)

    def test_exact_limit(self):
        limit = 50 * 1024                                      # MaxEnvelopeSizekb default
        # one byte over: refused from the head, before any body byte is sent
        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
        self.addCleanup(s.close)
        s.sendall(post_head(limit + 1, (ADMIN_USER, ADMIN_PASS)))
        reply = read_reply(s)
        self.assertTrue(reply.startswith(b"HTTP/1.1 500 "), reply)
        body = reply + read_reply(s, 2)
        self.assertIn(b"EncodingLimit", body)
        # exactly the limit: read and answered
        pad = limit - len(IDENTIFY)
        env = IDENTIFY.replace(b"<s:Header/>", b"<s:Header/>" + b" " * pad)
        self.assertEqual(len(env), limit)
        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
        self.addCleanup(s.close)
        s.sendall(post_head(len(env), (ADMIN_USER, ADMIN_PASS)) + env)
        self.assertTrue(read_reply(s).startswith(b"HTTP/1.1 200 "))
        # chunked, growing past the limit while it is read
        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
        self.addCleanup(s.close)
        head = post_head(0, (ADMIN_USER, ADMIN_PASS)).replace(b"Content-Length: 0", b"Transfer-Encoding: chunked")
        s.sendall(head)
        for _ in range(60):                                    # 60 KiB in 1 KiB chunks
            try:
                s.sendall(b"400\r\n" + b"x" * 1024 + b"\r\n")
            except OSError:
                break
        reply = read_reply(s)
        self.assertTrue(reply.startswith(b"HTTP/1.1 500 "), reply)
        time.sleep(0.1)


if __name__ == "__main__":
    unittest.main()
