"""Authentication over TCP (Basic through PAM) and the control socket.

The OMIGOD regression (CVE-2021-38647: OMI ran requests that carried no
Authorization header as root) is written out case by case: every request
below would succeed if it were authenticated, and each must get a bare 401
without anything having run.  "Nothing ran" is checked through soap_trace:
the daemon traces every request that got past authentication, so the
number of traced requests must not move.
"""

import base64
import os
import re
import unittest

import winrm.exceptions

from harness import (ADMIN_PASS, ADMIN_USER, CANARY, IDENTIFY, NS, PLAIN_BASIC, PLAIN_PASS,
                     PLAIN_USER, SOAP_CT, T_GET, DaemonTestCase, basic, envelope, get_this,
                     new_message_id, raw_exchange, request)

TRACED = re.compile(r"soap trace request: ")


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


class BasicAuthTest(DaemonTestCase):
    CONFIG = dict(PLAIN_BASIC, soap_trace="true", **{"service.auth_cache_ms": "0"})

    def traced(self):
        return len(TRACED.findall(self.daemon.stderr()))

    def assertRefused(self, authorization, body=None, content_type=SOAP_CT):
        """A Get of "this" with this Authorization (None = no header) gets a
        401 with a Basic challenge and nothing reaches the SOAP layer."""
        before = self.traced()
        headers = {} if authorization is None else {"Authorization": authorization}
        resp = self.post_tcp(get_this() if body is None else body, auth=None,
                             headers=headers, content_type=content_type)
        self.assert401(resp)
        self.assertEqual(self.traced(), before, "a refused request reached the SOAP layer")
        return resp

    # The control: the same request with the right credentials succeeds.
    def test_control_valid_credentials(self):
        before = self.traced()
        mid = new_message_id()
        resp = self.post_tcp(get_this(mid), auth=(ADMIN_USER, ADMIN_PASS))
        self.assertSoap(resp, 200)
        self.assertIsNotNone(resp.doc.find("s:Body/t:This", NS))
        self.assertEqual(self.traced(), before + 1)

    def test_control_non_admin_is_authenticated_not_authorised(self):
        # Authentication succeeds (Identify works), but the default RootSDDL
        # admits administrators only: a 401 or a w:AccessDenied fault.
        self.assertSoap(self.post_tcp(IDENTIFY, auth=(PLAIN_USER, PLAIN_PASS)), 200)
        resp = self.post_tcp(get_this(), auth=(PLAIN_USER, PLAIN_PASS))
        if resp.status == 401:
            self.assert401(resp)
        else:
            self.assertFault(resp, ("w", "AccessDenied"))
            self.assertIsNone(resp.doc.find("s:Body/t:This", NS))

    def test_scheme_name_is_case_insensitive(self):
        resp = self.post_tcp(get_this(), auth=None, headers={
            "Authorization": "basic " + b64(("%s:%s" % (ADMIN_USER, ADMIN_PASS)).encode())})
        self.assertSoap(resp, 200)

    # --- OMIGOD: each of these must be a 401 --------------------------------
    def test_no_authorization_header(self):
        self.assertRefused(None)

    def test_empty_authorization_header(self):
        self.assertRefused("")

    def test_basic_without_credentials(self):
        self.assertRefused("Basic")

    def test_basic_with_blank_credentials(self):
        self.assertRefused("Basic    ")

    def test_basic_malformed_base64(self):
        self.assertRefused("Basic !!!not*base64%%%")

    def test_basic_truncated_base64(self):
        good = b64(("%s:%s" % (ADMIN_USER, ADMIN_PASS)).encode())
        self.assertRefused("Basic " + good[:-3])

    def test_basic_without_colon(self):
        self.assertRefused("Basic " + b64((ADMIN_USER + ADMIN_PASS).encode()))

    def test_basic_empty_user_name(self):
        self.assertRefused("Basic " + b64((":" + ADMIN_PASS).encode()))

    def test_basic_empty_user_and_password(self):
        self.assertRefused("Basic " + b64(b":"))

    def test_basic_empty_password(self):
        self.assertRefused(basic(ADMIN_USER, ""))

    def test_basic_user_prefix_of_real_user(self):
        self.assertRefused(basic(ADMIN_USER[:3], ADMIN_PASS))

    def test_basic_user_extending_real_user(self):
        self.assertRefused(basic(ADMIN_USER + "x", ADMIN_PASS))

    def test_basic_nul_in_user_name(self):
        # Truncating at the NUL would authenticate as alice.
        self.assertRefused(basic(ADMIN_USER.encode() + b"\x00evil", ADMIN_PASS))

    def test_basic_nul_after_user_name(self):
        self.assertRefused(basic(ADMIN_USER.encode() + b"\x00", ADMIN_PASS))

    def test_basic_nul_in_password(self):
        self.assertRefused(basic(ADMIN_USER, ADMIN_PASS.encode() + b"\x00junk"))

    def test_basic_newline_in_user_name(self):
        self.assertRefused(basic(ADMIN_USER + "\n", ADMIN_PASS))

    def test_basic_wrong_password(self):
        self.assertRefused(basic(ADMIN_USER, "wrong-password"))

    def test_basic_password_prefix(self):
        self.assertRefused(basic(ADMIN_USER, ADMIN_PASS[:-1]))

    def test_basic_password_of_another_user(self):
        self.assertRefused(basic(ADMIN_USER, PLAIN_PASS))

    def test_basic_user_case(self):
        self.assertRefused(basic(ADMIN_USER.upper(), ADMIN_PASS))

    def test_basic_unknown_user(self):
        self.assertRefused(basic("mallory", ADMIN_PASS))

    def test_basic_root_without_password(self):
        self.assertRefused(basic("root", ""))

    def test_basic_oversized_credentials(self):
        self.assertRefused(basic(ADMIN_USER, "x" * 6000))

    def test_negotiate_garbage(self):
        self.assertRefused("Negotiate " + b64(os.urandom(64)))

    def test_negotiate_empty(self):
        self.assertRefused("Negotiate")

    def test_kerberos_garbage(self):
        self.assertRefused("Kerberos " + b64(b"\x60\x82garbage"))

    def test_ntlm_garbage(self):
        self.assertRefused("NTLM TlRMTVNTUAABAAAAB4IIAAAAAAAAAAAAAAAAAAAAAAA=")

    def test_credssp_garbage(self):
        self.assertRefused("CredSSP " + b64(b"\x30\x00"))

    def test_certificate_scheme(self):
        self.assertRefused("http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual")

    def test_unknown_scheme(self):
        self.assertRefused("Bearer eyJhbGciOiJub25lIn0.e30.")

    def test_two_authorization_headers(self):
        # One good, one bad: never authenticate on an ambiguous request.
        before = self.traced()
        s = self.raw_socket()
        body = get_this()
        data = ("POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n"
                "Authorization: Basic %s\r\nAuthorization: %s\r\nContent-Length: %d\r\n\r\n"
                % (SOAP_CT, b64(b"mallory:x"), basic(ADMIN_USER, ADMIN_PASS), len(body))
                ).encode() + body
        resp = raw_exchange(s, data)
        self.assertIn(resp.status, (400, 401), resp)
        self.assertEqual(self.traced(), before)

    def test_content_length_zero_unauthenticated(self):
        self.assertRefused(None, body=b"")

    def test_content_length_zero_bad_password(self):
        self.assertRefused(basic(ADMIN_USER, "wrong"), body=b"")

    def test_no_body_no_content_type_unauthenticated(self):
        self.assertRefused(None, body=b"", content_type=None)

    def test_identify_unauthenticated_without_flag(self):
        self.assertRefused(None, body=IDENTIFY.encode())

    def test_identify_flag_with_bad_credentials(self):
        # Credentials were offered: they are checked, not ignored.
        before = self.traced()
        resp = self.post_tcp(IDENTIFY, auth=None, headers={
            "Authorization": basic(ADMIN_USER, "wrong"), "WSMANIDENTIFY": "unauthenticated"})
        self.assert401(resp)
        self.assertEqual(self.traced(), before)

    def test_authenticated_empty_post_is_200(self):
        # pywinrm's encryption set-up POST: authenticated, empty, 200.
        resp = self.post_tcp(b"", auth=(ADMIN_USER, ADMIN_PASS))
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.body, b"")

    def test_refusal_then_success_on_one_connection(self):
        conn = self.tcp()
        r1 = request(conn, get_this(), headers={"Authorization": basic(ADMIN_USER, "wrong")})
        self.assert401(r1)
        conn.close()
        r2 = request(conn, get_this(), headers={"Authorization": basic(ADMIN_USER, ADMIN_PASS)})
        self.assertSoap(r2, 200)

    def test_pywinrm_bad_password(self):
        p = self.pywinrm(password="wrong")
        with self.assertRaises(winrm.exceptions.InvalidCredentialsError):
            p.send_message(get_this().decode())


