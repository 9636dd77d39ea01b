"""thomas-test on synthetic lying poses with known thigh and knee angles, and the footage it refuses."""

from __future__ import annotations

from dataclasses import replace

import pytest

from posturecheck.assessments import get_assessment
from posturecheck.assessments.result import AssessmentResult
from posturecheck.landmarks import Landmark
from posturecheck.measures.reasons import WarningCode
from posturecheck.pose.series import PoseSeries
from tests.fixtures.scenes import film, lying_camera, lying_points, tables_of
from tests.synthetic_skeleton import BodyPose, Camera, make_series, skeleton

THOMAS = get_assessment("thomas-test")


def _run(series: PoseSeries) -> AssessmentResult:
    return THOMAS.run(series, tables_of(series))


def _value(result: AssessmentResult, name: str) -> float:
    value = result.finding(name).value
    assert isinstance(value, float), f"{name} has no value"
    return value


def _hold(
    n_frames: int = 120,
    camera: Camera | None = None,
    noise_frac: float = 0.0005,
    stand_frames: int = 0,
    **pose: float | str,
) -> PoseSeries:
    """The test position held ``n_frames``, after ``stand_frames`` of standing upright (the neutral)."""
    points = lying_points(**pose)  # type: ignore[arg-type]
    line = float(pose.get("trunk_line_deg", 0.0))
    standing = skeleton(BodyPose(trunk_inclination=line, hip_flexion_left=line, hip_flexion_right=line), 1.75)
    frames = [standing] * stand_frames + [points] * n_frames
    return film(frames, camera or lying_camera(str(pose.get("hanging", "left"))), noise_frac=noise_frac)


def test_a_negative_test_reads_the_thigh_below_the_table() -> None:
    result = _run(_hold(stand_frames=30, hanging_thigh_deg=-10.0, hanging_knee_deg=85.0, held_hip_deg=125.0))
    assert result.view_ok and result.details["hanging_side"] == "left"
    assert _value(result, "hanging_thigh_angle") == pytest.approx(-10, abs=0.5)
    assert _value(result, "hanging_knee_flexion") == pytest.approx(85, abs=1)
    assert _value(result, "held_hip_flexion") == pytest.approx(125, abs=1)
    grade = result.finding("thomas_grade")
    # No reference has measured the test position's angles: never "high".
    assert (grade.value, grade.status, grade.confidence) == ("negative", "within", "low")
    assert result.finding("hanging_thigh_angle").normal.source.count("Harvey") == 1  # type: ignore[union-attr]
    assert not result.warnings


def test_thigh_above_the_table_and_a_stiff_knee_are_both_read() -> None:
    result = _run(_hold(hanging_thigh_deg=12.0, hanging_knee_deg=65.0))
    assert _value(result, "hanging_thigh_angle") == pytest.approx(12, abs=0.5)
    assert _value(result, "hanging_knee_flexion") == pytest.approx(65, abs=1)
    grade = result.finding("thomas_grade")
    assert grade.value == "thigh above the table and knee bend under 80 deg" and grade.status == "outside"
    assert result.finding("hanging_thigh_angle").status == "above"
    assert result.finding("hanging_knee_flexion").status == "below"
    assert any("iliopsoas" in line for line in result.interpretation)
    assert any("rectus femoris" in line for line in result.interpretation)


def test_the_right_leg_with_a_rolled_camera_is_read_from_the_trunk_line() -> None:
    camera = lying_camera("right", roll_deg=12.0)
    result = _run(_hold(camera=camera, hanging="right", hanging_thigh_deg=8.0, hanging_knee_deg=90.0))
    assert result.details["hanging_side"] == "right"
    assert _value(result, "hanging_thigh_angle") == pytest.approx(8, abs=0.5)
    assert abs(_value(result, "table_line_tilt")) == pytest.approx(12, abs=0.5)
    assert result.finding("thomas_grade").value == "thigh above the table"
    (tilted,) = [w for w in result.warnings if w.code is WarningCode.TRUNK_TILTED]
    assert tilted.data["tilt_deg"] == pytest.approx(12, abs=0.5)


