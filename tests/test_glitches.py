"""Glitch and occlusion rejection: injected spikes, swaps, overlaps, track ends and frame edges
on the synthetic skeleton, with the exact frames that must be rejected and why."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from posturecheck.landmarks import MIRROR_INDEX, Landmark
from posturecheck.measures import glitches as g
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.pose.series import PoseSeries
from tests.fixtures.scenes import knee_raise_poses
from tests.synthetic_skeleton import BodyPose, Camera, make_series, stack_people

CAMERA = Camera(side="left", width=1920, height=1080, distance_m=6.0)
STILL = MeasureOptions(cutoff_hz=None)


def _raises() -> PoseSeries:
    """Two knee raises (left to 90 deg, right to 60 deg) with rests: 5.3 s at 30 fps, seen from the side."""
    return make_series(knee_raise_poses([("left", 90.0), ("right", 60.0)]), CAMERA)


def _rejected(measure_reason: np.ndarray, words: str) -> list[int]:
    return [i for i, reason in enumerate(measure_reason) if reason.startswith(words)]


def test_a_knee_thrown_up_for_three_frames_is_an_implausible_jump() -> None:
    series = _raises()
    image, world = series.image.copy(), series.world.copy()
    # Frames 10-12 (standing at rest): the left knee put level with the hip in front, as the model
    # did on samples/two_people.mp4 at 5.4 s; the world skeleton follows.
    for points in (image, world):
        hip, knee = points[10:13, 0, Landmark.LEFT_HIP], points[10:13, 0, Landmark.LEFT_KNEE]
        length = np.linalg.norm(knee - hip, axis=-1, keepdims=True)
        forward = np.zeros_like(hip)
        forward[:, 0] = -1.0  # the person faces the image's left
        points[10:13, 0, Landmark.LEFT_KNEE] = hip + forward * length
    glitched = replace(series, image=image, world=world)
    table = compute_measures(glitched, 0, MeasureOptions())
    hip = table.measures["hip_flexion_left"]
    assert _rejected(hip.reason, g.JUMP) == [10, 11, 12]
    assert "left hip angle moved 90 deg" in hip.reason[10]
    assert hip.valid[:10].all() and hip.valid[13:].all()
    # The glitch reaches neither the filtered values beside it nor the peak of the rest.
    assert np.abs(hip.values[5:10]).max() < 1.0 and np.abs(hip.values[13:18]).max() < 1.0
    # Measures not needing the left knee are rejected too: the whole pose of those frames is in doubt.
    assert _rejected(table.measures["trunk_inclination"].reason, g.JUMP) == [10, 11, 12]
    assert "3 frame(s) with landmarks not trusted" in " ".join(table.notes)
    # Without the rejection the glitch frames pass as valid (issue 11, observation 1).
    unchecked = compute_measures(glitched, 0, replace(MeasureOptions(), reject_glitches=False))
    assert unchecked.measures["hip_flexion_left"].valid[10:13].all()


def test_a_real_knee_raise_is_not_rejected() -> None:
    table = compute_measures(_raises(), 0, MeasureOptions())
    for name in ("hip_flexion_left", "hip_flexion_right", "knee_flexion_left", "trunk_inclination"):
        assert table.measures[name].valid.all(), set(table.measures[name].reason)


def test_a_left_right_swap_is_corrected_not_rejected_and_rejected_when_not_corrected() -> None:
    series = _raises()
    swapped_rows = slice(40, 43)  # in the left raise
    mirror = np.array(MIRROR_INDEX)
    image, world = series.image.copy(), series.world.copy()
    image[swapped_rows] = image[swapped_rows][:, :, mirror]
    world[swapped_rows] = world[swapped_rows][:, :, mirror]
    swapped = replace(series, image=image, world=world)
    corrected = compute_measures(swapped, 0, MeasureOptions())
    assert corrected.measures["hip_flexion_left"].valid.all()
    raw = compute_measures(swapped, 0, replace(MeasureOptions(), correct_swaps=False))
    assert _rejected(raw.measures["hip_flexion_left"].reason, g.JUMP) == [40, 41, 42]


def _two_people(crossing: slice) -> PoseSeries:
    """Two people side by side; in the frames of ``crossing`` the second stands where the first is."""
    poses = [BodyPose(hip_flexion_left=10.0)] * 60
    a, b = make_series(poses, CAMERA), make_series(poses, CAMERA)
    b.image[..., 0] += 0.3
    b.image[crossing, ..., 0] -= 0.3
    return stack_people([a, b])


def test_people_overlapping_are_both_rejected_with_who_hides_them() -> None:
    series = _two_people(slice(30, 40))
    first, second = (compute_measures(series, k, STILL) for k in (0, 1))
    assert _rejected(first.measures["hip_flexion_left"].reason, g.OVERLAP) == list(range(30, 40))
    assert first.measures["hip_flexion_left"].reason[30] == "overlaps person 2: one may hide the other"
    assert second.measures["trunk_inclination"].reason[35] == "overlaps person 1: one may hide the other"
    hip = first.measures["hip_flexion_left"]
    assert hip.valid[:30].all() and hip.valid[40:].all()


def test_boxes_touching_at_empty_corners_prove_the_bodies_apart() -> None:
    # Person 1's joints at x 0.20-0.30 and a hand reaching to 0.45; person 2's joints at x 0.46-0.55
    # and a hand reaching back to 0.42: the boxes share x 0.42-0.45 but no joint lies in the other's box.
    points = np.full((1, 2, 33, 3), np.nan)
    points[0, 0, :, 0] = np.linspace(0.20, 0.30, 33)
    points[0, 1, :, 0] = np.linspace(0.46, 0.55, 33)
    points[0, :, :, 1] = np.linspace(0.2, 0.9, 33)
    points[0, 0, Landmark.LEFT_WRIST, 0] = 0.45
    points[0, 1, Landmark.RIGHT_WRIST, 0] = 0.42
    both = np.ones((1, 2), bool)
    assert g.overlapping_person(points, both, 0).tolist() == [-1]
    points[0, 1, Landmark.LEFT_KNEE, 0] = 0.44  # now a knee of person 2 lies inside person 1's box
    assert g.overlapping_person(points, both, 0).tolist() == [1]
    assert g.overlapping_person(points, both, 1).tolist() == [0]


def test_the_first_and_last_frames_of_being_followed_are_rejected_but_not_the_clip_ends() -> None:
    series = _raises()
    image, visibility = series.image.copy(), series.visibility.copy()
    image[:20], visibility[:20] = np.nan, 0.0  # walks in at frame 20
    image[50:], visibility[50:] = np.nan, 0.0  # leaves after frame 49
    table = compute_measures(replace(series, image=image, visibility=visibility), 0, STILL)
    trunk = table.measures["trunk_inclination_2d"]
    assert _rejected(trunk.reason, g.TRACK_START) == [20, 21, 22]
    assert _rejected(trunk.reason, g.TRACK_END) == [47, 48, 49]
    assert trunk.valid[23:47].all()
    whole = compute_measures(series, 0, STILL).measures["trunk_inclination_2d"]
    assert whole.valid.all(), "seen from the first frame to the last: nobody came or went"


def test_a_short_dropout_does_not_end_the_track() -> None:
    track = np.ones(40, bool)
    track[20:23] = False  # 0.1 s unseen, under the 0.25 s the gap filler bridges
    edges = g.track_edges(track, np.arange(40) / 30, max_gap_s=0.25)
    assert (edges == "").all()
    track[20:32] = False  # 0.4 s: a new stretch
    edges = g.track_edges(track, np.arange(40) / 30, max_gap_s=0.25)
    assert np.flatnonzero(edges == g.TRACK_END).tolist() == [17, 18, 19]
    assert np.flatnonzero(edges == g.TRACK_START).tolist() == [32, 33, 34]


def test_a_shortened_shank_rejects_the_ankle_not_the_hip() -> None:
    series = _raises()
    image, world = series.image.copy(), series.world.copy()
    for points in (image, world):
        knee, ankle = points[70, 0, Landmark.LEFT_KNEE], points[70, 0, Landmark.LEFT_ANKLE]
        points[70, 0, Landmark.LEFT_ANKLE] = knee + 0.5 * (ankle - knee)  # same knee angle, half the shank
    table = compute_measures(replace(series, image=image, world=world), 0, MeasureOptions())
    knee_flexion = table.measures["knee_flexion_left"]
    assert _rejected(knee_flexion.reason, g.PROPORTIONS) == [70]
    assert "left shank 50% of its usual length" in knee_flexion.reason[70]
    assert table.measures["hip_flexion_left"].valid.all()


def test_a_landmark_at_the_edge_of_the_picture_is_rejected() -> None:
    series = _raises()
    image = series.image.copy()
    # Frames 5-7: the picture moved so the left ankle is within 1 % of its bottom edge (no angle changes).
    image[5:8, 0, :, 1] += 0.995 - image[5:8, 0, Landmark.LEFT_ANKLE, 1][:, None]
    table = compute_measures(replace(series, image=image), 0, STILL)
    reason = table.measures["knee_flexion_left_2d"].reason
    assert [i for i, r in enumerate(reason) if r] == [5, 6, 7]
    assert set(reason[5:8]) == {f"left ankle {g.FRAME_EDGE}"}
    assert table.measures["hip_flexion_left_2d"].valid.all()


def test_jump_frames_need_a_jump_away_and_back() -> None:
    times = np.arange(20) / 30
    rest = np.full(20, 5.0)
    spike = rest.copy()
    spike[8:11] = [75.0, 80.0, 78.0]
    marked, step = g.jump_frames(spike, times, 1200.0)
    assert np.flatnonzero(marked).tolist() == [8, 9, 10] and step[8] == 70.0
    # A fast real movement out and back over 0.4 s (600 deg/s at most) is not a glitch.
    kick = 5.0 + 80.0 * np.sin(np.pi * np.clip((times - 0.1) / 0.4, 0, 1))
    assert not g.jump_frames(kick, times, 1200.0)[0].any()
    # One fast step with no return (a jump that stays) is not marked either.
    step_up = np.where(np.arange(20) >= 8, 80.0, 5.0)
    assert not g.jump_frames(step_up, times, 1200.0)[0].any()
    # A step back that does not return to where the angle was does not end a glitch.
    partial = spike.copy()
    partial[11:] = 50.0
    assert not g.jump_frames(partial, times, 1200.0)[0].any()
