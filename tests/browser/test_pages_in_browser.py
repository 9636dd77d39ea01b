"""Class review, Learn, Client history and Settings in a real browser, each photographed for the README."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from posturecheck.analyze import AnalysisResult
from posturecheck.storage import open_history
from posturecheck.storage.keep import keep_in_history
from tests.browser.conftest import AppServer
from tests.browser.helpers import (
    ANALYSIS_TIMEOUT_MS,
    STATE_TIMEOUT_MS,
    no_traceback,
    screenshot,
    wait_until_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_class_review_lists_people_with_pictures_and_opens_one(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}/class")
    page.get_by_role("heading", name="Class review").first.wait_for()
    page.get_by_role("button", name="Find everyone").click()
    page.get_by_text("Click a row to see that person's figures.").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    grid = page.locator("[data-testid=stDataFrame]")
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    no_traceback(page)
    # Pick the second person with the row's selection box (the grid is a canvas).
    box = grid.bounding_box()
    assert box is not None
    header_h, row_h = 35, 90
    page.mouse.click(box["x"] + 18, box["y"] + header_h + row_h * 1.5)
    page.get_by_role("heading", name="Person 2").wait_for(timeout=STATE_TIMEOUT_MS)
    page.get_by_text(re.compile("person 2: left hip, most flexion", re.I)).first.wait_for()
    wait_until_idle(page)
    assert page.get_by_text(re.compile("(high|low) confidence")).count() >= 1
    no_traceback(page)
    screenshot(page, "class_review")


def test_learn_opens_the_note_a_result_links_to(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}/learn?topic=gait-hip-extension")
    page.get_by_role("heading", name="Hip extension in walking").first.wait_for()
    page.get_by_text("Sources").first.wait_for()
    page.get_by_text("Pelvic tilt").first.click()
    page.wait_for_url(re.compile(r"topic=pelvic-tilt"))
    page.get_by_role("heading", name="Pelvic tilt").first.wait_for()
    no_traceback(page)
    page.goto(f"{app_url}/learn?topic=psoas-anatomy")
    page.get_by_role("heading", name=re.compile("psoas", re.I)).first.wait_for()
    screenshot(page, "learn")


def test_settings_are_kept_and_a_bad_model_is_named(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}/settings")
    page.get_by_role("heading", name="Settings").wait_for()
    model = page.get_by_role("textbox", name="Pose model file")
    model.fill("/nowhere/model.task")
    model.press("Enter")
    page.get_by_text(re.compile(r"/nowhere/model.task: model file not found")).wait_for()
    model.fill("")
    model.press("Enter")
    page.get_by_text(re.compile(r"Using pose_landmarker_full.task")).wait_for()
    page.get_by_text("I know the person's height").click()
    # Each change is a rerun: let it finish before the next, or the input can be replaced while typed into.
    wait_until_idle(page)
    height = page.get_by_role("spinbutton", name="Height (cm)")
    height.fill("181")
    height.press("Enter")
    wait_until_idle(page)
    page.get_by_role("link", name="Learn").click()
    page.get_by_role("heading", name="Learn").wait_for()
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("heading", name="Settings").wait_for()
    # The input is first drawn at its minimum (80) before the kept value arrives: read it once idle.
    wait_until_idle(page)
    assert page.get_by_role("spinbutton", name="Height (cm)").input_value() == "181.00"
    no_traceback(page)
    screenshot(page, "settings")


def test_history_shows_a_clients_progress_over_visits(
    page: Any, app_server: AppServer, walk_analysis: AnalysisResult, tmp_path: Path
) -> None:
    database = app_server.data_home / "posturecheck" / "history.db"
    database.parent.mkdir(parents=True, exist_ok=True)
    with open_history(f"sqlite:///{database}") as history:
        for day in (2, 16, 30):
            folder = shutil.copytree(walk_analysis.summary_path.parent, tmp_path / f"visit{day}")
            when = datetime(2026, 3, day, tzinfo=UTC)
            keep_in_history(history, folder, "C-001", person=1, recorded_at=when)
    page.goto(f"{app_server.url}/history")
    page.get_by_role("heading", name="C-001: 3 visit(s)").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    wait_until_idle(page)
    # The app's own navigation (not pages Streamlit might find on disk) is in the sidebar.
    nav = page.get_by_test_id("stSidebarNav")
    titles = ("Analyse", "Client history", "Settings")
    assert [nav.get_by_text(title, exact=True).count() for title in titles] == [1, 1, 1]
    assert page.locator(".js-plotly-plot .scatterlayer .point").count() == 3
    assert page.get_by_text(re.compile(r"valid in \d+% of the frames in view")).count() >= 1
    no_traceback(page)
    screenshot(page, "history")
    # Export, delete, import again: the client comes back with their three visits.
    with page.expect_download() as download:
        page.get_by_role("button", name="Export C-001's history (JSON)").click()
    exported = tmp_path / "C-001.json"
    download.value.save_as(exported)
    assert len(json.loads(exported.read_text())["sessions"]) == 3
    wait_until_idle(page)
    page.get_by_text("Delete C-001", exact=True).click()
    # The typed code and the click go in one form submission, so no rerun lies between them.
    page.get_by_test_id("stForm").get_by_role("textbox").fill("C-001")  # the code typed to confirm
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_text("No clients yet").wait_for()
    wait_until_idle(page)  # a file given while the delete's rerun is still drawing the page is lost
    page.locator("input[type=file]").set_input_files(str(exported))
    page.get_by_role("heading", name="C-001: 3 visit(s)").wait_for()
    no_traceback(page)
    # Importing into a history that already has a client selects the new one (issue 9, defect 3),
    # and a name written as Markdown shows as typed, not as a link or bold text.
    hostile = "[click](http://example.com) **bold**"
    document = json.loads(exported.read_text())
    document["client"]["code"] = hostile
    second = tmp_path / "hostile.json"
    second.write_text(json.dumps(document))
    page.locator("input[type=file]").set_input_files(str(second))
    heading = page.get_by_role("heading", name=re.compile(r"bold.*: 3 visit\(s\)"))
    heading.wait_for()
    wait_until_idle(page)
    no_traceback(page)
    assert heading.inner_text().replace("\u2060", "") == f"{hostile}: 3 visit(s)"  # joiners: invisible
    assert page.locator("a[href^='http://example.com']").count() == 0
    assert page.locator("[data-testid=stMain] strong", has_text="bold").count() == 0
