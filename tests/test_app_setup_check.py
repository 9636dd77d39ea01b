"""The Check your set-up page: three takes of one test in, the repeatability card out, kept in the history.

The takes are real clips: the sample walk and two re-framings of it (as if filmed
again, :func:`tests.test_repeatability._reframed`). Every test has its own data
folder and database (the shared ``private_data_folder`` fixture).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posturecheck.analyze import AnalyzeOptions
from posturecheck.app.text import UNITS
from posturecheck.repeatability_run import run_repeatability
from posturecheck.storage import open_history
from tests.media import WALK_CLIP, write_clip
from tests.test_repeatability import _reframed

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SETUP_PAGE = "posturecheck/app/page_scripts/setup_check.py"


def _as_typed(markdown: str) -> str:
    """Text shown through :func:`posturecheck.app.text.literal`, as the user reads it."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def _setup_page(timeout: float = 60) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    at.switch_page(SETUP_PAGE).run()
    assert not at.exception and at.title[0].value == "Check your set-up"
    return at


def _upload(at: AppTest, *clips: Path) -> AppTest:
    for number, clip in enumerate(clips, start=1):
        at.file_uploader(key=f"setup.take{number}").set_value((clip.name, clip.read_bytes(), "video/mp4"))
    return at.run()


@pytest.fixture(scope="module")
def three_takes(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The walk filmed three times: as it is, cropped by 4 % a side, and from further away (80 %)."""
    folder = tmp_path_factory.mktemp("takes")
    return [
        WALK_CLIP,
        _reframed(WALK_CLIP, folder / "again.mp4", crop=0.04, scale=1.0),
        _reframed(WALK_CLIP, folder / "third.mp4", crop=0.0, scale=0.8),
    ]


def test_two_takes_are_not_enough_and_say_which_is_missing(three_takes: list[Path]) -> None:
    at = _upload(_setup_page(), *three_takes[:2])
    assert not at.exception and not at.error
    assert [i.value for i in at.info] == ["Upload all three takes of the same test (missing: take 3)."]
    assert not [b for b in at.button if b.key == "setup.run"]  # nothing to run yet


def test_a_file_that_is_not_a_clip_is_one_line_naming_the_take(tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_bytes(b"these are notes, not a video")
    at = _upload(_setup_page(), bad, WALK_CLIP, WALK_CLIP)
    at.button(key="setup.run").click().run()
    assert not at.exception
    (error,) = [_as_typed(e.value) for e in at.error]
    assert error.startswith("Take 1: notes.mp4: not a video") and "\n" not in error, error
    assert "posturecheck-app-" not in error  # the upload's name, not where the session stored it


@pytest.mark.slow
def test_a_take_with_no_person_is_one_line_naming_the_take(tmp_path: Path) -> None:
    empty = write_clip(tmp_path / "empty room.mp4", 320, 240, [i / 30 for i in range(30)])
    at = _upload(_setup_page(timeout=240), empty, WALK_CLIP, WALK_CLIP)
    at.button(key="setup.run").click().run()
    assert not at.exception
    (error,) = [_as_typed(e.value) for e in at.error]
    assert error.startswith("Take 1: empty room.mp4: no person found") and "\n" not in error, error
    assert not at.dataframe  # no card


@pytest.mark.slow
def test_a_take_of_another_test_is_one_line_naming_the_take_and_what_the_test_needs() -> None:
    at = _setup_page(timeout=240)
    at.selectbox(key="setup.assessment").set_value("standing-front").run()
    at = _upload(at, WALK_CLIP, WALK_CLIP, WALK_CLIP)
    at.button(key="setup.run").click().run()
    assert not at.exception
    (error,) = [_as_typed(e.value) for e in at.error]
    assert error.startswith("Take 1 (walk_side.mp4): it does not suit the standing-front test: side view")
    assert "needs a front (or back) view" in error and "\n" not in error
    assert not at.dataframe


@pytest.mark.slow
def test_the_card_is_the_repeatability_core_s_and_is_kept_for_a_client(
    three_takes: list[Path], tmp_path: Path
) -> None:
    at = _upload(_setup_page(timeout=600), *three_takes)
    assert at.selectbox(key="setup.assessment").value == "free"
    at.button(key="setup.run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    # What `posturecheck repeatability CLIP CLIP CLIP --assessment free` computes for the same clips.
    expected = run_repeatability(
        three_takes,
        AnalyzeOptions(out_dir=tmp_path / "cli", annotated_video=False, progress=False, assessment="free"),
    )
    rows = {row["Key figure"]: row for row in at.dataframe[0].value.to_dict("records")}
    assert set(rows) == {f.label for f in expected}
    moved = [f for f in expected if f.result.mdc95 > 0]
    assert len(moved) >= 3  # the re-framings move the figures: there is something to check
    for figure in expected:
        row = rows[figure.label]
        unit = UNITS.get(figure.unit, f" {figure.unit}")  # the app writes "12.0°", "2.4%", "3.0 cm"
        assert [row[f"Take {n}"] for n in (1, 2, 3)] == [f"{v:.1f}{unit}" for v in figure.values]
        assert (row["SEM"], row["MDC95"]) == (
            f"{figure.result.sem:.1f}{unit}",
            f"{figure.result.mdc95:.1f}{unit}",
        )
        assert row["ICC"] == "–" and row["Confidence"] == figure.confidence
    hip = next(f for f in moved if f.key.startswith("hip_flexion_left"))
    text = "\n".join(m.value for m in at.markdown)
    assert f"a change of more than {hip.result.mdc95:.1f}° is beyond measurement error" in text

    # A new client needs a code: one line, nothing kept.
    at.button(key="FormSubmitter:setup.keep-Keep").click().run()
    assert [e.value for e in at.error] == ["a client needs a name or code"]
    with open_history() as history:
        assert history.clients() == [] and history.measurement_errors(None) == []

    # Kept for a new client typed in, then read back through the history.
    at.text_input(key="setup.keep.client").input("C-7")
    at.button(key="FormSubmitter:setup.keep-Keep").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[-1].value.startswith(f"Kept the SEM and MDC95 of {len(moved)} key figure(s) for client")
    with open_history() as history:
        (client,) = history.clients()
        kept = {e.name: e for e in history.measurement_errors(client.id)}
    assert client.code == "C-7" and set(kept) == {f.key for f in moved}
    for figure in moved:
        error = kept[figure.key]
        # Kept under the plain analysis: it serves visits made with the free test and without any.
        assert (error.assessment, error.trials, error.client_id) == ("analysis", 3, client.id)
        assert (error.sem, error.mdc95) == (
            pytest.approx(figure.result.sem),
            pytest.approx(figure.result.mdc95),
        )

    # The same card as the clinic's default: the existing client is now offered by name too.
    assert "C-7" in at.radio(key="setup.keep.whom").options
    at.radio(key="setup.keep.whom").set_value("The clinic's default for this assessment")
    at.button(key="FormSubmitter:setup.keep-Keep").click().run()
    assert not at.exception and "as the clinic's default" in at.success[-1].value
    with open_history() as history:
        defaults = history.measurement_errors(None)
    assert {e.name for e in defaults} == {f.key for f in moved} and {e.client_id for e in defaults} == {None}
