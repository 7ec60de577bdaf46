"""harness.py - start the real winrmd and talk to it over real sockets.

One daemon per test class (DaemonTestCase.setUpClass), each in its own
temporary state directory, with PAM and NSS redirected to test-only files
through libpam-wrapper (pam_matrix) and libnss-wrapper: the machine's own
accounts are never consulted.  Its network process runs as the service
user SERVICE_USER of those files (--user), as in production: the
temporary folders it must reach are open to it (mode 0711, the provider
folders 0755).

Environment:
  WINRMD_BUILDDIR       the build tree ($WINRMD_BUILDDIR/winrmd, .../providers)
  WINRMD_SRCDIR         the source tree (tests/captures)
  WINRMD_TEST_VALGRIND  1: run the daemon under valgrind (slower; timeouts scale)
"""

import base64
import glob
import http.client
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import uuid

from lxml import etree

# --- namespaces (match by URI, never by prefix) ------------------------------
NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "s11": "http://schemas.xmlsoap.org/soap/envelope/",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "x": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
    "n": "http://schemas.xmlsoap.org/ws/2004/09/enumeration",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "p": "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
    "f": "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault",
    "f05": "http://schemas.microsoft.com/ws/2005/06/wsmanfault",
    "w05": "http://schemas.xmlsoap.org/ws/2005/06/management",
    "t": "http://schemas.xmlsoap.org/ws/2005/06/management/this",
    "wsmid": "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
}

ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
T_GET = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get"
T_PUT = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Put"
E_ENUMERATE = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate"
E_PULL = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull"
E_RELEASE = "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release"
THIS_URI = "wsman:system/2005/06/this"
SOAP_CT = "application/soap+xml;charset=UTF-8"

# --- test accounts (only ever known to pam_matrix and nss_wrapper) ----------
CANARY = "p4ss-canary-XYZ"
ADMIN_USER = "alice"          # in group "sudo": an administrator
ADMIN_PASS = CANARY
PLAIN_USER = "bob"            # no admin group
PLAIN_PASS = "b0b-Pass-2"
USERS = [
    # name, uid, password, groups
    (ADMIN_USER, 41001, ADMIN_PASS, ["sudo"]),
    (PLAIN_USER, 41002, PLAIN_PASS, []),
]

# the daemon's own user (--user): its network process runs as this one
SERVICE_USER = "winrmd"
SERVICE_UID = 41050

VALGRIND = os.environ.get("WINRMD_TEST_VALGRIND", "") not in ("", "0", "no", "false")
# Everything that waits on the daemon scales with this.
SLOW = 8 if VALGRIND else 1
READY_TIMEOUT = 20 * SLOW
CLIENT_TIMEOUT = 10 * SLOW


def builddir():
    return os.environ.get("WINRMD_BUILDDIR", "")


def srcdir():
    return os.environ.get("WINRMD_SRCDIR") or os.path.abspath(
        os.path.join(os.path.dirname(__file__), "..", ".."))


def daemon_binary():
    return os.path.join(builddir(), "winrmd")


def provider_dir():
    return os.path.join(builddir(), "providers")


def _dpkg_files(pkg):
    try:
        out = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return out.splitlines()


def _find_lib(pkg, name, patterns):
    for f in _dpkg_files(pkg):
        if os.path.basename(f) == name and os.path.exists(f):
            return f
    for pat in patterns:
        for f in sorted(glob.glob(pat)):
            return f
    return None


_wrappers = None


def wrappers():
    """(libpam_wrapper.so, libnss_wrapper.so, pam_matrix.so) or None."""
    global _wrappers
    if _wrappers is None:
        pam = _find_lib("libpam-wrapper", "libpam_wrapper.so", ["/usr/lib/*/libpam_wrapper.so*"])
        nss = _find_lib("libnss-wrapper", "libnss_wrapper.so", ["/usr/lib/*/libnss_wrapper.so*"])
        matrix = _find_lib("libpam-wrapper", "pam_matrix.so", ["/usr/lib/*/pam_wrapper/pam_matrix.so"])
        _wrappers = (pam, nss, matrix) if pam and nss and matrix else ()
    return _wrappers or None


