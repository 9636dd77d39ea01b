"""Frontal tilts, plumb-line offsets, forward head and camera roll on synthetic skeletons."""

from __future__ import annotations

import numpy as np
import pytest

from posturecheck.landmarks import Landmark
from posturecheck.measures import joint_angles as ja
from posturecheck.measures import posture
from tests.synthetic_skeleton import BodyPose, Camera, make_series, skeleton

FRONTAL = BodyPose(pelvic_obliquity=6.0, shoulder_tilt=-4.0, trunk_lateral_lean=8.0)


def _arrays(pose: BodyPose, camera: Camera) -> tuple[np.ndarray, np.ndarray]:
    series = make_series([pose], camera)
    return series.image_px[:, 0], series.world[:, 0].astype(np.float64)


@pytest.mark.parametrize("yaw", [90.0, -90.0, 80.0])
def test_frontal_measures_front_and_back(yaw: float) -> None:
    px, world = _arrays(FRONTAL, Camera(yaw_deg=yaw))
    shift = 100 * np.sin(np.radians(8.0))
    for method, arrays in (("2d", px), ("3d", world)):
        obliquity = getattr(posture, f"pelvic_obliquity_{method}")(arrays, 0.0)[0]
        tilt = getattr(posture, f"shoulder_tilt_{method}")(arrays, 0.0)[0]
        lean = getattr(posture, f"trunk_lateral_lean_{method}")(arrays, 0.0)[0]
        lateral = getattr(posture, f"lateral_trunk_shift_{method}")(arrays, 0.0)[0]
        # 10 deg off a front view, the shoulders lie at depths 6 cm apart and
        # well above the image centre: perspective tilts their line by ~2 deg.
        tolerance = 0.05 if method == "3d" or abs(yaw) == 90 else 2.5
        assert obliquity == pytest.approx(6.0, abs=tolerance), method
        assert tilt == pytest.approx(-4.0, abs=tolerance), method
        assert lean == pytest.approx(8.0, abs=tolerance), method
        assert lateral == pytest.approx(shift, abs=2 * tolerance), method


def test_pelvic_obliquity_sign_left_hip_higher() -> None:
    for pose, sign in ((BodyPose(pelvic_obliquity=5.0), 1), (BodyPose(pelvic_obliquity=-5.0), -1)):
        px, world = _arrays(pose, Camera(yaw_deg=90))
        left_y = px[0, Landmark.LEFT_HIP, 1]
        right_y = px[0, Landmark.RIGHT_HIP, 1]
        assert np.sign(right_y - left_y) == sign, "image y points down: a higher hip has a smaller y"
        assert np.sign(posture.pelvic_obliquity_2d(px, 0.0)[0]) == sign
        assert np.sign(posture.pelvic_obliquity_3d(world, 0.0)[0]) == sign


@pytest.mark.parametrize("roll", [-12.0, 7.0])
def test_camera_roll_corrects_gravity_referenced_measures(roll: float) -> None:
    pose = BodyPose(trunk_inclination=10.0, hip_flexion_left=30.0)
    px, world = _arrays(pose, Camera(side="right", roll_deg=roll))
    facing = np.array([1])
    # Uncorrected, the picture's counter-clockwise turn tilts a right-facing trunk backwards.
    assert ja.trunk_inclination_2d(px, facing, 0.0)[0] == pytest.approx(10.0 - roll, abs=0.3)
    assert ja.trunk_inclination_2d(px, facing, roll)[0] == pytest.approx(10.0, abs=0.3)
    assert ja.thigh_inclination_2d(px, facing, "left", roll)[0] == pytest.approx(20.0, abs=0.3)
    assert ja.trunk_inclination_3d(world, roll)[0] == pytest.approx(10.0, abs=0.05)
    assert ja.hip_flexion_2d(px, facing, "left")[0] == pytest.approx(30.0, abs=0.3), (
        "relative angles ignore roll"
    )
    px, world = _arrays(BodyPose(pelvic_obliquity=3.0), Camera(yaw_deg=90, roll_deg=roll))
    # Facing the camera, the person's left is on the image's right, which the turn raises.
    assert posture.pelvic_obliquity_2d(px, 0.0)[0] == pytest.approx(3.0 + roll, abs=0.3)
    assert posture.pelvic_obliquity_2d(px, roll)[0] == pytest.approx(3.0, abs=0.3)
    assert posture.pelvic_obliquity_3d(world, roll)[0] == pytest.approx(3.0, abs=0.05)


