"""Hostile input.  Each case is answered with a SOAP fault or an HTTP error,
and afterwards the daemon is still up and serves a normal Identify."""

import socket
import time
import unittest

from harness import (ADMIN_PASS, ADMIN_USER, CLIENT_TIMEOUT, IDENTIFY, NS, PLAIN_BASIC, SLOW,
                     SOAP_CT, DaemonTestCase, basic, envelope, get_this, new_message_id,
                     read_until_closed, request, split_responses, wait_until)

# The XML bomb is refused before any expansion; a client timeout of ~10 s
# bounds a daemon that would expand it (no timing assertion).
BOMB_TIMEOUT = 10 * SLOW

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE s:Envelope [\n'
    '<!ENTITY lol "lol">\n'
    + "".join('<!ENTITY lol%d "%s">\n' % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10)
              for i in range(1, 10))
    + ']>\n<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
    '<s:Header/><s:Body><wsmid:Identify>&lol9;</wsmid:Identify></s:Body></s:Envelope>')

QUADRATIC_BLOWUP = (
    '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "%s">]>'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/><s:Body>%s'
    '</s:Body></s:Envelope>' % ("A" * 20000, "&a;" * 1000))

INTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY who "winrmd">]>'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header>'
    '<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>'
    '<a:MessageID>uuid:0f0e8a43-7d1c-4d8b-9b43-3c43ab6b1a2b</a:MessageID>'
    '<w:ResourceURI>wsman:system/2005/06/&who;</w:ResourceURI>'
    '</s:Header><s:Body/></s:Envelope>')

XXE_FILE = (
    '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header>'
    '<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>'
    '<a:MessageID>uuid:&xxe;</a:MessageID>'
    '<w:ResourceURI>wsman:system/2005/06/this</w:ResourceURI>'
    '</s:Header><s:Body>&xxe;</s:Body></s:Envelope>')

XXE_PARAMETER = (
    '<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/x.dtd">'
    ' %ext;]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/>'
    '<s:Body/></s:Envelope>')

EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE s:Envelope SYSTEM "file:///etc/passwd">'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
    '<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>')

XINCLUDE = (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:xi="http://www.w3.org/2001/XInclude" '
    'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
    '<s:Header/><s:Body><wsmid:Identify><xi:include href="file:///etc/passwd" parse="text"/>'
    '</wsmid:Identify></s:Body></s:Envelope>')

SOAP11 = (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header>'
    '<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>'
    '<a:MessageID>uuid:6d8e8f5e-1b1b-4a3b-9a56-fd1b5b1e0c11</a:MessageID>'
    '<w:ResourceURI>wsman:system/2005/06/this</w:ResourceURI>'
    '</s:Header><s:Body/></s:Envelope>')


def all_text(root):
    return "".join(root.itertext())


def admin_post_head(body):
    """The head of an administrator's POST of body (Basic), as bytes."""
    return ("POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n"
            "Authorization: %s\r\nContent-Length: %d\r\n\r\n"
            % (SOAP_CT, basic(ADMIN_USER, ADMIN_PASS), len(body))).encode()


