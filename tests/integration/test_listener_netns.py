"""Listeners inside a private network namespace: the seed's DHCP form
(IP=* with a MACAddress) follows the addresses of that NIC as they come and
go (core/netif.c, netlink), several listeners on one NIC on different
ports (IP=* and a Port name each), and an administrator who
connects over a non-loopback address may read but not write.

The daemon runs inside a namespace of its own (ip netns exec) holding a veth
pair; its control socket is a file, so it is reached from here as usual.
Clients inside the namespace use sockets made there (setns(2) in a
short-lived thread).  Only loopback and addresses inside that namespace are
ever connected to.  Skipped when namespaces cannot be made (no
CAP_SYS_ADMIN / CAP_NET_ADMIN)."""

import ctypes
import errno
import http.client
import os
import shutil
import socket
import subprocess
import threading
import unittest

from harness import (ADMIN_PASS, ADMIN_USER, SLOW, T_GET, T_PUT, VALGRIND, basic, envelope,
                     request, skip_unless_runnable, wait_until)
from listener_helpers import (created_selector_elements, ACCESS_DENIED, ALREADY_EXISTS, CUR_URI, LEGACY_NS, LEGACY_URI, NS,
                              SELECTORS, T_CREATE, T_DELETE, Current, Legacy, ListenerCase, fields_of,
                              free_port, identify_status, listener_doc)

NETNS = "winrmd-test-%d" % os.getpid()
NIC, PEER = "wr0", "wr1"                 # the veth pair; NIC carries the MAC
MAC_IP = "12:34:56:78:90:ab"
MAC = "12-34-56-78-90-AB"
V4, V6 = "10.213.0.1", "fd13::1"         # come and go on NIC
PEER_V4 = "10.213.0.2"                   # on PEER, for the remote caller
CLONE_NEWNET = 0x40000000
REFUSED = errno.ECONNREFUSED
FOLLOW = 3 * SLOW                        # seconds a MAC listener may take to follow


def ip_cmd(*args):
    return subprocess.run(["ip"] + list(args), capture_output=True, text=True, timeout=30)


def ip_ns(*args):
    r = ip_cmd("-n", NETNS, *args)
    if r.returncode != 0:
        raise RuntimeError("ip -n %s %s: %s" % (NETNS, " ".join(args), r.stderr.strip()))


_libc = ctypes.CDLL(None, use_errno=True)


def ns_socket(family):
    """A TCP socket in NETNS: made by a thread that joins the namespace and
    ends (the namespace is per thread; the socket keeps it)."""
    out = {}

    def run():
        try:
            fd = os.open("/run/netns/" + NETNS, os.O_RDONLY | os.O_CLOEXEC)
            try:
                if _libc.setns(fd, CLONE_NEWNET) != 0:
                    e = ctypes.get_errno()
                    raise OSError(e, "setns: " + os.strerror(e))
            finally:
                os.close(fd)
            out["sock"] = socket.socket(family, socket.SOCK_STREAM)
        except BaseException as e:    # noqa: B902 - handed to the caller
            out["error"] = e
    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["sock"]


def ns_connect(host, port, timeout):
    s = ns_socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        s.settimeout(timeout)
        s.connect((host, port))
    except BaseException:
        s.close()
        raise
    return s


class NsHTTPConnection(http.client.HTTPConnection):
    """HTTP from inside NETNS."""

    def connect(self):
        self.sock = ns_connect(self.host, self.port, self.timeout)


def ns_status(host, port):
    return identify_status(host, port, timeout=2 * SLOW, sock_factory=ns_connect)


