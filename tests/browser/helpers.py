"""Helpers for the browser tests: screenshots, traceback checks, figures reported at the end of the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Lines printed in the run's closing summary (e.g. the live page's frames per second).
FIGURES: list[str] = []
WEBRTC_FRAME = "iframe[title='streamlit_webrtc.component.webrtc_streamer']"


# Upper bounds on waiting for a state in the app (a heading, a finished run). Every wait ends as soon as
# its state appears; the bounds are sized for a machine about 6x slower than ours under a loaded test
# run (30 s was once too short there for an import on the history page, which passed alone).
STATE_TIMEOUT_MS = 300_000
# An analysis of the sample clip in the app: the pose model over every frame.
ANALYSIS_TIMEOUT_MS = 900_000


def report_figure(line: str) -> None:
    """Print ``line`` in the run's closing summary."""
    FIGURES.append(line)


def screenshot(tab: Any, name: str, max_height: int = 4000) -> Path:
    """Save the whole page (Streamlit scrolls inside its main area) as ``docs/screenshots/<name>.png``."""
    height = tab.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    tab.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    tab.set_viewport_size({"width": 1400, "height": min(max(int(height), 800), max_height)})
    wait_until_idle(tab)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path))
    return path


def wait_until_idle(tab: Any, settle_ms: int = 1000) -> None:
    """Wait until the app has finished its run and drawn everything (nothing running, stale or loading)."""
    tab.wait_for_timeout(settle_ms)
    tab.wait_for_function(
        "!document.querySelector('[data-testid=stStatusWidget]') && "
        "!document.querySelector('[data-stale=true]') && !document.querySelector('[data-testid=stSkeleton]')",
        timeout=STATE_TIMEOUT_MS,
    )
    tab.wait_for_timeout(settle_ms // 2)


def no_traceback(tab: Any) -> None:
    """The page shows no Python traceback or exception box."""
    assert tab.locator("[data-testid=stException]").count() == 0
    assert "Traceback (most recent call last)" not in tab.content()
