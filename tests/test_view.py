"""View classification, facing, camera roll convention and frame checks on synthetic cameras."""

from __future__ import annotations

import numpy as np
import pytest

from posturecheck.landmarks import Landmark
from posturecheck.measures.geometry import image_gravity_axes, world_up
from posturecheck.measures.view import (
    ViewLimits,
    estimate_view,
    facing_direction,
    near_side,
    off_side,
    outside_frame,
    person_extent,
    summarize_view,
    view_labels,
)
from tests.synthetic_skeleton import BodyPose, Camera, make_series

STAND = BodyPose()


def _view(camera: Camera, pose: BodyPose = STAND, noise: float = 0.0):
    series = make_series([pose], camera, noise_frac=noise)
    world = series.world[:, 0].astype(np.float64)
    return estimate_view(series.image[:, 0], series.image_px[:, 0], world, camera.roll_deg, ViewLimits())


@pytest.mark.parametrize("roll", [-20.0, 10.0, 35.0])
def test_camera_roll_convention(roll: float) -> None:
    """+roll: camera turned clockwise, picture turned counter-clockwise: a true vertical leans top-left."""
    series = make_series([STAND], Camera(yaw_deg=90, roll_deg=roll))
    px = series.image_px[0, 0]
    mid_hip = 0.5 * (px[Landmark.LEFT_HIP] + px[Landmark.RIGHT_HIP])
    mid_shoulder = 0.5 * (px[Landmark.LEFT_SHOULDER] + px[Landmark.RIGHT_SHOULDER])
    up = mid_shoulder - mid_hip
    assert np.sign(up[0]) == -np.sign(roll), "the top of an upright trunk moves to the image's left for +roll"
    _, true_up = image_gravity_axes(roll)
    np.testing.assert_allclose(up / np.linalg.norm(up), true_up, atol=2e-3)
    world = series.world[0, 0].astype(np.float64)
    world_trunk = 0.5 * (world[Landmark.LEFT_SHOULDER] + world[Landmark.RIGHT_SHOULDER]) - 0.5 * (
        world[Landmark.LEFT_HIP] + world[Landmark.RIGHT_HIP]
    )
    np.testing.assert_allclose(world_trunk / np.linalg.norm(world_trunk), world_up(roll), atol=1e-6)


@pytest.mark.parametrize(("side", "expected"), [("left", -1), ("right", 1)])
def test_facing_direction_in_side_views(side: str, expected: int) -> None:
    view = _view(Camera(side=side))
    assert view.facing[0] == expected
    assert view.near_side[0] == side
    assert view.label[0] == "side"


def test_facing_unknown_in_front_and_back_views() -> None:
    for yaw in (90.0, -90.0):
        series = make_series([STAND], Camera(yaw_deg=yaw))
        assert facing_direction(series.image_px[:, 0], 0.0)[0] == 0


def test_facing_survives_camera_roll() -> None:
    series = make_series([STAND], Camera(side="right", roll_deg=40))
    assert facing_direction(series.image_px[:, 0], 40.0)[0] == 1


@pytest.mark.parametrize("yaw", [0.0, 15.0, 30.0, 45.0, 60.0, 90.0, -30.0, -90.0])
@pytest.mark.parametrize("side", ["left", "right"])
def test_yaw_estimates(yaw: float, side: str) -> None:
    view = _view(Camera(yaw_deg=yaw, side=side))
    expected = yaw if side == "right" else 180.0 - yaw
    expected = (expected + 180.0) % 360.0 - 180.0
    assert abs((view.yaw_3d_deg[0] - expected + 180) % 360 - 180) < 0.5
    assert abs((view.yaw_2d_deg[0] - expected + 180) % 360 - 180) < 3.0, "2D yaw assumes typical proportions"
    assert view.off_side_deg[0] == pytest.approx(abs(yaw), abs=0.5)


@pytest.mark.parametrize(
    ("yaw", "label"),
    [(0, "side"), (10, "side"), (30, "oblique"), (60, "oblique"), (85, "front"), (-85, "back")],
)
def test_view_labels(yaw: float, label: str) -> None:
    assert _view(Camera(yaw_deg=yaw, side="right")).label[0] == label


def test_label_thresholds_and_unknown() -> None:
    limits = ViewLimits(side_max_deg=15, front_min_deg=75)
    labels = view_labels(np.array([14.0, 166.0, 16.0, 80.0, -100.0, np.nan]), limits)
    assert labels.tolist() == ["side", "side", "oblique", "front", "back", "unknown"]
    np.testing.assert_allclose(off_side(np.array([170.0, -10.0, 95.0])), [10.0, 10.0, 85.0])
    assert near_side(np.array([10.0, 170.0, -170.0, np.nan])).tolist() == ["right", "left", "left", ""]


def test_person_too_small_and_out_of_frame() -> None:
    far = _view(Camera(distance_m=20.0))
    assert far.extent[0] < 0.2 < _view(Camera()).extent[0]
    series = make_series([STAND], Camera(target_height=0.05, distance_m=2.0))
    outside = outside_frame(series.image[:, 0])
    assert outside[0, Landmark.NOSE] and not outside[0, Landmark.LEFT_ANKLE]
    assert person_extent(series.image[:, 0])[0] <= 1.0


def test_summary() -> None:
    poses = [STAND] * 4
    series = make_series(poses, Camera(side="left"))
    world = series.world[:, 0].astype(np.float64)
    view = estimate_view(series.image[:, 0], series.image_px[:, 0], world, 0.0, ViewLimits())
    summary = summarize_view(view)
    assert summary.label == "side" and summary.fractions["side"] == 1.0
    assert summary.facing == -1 and summary.yaw_source == "3d"
    assert summary.median_off_side_deg < 1.0
