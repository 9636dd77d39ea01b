"""The Analyse page, driven with Streamlit's AppTest on the sample walk's real analysis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file
from posturecheck.app.analysis import available_samples
from posturecheck.app.plots import measures_figure
from posturecheck.app.settings import AppSettings
from posturecheck.app.text import plain_reason, plain_warnings
from posturecheck.errors import InputError
from posturecheck.measures.table import write_csv
from posturecheck.measures.uncertainty import frame_half_width, measurement_half_width
from posturecheck.reports.wording import BAND_LABEL, NO_INTERVAL
from posturecheck.summary_schema import AnalysisSummary
from tests.media import WALK_CLIP, frame_of
from tests.test_report import HIDDEN_KNEE, SAGITTAL_30_45_MAE_DEG, oblique_walk

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SETTINGS_KEY = "posturecheck.settings"


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch, walk_analysis: AnalysisResult) -> list[AnalyzeOptions]:
    """``analyze_file`` replaced by the session's analysis of the sample walk; the options it got."""
    seen: list[AnalyzeOptions] = []

    def analyse(path: Path, options: AnalyzeOptions) -> AnalysisResult:
        seen.append(options)
        assert options.on_progress is not None and options.csv_path is not None
        options.on_progress(1, 2)
        return replace(walk_analysis, csv_path=write_csv(walk_analysis.tables, options.csv_path))

    monkeypatch.setattr("posturecheck.app.analysis.analyze_file", analyse)
    return seen


@pytest.mark.slow
def test_sample_walk_shows_every_figure_with_its_confidence(calls: list[AnalyzeOptions]) -> None:
    at = _app()
    assert not at.get("video") and at.button(key="analyse.run")
    at.button(key="analyse.run").click().run()
    assert not at.exception and len(calls) == 1
    assert any("was in view for" in warning.value for warning in at.warning)
    labels = [metric.label for metric in at.metric]
    assert {"Hip flexion, left", "Hip flexion, right", "Trunk inclination"} <= set(labels)
    marks = [m.value for m in at.markdown if "valid in" in m.value]
    assert len(marks) == len(labels)  # every card carries its confidence mark and valid share
    assert all(any(word in mark for word in ("confidence", "not measurable")) for mark in marks)
    assert any(
        m.value == "**Range of hip flexion left**" for m in at.markdown
    )  # the free assessment's findings
    assert len(at.get("video")) == 1 and len(at.get("plotly_chart")) >= 1
    assert [b.proto.label for b in at.get("download_button")] == [
        "Per-frame measures (CSV)",
        "Summary (JSON)",
        "Annotated video (MP4)",
    ]
    assert at.get("page_link")[0].proto.query_string == "topic=psoas-anatomy"  # the free assessment's note


@pytest.mark.slow
def test_report_is_made_on_request_and_offered_for_download(
    calls: list[AnalyzeOptions], walk_analysis: AnalysisResult
) -> None:
    at = _app()
    at.button(key="analyse.run").click().run()
    at.button(key="analyse.make_report").click().run()
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Report (PDF)" in labels and "Report (HTML, prints well)" in labels
    assert (walk_analysis.summary_path.parent / "report.pdf").stat().st_size > 10_000


@pytest.mark.slow
def test_widgets_show_the_kept_result_without_running_the_model_again(calls: list[AnalyzeOptions]) -> None:
    at = _app()
    at.button(key="analyse.run").click().run()
    charts = len(at.get("plotly_chart"))
    at.multiselect(key="analyse.plot.1").set_value(
        ["hip_flexion_left", "trunk_inclination", "plumb_offset_hip"]
    )
    at.run()
    assert not at.exception and len(calls) == 1
    assert len(at.get("plotly_chart")) == charts + 1  # degrees and % plotted apart
    at.tabs[0].run()
    assert len(calls) == 1


@pytest.mark.slow
def test_settings_reach_the_analysis(calls: list[AnalyzeOptions]) -> None:
    at = _app()
    at.session_state[SETTINGS_KEY] = AppSettings(
        num_people=2, cutoff_hz=None, height_cm=180.0, camera_roll_deg=-2.0, method="3d", masks=True
    )
    at.run()
    at.button(key="analyse.run").click().run()
    options = calls[0]
    assert options.num_people == 2 and options.masks and callable(options.on_progress)
    assert options.measure.height_cm == 180.0 and options.measure.cutoff_hz is None
    assert options.measure.camera_roll_deg == -2.0 and options.measure.method == "3d"
    assert options.csv_path is not None and options.csv_path.name == "walk_side.measures.csv"


