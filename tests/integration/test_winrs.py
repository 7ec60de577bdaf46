"""test_winrs.py - the winrs command (cli/winrs.c) against a fake WinRS
service written here: an HTTPS server on loopback (http.server, a
certificate from a test CA made with certtool) that answers Create,
Command, Receive, Send, Signal and Delete with the XML PROTOCOL.md section
6 shows, and keeps every request it read.  The fake command it runs echoes
standard input, reports canned output, an exit code, a ctrl_c, as each test
scripts it; an idle Receive answers the TimedOut fault (2150858793) after
a short wait, as Windows does after the OperationTimeout.

No daemon is needed for those (nothing on this machine is asked for its
configuration: WINRMD_SOCKET names a path where nothing listens).  The
last class runs winrs against the real winrmd and its shell provider, when
the build has one."""

import base64
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import ADMIN_PASS, ADMIN_USER, NS, PLAIN_BASIC, SLOW, DaemonTestCase, basic, builddir, parse_xml
from tls_helpers import Pki

RUN_TIMEOUT = 30 * SLOW
RSP = NS["rsp"]
SHELL_URI = RSP + "/cmd"
SHELL_ID = "4D3C2B1A-0000-4000-8000-00000000ABCD"
COMMAND_ID = "7A6B0000-0000-4000-8000-00000000ABCD"
USER, PASSWORD = "alice", "s3cret-w1nrs"
TIMED_OUT = 2150858793
LOCAL_ERROR = 255

ENV_OPEN = ('<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
            'xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" '
            'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" '
            'xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">')


def winrs_binary():
    return os.path.join(builddir(), "winrs")


def envelope(action, relates_to, body):
    return (ENV_OPEN + "<s:Header><a:Action>%s</a:Action>"
            "<a:MessageID>uuid:0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9</a:MessageID>"
            "<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>"
            "<a:RelatesTo>%s</a:RelatesTo></s:Header><s:Body>%s</s:Body></s:Envelope>"
            % (action, relates_to, body)).encode("utf-8")


def fault_body(value, subcode, code, message):
    return ('<s:Fault><s:Code><s:Value>s:%s</s:Value><s:Subcode><s:Value>w:%s</s:Value></s:Subcode>'
            '</s:Code><s:Reason><s:Text xml:lang="en-US">%s</s:Text></s:Reason><s:Detail>'
            '<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="%d" '
            'Machine="fake"><f:Message>%s</f:Message></f:WSManFault></s:Detail></s:Fault>'
            % (value, subcode, message, code, message))


def timed_out_fault():
    return fault_body("Receiver", "TimedOut", TIMED_OUT,
                      "The WS-Management service cannot complete the operation within the time "
                      "specified in OperationTimeout.")


def receive_response(streams=(), done=False, exit_code=None, state=None):
    """A ReceiveResponse: streams is [(name, bytes)], in order."""
    out = "<rsp:ReceiveResponse>"
    for name, data in streams:
        out += '<rsp:Stream Name="%s" CommandId="%s">%s</rsp:Stream>' % (
            name, COMMAND_ID, base64.b64encode(data).decode("ascii"))
    if done:
        out += '<rsp:Stream Name="stdout" CommandId="%s" End="true"></rsp:Stream>' % COMMAND_ID
        out += '<rsp:Stream Name="stderr" CommandId="%s" End="true"></rsp:Stream>' % COMMAND_ID
    state = state or (RSP + "/CommandState/" + ("Done" if done else "Running"))
    out += '<rsp:CommandState CommandId="%s" State="%s">' % (COMMAND_ID, state)
    if exit_code is not None:
        out += "<rsp:ExitCode>%s</rsp:ExitCode>" % exit_code
    return out + "</rsp:CommandState></rsp:ReceiveResponse>"


