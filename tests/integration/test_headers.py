"""Request headers that must be honoured or refused (issue 13), over the
control socket and over TCP, asserting on the parsed replies:

- wsman:MaxEnvelopeSize under 8192 octets is refused with w:EncodingLimit
  and the MinimumEnvelopeLimit detail (DSP0226 6.2; MS-WSMAN 3.1.4.1.9
  says MUST for the 2005/06 generation); 8192 is served; a reply that does
  not fit the client's value is w:EncodingLimit with the MaxEnvelopeSize
  detail, for an Invoke answered late too;
- wsman:FragmentTransfer marked mustUnderstand is served (Get and Put of
  the configuration resources: simple paths, w:XmlFragment) or refused with
  w:UnsupportedFeature and the FragmentLevelAccess detail (DSP0226 7.7),
  never ignored; one that is not marked is a:InvalidMessageInformationHeader
  (MS-WSMV 3.1.4.1.18);
- the other headers the core reads: a Locale or DataLocale marked
  mustUnderstand in a language the service does not write is
  w:UnsupportedFeature with the Locale detail; OperationID, SequenceId and
  CompressionType marked mustUnderstand are s:MustUnderstand (robust
  connections and compression are not served); SessionId and ActivityId
  are identifiers and are accepted;
- a request whose WS-Management headers are in the 2005/06 namespace
  (WinRM 1.0) is answered in it: the envelope's w, fault subcodes and
  details, the seed's WSManFault and the seed's ResourceCreated, for every
  resource; a request in the DMTF namespace is answered as before."""

import unittest

from lxml import etree

from harness import (ANONYMOUS, E_ENUMERATE, IDENTIFY, NS, PLAIN_BASIC, T_GET, T_PUT, THIS_URI, envelope,
                     new_message_id)
from listener_helpers import T_CREATE, T_DELETE, free_port, listener_doc
from test_processes import run_provider
from test_config_resource import CUR, LEGACY_URI, ConfigCase, current_put, nest, walk, with_max_envelope

DMTF = NS["w"]
W05 = NS["w05"]
DETAIL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"
DETAIL_05 = W05 + "/faultDetail/"
WSMAN_FAULT = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
ADDRESSING_FAULT = NS["a"] + "/fault"
LISTENER_LEGACY = "wsman:microsoft.com/wsman/2005/06/config/Listener"
LISTENER_LEGACY_NS = "wsman:microsoft.com/wsman/2005/06/config/listener.xsd"
LISTENER_CUR = "http://schemas.microsoft.com/wbem/wsman/1/config/listener"
ENCODING_LIMIT = ("w", "EncodingLimit")
UNSUPPORTED = ("w", "UnsupportedFeature")
BAD_HEADER = ("a", "InvalidMessageInformationHeader")
RUN_URI = "http://example.org/winrmd/test/run"


def in_2005(env_bytes):
    """The harness's request with its WS-Management headers in the 2005/06
    namespace, as WinRM 1.0 writes them."""
    old = b'xmlns:w="%s"' % DMTF.encode()
    assert old in env_bytes
    return env_bytes.replace(old, b'xmlns:w="%s"' % W05.encode())


def fragment(expr, mu='s:mustUnderstand="true"', dialect=None):
    d = ' Dialect="%s"' % dialect if dialect else ""
    return '<w:FragmentTransfer %s%s>%s</w:FragmentTransfer>' % (mu, d, expr)


class HeaderCase(ConfigCase):
    CONFIG = PLAIN_BASIC

    def both(self, env_bytes):
        """The same request over the control socket and over TCP (Basic)."""
        return [("unix", self.post_unix(env_bytes)), ("tcp", self.post_tcp(env_bytes))]

    def detail(self, fault, ns=DMTF):
        return fault.findtext("s:Detail/{%s}FaultDetail" % ns, namespaces=NS)

    def assertCode(self, fault, full, resp=None):
        """The WSManFault Code: today's whole code, or the seed's low word
        in the seed's shape (a seed URI)."""
        wf = fault.find("s:Detail/f:WSManFault", NS)
        if wf is not None:
            self.assertEqual(wf.get("Code"), str(full), resp)
        else:
            self.assertEqual(fault.find("s:Detail/f05:WSManFault", NS).get("Code"), str(full & 0xffff), resp)

    def assertNoDmtf(self, resp):
        """Nothing in the reply is in the DMTF WS-Management namespace."""
        for el in resp.doc.iter():
            if isinstance(el.tag, str):
                self.assertNotEqual(etree.QName(el).namespace, DMTF, resp)
        self.assertNotIn(DMTF.encode(), resp.body, resp)


