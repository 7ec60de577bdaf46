"""The provider ABI as released (issue 9), against the real daemon with
tests/providers/bad.so, slow.so and the example provider (hello.so, built
from the header alone):

- every way a provider can write output XML cannot carry becomes
  w:InternalError and a log line naming the provider, never a reply;
- complete() twice is ignored and logged, the daemon lives on;
- a custom Action must be the resource's action namespace + /METHOD;
- Pulls shrink to what fits the envelope and lose nothing; an item that
  fits no reply waits for a larger one;
- streaming enumeration pages 10,000 items in order through small
  envelopes, and 100,000 without the daemon's memory growing;
- settings, a timer, a worker call, per-resource security descriptors and
  the plugin configuration (winrm/config/plugin) that shows and changes them.
"""

import os
import re
import subprocess
import time
import unittest

import harness
from harness import (ADMIN_PASS, ADMIN_USER, E_ENUMERATE, E_PULL, NS, PLAIN_BASIC, PLAIN_PASS, PLAIN_USER,
                     SLOW, T_GET, T_PUT, DaemonTestCase, basic, envelope, request, wait_until)
from test_config_limits import build_hello

BAD = "http://example.org/winrmd/test/bad"
STREAM = BAD + "/stream"
LIST = BAD + "/list"
HELLO = "http://example.org/winrmd/hello"
COUNTER = HELLO + "/counter"
SECRET = HELLO + "/secret"
PLUGIN = "http://schemas.microsoft.com/wbem/wsman/1/config/plugin"
NS_PLUGIN = "http://schemas.microsoft.com/wbem/wsman/1/config/PluginConfiguration"
READERS_SDDL = "O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)"


def add_providers(plugin_dir):
    for name in ("bad", "slow"):
        built = os.path.join(harness.builddir(), "tests", "providers", ".libs", name + ".so")
        if not os.path.exists(built):
            return "tests/providers/%s.so is not built" % name
        harness.add_provider(built, plugin_dir)
    return build_hello(plugin_dir)


def options(**kw):
    return "<w:OptionSet>%s</w:OptionSet>" % "".join(
        '<w:Option Name="%s">%s</w:Option>' % kv for kv in kw.items())


def max_envelope(env_bytes, size):
    return env_bytes.replace(b">153600</w:MaxEnvelopeSize>", b">%d</w:MaxEnvelopeSize>" % size)


class AbiCase(DaemonTestCase):
    CONFIG = dict(PLAIN_BASIC, **{"service.root_sddl": READERS_SDDL, "max_batch_items": "1000",
                                  "max_envelope_kb": "512"})
    EXTRA_PROVIDERS = staticmethod(add_providers)

    def enumerate(self, uri, extra_headers="", body="<n:Enumerate/>"):
        resp = self.post_unix(envelope(E_ENUMERATE, uri, body=body, extra_headers=extra_headers))
        root = self.assertSoap(resp)
        return root.find("s:Body/n:EnumerateResponse", NS).findtext("n:EnumerationContext", namespaces=NS)

    def pull(self, uri, ctx, max_elements, env_size=None):
        body = ("<n:Pull><n:EnumerationContext>%s</n:EnumerationContext><n:MaxElements>%d</n:MaxElements>"
                "</n:Pull>" % (ctx, max_elements))
        req = envelope(E_PULL, uri, body=body)
        return self.post_unix(max_envelope(req, env_size) if env_size else req)

    def log_has(self, text):
        return wait_until(lambda: text in self.daemon.stderr(), 5 * SLOW)