def skip_reason():
    """Why the suite cannot run here, or None."""
    if not builddir():
        return "WINRMD_BUILDDIR is not set (run through make check)"
    if not os.access(daemon_binary(), os.X_OK):
        return "no daemon at %s" % daemon_binary()
    if not wrappers():
        return "libpam-wrapper / libnss-wrapper are not installed"
    if VALGRIND and not shutil.which("valgrind"):
        return "WINRMD_TEST_VALGRIND=1 but valgrind is not installed"
    return None


def skip_unless_runnable():
    """Raises unittest.SkipTest with skip_reason(), if there is one."""
    why = skip_reason()
    if why:
        raise unittest.SkipTest(why)


def add_provider(path, plugin_dir):
    """Copies the provider file path into plugin_dir, mode 0755."""
    shutil.copy(path, plugin_dir)
    os.chmod(os.path.join(plugin_dir, os.path.basename(path)), 0o755)


def private_provider_dir(add):
    """A new temporary plugin directory holding copies of the built
    providers and whatever add(directory) puts there; add returns None, or
    why it could not (then the directory is removed and the test class
    skipped).  The caller removes the directory."""
    plugins = tempfile.mkdtemp(prefix="winrmd-plugins-")
    os.chmod(plugins, 0o755)            # the daemon's user loads from it
    try:
        why = add(plugins)
        if why:
            raise unittest.SkipTest(why)
        for so in glob.glob(os.path.join(provider_dir(), "*.so")):
            add_provider(so, plugins)
    except BaseException:
        shutil.rmtree(plugins, ignore_errors=True)
        raise
    return plugins