class NetnsListenerTest(ListenerCase):
    DAEMON_PREFIX = ("ip", "netns", "exec", NETNS)

    @classmethod
    def setUpClass(cls):
        skip_unless_runnable()
        if not shutil.which("ip"):
            raise unittest.SkipTest("iproute2's ip is not installed")
        r = ip_cmd("netns", "add", NETNS)
        if r.returncode != 0:
            raise unittest.SkipTest("cannot make a network namespace (ip netns add: %s; needs "
                                    "CAP_SYS_ADMIN and CAP_NET_ADMIN)" % r.stderr.strip())
        try:
            try:
                ip_ns("link", "add", NIC, "type", "veth", "peer", "name", PEER)
            except RuntimeError as e:
                raise unittest.SkipTest("no veth links here: %s" % e)
            ip_ns("link", "set", NIC, "address", MAC_IP)
            for link in ("lo", NIC, PEER):
                ip_ns("link", "set", link, "up")
            ip_ns("addr", "add", PEER_V4 + "/24", "dev", PEER)
            ns_socket(socket.AF_INET).close()      # setns works here
            super().setUpClass()
        except BaseException:
            ip_cmd("netns", "del", NETNS)
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            ip_cmd("netns", "del", NETNS)

    # requests made from inside the namespace
    def ns_post(self, host, port, env, auth=(ADMIN_USER, ADMIN_PASS)):
        c = NsHTTPConnection(host, port, timeout=10 * SLOW)
        self.addCleanup(c.close)
        return request(c, env, headers={"Authorization": basic(*auth)})

    def listening_on(self):
        resp = self.send(T_GET, Current, {"Address": "MAC:" + MAC, "Transport": "HTTP"})
        item = self.body_child(resp, "{%s}Listener" % CUR_URI)
        return [t for k, t in fields_of(item) if k == "ListeningOn"]

    def test_daemon_runs_in_the_namespace(self):
        with open("/proc/%d/comm" % self.daemon.pid()) as f:
            comm = f.read().strip()
        self.assertTrue(comm.startswith("memcheck") if VALGRIND else comm == "winrmd", comm)
        self.assertNotEqual(os.readlink("/proc/%d/ns/net" % self.daemon.pid()),
                            os.readlink("/proc/self/ns/net"))

    def test_mac_listener_follows_addresses(self):
        port = free_port()
        fields = [("Hostname", "host"), ("MACAddress", MAC.lower()), ("Transport", "HTTP")]
        self.delete_later(Legacy, "*", port)
        resp = self.create(Legacy, "*", port, fields=fields)
        rc = self.body_child(resp, "{%s}ResourceCreated" % NS["x"])
        sels = created_selector_elements(rc)
        self.assertEqual([(s.get("Name"), s.text) for s in sels], [("IP", "*"), ("Port", str(port))])
        self.assertIn("listener = address=MAC:%s transport=HTTP port=%d" % (MAC, port), self.stored()[0])
        # the seed's view of it
        items = self.enumerate_items(Legacy)
        self.assertEqual(len(items), 1)
        self.assertListener(items[0], Legacy, [
            ("IP", "*"), ("Port", str(port)), ("Hostname", "host"), ("MACAddress", MAC),
            ("Enabled", "true"), ("URLPrefix", "wsman"), ("Transport", "HTTP"),
            ("CertificateThumbprint", "")])
        # addresses arrive: served within FOLLOW seconds
        ip_ns("addr", "add", V4 + "/24", "dev", NIC)
        ip_ns("addr", "add", V6 + "/64", "dev", NIC, "nodad")
        for host in (V4, V6):
            self.assertTrue(wait_until(lambda: ns_status(host, port) == 200, FOLLOW, step=0.1),
                            "[%s]:%d not served:\n%s" % (host, port, self.daemon.stderr()[-3000:]))
        live = self.listening_on()
        self.assertIn(V4, live)
        self.assertIn(V6, live)
        self.second_and_third_on_the_nic(port, fields)
        # the IPv4 address moves to the other NIC: not served there (a socket
        # still bound to it would take the connection), IPv6 still is
        ip_ns("addr", "del", V4 + "/24", "dev", NIC)
        ip_ns("addr", "add", V4 + "/24", "dev", PEER)
        self.assertTrue(wait_until(lambda: ns_status(V4, port) == REFUSED, FOLLOW, step=0.1),
                        "%s:%d still served after its address left %s" % (V4, port, NIC))
        self.assertEqual(ns_status(V6, port), 200)
        live = self.listening_on()
        self.assertNotIn(V4, live)
        self.assertIn(V6, live)
        # and back
        ip_ns("addr", "del", V4 + "/24", "dev", PEER)
        ip_ns("addr", "add", V4 + "/24", "dev", NIC)
        self.assertTrue(wait_until(lambda: ns_status(V4, port) == 200, FOLLOW, step=0.1))
        # disabled: nothing served on any of them
        self.assertSoap(self.send(T_PUT, Legacy, Legacy.sel("*", port),
                                  listener_doc(LEGACY_NS, [("Enabled", "false")])))
        self.assertEqual(ns_status(V4, port), REFUSED)
        self.assertEqual(ns_status(V6, port), REFUSED)
        self.assertEqual(self.listening_on(), [])
        self.assertSoap(self.send(T_DELETE, Legacy, Legacy.sel("*", port)))
        self.assertEqual(self.stored(), [])

    def second_and_third_on_the_nic(self, port, fields):
        """Two more listeners on the NIC, on other ports, one from each view;
        the same port (even as plain IP=*) is refused; then both go."""
        mac_sel = {"Address": "MAC:" + MAC, "Transport": "HTTP"}
        p2, p3 = free_port(), free_port()
        self.delete_later(Legacy, "*", p2)
        self.delete_later(Legacy, "*", p3)
        resp = self.create(Legacy, "*", p2, fields=fields)
        self.assertEqual(self.created_selectors(resp), [("IP", "*"), ("Port", str(p2))])
        resp = self.send(T_CREATE, Current, {"Address": "MAC:" + MAC_IP, "Transport": "HTTP"},
                         listener_doc(CUR_URI, Current.create_fields(p3)))
        self.assertEqual(self.created_selectors(resp), list(mac_sel.items()) + [("Port", str(p3))])
        for p in (port, p2, p3):
            self.assertTrue(wait_until(lambda: ns_status(V4, p) == 200, FOLLOW, step=0.1),
                            "%s:%d not served" % (V4, p))
        self.assertEqual(len(self.stored()), 3)
        # Address and Transport name all three; Port picks one
        resp = self.send(T_GET, Current, mac_sel)
        self.assertListenerFault(resp, Current, SELECTORS, message="add the Port selector")
        item = self.body_child(self.send(T_GET, Current, dict(mac_sel, Port=str(p3))),
                               "{%s}Listener" % CUR_URI)
        self.assertEqual(item.findtext("{%s}Port" % CUR_URI), str(p3))
        # the same port on the NIC, in either view, or IP=* without a MAC
        before = self.stored()
        for view, sels, body in (
                (Legacy, Legacy.sel("*", port), fields),
                (Legacy, Legacy.sel("*", port), [("Hostname", "host"), ("Transport", "HTTP")]),
                (Current, {"Address": "MAC:" + MAC_IP, "Transport": "HTTPS", "Port": str(port)},
                 [("Hostname", "host")]),
                (Current, {"Address": "*", "Transport": "HTTP"}, Current.create_fields(port))):
            with self.subTest(sels=sels, body=body):
                resp = self.send(T_CREATE, view, sels, listener_doc(view.ns, body))
                self.assertListenerFault(resp, view, ALREADY_EXISTS)
                self.assertEqual(self.stored(), before)
        self.assertSoap(self.send(T_DELETE, Legacy, Legacy.sel("*", p2)))
        self.assertSoap(self.send(T_DELETE, Current, dict(mac_sel, Port=str(p3))))
        self.assertEqual(len(self.stored()), 1)
        self.assertEqual(ns_status(V4, p2), REFUSED)
        self.assertEqual(ns_status(V4, p3), REFUSED)

    def test_remote_admin_reads_but_cannot_write(self):
        """An administrator over a non-loopback address: w:AccessDenied for
        Create, Put and Delete; Get and Enumerate answer."""
        port = free_port()
        self.delete_later(Legacy, PEER_V4, port)
        self.assertSoap(self.create(Legacy, PEER_V4, port))
        self.assertTrue(wait_until(lambda: ns_status(PEER_V4, port) == 200, FOLLOW, step=0.1))
        before = self.stored()
        writes = [
            envelope(T_CREATE, LEGACY_URI, selectors=Legacy.sel("127.0.0.1", free_port()),
                     body=listener_doc(LEGACY_NS, Legacy.create_fields(0))),
            envelope(T_CREATE, CUR_URI, selectors={"Address": "*", "Transport": "HTTP"},
                     body=listener_doc(CUR_URI, Current.create_fields(free_port()))),
            envelope(T_PUT, LEGACY_URI, selectors=Legacy.sel(PEER_V4, port),
                     body=listener_doc(LEGACY_NS, [("Enabled", "false")])),
            envelope(T_DELETE, CUR_URI, selectors=Current.sel(PEER_V4, port)),
        ]
        for env in writes:
            with self.subTest(request=env[-300:]):
                resp = self.ns_post(PEER_V4, port, env)
                self.assertFault(resp, ACCESS_DENIED)
                self.assertEqual(self.stored(), before)
        resp = self.ns_post(PEER_V4, port, envelope(T_GET, CUR_URI, selectors=Current.sel(PEER_V4, port)))
        self.assertListener(self.body_child(resp, "{%s}Listener" % CUR_URI), Current,
                            Current.expected(PEER_V4, port, True))
        # the same administrator over loopback inside the namespace may write
        lo_port = self.daemon.port
        resp = self.ns_post("127.0.0.1", lo_port, writes[2])
        got = fields_of(self.body_child(resp, "{%s}Listener" % LEGACY_NS))
        self.assertEqual(got[4], ("Enabled", "false"))
        self.assertTrue(wait_until(lambda: ns_status(PEER_V4, port) == REFUSED, FOLLOW, step=0.1))


if __name__ == "__main__":
    unittest.main()