class Request:
    """One request the fake service read."""

    def __init__(self, headers, body):
        self.headers = headers
        self.raw = body
        self.doc = parse_xml(body)
        self.action = self.doc.findtext("s:Header/a:Action", namespaces=NS).strip()
        self.op = self.action.rsplit("/", 1)[-1]
        self.resource = (self.doc.findtext("s:Header/w:ResourceURI", namespaces=NS) or "").strip()
        self.shell_id = self.doc.findtext("s:Header/w:SelectorSet/w:Selector[@Name='ShellId']",
                                          namespaces=NS)
        self.options = {o.get("Name"): o.text for o in
                        self.doc.findall("s:Header/w:OptionSet/w:Option", NS)}
        self.timeout = self.doc.findtext("s:Header/w:OperationTimeout", namespaces=NS)
        self.message_id = self.doc.findtext("s:Header/a:MessageID", namespaces=NS)
        body_elems = self.doc.find("s:Body", NS)
        self.body = body_elems[0] if len(body_elems) else None

    def __repr__(self):
        return "<%s %r>" % (self.op, self.raw[:300])


class FakeShellService:
    """The fake WinRS service.  What a Receive answers: first the canned
    replies in `receives` (bodies, or (status, body) pairs), then the
    fake command's state: echoed input (when echo is set), a Done once
    the input ended (echo) or a ctrl_c came (honour_ctrl_c), else the
    TimedOut fault after `idle` seconds."""

    def __init__(self, pki, receives=(), echo=False, exit_code=0, honour_ctrl_c=True, idle=0.4,
                 create_status=None, auth=(USER, PASSWORD)):
        self.receives = list(receives)
        self.echo = echo
        self.exit_code = exit_code
        self.honour_ctrl_c = honour_ctrl_c
        self.idle = idle
        self.create_status = create_status
        self.auth = basic(*auth)
        self.requests = []
        self.cond = threading.Condition()
        self.stdin = b""            # every byte Sent
        self.pending = b""          # Sent, not yet echoed
        self.stdin_ended = False
        self.signals = []
        self.receiving = 0          # Receives being answered right now
        self.done = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, reply = server.answer(dict(self.headers.items()), body)
                self.send_response(status)
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="WSMAN"')
                    reply = b""
                else:
                    self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
                self.send_header("Content-Length", str(len(reply)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(reply)
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        pem, key = pki.issue("fake-winrs", "localhost", dns=("localhost",), ips=("127.0.0.1",))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pem, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    def close(self):
        with self.cond:
            self.done = True
            self.cond.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    # --- what was asked ---------------------------------------------------------

    def ops(self):
        with self.cond:
            return [r.op for r in self.requests]

    def of(self, op):
        with self.cond:
            return [r for r in self.requests if r.op == op]

    def wait_for(self, pred, timeout=10 * SLOW):
        with self.cond:
            return self.cond.wait_for(pred, timeout)

    # --- answers --------------------------------------------------------------------

    def answer(self, headers, body):
        if headers.get("Authorization") != self.auth:
            return 401, b""
        req = Request(headers, body)
        with self.cond:
            self.requests.append(req)
            self.cond.notify_all()
        handler = getattr(self, "on_" + req.op, None)
        if handler is None:
            return 500, envelope("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", req.message_id,
                                 fault_body("Sender", "ActionNotSupported", 2150858771, "unknown"))
        status, out = handler(req)
        action = {"Create": "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse",
                  "Delete": "http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse"}.get(
                      req.op, RSP + "/" + req.op + "Response")
        if status != 200:
            action = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
        return status, envelope(action, req.message_id, out)

    def on_Create(self, req):
        if self.create_status:
            return self.create_status
        return 200, ('<x:ResourceCreated><a:Address>https://127.0.0.1/wsman</a:Address>'
                     '<a:ReferenceParameters><w:ResourceURI>%s</w:ResourceURI><w:SelectorSet>'
                     '<w:Selector Name="ShellId">%s</w:Selector></w:SelectorSet></a:ReferenceParameters>'
                     '</x:ResourceCreated><rsp:Shell><rsp:ShellId>%s</rsp:ShellId>'
                     '<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr'
                     '</rsp:OutputStreams></rsp:Shell>' % (SHELL_URI, SHELL_ID, SHELL_ID))

    def on_Command(self, req):
        return 200, ("<rsp:CommandResponse><rsp:CommandId>%s</rsp:CommandId></rsp:CommandResponse>"
                     % COMMAND_ID)

    def on_Send(self, req):
        stream = req.body.find("rsp:Stream", NS)
        data = base64.b64decode(stream.text or "")
        with self.cond:
            self.stdin += data
            self.pending += data
            if (stream.get("End") or "").lower() == "true":
                self.stdin_ended = True
            self.cond.notify_all()
        return 200, "<rsp:SendResponse/>"

    def on_Signal(self, req):
        code = req.body.findtext("rsp:Code", namespaces=NS)
        with self.cond:
            self.signals.append(code.rsplit("/", 1)[-1])
            self.cond.notify_all()
        return 200, "<rsp:SignalResponse/>"

    def on_Delete(self, req):
        return 200, ""

    def _ready(self):
        return (self.done or (self.echo and (self.pending or self.stdin_ended))
                or (self.honour_ctrl_c and "ctrl_c" in self.signals) or "terminate" in self.signals)

    def on_Receive(self, req):
        with self.cond:
            if self.receives:
                canned = self.receives.pop(0)
                return canned if isinstance(canned, tuple) else (200, canned)
            self.receiving += 1
            self.cond.notify_all()
            try:
                if not self.cond.wait_for(self._ready, self.idle):
                    return 500, timed_out_fault()
                out, self.pending = self.pending, b""
                streams = [("stdout", out)] if out else []
                if "terminate" in self.signals:
                    return 200, receive_response(streams, done=True, exit_code=137)
                if self.honour_ctrl_c and "ctrl_c" in self.signals:
                    return 200, receive_response(streams + [("stderr", b"^C\n")], done=True, exit_code=130)
                if self.echo and self.stdin_ended:
                    return 200, receive_response(streams, done=True, exit_code=self.exit_code)
                return 200, receive_response(streams)
            finally:
                self.receiving -= 1


class Winrs:
    """Runs winrs with no agent to ask, a private HOME, LC_ALL=C.UTF-8."""

    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="winrs-home-")

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def env(self, extra=None):
        env = {k: v for k, v in os.environ.items()
               if k not in ("WINRM_PASSWORD", "WINRMD_SOCKET", "LD_PRELOAD")}
        env.update({"WINRMD_SOCKET": os.path.join(self.home, "no-agent.sock"), "HOME": self.home,
                    "XDG_CONFIG_HOME": os.path.join(self.home, ".config"), "LC_ALL": "C.UTF-8"})
        env.update(extra or {})
        return env

    def popen(self, args, env=None, stdin=subprocess.DEVNULL):
        return subprocess.Popen([winrs_binary()] + list(args), stdin=stdin, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env(env), start_new_session=True)

    def run(self, args, input=None, env=None):
        p = self.popen(args, env=env, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL)
        out, err = p.communicate(input, timeout=RUN_TIMEOUT)
        return p.returncode, out, err


def skip_unless_winrs():
    if not builddir():
        raise unittest.SkipTest("WINRMD_BUILDDIR is not set (run through make check)")
    if not os.access(winrs_binary(), os.X_OK):
        raise unittest.SkipTest("no winrs command at %s" % winrs_binary())
    if not shutil.which("certtool"):
        raise unittest.SkipTest("certtool (gnutls-bin) is not installed")


class WinrsCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        skip_unless_winrs()
        cls.pki = Pki()
        cls.winrs = Winrs()

    @classmethod
    def tearDownClass(cls):
        cls.winrs.cleanup()
        shutil.rmtree(cls.pki.dir, ignore_errors=True)

    def setUp(self):
        self.services = []

    def tearDown(self):
        for s in self.services:
            s.close()

    def service(self, **kw):
        s = FakeShellService(self.pki, **kw)
        self.services.append(s)
        return s

    def target(self, s, *extra):
        return ["-r:https://localhost:%d/wsman" % s.port, "-u:" + USER, "-p:" + PASSWORD,
                "-cafile:" + self.pki.ca_pem] + list(extra)

    def assertCleanedUp(self, s, signals=("terminate",)):
        """The session ended with Signal terminate then Delete, for the shell
        (a Send or a Receive already on its way may come between)."""
        ops = [op for op in s.ops() if op not in ("Send", "Receive")]
        self.assertEqual(ops[-2:], ["Signal", "Delete"], ops)
        for sig in signals:
            self.assertIn(sig, s.signals)
        self.assertEqual(s.signals[-1], "terminate")
        self.assertEqual(s.of("Delete")[0].shell_id, SHELL_ID)
        self.assertEqual(s.of("Delete")[0].action, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete")


class WinrsFakeServiceTest(WinrsCase):
    """The protocol: what winrs sends, and what it makes of the answers."""

    def test_output_exit_code_and_timed_out(self):
        s = self.service(receives=[
            (500, timed_out_fault()),
            receive_response([("stdout", b"hello "), ("stderr", b"oops\n"), ("stdout", b"world\n")]),
            receive_response([("stdout", b"bye\n")], done=True, exit_code=3),
        ])
        rc, out, err = self.winrs.run(self.target(s, "ipconfig", "/all", "-v"))
        self.assertEqual(rc, 3, err)
        self.assertEqual(out, b"hello world\nbye\n")
        self.assertEqual(err, b"oops\n")
        ops = s.ops()
        self.assertEqual(ops[:2], ["Create", "Command"], ops)
        self.assertEqual(ops.count("Receive"), 3, ops)
        self.assertCleanedUp(s)
        for r in s.requests:
            self.assertEqual(r.resource, SHELL_URI)
            self.assertEqual(r.headers.get("Content-Type"), "application/soap+xml;charset=UTF-8")
            if r.op != "Create":
                self.assertEqual(r.shell_id, SHELL_ID, r)

    def test_create_command_receive_bodies(self):
        s = self.service(receives=[receive_response(done=True, exit_code=0)])
        rc, out, err = self.winrs.run(self.target(s, "ipconfig", "/all", "-v"))
        self.assertEqual(rc, 0, err)
        create = s.of("Create")[0]
        self.assertEqual(create.action, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create")
        self.assertEqual(create.options, {"WINRS_NOPROFILE": "FALSE", "WINRS_CODEPAGE": "65001"})
        self.assertEqual(create.body.tag, "{%s}Shell" % RSP)
        self.assertEqual(create.body.findtext("rsp:InputStreams", namespaces=NS), "stdin")
        self.assertEqual(create.body.findtext("rsp:OutputStreams", namespaces=NS), "stdout stderr")
        self.assertIsNone(create.body.find("rsp:WorkingDirectory", NS))
        self.assertIsNone(create.body.find("rsp:Environment", NS))
        self.assertEqual(create.timeout, "PT60.000S")
        command = s.of("Command")[0]
        self.assertEqual(command.action, RSP + "/Command")
        self.assertEqual(command.options, {"WINRS_CONSOLEMODE_STDIN": "TRUE", "WINRS_SKIP_CMD_SHELL": "FALSE"})
        self.assertEqual(command.body.tag, "{%s}CommandLine" % RSP)
        self.assertEqual(command.body.findtext("rsp:Command", namespaces=NS), "ipconfig")
        self.assertEqual([a.text for a in command.body.findall("rsp:Arguments", NS)], ["/all", "-v"])
        receive = s.of("Receive")[0]
        stream = receive.body.find("rsp:DesiredStream", NS)
        self.assertEqual(stream.get("CommandId"), COMMAND_ID)
        self.assertEqual(stream.text, "stdout stderr")
        signal_ = s.of("Signal")[0]
        self.assertEqual(signal_.body.get("CommandId"), COMMAND_ID)
        self.assertEqual(signal_.body.findtext("rsp:Code", namespaces=NS), RSP + "/signal/terminate")
        self.assertEqual(s.of("Delete")[0].body, None)

    def test_switches_reach_the_shell(self):
        s = self.service(receives=[receive_response(done=True, exit_code=0)])
        rc, _, err = self.winrs.run(["/R:https://localhost:%d" % s.port, "-U:" + USER, "-cafile:" + self.pki.ca_pem,
                                     "-d:/srv/a <b>", "-env:A=1", "-environment:B=x=y&z", "-env:EMPTY=",
                                     "-noprofile", "-codepage:437", "-timeout:5000", "/bin/ls", "-l", "a b"],
                                    env={"WINRM_PASSWORD": PASSWORD})
        self.assertEqual(rc, 0, err)
        create = s.of("Create")[0]
        self.assertEqual(create.options, {"WINRS_NOPROFILE": "TRUE", "WINRS_CODEPAGE": "437"})
        self.assertEqual(create.body.findtext("rsp:WorkingDirectory", namespaces=NS), "/srv/a <b>")
        self.assertEqual([(v.get("Name"), v.text or "") for v in create.body.findall("rsp:Environment/rsp:Variable", NS)],
                         [("A", "1"), ("B", "x=y&z"), ("EMPTY", "")])
        for r in s.requests:
            self.assertEqual(r.timeout, "PT5.000S", r)
        command = s.of("Command")[0]
        self.assertEqual(command.body.findtext("rsp:Command", namespaces=NS), "/bin/ls")
        self.assertEqual([a.text for a in command.body.findall("rsp:Arguments", NS)], ["-l", "a b"])

    def test_one_word_is_the_whole_command_line(self):
        s = self.service(receives=[receive_response(done=True, exit_code=0)])
        rc, _, err = self.winrs.run(self.target(s, "--", "-not-a-switch | wc -l && echo '<&>'\r"))
        self.assertEqual(rc, 0, err)
        command = s.of("Command")[0]
        self.assertEqual(command.body.findtext("rsp:Command", namespaces=NS), "-not-a-switch | wc -l && echo '<&>'\r")
        self.assertEqual(command.body.findall("rsp:Arguments", NS), [])

    def test_stdin_is_sent_and_echoed(self):
        s = self.service(echo=True, exit_code=0)
        data = b"line one\nline two\n" + bytes(range(256)) + os.urandom(100000)
        rc, out, err = self.winrs.run(self.target(s, "cat"), input=data)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, data)
        self.assertEqual(s.stdin, data)
        sends = s.of("Send")
        self.assertGreaterEqual(len(sends), 2)
        ends = [r.body.find("rsp:Stream", NS).get("End") for r in sends]
        self.assertEqual(ends[-1], "true", ends)
        self.assertEqual(ends[:-1], [None] * (len(ends) - 1))
        for r in sends:
            stream = r.body.find("rsp:Stream", NS)
            self.assertEqual((stream.get("Name"), stream.get("CommandId")), ("stdin", COMMAND_ID))
            self.assertLess(len(r.raw), 50 * 1024, "a Send envelope over winrmd's default MaxEnvelopeSizekb")
        self.assertCleanedUp(s)

    def test_stdin_forwarded_while_a_receive_waits(self):
        """Input typed while a Receive is held by the service is sent at
        once (the Send does not wait behind the Receive)."""
        s = self.service(echo=True, idle=30 * SLOW)
        p = self.winrs.popen(self.target(s, "cat"), stdin=subprocess.PIPE)
        try:
            self.assertTrue(s.wait_for(lambda: s.receiving > 0), s.ops())
            p.stdin.write(b"ping\n")
            p.stdin.flush()
            self.assertTrue(s.wait_for(lambda: s.stdin == b"ping\n"), s.ops())
            self.assertEqual(p.stdout.read1(100), b"ping\n")
            p.stdin.close()
            rc = p.wait(RUN_TIMEOUT)
            self.assertEqual(p.stdout.read() + p.stderr.read(), b"")
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()
        self.assertEqual(rc, 0)
        self.assertTrue(s.stdin_ended)

    def test_ctrl_c_is_signalled_once(self):
        s = self.service(idle=30 * SLOW)
        p = self.winrs.popen(self.target(s, "sleep", "100"), stdin=subprocess.PIPE)
        try:
            self.assertTrue(s.wait_for(lambda: s.receiving > 0), s.ops())
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=RUN_TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
        self.assertEqual(p.returncode, 130, err)      # the remote command's own exit code
        self.assertEqual(err, b"^C\n")
        self.assertEqual(s.signals, ["ctrl_c", "terminate"])
        self.assertCleanedUp(s, signals=("ctrl_c",))

    def test_second_ctrl_c_ends_winrs(self):
        s = self.service(idle=0.3, honour_ctrl_c=False)
        p = self.winrs.popen(self.target(s, "sleep", "100"), stdin=subprocess.PIPE)
        try:
            self.assertTrue(s.wait_for(lambda: s.receiving > 0), s.ops())
            p.send_signal(signal.SIGINT)
            self.assertTrue(s.wait_for(lambda: "ctrl_c" in s.signals), s.ops())
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=RUN_TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
        self.assertEqual(p.returncode, 130, err)
        self.assertEqual(err, b"")
        self.assertEqual(s.signals, ["ctrl_c", "terminate"])
        self.assertCleanedUp(s)

    def test_sigterm_and_sighup_end_the_shell(self):
        for sig, rc in ((signal.SIGTERM, 143), (signal.SIGHUP, 129)):
            with self.subTest(signal=sig):
                s = self.service(idle=30 * SLOW)
                p = self.winrs.popen(self.target(s, "sleep", "100"), stdin=subprocess.PIPE)
                try:
                    self.assertTrue(s.wait_for(lambda: s.receiving > 0), s.ops())
                    p.send_signal(sig)
                    out, err = p.communicate(timeout=RUN_TIMEOUT)
                finally:
                    if p.poll() is None:
                        p.kill()
                self.assertEqual(p.returncode, rc, err)
                self.assertEqual(err, b"")
                self.assertCleanedUp(s)

    def test_output_bytes_pass_through_unchanged(self):
        raw = bytes(range(256)) + b"\x1b]0;title\x07\xc2\x9b31m"
        s = self.service(receives=[receive_response([("stdout", raw), ("stderr", raw[::-1])], done=True,
                                                    exit_code=0)])
        rc, out, err = self.winrs.run(self.target(s, "cat", "blob"))
        self.assertEqual((rc, out, err), (0, raw, raw[::-1]))

    def test_exit_codes(self):
        for code, want, says in (("0", 0, False), ("255", 255, False), (" 42 ", 42, False),
                                 ("3221225786", 1, True), ("-1", 1, True)):
            with self.subTest(code=code):
                s = self.service(receives=[receive_response(done=True, exit_code=code)])
                rc, out, err = self.winrs.run(self.target(s, "exit"))
                self.assertEqual(rc, want, err)
                self.assertEqual(b"exit code" in err, says, err)
                self.assertCleanedUp(s)

    def test_done_without_exit_code(self):
        s = self.service(receives=[receive_response(done=True)])
        rc, out, err = self.winrs.run(self.target(s, "exit"))
        self.assertEqual(rc, LOCAL_ERROR)
        self.assertEqual(err.decode().count("\n"), 1, err)
        self.assertIn("no exit code", err.decode())


class WinrsErrorsTest(WinrsCase):
    """winrs's own failures: 255 and one line (a fault: as winrm prints
    it), 2 for a command line, and the shell deleted whenever it exists."""

    def test_fault_on_create(self):
        s = self.service(create_status=(500, fault_body("Sender", "QuotaLimit", 2150858815,
                                                        "The quota for shells was reached.")))
        rc, out, err = self.winrs.run(self.target(s, "hostname"))
        self.assertEqual(rc, LOCAL_ERROR)
        text = err.decode()
        self.assertTrue(text.startswith("winrs: creating the shell: the service answered with a fault:\n"), text)
        self.assertIn("Error number: -2144108481 0x8033803F", text)
        self.assertIn("The quota for shells was reached.", text)
        self.assertEqual(s.ops(), ["Create"])

    def test_fault_while_receiving_still_deletes(self):
        s = self.service(receives=[
            receive_response([("stdout", b"partial\n")]),
            (500, fault_body("Sender", "InvalidSelectors", 2150858843, "The shell was not found."))])
        rc, out, err = self.winrs.run(self.target(s, "long-running"))
        self.assertEqual(rc, LOCAL_ERROR)
        self.assertEqual(out, b"partial\n")
        self.assertIn("reading the command's output", err.decode())
        self.assertIn("0x8033805B", err.decode())
        self.assertEqual(s.ops()[-2:], ["Signal", "Delete"])

    def test_not_a_receive_response(self):
        s = self.service(receives=["<rsp:Other/>"])
        rc, out, err = self.winrs.run(self.target(s, "x"))
        self.assertEqual(rc, LOCAL_ERROR)
        self.assertIn("not a ReceiveResponse", err.decode())
        s2 = self.service(receives=['<rsp:ReceiveResponse><rsp:Stream Name="stdout">%%%%</rsp:Stream>'
                                    '</rsp:ReceiveResponse>'])
        rc, out, err = self.winrs.run(self.target(s2, "x"))
        self.assertEqual(rc, LOCAL_ERROR)
        self.assertEqual(out, b"")

    def test_wrong_password(self):
        s = self.service()
        rc, out, err = self.winrs.run(["-r:https://localhost:%d" % s.port, "-u:" + USER, "-p:wrong",
                                       "-cafile:" + self.pki.ca_pem, "hostname"])
        self.assertEqual(rc, LOCAL_ERROR)
        self.assertEqual(err.decode().count("\n"), 1, err)
        self.assertIn("Access is denied", err.decode())
        self.assertIn("Basic", err.decode())
        self.assertEqual(s.ops(), [])

    def test_connection_refused(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        rc, out, err = self.winrs.run(["-r:127.0.0.1:%d" % port, "-ssl", "-u:" + USER, "-p:x", "hostname"])
        self.assertEqual(rc, LOCAL_ERROR)
        self.assertEqual(err.decode().count("\n"), 1, err)
        self.assertIn("winrs: creating the shell:", err.decode())
        self.assertIn("refused", err.decode())

    def test_untrusted_certificate(self):
        s = self.service()
        rc, out, err = self.winrs.run(["-r:https://localhost:%d" % s.port, "-u:" + USER, "-p:" + PASSWORD, "x"])
        self.assertEqual(rc, LOCAL_ERROR)
        self.assertEqual(err.decode().count("\n"), 1, err)
        self.assertEqual(s.ops(), [])
        s2 = self.service(receives=[receive_response(done=True, exit_code=7)])
        rc, out, err = self.winrs.run(["-r:https://localhost:%d" % s2.port, "-u:" + USER, "-p:" + PASSWORD,
                                       "-skipCAcheck", "x"])
        self.assertEqual(rc, 7, err)

    def test_basic_over_plain_http_is_refused(self):
        rc, out, err = self.winrs.run(["-r:http://127.0.0.1:9", "-u:" + USER, "-p:x", "hostname"])
        self.assertEqual(rc, 2)
        self.assertIn("clear text", err.decode())

    def test_bad_command_lines(self):
        for args, words in ((["-r:h", "-u:a"], "No command"),
                            (["-bogus", "x"], "not known"),
                            (["-r:h", "-r:i", "x"], "twice"),
                            (["-d", "x"], "needs a value"),
                            (["-ssl:yes", "x"], "takes no value"),
                            (["-env:novalue", "x"], "NAME=VALUE"),
                            (["-env:=v", "x"], "NAME=VALUE"),
                            (["-codepage:0", "x"], "code page"),
                            (["-timeout:soon", "x"], "milliseconds"),
                            (["-r:h", "echo", "a\x01b"], "control characters"),
                            (["-r:h", "echo", b"\xff"], "UTF-8"),
                            (["-r:host:99999", "-u:a", "-p:b", "x"], "port")):
            with self.subTest(args=args):
                rc, out, err = self.winrs.run(args)
                self.assertEqual(rc, 2, err)
                self.assertEqual(out, b"")
                self.assertEqual(err.decode("utf-8", "replace").count("\n"), 1, err)
                self.assertIn(words, err.decode("utf-8", "replace"))

    def test_help(self):
        for flag in ("-?", "/?", "-HELP"):
            rc, out, err = self.winrs.run([flag])
            self.assertEqual((rc, err), (0, b""))
            self.assertIn(b"-r[emote]:", out)
            self.assertIn(b"Exit status", out)


class WinrsDaemonTest(DaemonTestCase):
    """winrs against the real winrmd and its shell provider: Basic over
    plain HTTP on loopback, which the daemon's own Client section (read
    through its control socket, as root) lets winrs send."""

    CONFIG = dict(PLAIN_BASIC, **{"client.allow_unencrypted": "true", "client.plain_schemes": "basic"})

    @classmethod
    def setUpClass(cls):
        skip_unless_winrs()
        if not os.path.exists(os.path.join(builddir(), "providers", "shell.so")):
            raise unittest.SkipTest("this build has no shell provider")
        if os.geteuid() != 0:
            raise unittest.SkipTest("the Client section is read from the daemon's control socket as root")
        super().setUpClass()
        cls.winrs = Winrs()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.winrs.cleanup()
        finally:
            super().tearDownClass()

    def args(self, *words, user=ADMIN_USER):
        return ["-r:127.0.0.1:%d" % self.daemon.port, "-u:" + user, "-unencrypted"] + list(words)

    def env(self, password=ADMIN_PASS):
        return {"WINRMD_SOCKET": self.daemon.socket_path, "WINRM_PASSWORD": password}

    def run_winrs(self, *words, input=None, password=ADMIN_PASS):
        return self.winrs.run(self.args(*words), input=input, env=self.env(password))

    def test_output_error_and_exit_code(self):
        rc, out, err = self.run_winrs("echo out; echo err >&2; exit 3")
        self.assertEqual((rc, out, err), (3, b"out\n", b"err\n"))

    def test_words_are_arguments(self):
        rc, out, err = self.run_winrs("printf", "%s-", "a", "b")
        self.assertEqual((rc, out, err), (0, b"a-b-", b""))

    def test_stdin_through_cat(self):
        data = os.urandom(300000)
        rc, out, err = self.run_winrs("cat", input=data)
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out), len(data))
        self.assertEqual(out, data)

    def test_directory_and_environment(self):
        rc, out, err = self.winrs.run(self.args("-d:/tmp", "-env:WINRS_TEST=a b", 'pwd; printf %s "$WINRS_TEST"'),
                                      env=self.env())
        self.assertEqual((rc, out, err), (0, b"/tmp\na b", b""))

    def test_ctrl_c(self):
        p = self.winrs.popen(self.args("echo started; sleep 30; echo never"), env=self.env(), stdin=subprocess.PIPE)
        try:
            self.assertEqual(p.stdout.readline(), b"started\n")
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=20 * SLOW)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual(p.returncode, 130, err)    # the remote shell's, killed by SIGINT
        self.assertEqual(out, b"")

    def test_second_ctrl_c(self):
        p = self.winrs.popen(self.args("trap '' INT; echo started; sleep 30; echo never"), env=self.env(),
                             stdin=subprocess.PIPE)
        try:
            self.assertEqual(p.stdout.readline(), b"started\n")
            p.send_signal(signal.SIGINT)
            time.sleep(0.5 * SLOW)
            self.assertIsNone(p.poll(), "the first Ctrl-C is the remote command's to ignore")
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=20 * SLOW)
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual((p.returncode, out, err), (130, b"", b""))

    def test_wrong_password(self):
        rc, out, err = self.run_winrs("true", password="not-the-password")
        self.assertEqual(rc, LOCAL_ERROR)
        self.assertIn("Access is denied", err.decode())
        self.assertEqual(err.decode().count("\n"), 1, err)


if __name__ == "__main__":
    unittest.main()
