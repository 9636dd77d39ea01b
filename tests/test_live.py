"""The live measuring core: per-frame figures and guidance, counters, the standing check's capture."""

from __future__ import annotations

import numpy as np
import pytest

from posturecheck.live import frame_figures as live
from posturecheck.live import guidance
from posturecheck.live.capture import CAPTURE_S, StandingCheck
from posturecheck.live.counters import HeldValues, KneeRaiseCounter, SteadyStance
from posturecheck.measures.view import ViewLimits
from posturecheck.pose.landmarker import FramePoses
from tests.synthetic_skeleton import BodyPose, Camera, make_series

POSE = BodyPose(hip_flexion_left=40, knee_flexion_left=30, trunk_inclination=10)


def _figures(
    camera: Camera, pose: BodyPose = POSE, shift_y: float = 0.0, limits: ViewLimits | None = None
) -> live.LiveFigures:
    series = make_series([pose], camera)
    image = series.image[0, 0].copy()
    image[:, 1] += shift_y
    return live.live_figures(
        image, series.world[0, 0], series.visibility[0, 0], (camera.width, camera.height), limits=limits
    )


def test_side_view_gives_2d_angles_of_the_pose() -> None:
    figures = _figures(Camera())
    assert figures.method == "2d" and figures.guidance == "" and figures.view == "side"
    assert figures.hip_flexion["left"] == pytest.approx(40, abs=0.2)
    assert figures.hip_flexion["right"] == pytest.approx(0, abs=0.2)
    assert figures.knee_flexion["left"] == pytest.approx(30, abs=0.2)
    assert figures.trunk_inclination == pytest.approx(10, abs=0.2)


def test_oblique_view_asks_to_turn_and_gives_3d_angles_only_where_the_limits_allow() -> None:
    # Real footage does not support 3D sagittal angles 30 deg from side (docs/validation.md).
    assert _figures(Camera(yaw_deg=30)).guidance == guidance.TURN_SIDE_ON
    figures = _figures(Camera(yaw_deg=30), limits=ViewLimits(sagittal_3d_max_deg=60.0))
    assert figures.method == "3d" and figures.note == guidance.ALMOST_SIDE_ON
    assert figures.hip_flexion["left"] == pytest.approx(40, abs=0.2)


def test_front_view_gives_no_angle_and_asks_to_turn() -> None:
    figures = _figures(Camera(yaw_deg=90))
    assert figures.guidance == guidance.TURN_SIDE_ON
    assert figures.hip_flexion == {} and figures.trunk_inclination is None and figures.method == ""


def test_feet_out_of_the_picture_ask_to_step_back() -> None:
    figures = _figures(Camera(), shift_y=0.5)
    assert figures.guidance == guidance.STEP_BACK_FEET and figures.hip_flexion == {}


def test_small_person_is_asked_to_come_closer() -> None:
    assert _figures(Camera(distance_m=20.0)).guidance == guidance.COME_CLOSER


def test_nobody_in_view() -> None:
    nan = np.full((33, 3), np.nan)
    figures = live.live_figures(nan, nan, np.zeros(33), (640, 360))
    assert not figures.person and figures.guidance == guidance.NO_PERSON


def _feed(counter: KneeRaiseCounter, frames: list[dict[str, float]], start: int = 0) -> list[list[str]]:
    """Frames at 30 fps from frame ``start``."""
    return [counter.update(values, (start + i) / 30) for i, values in enumerate(frames)]


def test_knee_raises_are_counted_once_per_raise_with_their_held_peaks() -> None:
    counter = KneeRaiseCounter(raise_deg=60, lower_deg=25)
    # Jitter around 60 and 25 counts nothing extra; 75 is reached in one frame only, 70 is held for 3.
    trace = [0, 0, 0, 30, 59, 61, 58, 62, 63, 61, 75, 70, 71, 72, 40, 26, 24, 26, 10, 10, 0]
    done = _feed(counter, [{"left": value} for value in trace])
    assert counter.sides["left"].count == 1 and counter.sides["left"].last_peak_deg == 70
    assert done.count(["left"]) == 1 and counter.sides["right"].count == 0
    held = [value for value in (0, 80, 0, 65, 0) for _ in range(3)]
    _feed(counter, [{"left": v, "right": v} for v in held], start=len(trace))
    assert counter.sides["left"].count == 3 and counter.sides["right"].count == 2
    assert counter.sides["left"].best_peak_deg == 80


