"""The hip angle on the norms' zero, from the person's own upright neutral, on synthetic skeletons."""

from __future__ import annotations

import numpy as np
import pytest

from posturecheck.measures.neutral import hip_neutral
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from tests.synthetic_skeleton import BodyPose, Camera, make_series

# MediaPipe's shoulder landmarks sit behind its hip landmarks: an upright person's shoulder-hip
# line leans about 10 deg back. The synthetic trunk leans so, with the thighs set from the true neutral.
TRUNK_LINE = -10.0


def _pose(true_left: float, true_right: float, knee_left: float = 0.0, knee_right: float = 0.0) -> BodyPose:
    """A pose with hip angles ``true_*`` from the upright neutral and a trunk line reading TRUNK_LINE."""
    return BodyPose(
        hip_flexion_left=true_left + TRUNK_LINE,
        hip_flexion_right=true_right + TRUNK_LINE,
        knee_flexion_left=knee_left,
        knee_flexion_right=knee_right,
        trunk_inclination=TRUNK_LINE,
    )


def test_knee_raise_from_standing_reads_the_true_hip_angle() -> None:
    raise_deg = list(np.linspace(0, 95, 20)) + list(np.linspace(95, 0, 20))
    poses = [_pose(0, 0)] * 30 + [_pose(a, 0, knee_left=a) for a in raise_deg] + [_pose(0, 0)] * 30
    # Unfiltered: the low-pass filter rounds the sharp synthetic peak, which is not what is tested here.
    table = compute_measures(make_series(poses, Camera(side="left")), 0, MeasureOptions(cutoff_hz=None))
    neutral = table.hip_neutral
    assert neutral is not None and neutral.source == "standing"
    assert neutral.offset_deg == pytest.approx(TRUNK_LINE, abs=0.3)
    truth = np.array([0.0] * 30 + raise_deg + [0.0] * 30)
    graded = table.measures["hip_flexion_neutral_left"]
    assert graded.valid.all()
    np.testing.assert_allclose(graded.values, truth, atol=0.5)
    raw = table.measures["hip_flexion_left"]
    np.testing.assert_allclose(raw.values, truth + TRUNK_LINE, atol=0.5, err_msg="raw thigh-trunk angle kept")


def test_walking_without_standing_takes_the_mean_trunk_line_as_upright() -> None:
    phase = 2 * np.pi * np.arange(90) / 33.0
    poses = [
        _pose(10 + 22 * np.cos(p), 10 - 22 * np.cos(p), 30 + 25 * np.sin(p), 30 - 25 * np.sin(p))
        for p in phase
    ]
    table = compute_measures(make_series(poses, Camera(side="right")), 0, MeasureOptions())
    assert table.hip_neutral is not None and table.hip_neutral.source == "trunk_mean"
    assert table.hip_neutral.offset_deg == pytest.approx(TRUNK_LINE, abs=0.5)
    truth = np.array([10 - 22 * np.cos(p) for p in phase])
    np.testing.assert_allclose(table.measures["hip_flexion_neutral_right"].values, truth, atol=0.7)


def test_no_upright_frame_gives_no_number_with_the_reason() -> None:
    lying = [BodyPose(trunk_inclination=85.0, hip_flexion_left=40.0, hip_flexion_right=0.0)] * 40
    table = compute_measures(make_series(lying, Camera(side="left")), 0, MeasureOptions())
    assert table.hip_neutral is not None and table.hip_neutral.offset_deg is None
    graded = table.measures["hip_flexion_neutral_left"]
    assert not graded.valid.any() and np.isnan(graded.values).all()
    assert graded.reason[0].startswith("no neutral hip angle: no upright standing")


def test_neutral_is_in_the_summary() -> None:
    from posturecheck.measures.summary import summarize_table

    table = compute_measures(make_series([_pose(0, 0)] * 30, Camera(side="left")), 0, MeasureOptions())
    neutral = summarize_table(table).hip_neutral
    assert neutral is not None and neutral.source == "standing"
    assert neutral.offset_deg == pytest.approx(TRUNK_LINE, abs=0.3)
    assert hip_neutral(table.measures, table.times_s).n_frames == 30
