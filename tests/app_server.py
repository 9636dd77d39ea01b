"""Starting the app as a real server in a test: a free port, and waiting until it answers."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

from posturecheck.app.launch import LOCALHOST

# Starting Streamlit on the loaded CI machine takes seconds; past this the app is taken as broken.
START_TIMEOUT_S = 60.0
POLL_INTERVAL_S = 0.5


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return int(probe.getsockname()[1])


def wait_until_serving(server: subprocess.Popen, port: int, timeout_s: float = START_TIMEOUT_S) -> None:
    """Poll Streamlit's health endpoint until it answers 200; fail if the server exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"http://{LOCALHOST}:{port}/_stcore/health", timeout=2) as reply:
                assert reply.status == 200
                return
        except OSError:
            assert server.poll() is None, "the app stopped while starting"
            assert time.monotonic() < deadline, f"the app did not answer within {timeout_s:.0f} s"
            time.sleep(POLL_INTERVAL_S)