class MaxEnvelopeSizeTest(HeaderCase):

    def test_under_8192_is_refused(self):
        for size in (1, 512, 8191):
            mid = new_message_id()
            for via, resp in self.both(with_max_envelope(envelope(T_GET, CUR, message_id=mid), size)):
                with self.subTest(size=size, via=via):
                    fault = self.assertFault(resp, ENCODING_LIMIT, code="Sender")
                    self.assertReplyHeaders(resp, mid, WSMAN_FAULT)
                    self.assertEqual(self.detail(fault), DETAIL + "MinimumEnvelopeLimit", resp)
                    self.assertCode(fault, 0x8033807E, resp)
                    self.assertLessEqual(len(resp.body), 8192)

    def test_8192_is_served(self):
        for via, resp in self.both(with_max_envelope(envelope(T_GET, THIS_URI), 8192)):
            with self.subTest(via=via):
                root = self.assertSoap(resp, 200)
                self.assertIsNotNone(root.find("s:Body/t:This", NS), resp)
                self.assertLessEqual(len(resp.body), 8192)

    def test_put_under_8192_changes_nothing(self):
        before = self.snapshot()
        put = with_max_envelope(current_put(nest("MaxBatchItems", 77)), 4096)
        for via, resp in self.both(put):
            with self.subTest(via=via):
                self.assertEqual(self.detail(self.assertFault(resp, ENCODING_LIMIT)),
                                 DETAIL + "MinimumEnvelopeLimit", resp)
        self.assertUnchanged(before)

    def test_every_operation_checks_it(self):
        small = lambda b: with_max_envelope(b, 8000)
        requests = {
            "Enumerate": envelope(E_ENUMERATE, LISTENER_CUR, body="<n:Enumerate/>"),
            "Delete": envelope(T_DELETE, LISTENER_CUR, selectors={"Address": "*", "Transport": "HTTP"}),
            "Invoke": envelope(THIS_URI + "/Frob", THIS_URI),
        }
        for name, env in requests.items():
            with self.subTest(op=name):
                fault = self.assertFault(self.post_unix(small(env)), ENCODING_LIMIT)
                self.assertEqual(self.detail(fault), DETAIL + "MinimumEnvelopeLimit")

    def test_seed_uri_gets_the_seed_fault(self):
        resp = self.post_unix(with_max_envelope(envelope(T_GET, LEGACY_URI), 8191))
        fault = self.assertFault(resp, ENCODING_LIMIT)
        self.assertEqual(self.detail(fault), DETAIL + "MinimumEnvelopeLimit")
        # the low word of 0x8033807E, in the seed's nested WSManFault
        outer = fault.find("s:Detail/f05:WSManFault", NS)
        self.assertEqual(outer.get("Code"), str(0x807E), resp)
        inner = outer.find("f05:Message/f05:ProviderFault/f05:WSManFault", NS)
        self.assertEqual(inner.get("Code"), str(0x807E), resp)

    def test_not_a_number_is_a_bad_header(self):
        resp = self.post_unix(envelope(T_GET, CUR).replace(b">153600<", b">big<"))
        self.assertFault(resp, BAD_HEADER)


