"""Privilege separation (core/main.c, core/monitor_sync.c,
core/monitor_keys.c, core/priv.c; doc/privsep.md): the network process
runs as the service user with no capabilities, the certificate store's
private keys stay out of its reach while HTTPS works with ECDSA and RSA
keys over TLS 1.2 and 1.3 (the monitor signs), listeners created over
WS-Man are bound by the monitor (a port below 1024 too), the store is
still written atomically by the unprivileged process, processes still
start as the request's user, and --user refuses an unknown account and
keeps root only when asked."""

import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import unittest

import harness
from harness import (ADMIN_PASS, ADMIN_USER, CLIENT_TIMEOUT, NS, SERVICE_UID, SERVICE_USER, SLOW, T_GET,
                     Daemon, envelope, skip_unless_runnable, wait_until)
from listener_helpers import (LEGACY_NS, LEGACY_URI, T_CREATE, T_DELETE, free_port, identify_status,
                              listener_doc, refuses)
from test_config_durable import StoreDaemon
from test_config_resource import legacy_put, nest, walk
from test_processes import ProcessCase
from tls_helpers import CertStoreMixin, HTTPSConnection, Pki, client_context, install, post_https, presented, thumbprint

CONFIG_URI = "wsman:microsoft.com/wsman/2005/06/config"
HOST = "host.fabrikam.test"


def proc_status(pid):
    """/proc/PID/status as a dict of its fields (text after the colon)."""
    with open("/proc/%d/status" % pid) as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def children(pid):
    """The pids whose parent is pid, with their names."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read()
        except OSError:
            continue
        name = fields[fields.index("(") + 1:fields.rindex(")")]
        ppid = int(fields[fields.rindex(")") + 2:].split()[1])
        if ppid == pid:
            out.append((int(d), name))
    return out


def as_service_user(code):
    """Runs Python code as the service user (no groups): (exit status, output)."""
    prelude = ("import os, sys\nos.setgroups([])\nos.setgid(%d)\nos.setuid(%d)\n" % (SERVICE_UID, SERVICE_UID))
    r = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True,
                       timeout=30 * SLOW)
    return r.returncode, r.stdout + r.stderr


def issue(pki, name, key_args, dns=(HOST, "localhost"), ips=("127.0.0.1",)):
    """A server certificate signed by pki's CA for a key made with
    certtool's key_args: (pem path: leaf then CA, key path)."""
    key, leaf, pem, tmpl = (pki.path(name + ext) for ext in (".key", ".leaf", ".pem", ".tmpl"))
    subprocess.run(["certtool", "--generate-privkey", "--outfile", key] + list(key_args), check=True,
                   capture_output=True)
    with open(tmpl, "w") as f:
        f.write('cn = "%s"\n' % HOST + "".join('dns_name = "%s"\n' % d for d in dns) +
                "".join('ip_address = "%s"\n' % i for i in ips) +
                "tls_www_server\nsigning_key\nexpiration_days = 30\n")
    subprocess.run(["certtool", "--generate-certificate", "--load-privkey", key, "--load-ca-privkey", pki.ca_key,
                    "--load-ca-certificate", pki.ca_pem, "--template", tmpl, "--outfile", leaf],
                   check=True, capture_output=True)
    with open(pem, "w") as out, open(leaf) as a, open(pki.ca_pem) as b:
        out.write(a.read() + b.read())
    return pem, key


def skip_unless_privileged_port_free(case, port):
    """Skips case unless 127.0.0.1:port is free and only root may bind it."""
    try:
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as f:
            if int(f.read()) <= port:
                case.skipTest("ip_unprivileged_port_start lets anyone bind port %d here" % port)
    except (OSError, ValueError):
        pass
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind(("127.0.0.1", port))
    except OSError as e:
        case.skipTest("127.0.0.1:%d is not free here: %s" % (port, e))
    finally:
        probe.close()