def test_an_input_problem_is_one_line_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, options: AnalyzeOptions) -> AnalysisResult:
        raise InputError(f"{path}: not a video or picture (no decodable stream)")

    monkeypatch.setattr("posturecheck.app.analysis.analyze_file", broken)
    at = _app()
    at.button(key="analyse.run").click().run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.endswith(
        "walk_side.mp4: not a video or picture (no decodable stream)"
    )
    assert not at.get("video") and not at.metric


def _upload_script(first: bytes, second: bytes) -> None:
    import streamlit as st

    from posturecheck.app.analysis import uploaded_input

    a, b, c = (
        uploaded_input("my clip (1).mp4", first),
        uploaded_input("again.mp4", first),
        uploaded_input("x.mp4", second),
    )
    for line in (
        str(a.path),
        str(b.path),
        a.digest == b.digest,
        a.digest != c.digest,
        a.path.read_bytes() == first,
    ):
        st.write(line)


def test_uploads_are_stored_once_per_content_with_a_safe_name() -> None:
    at = AppTest.from_function(_upload_script, kwargs={"first": b"\x00clip", "second": b"other"})
    at.run()
    first, second, same, different, kept = (m.value for m in at.markdown)
    assert first.endswith("my_clip_1_.mp4") and Path(first).parent == Path(second).parent
    assert same == different == kept == "`True`"


@pytest.mark.slow
def test_plot_shows_invalid_frames_apart_with_their_reason(walk_analysis: AnalysisResult) -> None:
    table = walk_analysis.tables[0]
    measure = table.measures["hip_flexion_left"]
    figure = measures_figure(table, ["hip_flexion_left"])
    line, crosses = figure.data
    shown = np.asarray(line.y, dtype=float)
    assert np.isnan(shown[~measure.valid]).all() and np.isfinite(shown[measure.valid]).all()
    doubtful = ~measure.valid & np.isfinite(measure.values)
    assert len(crosses.x) == doubtful.sum() > 0
    assert set(crosses.text) <= {plain_reason(r) for r in measure.reason[doubtful]}


def test_plot_shades_the_95_interval_of_the_view_around_valid_frames_only() -> None:
    table, person, _ = oblique_walk()  # 35 deg from side: 2D sagittal error measured there
    names = ["hip_flexion_left", "hip_flexion_right"]
    widths = {name: frame_half_width(person.measures[name].interval_95) for name in names}
    figure = measures_figure(table, names, widths)
    band, line = figure.data[0], figure.data[1]
    assert band.fill == "toself" and band.name.endswith(BAND_LABEL) and line.name == "Hip flexion, left"
    half_width = measurement_half_width(SAGITTAL_30_45_MAE_DEG)
    measure = table.measures["hip_flexion_left"]
    x = np.asarray([np.nan if v is None else v for v in band.x], dtype=float)
    y = np.asarray([np.nan if v is None else v for v in band.y], dtype=float)
    drawn = np.isfinite(x)
    assert (~drawn).sum() == 2  # one polygon before the hidden knee, one after, each closed by a None
    rows = np.searchsorted(table.times_s, x[drawn])
    offsets = y[drawn] - measure.values[rows]
    np.testing.assert_allclose(np.abs(offsets), half_width, rtol=1e-9)
    assert set(rows) == set(np.flatnonzero(measure.valid)) and not measure.valid[HIDDEN_KNEE].any()
    for row in set(rows):
        assert sorted(np.sign(offsets[rows == row])) == [-1.0, 1.0]


def test_plot_without_a_measured_error_has_no_band_and_says_so() -> None:
    table, _, _ = oblique_walk()
    figure = measures_figure(table, ["hip_flexion_left"], {"hip_flexion_left": None})
    assert not [trace for trace in figure.data if trace.fill]
    assert figure.data[0].name == f"Hip flexion, left ({NO_INTERVAL})"


def _few_valid(reason: str) -> dict:
    """A hip-flexion warning as the summary JSON keeps it."""
    return {"code": "hip_few_valid", "person": 1, "side": "left", "fraction": 0.2, "reason": reason}


def _person(label: str, confidence: str = "high", reason: str = "") -> dict:
    hip = {
        "unit": "deg",
        "method": "2d",
        "confidence": confidence,
        "fraction_valid": 0.2,
        "main_reason_invalid": reason,
    }
    return {
        "person": 1,
        "view": {"label": label, "median_degrees_from_side": 40.0},
        "measures": {"hip_flexion_left": hip, "hip_flexion_right": hip},
    }