class ControlSocketTest(DaemonTestCase):
    """SO_PEERCRED identifies the peer; root needs no password."""
    TCP = False

    def test_root_without_password(self):
        mid = new_message_id()
        resp = self.post_unix(get_this(mid))
        self.assertSoap(resp, 200)
        self.assertReplyHeaders(resp, mid, T_GET + "Response")

    def test_authorization_header_is_ignored(self):
        # Bad credentials on the control socket do not matter: the kernel vouches.
        resp = self.post_unix(get_this(), headers={"Authorization": basic("mallory", "x")})
        self.assertSoap(resp, 200)

    def test_socket_mode(self):
        st = os.stat(self.daemon.socket_path)
        self.assertEqual(st.st_mode & 0o777, 0o660)
        self.assertEqual(st.st_uid, 0)

    def test_non_admin_uid_refused(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to switch uid")
        import subprocess
        import sys
        # nobody is not in an admin group; the daemon's NSS view has no such
        # uid, so it cannot be an administrator either way.
        code = (
            "import os, socket\n"
            "os.setgid(65534); os.setuid(65534)\n"
            "s = socket.socket(socket.AF_UNIX); s.settimeout(10)\n"
            "s.connect(%r)\n"
            "b = %r\n"
            "s.sendall(b'POST /wsman HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/soap+xml\\r\\n'"
            " + b'Content-Length: ' + str(len(b)).encode() + b'\\r\\n\\r\\n' + b)\n"
            "print(s.recv(100).split(b'\\r\\n')[0].decode())\n" % (self.daemon.socket_path, get_this()))
        # The socket is 0660 root:<admin group>; let nobody reach it, then
        # put every mode back as it was (the daemon's unprivileged user
        # must still reach its state directory).
        paths = (self.daemon.socket_path, self.daemon.state_dir, self.daemon.tmp)
        modes = [os.stat(p).st_mode & 0o7777 for p in paths]
        for p, mode in zip(paths, (0o666, 0o755, 0o755)):
            os.chmod(p, mode)
        try:
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 timeout=30)
        finally:
            for p, mode in zip(paths, modes):
                os.chmod(p, mode)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout.strip(), r"^HTTP/1\.1 (401|403) ")
        self.assertStillServing()


