"""Enumeration modes, the SelectorFilter and the item count (issue 13,
DSP0226 8.7, 8.2.2 and the SelectorFilter dialect), served by the core for
every provider that names its items with item_selector():

- w:EnumerationMode EnumerateEPR (a:EndpointReference items: the anonymous
  Address, ReferenceParameters with w:ResourceURI and w:SelectorSet) and
  EnumerateObjectAndEPR (w:Item: the object, then its EPR), optimized and
  not, paged through more items than MaxBatchItems, the mode kept by the
  context for every Pull, batches shrinking to the envelope as sent;
- the SelectorFilter dialect (selector names without case, values exact)
  in every mode, optimized and not, paged; other dialects refused;
- w:RequestTotalItemsCountEstimate: a list's count, a stream's xsi:nil
  until it ends;
- a provider that does not name its items: the EPR modes and the filter
  refused with a message, plain enumeration as before;
- over the control socket and over TCP, for the test provider's list and
  stream (tests/providers/bad.c), the listener resource in both
  generations (EPRs whose selectors a Get takes back), the plugin
  configuration, certmapping records and WinRS shells."""

import os
import unittest

import harness
from harness import (ADMIN_PASS, ADMIN_USER, E_ENUMERATE, E_PULL, E_RELEASE, NS, PLAIN_BASIC, T_GET,
                     DaemonTestCase, envelope)
from listener_helpers import T_CREATE, T_DELETE, Current, Legacy, ListenerCase, free_port, listener_doc

BAD = "http://example.org/winrmd/test/bad"
STREAM = BAD + "/stream"
LIST = BAD + "/list"
SF = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"
WQL = "http://schemas.microsoft.com/wbem/wsman/1/WQL"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ANON = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
FAULT_DETAIL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"
EPR, BOTH = "EnumerateEPR", "EnumerateObjectAndEPR"
MODES = (None, EPR, BOTH)
BATCH = 3                       # MaxBatchItems of these daemons
COUNT_HDR = "<w:RequestTotalItemsCountEstimate/>"
PLUGIN_URI = "http://schemas.microsoft.com/wbem/wsman/1/config/plugin"
NS_PLUGIN = "http://schemas.microsoft.com/wbem/wsman/1/config/PluginConfiguration"
MAP_URI = "http://schemas.microsoft.com/wbem/wsman/1/config/service/certmapping"
SHELL_URI = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"


def options(**kw):
    return "<w:OptionSet>%s</w:OptionSet>" % "".join(
        '<w:Option Name="%s">%s</w:Option>' % kv for kv in kw.items())


def selector_set(selectors):
    return "<w:SelectorSet>%s</w:SelectorSet>" % "".join(
        '<w:Selector Name="%s">%s</w:Selector>' % kv for kv in selectors)


def enumerate_body(mode=None, optimized=False, max_elements=None, selectors=None, raw=""):
    """An n:Enumerate; selectors [(name, value)] make a SelectorFilter."""
    parts = []
    if optimized:
        parts.append("<w:OptimizeEnumeration/>")
        if max_elements is not None:
            parts.append("<w:MaxElements>%d</w:MaxElements>" % max_elements)
    if mode:
        parts.append("<w:EnumerationMode>%s</w:EnumerationMode>" % mode)
    if selectors is not None:
        parts.append('<w:Filter Dialect="%s">%s</w:Filter>' % (SF, selector_set(selectors)))
    return "<n:Enumerate>%s%s</n:Enumerate>" % ("".join(parts), raw)


def pull_body(ctx, max_elements, extra=""):
    return ("<n:Pull><n:EnumerationContext>%s</n:EnumerationContext><n:MaxElements>%d</n:MaxElements>%s"
            "</n:Pull>" % (ctx, max_elements, extra))


def with_envelope_size(env_bytes, size):
    return env_bytes.replace(b">153600</w:MaxEnvelopeSize>", b">%d</w:MaxEnvelopeSize>" % size)


