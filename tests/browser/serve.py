"""Start the app as ``posturecheck app`` does, for the browser tests, with WebRTC offering 127.0.0.1.

aioice (under aiortc) leaves loopback addresses out when it gathers ICE
candidates, so on a machine whose browser and server share only loopback
the live page could never connect. For the tests only, the server offers
127.0.0.1 alone, which also keeps all test traffic on this machine (Chromium
is started with ``--allow-loopback-in-peer-connection`` to match).

Usage: ``python tests/browser/serve.py PORT``.
"""

from __future__ import annotations

import sys

import aioice.ice
from streamlit.web import cli

from posturecheck.app.launch import streamlit_argv


def loopback_only(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """Host addresses for ICE: loopback only (replaces ``aioice.ice.get_host_addresses``)."""
    return ["127.0.0.1"] if use_ipv4 else []


def main(port: int) -> None:
    """Run the app on ``127.0.0.1:port`` until stopped."""
    aioice.ice.get_host_addresses = loopback_only
    # The command line of ``posturecheck app``; no file watcher (nothing changes under test).
    sys.argv = streamlit_argv(port) + ["--server.fileWatcherType", "none"]
    cli.main()


if __name__ == "__main__":
    main(int(sys.argv[1]))
