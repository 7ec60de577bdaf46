"""Case 3: slow clients against a small descriptor table.

With 400 descriptors, connections are capped below the table (room is kept
for the control socket and the daemon's own descriptors); at the cap the
oldest connection that never authenticated is cut, whether it sent bytes or
not.  Nothing spins: the daemon's CPU stays low while the table is full."""

import socket
import time
import unittest

from robust import SLOW, RobustCase

NOFILE = 400
SLOW_CLIENTS = 420


class DescriptorTest(RobustCase):
    DAEMON_PREFIX = ("prlimit", "--nofile=%d:%d" % (NOFILE, NOFILE), "--")

    def test_slow_clients_never_lock_anyone_out(self):
        socks = []
        for _ in range(SLOW_CLIENTS):                          # bounded in count
            try:
                s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
            except OSError:
                continue
            self.addCleanup(s.close)
            s.sendall(b"POST /wsman HTTP/1.1\r\nHost: x\r\n")       # half a head, then nothing
            socks.append(s)
        # and a few that never send a byte: cut as readily
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", self.daemon.port), timeout=5 * SLOW)
            self.addCleanup(s.close)
            socks.append(s)
        time.sleep(0.5 * SLOW)
        # a valid user still gets in (an unauthenticated client makes room)
        self.assertEqual(self.valid_identify_tcp(), 200)
        fds = self.daemon.open_fds()
        # no busy loop while the table is full
        cpu0 = self.daemon.cpu_seconds()
        time.sleep(2.0)
        cpu = self.daemon.cpu_seconds() - cpu0
        cut = 0
        for s in socks:
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    cut += 1
            except BlockingIOError:
                pass
            except OSError:
                cut += 1
        self.figures["clients connected"] = len(socks)
        self.figures["clients cut to make room"] = cut
        self.figures["daemon descriptors"] = fds
        self.figures["CPU over 2 s idle (s)"] = round(cpu, 3)
        self.assertLess(fds, NOFILE)
        self.assertGreater(cut, 0)
        self.assertLess(cpu, 0.5)
        self.assertEqual(self.valid_identify_tcp(), 200)


if __name__ == "__main__":
    unittest.main()
