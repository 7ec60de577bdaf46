"""test_shell.py - the WinRS shell provider (plugins/shell, shell.md) end to
end: the real daemon on loopback, driven by the real clients that open
shells (pywinrm over plain HTTP and over HTTPS, Go's masterzen/winrm through
tests/go/winrm_run.go) and by raw requests for what clients never send.

Every answer is read as XML (namespaces by URI).  The processes a test
starts carry an environment variable TSHELL_MARK=<a fresh GUID> (the
shell's Environment), so that what is left of them is found in /proc
whoever their parent is now, without mistaking the processes of other
daemons that may run the same test accounts at the same time.

Heavy cases (50 MB of output, 1,000 shells) are skipped under valgrind
(WINRMD_TEST_VALGRIND=1); the daemon's RSS is not asserted under
AddressSanitizer, whose quarantine keeps what was freed."""

import base64
import hashlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid
from xml.sax.saxutils import escape, quoteattr

import harness
from tls_helpers import CertStoreMixin
from harness import (ADMIN_PASS, ADMIN_USER, E_ENUMERATE, E_PULL, NS, PLAIN_BASIC, PLAIN_PASS,
                     PLAIN_USER, SLOW, T_GET, T_PUT, VALGRIND, DaemonTestCase, UnixHTTPConnection, basic,
                     parse_xml, request, wait_until)

RSP = NS["rsp"]
SHELL_URI = RSP + "/cmd"
T_CREATE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create"
T_DELETE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete"
WINRS_CFG = "http://schemas.microsoft.com/wbem/wsman/1/config/winrs"
RUNNING = RSP + "/CommandState/Running"
DONE = RSP + "/CommandState/Done"
ANON = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"

# WSManFault Codes (shell.md, Faults)
NOT_FOUND = 2150858843
NO_SELECTOR = 2150858813
ACCESS_DENIED = 5
SHELLS_DISABLED = 2150859180
MAX_SHELLS_PER_USER = 2150859173
MAX_USERS = 2150859179
INVALID_PARAMETER = 2150858810
TIMED_OUT = 2150858793
ENCODING_LIMIT = 2150858825

# administrators and authenticated users may reach the shell resource
ROOT_SDDL_AU = "O:NSG:BAD:P(A;;GA;;;BA)(A;;GA;;;AU)"
BASE_CONFIG = dict(PLAIN_BASIC, **{"service.root_sddl": ROOT_SDDL_AU})

HTTP_TIMEOUT = 30 * SLOW
ADMIN_UID, PLAIN_UID = "41001", "41002"


def figure(text):
    """A measured figure, shown with the test's verbose output."""
    print("\n  [test_shell] " + text, file=sys.stderr, flush=True)


