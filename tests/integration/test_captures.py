"""Replays every real client request in tests/captures byte for byte (only
the Authorization header is swapped for the test account's) and checks that
each gets a well-formed SOAP reply.  One test method per capture."""

import glob
import os
import re
import unittest

from harness import (ADMIN_PASS, ADMIN_USER, NS, PLAIN_BASIC, DaemonTestCase, basic, parse_xml,
                     provider_dir, raw_exchange, srcdir)

SHELL_URI = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"


def capture_files():
    return sorted(glob.glob(os.path.join(srcdir(), "tests", "captures", "*.http")))


def load_capture(path, authorization):
    """(wire bytes, body bytes): the request with CRLF header lines, the
    Authorization header replaced and the body cut at its Content-Length."""
    with open(path, "rb") as f:
        data = f.read()
    head, sep, rest = data.partition(b"\n\n")
    if not sep:
        raise ValueError("%s: no blank line after the headers" % path)
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    out = [lines[0]]
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"authorization":
            line = b"Authorization: " + authorization.encode()
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        out.append(line)
    if length is None or len(rest) < length:
        raise ValueError("%s: body shorter than its Content-Length" % path)
    body = rest[:length]
    return b"\r\n".join(out) + b"\r\n\r\n" + body, body


def shell_provider_present():
    return any("shell" in os.path.basename(p) for p in glob.glob(os.path.join(provider_dir(), "*.so")))


class CaptureReplayTest(DaemonTestCase):
    CONFIG = PLAIN_BASIC

    def test_captures_exist(self):
        self.assertGreaterEqual(len(capture_files()), 12)

    def replay(self, path):
        wire, body = load_capture(path, basic(ADMIN_USER, ADMIN_PASS))
        request_doc = parse_xml(body)
        mid = request_doc.findtext("s:Header/a:MessageID", namespaces=NS)
        uri = request_doc.findtext("s:Header/w:ResourceURI", namespaces=NS)
        resp = raw_exchange(self.raw_socket(), wire)
        if request_doc.find("s:Body/wsmid:Identify", NS) is not None:
            root = self.assertSoap(resp, 200)
            self.assertIsNotNone(root.find("s:Body/wsmid:IdentifyResponse", NS), resp)
            return
        self.assertIsNotNone(mid, path)
        self.assertEqual((uri or "").strip(), SHELL_URI, path)
        if shell_provider_present():
            # A shell provider exists: whatever it answers must be proper WS-Man.
            self.assertIn(resp.status, (200, 500), resp)
            self.assertSoap(resp, resp.status)
            if resp.status == 500:
                self.assertFault(resp)
        else:
            self.assertFault(resp, ("a", "DestinationUnreachable"), code="Sender")
        self.assertReplyHeaders(resp, mid)

    @classmethod
    def add_capture_tests(cls):
        for path in capture_files():
            name = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])

            def test(self, path=path):
                self.replay(path)
            setattr(cls, "test_capture_" + name, test)


CaptureReplayTest.add_capture_tests()


class CaptureParseTest(unittest.TestCase):
    """The fixtures themselves stay well-formed (no daemon needed)."""

    def test_every_capture_parses(self):
        files = capture_files()
        self.assertTrue(files)
        for path in files:
            with self.subTest(capture=os.path.basename(path)):
                _, body = load_capture(path, "Basic x")
                root = parse_xml(body)
                self.assertEqual(root.tag, "{%s}Envelope" % NS["s"])


if __name__ == "__main__":
    unittest.main()