class ReplyTooBigTest(HeaderCase):
    """A reply that does not fit the client's MaxEnvelopeSize: Get, Put
    (tested in test_config_limits.py) and an Invoke answered later."""
    CONFIG = dict(PLAIN_BASIC, **{"service.root_sddl": "O:NSG:BAD:P(A;;GA;;;BA)(A;;GXGR;;;AU)"})
    EXTRA_PROVIDERS = staticmethod(run_provider)

    def run_env(self, command, size):
        body = '<t:Run_INPUT xmlns:t="%s"><t:Command>%s</t:Command></t:Run_INPUT>' % (RUN_URI, command)
        return with_max_envelope(envelope(RUN_URI + "/Run", RUN_URI, body=body), size)

    def test_invoke_reply_over_the_client_limit(self):
        for via, resp in self.both(self.run_env('printf "%012000d" 0', 8192)):
            with self.subTest(via=via):
                fault = self.assertFault(resp, ENCODING_LIMIT)
                self.assertEqual(self.detail(fault), DETAIL + "MaxEnvelopeSize", resp)
                self.assertCode(fault, 0x80338048, resp)
                self.assertLessEqual(len(resp.body), 8192)
        # with room for it, the same command answers
        for via, resp in self.both(self.run_env('printf "%012000d" 0', 20000)):
            with self.subTest(via=via, room=True):
                root = self.assertSoap(resp, 200)
                out = root.findtext("s:Body/t:Run_OUTPUT/t:Stdout", namespaces={"s": NS["s"], "t": RUN_URI})
                self.assertEqual(out, "0" * 12000)


class FragmentRefusedTest(HeaderCase):
    """Resources that do not serve fragments refuse the header, and so do
    operations other than Get and Put; nothing is ever answered as if the
    header were absent."""

    def assertFragmentRefused(self, resp, mid=None):
        fault = self.assertFault(resp, UNSUPPORTED, code="Sender")
        self.assertEqual(self.detail(fault), DETAIL + "FragmentLevelAccess", resp)
        self.assertCode(fault, 0x80338077, resp)
        if mid:
            self.assertReplyHeaders(resp, mid, WSMAN_FAULT)
        return fault

    def test_get_of_a_resource_without_fragments(self):
        for uri in (THIS_URI, LISTENER_CUR):
            mid = new_message_id()
            sel = {"Address": "*", "Transport": "HTTP"} if uri == LISTENER_CUR else None
            env = envelope(T_GET, uri, message_id=mid, selectors=sel, extra_headers=fragment("Vendor"))
            for via, resp in self.both(env):
                with self.subTest(uri=uri, via=via):
                    self.assertFragmentRefused(resp, mid)

    def test_operations_that_take_no_fragment(self):
        port = free_port()
        requests = {
            "Create": envelope(T_CREATE, LISTENER_LEGACY, selectors={"IP": "127.0.0.1", "Port": str(port)},
                               body=listener_doc(LISTENER_LEGACY_NS, [("Transport", "HTTP")]),
                               extra_headers=fragment("Enabled")),
            "Delete": envelope(T_DELETE, LISTENER_LEGACY, selectors={"IP": "127.0.0.1", "Port": str(port)},
                               extra_headers=fragment("Enabled")),
            "Enumerate": envelope(E_ENUMERATE, LISTENER_CUR, body="<n:Enumerate/>",
                                  extra_headers=fragment("Enabled")),
            "Invoke": envelope(THIS_URI + "/Frob", THIS_URI, extra_headers=fragment("Vendor")),
        }
        for name, env in requests.items():
            for via, resp in self.both(env):
                with self.subTest(op=name, via=via):
                    self.assertFragmentRefused(resp)
        # the Create was refused, not done
        resp = self.post_unix(envelope(T_GET, LISTENER_LEGACY, selectors={"IP": "127.0.0.1", "Port": str(port)}))
        self.assertFault(resp, ("a", "DestinationUnreachable"))

    def test_identify_with_a_fragment(self):
        body = IDENTIFY.replace("<s:Header/>", '<s:Header><w:FragmentTransfer xmlns:w="%s" '
                                's:mustUnderstand="true">x</w:FragmentTransfer></s:Header>' % DMTF)
        self.assertFragmentRefused(self.post_unix(body))

    def test_put_with_a_fragment_on_a_listener_changes_nothing(self):
        before = self.snapshot()
        env = envelope(T_PUT, LISTENER_CUR, selectors={"Address": "*", "Transport": "HTTP"},
                       body='<w:XmlFragment>false</w:XmlFragment>', extra_headers=fragment("Enabled/text()"))
        for via, resp in self.both(env):
            with self.subTest(via=via):
                self.assertFragmentRefused(resp)
        self.assertUnchanged(before)

    def test_not_marked_must_understand(self):
        # MS-WSMV 3.1.4.1.18: the header must be marked mustUnderstand
        for mu in ('s:mustUnderstand="false"', "", 'mustUnderstand="true"'):
            mid = new_message_id()
            env = envelope(T_GET, CUR, message_id=mid, extra_headers=fragment("MaxBatchItems", mu=mu))
            for via, resp in self.both(env):
                with self.subTest(mu=mu, via=via):
                    fault = self.assertFault(resp, BAD_HEADER)
                    self.assertReplyHeaders(resp, mid, ADDRESSING_FAULT)
                    self.assertIn("mustUnderstand", "".join(fault.find("s:Detail", NS).itertext()))

    def test_two_fragment_headers(self):
        env = envelope(T_GET, CUR, extra_headers=fragment("MaxBatchItems") + fragment("MaxTimeoutms"))
        self.assertFault(self.post_unix(env), BAD_HEADER)


