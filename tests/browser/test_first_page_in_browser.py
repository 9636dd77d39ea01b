"""How long the first page (Analyse) takes to become usable in a real browser, on a freshly started app.

"Usable" is when Streamlit's first script run has ended (``stApp`` reports
``notRunning``) with the page's assessment picker on screen, timed from the
start of the navigation (``performance.now()`` counts from it). A freshly
started server is used, because the first run pays for the imports that
later sessions of the same server find done; a second tab then gives the
figure for those later sessions. The figures are printed in the run's
closing summary, never asserted: they depend on the machine and its load.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app_server import free_port, wait_until_serving
from tests.browser.conftest import ROOT
from tests.browser.helpers import no_traceback, report_figure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Returns the milliseconds since navigation started once the first run is over and the picker shows.
USABLE_AT_MS = """() => {
  const PICKER = 'What do you want to check?';
  const app = document.querySelector('[data-testid=stApp]');
  const ready = app && app.getAttribute('data-test-script-state') === 'notRunning'
    && [...document.querySelectorAll('label')].some(l => l.textContent.includes(PICKER));
  return ready ? performance.now() : false;
}"""
# A first run slower than this is a broken app, not a slow one.
FIRST_RUN_LIMIT_MS = 180_000


@pytest.fixture()
def fresh_app(playwright_session: Any, tmp_path: Path) -> Iterator[str]:
    """The app as ``posturecheck app`` serves it, started for this test alone (nothing imported yet)."""
    port = free_port()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "POSTURECHECK_DB_URL": ""}
    with (tmp_path / "streamlit.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "browser" / "serve.py"), str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(server, port, timeout_s=90)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _usable_after_ms(browser: Any, url: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab = context.new_page()
        tab.goto(url, wait_until="commit")
        usable = tab.wait_for_function(USABLE_AT_MS, timeout=FIRST_RUN_LIMIT_MS).json_value()
        no_traceback(tab)
        return float(usable)
    finally:
        context.close()


def test_the_analyse_page_becomes_usable_and_its_time_is_reported(browser: Any, fresh_app: str) -> None:
    first = _usable_after_ms(browser, fresh_app)
    later = _usable_after_ms(browser, fresh_app)
    report_figure(
        f"first page (Analyse) usable after {first / 1000:.1f} s on a freshly started app, "
        f"{later / 1000:.1f} s in a later session (machine load affects both)"
    )
