"""The analysis summary is typed and versioned: it reads back unchanged, old files open, newer are refused."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from posturecheck.analyze import AnalysisResult
from posturecheck.cli_figures import headline_lines
from posturecheck.errors import InputError
from posturecheck.measures.reasons import WarningCode
from posturecheck.reports.setup_checks import setup_table
from posturecheck.results.folder import open_result_folder
from posturecheck.summary_schema import (
    SCHEMA_VERSION,
    SUMMARY_SUFFIX,
    AnalysisSummary,
    SummaryError,
    read_summary,
)
from tests.test_cli_bad_input import assert_one_line_error, run_cli

# Written by `posturecheck analyze samples/walk_side.mp4 --no-video` before the summary had a schema
# version; each person's measures trimmed to six.
BEFORE_SCHEMA = Path(__file__).parent / "data" / "walk_side_before_schema.summary.json"

# How warnings were worded before they had codes (posturecheck.measures.reasons keeps these forms).
ENGLISH_WARNINGS = [
    "person 2 was in view in 10.9% of frames (6.7-7.5 s); measures cover only those frames",
    "camera roll unknown from the scene (found 1 long near-vertical line(s)): estimated as level",
]


def before_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BEFORE_SCHEMA.read_text(encoding="utf-8"))
    return data


def oldest_layout() -> dict[str, Any]:
    """The fixture as the first releases wrote it: no pitch, error, interval, neutral, tilt or exports."""
    data = before_schema()
    del data["camera_pitch"]
    del data["outputs"]["exports"]
    data["warnings"] = list(ENGLISH_WARNINGS)
    for person in data["measures"]:
        del person["hip_neutral"], person["camera_tilt"]
        for figure in person["measures"].values():
            del figure["expected_error_deg"], figure["interval_95"]
    return data


def folder_with(tmp_path: Path, data: dict[str, Any]) -> Path:
    folder = tmp_path / "visit"
    folder.mkdir()
    (folder / f"walk_side{SUMMARY_SUFFIX}").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return folder


def test_a_real_summary_reads_back_unchanged(walk_analysis: AnalysisResult) -> None:
    summary = walk_analysis.summary
    assert isinstance(summary, AnalysisSummary) and summary.schema_version == SCHEMA_VERSION
    written = json.loads(walk_analysis.summary_path.read_text(encoding="utf-8"))
    assert written == summary.to_dict() and next(iter(written)) == "schema_version"
    assert AnalysisSummary.from_dict(written).to_dict() == written
    assert read_summary(walk_analysis.summary_path) == summary


def test_a_summary_from_before_the_schema_reads_in_todays_layout() -> None:
    data = before_schema()
    summary = AnalysisSummary.from_dict(data)
    # The version is added, and since version 3 each measure's missed extremes (not checked then: None).
    for person in data["measures"]:
        for measure in person["measures"].values():
            measure.update(max_missed=None, min_missed=None)
    assert summary.to_dict() == {"schema_version": SCHEMA_VERSION, **data}
    walker = summary.person(1)
    assert walker is not None and walker.view.label == "side"
    trunk = walker.measures["trunk_inclination"]
    assert trunk.interval_95 is not None and trunk.interval_95.half_width_deg == 31.69
    assert [warning.code for warning in summary.warnings] == [
        WarningCode.LOW_PRESENCE,
        WarningCode.LOW_PRESENCE,
        WarningCode.ROLL_UNKNOWN,
    ]


def test_the_oldest_layout_opens_with_what_it_lacks_left_empty() -> None:
    summary = AnalysisSummary.from_dict(oldest_layout())
    walker = summary.person(1)
    assert walker is not None and walker.hip_neutral is None and walker.camera_tilt is None
    hip = walker.measures["hip_flexion_left"]
    assert hip.interval_95 is None and hip.expected_error_deg is None and hip.max == 31.55
    assert summary.camera_pitch.deg is None and summary.outputs.exports == ()
    assert [w.code for w in summary.warnings] == [WarningCode.LOW_PRESENCE, WarningCode.ROLL_UNKNOWN]
    assert summary.warnings[0].data["fraction"] == pytest.approx(0.109)


def test_the_oldest_layout_shows_in_the_terminal_and_the_report_checks(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, oldest_layout())
    result = open_result_folder(folder)
    lines = headline_lines(result.summary)
    assert lines[0] == "person 1 (side view):"
    assert any(
        "Hip flexion, left" in line and "most 31.6 deg (no uncertainty recorded)" in line for line in lines
    )
    rows = setup_table(result.summary, result.summary.assessment).rows
    assert (
        "Camera level",
        "assumed level (found 1 long near-vertical line(s) in the scene; at least 2 are "
        "needed); keep the phone level",
        "Check",
    ) in rows


def test_a_newer_schema_version_is_refused_in_one_line(tmp_path: Path) -> None:
    data = {"schema_version": SCHEMA_VERSION + 1, **before_schema()}
    with pytest.raises(SummaryError, match="newer than this posturecheck reads"):
        AnalysisSummary.from_dict(data)
    folder = folder_with(tmp_path, data)
    with pytest.raises(InputError, match=f"schema version {SCHEMA_VERSION + 1} is newer"):
        open_result_folder(folder)
    assert_one_line_error(
        run_cli("report", folder, "--client", "AB-1"),
        "walk_side.summary.json",
        "update posturecheck to open it",
    )


def test_a_malformed_summary_is_named_not_a_traceback(tmp_path: Path) -> None:
    data = before_schema()
    broken = copy.deepcopy(data)
    broken["measures"][0]["measures"]["hip_flexion_left"]["median"] = "about 3"
    with pytest.raises(InputError, match="not a posturecheck analysis summary"):
        open_result_folder(folder_with(tmp_path, broken))


@pytest.mark.slow
def test_the_report_shows_a_summary_from_before_the_schema(tmp_path: Path) -> None:
    from posturecheck.reports import build_report

    # The clip is where the summary says (samples/walk_side.mp4); its landmarks file was not kept.
    folder = folder_with(tmp_path, oldest_layout())
    files = build_report(folder, "AB-1", out=tmp_path / "report")
    page = files.html.read_text(encoding="utf-8")
    assert "31.6" in page and "Hip flexion" in page
