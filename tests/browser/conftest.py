"""End-to-end fixtures: the app as ``posturecheck app`` serves it, driven by Playwright in Debian's Chromium.

Every test here is marked ``browser`` and ``slow``. When Chromium or the
Playwright package is missing the tests are skipped with the reason, and the
run ends with a warning saying so: a skipped browser test is never a pass.
Playwright's own browser download is not used; Chromium comes from the
system (``apt-get install chromium``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from tests.browser.helpers import FIGURES, STATE_TIMEOUT_MS

ROOT = Path(__file__).resolve().parents[2]
WALK_CLIP = ROOT / "samples" / "walk_side.mp4"
# Debian's Chromium; POSTURECHECK_CHROMIUM points elsewhere (another distribution's path).
CHROMIUM = Path(os.environ.get("POSTURECHECK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The fake camera: frames from a file, permission granted, and WebRTC over loopback.
FAKE_CAMERA_ARGS = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
]
FAKE_CAMERA_SIZE = (640, 360)
SERVER_START_S = 300.0
_skipped: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: end-to-end tests in a real browser (Chromium driven by Playwright)"
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in FIGURES:
        terminalreporter.write_line(line)
    if _skipped:
        terminalreporter.write_sep(
            "!", "BROWSER TESTS SKIPPED: THE APP WAS NOT TESTED IN A BROWSER", red=True, bold=True
        )
        for reason in sorted(set(_skipped)):
            terminalreporter.write_line(reason, red=True, bold=True)


def _missing_tools() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright; no browser download needed)"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set POSTURECHECK_CHROMIUM)"
    return None


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Any]:
    """Playwright's synchronous API, started once; skips loudly when Chromium or Playwright is missing."""
    missing = _missing_tools()
    if missing:
        reason = f"browser tests skipped: {missing}"
        _skipped.append(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not answer within {SERVER_START_S:.0f} s:\n{log.read_text()[-3000:]}")


@dataclass(frozen=True)
class AppServer:
    """The app under test: its address, its process, the file its output goes to, its data folder."""

    url: str
    process: subprocess.Popen
    log: Path
    data_home: Path


@pytest.fixture(scope="session")
def app_server(playwright_session: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app as ``posturecheck app`` runs it, on a free 127.0.0.1 port, WebRTC offering loopback."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    # Its own data folder: what the tests keep never reaches the user's real history.
    data_home = tmp_path_factory.mktemp("data_home")
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "POSTURECHECK_DB_URL": ""}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "browser" / "serve.py"), str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log)
        yield AppServer(url, server, log, data_home)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def app_url(app_server: AppServer) -> str:
    """The address of the app under test."""
    return app_server.url


@pytest.fixture(scope="session")
def fake_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample walk as a 640x360 .y4m file for Chromium's fake camera (letterboxed, not stretched)."""
    path = tmp_path_factory.mktemp("camera") / "walk_side.y4m"
    width, height = FAKE_CAMERA_SIZE
    with av.open(str(WALK_CLIP)) as clip, av.open(str(path), "w", format="yuv4mpegpipe") as out:
        stream = out.add_stream("rawvideo", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        source = clip.streams.video[0]
        scaled_h = round(width * source.height / source.width / 2) * 2
        top = (height - scaled_h) // 2
        for frame in clip.decode(source):
            canvas = np.zeros((height, width, 3), np.uint8)
            canvas[top : top + scaled_h] = frame.to_ndarray(width=width, height=scaled_h, format="rgb24")
            for packet in stream.encode(
                av.VideoFrame.from_ndarray(canvas, format="rgb24").reformat(format="yuv420p")
            ):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture(scope="session")
def browser(playwright_session: Any, fake_camera: Path) -> Iterator[Any]:
    """Debian's Chromium, headless, with the sample walk as its camera."""
    chromium = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS + FAKE_CAMERA_ARGS + [f"--use-file-for-fake-video-capture={fake_camera}"],
    )
    yield chromium
    chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser tab (its own Streamlit session)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(STATE_TIMEOUT_MS)
    yield tab
    context.close()