def test_a_reading_near_the_cut_off_has_low_confidence() -> None:
    result = _run(_hold(hanging_thigh_deg=2.0, hanging_knee_deg=88.0))
    grade = result.finding("thomas_grade")
    assert grade.value == "thigh above the table" and grade.confidence == "low"


def test_a_knee_not_pulled_to_the_chest_is_warned_about() -> None:
    result = _run(_hold(held_hip_deg=85.0, held_knee_deg=100.0))
    (held,) = [w for w in result.warnings if w.code is WarningCode.HELD_HIP_LOW]
    assert result.view_ok and held.data["flexion_deg"] == pytest.approx(85, abs=1)


def test_a_photo_is_read() -> None:
    result = _run(_hold(n_frames=1, noise_frac=0.0, hanging_thigh_deg=-5.0))
    assert result.view_ok and result.details["window"]["kind"] == "all frames (photos)"
    assert _value(result, "hanging_thigh_angle") == pytest.approx(-5, abs=0.3)


def test_filmed_from_the_held_leg_side_is_refused() -> None:
    result = _run(_hold(camera=lying_camera("right"), hanging="left"))
    assert not result.view_ok and result.findings == ()
    assert "sees person 1's right side" in result.view_message
    assert "needs the left side" in result.view_message


def test_a_person_too_small_is_refused() -> None:
    result = _run(_hold(camera=lying_camera("left", distance_m=25.0)))
    assert not result.view_ok and "fills only" in result.view_message


def test_a_standing_front_view_is_refused_for_its_view() -> None:
    result = _run(make_series([BodyPose()] * 60, Camera(yaw_deg=90)))
    assert not result.view_ok and result.view_message.startswith("front view")
    assert "needs a side view" in result.view_message


def test_a_standing_person_seen_from_the_side_is_not_lying() -> None:
    result = _run(make_series([BodyPose()] * 60, Camera(side="left")))
    assert not result.view_ok and "from the image horizontal" in result.view_message
    assert "lying on their back" in result.view_message


def test_no_knee_held_to_the_chest_is_refused() -> None:
    result = _run(_hold(held_hip_deg=-10.0, held_knee_deg=85.0))
    assert not result.view_ok and result.view_message.startswith("no knee is held toward the chest")


def test_an_undetermined_reading_has_unknown_status() -> None:
    # A photo with the hanging ankle hidden: the knee angle, and so the reading, cannot be made.
    series = _hold(n_frames=1, noise_frac=0.0, hanging_thigh_deg=-10.0, hanging_knee_deg=85.0)
    visibility = series.visibility.copy()
    visibility[:, :, Landmark.LEFT_ANKLE] = 0.0
    result = _run(replace(series, visibility=visibility))
    assert result.view_ok and result.finding("hanging_knee_flexion").value is None
    grade = result.finding("thomas_grade")
    assert (grade.value, grade.status, grade.confidence) == ("undetermined", "unknown", "none")


def test_the_thigh_is_graded_from_the_persons_own_upright_neutral() -> None:
    """Issue 11: an upright trunk line reads about -10 deg; the table line is the norm's zero."""
    series = _hold(stand_frames=45, trunk_line_deg=-10.0, hanging_thigh_deg=4.0, hanging_knee_deg=85.0)
    result = _run(series)
    assert result.details["hip_neutral"]["offset_deg"] == pytest.approx(-10.0, abs=0.5)
    assert _value(result, "hanging_thigh_angle") == pytest.approx(4.0, abs=0.5)
    assert result.details["hanging_thigh_trunk_deg"] == pytest.approx(-6.0, abs=0.5)
    assert "upright neutral" in result.finding("hanging_thigh_angle").label
    assert result.finding("thomas_grade").value == "thigh above the table"


def test_without_a_neutral_the_raw_angle_is_graded_with_low_confidence_and_says_so() -> None:
    result = _run(_hold(hanging_thigh_deg=-10.0, hanging_knee_deg=85.0))
    thigh = result.finding("hanging_thigh_angle")
    assert thigh.confidence == "low" and "no upright neutral" in thigh.note
    assert result.finding("thomas_grade").confidence == "low"
    assert WarningCode.RAW_THIGH_ANGLE in [w.code for w in result.warnings]