class MalformedInputTest(DaemonTestCase):
    """Malformed and malicious bodies over the control socket (and TCP)."""
    IDLE = 3 * SLOW       # seconds; cuts the requests that never complete
    CONFIG = dict(PLAIN_BASIC, **{"service.idle_timeout_ms": str(IDLE * 1000)})
    CUT = IDLE + 10 * SLOW

    def assertAnsweredOrCut(self, s, statuses=rb"[45]\d\d"):
        """The server answers with an HTTP error or closes within CUT seconds."""
        closed, reply, took = read_until_closed(s, self.CUT)
        if reply:
            self.assertRegex(reply.split(b"\r\n")[0], rb"^HTTP/1\.[01] (" + statuses + rb") ")
        else:
            self.assertTrue(closed, "neither answered nor closed after %.0fs" % took)

    def tearDown(self):
        self.assertStillServing()

    def assertParseFault(self, body, timeout=CLIENT_TIMEOUT, code=None, **kw):
        if isinstance(body, str):
            body = body.encode("utf-8")
        resp = request(self.unix(timeout=timeout), body, **kw)
        fault = self.assertFault(resp, code=code)
        self.assertNotIn("root:x:0:0", all_text(resp.doc))
        return resp, fault

    def test_malformed_xml(self):
        for body in (b"<s:Envelope", b"not xml at all", b"<a><b></a></b>",
                     b"<?xml version='1.0'?>", b"\x00\x01\x02\x03", b"<" * 1000,
                     get_this()[:-10], get_this() + b"<trailing/>"):
            with self.subTest(body=body[:30]):
                self.assertParseFault(body)

    def test_malformed_xml_fault_is_schema_validation(self):
        _, fault = self.assertParseFault(b"<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'>")
        sub = fault.find("s:Code/s:Subcode/s:Value", NS)
        self.assertIsNotNone(sub)

    def test_malformed_xml_keeps_message_id(self):
        # A parsable envelope whose header fails still relates the fault.
        mid = new_message_id()
        resp, _ = self.assertParseFault(envelope(None, "wsman:system/2005/06/this", mid))
        self.assertEqual(resp.doc.findtext("s:Header/a:RelatesTo", namespaces=NS), mid)

    def test_invalid_utf8(self):
        for bad in (b"\xff\xfe\xfd", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80",
                    b"\xc0\xaf"):
            with self.subTest(bytes=bad):
                body = get_this().replace(b"</a:To>", bad + b"</a:To>")
                self.assertParseFault(body)

    def test_invalid_utf8_in_body_element_name(self):
        self.assertParseFault(get_this().replace(b"<s:Body>", b"<s:Body><p:\xff\xfe/>"))

    def test_wrong_declared_encoding(self):
        body = b'<?xml version="1.0" encoding="UTF-16"?>' + get_this()
        resp = self.post_unix(body)
        self.assertIn(resp.status, (200, 500), resp)
        self.assertSoap(resp, resp.status)

    def test_billion_laughs(self):
        self.assertParseFault(BILLION_LAUGHS, timeout=BOMB_TIMEOUT)

    def test_billion_laughs_tcp(self):
        conn = self.tcp(timeout=BOMB_TIMEOUT)
        resp = request(conn, BILLION_LAUGHS, headers={"Authorization": basic(ADMIN_USER, ADMIN_PASS)})
        self.assertFault(resp)

    def test_billion_laughs_anonymous(self):
        conn = self.tcp(timeout=BOMB_TIMEOUT)
        resp = request(conn, BILLION_LAUGHS, headers={"WSMANIDENTIFY": "unauthenticated"})
        self.assertIn(resp.status, (401, 500), resp)

    def test_quadratic_blowup(self):
        self.assertParseFault(QUADRATIC_BLOWUP, timeout=BOMB_TIMEOUT)

    def test_single_internal_entity(self):
        self.assertParseFault(INTERNAL_ENTITY)

    def test_xxe_file(self):
        self.assertParseFault(XXE_FILE)

    def test_xxe_parameter_entity(self):
        self.assertParseFault(XXE_PARAMETER)

    def test_external_dtd(self):
        self.assertParseFault(EXTERNAL_DTD)

    def test_xinclude_not_processed(self):
        resp = self.post_unix(XINCLUDE)
        self.assertIn(resp.status, (200, 500), resp)
        self.assertSoap(resp, resp.status)
        self.assertNotIn("root:x:0:0", all_text(resp.doc))

    def test_processing_instruction_and_comments(self):
        body = get_this().replace(b"<s:Header>", b"<!-- hi --><?pi x?><s:Header>")
        resp = self.post_unix(body)
        self.assertIn(resp.status, (200, 500), resp)
        self.assertSoap(resp, resp.status)

    def test_soap11_envelope(self):
        _, fault = self.assertParseFault(SOAP11, code="VersionMismatch")
        self.assertIsNone(fault.find("s:Code/s:Subcode", NS))

    def test_root_not_an_envelope(self):
        self.assertParseFault(b'<x:Envelope xmlns:x="urn:not-soap"><x:Body/></x:Envelope>')

    def test_envelope_without_body(self):
        self.assertParseFault(b'<s:Envelope xmlns:s="%s"><s:Header/></s:Envelope>' % NS["s"].encode())

    def test_envelope_with_two_bodies(self):
        self.assertParseFault(b'<s:Envelope xmlns:s="%s"><s:Body/><s:Body/></s:Envelope>'
                              % NS["s"].encode())

    def test_unprefixed_envelope_without_namespace(self):
        self.assertParseFault(b"<Envelope><Header/><Body/></Envelope>")

    def test_deep_nesting(self):
        depth = 5000
        body = get_this().replace(b"<s:Body></s:Body>", b"<s:Body>" + b"<p:d>" * depth +
                                  b"</p:d>" * depth + b"</s:Body>")
        self.assertParseFault(body)

    def test_many_selectors(self):
        sel = {"S%d" % i: "v" for i in range(200)}
        self.assertParseFault(get_this(selectors=sel))

    def test_selector_without_name(self):
        self.assertParseFault(get_this().replace(
            b"</s:Header>", b"<w:SelectorSet><w:Selector>x</w:Selector></w:SelectorSet></s:Header>"))

    def test_huge_attribute_and_text(self):
        body = get_this().replace(b"<s:Body></s:Body>",
                                  b'<s:Body><p:x a="' + b"A" * 40000 + b'"/></s:Body>')
        resp = self.post_unix(body)
        self.assertIn(resp.status, (200, 500), resp)
        self.assertSoap(resp, resp.status)

    def test_nul_byte_in_body(self):
        self.assertParseFault(get_this().replace(b"<s:Body>", b"<s:Body>\x00"))

    def test_oversized_body(self):
        # max_envelope_kb defaults to 50: 60 KiB of valid XML is over it.
        pad = b"<p:pad>" + b"A" * (60 * 1024) + b"</p:pad>"
        resp = self.post_unix(get_this().replace(b"<s:Body></s:Body>", b"<s:Body>" + pad + b"</s:Body>"))
        if resp.status == 413:
            self.assertEqual(resp.status, 413)
        else:
            fault = self.assertFault(resp, ("w", "EncodingLimit"))
            self.assertIsNotNone(fault)

    def test_oversized_body_tcp(self):
        pad = b"<p:pad>" + b"A" * (60 * 1024) + b"</p:pad>"
        body = get_this().replace(b"<s:Body></s:Body>", b"<s:Body>" + pad + b"</s:Body>")
        resp = self.post_tcp(body)
        if resp.status != 413:
            self.assertFault(resp, ("w", "EncodingLimit"))

    def test_oversized_announced_length(self):
        # 1 GiB announced: refused from the headers, nothing buffered.
        s = self.raw_socket()
        data = ("POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nAuthorization: %s\r\n"
                "Content-Length: %d\r\n\r\n" % (SOAP_CT, basic(ADMIN_USER, ADMIN_PASS), 1 << 30)).encode()
        s.sendall(data + b"<" * 4096)
        # 413 at once, or (lingering close drains the body) cut by the deadline
        self.assertAnsweredOrCut(s, rb"413|500")

    def test_just_under_the_limit_is_parsed(self):
        pad = b"<p:pad>" + b"A" * (40 * 1024) + b"</p:pad>"
        resp = self.post_unix(get_this().replace(b"<s:Body></s:Body>", b"<s:Body>" + pad + b"</s:Body>"))
        self.assertSoap(resp, 200)

    def test_negative_content_length(self):
        s = self.raw_socket()
        data = ("POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: -5\r\n\r\n"
                % SOAP_CT).encode()
        s.sendall(data)
        self.assertAnsweredOrCut(s, rb"400|401|411|413")

    def test_garbage_request_line(self):
        for line in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,   # TLS hello
                     b"POST\r\n\r\n", b"GARBAGE / HTTP/9.9\r\n\r\n", b"POST /wsman HTTP/1.1\r\n"
                     b"Content-Length: 5\r\nContent-Length: 7\r\n\r\n12345"):
            with self.subTest(line=line[:20]):
                s = self.raw_socket()
                s.sendall(line)
                self.assertAnsweredOrCut(s)

    def test_oversized_headers(self):
        s = self.raw_socket()
        data = b"POST /wsman HTTP/1.1\r\nHost: x\r\n" + b"X-Junk: " + b"j" * 100000 + b"\r\n\r\n"
        try:
            s.sendall(data)
        except OSError:
            pass
        self.assertAnsweredOrCut(s, rb"400|413|431")

    def test_truncated_body_then_close(self):
        s = self.raw_socket()
        body = get_this()
        s.sendall(("POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
                   % (SOAP_CT, len(body) + 100)).encode() + body)
        s.shutdown(socket.SHUT_WR)
        closed, reply, _ = read_until_closed(s, self.CUT)
        self.assertTrue(closed or reply)
        if reply:
            self.assertNotRegex(reply.split(b"\r\n")[0], rb"^HTTP/1\.[01] 200 ")

    def test_pipelined_requests(self):
        s = self.raw_socket()
        one = ("POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
               % (SOAP_CT, len(IDENTIFY))).encode() + IDENTIFY.encode()
        s.sendall(one * 3)
        # TCP without credentials: each gets its 401, in order.
        data = b""
        deadline = time.monotonic() + CLIENT_TIMEOUT
        while data.count(b"HTTP/1.1 ") < 3 and time.monotonic() < deadline:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
        statuses = [st for st, _, _ in split_responses(data)]
        self.assertGreaterEqual(len(statuses), 1)
        self.assertEqual(set(statuses), {401})
        if len(statuses) < 3:
            # only allowed when the server asked to close after a refusal
            self.assertEqual(split_responses(data)[-1][1].get("connection", "").lower(), "close")


