#!/bin/sh
# shell.sh - commands through one WinRS shell of winrmd over HTTPS
# keep-alive, against OpenSSH on the same machine in the same run, and
# resident memory per open idle shell.
#
# Makes a self-signed certificate (certtool) in a temporary winrmd state and
# starts winrmd with one HTTPS listener record naming it by thumbprint (test
# account bench/bench, an administrator through the group sudo, only known
# to libpam-wrapper + pam_matrix, with auth, account and session lines, and
# libnss-wrapper: never the machine's own accounts; the network process runs
# as --user winrmd of those files; a private /tmp through unshare when it
# can, for pam_wrapper). Starts Debian's sshd (openssh-server) as root on
# another free 127.0.0.1 port with a temporary configuration only:
# throwaway host and user keys, AuthorizedKeysFile in the temporary folder,
# StrictModes no, UsePAM no, PermitRootLogin no, and the login bench (the
# same uid, home and /bin/sh, from libnss-wrapper files of its own) by that
# key only; the ssh client reads only the temporary ssh_config and
# known_hosts (-F). A Python client (http.client, one TLS connection,
# envelopes shaped like pywinrm 0.3.0's, written into the temporary folder)
# opens ONE shell and runs Command, Receive until Done, Signal terminate per
# command, like pywinrm's run_cmd on an open shell. In alternating rounds it
# measures commands per second of `true` (winrmd; `ssh HOST true`, a new
# connection each; the same over one ControlMaster connection) and the
# latency of an `echo x` round trip (median, p95); it measures RSS of
# winrmd's network process before and after opening SHELLS idle shells, and
# prints a summary table with the ratio winrmd / ssh ControlMaster. See
# README.md.
#
# Environment (all optional):
#   DURATION=5s       length of each measurement (commands/s, and the bound
#                     of each latency run)
#   ROUNDS=3          alternating rounds; medians are reported
#   LATENCY_COUNT=200 echo round trips per latency run (at most; DURATION bounds it)
#   SHELLS=200        idle shells of the memory test (0 skips it)
#   WINRMD_BUILD      a winrmd build folder (default: build/ in the repo);
#                     configured and built there if it holds no winrmd
#   REBUILD=1         run make in WINRMD_BUILD first even if winrmd exists
#   KEEP_TMP=1        keep the temporary folder   KEEP_LOG=1  print winrmd's log
#   WINRMD_USER=winrmd  the --user of winrmd's network process (an account of
#                     the bench's own NSS files); root: no privilege separation
# Needs: root (sshd, and winrmd's monitor starting processes as bench), what
# run.sh needs to build winrmd when it builds, curl, dpkg, coreutils'
# timeout, util-linux's unshare and mount, certtool (gnutls-bin),
# /usr/bin/python3, libpam-wrapper, libnss-wrapper, libpam-modules
# (pam_deny.so), ssh and ssh-keygen (openssh-client), /usr/sbin/sshd
# (openssh-server; its service need not run). Only 127.0.0.1 is used;
# everything is written under one temporary folder, removed on exit with
# every process this script started (sshd's privilege separation folder
# /run/sshd is made if missing, and then removed again).
set -eu

me=bench/shell.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"                        # the shared helpers; sets repo and py
duration=${DURATION:-5s}
rounds=${ROUNDS:-3}
lat_count=${LATENCY_COUNT:-200}
shells=${SHELLS:-200}
sshd=/usr/sbin/sshd

[ "$(id -u)" = 0 ] || die "run as root (sshd, and winrmd starting processes as another user)"
for tool in curl dpkg timeout certtool ssh ssh-keygen; do
        command -v "$tool" >/dev/null || die "$tool missing (apt-get install -y" \
                "curl gnutls-bin openssh-client openssh-server libpam-wrapper libnss-wrapper)"
done
[ -x "$sshd" ] || die "$sshd missing (apt-get install -y openssh-server; its service need not run)"
[ -x "$py" ] || die "$py missing"
case $rounds in ''|*[!0-9]*|0) die "ROUNDS must be a positive integer" ;; esac
case $lat_count in ''|*[!0-9]*|0) die "LATENCY_COUNT must be a positive integer" ;; esac
case $shells in ''|*[!0-9]*) die "SHELLS must be an integer" ;; esac
case $duration in
*s) dsec=${duration%s} ;;
*m) dsec=$((${duration%m} * 60)) ;;
*) dsec=$duration ;;
esac
case $dsec in ''|*[!0-9]*|0) die "DURATION must look like 5s or 1m" ;; esac

