"""free: the range of every measure over a synthetic clip with known extremes."""

from __future__ import annotations

import pytest

from posturecheck.assessments import get_assessment
from tests.fixtures.scenes import knee_raise_poses, tables_of
from tests.synthetic_skeleton import BodyPose, Camera, make_series

FREE = get_assessment("free")


def test_ranges_of_a_side_view_clip() -> None:
    poses = knee_raise_poses([("left", 100.0), ("right", 70.0)], trunk_back_deg={1: 10.0})
    series = make_series(poses, Camera(side="right"))
    result = FREE.run(series, tables_of(series))
    assert result.view_ok and result.view_message.startswith("mostly side view")
    # The left hip flexes to 100 in its raise and extends 10 while the trunk leans back in the right raise;
    # the extremes are those held for 3 frames (0.1 s), within 0.6 deg of the tops of these 1.5 s raises.
    assert result.finding("hip_flexion_left_range").value == pytest.approx(110, abs=1.0)
    assert result.details["ranges"]["hip_flexion_left"]["max"] == pytest.approx(100, abs=0.6)
    assert result.details["ranges"]["hip_flexion_left"]["min"] == pytest.approx(-10, abs=0.6)
    assert result.details["ranges"]["trunk_inclination"]["min"] == pytest.approx(-10, abs=0.6)
    knee = result.finding("knee_flexion_right_range")
    # The side view's error is the rendered body's, within 7 deg for 2D (docs/validation.md).
    assert knee.value == pytest.approx(63, abs=0.5) and knee.unit == "deg" and knee.confidence == "high"
    frontal = result.finding("pelvic_obliquity_range")
    assert frontal.value is None and frontal.confidence == "none", "a side view cannot give frontal tilts"
    assert all(f.normal is None and f.status == "unknown" for f in result.findings)


def test_a_front_view_gives_frontal_ranges_and_no_sagittal_ones() -> None:
    # Each tilt to 6 deg and each rest at 0 is held for 3 frames (0.1 s), so both count.
    poses = [BodyPose(pelvic_obliquity=t) for t in (0.0, 2.0, 6.0, 6.0, 6.0, 2.0, 0.0, 0.0)] * 5
    series = make_series(poses, Camera(yaw_deg=90))
    result = FREE.run(series, tables_of(series, cutoff_hz=None))
    assert result.finding("pelvic_obliquity_range").value == pytest.approx(6, abs=0.3)
    assert result.finding("hip_flexion_left_range").value is None