def wait_until(pred, timeout, step=0.05):
    """Polls pred() until true or timeout seconds passed; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(step)


def notify_socket(path):
    """A datagram socket bound at path for sd_notify, which the daemon's
    unprivileged user may write to (as systemd's own)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o777)
    return s


# --- the daemon ---------------------------------------------------------------

class Daemon:
    """One winrmd process with its own state directory and test accounts;
    plugin_dir defaults to the built providers, prefix is a command that
    runs the daemon (such as ip netns exec NAME), user the --user of its
    network process (None: no --user option)."""

    def __init__(self, config=None, tcp=True, plugin_dir=None, prefix=(), pam_auth_first="",
                 user=SERVICE_USER):
        self.user = user
        self.config = dict(config or {})
        self.pam_auth_first = pam_auth_first   # PAM "auth" lines before pam_matrix
        self.tcp = tcp
        self.plugin_dir = plugin_dir or provider_dir()
        self.prefix = list(prefix)
        self.proc = None
        self.port = None
        self.tmp = None
        self.returncode = None
        self.stopped = False

    # paths
    @property
    def state_dir(self):
        return os.path.join(self.tmp, "state")

    @property
    def socket_path(self):
        return os.path.join(self.state_dir, "winrmd.sock")

    @property
    def stderr_path(self):
        return os.path.join(self.tmp, "stderr.log")

    def _write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def _write_accounts(self):
        pam, nss, matrix = wrappers()
        # root is there too (a password nobody knows): PAM's account checks
        # accept it, as pam_unix does, when root runs a process
        passdb = self._write("passdb", "".join(
            "%s:%s:winrmd\n" % (u, pw) for u, _, pw, _ in USERS) + "root:%s:winrmd\n" % uuid.uuid4().hex)
        os.chmod(passdb, 0o600)         # the monitor's (root) only
        os.mkdir(os.path.join(self.tmp, "pam.d"))
        self._write("pam.d/winrmd", self.pam_auth_first +
                    "auth required %s passdb=%s\n"
                    "account required %s passdb=%s\n"
                    "session required %s passdb=%s\n" % (matrix, passdb, matrix, passdb, matrix, passdb))
        # "locked" exists for NSS but PAM (pam_matrix) does not know it: an
        # account PAM's account checks refuse
        passwd = "root:x:0:0:root:/root:/bin/sh\nlocked:x:41009:41009:locked:/nonexistent:/bin/false\n" + "".join(
            "%s:x:%d:%d:test user:/nonexistent:/bin/false\n" % (u, uid, uid)
            for u, uid, _, _ in USERS)
        passwd += "%s:x:%d:%d:winrmd service:/nonexistent:/usr/sbin/nologin\n" % (
            SERVICE_USER, SERVICE_UID, SERVICE_UID)
        group = "root:x:0:\n" + "".join("%s:x:%d:\n" % (u, uid) for u, uid, _, _ in USERS)
        group += "%s:x:%d:\n" % (SERVICE_USER, SERVICE_UID)
        for gname, gid in (("sudo", 41100), ("wheel", 41101)):
            members = [u for u, _, _, groups in USERS if gname in groups]
            group += "%s:x:%d:%s\n" % (gname, gid, ",".join(members))
        return self._write("passwd", passwd), self._write("group", group)

    def command(self, *extra):
        """The daemon's command line, extra arguments last."""
        cmd = [daemon_binary(), "--foreground", "--state-dir", self.state_dir,
               "--plugin-dir", self.plugin_dir]
        if self.tcp:
            cmd += ["--listen", "127.0.0.1:0"]
        if self.user:
            cmd += ["--user", self.user]
        cmd += list(extra)
        if VALGRIND:
            cmd = ["valgrind", "--vgdb=no", "--error-exitcode=99", "--leak-check=full",
                   "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite",
                   "--suppressions=" + os.path.join(srcdir(), "tests", "valgrind.supp"),
                   "-q"] + cmd
        return self.prefix + cmd

    def _env(self, passwd, group):
        pam, nss, _ = wrappers()
        env = dict(os.environ)
        for k in ("NOTIFY_SOCKET", "JOURNAL_STREAM", "LISTEN_FDS", "LISTEN_PID"):
            env.pop(k, None)
        preload = [pam, nss]
        asan = env.get("ASAN_OPTIONS", "")
        env.update({
            "LD_PRELOAD": " ".join(preload),
            "PAM_WRAPPER": "1",
            "PAM_WRAPPER_SERVICE_DIR": os.path.join(self.tmp, "pam.d"),
            "NSS_WRAPPER_PASSWD": passwd,
            "NSS_WRAPPER_GROUP": group,
            "NOTIFY_SOCKET": os.path.join(self.tmp, "notify"),
            "ASAN_OPTIONS": ":".join(x for x in (asan, "verify_asan_link_order=0",
                                                 "detect_leaks=1") if x),
            "UBSAN_OPTIONS": env.get("UBSAN_OPTIONS", "print_stacktrace=1"),
        })
        # RTLD_DEEPBIND (the wrappers' default for loading libc) breaks
        # valgrind and the sanitizers' interceptors; harmless otherwise.
        # pam_wrapper 1.1.4 (Debian 12) reads UID_WRAPPER_DISABLE_DEEPBIND.
        env["PAM_WRAPPER_DISABLE_DEEPBIND"] = "1"
        env["UID_WRAPPER_DISABLE_DEEPBIND"] = "1"
        env["NSS_WRAPPER_DISABLE_DEEPBIND"] = "1"
        return env

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="winrmd-it-")
        os.chmod(self.tmp, 0o711)       # the daemon's user reaches its state and NSS files
        os.mkdir(self.state_dir, 0o700)
        with open(os.path.join(self.state_dir, "winrmd.conf"), "w") as f:
            for k, v in self.config.items():
                f.write("%s = %s\n" % (k, v))
        passwd, group = self._write_accounts()
        notify = notify_socket(os.path.join(self.tmp, "notify"))
        self.stderr_file = open(self.stderr_path, "wb")
        try:
            self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                         stdout=self.stderr_file, stderr=self.stderr_file,
                                         env=self._env(passwd, group), cwd=self.tmp)
            self._wait_ready(notify)
        except BaseException:
            self.kill()
            self.stderr_file.close()
            self.cleanup()
            raise
        finally:
            notify.close()
        if self.tcp:
            m = wait_until(lambda: re.search(
                r"winrmd: info: listening on http://127\.0\.0\.1:(\d+)/", self.stderr()), 5 * SLOW)
            if not m:
                err = self.stderr()
                self.kill()
                self.stderr_file.close()
                self.cleanup()
                raise RuntimeError("no listening line in winrmd's stderr:\n" + err)
            self.port = int(m.group(1))
        return self

    def _wait_ready(self, notify):
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("winrmd sent no READY=1 within %ds:\n%s" %
                                   (READY_TIMEOUT, self.stderr()))
            r, _, _ = select.select([notify], [], [], min(left, 0.2))
            if r:
                msg = notify.recv(4096).decode("utf-8", "replace")
                if "READY=1" in msg.split("\n"):
                    return
            elif self.proc.poll() is not None:
                raise RuntimeError("winrmd exited with %d before it was ready:\n%s" %
                                   (self.proc.returncode, self.stderr()))

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_kib(self):
        """The daemon's resident memory in KiB (its own process only)."""
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return -1

    def cpu_seconds(self):
        """User plus system CPU time the daemon's process has used."""
        try:
            with open("/proc/%d/stat" % self.proc.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return -1.0

    def open_fds(self):
        try:
            return len(os.listdir("/proc/%d/fd" % self.proc.pid))
        except OSError:
            return -1

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass

    def stop(self):
        """SIGTERM, then wait; returns a list of problems (empty when clean)."""
        problems = []
        if self.stopped:
            return problems
        self.stopped = True
        if self.proc is None:
            return problems
        if self.proc.poll() is not None:
            problems.append("winrmd died during the tests (status %d)" % self.proc.returncode)
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30 * SLOW)
            except subprocess.TimeoutExpired:
                problems.append("winrmd did not stop within %ds of SIGTERM" % (30 * SLOW))
                self.kill()
        self.returncode = self.proc.returncode
        self.stderr_file.close()
        if self.returncode not in (0, None) and not problems:
            problems.append("winrmd exited with status %s" % self.returncode)
        err = self.stderr()
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in err:
                problems.append("winrmd's stderr contains %r" % marker)
        if VALGRIND and re.search(r"^==\d+== ", err, re.M):
            problems.append("valgrind reported errors")
        return problems

    def cleanup(self):
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --- HTTP clients -------------------------------------------------------------

