"""Assessment warnings are codes with data: old results still open, numbers come from what was used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from posturecheck.assessments import AssessmentResult, get_assessment, knee_raise
from posturecheck.assessments.result import SCHEMA_VERSION
from posturecheck.cli_words import cli_warning
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.pose.series import PoseSeries
from posturecheck.pose.tracking import track_people
from posturecheck.reports.plain_words import warning_words
from posturecheck.summary_schema import AnalysisSummary
from tests.fixtures.scenes import tables_of
from tests.synthetic_skeleton import BodyPose, Camera, make_series, stack_people
from tests.test_assessment_class import CAMERA, _class_clip
from tests.test_summary_schema import before_schema

# Written by posturecheck's knee-raise (two people, raises with the far leg) before warnings had codes:
# schema version 1, warnings as English lines; the per-repetition details trimmed.
KNEE_RAISE_V1 = Path(__file__).parent / "data" / "knee_raise_v1.assessment.json"

# Every other warning line an assessment wrote before the codes, with the code and data it reads as.
OLD_LINES: list[tuple[str, WarningCode, dict[str, Any]]] = [
    (
        "side view (22 deg from a side view): angles come from MediaPipe's 3D landmarks, which are less "
        "precise than the image ones a square side view (within 15 deg) allows",
        WarningCode.OBLIQUE_SIDE_VIEW,
        {"view": "side", "off_side_deg": 22.0, "limit_deg": 15.0},
    ),
    (
        "oblique view (66 deg from a side view): frontal measures come from MediaPipe's 3D landmarks, which "
        "are less precise than the image ones a square front view (beyond 75 deg) allows",
        WarningCode.OBLIQUE_FRONT_VIEW,
        {"view": "oblique", "off_side_deg": 66.0, "limit_deg": 75.0},
    ),
    (
        "the steadiest hold lasted only 2.1 s (asked for 3 s)",
        WarningCode.SHORT_HOLD,
        {"duration_s": 2.1, "asked_s": 3.0},
    ),
    (
        "hip angles not graded: no neutral hip angle (no upright standing (knees straight) for 0.5 s)",
        WarningCode.NO_NEUTRAL,
        {"why": "no upright standing (knees straight) for 0.5 s"},
    ),
    (
        "no full stride with enough valid frames: walk at least 4-5 steps across the view",
        WarningCode.NO_STRIDE,
        {"steps": "4-5"},
    ),
    (
        "reduced left hip extension in late stance (under the typical 10-20 deg)",
        WarningCode.LOW_HIP_EXTENSION,
        {"side": "left", "low_deg": 10.0, "high_deg": 20.0},
    ),
    (
        "no knee raise found: raise each knee toward the chest at least 30 deg, a few times",
        WarningCode.NO_KNEE_RAISE,
        {"min_raise_deg": 30.0},
    ),
    (
        "no segmentation masks: the lumbar curve proxies were not measured (analyse with masks kept)",
        WarningCode.NO_MASKS,
        {},
    ),
    (
        "no upright neutral in the clip: the hanging thigh is graded as the raw thigh-trunk angle, about "
        "10 deg off the norm's zero; film a few seconds standing upright, side-on, before lying down",
        WarningCode.RAW_THIGH_ANGLE,
        {"offset_deg": 10.0},
    ),
    (
        "the lying trunk is 9 deg off the image horizontal: harmless if the camera is rolled (angles are "
        "taken from the trunk line), but a trunk not flat on the table (a pillow, a raised head) tilts the "
        "reference line",
        WarningCode.TRUNK_TILTED,
        {"tilt_deg": 9.0},
    ),
    (
        "the held hip is flexed only 85 deg: with the knee not well to the chest the low back may not be "
        "flat, which lets the hanging thigh drop and can hide shortness",
        WarningCode.HELD_HIP_LOW,
        {"flexion_deg": 85.0},
    ),
    (
        "the footage's person slots were not stable IDs: people were tracked and their measures recomputed "
        "with the options they were measured with; slots refer to the tracked series",
        WarningCode.RETRACKED,
        {},
    ),
    (
        "3 brief detection(s) under 0.5 s were left out",
        WarningCode.SHORT_DETECTIONS,
        {"count": 3, "min_duration_s": 0.5},
    ),
    (
        "person 2 left the view and the one who came back may be someone else (identity confidence 0.31)",
        WarningCode.IDENTITY_UNSURE,
        {"person": 2, "confidence": 0.31},
    ),
]


def _v1_result() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(KNEE_RAISE_V1.read_text(encoding="utf-8"))
    return data


def test_a_saved_result_with_english_warnings_still_opens_as_codes() -> None:
    data = _v1_result()
    assert data["schema_version"] == 1 and all(isinstance(w, str) for w in data["warnings"])
    result = AssessmentResult.from_dict(data)
    assert result.warnings == (
        AnalysisWarning(WarningCode.SEVERAL_PEOPLE, {"people": 2, "person": 1}),
        AnalysisWarning(WarningCode.HIP_HIKE_UNCHECKED, {"frontal_min_deg": 60.0, "sagittal_max_deg": 15.0}),
        AnalysisWarning(WarningCode.FAR_SIDE_RAISES, {"count": 3, "side": "right"}),
    )
    assert result.finding("repetitions_left").value == 3
    # Written again, it is today's layout, and reads back the same.
    again = json.loads(json.dumps(result.to_dict()))
    assert again["schema_version"] == SCHEMA_VERSION == 2
    assert again["warnings"][0] == {"code": "several_people", "people": 2, "person": 1}
    assert AssessmentResult.from_dict(again) == result


def test_a_summary_holding_an_old_result_opens_and_its_warnings_are_worded() -> None:
    summary = before_schema()
    summary["assessment"] = _v1_result()
    assessment = AnalysisSummary.from_dict(summary).assessment
    assert assessment is not None
    plain = [warning_words(w) for w in assessment.warnings]
    assert "2 people were in view; the assessment is of person 1" in plain[0]
    assert not any("--" in line for line in plain)
    assert "--person N" in cli_warning(assessment.warnings[0])


@pytest.mark.parametrize(("line", "code", "data"), OLD_LINES, ids=[code.value for _, code, _ in OLD_LINES])
def test_each_old_english_line_reads_as_its_code_with_its_numbers(
    line: str, code: WarningCode, data: dict[str, Any]
) -> None:
    read = AnalysisWarning.from_json(line)
    assert read == AnalysisWarning(code, data)
    assert "--" not in warning_words(read)
    if code is not WarningCode.NO_MASKS:
        assert cli_warning(read) == line, "the command line words a code as the line it replaced"


def _with_brief_visitor(seen_s: float = 0.8) -> PoseSeries:
    """The class clip with a third person seen for ``seen_s`` in the middle: a brief detection."""
    clip = _class_clip()
    visitor = make_series([BodyPose()] * clip.n_frames, CAMERA)
    visitor.image[..., 0] += 0.05
    seen = np.zeros(clip.n_frames, bool)
    start = clip.n_frames // 2
    seen[start : start + round(seen_s * 30)] = True
    visitor.image[~seen] = np.nan
    visitor.visibility[~seen] = 0.0
    return stack_people([clip, visitor])


@pytest.mark.parametrize("min_duration_s", [1.0, 1.5])
def test_the_short_detection_warning_states_the_minimum_the_tracking_used(min_duration_s: float) -> None:
    tracked = track_people(_with_brief_visitor(), min_duration_s=min_duration_s)
    assert tracked.n_dropped_tracks >= 1 and tracked.min_duration_s == min_duration_s
    result = get_assessment("class").run(tracked, tables_of(tracked.series))
    (dropped,) = [w for w in result.warnings if w.code is WarningCode.SHORT_DETECTIONS]
    assert dropped.data == {"count": tracked.n_dropped_tracks, "min_duration_s": min_duration_s}
    assert f"under {min_duration_s:g} s" in cli_warning(dropped)
    assert f"shorter than {min_duration_s:g} s" in warning_words(dropped)
    assert "0.5 s" not in cli_warning(dropped) + warning_words(dropped)


def test_the_knee_raise_threshold_sets_the_words(monkeypatch: pytest.MonkeyPatch) -> None:
    still = make_series([BodyPose()] * 120, Camera(side="left"))
    monkeypatch.setattr(knee_raise, "MIN_RAISE_DEG", 42.0)
    result = get_assessment("knee-raise").run(still, tables_of(still))
    (none,) = [w for w in result.warnings if w.code is WarningCode.NO_KNEE_RAISE]
    assert none.data == {"min_raise_deg": 42.0}
    assert "at least 42 deg" in cli_warning(none) and "at least 42°" in warning_words(none)
    assert "30" not in cli_warning(none) + warning_words(none)