class Walk:
    """What an enumeration gave: the items, the size of each batch, the
    TotalItemsCountEstimate header of each reply (None when absent)."""

    def __init__(self):
        self.items, self.batches, self.counts = [], [], []


class ModesMixin:
    """Enumerate-and-Pull walks and the checks of items in each mode."""

    def post(self, env, via="unix"):
        return self.post_unix(env) if via == "unix" else self.post_tcp(env)

    def count_of(self, root):
        return root.find("s:Header/w:TotalItemsCountEstimate", NS)

    def walk(self, uri, via="unix", mode=None, optimized=False, selectors=None, count=False, opts="",
             pull_count=None, max_elements=50, selectors_hdr=None):
        """Enumerate, then Pull (MaxElements max_elements) to the end."""
        w = Walk()
        extra = (COUNT_HDR if count else "") + opts
        body = enumerate_body(mode, optimized, max_elements if optimized else None, selectors)
        root = self.assertSoap(self.post(envelope(E_ENUMERATE, uri, body=body, extra_headers=extra,
                                                  selectors=selectors_hdr), via))
        er = root.find("s:Body/n:EnumerateResponse", NS)
        self.assertIsNotNone(er)
        w.counts.append(self.count_of(root))
        if optimized:
            items = er.find("w:Items", NS)
            self.assertIsNotNone(items)
            w.items += list(items)
            w.batches.append(len(items))
            if er.find("w:EndOfSequence", NS) is not None:
                self.assertEqual(er.findtext("n:EnumerationContext", namespaces=NS), "")
                return w
        else:
            self.assertIsNone(er.find("w:Items", NS))
        ctx = er.findtext("n:EnumerationContext", namespaces=NS)
        self.assertTrue(ctx)
        pull_extra = COUNT_HDR if (count if pull_count is None else pull_count) else ""
        for _ in range(200):
            root = self.assertSoap(self.post(envelope(E_PULL, uri, body=pull_body(ctx, max_elements),
                                                      extra_headers=pull_extra), via))
            pr = root.find("s:Body/n:PullResponse", NS)
            self.assertIsNotNone(pr)
            w.counts.append(self.count_of(root))
            items = list(pr.find("n:Items", NS))
            w.items += items
            w.batches.append(len(items))
            if pr.find("n:EndOfSequence", NS) is not None:
                self.assertIsNone(pr.find("n:EnumerationContext", NS))
                return w
            ctx = pr.findtext("n:EnumerationContext", namespaces=NS)
        self.fail("no EndOfSequence after 200 Pulls")

    def epr_selectors(self, epr, uri):
        """[(Name, value)] of an a:EndpointReference, checking its shape."""
        self.assertEqual(epr.tag, "{%s}EndpointReference" % NS["a"])
        self.assertEqual([c.tag for c in epr], ["{%s}Address" % NS["a"], "{%s}ReferenceParameters" % NS["a"]])
        self.assertEqual(epr.findtext("a:Address", namespaces=NS), ANON)
        rp = epr.find("a:ReferenceParameters", NS)
        self.assertEqual(rp.findtext("w:ResourceURI", namespaces=NS), uri)
        sset = rp.find("w:SelectorSet", NS)
        if sset is None:
            self.assertEqual(len(rp), 1)
            return []
        self.assertEqual(len(rp), 2)
        for s in sset:
            self.assertEqual(s.tag, "{%s}Selector" % NS["w"])
        return [(s.get("Name"), s.text or "") for s in sset]

    def decode(self, item, mode, uri):
        """(the object or None, the EPR's selectors or None) of an item."""
        if mode is None:
            self.assertNotEqual(item.tag, "{%s}Item" % NS["w"])
            self.assertNotEqual(item.tag, "{%s}EndpointReference" % NS["a"])
            return item, None
        if mode == EPR:
            return None, self.epr_selectors(item, uri)
        self.assertEqual(item.tag, "{%s}Item" % NS["w"])
        self.assertEqual(len(item), 2)
        return item[0], self.epr_selectors(item[1], uri)

    def assertPaged(self, w, n):
        """n items in batches of at most MaxBatchItems, more than one batch."""
        self.assertEqual(len(w.items), n)
        self.assertTrue(all(b <= BATCH for b in w.batches), w.batches)
        if n > BATCH:
            self.assertGreater(len([b for b in w.batches if b]), 1, w.batches)

    def assertCount(self, elem, value):
        """A TotalItemsCountEstimate header: value, or None for xsi:nil."""
        self.assertIsNotNone(elem)
        if value is None:
            self.assertEqual(elem.get("{%s}nil" % XSI), "true")
            self.assertFalse((elem.text or "").strip())
            self.assertEqual(len(elem), 0)
        else:
            self.assertIsNone(elem.get("{%s}nil" % XSI))
            self.assertEqual(elem.text, str(value))

    def assertDetail(self, fault, name):
        self.assertEqual(fault.findtext("s:Detail/w:FaultDetail", namespaces=NS), FAULT_DETAIL + name)

    def message(self, fault):
        return fault.findtext("s:Detail/f:WSManFault/f:Message", namespaces=NS) or ""


