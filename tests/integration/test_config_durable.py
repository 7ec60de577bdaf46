"""The integrity of the configuration store: a Put survives a restart, a
SIGKILL at any moment leaves either the old or the new store (never a mix,
never one that stops winrmd from starting), a store broken by hand makes
winrmd refuse to start with the file and line, and bad input to the config
resource is refused with a fault that leaves the store and both views as
they were."""

import os
import random
import signal
import socket
import subprocess
import time
import unittest

import harness
from harness import (NS, READY_TIMEOUT, SLOW, SOAP_CT, T_GET, T_PUT, VALGRIND, Daemon,
                     UnixHTTPConnection, envelope, request, skip_unless_runnable)
from test_config_resource import (nest_many, CUR, LEGACY_NS, LEGACY_URI, SCHEMA, ConfigCase,
                                  current_put, doc, legacy_put, nest, parse_store, walk)

ROUNDS = 5 if VALGRIND else 20
ROUND_BUDGET_S = 60 * SLOW          # the whole kill loop


class StoreDaemon(Daemon):
    """A Daemon (control socket only) that can be killed and started again
    on the same state directory and test accounts."""

    def __init__(self, config=None):
        super().__init__(config, tcp=False)

    @property
    def store_path(self):
        return os.path.join(self.state_dir, "winrmd.conf")

    def env(self):
        return self._env(os.path.join(self.tmp, "passwd"), os.path.join(self.tmp, "group"))

    def restart(self):
        """Starts winrmd again after kill() or stop()."""
        assert self.proc is not None and self.proc.poll() is not None
        self.stderr_file.close()
        notify_path = os.path.join(self.tmp, "notify")
        if os.path.exists(notify_path):
            os.unlink(notify_path)
        notify = harness.notify_socket(notify_path)
        self.stderr_file = open(self.stderr_path, "ab")
        self.stopped = False
        try:
            self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                         stdout=self.stderr_file, stderr=self.stderr_file,
                                         env=self.env(), cwd=self.tmp)
            self._wait_ready(notify)
        except BaseException:
            self.kill()
            raise
        finally:
            notify.close()
        return self

    def run_once(self, *extra):
        """Runs winrmd to completion (for a store it must refuse)."""
        return subprocess.run(self.command(*extra), stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, env=self.env(), cwd=self.tmp, timeout=READY_TIMEOUT)


class StoreCase(unittest.TestCase):

    def setUp(self):
        skip_unless_runnable()
        self.d = StoreDaemon({"max_batch_items": "20"}).start()
        self.addCleanup(self.finish)

    def finish(self):
        problems = self.d.stop()
        tail = self.d.stderr()[-4000:]
        self.d.cleanup()
        if problems:
            self.fail("; ".join(problems) + "\n" + tail)

    def post(self, env_bytes):
        c = UnixHTTPConnection(self.d.socket_path)
        try:
            return request(c, env_bytes)
        finally:
            c.close()

    def get(self, uri=LEGACY_URI):
        resp = self.post(envelope(T_GET, uri))
        self.assertEqual(resp.status, 200, resp)
        return resp.doc.find("s:Body", NS)[0]

    def store(self):
        with open(self.d.store_path, encoding="utf-8") as f:
            return parse_store(f.read())


