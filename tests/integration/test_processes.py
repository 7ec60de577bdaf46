"""Processes run as the request's user (core/host_process.c, the monitor's
jobs and holders), through tests/providers/run.so: the user's uid and
groups, a clean environment, stdin, separate stdout and stderr, exit codes
and signals, the working directory, and the kernel limits on the whole
tree (processes, memory, run time), with the daemon's memory unmoved by a
command whose output is not read."""

import os
import re
import unittest

import harness
from harness import (ADMIN_PASS, ADMIN_USER, PLAIN_BASIC, PLAIN_PASS, PLAIN_USER, SLOW, DaemonTestCase,
                     UnixHTTPConnection, basic, envelope, request)

URI = "http://example.org/winrmd/test/run"
NS_T = {"t": URI}


def run_provider(plugins):
    built = os.path.join(harness.builddir(), "tests", "providers", ".libs", "run.so")
    if not os.path.exists(built):
        return "tests/providers/run.so is not built"
    harness.add_provider(built, plugins)
    return None


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run_body(command, **kw):
    extra = "".join("<t:%s>%s</t:%s>" % (k, xml_escape(str(v)), k) for k, v in kw.items())
    return '<t:Run_INPUT xmlns:t="%s"><t:Command>%s</t:Command>%s</t:Run_INPUT>' % (URI, xml_escape(command), extra)


class ProcessCase(DaemonTestCase):
    CONFIG = dict(PLAIN_BASIC, **{"service.root_sddl": "O:NSG:BAD:P(A;;GA;;;BA)(A;;GXGR;;;AU)"})
    EXTRA_PROVIDERS = staticmethod(run_provider)

    def run_as(self, command, user=ADMIN_USER, password=ADMIN_PASS, timeout=20, **kw):
        c = harness.http.client.HTTPConnection("127.0.0.1", self.daemon.port, timeout=timeout * SLOW)
        self.addCleanup(c.close)
        return request(c, envelope(URI + "/Run", URI, body=run_body(command, **kw)),
                       headers={"Authorization": basic(user, password)})

    def run_local(self, command, **kw):
        c = UnixHTTPConnection(self.daemon.socket_path, timeout=20 * SLOW)
        self.addCleanup(c.close)
        return request(c, envelope(URI + "/Run", URI, body=run_body(command, **kw)))

    def output(self, resp):
        root = self.assertSoap(resp)
        out = root.find("s:Body/t:Run_OUTPUT", dict(harness.NS, **NS_T))
        self.assertIsNotNone(out, resp)
        return (out.findtext("t:Stdout", namespaces=NS_T), out.findtext("t:Stderr", namespaces=NS_T),
                int(out.findtext("t:ExitCode", namespaces=NS_T)), out.findtext("t:Mechanism", namespaces=NS_T))


class IdentityTest(ProcessCase):

    def test_the_authenticated_user(self):
        out, err, code, mech = self.output(self.run_as("id -u; id -g; id -G"))
        uid, gid, groups = out.split("\n")[:3]
        self.assertEqual((uid, gid), ("41001", "41001"))
        self.assertIn("41100", groups.split())          # sudo, a supplementary group
        self.assertEqual(code, 0)
        self.assertIn(mech, ("cgroup v2", "cgroup v1", "rlimits"))
        out, _, _, _ = self.output(self.run_as("id -u; id -G", user=PLAIN_USER, password=PLAIN_PASS))
        self.assertEqual(out.split("\n")[:2], ["41002", "41002"])

    def test_root_only_when_root_asked(self):
        out, _, code, _ = self.output(self.run_local("id -u"))
        self.assertEqual((out, code), ("0\n", 0))

    def test_a_clean_environment(self):
        out, _, _, _ = self.output(self.run_as("env"))
        env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        self.assertEqual(env["USER"], ADMIN_USER)
        self.assertEqual(env["LOGNAME"], ADMIN_USER)
        self.assertEqual(env["PATH"], "/usr/local/bin:/usr/bin:/bin")
        for leak in ("LD_PRELOAD", "NOTIFY_SOCKET", "PAM_WRAPPER", "NSS_WRAPPER_PASSWD", "ASAN_OPTIONS"):
            self.assertNotIn(leak, env, out)

    def test_streams_stdin_and_exit_codes(self):
        out, err, code, _ = self.output(self.run_as("cat; echo to-err >&2; exit 3", Stdin="from stdin"))
        self.assertEqual((out, err, code), ("from stdin", "to-err\n", 3))
        _, _, code, _ = self.output(self.run_as("kill -TERM $$"))
        self.assertEqual(code, 128 + 15)

    def test_ctrl_c_reaches_the_command(self):
        _, _, code, _ = self.output(self.run_as("sleep 1000", Signal=2, SignalAfterMs=300))
        self.assertEqual(code, 128 + 2)

    def test_working_directory(self):
        out, _, _, _ = self.output(self.run_as("pwd", Cwd="/tmp"))
        self.assertEqual(out, "/tmp\n")
        resp = self.run_as("pwd", Cwd="/no/such/directory")
        fault = self.assertFault(resp)
        self.assertIn("No such file", "".join(fault.itertext()))
        self.assertStillServing()


class LimitsTest(ProcessCase):

    def test_process_limit(self):
        out, err, code, mech = self.output(self.run_as(
            "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 3 & done; wait", MaxProcesses=5))
        if mech == "rlimits":
            self.skipTest("no cgroup here: the process limit is per user, not per tree")
        self.assertIn("fork", err.lower() + out.lower(), (out, err))
        self.assertIn("MaxProcessesPerShell", err)

    def test_memory_limit(self):
        out, err, code, mech = self.output(self.run_as(
            "head -c 300000000 /dev/zero | tail -c 1 >/dev/null; python3 -c 'x = bytearray(256 << 20); print(len(x))'",
            MaxMemoryMB=64, timeout=60))
        if mech == "rlimits":
            self.skipTest("no cgroup here")
        self.assertNotEqual(code, 0, (out, err))
        self.assertNotIn("268435456", out)
        self.assertIn("MaxMemoryPerShellMB", err, (out, err, code))

    def test_run_time_limit_and_back_pressure(self):
        """A command whose output is not read blocks on its pipe: the
        daemon does not buffer it; MaxShellRunTime ends it."""
        rss = self.daemon.rss_kib()
        out, err, code, _ = self.output(self.run_as("head -c 50000000 /dev/zero", ReadLimit=1,
                                                    MaxRunTimeMs=2000, timeout=30))
        self.assertEqual(code, 128 + 9)
        self.assertLess(self.daemon.rss_kib() - rss, 8 * 1024)
        self.assertStillServing()


if __name__ == "__main__":
    unittest.main()
