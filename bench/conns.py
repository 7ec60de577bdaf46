#!/usr/bin/python3
"""conns.py - what idle keep-alive connections cost winrmd in resident memory.

usage: conns.py [--tls CAFILE] PID PORT COUNT BODY

Reads VmRSS of PID (the daemon), opens COUNT TCP connections to
127.0.0.1:PORT and waits until the daemon holds them (its open descriptors
grew by COUNT), reads VmRSS again ("silent": accepted, nothing sent), then
sends one complete POST /wsman of BODY with Basic bench:bench on each
connection, reads every response (all must be 200 and keep-alive), reads
VmRSS a third time ("keepalive": each connection has served one request and
is idle) and checks that the daemon closed none of them.

With --tls, each connection first completes a TLS handshake (the server's
certificate checked against CAFILE for 127.0.0.1), one after the other,
before its request: "silent" is then accepted, no ClientHello yet (the
daemon's handshake deadline, 10 s at most, bounds how long that may last),
and "keepalive" a finished handshake, one request served, idle.

Prints "key value" lines: rss_before, rss_silent, rss_keepalive (KiB),
opened, accepted, answered, still_open, and error lines if something failed.
Exit status 0 when every connection was accepted, answered and kept, 1
otherwise.  Every wait is bounded; all sockets are closed on exit.
"""

import os
import select
import socket
import ssl
import sys
import time

SETTLE_S = 0.5          # lets the daemon finish its per-connection work
WAIT_S = 20.0           # bound for accept and for the responses


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for pid %d" % pid)


def nfds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def wait_for(pred, timeout):
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def read_response(sock, deadline):
    """Reads one HTTP/1.1 response; returns (status, keep_alive)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the response headers")
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if "content-length" not in headers:
        raise ConnectionError("response without Content-Length")
    need = int(headers["content-length"])
    while len(body) < need:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside the response body")
        body += chunk
    keep = headers.get("connection", "").lower() != "close"
    return status, keep


def still_open(sock):
    """True when the daemon has not closed sock (it may have sent TLS
    records that are not data, such as session tickets)."""
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLHUP | select.POLLERR)
    if not poller.poll(0):
        return True
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except (ssl.SSLWantReadError, BlockingIOError):
        return True
    except OSError:
        return False


def main():
    args = sys.argv[1:]
    tls = None
    if args[:1] == ["--tls"]:
        tls = ssl.create_default_context(cafile=args[1])
        args = args[2:]
    if len(args) != 4:
        sys.exit("usage: conns.py [--tls CAFILE] PID PORT COUNT BODY")
    pid, port, count = int(args[0]), int(args[1]), int(args[2])
    with open(args[3], "rb") as f:
        body = f.read()
    request = (b"POST /wsman HTTP/1.1\r\n"
               b"Host: 127.0.0.1:%d\r\n"
               b"Content-Type: application/soap+xml;charset=UTF-8\r\n"
               b"Authorization: Basic YmVuY2g6YmVuY2g=\r\n"      # bench:bench
               b"Content-Length: %d\r\n\r\n" % (port, len(body))) + body
    ok = True
    socks = []
    try:
        fds0 = nfds(pid)
        print("rss_before", rss_kib(pid), flush=True)

        for _ in range(count):
            try:
                socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            except OSError as e:
                print("error connect:", e, flush=True)
                ok = False
                break
        print("opened", len(socks), flush=True)
        accepted = wait_for(lambda: nfds(pid) - fds0 >= len(socks), WAIT_S)
        print("accepted", nfds(pid) - fds0, flush=True)
        if not accepted:
            print("error the daemon did not accept every connection within %gs" % WAIT_S)
            ok = False
        time.sleep(SETTLE_S)
        print("rss_silent", rss_kib(pid), flush=True)

        if tls:
            shaken = []
            for s in socks:
                try:
                    shaken.append(tls.wrap_socket(s, server_hostname="127.0.0.1"))
                except (OSError, ssl.SSLError) as e:
                    print("error handshake:", e, flush=True)
                    s.close()
                    ok = False
            socks = shaken
            print("handshakes", len(socks), flush=True)
        for s in socks:
            s.sendall(request)
        deadline = time.monotonic() + WAIT_S
        answered = 0
        statuses = {}
        for s in socks:
            try:
                status, keep = read_response(s, deadline)
            except (OSError, ValueError, IndexError) as e:
                statuses[str(e)] = statuses.get(str(e), 0) + 1
                continue
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200 and keep:
                answered += 1
        print("answered", answered, flush=True)
        if answered != len(socks):
            print("error responses:", statuses, flush=True)
            ok = False
        time.sleep(SETTLE_S)
        print("rss_keepalive", rss_kib(pid), flush=True)

        # A socket the daemon closed polls readable and reads EOF.
        kept = sum(1 for s in socks if still_open(s))
        print("still_open", kept, flush=True)
        if kept != count:
            ok = False
    finally:
        for s in socks:
            s.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
