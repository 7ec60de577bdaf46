#!/usr/bin/python3
"""enumerate_stream.py - streaming enumeration at scale: the example provider's counter
(a cursor) enumerates ITEMS items of 200 bytes through Pulls of up to
1,000 items over the control socket; prints items/s and the daemon's RSS
before, at its peak, and after.

    WINRMD_BUILDDIR=build bench/enumerate_stream.py [ITEMS]     (default 1,000,000)

Uses the integration harness (pam_wrapper accounts, a private state
folder) and builds examples/hello-provider against include/.
"""
import os
import re
import shutil
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "integration"))
os.environ.setdefault("WINRMD_SRCDIR", os.path.join(here, ".."))

import harness  # noqa: E402
from harness import E_ENUMERATE, E_PULL, UnixHTTPConnection, envelope, request  # noqa: E402
from test_config_limits import build_hello  # noqa: E402

COUNTER = "http://example.org/winrmd/hello/counter"


def main():
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    plugins = harness.private_provider_dir(build_hello)
    d = harness.Daemon({"plugin.hello.ItemCount": str(items), "plugin.hello.ItemBytes": "200",
                        "max_batch_items": "1000", "max_envelope_kb": "512"}, tcp=False, plugin_dir=plugins).start()
    try:
        def post(body):
            c = UnixHTTPConnection(d.socket_path, timeout=60)
            try:
                return request(c, body)
            finally:
                c.close()
        before = d.rss_kib()
        start = time.monotonic()
        r = post(envelope(E_ENUMERATE, COUNTER, body="<n:Enumerate/>"))
        ctx = re.search(rb"<n:EnumerationContext>([^<]+)<", r.body).group(1).decode()
        got, peak, pulls = 0, before, 0
        while True:
            r = post(envelope(E_PULL, COUNTER, body="<n:Pull><n:EnumerationContext>%s</n:EnumerationContext>"
                              "<n:MaxElements>1000</n:MaxElements></n:Pull>" % ctx))
            pulls += 1
            got += r.body.count(b"<h:Count ")
            if pulls % 50 == 0:
                peak = max(peak, d.rss_kib())
            m = re.search(rb"<n:EnumerationContext>([^<]+)<", r.body)
            if b"EndOfSequence" in r.body or not m:
                break
            ctx = m.group(1).decode()
        took = time.monotonic() - start
        peak = max(peak, d.rss_kib())
        print("items %d in %d Pulls, %.1f s: %.0f items/s" % (got, pulls, took, got / took))
        print("RSS KiB: before %d, peak %d, after %d" % (before, peak, d.rss_kib()))
    finally:
        d.stop()
        d.cleanup()
        shutil.rmtree(plugins, ignore_errors=True)


if __name__ == "__main__":
    main()