def add_bad(plugin_dir):
    built = os.path.join(harness.builddir(), "tests", "providers", ".libs", "bad.so")
    if not os.path.exists(built):
        return "tests/providers/bad.so is not built"
    harness.add_provider(built, plugin_dir)
    return None


class ProviderModesTest(ModesMixin, DaemonTestCase):
    """The test provider's list (written at once) and stream (a cursor)."""
    CONFIG = dict(PLAIN_BASIC, **{"max_batch_items": str(BATCH), "max_envelope_kb": "512"})
    EXTRA_PROVIDERS = staticmethod(add_bad)

    def index_of(self, obj):
        return int(obj.findtext("{%s}Index" % BAD))

    def check_items(self, w, mode, uri, indexes):
        """Items in order with those Index values; EPRs naming each."""
        got = []
        for item in w.items:
            obj, sels = self.decode(item, mode, uri)
            if sels is not None:
                sel = dict(sels)
                self.assertEqual([n for n, _ in sels], ["Index", "Parity"])
                self.assertEqual(sel["Parity"], "odd" if int(sel["Index"]) % 2 else "even")
                index = int(sel["Index"])
                if obj is not None:
                    self.assertEqual(self.index_of(obj), index)
            else:
                index = self.index_of(obj)
            got.append(index)
        self.assertEqual(got, list(indexes))

    def test_every_mode_paged(self):
        for uri in (LIST, STREAM):
            for mode in MODES:
                for optimized in (False, True):
                    for via in ("unix", "tcp"):
                        with self.subTest(uri=uri, mode=mode, optimized=optimized, via=via):
                            w = self.walk(uri, via, mode, optimized, opts=options(Count=8))
                            self.assertPaged(w, 8)
                            self.check_items(w, mode, uri, range(1, 9))

    def test_selector_filter_in_every_mode(self):
        for uri in (LIST, STREAM):
            for mode in MODES:
                for optimized in (False, True):
                    with self.subTest(uri=uri, mode=mode, optimized=optimized):
                        w = self.walk(uri, "unix", mode, optimized, [("Parity", "even")], opts=options(Count=20))
                        self.assertPaged(w, 10)
                        self.check_items(w, mode, uri, range(2, 21, 2))
        w = self.walk(LIST, "tcp", EPR, True, [("Parity", "odd")], opts=options(Count=8))
        self.check_items(w, EPR, LIST, [1, 3, 5, 7])

    def test_selector_filter_matching(self):
        cases = [
            ([("parity", "odd")], [1, 3, 5, 7]),                 # names without case
            ([("Parity", "ODD")], []),                           # values exactly
            ([("Index", "3"), ("PARITY", "odd")], [3]),          # every selector
            ([("Index", "3"), ("Parity", "even")], []),
            ([("Nope", "1")], []),                               # a name items lack
            ([], list(range(1, 9))),                             # an empty set: all
        ]
        for uri in (LIST, STREAM):
            for sels, want in cases:
                with self.subTest(uri=uri, filter=sels):
                    w = self.walk(uri, "unix", None, False, sels, opts=options(Count=8))
                    self.check_items(w, None, uri, want)

    def test_count_of_a_list(self):
        w = self.walk(LIST, "unix", EPR, False, count=True, opts=options(Count=8))
        self.assertEqual(len(w.counts), 4)             # Enumerate, then 3 Pulls
        for c in w.counts:
            self.assertCount(c, 8)
        # after the filter; optimized; over TCP
        w = self.walk(LIST, "tcp", BOTH, True, [("Parity", "odd")], count=True, opts=options(Count=8))
        for c in w.counts:
            self.assertCount(c, 4)
        # the Enumerate's request holds for its Pulls; a Pull may ask alone
        w = self.walk(LIST, count=True, pull_count=False, opts=options(Count=5))
        for c in w.counts:
            self.assertCount(c, 5)
        w = self.walk(LIST, count=False, pull_count=True, opts=options(Count=5))
        self.assertIsNone(w.counts[0])
        for c in w.counts[1:]:
            self.assertCount(c, 5)
        # not asked: not answered
        w = self.walk(LIST, opts=options(Count=5))
        self.assertEqual(w.counts, [None] * len(w.counts))

    def test_count_of_a_stream(self):
        """A cursor cannot tell until it ends: xsi:nil, then what it gave."""
        w = self.walk(STREAM, "unix", None, False, count=True, opts=options(Count=7))
        for c in w.counts[:-1]:
            self.assertCount(c, None)
        self.assertCount(w.counts[-1], 7)
        w = self.walk(STREAM, "tcp", EPR, True, [("Parity", "even")], count=True, opts=options(Count=8))
        self.assertCount(w.counts[0], None)
        self.assertCount(w.counts[-1], 4)
        # ended within the optimized Enumerate: known at once
        root = self.assertSoap(self.post(envelope(E_ENUMERATE, STREAM, body=enumerate_body(EPR, True, 10),
                                                  extra_headers=COUNT_HDR + options(Count=2))))
        self.assertIsNotNone(root.find("s:Body/n:EnumerateResponse/w:EndOfSequence", NS))
        self.assertCount(self.count_of(root), 2)

    def test_count_header_in_the_2005_namespace(self):
        hdr = '<m:RequestTotalItemsCountEstimate xmlns:m="%s"/>' % NS["w05"]
        root = self.assertSoap(self.post(envelope(E_ENUMERATE, LIST, body=enumerate_body(),
                                                  extra_headers=hdr + options(Count=4))))
        self.assertCount(self.count_of(root), 4)

    def test_unnamed_items_refused_in_epr_modes(self):
        for mode in (EPR, BOTH):
            for optimized in (False, True):
                with self.subTest(mode=mode, optimized=optimized):
                    resp = self.post(envelope(E_ENUMERATE, LIST, body=enumerate_body(mode, optimized, 5),
                                              extra_headers=options(Names="none")))
                    fault = self.assertFault(resp, ("w", "UnsupportedFeature"))
                    self.assertDetail(fault, "EnumerationMode")
                    self.assertIn("does not name its items", self.message(fault))
        # a stream: with its first item, in the optimized Enumerate ...
        resp = self.post(envelope(E_ENUMERATE, STREAM, body=enumerate_body(EPR, True, 5),
                                  extra_headers=options(Names="none")), "tcp")
        self.assertDetail(self.assertFault(resp, ("w", "UnsupportedFeature")), "EnumerationMode")
        # ... or in the first Pull, which ends the context
        root = self.assertSoap(self.post(envelope(E_ENUMERATE, STREAM, body=enumerate_body(BOTH),
                                                  extra_headers=options(Names="none"))))
        ctx = root.findtext("s:Body/n:EnumerateResponse/n:EnumerationContext", namespaces=NS)
        fault = self.assertFault(self.post(envelope(E_PULL, STREAM, body=pull_body(ctx, 5))),
                                 ("w", "UnsupportedFeature"))
        self.assertIn("EnumerateEPR", self.message(fault))
        self.assertFault(self.post(envelope(E_PULL, STREAM, body=pull_body(ctx, 5))),
                         ("n", "InvalidEnumerationContext"))
        # their objects alone still enumerate
        for uri in (LIST, STREAM):
            w = self.walk(uri, opts=options(Count=4, Names="none"))
            self.check_items(w, None, uri, range(1, 5))

    def test_unnamed_items_refused_with_a_filter(self):
        for uri in (LIST, STREAM):
            with self.subTest(uri=uri):
                resp = self.post(envelope(E_ENUMERATE, uri, body=enumerate_body(None, True, 5, [("Index", "1")]),
                                          extra_headers=options(Names="none")))
                fault = self.assertFault(resp, ("n", "FilterDialectRequestedUnavailable"))
                self.assertIn("SelectorFilter dialect is not available", self.message(fault))

    def test_singletons(self):
        """Items with no selectors: an EPR of the ResourceURI alone."""
        w = self.walk(LIST, "unix", BOTH, True, opts=options(Count=4, Names="singleton"))
        self.assertPaged(w, 4)
        for item in w.items:
            self.assertEqual(self.decode(item, BOTH, LIST)[1], [])
        w = self.walk(STREAM, "unix", EPR, False, opts=options(Count=4, Names="singleton"))
        self.assertEqual([self.decode(i, EPR, STREAM)[1] for i in w.items], [[]] * 4)
        self.assertEqual(len(self.walk(LIST, selectors=[], opts=options(Count=4, Names="singleton")).items), 4)
        self.assertEqual(len(self.walk(LIST, selectors=[("Index", "1")],
                                       opts=options(Count=4, Names="singleton")).items), 0)

    def test_no_item_begun_yet(self):
        # the provider checks that item_selector() refuses, then names its items
        w = self.walk(LIST, "unix", EPR, False, opts=options(Count=4, Names="early"))
        self.check_items(w, EPR, LIST, range(1, 5))

    def test_the_context_keeps_the_mode(self):
        root = self.assertSoap(self.post(envelope(E_ENUMERATE, LIST, body=enumerate_body(EPR),
                                                  extra_headers=options(Count=6))))
        ctx = root.findtext("s:Body/n:EnumerateResponse/n:EnumerationContext", namespaces=NS)
        # a Pull that names another mode (not in the Pull's schema) changes nothing
        other = "<w:EnumerationMode>%s</w:EnumerationMode>" % BOTH
        root = self.assertSoap(self.post(envelope(E_PULL, LIST, body=pull_body(ctx, 2, other))))
        items = list(root.find("s:Body/n:PullResponse/n:Items", NS))
        self.assertEqual([self.decode(i, EPR, LIST)[1][0] for i in items], [("Index", "1"), ("Index", "2")])
        root = self.assertSoap(self.post(envelope(E_PULL, LIST, body=pull_body(ctx, 2))))
        items = list(root.find("s:Body/n:PullResponse/n:Items", NS))
        self.assertEqual([self.decode(i, EPR, LIST)[1][0] for i in items], [("Index", "3"), ("Index", "4")])
        self.assertSoap(self.post(envelope(E_RELEASE, LIST, body="<n:Release><n:EnumerationContext>%s"
                                           "</n:EnumerationContext></n:Release>" % ctx)))

    def test_batches_shrink_to_the_envelope_and_lose_nothing(self):
        """Items of i KiB as w:Item with their EPR: each Pull fits 8 KiB or
        answers w:EncodingLimit keeping the item, which a larger envelope
        then takes."""
        root = self.assertSoap(self.post(envelope(E_ENUMERATE, STREAM, body=enumerate_body(BOTH),
                                                  extra_headers=options(Count=9))))
        ctx = root.findtext("s:Body/n:EnumerateResponse/n:EnumerationContext", namespaces=NS)
        seen, limited = [], False
        for _ in range(40):
            resp = self.post(with_envelope_size(envelope(E_PULL, STREAM, body=pull_body(ctx, 3)),
                                                65536 if limited else 8192))
            if resp.status == 500:
                fault = self.assertFault(resp, ("w", "EncodingLimit"))
                self.assertDetail(fault, "MaxEnvelopeSize")
                limited = True
                continue
            self.assertLessEqual(len(resp.body), 65536 if limited else 8192)
            pr = self.assertSoap(resp).find("s:Body/n:PullResponse", NS)
            for item in pr.find("n:Items", NS):
                obj, sels = self.decode(item, BOTH, STREAM)
                self.assertEqual(dict(sels)["Index"], obj.findtext("{%s}Index" % BAD))
                seen.append(int(obj.findtext("{%s}Index" % BAD)))
            if pr.find("n:EndOfSequence", NS) is not None:
                break
            ctx = pr.findtext("n:EnumerationContext", namespaces=NS)
        self.assertTrue(limited)
        self.assertEqual(seen, list(range(1, 10)))

    def test_refused_before_the_provider(self):
        cases = [
            (enumerate_body(raw='<w:Filter Dialect="%s">select * from x</w:Filter>' % WQL),
             ("n", "FilterDialectRequestedUnavailable"), WQL),
            (enumerate_body(raw="<w:Filter>/x</w:Filter>"), ("n", "FilterDialectRequestedUnavailable"), "Dialect"),
            (enumerate_body(raw='<w:Filter Dialect="%s">Index=1</w:Filter>' % SF), ("n", "CannotProcessFilter"),
             "SelectorSet"),
            (enumerate_body(raw='<w:Filter Dialect="%s">%s</w:Filter>' % (SF, selector_set([("a", "1"), ("A", "2")]))),
             ("n", "CannotProcessFilter"), "twice"),
            (enumerate_body(raw="<w:EnumerationMode>EnumerateObject</w:EnumerationMode>"),
             ("w", "UnsupportedFeature"), "EnumerateObject"),
        ]
        for body, subcode, words in cases:
            for via in ("unix", "tcp"):
                with self.subTest(body=body, via=via):
                    fault = self.assertFault(self.post(envelope(E_ENUMERATE, LIST, body=body), via), subcode)
                    self.assertIn(words, self.message(fault))
        fault = self.assertFault(self.post(envelope(E_ENUMERATE, LIST, body=cases[-1][0])))
        self.assertDetail(fault, "EnumerationMode")