# --- cleanup ---------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/winrmd-shell-bench.XXXXXX")
winrmd_pid=
monitor_pid=
sshd_pid=
master_pid=
job_pid=
made_run_sshd=
cleanup() {
        trap '' INT TERM HUP            # a second signal does not cut the cleanup short
        stop "$job_pid"
        job_pid=
        if [ -n "$master_pid" ]; then    # the ControlMaster (ssh forked it; not our child)
                ssh -F "$tmp/ssh/config" -O exit -o ControlPath="$tmp/cm" 127.0.0.1 >/dev/null 2>&1 || true
                stop "$master_pid"
                master_pid=
        fi
        stop "$sshd_pid"
        sshd_pid=
        stop "$winrmd_pid"
        winrmd_pid=
        n=0                             # the monitor ends when the network process has
        while [ -n "$monitor_pid" ] && kill -0 "$monitor_pid" 2>/dev/null && [ "$n" -lt 50 ]; do
                sleep 0.1
                n=$((n + 1))
        done
        # without a private /tmp, pam_wrapper's folders of winrmd's processes
        # (naming this run's passdb) that ended: removed here (see privtmp)
        for d in /tmp/pam.?; do
                [ -f "$d/winrmd" ] && grep -q -F "passdb=$tmp/accounts/passdb" "$d/winrmd" 2>/dev/null || continue
                p=$(cat "$d/pid" 2>/dev/null || true)
                [ -n "$p" ] && kill -0 "$p" 2>/dev/null && continue
                rm -rf "$d"
        done
        if [ -n "$made_run_sshd" ]; then
                rmdir /run/sshd 2>/dev/null || true
                made_run_sshd=
        fi
        remove_tmp                      # unless KEEP_TMP
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- the client: pywinrm-shaped WinRS requests, and ssh run in a loop --------------
client=$tmp/client.py
cat >"$client" <<'PYEOF'
"""The bench's client (written by bench/shell.sh).

client.py winrs URL CAFILE USER PASSWORD SECONDS COUNT CMD [ARG]
    opens ONE shell over one HTTPS keep-alive connection and runs CMD like
    pywinrm's run_cmd on it (Command, Receive until Done, Signal terminate)
    for SECONDS (at most COUNT times; 0: no count), after 3 unmeasured
    runs; deletes the shell.
client.py exec SECONDS COUNT -- ARGV...
    runs ARGV the same way (a process each time).
client.py shells URL CAFILE USER PASSWORD N PID [PID...]
    VmRSS of each PID, then after opening N shells on one connection,
    then after deleting them.
client.py check URL CAFILE USER PASSWORD
    one shell: id -u, echo x, exit 3, false-command, printed.

Prints "key value" lines. Exit status 0, or 1 with an "error" line: a
command that failed, output other than expected, a reply that was not 200
(a TimedOut Receive is polled again, as pywinrm does), a second connection.
"""
import base64
import http.client
import os
import ssl
import subprocess
import sys
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

RSP = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
SHELL_URI = RSP + "/cmd"
NS = ('xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
      'xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
      'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
      'xmlns:b="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" '
      'xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" '
      'xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" '
      'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" '
      'xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd" '
      'xmlns:rsp="%s" '
      'xmlns:cfg="http://schemas.microsoft.com/wbem/wsman/1/config"' % RSP)
TIMED_OUT = b"2150858793"


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Fail(Exception):
    pass


class WinRS:
    """pywinrm 0.3.0's Protocol, as far as run_cmd on one shell goes."""

    def __init__(self, url, cafile, user, password):
        u = urllib.parse.urlsplit(url)
        self.url, self.path = url, u.path
        ctx = ssl.create_default_context(cafile=cafile)
        self.conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=30)
        self.headers = {
            "User-Agent": "Python WinRM client",
            "Accept-Encoding": "gzip, deflate",
            "Accept": "*/*",
            "Connection": "keep-alive",
            "Content-Type": "application/soap+xml;charset=UTF-8",
            "Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode(),
        }
        self.connects = 0
        self.requests = 0

    def envelope(self, action, shell_id=None, options=(), body=""):
        h = ('<a:To>%s</a:To><a:ReplyTo><a:Address mustUnderstand="true">'
             'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>'
             '<w:MaxEnvelopeSize mustUnderstand="true">153600</w:MaxEnvelopeSize>'
             '<a:MessageID>uuid:%s</a:MessageID>'
             '<w:Locale mustUnderstand="false" xml:lang="en-US"></w:Locale>'
             '<p:DataLocale mustUnderstand="false" xml:lang="en-US"></p:DataLocale>'
             '<w:OperationTimeout>PT20S</w:OperationTimeout>'
             '<w:ResourceURI mustUnderstand="true">%s</w:ResourceURI>'
             '<a:Action mustUnderstand="true">%s</a:Action>' % (self.url, uuid.uuid4(), SHELL_URI, action))
        if shell_id:
            h += '<w:SelectorSet><w:Selector Name="ShellId">%s</w:Selector></w:SelectorSet>' % shell_id
        if options:
            h += "<w:OptionSet>%s</w:OptionSet>" % "".join(
                '<w:Option Name="%s">%s</w:Option>' % kv for kv in options)
        return ('<?xml version="1.0" encoding="utf-8"?>\n<env:Envelope %s><env:Header>%s</env:Header>'
                '<env:Body>%s</env:Body></env:Envelope>' % (NS, h, body))

    def post(self, envelope, what, retry_timed_out=False):
        while True:
            if self.conn.sock is None:
                self.connects += 1
            self.conn.request("POST", self.path, envelope.encode(), self.headers)
            r = self.conn.getresponse()
            data = r.read()
            self.requests += 1
            if r.status == 200:
                return ET.fromstring(data)
            if retry_timed_out and r.status == 500 and TIMED_OUT in data:
                continue
            raise Fail("%s: HTTP %d: %s" % (what, r.status, data[:600].decode("utf-8", "replace")))

    def open_shell(self):
        root = self.post(self.envelope(
            "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create",
            options=(("WINRS_NOPROFILE", "FALSE"), ("WINRS_CODEPAGE", "437")),
            body="<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams>"
                 "<rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>"), "Create")
        for node in root.iter():
            if node.get("Name") == "ShellId" and node.text:
                return node.text
        raise Fail("Create: no ShellId")

    def close_shell(self, shell_id):
        self.conn.request("POST", self.path, self.envelope(
            "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete", shell_id).encode(), self.headers)
        r = self.conn.getresponse()
        r.read()
        self.requests += 1
        if r.status != 200:
            raise Fail("Delete: HTTP %d" % r.status)

    def run(self, shell_id, command, args):
        """run_command, get_command_output, cleanup_command: (stdout,
        stderr, exit code, Receives, [t Command, t Receives, t Signal])."""
        t0 = time.perf_counter()
        body = "<rsp:CommandLine><rsp:Command>%s</rsp:Command>" % esc(command)
        if args:
            body += "<rsp:Arguments>%s</rsp:Arguments>" % esc(" ".join(args))
        body += "</rsp:CommandLine>"
        root = self.post(self.envelope(
            RSP + "/Command", shell_id,
            (("WINRS_CONSOLEMODE_STDIN", "TRUE"), ("WINRS_SKIP_CMD_SHELL", "FALSE")), body), "Command")
        cid = root.find(".//{%s}CommandId" % RSP)
        if cid is None or not cid.text:
            raise Fail("Command: no CommandId")
        cid = cid.text
        t1 = time.perf_counter()
        out, err, code, receives = [], [], None, 0
        receive = self.envelope(RSP + "/Receive", shell_id, body=(
            '<rsp:Receive><rsp:DesiredStream CommandId="%s">stdout stderr</rsp:DesiredStream></rsp:Receive>' % cid))
        while code is None:
            root = self.post(receive, "Receive", retry_timed_out=True)
            receives += 1
            for s in root.iter("{%s}Stream" % RSP):
                if s.text:
                    (out if s.get("Name") == "stdout" else err).append(base64.b64decode(s.text))
            state = root.find(".//{%s}CommandState" % RSP)
            if state is not None and state.get("State", "").endswith("/Done"):
                code = int(state.findtext("{%s}ExitCode" % RSP) or -1)
            # pywinrm builds a fresh envelope (a new MessageID) each time
            receive = self.envelope(RSP + "/Receive", shell_id, body=(
                '<rsp:Receive><rsp:DesiredStream CommandId="%s">stdout stderr'
                '</rsp:DesiredStream></rsp:Receive>' % cid))
        t2 = time.perf_counter()
        self.post(self.envelope(RSP + "/Signal", shell_id, body=(
            '<rsp:Signal CommandId="%s"><rsp:Code>%s/signal/terminate</rsp:Code></rsp:Signal>' % (cid, RSP))),
            "Signal")
        t3 = time.perf_counter()
        return b"".join(out), b"".join(err), code, receives, (t1 - t0, t2 - t1, t3 - t2)


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def descendants(pid):
    """How many processes descend from pid."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    st = f.read()
            except OSError:
                continue
            parent[int(d)] = int(st[st.rindex(")") + 2:].split()[1])
    n = 0
    for p in parent:
        q = parent.get(p)
        while q:
            if q == pid:
                n += 1
                break
            q = parent.get(q)
    return n


def pct(sorted_ms, p):
    if not sorted_ms:
        return float("nan")
    i = max(0, min(len(sorted_ms) - 1, -(-len(sorted_ms) * p // 100) - 1))
    return sorted_ms[int(i)]


def report(times, elapsed, extra=()):
    ms = sorted(t * 1000 for t in times)
    print("commands %d" % len(times))
    print("seconds %.3f" % elapsed)
    print("per_second %.1f" % (len(times) / elapsed if elapsed > 0 else 0))
    print("p50_ms %.2f" % pct(ms, 50))
    print("p95_ms %.2f" % pct(ms, 95))
    print("max_ms %.2f" % (ms[-1] if ms else float("nan")))
    for k, v in extra:
        print("%s %s" % (k, v))


def loop(seconds, count, once):
    """Runs once() (3 times unmeasured first) for seconds or count times."""
    for _ in range(3):
        once()
    times = []
    start = time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end and (count == 0 or len(times) < count):
        t = time.perf_counter()
        once()
        times.append(time.perf_counter() - t)
    return times, time.perf_counter() - start


def median(v):
    v = sorted(v)
    return v[len(v) // 2] if v else float("nan")


def main_winrs(url, cafile, user, password, seconds, count, command, *args):
    c = WinRS(url, cafile, user, password)
    shell = c.open_shell()
    want = {"true": b"", "echo": (" ".join(args) + "\n").encode()}.get(command)
    receives, phases = [], []

    def once():
        out, err, code, n, ph = c.run(shell, command, args)
        if code != 0 or err or (want is not None and out.replace(b"\r\n", b"\n") != want):
            raise Fail("%s: exit code %s, stdout %r, stderr %r" % (command, code, out[:200], err[:200]))
        receives.append(n)
        phases.append(ph)

    times, elapsed = loop(seconds, count, once)
    c.close_shell(shell)
    report(times, elapsed, (
        ("receives_per_command", "%.2f" % (sum(receives) / len(receives))),
        ("max_receives", max(receives)),
        ("command_p50_ms", "%.2f" % (1000 * median([p[0] for p in phases]))),
        ("receive_p50_ms", "%.2f" % (1000 * median([p[1] for p in phases]))),
        ("signal_p50_ms", "%.2f" % (1000 * median([p[2] for p in phases]))),
        ("receive_max_ms", "%.2f" % (1000 * max(p[1] for p in phases))),
        ("requests", c.requests),
        ("connections", c.connects)))
    if c.connects != 1:
        raise Fail("%d connections were opened, not one" % c.connects)


def main_exec(seconds, count, dash, *argv):
    want = (argv[-1] + "\n").encode() if argv[-2:-1] == ("echo",) else b""

    def once():
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30, check=False)
        if p.returncode != 0 or p.stdout != want:
            raise Fail("%s: exit code %d, stdout %r, stderr %r" % (" ".join(argv), p.returncode,
                                                                  p.stdout[:200], p.stderr[:300]))

    times, elapsed = loop(seconds, count, once)
    report(times, elapsed)


def main_shells(url, cafile, user, password, n, *pids):
    pids = [int(p) for p in pids]
    c = WinRS(url, cafile, user, password)
    first = c.open_shell()              # the connection and the login cache first
    c.close_shell(first)
    time.sleep(0.5)
    print("rss_before %s" % " ".join(str(rss(p)) for p in pids))
    print("processes_before %d" % descendants(pids[0]))
    ids = []
    t = time.perf_counter()
    for _ in range(int(n)):
        ids.append(c.open_shell())
    opened = time.perf_counter() - t
    time.sleep(0.5)
    print("rss_open %s" % " ".join(str(rss(p)) for p in pids))
    print("processes_open %d" % descendants(pids[0]))
    print("opened %d" % len(ids))
    print("creates_per_second %.1f" % (len(ids) / opened))
    t = time.perf_counter()
    for s in ids:
        c.close_shell(s)
    deleted = time.perf_counter() - t
    time.sleep(0.5)
    print("rss_deleted %s" % " ".join(str(rss(p)) for p in pids))
    print("deletes_per_second %.1f" % (len(ids) / deleted))
    print("connections %d" % c.connects)


def main_check(url, cafile, user, password):
    c = WinRS(url, cafile, user, password)
    shell = c.open_shell()
    for cmd, args in (("id", ["-u"]), ("echo", ["x"]), ("exit", ["3"]), ("no-such-command-here", [])):
        out, err, code, n, ph = c.run(shell, cmd, args)
        print("run %s %s: exit %s, stdout %r, stderr %r, %d receives, %.1f ms" % (
            cmd, " ".join(args), code, out, err, n, 1000 * sum(ph)))
    c.close_shell(shell)
    print("connections %d" % c.connects)


def main():
    a = sys.argv[1:]
    try:
        if a[:1] == ["winrs"] and len(a) >= 8:
            main_winrs(a[1], a[2], a[3], a[4], float(a[5]), int(a[6]), a[7], *a[8:])
        elif a[:1] == ["exec"] and len(a) >= 5 and a[3] == "--":
            main_exec(float(a[1]), int(a[2]), *a[3:])
        elif a[:1] == ["shells"] and len(a) >= 7:
            main_shells(*a[1:])
        elif a[:1] == ["check"] and len(a) == 5:
            main_check(*a[1:])
        else:
            sys.exit(__doc__)
    except (Fail, OSError, http.client.HTTPException, ET.ParseError, subprocess.SubprocessError) as e:
        print("error %s" % e)
        sys.exit(1)


main()
PYEOF

# --- winrmd's build, accounts and state ---------------------------------------------
find_build                              # build: WINRMD_BUILD, REBUILD
[ -f "$build/providers/shell.so" ] || die "no providers/shell.so in $build (the WinRS shell provider)"

pam_deny=$(dpkg_find libpam-modules pam_deny.so)
find_wrappers && [ -n "$pam_deny" ] ||
        die "libpam-wrapper, libnss-wrapper and libpam-modules are needed" \
                "(apt-get install -y libpam-wrapper libnss-wrapper libpam-modules)"

# As tests/integration/harness.py: the accounts of run.sh (bench/bench for
# winrmd only; its network process runs as --user winrmd, WINRMD_USER), with
# /bin/sh and a home in the temporary folder for bench (a command's working
# directory, which bench reaches), and besides: root in the passdb with a
# password nobody knows (PAM's account checks accept it, as pam_unix does),
# a session line through pam_matrix (the monitor opens a PAM session for
# each process it starts), bench in the group sudo (an administrator: BA of
# RootSDDL, who may open shells).
home=$tmp/home
write_accounts "$home" /bin/sh
echo "root:$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n'):winrmd" >>"$acct/passdb"
chmod 600 "$acct/passdb"
echo "session required $pam_matrix passdb=$acct/passdb" >>"$acct/pam.d/winrmd"
# libpam reads "other" at each pam_start (and logs an error without it), as
# /etc/pam.d/other on a system: nothing but winrmd's service gets in
printf 'auth required %s\naccount required %s\nsession required %s\n' \
        "$pam_deny" "$pam_deny" "$pam_deny" >"$acct/pam.d/other"
echo "sudo:x:42100:bench" >>"$acct/group"
mkdir -m 700 "$home"
chown 42001:42001 "$home"

# The certificate: self-signed ECDSA P-256, for localhost and 127.0.0.1.
state=$tmp/state
mkdir -m 700 "$state"
make_cert ecdsa                         # cert, key, thumb
identify_xml=$tmp/identify.xml
cat >"$identify_xml" <<'EOF'
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>
EOF

# pam_wrapper copies the PAM configuration into /tmp/pam.? for each process
# that starts PAM (the monitor, its login checks, the session process of
# each command): 62 names shared by every pam_wrapper user of the machine,
# taken by lstat() then mkdir() (two processes can pick the same one and
# write the same copy: "illegal module type" from libpam, a Command fault),
# and left behind by a process that ends with _exit(). So winrmd runs, when
# unshare can, in a mount namespace of its own with a private /tmp (a
# tmpfs, gone with its last process) where only this folder and the build
# (when they are under /tmp) are bound.
privtmp=
cat >"$tmp/privtmp.sh" <<'EOF'
# privtmp.sh DIR1 DIR2 CMD...: CMD with a fresh /tmp where only DIR1 and
# DIR2 (those under /tmp) are bound, at their own paths
set -e
d1=$1 d2=$2
shift 2
exec 3<"$d1" 4<"$d2"
mount -t tmpfs -o mode=1777,size=64m winrmd-bench-tmp /tmp
case $d1 in
/tmp/*) mkdir -p "$d1" && mount --no-canonicalize --bind /proc/self/fd/3 "$d1" ;;
esac
case $d2 in
/tmp/*) mkdir -p "$d2" && mount --no-canonicalize --bind /proc/self/fd/4 "$d2" ;;
esac
exec 3<&- 4<&-
exec "$@"
EOF
if unshare --mount --propagation private sh "$tmp/privtmp.sh" "$tmp" "$build" \
        test -d "$tmp/accounts" -a -x "$build/winrmd" 2>/dev/null; then
        privtmp="unshare --mount --propagation private sh $tmp/privtmp.sh $tmp $build"
        echo "winrmd gets a private /tmp (a mount namespace): pam_wrapper's /tmp/pam.? stay its own"
else
        echo "$me: warning: unshare --mount failed: winrmd shares /tmp/pam.? with other pam_wrapper users" >&2
fi

# --- winrmd, one HTTPS listener ---------------------------------------------------------
max_shells=$((shells + 10))
echo "== starting winrmd ($build), HTTPS listener with certificate $thumb"
# the HTTPS listener on a free port (winrmd_port, winrmd_url), behind
# $privtmp; the login cache for an hour as in run.sh; MaxShellsPerUser above
# SHELLS, MaxConcurrentUsers at its maximum
start_winrmd_https <<EOF
service.auth_cache_ms = 3600000
service.root_sddl = O:NSG:BAD:P(A;;GA;;;BA)(A;;GR;;;AU)
winrs.max_shells_per_user = $max_shells
winrs.max_concurrent_users = 100
EOF
monitor_pid=$(pgrep -P "$winrmd_pid" -x winrmd-monitor | head -n 1 || true)
sleep 0.5
rss_start=$(rss "$winrmd_pid")
[ "$(tls_post "$winrmd_url" "$identify_xml" -u bench:bench)" = 200 ] ||
        { cat "$tmp/winrmd.log" >&2; die "winrmd's HTTPS Identify with Basic did not answer 200"; }
[ "$(tls_post "$winrmd_url" "$identify_xml" -u bench:wrong)" = 401 ] ||
        die "winrmd accepted a wrong password"
echo "winrmd: pid $winrmd_pid (network process, uid $(awk '/^Uid:/ { print $2 }' "/proc/$winrmd_pid/status"))," \
        "monitor pid ${monitor_pid:-?}, on $winrmd_url"
if ! job "$tmp/check.out" timeout 60 "$py" "$client" check "$winrmd_url" "$cert" bench bench; then
        cat "$tmp/check.out" >&2
        tail -20 "$tmp/winrmd.log" >&2
        die "the WinRS check failed"
fi
sed 's/^/  /' "$tmp/check.out"
# the command's clean environment has no nss_wrapper: bench is uid 42001
grep -q "^run id -u: exit 0, stdout b'42001" "$tmp/check.out" || die "commands do not run as bench (uid 42001)"
grep -q "^run echo x: exit 0, stdout b'x" "$tmp/check.out" || die "echo x does not print x"
mechanism=$(sed -n 's/.*shell .* opened by bench (limits enforced by \(.*\))$/\1/p' "$tmp/winrmd.log" | head -n 1)
echo "shell limits enforced by: ${mechanism:-?}"
log_mark=$(wc -l <"$tmp/winrmd.log")   # the wrong-password warning is expected

# --- sshd: throwaway keys and configuration, bench by key only ---------------------
# sshd runs as root (it must, to log a user in) with libnss-wrapper and its
# own passwd and group files: the login is bench (uid 42001, the home and
# /bin/sh of winrmd's bench above), never a machine account; so the command
# runs as winrmd's do, as /bin/sh -c of an unprivileged user, with no rc file
# of a real account (root's ~/.bashrc, read by bash under sshd, can cost
# more than the command). The session's environment is sshd's own (no
# LD_PRELOAD), as winrmd's commands get a clean one.
sdir=$tmp/ssh
mkdir -m 711 "$sdir"
ssh-keygen -q -t ed25519 -N '' -C winrmd-bench-host -f "$sdir/host_ed25519" || die "ssh-keygen failed"
ssh-keygen -q -t ed25519 -N '' -C winrmd-bench-user -f "$sdir/id_ed25519" || die "ssh-keygen failed"
cp "$sdir/id_ed25519.pub" "$sdir/authorized_keys"
chmod 644 "$sdir/authorized_keys"       # sshd reads it as bench
sshd_pw=$(getent passwd sshd) || die "no account sshd (sshd's privilege separation user; reinstall openssh-server)"
cat >"$sdir/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
$sshd_pw
bench:x:42001:42001:winrmd bench:$home:/bin/sh
EOF
cat >"$sdir/group" <<EOF
root:x:0:
nogroup:x:65534:
bench:x:42001:
sudo:x:42100:bench
EOF
if [ ! -d /run/sshd ]; then             # sshd's privilege separation chroot, as root
        mkdir -m 755 /run/sshd
        made_run_sshd=1
fi
tries=0
while :; do
        ssh_port=$(free_port)
        cat >"$sdir/sshd_config" <<EOF
ListenAddress 127.0.0.1
HostKey $sdir/host_ed25519
PidFile none
AuthorizedKeysFile $sdir/authorized_keys
AuthorizedPrincipalsFile none
StrictModes no
UsePAM no
PermitRootLogin no
AllowUsers bench
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
PermitUserRC no
PermitUserEnvironment no
AllowAgentForwarding no
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
PrintLastLog no
UseDNS no
MaxSessions 10
LogLevel INFO
EOF
        cat >"$sdir/config" <<EOF
Host *
        Port $ssh_port
        User bench
        AddressFamily inet
        IdentityFile $sdir/id_ed25519
        IdentitiesOnly yes
        IdentityAgent none
        BatchMode yes
        StrictHostKeyChecking yes
        UserKnownHostsFile $sdir/known_hosts
        GlobalKnownHostsFile /dev/null
        UpdateHostKeys no
        CheckHostIP no
        ConnectTimeout 5
        LogLevel ERROR
EOF
        echo "[127.0.0.1]:$ssh_port $(cut -d' ' -f1-2 "$sdir/host_ed25519.pub")" >"$sdir/known_hosts"
        env LD_PRELOAD="$nss_wrapper" NSS_WRAPPER_PASSWD="$sdir/passwd" NSS_WRAPPER_GROUP="$sdir/group" \
                "$sshd" -t -f "$sdir/sshd_config" -p "$ssh_port" >"$tmp/sshd-t.out" 2>&1 ||
                { cat "$tmp/sshd-t.out" >&2; die "sshd -t refused the configuration"; }
        env LD_PRELOAD="$nss_wrapper" NSS_WRAPPER_PASSWD="$sdir/passwd" NSS_WRAPPER_GROUP="$sdir/group" \
                "$sshd" -D -f "$sdir/sshd_config" -p "$ssh_port" -E "$sdir/sshd.log" </dev/null >/dev/null 2>&1 &
        sshd_pid=$!
        n=0
        until ssh -F "$sdir/config" -o ControlMaster=no -o ControlPath=none 127.0.0.1 true \
                </dev/null >/dev/null 2>"$tmp/ssh.err"; do
                kill -0 "$sshd_pid" 2>/dev/null || break
                n=$((n + 1))
                [ "$n" -lt 50 ] || break
                sleep 0.1
        done
        if kill -0 "$sshd_pid" 2>/dev/null && [ "$n" -lt 50 ]; then
                break
        fi
        stop "$sshd_pid"
        sshd_pid=
        tries=$((tries + 1))
        [ "$tries" -lt 5 ] || { cat "$tmp/ssh.err" "$sdir/sshd.log" >&2; die "sshd did not start or refused the key"; }
done
ssh_new="ssh -F $sdir/config -o ControlMaster=no -o ControlPath=none 127.0.0.1"
ssh_cm="ssh -F $sdir/config -o ControlMaster=auto -o ControlPath=$tmp/cm -o ControlPersist=60 127.0.0.1"
ssh_algs=$(ssh -F "$sdir/config" -o ControlMaster=no -o ControlPath=none -o LogLevel=DEBUG \
        127.0.0.1 true </dev/null 2>&1 >/dev/null |
        sed -n 's/^debug1: kex: algorithm: \(.*\)/\1/p; s/^debug1: kex: server->client cipher: \([^ ]*\).*/\1/p' |
        tr '\n' ' ')
# the ControlMaster: started by the first command, detached by ssh itself
$ssh_cm true </dev/null >"$tmp/cm.out" 2>&1 || { cat "$tmp/cm.out" >&2; die "the ControlMaster did not start"; }
master_pid=$(ssh -F "$sdir/config" -O check -o ControlPath="$tmp/cm" 127.0.0.1 2>&1 |
        sed -n 's/.*pid=\([0-9][0-9]*\).*/\1/p')
[ -n "$master_pid" ] || die "no ControlMaster running at $tmp/cm"
echo "sshd: pid $sshd_pid on 127.0.0.1:$ssh_port ($("$sshd" -V 2>&1 | head -n 1 || true)); kex and cipher: ${ssh_algs:-?}"
echo "ssh ControlMaster: pid $master_pid"

# --- memory: idle shells ------------------------------------------------------------
sleep 0.5
rss_idle=$(rss "$winrmd_pid")
rss_idle_detail=$(rss_detail "$winrmd_pid")
echo "== memory (VmRSS of the network process $winrmd_pid, and of the monitor ${monitor_pid:-?})"
echo "after start, before any request: $rss_start KiB"
echo "idle after the check: $rss_idle KiB ($rss_idle_detail)"
per_shell=- mon_per_shell=- shells_ok=skipped rss_before=- rss_open=- rss_deleted=- creates=-
if [ "$shells" -gt 0 ]; then
        shells_ok=yes
        job "$tmp/shells.out" timeout 120 "$py" "$client" shells "$winrmd_url" "$cert" bench bench \
                "$shells" "$winrmd_pid" ${monitor_pid:+"$monitor_pid"} || shells_ok=NO
        sed 's/^/  /' "$tmp/shells.out"
        alive "shell memory test"
        val() { awk -v k="$1" -v i="$2" '$1 == k { print $(i + 1) }' "$tmp/shells.out"; }
        rss_before=$(val rss_before 1)
        rss_open=$(val rss_open 1)
        rss_deleted=$(val rss_deleted 1)
        creates=$(val creates_per_second 1)
        [ "$(val opened 1)" = "$shells" ] || shells_ok=NO
        if [ "$shells_ok" = yes ]; then
                per_shell=$(awk -v a="$rss_open" -v b="$rss_before" -v n="$shells" 'BEGIN { printf "%.2f", (a - b) / n }')
                if [ -n "$monitor_pid" ]; then
                        mon_per_shell=$(awk -v a="$(val rss_open 2)" -v b="$(val rss_before 2)" -v n="$shells" \
                                'BEGIN { printf "%.2f", (a - b) / n }')
                fi
        fi
        echo "with $shells idle shells open: $rss_open KiB ($per_shell KiB each; monitor $mon_per_shell KiB each);" \
                "after deleting them: $rss_deleted KiB;" \
                "processes under winrmd: $(val processes_before 1) before, $(val processes_open 1) with them"
        [ "$shells_ok" = yes ] || echo "$me: the shell memory test FAILED (see above)" >&2
fi

# --- commands per second and latency ------------------------------------------------
errors=0
# measure NAME CMD...: one run of the client; appends its figures to
# $tmp/NAME.{rps,p50,p95} and prints them
measure() {
        name=$1
        shift
        if ! job "$tmp/m.out" timeout $((dsec * 3 + 60)) "$py" "$client" "$@"; then
                errors=$((errors + 1))
                sed 's/^/    /' "$tmp/m.out" >&2
                case $name in
                ssh*) tail -n 5 "$sdir/sshd.log" | sed 's/^/    sshd: /' >&2 ;;
                *) tail -n 5 "$tmp/winrmd.log" | sed 's/^/    winrmd: /' >&2 ;;
                esac
                echo "$me: $name FAILED" >&2
                return 0
        fi
        v() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/m.out"; }
        v per_second >>"$tmp/$name.rps"
        v p50_ms >>"$tmp/$name.p50"
        v p95_ms >>"$tmp/$name.p95"
        extra=
        if grep -q '^receives_per_command' "$tmp/m.out"; then
                extra="  (Command $(v command_p50_ms), Receives $(v receive_p50_ms), Signal $(v signal_p50_ms) ms;"
                extra="$extra $(v receives_per_command) Receives per command, max $(v max_receives);"
                extra="$extra $(v requests) requests on $(v connections) connection)"
        fi
        printf '  %-20s %6s commands in %6s s: %8s/s  p50 %7s ms  p95 %7s ms  max %7s ms%s\n' "$name" \
                "$(v commands)" "$(v seconds)" "$(v per_second)" "$(v p50_ms)" "$(v p95_ms)" "$(v max_ms)" "$extra"
}
echo "== commands: $rounds rounds of $dsec s each; echo x latency: at most $lat_count round trips in $dsec s"
echo "   winrmd: one shell, one HTTPS keep-alive connection, Command + Receive until Done + Signal terminate"
echo "   ssh: a new connection per command; ssh over one ControlMaster connection"
round=1
while [ "$round" -le "$rounds" ]; do
        echo "round $round (load average $(cut -d' ' -f1-3 /proc/loadavg))"
        measure winrmd-true winrs "$winrmd_url" "$cert" bench bench "$dsec" 0 true
        alive "commands, round $round"
        measure ssh-true exec "$dsec" 0 -- $ssh_new true
        measure ssh-cm-true exec "$dsec" 0 -- $ssh_cm true
        measure winrmd-echo winrs "$winrmd_url" "$cert" bench bench "$dsec" "$lat_count" echo x
        alive "echo, round $round"
        measure ssh-echo exec "$dsec" "$lat_count" -- $ssh_new echo x
        measure ssh-cm-echo exec "$dsec" "$lat_count" -- $ssh_cm echo x
        r=$(ratio "$(last winrmd-true)" "$(last ssh-cm-true)")
        rn=$(ratio "$(last winrmd-true)" "$(last ssh-true)")
        echo "$r" >>"$tmp/cm.ratio"
        echo "$rn" >>"$tmp/new.ratio"
        echo "  ratios this round: winrmd / ssh ControlMaster $r, winrmd / ssh new connection $rn"
        round=$((round + 1))
done
alive "after the rounds"
rss_after=$(rss "$winrmd_pid")
w_rps=$(median2 "$tmp/winrmd-true.rps")
s_rps=$(median2 "$tmp/ssh-true.rps")
c_rps=$(median2 "$tmp/ssh-cm-true.rps")

# KEEP_LOG; warnings: their count since log_mark (shell ids made ID)
log_warnings 's/[0-9A-Fa-f]\{8\}-[0-9A-Fa-f-]*/ID/g; s/[0-9][0-9]*/N/g'
sshd_errors=$(grep -c -i -E 'error|fatal' "$sdir/sshd.log" || true)

# --- summary -----------------------------------------------------------------------
echo
echo "== summary (medians of $rounds rounds of $dsec s, 127.0.0.1, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "winrmd: HTTPS (TLS 1.3, ECDSA P-256) keep-alive, Basic from the login cache, shell limits by ${mechanism:-?};" \
        "ssh: ${ssh_algs:-?}"
printf '%-50s %16s %8s %8s\n' "measure" "value" "ratio" "target"
printf '%-50s %16s %8s %8s\n' "winrmd commands/s (true, one shell)" "$w_rps" "$(ratio "$w_rps" "$c_rps")" "> 1"
printf '%-50s %16s %8s %8s\n' "ssh commands/s (true, a connection each)" "$s_rps" "$(ratio "$s_rps" "$c_rps")" ""
printf '%-50s %16s %8s %8s\n' "ssh ControlMaster commands/s (true)" "$c_rps" "1.00" ""
printf '%-50s %16s %8s %8s\n' "  median of per-round winrmd / ControlMaster" "" "$(median2 "$tmp/cm.ratio")" "> 1"
printf '%-50s %16s %8s %8s\n' "  median of per-round winrmd / ssh new connection" "" "$(median2 "$tmp/new.ratio")" ""
printf '%-50s %16s %8s %8s\n' "winrmd echo x latency p50 / p95 (ms)" \
        "$(median2 "$tmp/winrmd-echo.p50") / $(median2 "$tmp/winrmd-echo.p95")" "" ""
printf '%-50s %16s %8s %8s\n' "ssh echo x latency p50 / p95 (ms)" \
        "$(median2 "$tmp/ssh-echo.p50") / $(median2 "$tmp/ssh-echo.p95")" "" ""
printf '%-50s %16s %8s %8s\n' "ssh ControlMaster echo x latency p50 / p95 (ms)" \
        "$(median2 "$tmp/ssh-cm-echo.p50") / $(median2 "$tmp/ssh-cm-echo.p95")" "" ""
printf '%-50s %16s %8s %8s\n' "RSS idle after the check (KiB)" "$rss_idle" "" ""
printf '%-50s %16s %8s %8s\n' "RSS before / with $shells idle shells (KiB)" "$rss_before / $rss_open" "" ""
printf '%-50s %16s %8s %8s\n' "KiB per idle shell (network process)" "$per_shell" "" "< 64"
printf '%-50s %16s %8s %8s\n' "KiB per idle shell (monitor, context)" "$mon_per_shell" "" ""
printf '%-50s %16s %8s %8s\n' "RSS after deleting them (KiB)" "$rss_deleted" "" ""
printf '%-50s %16s %8s %8s\n' "shells created per second (context)" "$creates" "" ""
printf '%-50s %16s %8s %8s\n' "RSS after the rounds (KiB)" "$rss_after" "" ""
echo "shell memory test: $shells_ok; failed measurements: $errors;" \
        "winrmd log lines with warn/error: $warnings; sshd log lines with error: $sshd_errors"
[ "$errors" -eq 0 ] && [ "$shells_ok" != NO ] || exit 1