CUR_NS = CUR
XPATH10 = "http://www.w3.org/TR/1999/REC-xpath-19991116"


class FragmentConfigTest(HeaderCase):
    """Fragment-level Get and Put on the configuration resource (DSP0226
    7.7): simple XPath paths from the representation's root element; the
    reply is w:XmlFragment."""

    def get_fragment(self, expr, uri=CUR, via="unix", **kw):
        env = envelope(T_GET, uri, extra_headers=fragment(expr, **kw))
        return self.post_unix(env) if via == "unix" else self.post_tcp(env)

    def put_fragment(self, expr, content, uri=CUR, via="unix"):
        env = envelope(T_PUT, uri, body="<w:XmlFragment>%s</w:XmlFragment>" % content,
                       extra_headers=fragment(expr))
        return self.post_unix(env) if via == "unix" else self.post_tcp(env)

    def xml_fragment(self, resp, ns=DMTF):
        root = self.assertSoap(resp, 200)
        kids = list(root.find("s:Body", NS))
        self.assertEqual(len(kids), 1, resp)
        self.assertEqual(kids[0].tag, "{%s}XmlFragment" % ns, resp)
        return kids[0]

    def test_get_element_and_text(self):
        whole = self.get_config(CUR)
        want = walk(whole, "Service/MaxConnections").text
        for via in ("unix", "tcp"):
            with self.subTest(via=via):
                xf = self.xml_fragment(self.get_fragment("Service/MaxConnections", via=via))
                self.assertEqual([c.tag for c in xf], ["{%s}MaxConnections" % CUR_NS])
                self.assertEqual(xf[0].text, want)
                xf = self.xml_fragment(self.get_fragment("Service/MaxConnections/text()", via=via))
                self.assertEqual((len(xf), xf.text), (0, want))

    def test_get_group_absolute_prefixed_and_positional(self):
        whole = self.get_config(CUR)
        xf = self.xml_fragment(self.get_fragment("Service/Auth"))
        self.assertEqual(etree.tostring(xf[0], method="c14n"),
                         etree.tostring(walk(whole, "Service/Auth"), method="c14n"))
        for expr in ("/Config/MaxBatchItems", "MaxBatchItems[1]", "c:MaxBatchItems", " MaxBatchItems\n"):
            with self.subTest(expr=expr):
                env = envelope(T_GET, CUR, extra_headers='<w:FragmentTransfer xmlns:c="%s" s:mustUnderstand='
                               '"true" Dialect="%s">%s</w:FragmentTransfer>' % (CUR_NS, XPATH10, expr))
                xf = self.xml_fragment(self.post_unix(env))
                self.assertEqual(xf[0].text, walk(whole, "MaxBatchItems").text)

    def test_seed_view_and_2005_namespace(self):
        xf = self.xml_fragment(self.get_fragment("Service/MaxConnections", uri=LEGACY_URI))
        self.assertEqual(xf[0].tag, "{wsman:microsoft.com/wsman/2005/06/config.xsd}MaxConnections")
        resp = self.post_unix(in_2005(envelope(T_GET, LEGACY_URI, extra_headers=fragment("MaxEnvelopeSizekb/text()"))))
        xf = self.xml_fragment(resp, ns=W05)
        self.assertEqual(xf.text, "50")
        self.assertNoDmtf(resp)

    def test_put_text_and_element(self):
        before = self.value("Service/MaxConnections", CUR)
        self.addCleanup(lambda: self.put_fragment("Service/MaxConnections/text()", before))
        for via, value in (("unix", "17"), ("tcp", "18")):
            with self.subTest(via=via):
                xf = self.xml_fragment(self.put_fragment("Service/MaxConnections/text()", value, via=via))
                self.assertEqual(xf.text, value)
                self.assertEqual(self.value("Service/MaxConnections", CUR), value)
                self.assertEqual(self.store().get("service.max_connections"), value)
        # the element form, unqualified as DSP0226's examples write it, or qualified
        for content in ("<MaxConnections>21</MaxConnections>",
                        '<c:MaxConnections xmlns:c="%s">22</c:MaxConnections>' % CUR_NS):
            with self.subTest(content=content):
                xf = self.xml_fragment(self.put_fragment("Service/MaxConnections", content, via="tcp"))
                self.assertEqual(xf[0].tag, "{%s}MaxConnections" % CUR_NS)
                self.assertEqual(xf[0].text, self.value("Service/MaxConnections", CUR))
        self.assertEqual(self.value("Service/MaxConnections", CUR), "22")

    def test_put_group_changes_only_what_it_names(self):
        self.addCleanup(lambda: self.put_fragment("Service/Auth/Basic/text()", "true"))
        before = self.get_config(CUR)
        xf = self.xml_fragment(self.put_fragment("Service/Auth", "<Auth><Basic>false</Basic></Auth>"))
        self.assertEqual(walk(xf[0], "Basic").text, "false")
        after = self.get_config(CUR)
        self.assertEqual(walk(after, "Service/Auth/Basic").text, "false")
        for path in ("Service/Auth/Negotiate", "Service/MaxConnections", "MaxBatchItems"):
            self.assertEqual(walk(after, path).text, walk(before, path).text)

    def test_round_trip_changes_nothing(self):
        before = self.snapshot()
        for expr in ("Service/MaxConnections", "Service/MaxConnections/text()", "MaxTimeoutms"):
            with self.subTest(expr=expr):
                xf = self.xml_fragment(self.get_fragment(expr))
                content = xf.text if expr.endswith("text()") else etree.tostring(xf[0]).decode()
                self.xml_fragment(self.put_fragment(expr, content))
        self.assertUnchanged(before)

    def test_put_refusals_change_nothing(self):
        before = self.snapshot()
        cases = [
            ("Service/MaxConnections/text()", "many", ("w", "InvalidParameter"), None),
            ("Service/MaxConnections", "<MaxBatchItems>3</MaxBatchItems>", ("x", "InvalidRepresentation"),
             "InvalidFragment"),
            ("Service/MaxConnections", "<MaxConnections>3</MaxConnections><MaxConnections>4</MaxConnections>",
             ("x", "InvalidRepresentation"), "InvalidFragment"),
            ("Service/MaxConnections/text()", "<MaxConnections>3</MaxConnections>",
             ("x", "InvalidRepresentation"), "InvalidFragment"),
            ("Service/Nothing/text()", "3", ("w", "InvalidParameter"), "InvalidValue"),
        ]
        for expr, content, sub, detail in cases:
            for via in ("unix", "tcp"):
                with self.subTest(expr=expr, content=content, via=via):
                    fault = self.assertFault(self.put_fragment(expr, content, via=via), sub)
                    if detail:
                        self.assertEqual(self.detail(fault), DETAIL + detail)
        # a body that is no XmlFragment
        env = envelope(T_PUT, CUR, body=current_put(nest("MaxBatchItems", 3)).decode().split("<s:Body>")[1]
                       .split("</s:Body>")[0], extra_headers=fragment("MaxBatchItems"))
        self.assertEqual(self.detail(self.assertFault(self.post_unix(env), ("x", "InvalidRepresentation"))),
                         DETAIL + "InvalidFragment")
        self.assertUnchanged(before)

    def test_paths_outside_the_simple_subset(self):
        for expr in ("Nothing", "Service/Nothing", "Service//MaxConnections", "Service/*", "@x", "..",
                     "Service/MaxConnections[2]", "Service/MaxConnections/", "text()", "/Client/Service",
                     "Service/MaxConnections[last()]", "count(Service)", "z:Service"):
            for via, resp in self.both(envelope(T_GET, CUR, extra_headers=fragment(expr))):
                with self.subTest(expr=expr, via=via):
                    fault = self.assertFault(resp, ("w", "InvalidParameter"))
                    self.assertEqual(self.detail(fault), DETAIL + "InvalidValue", resp)
                    self.assertCode(fault, 0x80338093, resp)

    def test_unknown_dialect(self):
        env = envelope(T_GET, CUR, extra_headers=fragment("MaxBatchItems", dialect="urn:example:jsonpath"))
        for via, resp in self.both(env):
            with self.subTest(via=via):
                fault = self.assertFault(resp, ("w", "FragmentDialectNotSupported"))
                self.assertCode(fault, 0x80338090, resp)


