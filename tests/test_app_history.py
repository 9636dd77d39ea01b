"""The Client history page and the Analyse page's Keep form, on the sample walk's real analysis.

Every test has its own data folder and database (the shared ``private_data_folder``
fixture and the default SQLite file in it), so nothing touches the user's real history.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posturecheck.analyze import AnalysisResult
from posturecheck.storage import MeasurementError, MeasureValue, open_history
from posturecheck.storage.keep import keep_in_history
from posturecheck.storage.location import kept_results_dir

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
HISTORY_PAGE = "posturecheck/app/page_scripts/history.py"
VISITS = (datetime(2026, 3, 2, 9, 0, tzinfo=UTC), datetime(2026, 3, 16, 9, 0, tzinfo=UTC))


@pytest.fixture
def data_home(private_data_folder: Path) -> Path:
    """The test's own per-user data folder (history database and kept results), as on a new machine."""
    return private_data_folder / "posturecheck"


def _two_visits(walk_analysis: AnalysisResult, where: Path) -> list[Path]:
    """The sample walk kept twice for client C-001, two weeks apart; the folders the visits own."""
    folders = []
    with open_history() as history:
        for number, when in enumerate(VISITS, start=1):
            folder = shutil.copytree(walk_analysis.summary_path.parent, where / f"visit{number}")
            keep_in_history(history, folder, "C-001", person=1, recorded_at=when)
            folders.append(folder)
    return folders


def _history_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(HISTORY_PAGE).run()
    assert not at.exception and at.title[0].value == "Client history"
    return at


def test_an_empty_history_says_how_to_fill_it(data_home: Path) -> None:
    at = _history_page()
    assert "No clients yet" in at.info[0].value
    assert (data_home / "history.db").is_file()  # made on first use, in the data folder


@pytest.mark.slow
def test_two_visits_show_as_progress_with_their_confidence(
    data_home: Path, walk_analysis: AnalysisResult, tmp_path: Path
) -> None:
    _two_visits(walk_analysis, tmp_path)
    at = _history_page()
    assert at.selectbox(key="history.client").value == "C-001"
    assert "C\\-001: 2 visit(s)" in [m.value for m in at.markdown if m.value.startswith("### ")][0]
    assert at.selectbox(key="history.measure").value == "hip_flexion_left_max"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    expected = walk_analysis.summary.people[0].measures["hip_flexion_left"].max
    assert chart["data"][0]["y"] == pytest.approx([expected, expected], abs=0.01)
    lines = [m.value for m in at.markdown if "valid in" in m.value][0].splitlines()
    assert len(lines) == 2 and all("confidence" in line for line in lines)
    # The same clip twice: no change, judged against the visits' own intervals when the analysis gave one.
    interval = walk_analysis.summary.people[0].measures["hip_flexion_left"].interval_95
    (change,) = [m.value for m in at.markdown if m.value.startswith("- ") and " to " in m.value]
    assert ("within measurement error" if interval else "no uncertainty recorded") in change
    at.selectbox(key="history.measure").set_value("trunk_inclination_median").run()
    assert not at.exception and len(json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]) == 2
    at.button(key="history.make_report").click().run()
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"Progress report (PDF)", "Progress report (HTML, prints well)"} <= set(labels)


@pytest.mark.slow
def test_deleting_a_client_removes_their_rows_and_files(
    data_home: Path, walk_analysis: AnalysisResult, tmp_path: Path
) -> None:
    folders = _two_visits(walk_analysis, tmp_path)
    owned = [path for folder in folders for path in folder.iterdir() if path.is_file()]
    at = _history_page()
    # Delete without the code, or with another, deletes nothing and says why.
    at.button(key="history.delete.1").click().run()
    assert "nothing was deleted" in at.warning[0].value
    at.text_input(key="history.delete.confirm.1").input("C-00")
    at.button(key="history.delete.1").click().run()
    assert "nothing was deleted" in at.warning[0].value
    with open_history() as history:
        assert [client.code for client in history.clients()] == ["C-001"]
    at.text_input(key="history.delete.confirm.1").input("C-001")  # a form: sent with the click
    at.button(key="history.delete.1").click().run()
    assert not at.exception and at.success[0].value.startswith("Deleted C\\-001: 2 visit(s)")
    assert "No clients yet" in at.info[0].value
    with open_history() as history:
        assert history.clients() == []
    assert [path for path in owned if path.exists()] == []