class PlainBasicRefusedTest(DaemonTestCase):
    """Default configuration: Basic over plain HTTP is refused, and not offered."""
    CONFIG = {"soap_trace": "true"}

    def test_valid_basic_refused_without_challenge(self):
        before = len(TRACED.findall(self.daemon.stderr()))
        resp = self.post_tcp(get_this(), auth=(ADMIN_USER, ADMIN_PASS))
        self.assert401(resp, challenge=False)
        self.assertEqual(len(TRACED.findall(self.daemon.stderr())), before)

    def test_no_credentials_no_basic_challenge(self):
        self.assert401(self.post_tcp(get_this(), auth=None), challenge=False)

    def test_pywinrm_sees_rejected_credentials(self):
        p = self.pywinrm()
        with self.assertRaises(winrm.exceptions.InvalidCredentialsError):
            p.send_message(IDENTIFY)

    def test_control_socket_still_works(self):
        self.assertSoap(self.post_unix(get_this()), 200)


class PlainSchemesMissingTest(DaemonTestCase):
    """allow_unencrypted alone is not enough: Basic must be listed in plain_schemes."""
    CONFIG = {"service.allow_unencrypted": "true"}

    def test_valid_basic_refused(self):
        self.assert401(self.post_tcp(get_this(), auth=(ADMIN_USER, ADMIN_PASS)), challenge=False)


