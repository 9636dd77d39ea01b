"""Invalid-frame reasons and analysis warnings travel as codes with data; each front end words them once."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from posturecheck import analyze
from posturecheck.app import text
from posturecheck.cli_words import cli_warning
from posturecheck.measures import reasons
from posturecheck.measures.reasons import (
    AnalysisWarning,
    FrameReason,
    Invalid,
    WarningCode,
    read_reason,
    read_warnings,
    reason_line,
)
from posturecheck.reports import plain_words
from posturecheck.reports.setup_checks import setup_table
from posturecheck.summary_schema import AnalysisSummary
from tests.synthetic_skeleton import BodyPose, Camera, make_series

# Data of each assessment warning code, of the kinds the assessments pass.
ASSESSMENT_WARNING_DATA: dict[WarningCode, dict[str, Any]] = {
    WarningCode.SEVERAL_PEOPLE: {"people": 3, "person": 2},
    WarningCode.OBLIQUE_SIDE_VIEW: {"view": "oblique", "off_side_deg": 27.4, "limit_deg": 15.0},
    WarningCode.OBLIQUE_FRONT_VIEW: {"view": "oblique", "off_side_deg": 62.0, "limit_deg": 70.0},
    WarningCode.SHORT_HOLD: {"duration_s": 2.2, "asked_s": 3.0},
    WarningCode.NO_NEUTRAL: {"why": "no frame standing upright for 0.5 s"},
    WarningCode.NO_STRIDE: {"steps": 5},
    WarningCode.LOW_HIP_EXTENSION: {"side": "left", "low_deg": 10.0, "high_deg": 20.0},
    WarningCode.NO_KNEE_RAISE: {"min_raise_deg": 30.0},
    WarningCode.HIP_HIKE_UNCHECKED: {"frontal_min_deg": 45.0, "sagittal_max_deg": 40.0},
    WarningCode.FAR_SIDE_RAISES: {"count": 2, "side": "right"},
    WarningCode.NO_MASKS: {},
    WarningCode.RAW_THIGH_ANGLE: {"offset_deg": 10.0},
    WarningCode.TRUNK_TILTED: {"tilt_deg": 8.0, "limit_deg": 5.0},
    WarningCode.HELD_HIP_LOW: {"flexion_deg": 85.0, "limit_deg": 100.0},
    WarningCode.RETRACKED: {},
    WarningCode.SHORT_DETECTIONS: {"count": 2, "min_duration_s": 0.5},
    WarningCode.IDENTITY_UNSURE: {"person": 2, "confidence": 0.3, "limit": 0.5},
}

# Numbers for every field any template names, of the kinds the pipeline passes.
NUMBERS: dict[str, Any] = {
    "other": 2,
    "joint": "left knee",
    "step_deg": 48.0,
    "segment": "left thigh",
    "ratio": 0.61,
    "space": "in 3D",
    "landmark": "left ankle",
    "min_visibility": 0.5,
    "extent": 0.12,
    "min_extent": 0.25,
    "view": "front",
    "measure": "hip flexion",
    "also": " or oblique",
    "off_side_deg": 83.0,
    "limit": "limit 15",
    "knee_deg": 31.0,
    "limit_deg": 20.0,
    "axis": "roll",
    "suggested_deg": -6.0,
    "why": "only 0.4 s of upright frames (needs 1 s)",
}

# Summaries written before the codes: their warnings as the analysis worded them then.
OLD_WARNINGS = [
    "person 2 was in view in 45% of frames (1.0-3.0 s); measures cover only those frames",
    "camera roll unknown from the scene (too few long vertical edges): estimated from each person's "
    "upright axis where it can be, else a level camera is assumed; give --roll DEG if it was tilted",
    "camera is rolled +6.2 deg (estimated from the scene's vertical edges); gravity-referenced measures "
    "are corrected for it",
    "person 1: left hip flexion is expected to be about 12 deg off from this view (measured on real "
    "multi-camera footage)",
    "person 1: right hip flexion valid in only 20% of the frames they were in view: mostly left knee not "
    "visible (visibility < 0.5)",
    "no person found in the 40 frames that could be read",
]


@pytest.mark.parametrize("code", list(Invalid))
def test_every_reason_line_reads_back_as_its_code(code: Invalid) -> None:
    line = reason_line(code, **NUMBERS)
    found = read_reason(line)
    assert found is not None and found.code is code, line
    assert plain_words.reason_words(found.code)  # the app and reports have words for it


def summary_of(**fields: Any) -> AnalysisSummary:
    """A summary with no measured person and ``fields`` (the JSON keys) set."""
    return AnalysisSummary.from_dict({"measures": [], "warnings": [], **fields})


def test_a_reason_reads_back_with_its_numbers() -> None:
    line = reason_line(Invalid.NOT_VISIBLE, landmark="left knee", min_visibility=0.5)
    assert line == "left knee not visible (visibility < 0.5)"  # the line kept files hold
    assert read_reason(line) == FrameReason(
        Invalid.NOT_VISIBLE, {"landmark": "left knee", "min_visibility": "0.5"}
    )
    assert read_reason("") is None and read_reason("something else") is None


def test_the_pipelines_reasons_are_all_coded() -> None:
    """Every reason a real measure table holds reads back as a code."""
    from posturecheck.measures.pipeline import MeasureOptions, compute_measures

    poses = [BodyPose(hip_flexion_left=20.0 + i) for i in range(30)]
    series = make_series(poses, Camera(), fps=30.0)
    table = compute_measures(series, 0, MeasureOptions())
    lines = {str(r) for m in table.measures.values() for r in m.reason if r}
    assert lines and all(read_reason(line) is not None for line in lines), sorted(
        line for line in lines if read_reason(line) is None
    )


def _warning_examples() -> list[AnalysisWarning]:
    data: dict[WarningCode, dict[str, Any]] = {
        WarningCode.LOW_PRESENCE: {"person": 2, "fraction": 0.45, "first_s": 1.0, "last_s": 3.0},
        WarningCode.ROLL_CORRECTED: {"deg": -6.2},
        WarningCode.ROLL_UNKNOWN: {"why": "too few long vertical edges"},
        WarningCode.HIP_EXPECTED_ERROR: {"person": 1, "side": "left", "error_deg": 12.4},
        WarningCode.HIP_FEW_VALID: {
            "person": 1,
            "side": "right",
            "fraction": 0.2,
            "reason": "left ankle outside the frame",
        },
        WarningCode.HIP_UNCHECKED_VIEW: {"person": 1},
        WarningCode.HIP_EXTREME_MISSED: {
            "person": 1,
            "side": "right",
            "extreme": "max",
            "shown_deg": 5.2,
            "missed_deg": 25.6,
        },
        WarningCode.NO_PERSON_READ: {"frames": 40},
        WarningCode.TEXT: {"text": "an old line"},
        **ASSESSMENT_WARNING_DATA,
    }
    assert set(data) == set(WarningCode)
    return [AnalysisWarning(code, values) for code, values in data.items()]


@pytest.mark.parametrize("warning", _warning_examples(), ids=lambda w: w.code.value)
def test_every_warning_has_words_in_each_front_end_and_plain_words_name_no_flag(
    warning: AnalysisWarning,
) -> None:
    cli, plain = cli_warning(warning), plain_words.warning_words(warning)
    assert cli and plain and "--" not in plain
    if warning.code is not WarningCode.TEXT:
        assert warning.code.value not in (cli, plain), "a code without words shows as its name"
    assert AnalysisWarning.from_json(json.loads(json.dumps(warning.to_dict()))) == warning


def test_the_cli_names_the_roll_flag_and_the_app_says_where_to_enter_it() -> None:
    unknown = AnalysisWarning(WarningCode.ROLL_UNKNOWN, {"why": "no frame with a person"})
    assert "--roll DEG" in cli_warning(unknown)
    app = text.plain_warnings(summary_of(warnings=[unknown.to_dict()]))
    assert len(app) == 1 and "--" not in app[0] and "Settings" in app[0]


def test_old_english_warnings_still_read_and_show_in_plain_words() -> None:
    read = read_warnings({"warnings": OLD_WARNINGS + ["a line of an unknown form"]})
    assert [w.code for w in read] == [
        WarningCode.LOW_PRESENCE,
        WarningCode.ROLL_UNKNOWN,
        WarningCode.ROLL_CORRECTED,
        WarningCode.HIP_EXPECTED_ERROR,
        WarningCode.HIP_FEW_VALID,
        WarningCode.NO_PERSON_READ,
        WarningCode.TEXT,
    ]
    assert read[0].data == {"person": 2, "fraction": 0.45, "first_s": 1.0, "last_s": 3.0}
    assert read[4].data["reason"] == "left knee not visible (visibility < 0.5)"
    shown = text.plain_warnings(summary_of(warnings=OLD_WARNINGS))
    assert len(shown) == len(OLD_WARNINGS) and not any("--" in line for line in shown)
    assert "Person 2 was in view for 45%" in shown[0]
    assert "hard to see" in shown[4]


def test_the_app_words_the_analysis_warnings_and_derives_none_of_its_own() -> None:
    """A person in view half the time is warned about by the analysis, not re-judged by the app."""
    people = [
        {
            "person": 2,
            "frames_detected": 50,
            "fraction_detected": 0.5,
            "first_seen_s": 1.0,
            "last_seen_s": 3.0,
            "mean_visibility": 0.9,
        }
    ]
    assert text.plain_warnings(summary_of(frames_analysed=100, people=people)) == []
    roll = {"source": "estimated from the scene", "deg": 6.0}
    assert text.plain_warnings(summary_of(camera_roll=roll)) == []


def test_presence_warning_follows_the_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    times = np.arange(10) / 10
    series = make_series([BodyPose() for _ in times], Camera(), fps=10.0)
    series.image[:3] = np.nan  # in view in 70% of frames
    assert [w.code for w in analyze.presence_warnings(series)] == [WarningCode.LOW_PRESENCE]
    monkeypatch.setattr(reasons, "LOW_PRESENCE_FRACTION", 0.6)
    assert analyze.presence_warnings(series) == []


def test_setup_checks_mark_presence_from_the_analysis_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    person = {
        "person": 1,
        "frames_detected": 7,
        "fraction_detected": 0.7,
        "first_seen_s": 0.0,
        "last_seen_s": 1.0,
        "mean_visibility": 0.9,
    }
    summary = summary_of(frames_analysed=10, people=[person])
    assert "Check" in setup_table(summary, None).rows[1]
    monkeypatch.setattr(reasons, "LOW_PRESENCE_FRACTION", 0.6)
    assert "OK" in setup_table(summary, None).rows[1]


def test_plain_reason_words_a_line_by_its_code_and_keeps_an_unknown_line() -> None:
    line = reason_line(Invalid.OUTSIDE_FRAME, landmark="left ankle")
    assert text.plain_reason(line) == plain_words.reason_words(Invalid.OUTSIDE_FRAME)
    assert text.plain_reason("a line from nowhere") == "a line from nowhere"
    assert text.plain_reason("") == ""