class ListenerModesTest(ModesMixin, ListenerCase):
    """Listeners (more than MaxBatchItems of them) in both generations: the
    EPRs name each record as Get takes it back."""
    CONFIG = dict(PLAIN_BASIC, **{"max_batch_items": str(BATCH)})
    N = 7
    ports = []

    def setUp(self):
        cls = type(self)
        if not cls.ports:
            for _ in range(self.N):
                port = free_port()
                resp = self.send(T_CREATE, Legacy, Legacy.sel("127.0.0.1", port),
                                 listener_doc(Legacy.ns, Legacy.create_fields(port)))
                self.assertSoap(resp)
                cls.ports.append(port)

    @classmethod
    def tearDownClass(cls):
        cls.ports = []
        super().tearDownClass()

    def expected_keys(self, view, port):
        if view is Legacy:
            return [("IP", "127.0.0.1"), ("Port", str(port))]
        return [("Address", "IP:127.0.0.1"), ("Transport", "HTTP"), ("Port", str(port))]

    def port_of(self, obj):
        return int(obj.findtext("{%s}Port" % obj.tag[1:].split("}")[0]))

    def test_every_mode_paged_in_both_generations(self):
        for view in (Legacy, Current):
            plain = self.walk(view.uri)
            for mode in (EPR, BOTH):
                for optimized in (False, True):
                    for via in ("unix", "tcp"):
                        with self.subTest(view=view.__name__, mode=mode, optimized=optimized, via=via):
                            w = self.walk(view.uri, via, mode, optimized, count=True)
                            self.assertPaged(w, len(plain.items))
                            for c in w.counts:
                                self.assertCount(c, len(plain.items))
                            ports = []
                            for item, obj0 in zip(w.items, plain.items):
                                obj, sels = self.decode(item, mode, view.uri)
                                port = int(dict(sels)["Port"])
                                self.assertEqual(sels, self.expected_keys(view, port))
                                self.assertEqual(port, self.port_of(obj0))
                                if obj is not None:
                                    self.assertEqual(self.port_of(obj), port)
                                ports.append(port)
                            self.assertTrue(set(self.ports) <= set(ports))

    def test_eprs_are_what_get_takes(self):
        for view in (Legacy, Current):
            w = self.walk(view.uri, "tcp", EPR, True)
            for item in w.items:
                sels = self.decode(item, EPR, view.uri)[1]
                with self.subTest(view=view.__name__, selectors=sels):
                    root = self.assertSoap(self.send(T_GET, view, dict(sels)))
                    got = root.find("s:Body/{%s}Listener" % view.ns, NS)
                    self.assertEqual(self.port_of(got), int(dict(sels)["Port"]))

    def test_selector_filter(self):
        port = self.ports[2]
        for view in (Legacy, Current):
            for mode in MODES:
                for via in ("unix", "tcp"):
                    with self.subTest(view=view.__name__, mode=mode, via=via):
                        w = self.walk(view.uri, via, mode, True, [("port", str(port))], count=True)
                        self.assertEqual(len(w.items), 1)
                        self.assertCount(w.counts[0], 1)
                        obj, sels = self.decode(w.items[0], mode, view.uri)
                        if sels is not None:
                            self.assertEqual(sels, self.expected_keys(view, port))
                        if obj is not None:
                            self.assertEqual(self.port_of(obj), port)
        # several, paged; a value compares exactly
        w = self.walk(Current.uri, "unix", EPR, False, [("Address", "IP:127.0.0.1"), ("Transport", "HTTP")])
        self.assertPaged(w, len(w.items))
        self.assertTrue(set(self.ports) <= {int(dict(self.decode(i, EPR, Current.uri)[1])["Port"]) for i in w.items})
        self.assertEqual(self.walk(Current.uri, selectors=[("Address", "ip:127.0.0.1")]).items, [])
        w = self.walk(Legacy.uri, "tcp", None, True, [("IP", "127.0.0.1")])
        self.assertTrue(set(self.ports) <= {self.port_of(o) for o in w.items})

    def test_short_uri(self):
        w = self.walk("winrm/config/listener", "unix", EPR, True, [("Port", str(self.ports[0]))])
        self.assertEqual(self.decode(w.items[0], EPR, "winrm/config/listener")[1],
                         self.expected_keys(Current, self.ports[0]))