class HeaderAuditTest(HeaderCase):
    """Every other header the core reads, marked mustUnderstand."""

    def locale(self, lang, mu="true", name="w:Locale"):
        hdr = '<%s xml:lang="%s" s:mustUnderstand="%s"/>' % (name, lang, mu)
        return envelope(T_GET, THIS_URI, extra_headers=hdr).replace(
            b'<w:Locale xml:lang="en-US" s:mustUnderstand="false"/>', b"")

    def test_locale_must_understand_in_english_is_served(self):
        for lang in ("en-US", "en-GB", "en", "EN-us"):
            for name in ("w:Locale", "p:DataLocale"):
                for via, resp in self.both(self.locale(lang, name=name)):
                    with self.subTest(lang=lang, header=name, via=via):
                        self.assertSoap(resp, 200)

    def test_locale_must_understand_in_another_language_is_refused(self):
        for lang in ("de-DE", "fr", "english"):
            for name in ("w:Locale", "p:DataLocale"):
                for via, resp in self.both(self.locale(lang, name=name)):
                    with self.subTest(lang=lang, header=name, via=via):
                        fault = self.assertFault(resp, UNSUPPORTED)
                        self.assertEqual(self.detail(fault), DETAIL + "Locale", resp)
                        self.assertCode(fault, 0x80338087, resp)

    def test_locale_not_must_understand_is_a_hint(self):
        for name in ("w:Locale", "p:DataLocale"):
            with self.subTest(header=name):
                self.assertSoap(self.post_unix(self.locale("de-DE", mu="false", name=name)), 200)

    def test_robust_connection_and_compression_headers(self):
        for name, value in (("OperationID", "uuid:" + new_message_id()[5:]), ("SequenceId", "1"),
                            ("CompressionType", "xpress")):
            insisted = '<p:%s s:mustUnderstand="true">%s</p:%s>' % (name, value, name)
            hinted = '<p:%s s:mustUnderstand="false">%s</p:%s>' % (name, value, name)
            for via, resp in self.both(envelope(T_GET, THIS_URI, extra_headers=insisted)):
                with self.subTest(header=name, via=via):
                    self.assertFault(resp, code="MustUnderstand")
                    nu = resp.doc.find("s:Header/s:NotUnderstood", NS)
                    self.assertIsNotNone(nu, resp)
                    prefix, _, local = nu.get("qname").rpartition(":")
                    self.assertEqual((nu.nsmap.get(prefix), local), (NS["p"], name))
            self.assertSoap(self.post_unix(envelope(T_GET, THIS_URI, extra_headers=hinted)), 200)

    def test_identifiers_are_understood(self):
        for name in ("SessionId", "ActivityId"):
            hdr = '<p:%s s:mustUnderstand="true">uuid:%s</p:%s>' % (name, new_message_id()[5:], name)
            for via, resp in self.both(envelope(T_GET, THIS_URI, extra_headers=hdr)):
                with self.subTest(header=name, via=via):
                    self.assertSoap(resp, 200)