class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over the control socket (AF_UNIX, SO_PEERCRED)."""

    def __init__(self, path, timeout=CLIENT_TIMEOUT):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers          # list of (name, value)
        self.body = body                # bytes
        self._doc = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def doc(self):
        """The body parsed as XML (lxml root element); raises on bad XML."""
        if self._doc is None:
            self._doc = parse_xml(self.body)
        return self._doc

    def __repr__(self):
        return "<Response %d %r %d bytes: %r>" % (self.status, self.reason, len(self.body),
                                                 self.body[:2000])


def parse_xml(data):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    return etree.fromstring(data, parser)


def _response(r):
    body = r.read()
    return Response(r.status, r.reason, r.getheaders(), body)


def basic(user, password):
    if isinstance(user, str):
        user = user.encode("utf-8")
    if isinstance(password, str):
        password = password.encode("utf-8")
    return "Basic " + base64.b64encode(user + b":" + password).decode("ascii")


def request(conn, body=b"", method="POST", path="/wsman", headers=None,
            content_type=SOAP_CT):
    """One request on an http.client connection; returns a Response."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    h = {}
    if content_type is not None:
        h["Content-Type"] = content_type
    h.update(headers or {})
    conn.putrequest(method, path, skip_accept_encoding=True)
    for k, v in h.items():
        conn.putheader(k, v)
    if body is not None and "Content-Length" not in h:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body if body else None)
    return _response(conn.getresponse())