class WriterRulesTest(AbiCase):

    def test_each_broken_rule_is_an_internal_error(self):
        rules = {
            "ctl": "holds characters XML cannot carry",
            "utf8": "holds characters XML cannot carry",
            "attr": "holds characters XML cannot carry",
            "nons": "declares no namespace",
            "nothing": "wrote 0 top-level elements, 1 expected",
            "two": "wrote 2 top-level elements, 1 expected",
            "unclosed": "was left open",
            "fault": "SOAP envelope namespace",
            "shadow": "redeclares the envelope's prefix",
            "name": "is not an XML element name",
            "null": "an element without a name",
            "dupattr": "given twice",
        }
        for kind, rule in rules.items():
            with self.subTest(kind=kind):
                resp = self.post_unix(envelope(T_GET, BAD, selectors={"Kind": kind}))
                # the reply is a well-formed fault, not the provider's output
                fault = self.assertFault(resp, ("w", "InternalError"), code="Receiver")
                self.assertIsNotNone(fault)
                self.assertTrue(self.log_has('provider test-bad: "%s": ' % BAD), self.daemon.stderr()[-2000:])
                line = [l for l in self.daemon.stderr().splitlines() if "provider test-bad:" in l][-1]
                self.assertIn(rule, line)
        ok = self.assertSoap(self.post_unix(envelope(T_GET, BAD, selectors={"Kind": "ok"})))
        self.assertEqual(ok.findtext("s:Body/{%s}Ok/{%s}Value" % (BAD, BAD), namespaces=NS), "fine")

    def test_complete_twice_is_ignored(self):
        resp = self.post_unix(envelope(T_GET, "http://example.org/winrmd/test/slow",
                                       selectors={"DelayMs": "50", "Twice": "1"}))
        self.assertSoap(resp)
        self.assertTrue(self.log_has("provider test-slow: complete() for a request that is not pending"))
        self.assertSoap(self.post_unix(envelope(T_GET, BAD, selectors={"Kind": "ok"})))
        self.assertTrue(self.daemon.alive())

    def test_custom_actions_in_their_namespace_only(self):
        ping = self.assertSoap(self.post_unix(envelope("http://example.org/winrmd/test/bad-actions/Ping", BAD,
                                                       body="<b:Ping_INPUT xmlns:b='%s'/>" % BAD)))
        self.assertEqual(ping.findtext("s:Body/{%s}Ping_OUTPUT/{%s}Reply" % (BAD, BAD), namespaces=NS), "Pong")
        for action in ("http://evil.example/Ping", BAD + "/Ping", "http://example.org/winrmd/test/bad-actions/",
                       "http://example.org/winrmd/test/bad-actions/a/Ping", "http://example.org/winrmd/test/bad-actionsPing"):
            with self.subTest(action=action):
                self.assertFault(self.post_unix(envelope(action, BAD)), ("a", "ActionNotSupported"))