class BasicDisabledTest(DaemonTestCase):
    """service.auth.basic = false wins over the plain-HTTP settings."""
    CONFIG = dict(PLAIN_BASIC, **{"service.auth.basic": "false"})

    def test_valid_basic_refused(self):
        self.assert401(self.post_tcp(get_this(), auth=(ADMIN_USER, ADMIN_PASS)), challenge=False)


class CanaryTest(DaemonTestCase):
    """The password never reaches the log or the state directory, even with
    soap_trace on and a password inside a SOAP body."""
    CONFIG = dict(PLAIN_BASIC, soap_trace="true")

    def exercise(self):
        ok = self.post_tcp(get_this(), auth=(ADMIN_USER, CANARY))
        self.assertSoap(ok, 200)
        self.assertSoap(self.post_tcp(IDENTIFY, auth=(ADMIN_USER, CANARY)), 200)
        # cached success, then failures that carry the canary
        self.assertSoap(self.post_tcp(get_this(), auth=(ADMIN_USER, CANARY)), 200)
        self.assert401(self.post_tcp(get_this(), auth=(PLAIN_USER, CANARY)))
        self.assert401(self.post_tcp(get_this(), auth=("mallory", CANARY)))
        self.assert401(self.post_tcp(get_this(), auth=(ADMIN_USER, CANARY + "x")))
        self.assert401(self.post_tcp(get_this(), auth=(ADMIN_USER, CANARY[:-1])))
        # A password inside a traced SOAP body is redacted.
        body = envelope("wsman:system/2005/06/this/SetPassword", "wsman:system/2005/06/this",
                        body="<p:SetPassword_INPUT><p:Password>%s</p:Password>"
                             "<p:UserPassword>%s</p:UserPassword>"
                             "<p:Credential>%s</p:Credential></p:SetPassword_INPUT>"
                             % (CANARY, CANARY, CANARY))
        resp = self.post_tcp(body, auth=(ADMIN_USER, CANARY))
        self.assertFault(resp)
        # and through pywinrm
        self.pywinrm(password=CANARY).send_message(IDENTIFY)
        with self.assertRaises(winrm.exceptions.InvalidCredentialsError):
            self.pywinrm(user=PLAIN_USER, password=CANARY).send_message(IDENTIFY)

    def test_canary_never_logged_or_stored(self):
        self.exercise()
        self.assertIn("soap trace request", self.daemon.stderr(), "soap_trace did not trace")
        problems = self.daemon.stop()
        self.assertEqual(problems, [])
        needles = [CANARY.encode()]
        for user in (ADMIN_USER, PLAIN_USER, "mallory"):
            creds = ("%s:%s" % (user, CANARY)).encode()
            needles += [creds, base64.b64encode(creds)]
        log = self.daemon.stderr().encode()
        for n in needles:
            self.assertNotIn(n, log, "the canary leaked into the log")
        scanned = 0
        for top, dirs, files in os.walk(self.daemon.state_dir):
            for name in files:
                path = os.path.join(top, name)
                if not os.path.isfile(path) or os.path.islink(path):
                    continue
                with open(path, "rb") as f:
                    data = f.read()
                scanned += 1
                for n in needles:
                    self.assertNotIn(n, data, "the canary leaked into " + path)
        self.assertGreaterEqual(scanned, 1)   # winrmd.conf at least


if __name__ == "__main__":
    unittest.main()
