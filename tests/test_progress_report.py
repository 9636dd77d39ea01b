"""The progress report over a client's visits, on a history made in the test (no model run)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from posturecheck.errors import InputError
from posturecheck.reports.progress_report import build_progress_report, figure_label, progress_report
from posturecheck.storage import ClientInfo, History, MeasureValue, open_history

VISITS = (datetime(2026, 3, 2, 9, 0, tzinfo=UTC), datetime(2026, 3, 30, 9, 0, tzinfo=UTC))


def _history(path: Path, assessments: tuple[str, str] = ("free", "free")) -> tuple[History, ClientInfo]:
    """Two visits: left hip flexion 30.0° (90% valid) then 36.5° (30%); pelvic obliquity unmeasured."""
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
    for when, assessment, measures in zip(VISITS, assessments, figures, strict=True):
        unmeasured = MeasureValue("pelvic_obliquity_median", math.nan, "deg", 0.0)
        history.save_session(client.id, assessment, when, {}, (*measures, unmeasured), source_name="walk.mp4")
    return history, client


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
    assert change.endswith("change +6.5°.")
    assert len(report.plots) == 2  # hip flexion and trunk lean; nothing to plot for the unmeasured figure
    assert not any("different assessments" in warning for warning in report.warnings)


def test_html_and_pdf_hold_the_figures(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db")
    with history:
        files = build_progress_report(history, client, tmp_path / "out" / "progress_C-7")
    html = files.html.read_text(encoding="utf-8")
    assert "Progress over visits" in html and "36.5°" in html and "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html  # self-contained
    text = "\n".join(page.extract_text() for page in PdfReader(files.pdf).pages)
    assert "36.5°" in text and "change +6.5°" in text and "Not a diagnosis" in text


def test_visits_of_different_assessments_are_warned_about(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db", ("free", "gait"))
    with history:
        report = progress_report(client, history.sessions(client.id))
    assert any("different assessments (free, gait)" in warning for warning in report.warnings)


def test_a_figure_no_visit_has_and_a_client_without_visits_are_refused(tmp_path: Path) -> None:
    history, client = _history(tmp_path / "history.db")
    with history:
        with pytest.raises(InputError, match="no key figure 'knee_flexion_left_max'"):
            progress_report(client, history.sessions(client.id), ["knee_flexion_left_max"])
        empty = history.client(history.add_client("C-8"))
        with pytest.raises(InputError, match="C-8 has no visits yet"):
            progress_report(empty, history.sessions(empty.id))