class ConfigResourcesModesTest(ModesMixin, DaemonTestCase):
    """The plugin configuration (selector Name) and certmapping records
    (Issuer, Subject, URI)."""
    CONFIG = dict(PLAIN_BASIC, **{"max_batch_items": str(BATCH)})

    def test_plugin_configuration(self):
        plain = self.walk(PLUGIN_URI)
        names = [p.get("Name") for p in plain.items]
        self.assertGreater(len(names), BATCH)
        for mode in (EPR, BOTH):
            for via in ("unix", "tcp"):
                with self.subTest(mode=mode, via=via):
                    w = self.walk(PLUGIN_URI, via, mode, False, count=True)
                    self.assertPaged(w, len(names))
                    self.assertCount(w.counts[-1], len(names))
                    got = [self.decode(i, mode, PLUGIN_URI) for i in w.items]
                    self.assertEqual([s for _, s in got], [[("Name", n)] for n in names])
                    if mode == BOTH:
                        self.assertEqual([o.get("Name") for o, _ in got], names)
        sels = self.decode(self.walk(PLUGIN_URI, "tcp", EPR, True, [("name", "listener")]).items[0],
                           EPR, PLUGIN_URI)[1]
        self.assertEqual(sels, [("Name", "listener")])
        root = self.assertSoap(self.post_unix(envelope(T_GET, PLUGIN_URI, selectors=dict(sels))))
        self.assertEqual(root.find("s:Body/{%s}PlugInConfiguration" % NS_PLUGIN, NS).get("Name"), "listener")

    def test_certmapping(self):
        issuer = "ab" * 20
        subjects = ["u%d@fabrikam.test" % i for i in range(5)]
        for s in subjects:
            body = '<cfg:certmapping xmlns:cfg="%s"><cfg:UserName>%s</cfg:UserName></cfg:certmapping>' % (
                MAP_URI, ADMIN_USER)
            self.assertSoap(self.post_unix(envelope(T_CREATE, MAP_URI, body=body, selectors={
                "Issuer": issuer, "Subject": s, "URI": "*"})))
        for via in ("unix", "tcp"):
            w = self.walk(MAP_URI, via, BOTH, True, count=True)
            self.assertPaged(w, 5)
            for item, s in zip(w.items, subjects):
                obj, sels = self.decode(item, BOTH, MAP_URI)
                self.assertEqual(sels, [("Issuer", issuer), ("Subject", s), ("URI", "*")])
                self.assertEqual(obj.findtext("{%s}Subject" % MAP_URI), s)
        w = self.walk(MAP_URI, "unix", EPR, False, [("Subject", subjects[3])])
        sels = self.decode(w.items[0], EPR, MAP_URI)[1]
        self.assertEqual(len(w.items), 1)
        root = self.assertSoap(self.post_unix(envelope(T_GET, MAP_URI, selectors=dict(sels))))
        m = root.find("s:Body/{%s}certmapping" % MAP_URI, NS)
        self.assertEqual(m.findtext("{%s}Subject" % MAP_URI), subjects[3])
        for s in subjects:
            self.post_unix(envelope(T_DELETE, MAP_URI, selectors={"Issuer": issuer, "Subject": s, "URI": "*"}))