class DurabilityTest(StoreCase):

    def test_put_survives_restart(self):
        resp = self.post(legacy_put(nest_many(("MaxBatchItems", 42), ("Service/MaxConnections", 7))))
        self.assertEqual(resp.status, 200, resp)
        resp = self.post(current_put(nest("Service/AllowUnencrypted", "true")))
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(self.d.stop(), [])
        self.d.restart()
        got = self.get()
        self.assertEqual(walk(got, "MaxBatchItems").text, "42")
        self.assertEqual(walk(got, "Service/MaxConnections").text, "7")
        self.assertEqual(walk(got, "Service/HTTP/Unencrypted/Basic").text, "true")
        self.assertEqual(walk(self.get(CUR), "Service/AllowUnencrypted").text, "true")
        st = self.store()
        self.assertEqual((st["max_batch_items"], st["service.max_connections"]), ("42", "7"))

    def test_sigkill_at_any_moment(self):
        """Each round Puts three related values at once and SIGKILLs winrmd
        right after sending, after a short random delay or after the reply;
        after a restart the store holds all old or all new values."""
        seed = int(time.time() * 1000) & 0xffffffff
        rng = random.Random(seed)
        old = 20
        leftovers = 0
        deadline = time.monotonic() + ROUND_BUDGET_S
        for i in range(ROUNDS):
            self.assertLess(time.monotonic(), deadline, "kill loop over its time budget")
            new = 100 + i
            mode = ("after_send", "after_delay", "after_reply")[i % 3]
            view = rng.choice(("legacy", "current"))
            if view == "legacy":
                body = legacy_put(nest("MaxBatchItems", new) + nest("MaxTimeoutms", 60000 + new) +
                                  nest("Service/MaxConnections", new))
            else:
                body = current_put(nest("MaxBatchItems", new) + nest("MaxTimeoutms", 60000 + new) +
                                   nest("Service/MaxConnections", new))
            req = (b"POST /wsman HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + SOAP_CT.encode() +
                   b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(harness.CLIENT_TIMEOUT)
            replied = False
            try:
                s.connect(self.d.socket_path)
                s.sendall(req)
                if mode == "after_delay":
                    time.sleep(rng.uniform(0, 0.004))
                elif mode == "after_reply":
                    data = b""
                    while b"</s:Envelope>" not in data:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    self.assertIn(b"HTTP/1.1 200", data[:20], data[:2000])
                    replied = True
                self.d.proc.send_signal(signal.SIGKILL)
                self.d.proc.wait(10 * SLOW)
            finally:
                s.close()
            if os.path.exists(self.d.store_path + ".tmp"):
                leftovers += 1
            ctx = "round %d (%s, %s view, seed %d)" % (i, mode, view, seed)
            # the store parses: winrmd starts on it
            try:
                self.d.restart()
            except RuntimeError as e:
                self.fail("%s: winrmd does not start after SIGKILL: %s" % (ctx, e))
            st = self.store()
            trio = (st.get("max_batch_items", "20"), st.get("max_timeout_ms", "60000"),
                    st.get("service.max_connections", "5"))
            olds = ("20", "60000", "5") if old == 20 else (str(old), str(60000 + old), str(old))
            news = (str(new), str(60000 + new), str(new))
            self.assertIn(trio, (olds, news), ctx)
            if replied:
                self.assertEqual(trio, news, ctx + ": an acknowledged Put was lost")
            got = self.get()
            self.assertEqual((walk(got, "MaxBatchItems").text, walk(got, "MaxTimeoutms").text,
                              walk(got, "Service/MaxConnections").text), trio, ctx)
            old = int(trio[0]) if trio != ("20", "60000", "5") else 20
        # a Put after all that still saves cleanly, and no temporary file stays
        resp = self.post(legacy_put(nest("MaxBatchItems", 9)))
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(self.store()["max_batch_items"], "9")
        self.assertFalse(os.path.exists(self.d.store_path + ".tmp"))
        self.assertLessEqual(leftovers, ROUNDS)

    def test_stale_tmp_file_is_harmless(self):
        with open(self.d.store_path + ".tmp", "w") as f:
            f.write("max_batch_items = banana\nthis is not a store\n")
        self.assertEqual(self.d.stop(), [])
        self.d.restart()
        self.assertEqual(walk(self.get(), "MaxBatchItems").text, "20")
        resp = self.post(legacy_put(nest("MaxBatchItems", 11)))
        self.assertEqual(resp.status, 200, resp)
        self.assertFalse(os.path.exists(self.d.store_path + ".tmp"))
        self.assertEqual(self.store()["max_batch_items"], "11")


class BrokenStoreTest(StoreCase):

    def refused(self, text, line, *extra):
        self.assertEqual(self.d.stop(), [])
        with open(self.d.store_path, "w") as f:
            f.write(text)
        r = self.d.run_once(*extra)
        self.assertNotEqual(r.returncode, 0, r.stderr)
        out = r.stdout + r.stderr
        self.assertIn("%s:%d:" % (self.d.store_path, line), out)
        return out

    def test_bad_value_on_line_3(self):
        text = "# hand-edited\nmax_envelope_kb = 150\nmax_batch_items = banana\nsoap_trace = false\n"
        out = self.refused(text, 3)
        self.assertIn("max_batch_items", out)
        # --check-config says the same
        out = self.refused(text, 3, "--check-config")
        self.assertIn("max_batch_items", out)
        # repaired, it starts and serves the file's values
        with open(self.d.store_path, "w") as f:
            f.write(text.replace("banana", "13"))
        self.d.restart()
        got = self.get()
        self.assertEqual((walk(got, "MaxEnvelopeSizekb").text, walk(got, "MaxBatchItems").text), ("150", "13"))

    def test_other_broken_lines(self):
        for text, line, word in (("\n\nno_such_key = 1\n", 3, "no_such_key"),
                                 ("max_batch_items = 5\nservice.max_connections = 0\n", 2,
                                  "service.max_connections"),
                                 ("max_batch_items 5\n", 1, "key = value"),
                                 ("service.root_sddl = O:NSG:BAD:P(A;;GA;;;BA\n", 1, "service.root_sddl"),
                                 ("client.port.http = 70000\n", 1, "client.port.http")):
            with self.subTest(text=text):
                self.assertIn(word, self.refused(text, line))


# --- bad input: a fault, and nothing changes -----------------------------------

class BadInputTest(ConfigCase):
    CONFIG = {"max_batch_items": "20"}
    TCP = False

    def refused(self, env_bytes):
        before = self.snapshot()
        resp = self.post_unix(env_bytes)
        self.assertUnchanged(before, repr(env_bytes[-300:]))
        return resp

    def test_unknown_element(self):
        for inner, name in ((nest("Foo", 1), "Foo"), (nest("Service/Foo", 1), "Foo"),
                            (nest("Client/HTTP/Unencrypted/Kerberos", "true"), "Kerberos"),
                            (nest("Service/HTTP/Port", 80), "Port"),          # only Client/HTTP has one
                            (nest("Winrs/IdleTimeout", 60000), "Winrs")):     # no Winrs in the seed
            with self.subTest(name=name, legacy=True):
                self.assertUnknownElement(self.refused(legacy_put(inner)), name, legacy=True)
        for inner, name in ((nest("Foo", 1), "Foo"), (nest("SoapTraceEnabled", "true"), "SoapTraceEnabled"),
                            (nest("Service/HTTP/Unencrypted/Basic", "true"), "HTTP")):
            with self.subTest(name=name, legacy=False):
                self.assertUnknownElement(self.refused(current_put(inner)), name, legacy=False)

    def test_wrong_case(self):
        # the seed's own example: "enabled" for "Enabled"
        common = [(nest("maxBatchItems", 3), "maxBatchItems"),
                  (nest("Service/maxConnections", 3), "maxConnections"),
                  (nest("service/MaxConnections", 3), "service"),
                  (nest("MAXBATCHITEMS", 3), "MAXBATCHITEMS")]
        for inner, name in common + [(nest("Service/HTTPS/basic", "true"), "basic"),
                                     (nest("Client/HTTP/Unencrypted/digest", "true"), "digest")]:
            with self.subTest(name=name, legacy=True):
                self.assertUnknownElement(self.refused(legacy_put(inner)), name, legacy=True)
        for inner, name in common + [(nest("Service/Auth/basic", "true"), "basic"),
                                     (nest("Service/allowUnencrypted", "true"), "allowUnencrypted")]:
            with self.subTest(name=name, legacy=False):
                self.assertUnknownElement(self.refused(current_put(inner)), name, legacy=False)
        resp = self.refused(envelope(T_PUT, LEGACY_URI, body=doc(nest("MaxBatchItems", 3), root="config")))
        self.assertUnknownElement(resp, "config", legacy=True)
        resp = self.refused(current_put(nest("Basic", "true"), uri=CUR + "/service/auth", root="auth"))
        self.assertUnknownElement(resp, "auth", legacy=False)

    def test_one_bad_element_refuses_the_whole_put(self):
        inner = nest_many(("MaxBatchItems", 3), ("Service/MaxConnections", 4), ("Service/Bogus", 1))
        self.assertUnknownElement(self.refused(legacy_put(inner)), "Bogus", legacy=True)
        inner = nest("MaxBatchItems", 3) + nest("Service/HTTP/Unencrypted/Basic", "true") + \
            nest("Client/HTTP/Port", 70000)
        self.assertBadValue(self.refused(legacy_put(inner)), "Port")

    def test_wrong_type(self):
        for path, value, field in (("Service/HTTPS/Basic", "maybe", "Basic"),
                                   ("Service/HTTP/Unencrypted/Basic", "maybe", "Basic"),
                                   ("Service/HTTPS/Negotiate", "yes", "Negotiate"),
                                   ("SoapTraceEnabled", "2", "SoapTraceEnabled"),
                                   ("MaxBatchItems", "ten", "MaxBatchItems"),
                                   ("MaxBatchItems", "", "MaxBatchItems"),
                                   ("MaxTimeoutms", "1.5", "MaxTimeoutms"),
                                   ("Service/MaxConnections", "0x10", "MaxConnections")):
            with self.subTest(path=path, value=value):
                self.assertBadValue(self.refused(legacy_put(nest(path, value))), field)
        for path, value, field in (("Service/AllowUnencrypted", "maybe", "AllowUnencrypted"),
                                   ("Service/Auth/Kerberos", "maybe", "Kerberos"),
                                   ("Service/Auth/CbtHardeningLevel", "Loose", "CbtHardeningLevel"),
                                   ("Service/CertificateThumbprint", "xyz", "CertificateThumbprint"),
                                   ("Service/IPv4Filter", "10.0.0.1;rm", "IPv4Filter"),
                                   ("Client/TrustedHosts", "a\"b", "TrustedHosts")):
            with self.subTest(path=path, value=value):
                self.assertBadValue(self.refused(current_put(nest(path, value))), field)

    def test_out_of_range(self):
        for path, value, field in (("Client/HTTP/Port", 70000, "Port"), ("Client/HTTPS/Port", 0, "Port"),
                                   ("MaxEnvelopeSizekb", -5, "MaxEnvelopeSizekb"),
                                   ("MaxEnvelopeSizekb", 31, "MaxEnvelopeSizekb"),
                                   ("MaxTimeoutms", 4294967296, "MaxTimeoutms"),
                                   ("MaxBatchItems", 0, "MaxBatchItems"),
                                   ("Service/EnumerationTimeoutms", 499, "EnumerationTimeoutms"),
                                   ("Service/MaxConnections", -1, "MaxConnections"),
                                   ("MaxBatchItems", "99999999999999999999999", "MaxBatchItems")):
            with self.subTest(path=path, value=value):
                self.assertBadValue(self.refused(legacy_put(nest(path, value))), field)
        for path, value, field in (("Client/DefaultPorts/HTTP", 70000, "HTTP"),
                                   ("Service/DefaultPorts/HTTPS", 65536, "HTTPS"),
                                   ("Winrs/MaxConcurrentUsers", 101, "MaxConcurrentUsers")):
            with self.subTest(path=path, value=value):
                self.assertBadValue(self.refused(current_put(nest(path, value))), field)

    def test_bad_root_sddl(self):
        ace = "(A;;GR;;;S-1-5-21-1-2-%d)"
        for sddl in ("garbage", "O:NSG:BAD:P(A;;GA;;;BA", "O:NSG:BAD:P(X;;GA;;;BA)",
                     "O:NSG:BAD:P(A;;ZZ;;;BA)", "O:NSG:BAD:P(A;;GA;;;BA;extra;x)",
                     "O:NSG:BAD:P(A;;GA;;;S-1-)", "",
                     "O:NSG:BAD:P(A;;GA;;;BA)" + "".join(ace % i for i in range(64)),   # 65 ACEs
                     "O:NSG:BAD:P(A;;GA;;;BA)" + "(A;;GR;;;SY)" * 400):                 # > 4096
            with self.subTest(sddl=sddl[:40]):
                self.assertBadValue(self.refused(legacy_put(nest("Service/RootSDDL", sddl))), "RootSDDL")
        self.assertEqual(self.value("Service/RootSDDL"),
                         "O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)")

    def test_empty_body(self):
        for uri in (LEGACY_URI, CUR):
            with self.subTest(uri=uri):
                resp = self.refused(envelope(T_PUT, uri, body=""))
                self.assertFault(resp, SCHEMA)

    def test_two_top_level_elements(self):
        body = doc(nest("MaxBatchItems", 3)) + doc(nest("MaxBatchItems", 4))
        self.assertUnknownElement(self.refused(envelope(T_PUT, LEGACY_URI, body=body)), "Config", legacy=True)
        body = doc(nest("MaxBatchItems", 3), CUR) + '<cfg:Other xmlns:cfg="%s"/>' % CUR
        self.assertUnknownElement(self.refused(envelope(T_PUT, CUR, body=body)), "Other", legacy=False)

    def test_unknown_namespace(self):
        self.assertUnknownElement(self.refused(envelope(T_PUT, LEGACY_URI, body=doc(
            nest("MaxBatchItems", 3), ns="urn:example:other"))), "Config", legacy=True)
        # the other generation's namespace is as foreign
        self.assertUnknownElement(self.refused(envelope(T_PUT, LEGACY_URI, body=doc(
            nest("MaxBatchItems", 3), ns=CUR))), "Config", legacy=True)
        self.assertUnknownElement(self.refused(envelope(T_PUT, CUR, body=doc(
            nest("MaxBatchItems", 3), ns=LEGACY_NS))), "Config", legacy=False)
        # a child in another namespace inside the right root
        body = doc('<o:MaxBatchItems xmlns:o="urn:example:other">3</o:MaxBatchItems>')
        self.assertUnknownElement(self.refused(envelope(T_PUT, LEGACY_URI, body=body)),
                                  "MaxBatchItems", legacy=True)

    def test_leaf_with_children(self):
        inner = "<cfg:MaxBatchItems><cfg:Value>3</cfg:Value></cfg:MaxBatchItems>"
        self.assertUnknownElement(self.refused(legacy_put(inner)), "Value", legacy=True)

    def test_loose_values_are_refused(self):
        # issue 8: one spelling of each value; nothing guessed, nothing stored
        for path, value in (("MaxBatchItems", "+5"), ("MaxBatchItems", " 5 "), ("MaxBatchItems", "007"),
                            ("MaxBatchItems", "5\n"), ("MaxTimeoutms", "-0"), ("MaxBatchItems", "0x10"),
                            ("Service/HTTP/Unencrypted/Basic", " true "), ("Service/HTTPS/Negotiate", "yes"),
                            ("Service/AllowUnencrypted", "\n false\n"), ("Service/HTTPS/Basic", "true ")):
            with self.subTest(path=path, value=value):
                body = (current_put(nest(path, value)) if path == "Service/AllowUnencrypted"
                        else legacy_put(nest(path, value)))
                self.assertBadValue(self.refused(body), "for %s." % path.split("/")[-1])

    def test_url_prefix_that_clients_would_normalise_is_refused(self):
        for value in (".", "..", "../x", "a/./b", "a/../b", "a//b", "/wsman", "wsman/", "a b"):
            with self.subTest(value=value):
                self.assertBadValue(self.refused(legacy_put(nest("Client/URLPrefix", value))), "for URLPrefix.")

    def test_duplicate_elements_are_refused(self):
        for inner, name in ((nest("MaxBatchItems", 3) + nest("MaxBatchItems", 4), "MaxBatchItems"),
                            (nest("Service/MaxConnections", 3) + nest("Service/RootSDDL", "O:NSG:BAD:P(A;;GA;;;BA)"),
                             "Service"),
                            ("<cfg:Client><cfg:HTTP><cfg:Port>1</cfg:Port><cfg:Port>2</cfg:Port></cfg:HTTP></cfg:Client>",
                             "Port")):
            with self.subTest(name=name):
                resp = self.refused(legacy_put(inner))
                self.assertFault(resp, ("w", "SchemaValidationError"))
                self.assertIn('"%s" appears more than once' % name, "".join(resp.doc.itertext()), resp)

    def test_unknown_attributes_are_refused(self):
        for inner in ('<cfg:MaxBatchItems Source="GPO">3</cfg:MaxBatchItems>',
                      '<cfg:MaxBatchItems xmlns:o="urn:o" o:x="1">3</cfg:MaxBatchItems>',
                      '<cfg:Service Extra="1"><cfg:MaxConnections>3</cfg:MaxConnections></cfg:Service>'):
            with self.subTest(inner=inner):
                resp = self.refused(legacy_put(inner))
                self.assertFault(resp, ("w", "SchemaValidationError"))
                self.assertIn("unrecognized attribute", "".join(resp.doc.itertext()), resp)
        body = envelope(T_PUT, LEGACY_URI, body='<cfg:Config xmlns:cfg="%s" Junk="1">%s</cfg:Config>'
                        % (LEGACY_NS, nest("MaxBatchItems", 3)))
        self.assertFault(self.refused(body), ("w", "SchemaValidationError"))
        # xsi:nil is the one attribute a value may carry
        nil = ('<cfg:Client><cfg:TrustedHosts xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
               ' xsi:nil="true"/></cfg:Client>')
        self.assertSoap(self.post_unix(current_put(nil)), 200)

    def test_ten_thousand_elements(self):
        # 10,000 elements (~400 KB) fit once MaxEnvelopeSizekb is raised: the
        # second copy of an element refuses the Put (nothing is stored), at
        # once, whatever follows it
        self.legacy_set("MaxEnvelopeSizekb", 1024)
        before = self.store()
        many = "".join(nest("MaxBatchItems", 100 + i % 50) for i in range(9999))
        start = time.monotonic()
        resp = self.refused(legacy_put(many + nest("MaxBatchItemz", 1)))
        self.assertIn('"MaxBatchItems" appears more than once', "".join(resp.doc.itertext()), resp)
        resp = self.refused(legacy_put(nest("MaxBatchItemz", 1) + many))
        self.assertUnknownElement(resp, "MaxBatchItemz", legacy=True)
        self.assertEqual(self.store(), before)
        self.assertLess(time.monotonic() - start, 10)


if __name__ == "__main__":
    unittest.main()
