"""The progress report over a client's visits, on a history made in the test (no model run).

Each change between visits is judged against measurement error: a kept MDC95 (the client's, else
the clinic's default), else the visits' 95 % intervals, else "no uncertainty recorded".
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.container import ErrorbarContainer
from pypdf import PdfReader

from posturecheck.cli_history import client_progress
from posturecheck.errors import InputError
from posturecheck.reports.plots.measure_over_visits import INTERVAL_LABEL
from posturecheck.reports.progress_report import build_progress_report, figure_label, progress_report
from posturecheck.storage import ClientInfo, History, MeasurementError, MeasureValue, open_history

VISITS = (datetime(2026, 3, 2, 9, 0, tzinfo=UTC), datetime(2026, 3, 30, 9, 0, tzinfo=UTC))
HIP = "hip_flexion_left_max"
# Words that would read a change as better or worse: never used, whatever the error says.
DIRECTION_WORDS = re.compile(r"improv|declin|better|worse|deteriorat", re.IGNORECASE)


def _summary(hip: float, half_width: Any, expected_error_deg: float | None = 5.0) -> dict[str, Any]:
    """A visit's summary JSON whose person 1 has left hip flexion ``hip`` (max) with ``interval_95``.

    ``expected_error_deg``: the error a reference measured for the case (None: none measured).
    """
    measure = {
        "max": hip,
        "median": hip - 20.0,
        "unit": "deg",
        "interval_95": half_width,
        "expected_error_deg": expected_error_deg,
    }
    return {"measures": [{"person": 1, "measures": {"hip_flexion_left": measure}}]}


def _error(mdc95: float, assessment: str = "free", name: str = HIP) -> MeasurementError:
    """A kept repeatability: SEM = MDC95 / 2.77, from three clips."""
    return MeasurementError(assessment, name, "deg", mdc95 / 2.77, mdc95, 3, "high", VISITS[0])


def _history(
    path: Path,
    assessments: tuple[str, str] = ("free", "free"),
    intervals: tuple[Any, Any] = (None, None),
    expected_error_deg: float | None = 5.0,
) -> tuple[History, ClientInfo]:
    """Two visits: left hip flexion 30.0° (90% valid) then 36.5° (30%); pelvic obliquity unmeasured.

    ``intervals``: each visit's ``interval_95`` of left hip flexion in its summary (``None``: none).
    """
    history = open_history(f"sqlite:///{path}")
    client = history.client(history.add_client("C-7"))
    figures = (
        (
            MeasureValue("hip_flexion_left_max", 30.0, "deg", 0.9),
            MeasureValue("trunk_inclination_median", 2.0, "deg", 0.8),
        ),
        (
            MeasureValue("hip_flexion_left_max", 36.5, "deg", 0.3),
            MeasureValue("trunk_inclination_median", 1.5, "deg", 0.8),
        ),
    )
    for when, assessment, measures, interval in zip(VISITS, assessments, figures, intervals, strict=True):
        unmeasured = MeasureValue("pelvic_obliquity_median", math.nan, "deg", 0.0)
        summary = _summary(measures[0].value, interval, expected_error_deg)
        history.save_session(
            client.id, assessment, when, summary, (*measures, unmeasured), source_name="walk.mp4"
        )
    return history, client


def _hip_change(history: History, client: ClientInfo) -> tuple[str, tuple[str, ...]]:
    """The report's summary line on left hip flexion, and its table's change column."""
    report = progress_report(
        client, history.sessions(client.id), errors=history.measurement_errors(client.id)
    )
    (line,) = [line for line in report.summary_lines if line.startswith("Hip flexion, left")]
    table = next(t for t in report.figures if t.title == figure_label(HIP))
    assert not any(DIRECTION_WORDS.search(text) for text in (*report.summary_lines, table.caption))
    return line, tuple(row[4] for row in table.rows)


def test_each_figure_is_shown_per_visit_with_its_confidence(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db")
    with history:
        report = progress_report(client, history.sessions(client.id))
    hip = next(t for t in report.figures if t.title == figure_label("hip_flexion_left_max"))
    assert [row[1:4] for row in hip.rows] == [("30.0°", "high", "90%"), ("36.5°", "low", "30%")]
    assert hip.marks == ("", "caution")
    pelvis = next(t for t in report.figures if t.title == figure_label("pelvic_obliquity_median"))
    assert [row[1:3] for row in pelvis.rows] == [("–", "none"), ("–", "none")] and pelvis.marks == (
        "muted",
        "muted",
    )
    (change,) = [line for line in report.summary_lines if line.startswith("Hip flexion, left")]
    assert (
        "30.0° on 2026-03-02 (high confidence)" in change and "36.5° on 2026-03-30 (low confidence)" in change
    )
    assert "change +6.5°, no uncertainty recorded" in change
    assert len(report.plots) == 2  # hip flexion and trunk lean; nothing to plot for the unmeasured figure
    assert not any("different assessments" in warning for warning in report.warnings)
    # Small changes are judged against the measured error, not a retyped "few degrees".
    assert not any("a few degrees" in warning for warning in report.warnings)
    assert any("within measurement error" in warning for warning in report.warnings)


def test_a_visit_whose_error_nobody_measured_is_never_high_confidence(tmp_path: Path) -> None:
    # A side-view hip flexion has no error measured against a reference (docs/validation.md): the
    # history once labelled it "high" from its 90 % valid frames alone.
    history, client = _history(tmp_path / "history.db", expected_error_deg=None)
    with history:
        report = progress_report(client, history.sessions(client.id))
    hip = next(t for t in report.figures if t.title == figure_label(HIP))
    assert [row[1:4] for row in hip.rows] == [("30.0°", "low", "90%"), ("36.5°", "low", "30%")]
    assert hip.marks == ("caution", "caution")
    (change,) = [line for line in report.summary_lines if line.startswith("Hip flexion, left")]
    assert "30.0° on 2026-03-02 (low confidence)" in change


def test_html_and_pdf_hold_the_figures(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db")
    with history:
        files = build_progress_report(history, client, tmp_path / "out" / "progress_C-7")
    html = files.html.read_text(encoding="utf-8")
    assert "Progress over visits" in html and "36.5°" in html and "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html  # self-contained
    text = "\n".join(page.extract_text() for page in PdfReader(files.pdf).pages)
    assert "36.5°" in text and "change +6.5°" in text and "Not a diagnosis" in text
    assert "no uncertainty recorded" in text and "no uncertainty recorded" in html


def test_visits_of_different_assessments_are_warned_about(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db", ("free", "gait"))
    with history:
        report = progress_report(client, history.sessions(client.id))
    assert any("different assessments (free, gait)" in warning for warning in report.warnings)


def test_visits_without_a_protocol_are_not_warned_about_as_different(tmp_path: Path) -> None:
    """A plain analysis and the free assessment measure the same way (as their MDC is shared)."""
    history, client = _history(tmp_path / "history.db", ("analysis", "free"))
    with history:
        report = progress_report(client, history.sessions(client.id))
    assert not any("different assessments" in warning for warning in report.warnings)


def test_a_figure_no_visit_has_and_a_client_without_visits_are_refused(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db")
    with history:
        with pytest.raises(InputError, match="no key figure 'knee_flexion_left_max'"):
            progress_report(client, history.sessions(client.id), ["knee_flexion_left_max"])
        empty = history.client(history.add_client("C-8"))
        with pytest.raises(InputError, match="C-8 has no visits yet"):
            progress_report(empty, history.sessions(empty.id))


def test_an_old_history_without_uncertainties_says_none_is_recorded(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db")
    with history:
        line, cells = _hip_change(history, client)
    assert "+6.5°, no uncertainty recorded" in line
    assert "beyond" not in line and "within" not in line
    assert cells == ("–", "+6.5°, no uncertainty recorded")


@pytest.mark.parametrize(
    ("mdc95", "verdict"), [(8.0, "within measurement error"), (5.0, "beyond measurement error")]
)
def test_a_change_is_judged_against_the_mdc95_kept_for_the_client(
    tmp_path: Path, mdc95: float, verdict: str
) -> None:
    history, client = _history(tmp_path / "history.db", intervals=({"half_width_deg": 1.0},) * 2)
    with history:
        history.keep_measurement_errors([_error(mdc95)], client.code)
        line, cells = _hip_change(history, client)
    assert f"change +6.5°, {verdict} (judged against the MDC95 of {mdc95:.1f}° kept for this client" in line
    assert cells[1] == f"+6.5°, {verdict}"


def test_the_clinic_default_serves_when_the_client_has_none_and_only_for_its_assessment(
    tmp_path: Path,
) -> None:
    history, client = _history(tmp_path / "history.db")
    with history:
        history.keep_measurement_errors([_error(5.0), _error(1.0, assessment="gait")])
        line, _ = _hip_change(history, client)
        assert "beyond measurement error (judged against the MDC95 of 5.0° the clinic's default" in line
        history.keep_measurement_errors([_error(8.0)], client.code)  # the client's own wins
        line, _ = _hip_change(history, client)
        assert "within measurement error (judged against the MDC95 of 8.0° kept for this client" in line
        history.keep_measurement_errors([_error(9.0, assessment="gait")], client.code)
        assert "MDC95 of 8.0°" in _hip_change(history, client)[0]  # another assessment's error is not used


def test_visits_of_different_assessments_use_no_mdc(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db", ("free", "gait"))
    with history:
        history.keep_measurement_errors([_error(5.0), _error(5.0, assessment="gait")], client.code)
        line, _ = _hip_change(history, client)
    assert "no uncertainty recorded" in line


@pytest.mark.parametrize(
    ("widths", "verdict", "threshold"),
    [((3.0, 4.0), "beyond measurement error", "5.0°"), ((4.0, 6.0), "within measurement error", "7.2°")],
)
def test_without_an_mdc_the_visits_95_intervals_judge_the_change(
    tmp_path: Path, widths: tuple[float, float], verdict: str, threshold: str
) -> None:
    intervals = tuple(
        {"half_width_deg": h, "expected_error_deg": h, "spread_deg": 0.5, "n": 40, "basis": "test"}
        for h in widths
    )
    history, client = _history(tmp_path / "history.db", intervals=intervals)
    with history:
        line, _ = _hip_change(history, client)
    # sqrt(3² + 4²) = 5.0 < 6.5; sqrt(4² + 6²) = 7.2 > 6.5
    assert f"+6.5°, {verdict} (judged against the visits' 95% intervals" in line
    assert f"a change must exceed {threshold})" in line


@pytest.mark.parametrize(
    "interval",
    [{"half_width_deg": "3"}, {"half_width_deg": -1.0}, {"half_width_deg": 0.0}, {"n": 4}, "3 deg", [3.0]],
)
def test_a_malformed_interval_is_no_uncertainty_not_an_error(tmp_path: Path, interval: Any) -> None:
    history, client = _history(tmp_path / "history.db", intervals=({"half_width_deg": 3.0}, interval))
    with history:
        line, _ = _hip_change(history, client)
    assert "no uncertainty recorded" in line


def test_html_and_pdf_say_which_error_judged_the_change(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db")
    with history:
        history.keep_measurement_errors([_error(5.0)], client.code)
        files = build_progress_report(history, client, tmp_path / "out" / "progress_C-7")
    html = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", files.html.read_text(encoding="utf-8"))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(files.pdf).pages).split())
    for document in (html, text):
        assert "beyond measurement error" in document and "kept for this client" in document
        assert not DIRECTION_WORDS.search(document)


def test_an_interval_is_read_for_each_statistic_but_the_range_and_for_a_finding() -> None:
    from posturecheck.reports.progress_change import interval_half_width
    from posturecheck.storage import SessionInfo

    summary = _summary(30.0, {"half_width_deg": 4.0}) | {
        "assessment": {
            "findings": [
                {"name": "hanging_thigh_angle", "value": 12.0, "interval_95": {"half_width_deg": 6.0}}
            ]
        }
    }
    summary["measures"][0]["measures"]["hip_flexion_left"]["range"] = 50.0
    visit = SessionInfo(VISITS[0], "thomas-test", "", summary, 1, id=1, client_id=1)

    def width(name: str, value: float, unit: str = "deg") -> float | None:
        return interval_half_width(visit, MeasureValue(name, value, unit, 0.9))

    assert width("hip_flexion_left_max", 30.0) == 4.0 and width("hip_flexion_left_median", 10.0) == 4.0
    assert width("hip_flexion_left_range", 50.0) is None  # a difference of two figures: not described
    assert width("hip_flexion_left_max", 31.0) is None  # no person has the kept value
    assert width("hip_flexion_left_max", 30.0, "%") is None
    assert width("hanging_thigh_angle", 12.0) == 6.0 and width("hanging_knee_flexion", 12.0) is None


@pytest.mark.parametrize(("first", "second"), [(3.0, 4.5), (3.0, None), (None, None)])
def test_the_progress_plot_draws_each_kept_95_interval_as_an_error_bar(
    tmp_path: Path, first: float | None, second: float | None
) -> None:
    """Each visit with an ``interval_95`` gets a bar of exactly ± its half-width; one without, none."""
    intervals = tuple(
        None
        if h is None
        else {"half_width_deg": h, "expected_error_deg": h, "spread_deg": None, "basis": "t"}
        for h in (first, second)
    )
    history, client = _history(tmp_path / "history.db", intervals=intervals)
    with history:
        figure, points, _ = client_progress(history, client, HIP)
    axes = figure.axes[0]
    bars = [c for c in axes.containers if isinstance(c, ErrorbarContainer)]
    kept = [
        (when, value, h) for (when, value), h in zip(points, (first, second), strict=True) if h is not None
    ]
    if not kept:
        assert not bars and INTERVAL_LABEL not in [t.get_text() for t in axes.get_legend().texts]
        return
    (bar,) = bars
    segments = bar.lines[2][0].get_segments()
    assert len(segments) == len(kept)
    for segment, (when, value, h) in zip(segments, kept, strict=True):
        np.testing.assert_allclose(
            segment, [[mdates.date2num(when), value - h], [mdates.date2num(when), value + h]]
        )
    assert bar.get_label() == INTERVAL_LABEL and INTERVAL_LABEL in [
        t.get_text() for t in axes.get_legend().texts
    ]