def raw_exchange(sock, data, timeout=CLIENT_TIMEOUT):
    """Sends raw bytes on a connected socket and parses one HTTP response."""
    sock.settimeout(timeout)
    sock.sendall(data)
    r = http.client.HTTPResponse(sock, method="POST")
    r.begin()
    return _response(r)


def split_responses(data):
    """Splits raw bytes holding consecutive HTTP/1.1 responses framed by
    Content-Length into [(status, {lower-case name: value}, body)]."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("incomplete response head: %r" % data[:200])
        lines = head.split(b"\r\n")
        m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0])
        if not m:
            raise ValueError("bad status line: %r" % lines[0])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
        n = int(headers.get("content-length", "0"))
        if len(rest) < n:
            raise ValueError("truncated body")
        out.append((int(m.group(1)), headers, rest[:n]))
        data = rest[n:]
    return out


def read_until_closed(sock, timeout):
    """Reads until EOF/RST or timeout; returns (closed, data, seconds)."""
    start = time.monotonic()
    data = b""
    deadline = start + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False, data, time.monotonic() - start
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return False, data, time.monotonic() - start
        except (ConnectionResetError, BrokenPipeError):
            return True, data, time.monotonic() - start
        if not chunk:
            return True, data, time.monotonic() - start
        data += chunk


# --- envelopes ----------------------------------------------------------------

IDENTIFY = (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
    '<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>')


def new_message_id():
    return "uuid:" + str(uuid.uuid4())


def envelope(action=None, resource_uri=None, message_id="auto", body="",
             extra_headers="", selectors=None, reply_to=ANONYMOUS, must_understand=True):
    """A SOAP 1.2 WS-Man request like pywinrm's, as bytes."""
    if message_id == "auto":
        message_id = new_message_id()
    mu = ' s:mustUnderstand="true"' if must_understand else ""
    h = ['<a:To>http://127.0.0.1/wsman</a:To>']
    if reply_to is not None:
        h.append('<a:ReplyTo><a:Address%s>%s</a:Address></a:ReplyTo>' % (mu, reply_to))
    h.append('<w:MaxEnvelopeSize%s>153600</w:MaxEnvelopeSize>' % mu)
    if message_id is not None:
        h.append('<a:MessageID>%s</a:MessageID>' % message_id)
    h.append('<w:Locale xml:lang="en-US" s:mustUnderstand="false"/>')
    h.append('<w:OperationTimeout>PT20S</w:OperationTimeout>')
    if resource_uri is not None:
        h.append('<w:ResourceURI%s>%s</w:ResourceURI>' % (mu, resource_uri))
    if action is not None:
        h.append('<a:Action%s>%s</a:Action>' % (mu, action))
    if selectors:
        h.append('<w:SelectorSet>%s</w:SelectorSet>' % "".join(
            '<w:Selector Name="%s">%s</w:Selector>' % kv for kv in selectors.items()))
    h.append(extra_headers)
    return (
        '<s:Envelope xmlns:s="%(s)s" xmlns:a="%(a)s" xmlns:w="%(w)s" xmlns:n="%(n)s" '
        'xmlns:x="%(x)s" xmlns:p="%(p)s">'
        '<s:Header>%(h)s</s:Header><s:Body>%(b)s</s:Body></s:Envelope>'
        % dict(NS, h="".join(h), b=body)).encode("utf-8")


def get_this(message_id="auto", **kw):
    return envelope(T_GET, THIS_URI, message_id=message_id, **kw)


def qname_of(elem):
    """Resolves a QName in elem's text ('a:Foo') to (namespace URI, local)."""
    text = (elem.text or "").strip()
    prefix, _, local = text.rpartition(":")
    return elem.nsmap.get(prefix or None), local


# --- the test case base -------------------------------------------------------

