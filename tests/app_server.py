"""Starting the app as a real server in a test: a free port, and waiting until it answers."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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


@dataclass
class AppRun:
    """A started app: its port, and everything it printed (filled in once it has stopped)."""

    port: int
    output: str = ""


@contextmanager
def running_app(command: list[str], cwd: Path, env: dict[str, str]) -> Iterator[AppRun]:
    """Run ``command ... app`` with ``--port`` set to a free port, until it serves; stop it on leaving.

    ``command`` is the ``posturecheck`` command line up to and including ``app``.
    """
    run = AppRun(free_port())
    server = subprocess.Popen(
        [*command, "--port", str(run.port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_serving(server, run.port)
        yield run
    finally:
        server.terminate()
        run.output, _ = server.communicate(timeout=30)