@pytest.mark.parametrize("angle", [50.0, 75.0, 90.0, 100.0])
@pytest.mark.parametrize("side", ["left", "right"])
def test_forward_head_proxy(angle: float, side: str) -> None:
    px, world = _arrays(BodyPose(ear_shoulder_deg=angle, trunk_inclination=5.0), Camera(side=side))
    facing = np.array([1 if side == "right" else -1])
    assert posture.craniovertebral_angle_proxy_2d(px, facing, 0.0)[0] == pytest.approx(angle, abs=0.5)
    assert posture.craniovertebral_angle_proxy_3d(world, 0.0)[0] == pytest.approx(angle, abs=0.05)


@pytest.mark.parametrize("side", ["left", "right"])
def test_plumb_line_offsets_and_stature(side: str) -> None:
    pose = BodyPose(trunk_inclination=6.0, ear_shoulder_deg=65.0, hip_flexion_left=3.0, hip_flexion_right=3.0)
    stature_m = 1.62
    scene = skeleton(pose, stature_m)
    series = make_series([pose], Camera(side=side), stature_m=stature_m)
    px, world = series.image_px[:, 0], series.world[:, 0].astype(np.float64)
    facing = np.array([1 if side == "right" else -1])
    ankle_x = 0.5 * (scene[Landmark.LEFT_ANKLE, 0] + scene[Landmark.RIGHT_ANKLE, 0])
    # The trunk's lean lowers the eyes a little, so the estimated stature is a little short.
    eye = 0.5 * (scene[Landmark.LEFT_EYE] + scene[Landmark.RIGHT_EYE])
    estimated = (eye[1] - scene[Landmark.LEFT_HEEL, 1]) / posture.EYE_HEIGHT_FRACTION
    offsets_2d = posture.plumb_offsets_2d(px, facing, 0.0)
    offsets_3d = posture.plumb_offsets_3d(world, 0.0)
    for part in posture.PLUMB_LANDMARKS:
        left, right = posture.PAIRS[part]
        expected = 100 * (0.5 * (scene[left, 0] + scene[right, 0]) - ankle_x) / estimated
        assert offsets_2d[part][0] == pytest.approx(expected, abs=0.1), part
        assert offsets_3d[part][0] == pytest.approx(expected, abs=0.01), part
    assert offsets_2d["ear"][0] > offsets_2d["shoulder"][0] > 0, (
        "head forward of the shoulders, both anterior"
    )
    assert posture.stature_3d(world, 0.0)[0] == pytest.approx(estimated, abs=1e-4)
    upright = make_series([BodyPose()], Camera(side=side), stature_m=stature_m)
    assert posture.stature_3d(upright.world[:, 0].astype(np.float64), 0.0)[0] == pytest.approx(
        stature_m, abs=1e-4
    )
    metres_per_px = stature_m / posture.stature_2d(upright.image_px[:, 0], 0.0)[0]
    assert metres_per_px == pytest.approx(3.5 / 1500, rel=0.02), "one pixel at the camera distance"


def test_missing_landmark_gives_nan() -> None:
    px, world = _arrays(FRONTAL, Camera(yaw_deg=90))
    px[0, Landmark.LEFT_HIP] = np.nan
    world[0, Landmark.LEFT_HIP] = np.nan
    assert np.isnan(posture.pelvic_obliquity_2d(px, 0.0)[0])
    assert np.isnan(posture.pelvic_obliquity_3d(world, 0.0)[0])
    assert np.isnan(ja.hip_flexion_3d(world, "right")[0])
