"""SIGHUP reads a store edited by hand: values and listener records take
effect without a restart; a broken store is refused and the running
configuration stays."""
import os
import signal
import socket
import unittest

from harness import NS, SLOW, T_GET, DaemonTestCase, envelope, wait_until

LEGACY_URI = "wsman:microsoft.com/wsman/2005/06/config"
CFG = "{wsman:microsoft.com/wsman/2005/06/config.xsd}"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ReloadTest(DaemonTestCase):
    CONFIG = {"max_batch_items": 20}

    def store(self):
        return os.path.join(self.daemon.state_dir, "winrmd.conf")

    def batch_items(self):
        root = self.assertSoap(self.post_unix(envelope(T_GET, LEGACY_URI)), 200)
        return root.findtext("s:Body/%sConfig/%sMaxBatchItems" % (CFG, CFG), namespaces=NS)

    def hup_and_wait(self, marker):
        before = self.daemon.stderr().count(marker)
        os.kill(self.daemon.pid(), signal.SIGHUP)
        self.assertTrue(wait_until(lambda: self.daemon.stderr().count(marker) > before, 5 * SLOW),
                        "no %r in the log after SIGHUP" % marker)

    def test_edited_store_applies_and_broken_one_is_refused(self):
        port = free_port()
        with open(self.store(), "w") as f:
            f.write("max_batch_items = 7\n")
            f.write("listener = address=IP:127.0.0.1 transport=HTTP port=%d enabled=true "
                    "hostname= url_prefix=wsman thumbprint=\n" % port)
        self.hup_and_wait("configuration reloaded")
        self.assertEqual(self.batch_items(), "7")
        self.assertTrue(wait_until(lambda: self.connects(port), 5 * SLOW), "the new listener does not serve")
        # a store broken by hand: refused with file and line, nothing changes
        with open(self.store(), "w") as f:
            f.write("max_batch_items = 9\nmax_batch_items = banana\n")
        self.hup_and_wait("reload refused")
        self.assertIn("winrmd.conf:2:", self.daemon.stderr())
        self.assertEqual(self.batch_items(), "7")
        self.assertTrue(self.connects(port))

    @staticmethod
    def connects(port):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False


if __name__ == "__main__":
    unittest.main()