class Namespace2005Test(HeaderCase):
    """WinRM 1.0's requests, WS-Management headers in the 2005/06 namespace."""

    def test_get_answered_in_2005(self):
        mid = new_message_id()
        for via, resp in self.both(in_2005(envelope(T_GET, LEGACY_URI, message_id=mid))):
            with self.subTest(via=via):
                root = self.assertSoap(resp, 200)
                self.assertReplyHeaders(resp, mid, T_GET + "Response")
                self.assertEqual(root.nsmap.get("w"), W05, resp)
                self.assertNoDmtf(resp)
                self.assertEqual(walk(self.body_root(resp), "MaxEnvelopeSizekb").text, "50")

    def test_fault_in_2005(self):
        # an instance not found: a:DestinationUnreachable, the detail in
        # the 2005/06 namespace, the seed's WSManFault
        mid = new_message_id()
        env = in_2005(envelope(T_GET, LISTENER_LEGACY, message_id=mid,
                               selectors={"IP": "127.0.0.1", "Port": str(free_port())}))
        for via, resp in self.both(env):
            with self.subTest(via=via):
                fault = self.assertFault(resp, ("a", "DestinationUnreachable"))
                self.assertReplyHeaders(resp, mid, ADDRESSING_FAULT)
                self.assertEqual(self.detail(fault, W05), DETAIL_05 + "InvalidResourceURI", resp)
                self.assertEqual(fault.find("s:Detail/f05:WSManFault", NS).get("Code"), "32768", resp)
                self.assertNoDmtf(resp)

    def test_wsman_subcode_in_2005(self):
        # a WS-Management subcode resolves in the 2005/06 namespace; the
        # fault Action is that namespace's; a current URI asked for in
        # 2005/06 gets the seed's WSManFault too
        mid = new_message_id()
        env = in_2005(envelope(T_GET, LISTENER_CUR, message_id=mid, selectors={"Address": "*"}))
        for via, resp in self.both(env):
            with self.subTest(via=via):
                fault = self.assertFault(resp, ("w05", "InvalidSelectors"))
                self.assertReplyHeaders(resp, mid, W05 + "/fault")
                self.assertIsNotNone(fault.find("s:Detail/f05:WSManFault", NS), resp)
                self.assertIsNone(fault.find("s:Detail/f:WSManFault", NS), resp)
                self.assertNoDmtf(resp)

    def test_min_envelope_in_2005(self):
        env = in_2005(with_max_envelope(envelope(T_GET, CUR), 8191))
        for via, resp in self.both(env):
            with self.subTest(via=via):
                fault = self.assertFault(resp, ("w05", "EncodingLimit"))
                self.assertEqual(self.detail(fault, W05), DETAIL_05 + "MinimumEnvelopeLimit", resp)
                self.assertEqual(fault.find("s:Detail/f05:WSManFault", NS).get("Code"), str(0x807E), resp)
                self.assertNoDmtf(resp)

    def test_parse_fault_in_2005(self):
        # refused while the envelope is read: s:MustUnderstand, 2005/06 shapes
        mid = new_message_id()
        env = in_2005(envelope(T_GET, CUR, message_id=mid, extra_headers=(
            '<z:Frob xmlns:z="urn:example:frob" s:mustUnderstand="true">1</z:Frob>')))
        resp = self.post_unix(env)
        fault = self.assertFault(resp, code="MustUnderstand")
        self.assertReplyHeaders(resp, mid)
        self.assertIsNotNone(fault.find("s:Detail/f05:WSManFault", NS), resp)
        self.assertNoDmtf(resp)

    def create_in_2005(self, uri, sel, fields, via):
        env = in_2005(envelope(T_CREATE, uri, selectors=sel, body=listener_doc(
            LISTENER_LEGACY_NS if uri == LISTENER_LEGACY else LISTENER_CUR, fields)))
        return self.post_unix(env) if via == "unix" else self.post_tcp(env)

    def assertSeedCreated(self, resp, address, selectors):
        """The seed's ResourceCreated: the address names the resource; the
        selectors are wsman:Selector in the 2005/06 namespace."""
        root = self.assertSoap(resp, 200)
        rc = root.find("s:Body/x:ResourceCreated", NS)
        self.assertIsNotNone(rc, resp)
        self.assertEqual(rc.findtext("a:Address", namespaces=NS), address, resp)
        ref = rc.find("a:ReferenceParameters", NS)
        self.assertEqual([etree.QName(c).localname for c in ref], ["SelectorSet"], resp)
        sels = ref.findall("w05:SelectorSet/w05:Selector", NS)
        self.assertEqual([(s.get("Name"), s.text) for s in sels], selectors, resp)
        self.assertNoDmtf(resp)

    def test_created_in_2005_seed_uri(self):
        for via in ("unix", "tcp"):
            port = free_port()
            sel = {"IP": "127.0.0.1", "Port": str(port)}
            self.addCleanup(lambda s=sel: self.post_unix(envelope(T_DELETE, LISTENER_LEGACY, selectors=s)))
            resp = self.create_in_2005(LISTENER_LEGACY, sel, [("Transport", "HTTP")], via)
            with self.subTest(via=via):
                self.assertSeedCreated(resp, ANONYMOUS + "?ResourceURI=(wsman:microsoft.com/wsman/2005/06/config/"
                                       "listener)", [("IP", "127.0.0.1"), ("Port", str(port))])

    def test_created_in_2005_current_uri(self):
        # every resource: today's listener asked for in 2005/06
        port = free_port("::1")
        sel = {"Address": "IP:::1", "Transport": "HTTP"}
        self.addCleanup(lambda: self.post_unix(envelope(T_DELETE, LISTENER_CUR, selectors=sel)))
        resp = self.create_in_2005(LISTENER_CUR, sel, [("Port", str(port))], "tcp")
        self.assertSeedCreated(resp, ANONYMOUS + "?ResourceURI=(%s)" % LISTENER_CUR,
                               [("Address", "IP:::1"), ("Transport", "HTTP")])

    def test_dmtf_requests_unchanged(self):
        port = free_port("::1")
        sel = {"Address": "IP:::1", "Transport": "HTTP"}
        self.addCleanup(lambda: self.post_unix(envelope(T_DELETE, LISTENER_CUR, selectors=sel)))
        resp = self.post_tcp(envelope(T_CREATE, LISTENER_CUR, selectors=sel,
                                      body=listener_doc(LISTENER_CUR, [("Port", str(port))])))
        root = self.assertSoap(resp, 200)
        self.assertEqual(root.nsmap.get("w"), DMTF)
        rc = root.find("s:Body/x:ResourceCreated", NS)
        self.assertEqual(rc.findtext("a:Address", namespaces=NS), ANONYMOUS)
        self.assertEqual(rc.findtext("a:ReferenceParameters/w:ResourceURI", namespaces=NS), LISTENER_CUR)
        self.assertEqual([(s.get("Name"), s.text) for s in
                          rc.findall("a:ReferenceParameters/w:SelectorSet/w:Selector", NS)],
                         [("Address", "IP:::1"), ("Transport", "HTTP")])
        self.assertNotIn(W05.encode(), resp.body)
        resp = self.post_unix(envelope(T_GET, LISTENER_CUR, selectors={"Address": "IP:192.0.2.1",
                                                                       "Transport": "HTTP"}))
        fault = self.assertFault(resp, ("a", "DestinationUnreachable"))
        self.assertEqual(self.detail(fault), DETAIL + "InvalidResourceURI")
        self.assertCode(fault, 0x80338000)
        self.assertNotIn(W05.encode(), resp.body)


if __name__ == "__main__":
    unittest.main()