def test_a_one_frame_glitch_counts_no_raise() -> None:
    counter = KneeRaiseCounter()
    _feed(counter, [{"left": v} for v in (0, 0, 0, 90, 0, 0, 0, 0)])
    assert counter.sides["left"].count == 0


def test_missing_frames_neither_count_nor_cancel_a_raise() -> None:
    counter = KneeRaiseCounter()
    _feed(counter, [{"left": 70.0}] * 3 + [{}, {}] + [{"left": 10.0}] * 3)
    assert counter.sides["left"].count == 1


def test_highest_so_far_is_a_value_held_for_a_tenth_of_a_second() -> None:
    highest = HeldValues()
    for i, value in enumerate((10, 10, 10, 95, 12, 12, 12)):  # a one-frame spike to 95
        highest.update(i / 30, {"left": float(value)})
    assert highest.highest == {"left": 12.0}
    for i, value in enumerate((40, 42, 41), start=7):  # held for 3 frames
        highest.update(i / 30, {"left": float(value)})
    assert highest.highest == {"left": 40.0}
    highest.update(10 / 30, {})  # no valid value: the hold starts again
    for i, value in enumerate((50, 50), start=11):
        highest.update(i / 30, {"left": float(value)})
    assert highest.highest == {"left": 40.0}
    # At 60 frames/s the hold is 6 frames (0.1 s).
    fast = HeldValues()
    for i, value in enumerate([0.0] * 3 + [30.0] * 5 + [0.0] * 3 + [20.0] * 6):
        fast.update(i / 60, {"right": value})
    assert fast.highest == {"right": 20.0}


def test_counter_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        KneeRaiseCounter(raise_deg=20, lower_deg=30)


def _standing_px(offset: float = 0.0) -> np.ndarray:
    points = np.zeros((33, 2))
    points[:, 1] = np.linspace(100, 500, 33)
    points[:, 0] = 300 + offset
    return points


def test_steady_stance_needs_the_whole_window_still_with_straight_knees() -> None:
    steady = SteadyStance(window_s=1.5, tolerance=0.02)
    straight = {"left": 3.0, "right": 2.0}
    results = [steady.update(i / 30, _standing_px(np.sin(i) * 2), straight) for i in range(60)]
    assert not any(results[:40]) and all(results[46:])  # 2 px of sway on a 400 px body is still
    assert not steady.update(2.0, _standing_px(), {"left": 35.0, "right": 2.0})  # a bent knee starts again
    assert not steady.update(2.1, _standing_px(), straight)
    moving = SteadyStance(window_s=1.5, tolerance=0.02)
    assert not any(moving.update(i / 30, _standing_px(i * 2.0), straight) for i in range(60))
    assert not moving.update(3.0, None, straight)


def _poses(series_frame: int = 0) -> FramePoses:
    series = make_series([BodyPose()], Camera())
    return FramePoses(
        series.image[series_frame],
        series.world[series_frame],
        series.visibility[series_frame],
        series.presence[series_frame],
        None,
    )


def test_standing_check_keeps_an_unbroken_steady_stretch() -> None:
    check = StandingCheck()
    assert check.state == "idle" and check.take() is None
    check.start()
    poses = _poses()
    check.update(0.0, poses, False, 640, 360)
    assert check.state == "waiting"
    check.update(0.1, poses, True, 640, 360)
    check.update(0.2, poses, False, 640, 360)  # moved: start again
    assert check.state == "waiting" and check.progress == 0.0
    times = np.arange(0.3, 0.3 + CAPTURE_S + 0.1, 1 / 30)
    for t in times:
        check.update(float(t), poses, True, 640, 360)
    assert check.state == "done" and check.progress == 1.0
    series = check.take()
    assert series is not None and check.state == "idle"
    assert series.n_people == 1 and series.times_s[0] == 0 and series.times_s[-1] >= CAPTURE_S
    assert series.detected.all() and series.source.width == 640


def test_the_set_up_steps_state_the_camera_distance_constant() -> None:
    near, far = guidance.CAMERA_DISTANCE_M
    assert f"{near:g}-{far:g} m away" in guidance.SETUP_STEPS[0]
    assert sum(f"{near:g}" in step for step in guidance.SETUP_STEPS) == 1, "the distance is said once"