class PrivsepTest(CertStoreMixin, ProcessCase):
    """One unprivileged daemon with an ECDSA P-256 and an RSA 2048
    certificate in its store and run.so for process starts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pki = Pki()
        cls.certs = {
            "ec": issue(cls.pki, "ec", ["--key-type=ecdsa", "--curve=secp256r1"]),
            "rsa": issue(cls.pki, "rsa", ["--key-type=rsa", "--bits=2048"]),
        }
        cls.thumbs = {k: thumbprint(v[0]) for k, v in cls.certs.items()}
        before = cls.store_reads()
        for name, (pem, key) in cls.certs.items():
            install(cls.daemon.state_dir, name, pem, key)
        cls.wait_store(before, 2)

    def send(self, action, uri, selectors=None, body=""):
        return self.post_unix(envelope(action, uri, selectors=selectors, body=body))

    def create(self, port, transport="HTTP", thumb="", ip="127.0.0.1"):
        fields = [("Hostname", HOST), ("Enabled", "true"), ("Transport", transport)]
        if thumb:
            fields.append(("CertificateThumbprint", thumb))
        sel = {"IP": ip, "Port": str(port)}
        resp = self.send(T_CREATE, LEGACY_URI, sel, listener_doc(LEGACY_NS, fields))
        self.addCleanup(self.send, T_DELETE, LEGACY_URI, sel)
        self.assertIsNotNone(self.assertSoap(resp).find("s:Body/x:ResourceCreated", NS), resp)

    # --- the processes ----------------------------------------------------------

    def test_network_process_is_unprivileged(self):
        pid = self.daemon.pid()
        st = proc_status(pid)
        self.assertEqual(st["Uid"].split(), [str(SERVICE_UID)] * 4, st)
        self.assertEqual(st["Gid"].split(), [str(SERVICE_UID)] * 4, st)
        self.assertEqual(st["Groups"].split(), [], st)
        self.assertEqual(int(st["CapEff"], 16), 0, st)
        self.assertEqual(int(st["CapPrm"], 16), 0, st)
        self.assertEqual(int(st["CapAmb"], 16), 0, st)
        self.assertEqual(st["NoNewPrivs"].strip(), "1", st)
        self.assertIn("network process runs as %s (uid %d" % (SERVICE_USER, SERVICE_UID), self.daemon.stderr())
        monitors = [p for p, name in children(pid) if name == "winrmd-monitor"]
        self.assertEqual(len(monitors), 1, children(pid))
        self.assertEqual(proc_status(monitors[0])["Uid"].split()[0], "0")

    def test_state_belongs_to_the_user_and_the_certificates_to_root(self):
        state = self.daemon.state_dir
        st = os.stat(state)
        self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (SERVICE_UID, 0o700))
        for d in ("certs", "client-ca"):
            st = os.stat(os.path.join(state, d))
            self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (0, 0o755), d)
        st = os.stat(os.path.join(state, "winrmd.conf"))
        self.assertEqual(st.st_uid, SERVICE_UID)

    def test_private_keys_are_out_of_reach(self):
        certs = os.path.join(self.daemon.state_dir, "certs")
        for name in self.certs:
            key, pem = os.path.join(certs, name + ".key"), os.path.join(certs, name + ".pem")
            st = os.stat(key)
            self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (0, 0o600))
            code, out = as_service_user("open(%r).read()\nprint('read')\n" % pem)
            self.assertEqual(code, 0, out)                  # the certificate is public
            code, out = as_service_user(
                "try:\n    open(%r).read()\nexcept PermissionError:\n    sys.exit(3)\nsys.exit(0)\n" % key)
            self.assertEqual(code, 3, "the service user could open %s: %s" % (key, out))
        # and the network process holds no key file open
        fd_dir = "/proc/%d/fd" % self.daemon.pid()
        targets = [os.readlink(os.path.join(fd_dir, fd)) for fd in os.listdir(fd_dir)]
        self.assertFalse([t for t in targets if t.endswith(".key")], targets)

    # --- HTTPS: the monitor signs -------------------------------------------------

    def test_https_with_ecdsa_and_rsa_over_tls12_and_tls13(self):
        for name in ("ec", "rsa"):
            port = free_port()
            self.create(port, "HTTPS", self.thumbs[name])
            self.assertEqual(presented(port), self.thumbs[name])
            for version, text in ((ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
                with self.subTest(key=name, version=text):
                    ctx = client_context(cafile=self.pki.ca_pem, version=version)
                    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT) as s:
                        with ctx.wrap_socket(s, server_hostname="localhost") as t:
                            self.assertEqual(t.version(), text)
                    conn = HTTPSConnection(port, ctx)
                    self.addCleanup(conn.close)
                    resp = post_https(port, envelope(T_GET, CONFIG_URI), ctx, auth=(ADMIN_USER, ADMIN_PASS),
                                      conn=conn)
                    self.assertSoap(resp)
        self.assertStillServing()

    @unittest.skipUnless(shutil.which("gnutls-cli"), "gnutls-cli (gnutls-bin) is not installed")
    def test_every_signature_scheme_the_keys_offer(self):
        """The external key's paths: RSA PKCS#1 v1.5 (a DigestInfo signed
        raw) and RSA-PSS in TLS 1.2, RSA-PSS in TLS 1.3, ECDSA in both."""
        cases = [
            ("rsa", "TLS1.2", "SIGN-RSA-SHA256", "RSA-SHA256"),
            ("rsa", "TLS1.2", "SIGN-RSA-PSS-RSAE-SHA256", "RSA-PSS-RSAE-SHA256"),
            ("rsa", "TLS1.3", "SIGN-RSA-PSS-RSAE-SHA384", "RSA-PSS-RSAE-SHA384"),
            ("ec", "TLS1.2", "SIGN-ECDSA-SHA256", "ECDSA-SHA256"),
            ("ec", "TLS1.3", "SIGN-ECDSA-SECP256R1-SHA256", "ECDSA-SECP256R1-SHA256"),
        ]
        ports = {}
        for name in ("ec", "rsa"):
            ports[name] = free_port()
            self.create(ports[name], "HTTPS", self.thumbs[name])
        for name, version, sign, shown in cases:
            with self.subTest(key=name, version=version, sign=sign):
                prio = "NORMAL:-VERS-ALL:+VERS-%s:-SIGN-ALL:+%s" % (version, sign)
                out = subprocess.run(["gnutls-cli", "--x509cafile", self.pki.ca_pem, "--priority", prio,
                                      "-p", str(ports[name]), "localhost"], input=b"", capture_output=True,
                                     timeout=CLIENT_TIMEOUT)
                text = out.stdout.decode(errors="replace")
                self.assertIn("Handshake was completed", text, text + out.stderr.decode(errors="replace"))
                m = re.search(r"Description: \((TLS1\.[23])-X\.509\)-\([^)]*\)-\(([^)]*)\)", text)
                self.assertIsNotNone(m, text)
                self.assertEqual(m.groups(), (version, shown), text)
        self.assertNotIn("did not sign", self.daemon.stderr())

    # --- binds ----------------------------------------------------------------

    def test_listeners_created_over_wsman_are_bound(self):
        port = free_port()
        self.create(port)
        self.assertEqual(identify_status("127.0.0.1", port), 200)
        self.send(T_DELETE, LEGACY_URI, {"IP": "127.0.0.1", "Port": str(port)})
        self.assertTrue(refuses("127.0.0.1", port))

    def test_a_port_below_1024(self):
        """1023: a port the service user could not bind itself."""
        skip_unless_privileged_port_free(self, 1023)
        self.create(1023)
        self.assertEqual(identify_status("127.0.0.1", 1023), 200)
        self.assertIn("listener http://127.0.0.1:1023/wsman bound", self.daemon.stderr())

    # --- processes as the request's user --------------------------------------------

    def test_processes_still_run_as_the_requests_user(self):
        out, _, code, _ = self.output(self.run_as("id -u; id -g"))
        self.assertEqual((out.split("\n")[:2], code), (["41001", "41001"], 0))
        out, _, code, _ = self.output(self.run_local("id -u"))
        self.assertEqual((out, code), ("0\n", 0))


class StoreTest(unittest.TestCase):
    """The store, written by the unprivileged process, survives a restart."""

    def test_put_is_written_atomically_and_survives_a_restart(self):
        skip_unless_runnable()
        d = StoreDaemon({"max_batch_items": "20"}).start()
        try:
            c = harness.UnixHTTPConnection(d.socket_path)
            resp = harness.request(c, legacy_put(nest("MaxBatchItems", 42)))
            c.close()
            self.assertEqual(resp.status, 200, resp)
            st = os.stat(d.store_path)
            self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (SERVICE_UID, 0o600))
            self.assertFalse(os.path.exists(d.store_path + ".tmp"))
            self.assertEqual(d.stop(), [])
            d.restart()
            c = harness.UnixHTTPConnection(d.socket_path)
            resp = harness.request(c, envelope(T_GET, CONFIG_URI))
            c.close()
            self.assertEqual(resp.status, 200, resp)
            self.assertEqual(walk(resp.doc.find("s:Body", NS)[0], "MaxBatchItems").text, "42")
        finally:
            problems = d.stop()
            tail = d.stderr()[-4000:]
            d.cleanup()
        self.assertEqual(problems, [], tail)


class ListenDaemon(Daemon):
    """A daemon whose --listen names a port below 1024."""

    PORT = 1022

    def __init__(self):
        super().__init__(tcp=False)

    def command(self, *extra):
        return super().command("--listen", "127.0.0.1:%d" % self.PORT, *extra)


class ListenOptionTest(unittest.TestCase):

    def test_listen_below_1024_is_bound_by_the_monitor(self):
        skip_unless_runnable()
        skip_unless_privileged_port_free(self, ListenDaemon.PORT)
        d = ListenDaemon().start()
        try:
            self.assertIn("listening on http://127.0.0.1:%d/" % ListenDaemon.PORT, d.stderr())
            self.assertEqual(proc_status(d.pid())["Uid"].split()[0], str(SERVICE_UID))
            self.assertEqual(identify_status("127.0.0.1", ListenDaemon.PORT), 200)
        finally:
            problems = d.stop()
            tail = d.stderr()[-4000:]
            d.cleanup()
        self.assertEqual(problems, [], tail)


class UserOptionTest(unittest.TestCase):

    def test_an_unknown_user_stops_the_start(self):
        skip_unless_runnable()
        with self.assertRaises(RuntimeError) as cm:
            Daemon(tcp=False, user="no-such-winrmd-user").start()
        self.assertIn("user no-such-winrmd-user: no such user", str(cm.exception))
        self.assertIn("useradd --system --no-create-home --shell /usr/sbin/nologin no-such-winrmd-user",
                      str(cm.exception))

    def test_user_root_keeps_root_and_says_so(self):
        """--user root: a warning, uid 0, and the keys read in the process
        itself (the fallback without the monitor) still serve HTTPS."""
        skip_unless_runnable()
        pki = Pki()
        self.addCleanup(pki.cleanup)
        pem, key = issue(pki, "ec", ["--key-type=ecdsa", "--curve=secp256r1"])
        d = Daemon(tcp=False, user="root").start()
        try:
            self.assertIn("--user root: the network-facing process keeps root", d.stderr())
            self.assertEqual(proc_status(d.pid())["Uid"].split()[0], "0")
            install(d.state_dir, "ec", pem, key)
            self.assertTrue(wait_until(lambda: "certificate store: 1 certificate" in d.stderr(), 5 * SLOW),
                            d.stderr())
            port = free_port()
            sel = {"IP": "127.0.0.1", "Port": str(port)}
            fields = [("Hostname", HOST), ("Enabled", "true"), ("Transport", "HTTPS"),
                      ("CertificateThumbprint", thumbprint(pem))]
            c = harness.UnixHTTPConnection(d.socket_path)
            resp = harness.request(c, envelope(T_CREATE, LEGACY_URI, selectors=sel,
                                               body=listener_doc(LEGACY_NS, fields)))
            c.close()
            self.assertEqual(resp.status, 200, resp)
            self.assertEqual(presented(port), thumbprint(pem))
        finally:
            problems = d.stop()
            tail = d.stderr()[-4000:]
            d.cleanup()
        self.assertEqual(problems, [], tail)


if __name__ == "__main__":
    unittest.main()
