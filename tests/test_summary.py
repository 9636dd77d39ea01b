"""Summaries rest on valid frames only and say how many, with a confidence label."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from posturecheck.analyze import measure_warnings
from posturecheck.measures.expected_error import RENDERED, expected_error, measure_kind
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.summary import PersonSummary, confidence_label, summarize_table, tracking_label
from posturecheck.pose.series import PoseSeries
from tests.synthetic_skeleton import BodyPose, Camera, make_series


def stepping_series() -> tuple[PoseSeries, np.ndarray]:
    """A side view of alternating hip flexion, 0..40 deg, 2 s at 30 fps."""
    times = np.arange(60) / 30
    poses = [
        BodyPose(hip_flexion_left=20 + 20 * np.sin(2 * np.pi * t), hip_flexion_right=10.0) for t in times
    ]
    return make_series(poses, Camera(), fps=30.0), times


def test_range_of_motion_and_confidence_from_valid_frames() -> None:
    series, _ = stepping_series()
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    summary = summarize_table(table, series.detected[:, 0]).to_dict()
    hip = summary["measures"]["hip_flexion_left"]
    # The top at 0.25 s falls between frames 7 and 8; the value held over 3 frames (6-8) is frame 6's.
    held = 20 * np.sin(2 * np.pi * 6 / 30)
    assert hip["max"] == pytest.approx(20 + held, abs=0.01)
    assert hip["min"] == pytest.approx(20 - held, abs=0.01)
    assert hip["fraction_valid"] == 1.0
    # The side view's error is the rendered body's (docs/validation.md): 2D within 7 deg.
    assert hip["expected_error_deg"] is not None and hip["expected_error_deg"] <= 7.0
    assert hip["confidence"] == "high"
    assert summary["view"]["label"] == "side"
    assert len(summary["hip_flexion_repetitions"]["left"]) == 2


def test_frames_without_the_person_do_not_lower_confidence() -> None:
    series, _ = stepping_series()
    in_view = np.ones(series.n_frames, bool)
    in_view[:40] = False
    image = series.image.copy()
    image[:40] = np.nan
    gone = replace(series, image=image, world=np.where(in_view[:, None, None, None], series.world, np.nan))
    table = compute_measures(gone, 0, MeasureOptions(cutoff_hz=None))
    hip = summarize_table(table, in_view).to_dict()["measures"]["hip_flexion_left"]
    # The first 3 frames after coming into view (0.1 s) are not trusted.
    assert hip["fraction_valid"] == pytest.approx(17 / 60, abs=0.01)
    assert hip["fraction_valid_in_view"] == pytest.approx(17 / 20)


def test_confidence_labels() -> None:
    assert [confidence_label(f, 5.0) for f in (0.0, 0.3, 0.5, 1.0)] == ["none", "low", "high", "high"]
    assert [tracking_label(f) for f in (0.0, 0.3, 0.5, 1.0)] == ["none", "low", "high", "high"]


def test_a_figure_nobody_checked_is_never_high_confidence() -> None:
    # Seen in the README's own sample: a passer-by's side-view hip flexion said "confidence high" from
    # its valid share alone, before any reference had measured a side view's error. A plumb-line
    # offset (%) has no measured error at any view: however many frames are valid, it is not "high".
    assert confidence_label(1.0, None) == "low"
    series, _ = stepping_series()
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    person = summarize_table(table, series.detected[:, 0])
    ear = person.measures["plumb_offset_ear"]
    assert ear.fraction_valid == 1.0 and ear.expected_error_deg is None
    assert ear.confidence == "low"


def test_confidence_follows_the_expected_error_not_only_the_valid_share() -> None:
    # Issue 11, observation 3: trunk inclination read 30-35 deg off from rolled lab cameras while every
    # frame was valid and the label said "high". With the roll unknown, the error measured for a
    # gravity-referenced angle (docs/validation.md) is far over what "high" may promise.
    assert [confidence_label(1.0, e) for e in (None, 5.8, 7.0, 12.9)] == ["low", "high", "high", "low"]
    assert confidence_label(0.3, 5.8) == "low" and confidence_label(0.0, 5.8) == "none"


def test_expected_error_bands_from_the_multiview_table() -> None:
    trunk = expected_error("trunk_inclination", "2d", 5.0, roll_known=False)
    assert (
        trunk is not None and trunk.mae_deg == 12.9 and trunk.low_deg == 75.0
    )  # least error with roll unknown
    front = expected_error("pelvic_obliquity_2d", "2d", 85.0, roll_known=True)
    assert front is not None and (front.mae_deg, front.over15, front.frames) == (5.8, 0.02, 123)
    assert expected_error("shoulder_tilt", "3d", 62.0, roll_known=None).mae_deg == 7.0  # type: ignore[union-attr]
    # The side view, which the footage lacks, comes from the rendered body (tests/test_expected_error.py).
    assert expected_error("hip_flexion_left", "2d", 5.0, roll_known=False).source == RENDERED  # type: ignore[union-attr]
    # No figure where no source has one: measures in %, unknown names, NaN views.
    assert expected_error("plumb_offset_hip", "2d", 0.0, roll_known=True) is None
    assert expected_error("trunk_inclination", "2d", float("nan"), roll_known=False) is None
    assert (
        measure_kind("thigh_inclination_right_3d") == "sagittal_gravity"
        and measure_kind("pelvic_tilt_proxy") is None
    )


def test_summary_confidence_reads_whether_the_roll_was_known() -> None:
    series, _ = stepping_series()
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    unknown = summarize_table(table, series.detected[:, 0], roll_known=False).to_dict()["measures"]
    known = summarize_table(table, series.detected[:, 0], roll_known=True).to_dict()["measures"]
    assert unknown["trunk_inclination"]["fraction_valid_in_view"] == 1.0
    assert unknown["trunk_inclination"]["confidence"] == "low"
    assert unknown["trunk_inclination"]["expected_error_deg"] == 12.9
    # With the roll known, the side view's error is the rendered body's (the footage has no side view).
    side_trunk = expected_error("trunk_inclination", "2d", 0.0, roll_known=True)
    assert side_trunk is not None and side_trunk.source == RENDERED
    assert (
        known["trunk_inclination"]["confidence"] == "high"
        and known["trunk_inclination"]["expected_error_deg"] == side_trunk.mae_deg
    )
    side_hip = expected_error("hip_flexion_left", "2d", 0.0, roll_known=None)
    assert side_hip is not None and side_hip.source == RENDERED
    for figures in (unknown, known):
        assert figures["hip_flexion_left"]["confidence"] == "high"
        assert figures["hip_flexion_left"]["expected_error_deg"] == side_hip.mae_deg


def test_hip_warning_says_the_expected_error_when_that_lowered_the_confidence() -> None:
    shared = {"unit": "deg", "method": "2d", "fraction_valid": 0.8, "fraction_valid_in_view": 0.9}
    people = [
        PersonSummary.from_dict(
            {
                "person": 1,
                "measures": {
                    "hip_flexion_left": {**shared, "confidence": "low", "expected_error_deg": 12.4},
                    "hip_flexion_right": {**shared, "confidence": "high", "expected_error_deg": None},
                },
            }
        )
    ]
    assert measure_warnings(people) == [
        AnalysisWarning(WarningCode.HIP_EXPECTED_ERROR, {"person": 1, "side": "left", "error_deg": 12.4})
    ]


def test_hip_warning_says_once_when_no_reference_checked_the_view() -> None:
    shared = {"unit": "deg", "method": "2d", "fraction_valid": 0.8, "fraction_valid_in_view": 0.9}
    unchecked = {**shared, "confidence": "low", "expected_error_deg": None}
    few = {**shared, "fraction_valid_in_view": 0.2, "confidence": "low", "expected_error_deg": None}
    people = [
        PersonSummary.from_dict(
            {"person": 1, "measures": {"hip_flexion_left": unchecked, "hip_flexion_right": unchecked}}
        ),
        PersonSummary.from_dict({"person": 2, "measures": {"hip_flexion_left": few}}),
    ]
    warnings = measure_warnings(people)
    assert [w.code for w in warnings] == [WarningCode.HIP_UNCHECKED_VIEW, WarningCode.HIP_FEW_VALID]
    assert warnings[0].data == {"person": 1}


def test_a_measure_keeps_its_frames_exactly_however_it_stores_them() -> None:
    """A Measure stores the frames between its repeated ends and reason codes; what it gives back
    is exactly what it was given, also moved into a longer clip (``padded``)."""
    from posturecheck.measures.table import Measure

    rng = np.random.default_rng(5)
    n = 50
    values = np.full(n, np.nan)
    values[10:40] = rng.normal(size=30)
    values[20:23] = np.nan
    valid = np.isfinite(values)
    reason = np.array(["no person detected"] * n, dtype=object)
    reason[valid] = ""
    reason[20:23] = [f"knee at {k} deg" for k in range(3)]
    reason[45:] = "about to leave the view"
    m = Measure("hip_flexion_left", values, valid, reason, "deg", "2d")
    assert np.array_equal(m.values, values, equal_nan=True)
    assert m.valid.tolist() == valid.tolist() and m.reason.tolist() == reason.tolist()
    assert m.fraction_valid == pytest.approx(valid.mean())
    got = m.frames(18, 47)
    assert np.array_equal(got[0], values[18:47], equal_nan=True)
    assert got[1].tolist() == valid[18:47].tolist() and got[2].tolist() == reason[18:47].tolist()
    longer = m.renamed("hip").padded(30, 100)
    assert longer.name == "hip" and m.name == "hip_flexion_left"
    assert np.array_equal(longer.values[30:80], values, equal_nan=True)
    assert longer.reason[:30].tolist() == ["no person detected"] * 30
    assert longer.reason[80:].tolist() == ["about to leave the view"] * 20
    assert not longer.valid[:30].any() and np.isnan(longer.values[80:]).all()
    with pytest.raises(ValueError, match="do not fit"):
        m.padded(60, 100)
    for short in (0, 1, 2):
        tiny = Measure("x", values[:short], valid[:short], reason[:short], "deg", "2d")
        assert tiny.reason.tolist() == reason[:short].tolist()


def test_the_main_reason_is_the_commonest_among_frames_in_view_and_ties_go_to_the_first_seen() -> None:
    from posturecheck.measures.summary import summarize_measure
    from posturecheck.measures.table import Measure

    series, _ = stepping_series()
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    n = series.n_frames
    values, valid = np.full(n, 20.0), np.ones(n, bool)
    reason = np.array([""] * n, dtype=object)
    in_view = np.ones(n, bool)
    in_view[:30] = False
    valid[:30], reason[:30] = False, "no person detected"  # out of view: says nothing about the view
    valid[40:44], reason[40:42], reason[42:44] = False, "left knee not visible", "left hip not visible"

    def main_reason(why: np.ndarray) -> str:
        measure = Measure("hip_flexion_left", values, valid, why, "deg", "2d")
        return summarize_measure(measure, table, in_view).main_reason_invalid

    assert main_reason(reason) == "left knee not visible"  # a tie: the one seen first
    swapped = reason.copy()
    swapped[40:42], swapped[42:44] = "left hip not visible", "left knee not visible"
    assert main_reason(swapped) == "left hip not visible"