def asan_build():
    """True when the daemon was built with AddressSanitizer."""
    try:
        with open(harness.daemon_binary(), "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


# --- processes ----------------------------------------------------------------

def _stat(pid):
    """(ppid, state, utime + stime in ticks) of pid, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[1]), fields[0], int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def _comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return None


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(pid):
    """pid and every process below it."""
    kids = {}
    for p in all_pids():
        st = _stat(p)
        if st:
            kids.setdefault(st[0], []).append(p)
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def long_lived(daemon):
    """The daemon's own processes: the one started (the network process)
    and its direct children (the monitor); a session holder is not one."""
    main = daemon.pid()
    kids = [p for p in all_pids() if (_stat(p) or (None,))[0] == main and _comm(p) != "winrmd-session"]
    return [main] + sorted(kids)


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return -1


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def marked(mark):
    """[(pid, comm, state)] of the processes whose environment holds TSHELL_MARK=mark."""
    want = ("TSHELL_MARK=" + mark).encode()
    out = []
    for p in all_pids():
        try:
            with open("/proc/%d/environ" % p, "rb") as f:
                if want not in f.read().split(b"\0"):
                    continue
        except OSError:
            continue
        st = _stat(p)
        if st:
            out.append((p, _comm(p), st[1]))
    return out


def new_mark():
    return str(uuid.uuid4())


# --- requests -------------------------------------------------------------------

def shell_envelope(action, body="", shell_id=None, options=None, timeout="PT20S", resource=SHELL_URI,
                   max_envelope=153600):
    """A request as pywinrm builds it (prefixes env, a, w, rsp)."""
    h = ['<a:To>http://127.0.0.1/wsman</a:To>',
         '<a:ReplyTo><a:Address mustUnderstand="true">%s</a:Address></a:ReplyTo>' % ANON,
         '<w:MaxEnvelopeSize mustUnderstand="true">%d</w:MaxEnvelopeSize>' % max_envelope,
         '<a:MessageID>uuid:%s</a:MessageID>' % uuid.uuid4(),
         '<w:Locale xml:lang="en-US" mustUnderstand="false"/>',
         '<w:OperationTimeout>%s</w:OperationTimeout>' % timeout,
         '<w:ResourceURI mustUnderstand="true">%s</w:ResourceURI>' % resource,
         '<a:Action mustUnderstand="true">%s</a:Action>' % action]
    if shell_id:
        h.append('<w:SelectorSet><w:Selector Name="ShellId">%s</w:Selector></w:SelectorSet>' % shell_id)
    if options:
        h.append('<w:OptionSet>%s</w:OptionSet>' % "".join(
            '<w:Option Name="%s">%s</w:Option>' % kv for kv in options.items()))
    return ('<env:Envelope xmlns:env="%s" xmlns:a="%s" xmlns:w="%s" xmlns:n="%s" xmlns:rsp="%s">'
            '<env:Header>%s</env:Header><env:Body>%s</env:Body></env:Envelope>'
            % (NS["s"], NS["a"], NS["w"], NS["n"], RSP, "".join(h), body)).encode("utf-8")


def shell_body(env=None, cwd=None, idle=None, raw_env=None):
    """rsp:Shell; env a dict (values escaped), raw_env Variable XML as is."""
    inner = "<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>"
    if cwd is not None:
        inner += "<rsp:WorkingDirectory>%s</rsp:WorkingDirectory>" % escape(cwd)
    if idle is not None:
        inner += "<rsp:IdleTimeOut>%s</rsp:IdleTimeOut>" % idle
    variables = "".join('<rsp:Variable Name=%s>%s</rsp:Variable>' % (quoteattr(k), escape(v))
                        for k, v in (env or {}).items()) + (raw_env or "")
    if variables:
        inner += "<rsp:Environment>%s</rsp:Environment>" % variables
    return "<rsp:Shell>%s</rsp:Shell>" % inner


class ShellClient:
    """Raw shell requests on one keep-alive connection with Basic."""

    CREATE_OPTIONS = {"WINRS_NOPROFILE": "FALSE", "WINRS_CODEPAGE": "65001"}
    COMMAND_OPTIONS = {"WINRS_CONSOLEMODE_STDIN": "TRUE", "WINRS_SKIP_CMD_SHELL": "FALSE"}

    def __init__(self, port, user, password, timeout=HTTP_TIMEOUT):
        self.port, self.user, self.password, self.timeout = port, user, password, timeout
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def post(self, data):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            return request(self.conn, data, headers={"Authorization": basic(self.user, self.password)})
        except BaseException:
            self.close()
            raise

    def create(self, body=None, options=None):
        return self.post(shell_envelope(T_CREATE, body if body is not None else shell_body(),
                                        options=options or self.CREATE_OPTIONS))

    def get(self, sid):
        return self.post(shell_envelope(T_GET, "", sid))

    def delete(self, sid):
        return self.post(shell_envelope(T_DELETE, "", sid))

    def command(self, sid, command, args=(), options=None):
        a = "".join("<rsp:Arguments>%s</rsp:Arguments>" % escape(x) for x in args)
        body = "<rsp:CommandLine><rsp:Command>%s</rsp:Command>%s</rsp:CommandLine>" % (escape(command), a)
        return self.post(shell_envelope(RSP + "/Command", body, sid, options or self.COMMAND_OPTIONS))

    def receive(self, sid, cid, timeout="PT20S", streams="stdout stderr"):
        body = ('<rsp:Receive><rsp:DesiredStream CommandId="%s">%s</rsp:DesiredStream></rsp:Receive>'
                % (cid, streams))
        return self.post(shell_envelope(RSP + "/Receive", body, sid, timeout=timeout))

    def send(self, sid, cid, data, end=False):
        text = base64.b64encode(data).decode("ascii") if isinstance(data, bytes) else data
        body = ('<rsp:Send><rsp:Stream Name="stdin" CommandId="%s"%s>%s</rsp:Stream></rsp:Send>'
                % (cid, ' End="true"' if end else "", text))
        return self.post(shell_envelope(RSP + "/Send", body, sid))

    def signal(self, sid, cid, code="terminate"):
        body = ('<rsp:Signal CommandId="%s"><rsp:Code>%s/signal/%s</rsp:Code></rsp:Signal>'
                % (cid, RSP, code))
        return self.post(shell_envelope(RSP + "/Signal", body, sid))

    def enumerate(self):
        """Every rsp:Shell the caller may see (Enumerate, then Pull while a context comes back)."""
        resp = self.post(shell_envelope(
            E_ENUMERATE, "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>200</w:MaxElements></n:Enumerate>"))
        if resp.status != 200:
            raise AssertionError(resp)
        shells = resp.doc.findall(".//rsp:Shell", NS)
        ctx = resp.doc.findtext("s:Body/n:EnumerateResponse/n:EnumerationContext", namespaces=NS)
        end = resp.doc.find("s:Body/n:EnumerateResponse/w:EndOfSequence", NS)
        for _ in range(1000):
            if end is not None or not ctx:
                break
            resp = self.post(shell_envelope(
                E_PULL, "<n:Pull><n:EnumerationContext>%s</n:EnumerationContext>"
                "<n:MaxElements>200</n:MaxElements></n:Pull>" % ctx))
            if resp.status != 200:
                raise AssertionError(resp)
            shells += resp.doc.findall(".//rsp:Shell", NS)
            ctx = resp.doc.findtext("s:Body/n:PullResponse/n:EnumerationContext", namespaces=NS)
            end = resp.doc.find("s:Body/n:PullResponse/n:EndOfSequence", NS)
        return shells


def wsman_code(resp):
    """The f:WSManFault Code of a fault reply, as an int (None without one)."""
    try:
        f = resp.doc.find("s:Body/s:Fault/s:Detail/f:WSManFault", NS)
    except Exception:
        return None
    return int(f.get("Code")) if f is not None and f.get("Code") else None


# --- the test cases -------------------------------------------------------------

class ShellCase(DaemonTestCase):
    """A daemon whose shell resource administrators and users may reach,
    Basic over plain HTTP on 127.0.0.1."""

    CONFIG = BASE_CONFIG

    def client(self, user=ADMIN_USER, password=ADMIN_PASS, timeout=HTTP_TIMEOUT):
        c = ShellClient(self.daemon.port, user, password, timeout)
        self.addCleanup(c.close)
        return c

    def pywinrm_session(self, user=ADMIN_USER, password=ADMIN_PASS, **kw):
        import winrm
        kw.setdefault("read_timeout_sec", 30 * SLOW + 1)
        kw.setdefault("operation_timeout_sec", 20)
        s = winrm.Session("http://127.0.0.1:%d/wsman" % self.daemon.port, auth=(user, password),
                          transport="plaintext", **kw)
        self.addCleanup(lambda: s.protocol.transport.session and s.protocol.transport.session.close())
        return s

    # assertions
    def assertShellFault(self, resp, subcode, code, message=None):
        """A SOAP fault with subcode ("w", local) and f:WSManFault Code; message
        a part of f:Message.  Returns the f:Message text."""
        fault = self.assertFault(resp, subcode)
        wf = fault.find("s:Detail/f:WSManFault", NS)
        self.assertIsNotNone(wf, resp)
        self.assertEqual(wf.get("Code"), str(code), resp)
        text = "".join(wf.find("f:Message", NS).itertext()) if wf.find("f:Message", NS) is not None else ""
        if message is not None:
            self.assertIn(message, text, resp)
        return text

    def assertNoneLeft(self, mark, timeout=10):
        left = wait_until(lambda: not marked(mark), timeout * SLOW, step=0.1)
        self.assertTrue(left, "processes of the test still run: %r" % marked(mark))

    # steps that must work
    def open_shell(self, c, body=None, options=None, cleanup=True):
        resp = c.create(body, options)
        root = self.assertSoap(resp)
        sid = root.findtext("s:Body/x:ResourceCreated/a:ReferenceParameters/w:SelectorSet/"
                            "w:Selector[@Name='ShellId']", namespaces=NS)
        self.assertTrue(sid, resp)
        if cleanup:
            self.addCleanup(self.quiet_delete, c, sid)
        return sid

    def quiet_delete(self, c, sid):
        try:
            c.delete(sid)
        except (OSError, http.client.HTTPException):
            pass

    def start(self, c, sid, line, args=(), options=None):
        resp = c.command(sid, line, args, options)
        root = self.assertSoap(resp)
        cid = root.findtext("s:Body/rsp:CommandResponse/rsp:CommandId", namespaces=NS)
        self.assertTrue(cid, resp)
        return cid

    def drain(self, c, sid, cid, timeout="PT20S", deadline=60):
        """Receives until Done: (stdout, stderr, exit code, replies, TimedOut faults)."""
        out = {"stdout": b"", "stderr": b""}
        replies = timed_out = 0
        end = time.monotonic() + deadline * SLOW
        while time.monotonic() < end:
            resp = c.receive(sid, cid, timeout)
            replies += 1
            if resp.status == 500 and wsman_code(resp) == TIMED_OUT:
                timed_out += 1
                continue
            root = self.assertSoap(resp)
            states = root.findall("s:Body/rsp:ReceiveResponse/rsp:CommandState", NS)
            self.assertEqual(len(states), 1, resp)
            for s in root.findall("s:Body/rsp:ReceiveResponse/rsp:Stream", NS):
                self.assertIn(s.get("Name"), out, resp)
                self.assertEqual(s.get("CommandId"), cid, resp)
                out[s.get("Name")] += base64.b64decode(s.text or "")
            if states[0].get("State") == DONE:
                code = states[0].findtext("rsp:ExitCode", namespaces=NS)
                self.assertRegex(code or "", r"^\d+$", resp)
                return out["stdout"], out["stderr"], int(code), replies, timed_out
            self.assertEqual(states[0].get("State"), RUNNING, resp)
        self.fail("command %s not done within %d s" % (cid, deadline * SLOW))

    def put_winrs(self, **kv):
        """A live Put on winrm/config/winrs by an administrator, over HTTP."""
        body = '<cfg:Winrs xmlns:cfg="%s">%s</cfg:Winrs>' % (
            WINRS_CFG, "".join("<cfg:%s>%s</cfg:%s>" % (k, v, k) for k, v in kv.items()))
        resp = self.client().post(shell_envelope(T_PUT, body, resource=WINRS_CFG))
        root = self.assertSoap(resp)
        got = root.find("s:Body/{%s}Winrs" % WINRS_CFG, NS)
        self.assertIsNotNone(got, resp)
        for k, v in kv.items():
            self.assertEqual(got.findtext("{%s}%s" % (WINRS_CFG, k)), v, resp)

    def set_winrs(self, default, **kv):
        """put_winrs(**kv), and back to default (a dict) when the test ends."""
        self.addCleanup(self.put_winrs, **default)
        self.put_winrs(**kv)

    def limits_mechanism(self):
        """How the host enforces kernel limits (its log), or None if it does not say."""
        m = re.findall(r"limits enforced by ([^)]+)\)|process limits: (\S[^\n]*)", self.daemon.stderr())
        return next((a or b for a, b in reversed(m)), None)


# --- pywinrm over plain HTTP --------------------------------------------------

def pywinrm_send(p, sid, cid, data, end=False):
    """Send, built the way pywinrm 0.4's send_command_input builds it (0.3.0,
    Debian 12's, lacks the method), through pywinrm's own transport."""
    import xmltodict
    req = {"env:Envelope": p._get_soap_header(resource_uri=SHELL_URI, action=RSP + "/Send", shell_id=sid)}
    stream = req["env:Envelope"].setdefault("env:Body", {}).setdefault("rsp:Send", {}).setdefault("rsp:Stream", {})
    stream["@Name"] = "stdin"
    stream["@CommandId"] = cid
    stream["#text"] = base64.b64encode(data).decode("ascii")
    if end:
        stream["@End"] = "true"
    return p.send_message(xmltodict.unparse(req))


def pywinrm_signal(p, sid, cid, code):
    """Signal with another code than pywinrm's terminate (cleanup_command)."""
    import xmltodict
    req = {"env:Envelope": p._get_soap_header(resource_uri=SHELL_URI, action=RSP + "/Signal", shell_id=sid)}
    sig = req["env:Envelope"].setdefault("env:Body", {}).setdefault("rsp:Signal", {})
    sig["@CommandId"] = cid
    sig["rsp:Code"] = RSP + "/signal/" + code
    return p.send_message(xmltodict.unparse(req))


class PywinrmTest(ShellCase):
    """pywinrm 0.3.0 (python3-winrm), transport plaintext (Basic over HTTP)."""

    def test_run_cmd_as_the_user(self):
        r = self.pywinrm_session().run_cmd("id", ["-u"])
        self.assertEqual((r.std_out, r.std_err, r.status_code), (ADMIN_UID.encode() + b"\n", b"", 0))
        r = self.pywinrm_session(PLAIN_USER, PLAIN_PASS).run_cmd("id", ["-u"])
        self.assertEqual((r.std_out, r.status_code), (PLAIN_UID.encode() + b"\n", 0))

    def test_exit_codes(self):
        s = self.pywinrm_session()
        # pywinrm joins Command and Arguments into `sh -c "exit 3"`: the line
        # does not start with a quote, so cmd.exe's outer-quote rule leaves
        # it alone and /bin/sh -c runs it as it is.
        self.assertEqual(s.run_cmd("sh", ["-c", '"exit 3"']).status_code, 3)
        # a line that starts with a quote (Ruby's "ipconfig /all") loses that
        # quote and the last one: `"exit 5"` runs `exit 5`
        self.assertEqual(s.run_cmd('"exit 5"').status_code, 5)
        self.assertEqual(s.run_cmd("no-such-program-tshell").status_code, 127)
        self.assertEqual(s.run_cmd("kill", ["-TERM", "$$"]).status_code, 128 + 15)

    def test_stderr_is_separate(self):
        r = self.pywinrm_session().run_cmd("echo to-out; echo to-err >&2; echo more-out")
        self.assertEqual((r.std_out, r.std_err, r.status_code), (b"to-out\nmore-out\n", b"to-err\n", 0))

    def test_timed_out_receives_are_polled_again(self):
        """A command longer than the OperationTimeout: each Receive ends with
        the TimedOut fault (2150858793) before it, pywinrm polls again, and the
        command's end still comes with its exit code."""
        import winrm.exceptions
        s = self.pywinrm_session(operation_timeout_sec=2, read_timeout_sec=2 + 8 * SLOW)
        p = s.protocol
        timed_out = []                  # how long each Receive answered by TimedOut took
        send = p.send_message

        def timing(message):
            t = time.monotonic()
            try:
                return send(message)
            except winrm.exceptions.WinRMOperationTimeoutError:
                timed_out.append(time.monotonic() - t)
                raise
        p.send_message = timing
        t0 = time.monotonic()
        r = s.run_cmd("sleep 5; echo slept")
        took = time.monotonic() - t0
        self.assertEqual((r.std_out, r.status_code), (b"slept\n", 0))
        self.assertGreaterEqual(len(timed_out), 2, timed_out)
        # each one before the OperationTimeout (2 s less 20 %), none at once
        for t in timed_out:
            self.assertGreater(t, 1.2, timed_out)
            self.assertLess(t, 2.0 + 0.5 * SLOW, timed_out)
        figure("sleep 5 with OperationTimeout PT2S: %d TimedOut faults after %s s; done in %.1f s"
               % (len(timed_out), ", ".join("%.2f" % t for t in timed_out), took))

    def test_stdin(self):
        p = self.pywinrm_session().protocol
        sid = p.open_shell(codepage=65001)
        self.addCleanup(p.close_shell, sid)
        cid = p.run_command(sid, "cat; echo done")
        for data, end in ((b"hello ", False), (b"world\n", True)):
            root = parse_xml(pywinrm_send(p, sid, cid, data, end))
            self.assertIsNotNone(root.find("s:Body/rsp:SendResponse", NS))
        out, err, code = p.get_command_output(sid, cid)
        p.cleanup_command(sid, cid)
        self.assertEqual((out, err, code), (b"hello world\ndone\n", b"", 0))

    def test_ctrl_c_ends_a_sleep(self):
        mark = new_mark()
        p = self.pywinrm_session().protocol
        sid = p.open_shell(env_vars={"TSHELL_MARK": mark})
        self.addCleanup(p.close_shell, sid)
        cid = p.run_command(sid, "sleep", ["1000"])
        self.assertTrue(wait_until(lambda: any(c == "sleep" for _, c, _ in marked(mark)), 5 * SLOW), marked(mark))
        root = parse_xml(pywinrm_signal(p, sid, cid, "ctrl_c"))
        self.assertIsNotNone(root.find("s:Body/rsp:SignalResponse", NS))
        t0 = time.monotonic()
        out, err, code = p.get_command_output(sid, cid)
        self.assertEqual(code, 128 + 2, (out, err))      # SIGINT
        self.assertLess(time.monotonic() - t0, 5 * SLOW)
        p.cleanup_command(sid, cid)
        self.assertNoneLeft(mark)


@unittest.skipIf(VALGRIND, "50 MB through a daemon under valgrind takes minutes; "
                           "the Receive path is covered by the smaller tests")
class PywinrmStreamingTest(ShellCase):
    """50 MB of output through pywinrm: it streams, the daemon's memory stays put."""

    def test_50_mb_of_output(self):
        s = self.pywinrm_session()
        s.run_cmd("true")                      # warm: the first shell's allocations
        procs = long_lived(self.daemon)
        base = sum(rss_kib(p) for p in procs)
        peak = [base]
        done = threading.Event()

        def sample():
            while not done.wait(0.05):
                peak[0] = max(peak[0], sum(rss_kib(p) for p in procs))
        t = threading.Thread(target=sample, daemon=True)
        t.start()
        t0 = time.monotonic()
        try:
            r = s.run_cmd("head -c 50000000 /dev/zero | tr '\\0' x; echo; echo end >&2")
        finally:
            done.set()
            t.join(5)
        took = time.monotonic() - t0
        after = sum(rss_kib(p) for p in procs)
        self.assertEqual(r.status_code, 0)
        self.assertEqual(len(r.std_out), 50000001)
        self.assertEqual(r.std_out.count(b"x"), 50000000)
        self.assertEqual(r.std_err, b"end\n")
        figure("50 MB through pywinrm in %.1f s (%.1f MB/s); daemon RSS %d KiB, peak %d, after %d"
               % (took, 50 / took, base, peak[0], after))
        if asan_build():
            return      # ASan's quarantine holds what was freed: RSS says nothing here
        self.assertLess(peak[0] - base, 32 * 1024)
        self.assertLess(after - base, 8 * 1024)


# --- pywinrm over HTTPS ---------------------------------------------------------

class PywinrmHttpsTest(CertStoreMixin, ShellCase):
    """pywinrm transport 'ssl' (Basic inside TLS), validating the daemon's
    certificate against a test CA; the default configuration (no Basic on
    plain HTTP)."""

    CONFIG = {"service.root_sddl": ROOT_SDDL_AU}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from listener_helpers import LEGACY_NS, LEGACY_URI, free_port, listener_doc
        from tls_helpers import Pki, install, thumbprint
        cls.pki = Pki()
        try:
            pem, key = cls.pki.issue("srv", "localhost", dns=["localhost"], ips=["127.0.0.1"])
            before = cls.store_reads()
            install(cls.daemon.state_dir, "srv", pem, key)
            cls.wait_store(before, 1)
            cls.https_port = free_port()
            fields = [("Hostname", "localhost"), ("Transport", "HTTPS"), ("CertificateThumbprint", thumbprint(pem))]
            c = UnixHTTPConnection(cls.daemon.socket_path, timeout=HTTP_TIMEOUT)
            try:
                r = request(c, harness.envelope(T_CREATE, LEGACY_URI, body=listener_doc(LEGACY_NS, fields),
                                                selectors={"IP": "127.0.0.1", "Port": str(cls.https_port)}))
            finally:
                c.close()
            if r.status != 200:
                raise AssertionError("the HTTPS listener was not created: %r" % r)
        except BaseException:
            cls.pki.cleanup()
            super().tearDownClass()
            raise

    def test_run_cmd_over_https(self):
        import winrm
        s = winrm.Session("https://localhost:%d/wsman" % self.https_port, auth=(ADMIN_USER, ADMIN_PASS),
                          transport="ssl", server_cert_validation="validate", ca_trust_path=self.pki.ca_pem,
                          read_timeout_sec=30 * SLOW + 1, operation_timeout_sec=20)
        self.addCleanup(lambda: s.protocol.transport.session and s.protocol.transport.session.close())
        r = s.run_cmd("id", ["-u"])
        self.assertEqual((r.std_out, r.std_err, r.status_code), (ADMIN_UID.encode() + b"\n", b"", 0))
        r = s.run_cmd("sh", ["-c", '"echo err >&2; exit 3"'])
        self.assertEqual((r.std_out, r.std_err, r.status_code), (b"", b"err\n", 3))


# --- Go: masterzen/winrm --------------------------------------------------------

GO_LIBRARY = "/usr/share/gocode/src/github.com/masterzen/winrm"
_go = {"tmp": None, "proc": None, "why": None}


def go_build_start():
    """Starts building tests/go/winrm_run.go in the background (setUpModule)."""
    if _go["tmp"] or _go["why"]:
        return
    if not shutil.which("go"):
        _go["why"] = "go is not installed (Debian: golang-go)"
        return
    if not os.path.isdir(GO_LIBRARY):
        _go["why"] = "Go's winrm library is not installed (Debian: golang-github-masterzen-winrm-dev)"
        return
    tmp = tempfile.mkdtemp(prefix="winrmd-go-")
    env = dict(os.environ, GOPATH="/usr/share/gocode", GO111MODULE="off", GOCACHE=os.path.join(tmp, "cache"),
               GOFLAGS="", CGO_ENABLED="0", HOME=tmp)
    _go["tmp"] = tmp
    _go["proc"] = subprocess.Popen(
        ["go", "build", "-o", os.path.join(tmp, "winrm_run"),
         os.path.join(harness.srcdir(), "tests", "go", "winrm_run.go")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def go_binary():
    """The built winrm_run; raises SkipTest or AssertionError."""
    go_build_start()
    if _go["why"]:
        raise unittest.SkipTest(_go["why"])
    proc = _go["proc"]
    try:
        out, _ = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    if proc.returncode != 0:
        raise AssertionError("go build of tests/go/winrm_run.go failed (%s):\n%s"
                             % (proc.returncode, (out or b"").decode("utf-8", "replace")[-3000:]))
    return os.path.join(_go["tmp"], "winrm_run")


def setUpModule():
    if harness.skip_reason() is None:
        go_build_start()


def tearDownModule():
    proc = _go["proc"]
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
    if _go["tmp"]:
        shutil.rmtree(_go["tmp"], ignore_errors=True)


class WinrmGoClientTest(ShellCase):
    """Go's masterzen/winrm (Run, RunWithInput).  Its Send is as large as its
    MaxEnvelopeSize (PROTOCOL.md 6.3), hence MaxEnvelopeSizekb 500; its
    OperationTimeout is PT60S."""

    CONFIG = dict(BASE_CONFIG, max_envelope_kb="500", max_timeout_ms="120000")

    @classmethod
    def setUpClass(cls):
        harness.skip_unless_runnable()
        cls.go = go_binary()
        super().setUpClass()

    def winrm_run(self, *command, stdin=None):
        args = [self.go, "-host", "127.0.0.1", "-port", str(self.daemon.port),
                "-user", ADMIN_USER, "-pass", ADMIN_PASS]
        if stdin is not None:
            args += ["-stdin", stdin]
        return subprocess.run(args + ["--"] + list(command), capture_output=True, timeout=90 * SLOW)

    def assertNoShellLeft(self):
        self.assertEqual(self.client().enumerate(), [])

    def test_run_exit_code_and_output(self):
        r = self.winrm_run("echo hello; echo to-err >&2; exit 4")
        self.assertEqual((r.stdout, r.stderr, r.returncode), (b"hello\n", b"to-err\n", 4))
        r = self.winrm_run("id", "-u")
        self.assertEqual((r.stdout, r.returncode), (ADMIN_UID.encode() + b"\n", 0), r.stderr)
        self.assertNoShellLeft()            # Go sent Signal terminate and Delete

    def test_stdin(self):
        r = self.winrm_run('read l; echo "got $l"', stdin="hello from go\n")
        self.assertEqual((r.stdout, r.stderr, r.returncode), (b"got hello from go\n", b"", 0))
        # one Send of 120,000 bytes (160 KB of base64, above the default
        # MaxEnvelopeSizekb): every byte arrives
        big = "".join("%09d\n" % i for i in range(12000))
        r = self.winrm_run("sha256sum", stdin=big)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split()[0].decode(), hashlib.sha256(big.encode()).hexdigest())
        self.assertNoShellLeft()


# --- raw requests: shapes, ownership, faults -----------------------------------

class ShellResourceTest(ShellCase):
    """Create, Get, Enumerate and Delete as XML; who may do what; faults."""

    def assertShellElement(self, shell, sid, owner="alice"):
        self.assertEqual(shell.findtext("rsp:ShellId", namespaces=NS), sid)
        self.assertEqual(shell.findtext("rsp:ResourceUri", namespaces=NS), SHELL_URI)
        self.assertEqual(shell.findtext("rsp:Owner", namespaces=NS), owner)
        self.assertEqual(shell.findtext("rsp:ClientIP", namespaces=NS), "127.0.0.1")
        self.assertEqual(shell.findtext("rsp:InputStreams", namespaces=NS), "stdin")
        self.assertEqual(shell.findtext("rsp:OutputStreams", namespaces=NS), "stdout stderr")
        self.assertRegex(shell.findtext("rsp:IdleTimeOut", namespaces=NS) or "", r"^PT\d+\.\d{3}S$")
        children = [etree_local(e) for e in shell]
        self.assertEqual(children.index("ClientIP"), children.index("Owner") + 1, children)
        for e in shell:
            self.assertEqual(e.tag.split("}")[0][1:], RSP)

    def test_create_get_enumerate_delete(self):
        c = self.client()
        resp = c.create()
        root = self.assertSoap(resp)
        self.assertEqual(root.findtext("s:Header/a:Action", namespaces=NS),
                         "http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse")
        rc = root.find("s:Body/x:ResourceCreated", NS)
        self.assertIsNotNone(rc, resp)
        self.assertEqual(rc.findtext("a:ReferenceParameters/w:ResourceURI", namespaces=NS), SHELL_URI)
        sid = rc.findtext("a:ReferenceParameters/w:SelectorSet/w:Selector[@Name='ShellId']", namespaces=NS)
        self.assertRegex(sid or "", r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
        self.addCleanup(self.quiet_delete, c, sid)
        self.assertShellElement(root.find("s:Body/rsp:Shell", NS), sid)

        root = self.assertSoap(c.get(sid))
        self.assertShellElement(root.find("s:Body/rsp:Shell", NS), sid)

        mine = [s for s in c.enumerate() if s.findtext("rsp:ShellId", namespaces=NS) == sid]
        self.assertEqual(len(mine), 1)
        self.assertShellElement(mine[0], sid)

        resp = c.delete(sid)
        root = self.assertSoap(resp)
        self.assertEqual(root.findtext("s:Header/a:Action", namespaces=NS),
                         "http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse")
        self.assertEqual(len(root.find("s:Body", NS)), 0, resp)
        self.assertShellFault(c.get(sid), ("w", "InvalidSelectors"), NOT_FOUND, "shell was not found")
        self.assertShellFault(c.delete(sid), ("w", "InvalidSelectors"), NOT_FOUND)
        self.assertNotIn(sid, [s.findtext("rsp:ShellId", namespaces=NS) for s in c.enumerate()])

    def test_command_receive_signal(self):
        c = self.client()
        sid = self.open_shell(c)
        cid = self.start(c, sid, "echo out; echo err >&2; exit 7")
        out, err, code, _, _ = self.drain(c, sid, cid)
        self.assertEqual((out, err, code), (b"out\n", b"err\n", 7))
        # a Receive after Done: Done again, without streams
        root = self.assertSoap(c.receive(sid, cid))
        self.assertEqual(root.findall(".//rsp:Stream", NS), [])
        self.assertEqual([s.get("State") for s in root.findall(".//rsp:CommandState", NS)], [DONE])
        root = self.assertSoap(c.signal(sid, cid, "terminate"))
        self.assertIsNotNone(root.find("s:Body/rsp:SignalResponse", NS))
        self.assertShellFault(c.receive(sid, cid), ("w", "InvalidSelectors"), NOT_FOUND)

    def test_unknown_shell_and_missing_selector(self):
        c = self.client()
        ghost = str(uuid.uuid4()).upper()
        self.assertShellFault(c.command(ghost, "true"), ("w", "InvalidSelectors"), NOT_FOUND,
                              "ShellId %s failed because the shell was not found" % ghost)
        self.assertShellFault(c.receive(ghost, str(uuid.uuid4()).upper()), ("w", "InvalidSelectors"), NOT_FOUND)
        self.assertShellFault(c.post(shell_envelope(RSP + "/Command", "<rsp:CommandLine><rsp:Command>true"
                                                    "</rsp:Command></rsp:CommandLine>")),
                              ("w", "InvalidSelectors"), NO_SELECTOR)

    def test_another_users_shell(self):
        alice, bob = self.client(), self.client(PLAIN_USER, PLAIN_PASS)
        sid = self.open_shell(alice)
        cid = self.start(alice, sid, "read x; echo got $x")
        for resp in (bob.receive(sid, cid), bob.command(sid, "id -u"), bob.send(sid, cid, b"intruder\n"),
                     bob.signal(sid, cid, "ctrl_c"), bob.get(sid), bob.delete(sid)):
            self.assertShellFault(resp, ("w", "AccessDenied"), ACCESS_DENIED)
        self.assertNotIn(sid, [s.findtext("rsp:ShellId", namespaces=NS) for s in bob.enumerate()])
        # nothing of bob's reached the command
        self.assertSoap(alice.send(sid, cid, b"mine\n", end=True))
        self.assertEqual(self.drain(alice, sid, cid)[:3], (b"got mine\n", b"", 0))
        # bob's own shell: his uid; an administrator may Get it
        bsid = self.open_shell(bob)
        bcid = self.start(bob, bsid, "id -u")
        self.assertEqual(self.drain(bob, bsid, bcid)[:3], (PLAIN_UID.encode() + b"\n", b"", 0))
        root = self.assertSoap(alice.get(bsid))
        self.assertEqual(root.findtext("s:Body/rsp:Shell/rsp:Owner", namespaces=NS), PLAIN_USER)

    def test_stdin_that_is_not_base64(self):
        c = self.client()
        sid = self.open_shell(c)
        cid = self.start(c, sid, "cat")
        for text in ("!!not base64!!", "aGVsbG8=aGVsbG8=", "aGVsbG8"):
            self.assertShellFault(c.send(sid, cid, text), ("w", "InvalidParameter"), INVALID_PARAMETER)
        self.assertSoap(c.send(sid, cid, b"still fine", end=True))
        self.assertEqual(self.drain(c, sid, cid)[:3], (b"still fine", b"", 0))

    def test_a_1_mb_command_line(self):
        """Above MaxEnvelopeSizekb (50 by default): the core refuses it
        before the provider; the daemon answers on."""
        c = self.client()
        sid = self.open_shell(c)
        big = self.client()
        resp = big.command(sid, "echo " + "a" * (1 << 20))
        self.assertShellFault(resp, ("w", "EncodingLimit"), ENCODING_LIMIT)
        self.assertStillServing()
        cid = self.start(c, sid, "echo after")
        self.assertEqual(self.drain(c, sid, cid)[:3], (b"after\n", b"", 0))

    def test_working_directory(self):
        c = self.client()
        sid = self.open_shell(c, shell_body(cwd="/tmp"))
        self.assertEqual(self.drain(c, sid, self.start(c, sid, "pwd"))[:3], (b"/tmp\n", b"", 0))
        # relative: refused at Create
        self.assertShellFault(c.create(shell_body(cwd="tmp")), ("w", "InvalidParameter"), INVALID_PARAMETER,
                              "WorkingDirectory")
        # missing, and a folder the user may not enter (root's, mode 0700):
        # the shell opens, its Command is refused; nothing ran
        private = tempfile.mkdtemp(prefix="winrmd-tshell-root-")
        self.addCleanup(shutil.rmtree, private, True)
        os.chmod(private, 0o700)
        dirs = ["/no/such/dir-tshell", private]
        st = os.stat("/root")
        if st.st_uid == 0 and not st.st_mode & 0o001:
            dirs.append("/root")
        witness = "/tmp/tshell-ran-%d" % os.getpid()
        self.addCleanup(lambda: os.path.exists(witness) and os.unlink(witness))
        for d in dirs:
            with self.subTest(cwd=d):
                sid = self.open_shell(c, shell_body(cwd=d))
                self.assertShellFault(c.command(sid, "touch " + witness),
                                      ("w", "InvalidParameter"), INVALID_PARAMETER,
                                      "The working directory %s does not exist or the user cannot enter it" % d)
                self.assertFalse(os.path.exists(witness))

    def test_environment(self):
        c = self.client()
        sid = self.open_shell(c, shell_body(env={"TSHELL_A": "x=y z", "TSHELL_B": "caf\u00e9"}))
        out = self.drain(c, sid, self.start(c, sid, 'printf "%s|%s" "$TSHELL_A" "$TSHELL_B"'))[0]
        self.assertEqual(out, "x=y z|caf\u00e9".encode())
        # a Name with '=' (or none) cannot be an environment variable: refused
        for name in ("A=B", "=A", ""):
            with self.subTest(name=name):
                self.assertShellFault(c.create(shell_body(env={name: "v"})), ("w", "InvalidParameter"),
                                      INVALID_PARAMETER, "rsp:Variable")
        # NUL cannot reach the provider: &#0; is not XML, the core refuses the envelope
        for raw in ('<rsp:Variable Name="A">x&#0;y</rsp:Variable>', '<rsp:Variable Name="A&#0;B">x</rsp:Variable>'):
            with self.subTest(raw=raw):
                resp = c.create(shell_body(raw_env=raw))
                self.assertFault(resp, ("w", "SchemaValidationError"))
        self.assertStillServing()


def etree_local(e):
    return e.tag.rsplit("}", 1)[-1]


class WinrsSettingsTest(ShellCase):
    """The winrs settings, changed live with a Put on winrm/config/winrs."""

    def test_max_shells_per_user(self):
        self.set_winrs({"MaxShellsPerUser": "30"}, MaxShellsPerUser="2")
        bob = self.client(PLAIN_USER, PLAIN_PASS)
        first = self.open_shell(bob)
        self.open_shell(bob)
        self.assertShellFault(bob.create(), ("w", "QuotaLimit"), MAX_SHELLS_PER_USER, "MaxShellsPerUser")
        self.assertSoap(bob.delete(first))
        self.open_shell(bob)
        # another user has a quota of his own
        self.open_shell(self.client())

    def test_max_concurrent_users(self):
        self.open_shell(self.client())
        self.set_winrs({"MaxConcurrentUsers": "10"}, MaxConcurrentUsers="1")
        bob = self.client(PLAIN_USER, PLAIN_PASS)
        self.assertShellFault(bob.create(), ("w", "QuotaLimit"), MAX_USERS, "MaxConcurrentUsers")
        self.put_winrs(MaxConcurrentUsers="2")
        self.open_shell(bob)

    def test_allow_remote_shell_access(self):
        c = self.client()
        sid = self.open_shell(c)
        self.set_winrs({"AllowRemoteShellAccess": "true"}, AllowRemoteShellAccess="false")
        self.assertShellFault(c.create(), ("w", "AccessDenied"), SHELLS_DISABLED, "AllowRemoteShellAccess")
        self.assertShellFault(c.command(sid, "true"), ("w", "AccessDenied"), SHELLS_DISABLED)
        self.assertSoap(c.get(sid))             # open shells stay
        self.put_winrs(AllowRemoteShellAccess="true")
        self.assertEqual(self.drain(c, sid, self.start(c, sid, "echo back"))[:3], (b"back\n", b"", 0))


# --- limits the kernel enforces ----------------------------------------------------

class KernelLimitsTest(ShellCase):
    """MaxProcessesPerShell 20 and MaxMemoryPerShellMB 100; MaxEnvelopeSizekb
    2048, so that a 1 MB command line reaches the provider."""

    CONFIG = dict(BASE_CONFIG, **{"winrs.max_processes_per_shell": "20",
                                  "winrs.max_memory_per_shell_mb": "100",
                                  "max_envelope_kb": "2048"})

    def limited_shell(self, c, mark):
        sid = self.open_shell(c, shell_body(env={"TSHELL_MARK": mark}))
        if self.limits_mechanism() == "rlimits":
            self.skipTest("no cgroup here: the limits are per user (rlimits), not per shell")
        return sid

    def test_fork_bomb(self):
        c, mark = self.client(), new_mark()
        sid = self.limited_shell(c, mark)
        # the bomb, its output elsewhere, then the shell itself forking until
        # a fork fails (dash exits 2 on "Cannot fork")
        cid = self.start(c, sid, "b() { b | b & }; (b) </dev/null >/dev/null 2>&1; "
                                 "while :; do sleep 1000 </dev/null >/dev/null 2>&1 & done")
        t0 = time.monotonic()
        out, err, code, _, _ = self.drain(c, sid, cid, deadline=30)
        took = time.monotonic() - t0
        self.assertNotEqual(code, 0, (out, err))
        self.assertIn(b"Cannot fork", err)
        self.assertIn(b"winrmd: the shell's process limit (MaxProcessesPerShell, 20) was reached\n", err)
        self.assertLessEqual(len(marked(mark)), 20)
        # the daemon answers meanwhile, and another shell runs commands
        self.assertStillServing()
        other = self.open_shell(c)
        self.assertEqual(self.drain(c, other, self.start(c, other, "echo alive"))[:3], (b"alive\n", b"", 0))
        self.assertSoap(c.delete(sid))
        self.assertNoneLeft(mark)
        figure("fork bomb under MaxProcessesPerShell 20: exit %d after %.2f s" % (code, took))

    def test_memory_limit(self):
        c, mark = self.client(), new_mark()
        sid = self.limited_shell(c, mark)
        cid = self.start(c, sid, "python3 -c 'x = bytearray(1 << 31); print(len(x))'")
        out, err, code, _, _ = self.drain(c, sid, cid, deadline=60)
        self.assertNotEqual(code, 0, (out, err))
        self.assertNotIn(b"2147483648", out)
        self.assertIn(b"MaxMemoryPerShellMB, 100 MB", err, (out, err, code))
        self.assertStillServing()

    def test_a_1_mb_command_line(self):
        """Within MaxEnvelopeSizekb, beyond what the provider runs (128 KiB):
        a clean fault, and the daemon answers on."""
        c = self.client()
        sid = self.open_shell(c)
        resp = c.command(sid, "echo " + "a" * (1 << 20))
        self.assertShellFault(resp, ("w", "InvalidParameter"), INVALID_PARAMETER, "exceed 128 KiB")
        self.assertStillServing()
        self.assertEqual(self.drain(c, sid, self.start(c, sid, "echo after"))[:3], (b"after\n", b"", 0))


# --- idle shells and unread output --------------------------------------------------

class LifecycleTest(ShellCase):

    # Under valgrind a process takes seconds to start, and the idle timer
    # does not count a Command waiting for its process (only a held Receive):
    # with PT2S the shell would go while its Command starts.
    IDLE = 8 if VALGRIND else 2

    def test_client_idle_timeout(self):
        """IdleTimeOut PT2S: the shell is deleted 2 s after its last request,
        its processes with it."""
        c, mark = self.client(), new_mark()
        sid = self.open_shell(c, shell_body(env={"TSHELL_MARK": mark}, idle="PT%dS" % self.IDLE))
        root = self.assertSoap(c.get(sid))
        self.assertEqual(root.findtext("s:Body/rsp:Shell/rsp:IdleTimeOut", namespaces=NS), "PT%d.000S" % self.IDLE)
        t0 = time.monotonic()            # the last request: its arrival counts
        self.start(c, sid, "sleep 1000")
        self.assertTrue(wait_until(lambda: marked(mark), 5 * SLOW), "the command did not start")
        # no request for the shell from now on
        self.assertTrue(wait_until(lambda: not marked(mark), self.IDLE + 8 * SLOW, step=0.1), marked(mark))
        took = time.monotonic() - t0
        self.assertGreater(took, self.IDLE - 0.5)
        self.assertShellFault(c.get(sid), ("w", "InvalidSelectors"), NOT_FOUND)
        figure("IdleTimeOut PT%dS: shell and processes gone %.1f s after the last request" % (self.IDLE, took))

    def test_unread_output_blocks_the_command(self):
        """`yes` whose output nobody receives: it sleeps on its full pipe,
        the daemon neither buffers it nor spins; Receive drains it again."""
        c, mark = self.client(), new_mark()
        sid = self.open_shell(c, shell_body(env={"TSHELL_MARK": mark}))
        procs = long_lived(self.daemon)
        rss0 = sum(rss_kib(p) for p in procs)
        cid = self.start(c, sid, "yes")
        yes = wait_until(lambda: [p for p, comm, _ in marked(mark) if comm == "yes"], 5 * SLOW)
        self.assertTrue(yes, marked(mark))
        pid = yes[0]
        time.sleep(1.0 * SLOW)
        rss1 = sum(rss_kib(p) for p in procs)
        cpu1, ycpu1 = self.daemon.cpu_seconds(), _stat(pid)[2]
        time.sleep(1.0)
        st = _stat(pid)
        rss2 = sum(rss_kib(p) for p in procs)
        self.assertEqual(st[1], "S", "yes is not blocked on its pipe")
        self.assertLessEqual(st[2] - ycpu1, 5, "yes used CPU while blocked")         # ticks (1/100 s)
        self.assertLess(self.daemon.cpu_seconds() - cpu1, 0.2 * SLOW, "the daemon spins")
        if not VALGRIND:            # valgrind's own memory grows with the code it translates
            self.assertLess(rss2 - rss0, 4 * 1024)
            self.assertLess(abs(rss2 - rss1), 512)
        got = 0
        for _ in range(4):
            root = self.assertSoap(c.receive(sid, cid))
            for s in root.findall(".//rsp:Stream[@Name='stdout']", NS):
                data = base64.b64decode(s.text or "")
                self.assertEqual(set(data), set(b"y\n"))
                got += len(data)
        self.assertGreater(got, 128 * 1024)
        self.assertSoap(c.signal(sid, cid, "terminate"))
        self.assertNoneLeft(mark)
        figure("blocked yes: daemon RSS %d -> %d -> %d KiB; %d bytes received after" % (rss0, rss1, rss2, got))


# --- 1,000 abandoned shells ------------------------------------------------------------

@unittest.skipIf(VALGRIND, "1,000 shells under valgrind take minutes; the paths are covered by the "
                           "smaller tests")
class AbandonedShellsTest(ShellCase):
    """One user opens 1,000 shells (MaxShellsPerUser 0: no limit; 300 under
    AddressSanitizer) and runs a command in two of every 100 without reading
    it; half the shells are deleted, half have IdleTimeOut PT2S and are left
    to time out.  Twice: after the first round the daemon is back to where it
    started (descriptors, processes), after the second where the first left
    it (and its memory)."""

    CONFIG = dict(BASE_CONFIG, **{"winrs.max_shells_per_user": "0"})
    SHELLS = 1000
    SHELLS_ASAN = 300       # ASan: each takes ten times as long; LeakSanitizer looks at exit

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shells = cls.SHELLS_ASAN if asan_build() else cls.SHELLS

    def snapshot(self, procs):
        """({pid: open descriptors}, processes under the daemon, RSS KiB of procs)."""
        return ({p: fd_count(p) for p in procs}, len(descendants(self.daemon.pid())),
                sum(rss_kib(p) for p in procs))

    def round(self, c, procs):
        mark = new_mark()
        idle_body = shell_body(env={"TSHELL_MARK": mark}, idle="PT2S")
        plain_body = shell_body(env={"TSHELL_MARK": mark})
        plain = []
        t0 = time.monotonic()
        for i in range(self.shells):
            sid = self.open_shell(c, idle_body if i % 2 else plain_body, cleanup=False)
            if not i % 2:
                plain.append(sid)
            if i % 100 in (0, 51):
                self.start(c, sid, "echo abandoned; sleep 1000")
        opened = time.monotonic() - t0
        top = self.snapshot(procs)
        for sid in plain:
            self.assertSoap(c.delete(sid))
        # the idle ones go by themselves (Enumerate does not touch a shell)
        self.assertTrue(wait_until(lambda: not c.enumerate(), 15 * SLOW, step=0.5),
                        "shells left: %d" % len(c.enumerate()))
        self.assertNoneLeft(mark)
        return opened, time.monotonic() - t0, top

    def test_nothing_leaks(self):
        c = self.client()
        procs = long_lived(self.daemon)
        self.assertGreaterEqual(len(procs), 2, "no monitor process under the daemon")
        fds0, n0, rss0 = self.snapshot(procs)
        opened, took, top = self.round(c, procs)
        self.assertTrue(wait_until(lambda: len(descendants(self.daemon.pid())) == n0, 5 * SLOW),
                        "processes left under the daemon: %r" % descendants(self.daemon.pid()))
        fds1, n1, rss1 = self.snapshot(procs)
        self.round(c, procs)
        self.assertTrue(wait_until(lambda: len(descendants(self.daemon.pid())) == n0, 5 * SLOW))
        fds2, n2, rss2 = self.snapshot(procs)
        figure("%d shells (%d commands) opened in %.1f s, gone after %.1f s; descriptors %s before, "
               "%s with them open, %s after, %s after a second round; processes %d, %d open, %d, %d; "
               "RSS %d KiB before, %d open, %d after, %d after a second round"
               % (self.shells, self.shells // 50, opened, took, fds0, top[0], fds1, fds2, n0, top[1], n1, n2,
                  rss0, top[2], rss1, rss2))
        self.assertEqual(long_lived(self.daemon), procs)
        self.assertGreater(top[1], n0)                    # the commands ran
        for p in procs:
            self.assertLessEqual(fds1[p], fds0[p] + 2, (p, fds0, fds1))
            self.assertLessEqual(fds2[p], fds1[p] + 2, (p, fds1, fds2))
        if not asan_build():
            self.assertLess(rss2 - rss1, 1024)
        self.assertStillServing()


if __name__ == "__main__":
    unittest.main()