class SlowClientTest(DaemonTestCase):
    """Slow and idle clients are cut after service.idle_timeout_ms."""
    CONFIG = dict(PLAIN_BASIC, **{"service.idle_timeout_ms": "2000"})
    LIMIT = 30            # seconds; a 2 s idle timeout must bite well before

    def tearDown(self):
        self.assertStillServing()

    def test_idle_connection_closed(self):
        s = self.raw_socket(timeout=self.LIMIT)
        closed, _, took = read_until_closed(s, self.LIMIT)
        self.assertTrue(closed, "an idle connection was kept for %ds" % self.LIMIT)

    def trickle(self, s, data):
        """Sends data one byte a second (LIMIT + 5 bytes at the most) until
        the daemon answers or closes; returns (closed, reply, seconds)."""
        start = time.monotonic()
        for i in range(min(len(data), self.LIMIT + 5)):          # bounded
            try:
                s.sendall(data[i:i + 1])
            except OSError:
                return True, b"", time.monotonic() - start
            done, reply, _ = read_until_closed(s, 1.0)
            if done or reply:
                return True, reply, time.monotonic() - start
            if time.monotonic() - start > self.LIMIT:
                break
        return False, b"", time.monotonic() - start

    def test_one_byte_per_second(self):
        body = get_this()
        s = self.raw_socket(timeout=self.LIMIT)
        closed, reply, took = self.trickle(s, admin_post_head(body) + body)
        if reply:
            # whatever it says, it must not be a success for a half request
            self.assertNotRegex(reply.split(b"\r\n")[0], rb"^HTTP/1\.[01] 200 ")
        self.assertTrue(closed, "a one-byte-per-second client was kept for %.0fs" % took)
        self.assertLess(took, self.LIMIT)

    def test_slow_body_after_fast_headers(self):
        body = get_this()
        s = self.raw_socket(timeout=self.LIMIT)
        s.sendall(admin_post_head(body))
        closed, _, took = self.trickle(s, body)
        self.assertTrue(closed)
        self.assertLess(took, self.LIMIT)

    def test_keep_alive_connection_closed_when_idle(self):
        conn = self.tcp(timeout=self.LIMIT)
        resp = request(conn, IDENTIFY, headers={"Authorization": basic(ADMIN_USER, ADMIN_PASS)})
        self.assertSoap(resp, 200)
        closed, _, _ = read_until_closed(conn.sock, self.LIMIT)
        self.assertTrue(closed)