class ShellModesTest(ModesMixin, DaemonTestCase):
    """WinRS shells, named by ShellId, as pypsrp finds its shells again."""
    CONFIG = dict(PLAIN_BASIC, **{"max_batch_items": str(BATCH)})

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(os.path.join(harness.builddir(), "providers", "shell.so")):
            raise unittest.SkipTest("this build has no shell provider")
        super().setUpClass()

    def test_shells_by_shell_id(self):
        p = self.pywinrm()
        ids = [p.open_shell() for _ in range(5)]
        self.addCleanup(lambda: [p.close_shell(i) for i in ids])
        for mode in (EPR, BOTH):
            for optimized in (False, True):
                with self.subTest(mode=mode, optimized=optimized):
                    w = self.walk(SHELL_URI, "tcp", mode, optimized, count=True)
                    self.assertPaged(w, 5)
                    self.assertCount(w.counts[-1], 5)
                    got = [self.decode(i, mode, SHELL_URI) for i in w.items]
                    self.assertEqual(sorted(s[0][1] for _, s in got), sorted(ids))
                    for obj, sels in got:
                        self.assertEqual([n for n, _ in sels], ["ShellId"])
                        if obj is not None:
                            self.assertEqual(obj.findtext("rsp:ShellId", namespaces=NS), sels[0][1])
        # pypsrp's way: optimized, MaxElements, a SelectorFilter on ShellId
        w = self.walk(SHELL_URI, "tcp", None, True, [("ShellId", ids[2])], max_elements=32000)
        self.assertEqual([o.findtext("rsp:ShellId", namespaces=NS) for o in w.items], [ids[2]])
        sels = self.decode(self.walk(SHELL_URI, "tcp", EPR, True, [("ShellId", ids[4])]).items[0], EPR,
                           SHELL_URI)[1]
        root = self.assertSoap(self.post_tcp(envelope(T_GET, SHELL_URI, selectors=dict(sels))))
        self.assertEqual(root.findtext("s:Body/rsp:Shell/rsp:ShellId", namespaces=NS), ids[4])


if __name__ == "__main__":
    unittest.main()