@pytest.mark.parametrize(
    "summary, expected",
    [
        ({"measures": [_person("front")]}, "seen mostly from the front"),
        ({"measures": [_person("oblique")]}, "seen at an angle"),
        (
            {"measures": [], "warnings": [_few_valid("left knee not visible (visibility < 0.5)")]},
            "hard to see",
        ),
        ({"measures": [], "warnings": [_few_valid("left ankle outside the frame")]}, "step back"),
        (
            {"measures": [], "warnings": [{"code": "roll_unknown", "why": "no frame with a person"}]},
            "could not tell whether",
        ),
        (
            {"measures": [], "warnings": [{"code": "roll_corrected", "deg": 6.0}]},
            "tilted about 6° (clockwise)",
        ),
        ({"measures": [], "problem": "clip.mp4: truncated"}, "ended early"),
        (
            {
                "measures": [],
                "warnings": [
                    {"code": "low_presence", "person": 2, "fraction": 0.5, "first_s": 1.0, "last_s": 3.0}
                ],
            },
            "Person 2 was in view for 50%",
        ),
    ],
)
def test_warnings_in_plain_words(summary: dict, expected: str) -> None:
    assert any(expected in line for line in plain_warnings(AnalysisSummary.from_dict(summary)))


def test_a_clean_summary_has_no_warning() -> None:
    clean: Callable[[], dict] = lambda: {  # noqa: E731
        "frames_analysed": 10,
        "people": [
            {
                "person": 1,
                "frames_detected": 10,
                "fraction_detected": 1.0,
                "first_seen_s": 0.0,
                "last_seen_s": 0.3,
                "mean_visibility": 0.9,
            }
        ],
        "camera_roll": {"source": "estimated from the scene", "deg": 1.0},
        "measures": [_person("side")],
    }
    assert plain_warnings(AnalysisSummary.from_dict(clean())) == []


@pytest.mark.slow
def test_the_chosen_assessment_shows_its_set_up_first_then_findings_with_references(
    calls: list[AnalyzeOptions],
) -> None:
    at = _app()
    at.selectbox(key="analyse.assessment").set_value("gait").run()
    assert any("How to film it: Walking" in e.label for e in at.expander)
    assert not at.metric  # nothing measured before the user asks
    at.button(key="analyse.run").click().run()
    assert not at.exception and calls[0].expect == "clip"
    references = [c.value for c in at.caption if c.value.startswith("Reference: ")]
    assert any("10.0° to 20.0°" in text for text in references)
    assert any(":orange[" in m.value or ":green[within" in m.value for m in at.markdown)
    assert at.get("page_link")[0].proto.query_string == "topic=gait-hip-extension"
    at.selectbox(key="analyse.assessment").set_value("standing-side").run()
    at.button(key="analyse.run").click().run()
    assert (
        len(calls) == 2 and calls[1].masks
    )  # a new assessment is a new analysis; this one needs silhouettes
    assert any("does not suit this assessment" in e.value for e in at.error)


def _overview_script(result: "AnalysisResult") -> None:  # noqa: UP037 (the script runs without this module's imports)
    from posturecheck.app.results import show_overview

    show_overview(result)


@pytest.mark.slow
def test_a_photo_is_shown_with_its_skeleton(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "walker.png"), frame_of(WALK_CLIP, 150))
    result = analyze_file(tmp_path / "walker.png", AnalyzeOptions(out_dir=tmp_path / "out", progress=False))
    at = AppTest.from_function(_overview_script, kwargs={"result": result}, default_timeout=60)
    at.run()
    assert not at.exception and not at.get("video")
    assert len(at.get("image")) == 1 and "1 frame(s)** analysed" in at.markdown[0].value


def test_samples_are_offered_only_where_they_are(tmp_path: Path) -> None:
    """A wheel install has no samples/ folder: the app then offers uploads only."""
    assert set(available_samples()) == {"walk_side.mp4", "two_people.mp4"}
    assert available_samples(tmp_path) == {}
    (tmp_path / "two_people.mp4").write_bytes(b"")
    assert list(available_samples(tmp_path)) == ["two_people.mp4"]


def test_the_uploader_takes_every_kind_the_analysis_reads(tmp_path: Path) -> None:
    """Clips (the batch's containers too), GIFs and photos: the suffix lists are one, in io/kinds."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.radio(key="analyse.source").set_value("Upload a clip or photo").run()
    (uploader,) = at.get("file_uploader")
    accepted = set(uploader.proto.type)
    assert {".mp4", ".mpg", ".3gp", ".gif", ".jpg", ".png"} <= accepted