class EnumerationTest(AbiCase):

    def test_pull_shrinks_to_fit_and_loses_nothing(self):
        # items grow by 1 KiB each: with 8 KiB envelopes a Pull of 20 takes
        # what fits; item 8 fits no 8 KiB reply and waits for a larger one
        ctx = self.enumerate(STREAM, extra_headers=options(Count=10))
        seen = []
        for _ in range(30):                                  # bounded
            resp = self.pull(STREAM, ctx, 20, env_size=8192)
            if resp.status == 500:
                fault = self.assertFault(resp, ("w", "EncodingLimit"))
                self.assertIn("MaxEnvelopeSize", "".join(fault.itertext()))
                break
            root = self.assertSoap(resp)
            pr = root.find("s:Body/n:PullResponse", NS)
            seen += [int(i.findtext("{%s}Index" % BAD)) for i in pr.find("n:Items", NS)]
            ctx = pr.findtext("n:EnumerationContext", namespaces=NS)
            self.assertLessEqual(len(resp.body), 8192)
        self.assertEqual(seen, list(range(1, len(seen) + 1)))
        self.assertGreater(len(seen), 1)
        # the item that did not fit comes with a larger envelope; then the rest
        while True:
            root = self.assertSoap(self.pull(STREAM, ctx, 20, env_size=65536))
            pr = root.find("s:Body/n:PullResponse", NS)
            seen += [int(i.findtext("{%s}Index" % BAD)) for i in pr.find("n:Items", NS)]
            if pr.find("n:EndOfSequence", NS) is not None:
                break
            ctx = pr.findtext("n:EnumerationContext", namespaces=NS)
        self.assertEqual(seen, list(range(1, 11)))

    def test_optimized_enumerate_shrinks_too(self):
        req = envelope(E_ENUMERATE, STREAM, extra_headers=options(Count=6),
                       body="<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>6</w:MaxElements></n:Enumerate>")
        root = self.assertSoap(self.post_unix(max_envelope(req, 8192)))
        er = root.find("s:Body/n:EnumerateResponse", NS)
        got = [int(i.findtext("{%s}Index" % BAD)) for i in er.find("w:Items", NS)]
        self.assertEqual(got, list(range(1, len(got) + 1)))
        self.assertLess(len(got), 6)
        ctx = er.findtext("n:EnumerationContext", namespaces=NS)
        root = self.assertSoap(self.pull(STREAM, ctx, 6, env_size=65536))
        pr = root.find("s:Body/n:PullResponse", NS)
        got += [int(i.findtext("{%s}Index" % BAD)) for i in pr.find("n:Items", NS)]
        self.assertEqual(got, list(range(1, 7)))

    def test_a_list_past_its_budget_is_refused(self):
        resp = self.post_unix(envelope(E_ENUMERATE, LIST, body="<n:Enumerate/>",
                                       extra_headers=options(Count=5000, Size=1000)))
        fault = self.assertFault(resp, ("w", "QuotaLimit"))
        self.assertIn("stream", "".join(fault.itertext()))
        self.assertTrue(self.enumerate(LIST, extra_headers=options(Count=10, Size=10)))

    def test_ten_thousand_items_in_small_envelopes(self):
        self.set_hello("ItemCount", 10000)
        self.set_hello("ItemBytes", 40)
        ctx, got, pulls = self.enumerate(COUNTER), [], 0
        while pulls < 2000:                                  # bounded
            pulls += 1
            root = self.assertSoap(self.pull(COUNTER, ctx, 1000, env_size=8192))
            pr = root.find("s:Body/n:PullResponse", NS)
            got += [int(i.findtext("{%s}Index" % HELLO)) for i in pr.find("n:Items", NS)]
            if pr.find("n:EndOfSequence", NS) is not None:
                break
            ctx = pr.findtext("n:EnumerationContext", namespaces=NS)
        self.assertEqual(got, list(range(1, 10001)))          # none lost, none repeated, in order
        self.assertGreater(pulls, 10)                         # the envelope, not MaxElements, shaped them

    def test_a_hundred_thousand_items_in_bounded_memory(self):
        self.set_hello("ItemCount", 100000)
        self.set_hello("ItemBytes", 200)
        before = self.daemon.rss_kib()
        ctx, n = self.enumerate(COUNTER), 0
        peak = before
        for _ in range(2000):                                 # bounded
            root = self.assertSoap(self.pull(COUNTER, ctx, 1000))
            pr = root.find("s:Body/n:PullResponse", NS)
            n += len(pr.find("n:Items", NS))
            peak = max(peak, self.daemon.rss_kib())
            if pr.find("n:EndOfSequence", NS) is not None:
                break
            ctx = pr.findtext("n:EnumerationContext", namespaces=NS)
        self.assertEqual(n, 100000)
        if not harness.VALGRIND and "libasan" not in subprocess.run(
                ["ldd", harness.daemon_binary()], capture_output=True, text=True).stdout:
            self.assertLess(peak - before, 8 * 1024, "RSS grew from %d to %d KiB" % (before, peak))

    def set_hello(self, name, value):
        doc = ('<p:PlugInConfiguration xmlns:p="%s" Name="hello"><p:InitializationParameters>'
               '<p:Param Name="%s" Value="%s"/></p:InitializationParameters></p:PlugInConfiguration>'
               % (NS_PLUGIN, name, value))
        self.assertSoap(self.post_unix(envelope(T_PUT, PLUGIN, selectors={"Name": "hello"}, body=doc)))