class ConnectionFloodTest(DaemonTestCase):
    CONFIG = PLAIN_BASIC
    CONNECTIONS = 10000

    def test_ten_thousand_connections_opened_and_dropped(self):
        base_fds = self.daemon.open_fds()
        deadline = time.monotonic() + 120 * SLOW
        opened = failed = 0
        batch = []
        for i in range(self.CONNECTIONS):              # bounded in count and time
            if time.monotonic() > deadline:
                break
            try:
                s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
                opened += 1
                if i % 3 == 0:
                    # an abortive close (RST) for a third of them
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                batch.append(s)
            except OSError:
                failed += 1
            if len(batch) >= 50:
                for s in batch:
                    s.close()
                batch = []
        for s in batch:
            s.close()
        self.assertGreaterEqual(opened, self.CONNECTIONS * 9 // 10,
                                "only %d of %d connections were accepted" % (opened, self.CONNECTIONS))
        self.assertStillServing()
        mid = new_message_id()
        resp = self.post_tcp(get_this(mid))
        self.assertSoap(resp, 200)
        self.assertReplyHeaders(resp, mid)
        # the dropped connections are released, not leaked
        if base_fds > 0:
            settled = wait_until(lambda: self.daemon.open_fds() <= base_fds + 10, 20 * SLOW, 0.2)
            self.assertTrue(settled, "open fds: %d before, %d after" % (base_fds, self.daemon.open_fds()))

    # BUG (reported): a request that is still being received counts as
    # "active" for service.max_connections (default 5), so five unauthenticated
    # TCP clients that send half a request make every other request, even
    # root's on the control socket, fail with w:QuotaLimit until the idle
    # timeout cuts them.  http.sys never shows WinRM a partial request; only
    # requests that were received completely (and authenticated) should count.
    def test_many_half_open_requests(self):
        # 200 connections each holding a partial request, then a normal client.
        socks = []
        for _ in range(200):
            s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
            self.addCleanup(s.close)
            s.sendall(b"POST /wsman HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<s:Env")
            socks.append(s)
        self.assertStillServing()
        for s in socks:
            s.close()


if __name__ == "__main__":
    unittest.main()
