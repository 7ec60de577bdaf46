"""cli_helpers.py - running the winrm command (cli/) as a subprocess in
the integration tests: its binary in the build tree, a run with a bounded
time and a clean environment, XML compared element by element, tiny fake
HTTP servers on loopback, and a private network namespace for what must
bind fixed ports (quickconfig's 5985 and 5986)."""

import ctypes
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import unittest

from lxml import etree

from harness import SLOW, builddir, parse_xml

RUN_TIMEOUT = 30 * SLOW          # seconds any one winrm run may take


def winrm_binary():
    return os.path.join(builddir(), "winrm")


def skip_unless_winrm():
    if not builddir():
        raise unittest.SkipTest("WINRMD_BUILDDIR is not set (run through make check)")
    if not os.access(winrm_binary(), os.X_OK):
        raise unittest.SkipTest("no winrm command at %s" % winrm_binary())


class Run:
    """One finished winrm run: argv, exit status, stdout and stderr as text."""

    def __init__(self, argv, proc):
        self.argv = argv
        self.rc = proc.returncode
        self.out_bytes = proc.stdout
        self.err_bytes = proc.stderr
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    @property
    def out_lines(self):
        return self.out.splitlines()

    @property
    def err_lines(self):
        return self.err.splitlines()

    def __repr__(self):
        return "<winrm %r: exit %s\n--- stdout ---\n%s--- stderr ---\n%s>" % (
            self.argv, self.rc, self.out[:4000], self.err[:4000])


class Winrm:
    """Runs winrm with WINRMD_SOCKET set to socket_path (None: a path where
    nothing listens, so that no agent on this machine is ever asked), with
    HOME and XDG_CONFIG_HOME in a private folder, no WINRM_PASSWORD unless
    given, stdin from /dev/null and no controlling terminal."""

    def __init__(self, socket_path=None):
        self.home = tempfile.mkdtemp(prefix="winrm-cli-home-")
        self.socket_path = socket_path or os.path.join(self.home, "no-agent.sock")

    def cleanup(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def env(self, extra=None):
        env = {k: v for k, v in os.environ.items()
               if k not in ("WINRM_PASSWORD", "WINRMD_SOCKET", "LD_PRELOAD")}
        env.update({"WINRMD_SOCKET": self.socket_path, "HOME": self.home,
                    "XDG_CONFIG_HOME": os.path.join(self.home, ".config"), "LC_ALL": "C.UTF-8"})
        env.update(extra or {})
        return env

    def __call__(self, *args, env=None, timeout=RUN_TIMEOUT):
        argv = [winrm_binary()] + list(args)
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=self.env(env),
                              timeout=timeout, start_new_session=True, check=False)
        return Run(argv, proc)


# --- XML compared element by element ------------------------------------------

def xml_shape(elem):
    """(tag with namespace, attributes, trimmed text, [children's shapes]):
    names, namespaces, attributes and texts; white space between elements,
    prefixes and where namespaces are declared do not count."""
    attrs = tuple(sorted(elem.attrib.items()))
    return (elem.tag, attrs, (elem.text or "").strip(), [xml_shape(c) for c in elem
                                                         if isinstance(c.tag, str)])


def shape_lines(shape, depth=0):
    """A shape as indented lines, for readable differences."""
    tag, attrs, text, children = shape
    line = "  " * depth + tag
    if attrs:
        line += " " + " ".join('%s="%s"' % kv for kv in attrs)
    if text:
        line += " = " + text
    out = [line]
    for c in children:
        out += shape_lines(c, depth + 1)
    return out


def parse(text):
    if isinstance(text, str):
        text = text.encode("utf-8")
    return parse_xml(text)


# --- fake HTTP servers -----------------------------------------------------------

class FakeServer:
    """A server on 127.0.0.1 that reads one HTTP request per connection
    (head, then Content-Length bytes) and answers with reply(request bytes)
    -> bytes to send before closing (b"" closes at once).  Keeps the
    requests it read."""

    def __init__(self, reply):
        self.reply = reply
        self.requests = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_request(self, conn):
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v.strip() or b"0")
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n" + body

    def _serve(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                try:
                    req = self._read_request(conn)
                    self.requests.append(req)
                    out = self.reply(req)
                    if out:
                        conn.sendall(out)
                    conn.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

    def close(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()


def http_response(status, reason, body, headers=()):
    head = "HTTP/1.1 %d %s\r\n" % (status, reason)
    for k, v in headers:
        head += "%s: %s\r\n" % (k, v)
    return head.encode("latin-1") + b"\r\n" + body


# --- a private network namespace ------------------------------------------------

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


class Netns:
    """A network namespace with only loopback, up; None from make() when
    this machine cannot make one (with the reason in Netns.why)."""

    why = None

    def __init__(self, name):
        self.name = name

    @classmethod
    def make(cls, name):
        if not shutil.which("ip"):
            cls.why = "iproute2's ip is not installed"
            return None
        r = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            cls.why = "ip netns add: %s" % r.stderr.strip()
            return None
        ns = cls(name)
        r = subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 0:
            ns.delete()
            cls.why = "ip link set lo up: %s" % r.stderr.strip()
            return None
        return ns

    def delete(self):
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True, timeout=30)

    def prefix(self):
        return ("ip", "netns", "exec", self.name)

    def connect(self, host, port, timeout):
        """A TCP connection made inside the namespace (by a short-lived
        thread that joins it; the socket stays in it)."""
        out = {}

        def run():
            try:
                fd = os.open("/run/netns/" + self.name, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    if _libc.setns(fd, CLONE_NEWNET) != 0:
                        e = ctypes.get_errno()
                        raise OSError(e, "setns: " + os.strerror(e))
                finally:
                    os.close(fd)
                out["sock"] = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            except BaseException as e:    # noqa: B902 - handed to the caller
                out["error"] = e
        t = threading.Thread(target=run)
        t.start()
        t.join()
        if "error" in out:
            raise out["error"]
        s = out["sock"]
        try:
            s.settimeout(timeout)
            s.connect((host, port))
        except BaseException:
            s.close()
            raise
        return s


def host_connect(host, port, timeout):
    return socket.create_connection((host, port), timeout=timeout)


def element_children(elem):
    return [c for c in elem if isinstance(c.tag, str)]


def localname(elem):
    return etree.QName(elem).localname