class DaemonTestCase(unittest.TestCase):
    """Starts one daemon for the class; CONFIG is its winrmd.conf.

    EXTRA_PROVIDERS, when set, is a staticmethod add(directory) that puts
    providers besides the built ones into the class's private plugin
    directory (see private_provider_dir); DAEMON_PREFIX is a command that
    runs the daemon."""

    CONFIG = {}
    TCP = True
    USER = SERVICE_USER
    EXTRA_PROVIDERS = None
    DAEMON_PREFIX = ()
    PAM_AUTH_FIRST = ""
    daemon = None
    plugin_tmp = None

    @classmethod
    def setUpClass(cls):
        skip_unless_runnable()
        if cls.EXTRA_PROVIDERS:
            cls.plugin_tmp = private_provider_dir(cls.EXTRA_PROVIDERS)
        try:
            cls.daemon = Daemon(cls.CONFIG, tcp=cls.TCP, plugin_dir=cls.plugin_tmp,
                                prefix=cls.DAEMON_PREFIX, pam_auth_first=cls.PAM_AUTH_FIRST,
                                user=cls.USER).start()
        except BaseException:
            cls._remove_plugin_tmp()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls._stop_daemon()
        finally:
            cls._remove_plugin_tmp()

    @classmethod
    def _stop_daemon(cls):
        d = cls.daemon
        cls.daemon = None
        if d is None:
            return
        problems = d.stop()
        if problems:
            tail = d.stderr()[-6000:]
            d.cleanup()
            raise AssertionError("; ".join(problems) + "\n--- winrmd stderr (tail) ---\n" + tail)
        d.cleanup()

    @classmethod
    def _remove_plugin_tmp(cls):
        if cls.plugin_tmp:
            shutil.rmtree(cls.plugin_tmp, ignore_errors=True)
            cls.plugin_tmp = None

    # connections
    def unix(self, timeout=CLIENT_TIMEOUT):
        c = UnixHTTPConnection(self.daemon.socket_path, timeout=timeout)
        self.addCleanup(c.close)
        return c

    def tcp(self, timeout=CLIENT_TIMEOUT):
        c = http.client.HTTPConnection("127.0.0.1", self.daemon.port, timeout=timeout)
        self.addCleanup(c.close)
        return c

    def raw_socket(self, timeout=CLIENT_TIMEOUT):
        s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=timeout)
        self.addCleanup(s.close)
        return s

    def post_unix(self, body, **kw):
        return request(self.unix(), body, **kw)

    def post_tcp(self, body, auth=(ADMIN_USER, ADMIN_PASS), headers=None, **kw):
        h = dict(headers or {})
        if auth is not None:
            h.setdefault("Authorization", basic(*auth))
        return request(self.tcp(), body, headers=h, **kw)

    def endpoint(self):
        return "http://127.0.0.1:%d/wsman" % self.daemon.port

    def pywinrm(self, user=ADMIN_USER, password=ADMIN_PASS):
        """A pywinrm Protocol on the TCP listener (transport plaintext = Basic)."""
        import winrm.protocol
        # the OperationTimeout stays under the default MaxTimeoutms (60 s),
        # which refuses a longer one, even when SLOW stretches CLIENT_TIMEOUT
        p = winrm.protocol.Protocol(self.endpoint(), transport="plaintext",
                                    username=user, password=password,
                                    read_timeout_sec=CLIENT_TIMEOUT + 1,
                                    operation_timeout_sec=min(CLIENT_TIMEOUT, 50))

        def close():
            if p.transport.session is not None:
                p.transport.session.close()
        self.addCleanup(close)
        return p

    # assertions
    def assertSoap(self, resp, status=200):
        """Checks status, SOAP Content-Type and a SOAP 1.2 Envelope; returns the root."""
        self.assertEqual(resp.status, status, resp)
        ct = resp.header("Content-Type") or ""
        self.assertEqual(ct.split(";")[0].strip().lower(), "application/soap+xml", resp)
        self.assertIsNotNone(resp.header("Content-Length"), resp)
        root = resp.doc
        self.assertEqual(root.tag, "{%s}Envelope" % NS["s"], resp)
        self.assertEqual(len(root.findall("s:Body", NS)), 1, resp)
        return root

    def assertFault(self, resp, subcode=None, code=None, status=500):
        """Checks a SOAP fault; subcode is (ns-key, local) such as ("a",
        "DestinationUnreachable") or a set of those; code is the s:Value
        local name (default Sender/Receiver).  Returns the s:Fault element."""
        root = self.assertSoap(resp, status)
        fault = root.find("s:Body/s:Fault", NS)
        self.assertIsNotNone(fault, resp)
        value = fault.find("s:Code/s:Value", NS)
        self.assertIsNotNone(value, resp)
        cns, clocal = qname_of(value)
        self.assertEqual(cns, NS["s"], resp)
        if code is not None:
            self.assertEqual(clocal, code, resp)
        else:
            self.assertIn(clocal, ("Sender", "Receiver"), resp)
        sub = fault.find("s:Code/s:Subcode/s:Value", NS)
        if subcode is not None:
            self.assertIsNotNone(sub, resp)
            got = qname_of(sub)
            wanted = subcode if isinstance(subcode, (set, frozenset)) else {subcode}
            self.assertIn(got, {(NS[k], l) for k, l in wanted}, resp)
        text = fault.find("s:Reason/s:Text", NS)
        self.assertIsNotNone(text, resp)
        self.assertTrue((text.text or "").strip(), resp)
        self.assertEqual(text.get("{http://www.w3.org/XML/1998/namespace}lang"), "en-US", resp)
        return fault

    def assertReplyHeaders(self, resp, request_id, action=None):
        """Reply addressing: Action, a fresh uuid MessageID, To anonymous, RelatesTo."""
        root = resp.doc
        hdr = root.find("s:Header", NS)
        self.assertIsNotNone(hdr, resp)
        if action is not None:
            self.assertEqual(hdr.findtext("a:Action", namespaces=NS), action, resp)
        mid = hdr.findtext("a:MessageID", namespaces=NS)
        self.assertIsNotNone(mid, resp)
        self.assertTrue(mid.startswith("uuid:"), mid)
        uuid.UUID(mid[5:])                     # raises if not a GUID
        self.assertNotEqual(mid.lower(), (request_id or "").lower())
        self.assertEqual(hdr.findtext("a:To", namespaces=NS), ANONYMOUS, resp)
        if request_id is not None:
            self.assertEqual(hdr.findtext("a:RelatesTo", namespaces=NS), request_id, resp)
        return mid

    def assert401(self, resp, challenge=True):
        """A 401 carries no SOAP and, when Basic is on offer, a Basic challenge."""
        self.assertEqual(resp.status, 401, resp)
        self.assertEqual(resp.body, b"", resp)
        self.assertEqual(resp.header("Content-Length"), "0", resp)
        schemes = [v.split()[0].lower() for v in resp.header_all("WWW-Authenticate") if v.split()]
        if challenge:
            self.assertIn("basic", schemes, resp)
        else:
            self.assertNotIn("basic", schemes, resp)

    def assertStillServing(self):
        """The daemon is up and answers a normal Identify on the control socket."""
        self.assertTrue(self.daemon.alive(), "winrmd died:\n" + self.daemon.stderr()[-4000:])
        resp = self.post_unix(IDENTIFY)
        root = self.assertSoap(resp, 200)
        self.assertIsNotNone(root.find("s:Body/wsmid:IdentifyResponse", NS), resp)
        if self.daemon.port:
            c = http.client.HTTPConnection("127.0.0.1", self.daemon.port, timeout=CLIENT_TIMEOUT)
            try:
                r = request(c, IDENTIFY, headers={"WSMANIDENTIFY": "unauthenticated"})
            finally:
                c.close()
            root = self.assertSoap(r, 200)
            self.assertIsNotNone(root.find("s:Body/wsmid:IdentifyResponse", NS), r)


# Configuration that lets Basic work over plain HTTP on 127.0.0.1.
PLAIN_BASIC = {
    "service.allow_unencrypted": "true",
    "service.plain_schemes": "basic",
}
