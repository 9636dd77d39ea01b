"""knee-raise on synthetic raise sequences with known peaks and compensations."""

from __future__ import annotations

import numpy as np
import pytest

from posturecheck.assessments import get_assessment
from posturecheck.assessments.result import AssessmentResult
from posturecheck.pose.series import PoseSeries
from tests.fixtures.scenes import bump, film, knee_raise_poses, tables_of
from tests.synthetic_skeleton import BodyPose, Camera, make_series, skeleton

RAISE = get_assessment("knee-raise")
RAISES = [("left", 100.0), ("left", 95.0), ("left", 100.0), ("right", 90.0), ("right", 85.0), ("right", 90.0)]


def _run(series: PoseSeries) -> AssessmentResult:
    return RAISE.run(series, tables_of(series))


def _value(result: AssessmentResult, name: str) -> float:
    value = result.finding(name).value
    assert isinstance(value, (int, float)), f"{name} has no value"
    return float(value)


def test_peaks_best_mean_and_symmetry_per_side() -> None:
    result = _run(make_series(knee_raise_poses(RAISES), Camera(side="left"), noise_frac=0.0005))
    assert result.view_ok
    assert [r["side"] for r in result.details["repetitions"]] == ["left"] * 3 + ["right"] * 3
    peaks = [r["peak_hip_flexion_deg"] for r in result.details["repetitions"]]
    np.testing.assert_allclose(peaks, [p for _, p in RAISES], atol=1.0)
    assert _value(result, "repetitions_left") == 3 and _value(result, "repetitions_right") == 3
    assert _value(result, "best_hip_flexion_left") == pytest.approx(100, abs=1)
    assert _value(result, "mean_hip_flexion_right") == pytest.approx(265 / 3, abs=1)
    assert _value(result, "symmetry_index") == pytest.approx((100 - 90) / 95 * 100, abs=1.5)
    assert result.finding("best_hip_flexion_left").status == "below"  # under the ~120 deg reference
    assert _value(result, "trunk_lean_back_repetitions") == 0


def test_trunk_leaning_back_is_flagged_on_that_raise_only() -> None:
    poses = knee_raise_poses(RAISES, trunk_back_deg={1: 15.0})
    result = _run(make_series(poses, Camera(side="left")))
    flagged = [r["trunk_lean_back"] for r in result.details["repetitions"]]
    assert flagged == [False, True, False, False, False, False]
    assert result.details["repetitions"][1]["trunk_inclination_change_deg"] == pytest.approx(-13.5, abs=1)
    assert "Raises with the trunk leaning back: 1 of 6." in result.interpretation


def test_hip_hiking_is_checked_in_an_oblique_view_and_not_in_a_side_view() -> None:
    poses = knee_raise_poses(RAISES, hike_deg={4: 8.0})
    oblique = _run(make_series(poses, Camera(side="right", yaw_deg=40)))
    assert [r["hip_hike"] for r in oblique.details["repetitions"]] == [False] * 4 + [True, False]
    assert _value(oblique, "hip_hike_repetitions") == 1
    square = _run(make_series(poses, Camera(side="right")))
    assert all(r["hip_hike"] is None for r in square.details["repetitions"])
    assert square.finding("hip_hike_repetitions").confidence == "none"
    assert any(w.startswith("hip hiking not checked") for w in square.warnings)


def test_a_pelvis_turning_during_a_raise_is_flagged() -> None:
    poses = knee_raise_poses([("left", 90.0), ("left", 90.0)], rest_s=0.7, raise_s=1.5)
    turn = np.zeros(len(poses))
    second = slice(21 + 45 + 21, 21 + 45 + 21 + 45)
    turn[second] = bump(45, 25.0)  # the camera swinging round = the body turning the other way
    cameras = [Camera(side="left", yaw_deg=20 + t) for t in turn]  # oblique: 3D angles throughout
    result = _run(film([skeleton(p, 1.75) for p in poses], cameras))
    reps = result.details["repetitions"]
    assert [r["pelvis_rotation"] for r in reps] == [False, True]
    assert abs(reps[1]["pelvis_rotation_deg"]) == pytest.approx(25 * 0.9, abs=3)


def test_the_far_leg_is_warned_about() -> None:
    result = _run(make_series(knee_raise_poses(RAISES), Camera(side="left")))
    far = "3 right raise(s) were made with the right leg on the far side"
    assert any(w.startswith(far) for w in result.warnings)


def test_no_raise_gives_zero_repetitions_and_a_warning() -> None:
    result = _run(make_series([BodyPose()] * 120, Camera(side="left")))
    assert result.view_ok and _value(result, "repetitions_left") == 0
    assert result.finding("best_hip_flexion_left").value is None
    assert any(w.startswith("no knee raise found") for w in result.warnings)


def test_a_photo_is_refused() -> None:
    result = _run(make_series([BodyPose(hip_flexion_left=90)], Camera(side="left")))
    assert not result.view_ok and "needs a video clip" in result.view_message


def test_a_front_view_is_refused() -> None:
    result = _run(make_series(knee_raise_poses(RAISES), Camera(yaw_deg=88)))
    assert not result.view_ok and "needs a side view" in result.view_message and result.findings == ()
