"""Case 6: no request smuggling: ambiguous framing and malformed heads are
answered 400 (or 501/505) and the connection is closed, nothing after them
is read as a request; what each attack smuggled never reaches a provider.

Case 9 (log injection) rides along: a user name built to forge log fields
is logged quoted and escaped."""

import base64
import socket
import time
import unittest

from robust import ADMIN_PASS, ADMIN_USER, IDENTIFY, SLOW, SOAP_CT, RobustCase, basic

AUTH = "Authorization: %s\r\n" % basic(ADMIN_USER, ADMIN_PASS)


def exchange_all(port, data, timeout=5):
    """Sends data, reads until the server closes (or timeout); the replies'
    status lines and whether the connection was closed."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout * SLOW)
    try:
        s.sendall(data)
        got, closed = b"", False
        deadline = time.monotonic() + timeout * SLOW
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            got += chunk
        return [l for l in got.split(b"\r\n") if l.startswith(b"HTTP/1.1 ")], closed
    finally:
        s.close()


SMUGGLED = ("POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n%sContent-Length: %d\r\n\r\n"
            % (SOAP_CT, AUTH, len(IDENTIFY))).encode() + IDENTIFY


class StrictHttpTest(RobustCase):

    def head(self, lines, body=b""):
        return ("POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n%s\r\n\r\n"
                % (SOAP_CT, lines)).encode() + body

    def assertRefused(self, data, status=b"400"):
        statuses, closed = exchange_all(self.daemon.port, data)
        self.assertEqual(len(statuses), 1, statuses)
        self.assertTrue(statuses[0].startswith(b"HTTP/1.1 " + status), statuses)
        self.assertTrue(closed, "the connection stayed open after %r" % statuses[0])

    def test_each_ambiguity_is_400_and_close(self):
        n = len(IDENTIFY)
        cases = {
            "two Content-Length": self.head(AUTH + "Content-Length: 0\r\nContent-Length: %d" % n, IDENTIFY),
            "Content-Length +N": self.head(AUTH + "Content-Length: +%d" % n, IDENTIFY),
            "space before the colon": self.head(AUTH + "Content-Length : %d" % n, IDENTIFY),
            "NUL in a value": self.head(AUTH + "X-A: a\0b\r\nContent-Length: %d" % n, IDENTIFY),
            "two Authorization": self.head(AUTH + AUTH + "Content-Length: %d" % n, IDENTIFY),
            "obsolete folding": self.head(AUTH + "X-A: a\r\n b\r\nContent-Length: %d" % n, IDENTIFY),
            "bare LF": self.head(AUTH + "Content-Length: %d" % n, IDENTIFY).replace(b"\r\n", b"\n", 1),
            "chunked and Content-Length": self.head(AUTH + "Transfer-Encoding: chunked\r\nContent-Length: 5",
                                                    b"0\r\n\r\n"),
        }
        for name, data in cases.items():
            with self.subTest(name):
                # the smuggled request after it must never be answered
                self.assertRefused(data + SMUGGLED)
        self.figures["ambiguities refused"] = len(cases)

    def test_other_codes(self):
        self.assertRefused(self.head(AUTH + "Transfer-Encoding: gzip, chunked", b"0\r\n\r\n") + SMUGGLED, b"501")
        self.assertRefused(b"POST /wsman HTTP/2.0\r\nHost: x\r\n\r\n" + SMUGGLED, b"505")
        self.assertRefused(self.head(AUTH + "Expect: 200-ok\r\nContent-Length: 0") + SMUGGLED, b"417")

    def test_user_name_cannot_forge_log_fields(self):
        evil = 'evil" admin="yes\u2028root\x85'
        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
        self.addCleanup(s.close)
        token = base64.b64encode(evil.encode("utf-8") + b"\xff:pw").decode()
        s.sendall(("POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nAuthorization: Basic %s\r\n"
                   "Content-Length: %d\r\n\r\n" % (SOAP_CT, token, len(IDENTIFY))).encode() + IDENTIFY)
        s.settimeout(10 * SLOW)
        self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 401"))
        time.sleep(0.2)
        log = self.daemon.stderr()
        line = [l for l in log.splitlines() if "authentication failed for user" in l][-1]
        self.assertIn('user "evil\\" admin=\\"yes\\u2028root\\x85\\xff"', line)
        self.assertNotIn('admin="yes', line)
        self.assertNotIn("\u2028", log)
        self.assertNotIn("\x85", log)


if __name__ == "__main__":
    unittest.main()