class AsyncAndSecurityTest(AbiCase):

    def invoke(self, method, body, auth=None):
        env = envelope(HELLO + "/actions/" + method, HELLO, body=body)
        return self.post_tcp(env, auth=auth) if auth else self.post_unix(env)

    def test_worker_and_timer(self):
        root = self.assertSoap(self.invoke("Greet", "<h:Greet_INPUT xmlns:h='%s'/>" % HELLO))
        self.assertRegex(root.findtext("s:Body/{%s}Greet_OUTPUT/{%s}Result" % (HELLO, HELLO), namespaces=NS),
                         r"^Hello, root \(worked 20 ms\)$")
        start = time.monotonic()
        root = self.assertSoap(self.invoke("Wait", "<h:Wait_INPUT xmlns:h='%s'><h:Ms>200</h:Ms></h:Wait_INPUT>"
                                           % HELLO))
        self.assertGreaterEqual(time.monotonic() - start, 0.2)
        self.assertEqual(root.findtext("s:Body/{%s}Wait_OUTPUT/{%s}Result" % (HELLO, HELLO), namespaces=NS),
                         "waited")

    def test_resource_security_descriptor(self):
        # RootSDDL lets every authenticated user read; the secret's own
        # descriptor lets administrators only
        self.assertFault(self.post_tcp(envelope(T_GET, SECRET), auth=(PLAIN_USER, PLAIN_PASS)),
                         ("w", "AccessDenied"))
        self.assertSoap(self.post_tcp(envelope(T_GET, SECRET), auth=(ADMIN_USER, ADMIN_PASS)))
        # an administrator opens it to authenticated users
        doc = ('<p:PlugInConfiguration xmlns:p="%s" Name="hello"><p:Resources>'
               '<p:Resource ResourceUri="%s"><p:Security Uri="%s" Sddl="O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)"/>'
               '</p:Resource></p:Resources></p:PlugInConfiguration>' % (NS_PLUGIN, SECRET, SECRET))
        self.assertSoap(self.post_unix(envelope(T_PUT, PLUGIN, selectors={"Name": "hello"}, body=doc)))
        self.assertSoap(self.post_tcp(envelope(T_GET, SECRET), auth=(PLAIN_USER, PLAIN_PASS)))
        with open(os.path.join(self.daemon.state_dir, "winrmd.conf")) as f:
            self.assertIn("record = security uri=%s sddl=" % SECRET, f.read())
        # and closes it again: without Security the provider's own applies
        doc = ('<p:PlugInConfiguration xmlns:p="%s" Name="hello"><p:Resources><p:Resource ResourceUri="%s"/>'
               '</p:Resources></p:PlugInConfiguration>' % (NS_PLUGIN, SECRET))
        self.assertSoap(self.post_unix(envelope(T_PUT, PLUGIN, selectors={"Name": "hello"}, body=doc)))
        self.assertFault(self.post_tcp(envelope(T_GET, SECRET), auth=(PLAIN_USER, PLAIN_PASS)),
                         ("w", "AccessDenied"))
        # a descriptor that does not parse changes nothing
        bad = doc.replace('/>', '><p:Security Sddl="nonsense"/></p:Resource>', 1)
        self.assertFault(self.post_unix(envelope(T_PUT, PLUGIN, selectors={"Name": "hello"}, body=bad)),
                         ("w", "InvalidParameter"))