@pytest.mark.slow
def test_an_analysis_kept_from_the_analyse_page_appears_in_the_history(data_home: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.button(key="analyse.run").click().run()
    assert not at.exception and at.metric
    at.text_input(key="analyse.keep.client").input("  ")
    at.button(key="FormSubmitter:analyse.keep-Keep").click().run()
    assert at.error[0].value == "a client needs a name or code"
    assert list(kept_results_dir().iterdir()) == []  # the refused copy was removed again
    at.text_input(key="analyse.keep.client").input("C-002")
    at.button(key="FormSubmitter:analyse.keep-Keep").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[-1].value.startswith("Kept for new client **C\\-002**")  # the name as plain text
    with open_history() as history:
        (client,) = history.clients()
        (session,) = history.sessions(client.id)
    kinds = {item.kind for item in session.media}
    assert {"summary", "landmarks", "annotated_video", "report_pdf", "report_html"} <= kinds
    outside = [item.path for item in session.media if not item.path.is_relative_to(kept_results_dir())]
    assert outside == [] and all(item.path.is_file() for item in session.media)
    at.switch_page(HISTORY_PAGE).run()
    assert not at.exception and at.selectbox(key="history.client").value == "C-002"
    # Deleting the client leaves nothing of the kept copy behind, not even its folder.
    at.text_input(key=f"history.delete.confirm.{client.id}").input("C-002")  # sent with the click
    at.button(key=f"history.delete.{client.id}").click().run()
    assert not at.exception and at.success[0].value.startswith("Deleted C\\-002")
    assert list(kept_results_dir().iterdir()) == []


def test_a_data_folder_that_cannot_take_the_copy_is_one_clear_error(
    data_home: Path, walk_analysis: AnalysisResult
) -> None:
    from posturecheck.app.keeping import keep_copy
    from posturecheck.errors import InputError

    data_home.mkdir(parents=True)
    kept_results_dir().write_text("a file where the kept folder should be")
    with pytest.raises(InputError, match="cannot keep a copy of the analysis there"):
        keep_copy(walk_analysis.summary_path.parent, "C-003", 1)


def test_importing_into_a_history_that_has_clients_selects_the_imported_one(
    data_home: Path, tmp_path: Path
) -> None:
    """The page set its client choice after the selectbox was drawn: Streamlit refused (issue 9, defect 3)."""
    with open_history() as history:
        history.add_client("C-001")
        document = history.export_client(history.add_client("C-009"))
        history.delete_client(history.clients()[1].id)
    at = _history_page()
    assert at.selectbox(key="history.client").value == "C-001"
    at.file_uploader(key="history.import").set_value(
        ("c-009.json", json.dumps(document).encode(), "application/json")
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error and at.selectbox(key="history.client").value == "C-009"
    assert at.selectbox(key="history.client").options == ["C-001", "C-009"]


def _visits_by_hand(mdc95: float | None) -> None:
    """Client C-010's two visits, left hip flexion 30.0° then 36.5°, with a kept MDC95 (``None``: none)."""
    with open_history() as history:
        client = history.add_client("C-010")
        for when, value in zip(VISITS, (30.0, 36.5), strict=True):
            figure = MeasureValue("hip_flexion_left_max", value, "deg", 0.9)
            history.save_session(client, "analysis", when, {}, [figure], source_name="walk.mp4")
        if mdc95 is not None:
            error = MeasurementError(
                "analysis", figure.name, "deg", mdc95 / 2.77, mdc95, 3, "high", VISITS[0]
            )
            history.keep_measurement_errors([error], "C-010")


@pytest.mark.parametrize(
    ("mdc95", "words", "dash"),
    [
        (None, "no uncertainty recorded", "dot"),
        (8.0, "within measurement error", "dash"),
        (5.0, "beyond measurement error", "solid"),
    ],
)
def test_each_change_between_visits_says_how_it_compares_with_measurement_error(
    data_home: Path, mdc95: float | None, words: str, dash: str
) -> None:
    _visits_by_hand(mdc95)
    at = _history_page()
    assert not at.exception and at.selectbox(key="history.measure").value == "hip_flexion_left_max"
    # The values list says "no uncertainty recorded" of a visit without interval: pick the " to " line.
    (change,) = [m.value for m in at.markdown if m.value.startswith("- ") and " to " in m.value]
    assert words in change and change.count("\n- ") == 0  # one change between two visits
    assert ("kept for this client" in change) == (mdc95 is not None)
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["data"][0]["y"] == [30.0, 36.5] and chart["data"][0]["mode"] == "markers"
    (segment,) = chart["data"][1:]
    assert segment["line"]["dash"] == dash and segment["name"].startswith(words)


def test_each_visit_carries_its_95_interval_as_an_error_bar_where_its_summary_kept_one(
    data_home: Path,
) -> None:
    """Visit 1 kept a ± 3.4° interval for left hip flexion; visit 2 is from before intervals: no bar."""
    interval = {"half_width_deg": 3.4, "expected_error_deg": 1.4, "spread_deg": None, "n": None, "basis": "x"}
    kept = ({"max": 30.0, "unit": "deg", "interval_95": interval}, {"max": 36.5, "unit": "deg"})
    with open_history() as history:
        client = history.add_client("C-011")
        for when, hip in zip(VISITS, kept, strict=True):
            summary = {"measures": [{"person": 1, "measures": {"hip_flexion_left": hip}}]}
            figure = MeasureValue("hip_flexion_left_max", hip["max"], "deg", 0.9)
            history.save_session(client, "analysis", when, summary, [figure], source_name="walk.mp4")
    at = _history_page()
    assert not at.exception and at.selectbox(key="history.measure").value == "hip_flexion_left_max"
    points = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert points["y"] == [30.0, 36.5]
    assert points["error_y"]["array"] == [3.4, None] and points["error_y"]["visible"]
    lines = [m.value for m in at.markdown if "valid in" in m.value][0].splitlines()
    assert "**30.0°** ± 3°" in lines[0] and "**36.5°** (no uncertainty recorded)" in lines[1]
