"""The Analyse page in a real browser: upload the sample walk, see the gait figures, play and keep it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import WALK_CLIP
from tests.browser.helpers import (
    ANALYSIS_TIMEOUT_MS,
    STATE_TIMEOUT_MS,
    no_traceback,
    screenshot,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_uploaded_walk_shows_gait_figures_and_plays(page: Any, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_role("heading", name="Analyse a clip or photo").wait_for()
    page.locator("[data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="Walking, seen from the side").click()
    page.get_by_text("How to film it: Walking, seen from the side").wait_for()
    page.get_by_text("Upload a clip or photo").click()
    page.locator("input[type=file]").set_input_files(str(WALK_CLIP))
    page.get_by_role("button", name="Analyse").click()
    page.get_by_text("Results for").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    wait_until_idle(page)
    # Gait findings with their reference ranges and confidence.
    page.get_by_text(re.compile("peak hip extension in late stance", re.I)).first.wait_for()
    assert page.get_by_text(re.compile(r"Reference: 10\.0° to 20\.0°")).count() >= 1
    assert page.get_by_text(re.compile("(high|low) confidence")).count() >= 4
    assert page.get_by_text("Every measure").count() == 1
    # The annotated video is H.264 that this browser plays.
    video = page.locator("video").first
    video.wait_for()
    page.wait_for_function("document.querySelector('video').readyState >= 1", timeout=STATE_TIMEOUT_MS)
    assert 7.0 < video.evaluate("v => v.duration") < 8.5
    assert video.evaluate("v => v.videoWidth") == 1280
    for label in ("Per-frame measures (CSV)", "Summary (JSON)", "Annotated video (MP4)"):
        page.get_by_role("button", name=label).wait_for()
    # Valid and invalid frames are drawn apart in the plot.
    assert page.locator(".js-plotly-plot").count() >= 1
    assert page.get_by_text("Hip extension in walking").count() >= 1  # the matching note's link
    no_traceback(page)
    screenshot(page, "analyse")
    # Keep it for a client, see the visit in their history, then delete the client again.
    page.get_by_role("textbox", name="Client name or code").fill("Walk-01")
    page.get_by_role("button", name="Keep").click()
    page.get_by_text("Kept for new client").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    wait_until_idle(page)  # a link followed while the Keep's run still draws the page was lost
    page.get_by_role("link", name="See their history").click()
    page.get_by_role("heading", name="Walk-01: 1 visit(s)").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    wait_until_idle(page)
    page.get_by_text("Delete Walk-01", exact=True).click()
    page.get_by_test_id("stForm").get_by_role("textbox").fill("Walk-01")  # the code typed to confirm
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_text(re.compile(r"Deleted Walk-01: 1 visit\(s\) and \d+ file\(s\)")).wait_for()
    page.get_by_text("No clients yet").wait_for()
    no_traceback(page)