class PluginConfigurationTest(AbiCase):

    def test_every_provider_is_listed(self):
        ctx = self.enumerate(PLUGIN)
        root = self.assertSoap(self.pull(PLUGIN, ctx, 50))
        plugins = {p.get("Name"): p for p in root.iter("{%s}PlugInConfiguration" % NS_PLUGIN)}
        self.assertLessEqual({"identify", "config", "listener", "hello", "test-bad", "test-slow"}, set(plugins))
        hello = plugins["hello"]
        self.assertTrue(hello.get("Filename").endswith("/hello.so"))
        self.assertEqual(hello.get("Version"), "1.1")
        uris = [r.get("ResourceUri") for r in hello.iter("{%s}Resource" % NS_PLUGIN)]
        self.assertEqual(uris, [HELLO, COUNTER, SECRET])
        params = {p.get("Name"): p.get("Value") for p in hello.iter("{%s}Param" % NS_PLUGIN)}
        self.assertEqual(params, {"Salutation": "Hello", "ItemCount": "3", "ItemBytes": "100", "WorkMs": "20"})
        caps = [c.get("Type") for c in plugins["listener"].iter("{%s}Capability" % NS_PLUGIN)]
        self.assertIn("Enumerate", caps)

    def put(self, params):
        doc = ('<p:PlugInConfiguration xmlns:p="%s" Name="hello"><p:InitializationParameters>%s'
               '</p:InitializationParameters></p:PlugInConfiguration>'
               % (NS_PLUGIN, "".join('<p:Param Name="%s" Value="%s"/>' % kv for kv in params.items())))
        return self.post_unix(envelope(T_PUT, PLUGIN, selectors={"Name": "hello"}, body=doc))

    def test_settings_change_live_and_are_stored(self):
        self.addCleanup(self.put, {"Salutation": "Hello"})
        self.assertSoap(self.put({"Salutation": "Howdy"}))
        root = self.assertSoap(self.post_unix(envelope(T_GET, HELLO)))
        self.assertEqual(root.findtext("s:Body/{%s}Hello/{%s}Greeting" % (HELLO, HELLO), namespaces=NS),
                         "Howdy, root")
        with open(os.path.join(self.daemon.state_dir, "winrmd.conf")) as f:
            self.assertIn("plugin.hello.Salutation = Howdy", f.read())
        for params, what in (({"ItemCount": "-1"}, "ItemCount"), ({"ItemCount": "007"}, "ItemCount"),
                             ({"NoSuch": "1"}, "NoSuch")):
            with self.subTest(params=params):
                fault = self.assertFault(self.put(params), ("w", "InvalidParameter"))
                self.assertIn(what, "".join(fault.itertext()))
        self.assertFault(self.post_unix(envelope(T_GET, PLUGIN, selectors={"Name": "nosuch"})),
                         ("a", "DestinationUnreachable"))


class BadStoredSettingTest(unittest.TestCase):
    """A stored value a provider's setting refuses: that provider is
    refused, with the key and value in the log; the others load."""

    def test_provider_refused_with_key_and_value(self):
        harness.skip_unless_runnable()
        plugins = harness.private_provider_dir(build_hello)
        self.addCleanup(lambda: __import__("shutil").rmtree(plugins, ignore_errors=True))
        d = harness.Daemon({"plugin.hello.ItemCount": "lots", "plugin.gone.Thing": "kept"}, tcp=False,
                           plugin_dir=plugins).start()
        self.addCleanup(d.cleanup)
        try:
            err = d.stderr()
            self.assertIn("provider hello refused:", err)
            self.assertIn("plugin.hello.ItemCount = lots", err)
            self.assertIn("provider identify loaded", err)
        finally:
            self.assertEqual(d.stop(), [])


class ProviderDocsTest(unittest.TestCase):

    def test_provider_docs(self):
        harness.skip_unless_runnable()
        plugins = harness.private_provider_dir(build_hello)
        self.addCleanup(lambda: __import__("shutil").rmtree(plugins, ignore_errors=True))
        state = harness.tempfile.mkdtemp(prefix="winrmd-docs-")
        self.addCleanup(lambda: __import__("shutil").rmtree(state, ignore_errors=True))
        r = subprocess.run([harness.daemon_binary(), "--state-dir", state, "--plugin-dir", plugins,
                            "--provider-docs"], capture_output=True, text=True, timeout=60 * SLOW)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(".SH PROVIDER SETTINGS", r.stdout)
        self.assertIn(".BR plugin.hello.ItemCount \" (integer, default 3; 0 to 100000000)\"", r.stdout)
        self.assertIn("How many items the counter enumerates.", r.stdout)


if __name__ == "__main__":
    unittest.main()
