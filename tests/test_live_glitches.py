"""The live core counts only frames the recorded path's glitch checks trust (issue 11, live part).

A live session is fed landmarks of the synthetic skeleton, frame by frame, as
the model would give them (:meth:`LiveSession.measure_poses`). The sample walk
played through the live page, against the recorded analysis's held peak, is
``tests/test_app_live.py::test_highest_so_far_on_the_walk_is_the_clips_held_peak``.
"""

from __future__ import annotations

import numpy as np
import pytest

from posturecheck.live import guidance
from posturecheck.live.rejection import LiveRejection
from posturecheck.live.session import LiveSession, LiveSnapshot
from posturecheck.measures.glitches import MAX_GLITCH_S, judging_margin_s, reject
from posturecheck.measures.pipeline import MeasureOptions
from posturecheck.measures.reasons import Invalid
from posturecheck.pose.landmarker import FramePoses, check_model
from posturecheck.pose.tracking import MAX_GAP_S
from posturecheck.reports.plain_words import reason_words
from tests.synthetic_skeleton import BodyPose, Camera, make_series

FPS = 30.0
CAMERA = Camera(width=1920, height=1080)  # landscape, as a webcam
# Slow knee raises of the left leg up to PEAK_DEG, one every RAISE_S seconds.
PEAK_DEG = 40.0
RAISE_S = 1.5


def _raise_angle(time_s: float) -> float:
    return PEAK_DEG * 0.5 * (1 - np.cos(2 * np.pi * time_s / RAISE_S))


def _poses(pose: BodyPose, shift_x: float = 0.0) -> FramePoses:
    series = make_series([pose], CAMERA)
    image = series.image[0].copy()
    image[..., 0] += shift_x
    return FramePoses(image, series.world[0], series.visibility[0], series.presence[0], None)


def _feed(session: LiveSession, frames: list[FramePoses | None], start_s: float = 0.0) -> list[LiveSnapshot]:
    """Frames at :data:`FPS` from ``start_s``; ``None`` is a frame with nobody in it."""
    nobody = FramePoses(
        np.zeros((0, 33, 3)), np.zeros((0, 33, 3)), np.zeros((0, 33)), np.zeros((0, 33)), None
    )
    size = (CAMERA.width, CAMERA.height)
    return [
        session.measure_poses(nobody if poses is None else poses, start_s + i / FPS, size)
        for i, poses in enumerate(frames)
    ]


def test_injected_spikes_do_not_change_the_highest_so_far() -> None:
    session = LiveSession(check_model())
    times = np.arange(0, 3 * RAISE_S, 1 / FPS)
    angles = [_raise_angle(t) for t in times]
    # Three glitches of 0.1 s (3 frames: long enough to be held), the hip thrown to 110 deg and back.
    spiked = list(angles)
    for start in (10, 40, 80):
        spiked[start : start + 3] = [110.0] * 3
    states = _feed(session, [_poses(BodyPose(hip_flexion_left=a)) for a in spiked])
    session.close()
    margin = judging_margin_s(1 / FPS, 0.25)
    assert margin > MAX_GLITCH_S
    # The screen shows the newest frame as it is ...
    assert max(s.figures.hip_flexion["left"] for s in states) > 100
    # ... but what was held and counted is the legs' own movement, and the line says why.
    highest = states[-1].max_hip_flexion["left"]
    assert highest == pytest.approx(max(angles[: int((times[-1] - margin) * FPS)]), abs=1.5)
    assert guidance.NOT_COUNTED.format(why=reason_words(Invalid.GLITCH_JUMP)) in {
        s.not_counted for s in states
    }


def test_a_real_fast_movement_is_counted() -> None:
    session = LiveSession(check_model())
    # The hip flexes to 90 deg in 0.2 s and stays there: fast, but no glitch's out-and-back.
    angles = [0.0] * 30 + [min(90.0, 15.0 * i) for i in range(1, 7)] + [90.0] * 30
    states = _feed(session, [_poses(BodyPose(hip_flexion_left=a)) for a in angles])
    session.close()
    assert states[-1].max_hip_flexion["left"] == pytest.approx(90, abs=1)


def test_someone_else_found_in_place_of_the_person_is_not_counted() -> None:
    session = LiveSession(check_model())
    walker = [_poses(BodyPose(hip_flexion_left=_raise_angle(i / FPS)), shift_x=-0.2) for i in range(45)]
    # The person followed leaves; someone else, 0.4 of the picture's width away, lifts a knee to 100 deg.
    stranger = [_poses(BodyPose(hip_flexion_left=100.0), shift_x=0.3)] * 30
    states = _feed(session, [*walker, None, *stranger])
    assert states[-1].max_hip_flexion["left"] == pytest.approx(PEAK_DEG, abs=1.5)
    assert states[-1].not_counted == guidance.SOMEONE_ELSE
    # Once the person followed has been gone longer than a track lasts, whoever is found is followed.
    later = len(states) / FPS + MAX_GAP_S
    states = _feed(session, [None] * 3 + [_poses(BodyPose(hip_flexion_left=100.0), shift_x=0.3)] * 45, later)
    session.close()
    assert states[-1].max_hip_flexion["left"] == pytest.approx(100, abs=1)


def test_each_frame_judged_live_gets_the_marks_the_whole_clip_gives_it() -> None:
    angles = [_raise_angle(t) for t in np.arange(0, 3.0, 1 / FPS)]
    angles[30:32] = [100.0, 100.0]
    series = make_series([BodyPose(hip_flexion_left=a) for a in angles], CAMERA, noise_frac=0.002, seed=1)
    series.image[50:60] = np.nan  # nobody found for a third of a second: the stretch ends and starts again
    live = LiveRejection((CAMERA.width, CAMERA.height))
    judged = []
    for i in range(series.n_frames):
        seen = np.isfinite(series.image[i, 0]).all()
        poses = FramePoses(
            series.image[i, : int(seen)],
            series.world[i, : int(seen)],
            series.visibility[i, : int(seen)],
            series.presence[i, : int(seen)],
            None,
        )
        judged += live.add(float(series.times_s[i]), poses)
    image = series.image[:, 0].astype(np.float64)
    own = image[..., :2]
    size = np.array([CAMERA.width, CAMERA.height], dtype=np.float64)
    whole = reject(
        series.image,
        own,
        own * size,
        series.world[:, 0],
        np.isfinite(image).all(axis=(1, 2))[:, None],
        series.times_s,
        0,
        MeasureOptions().max_gap_s,
    )
    assert len(judged) > series.n_frames - 0.6 * FPS
    for row, frame in enumerate(judged):
        assert np.array_equal(
            np.isnan(frame.image[:, 0]), (whole.image[row] != "") | ~np.isfinite(own[row, :, 0])
        )
    assert (whole.image[30:32] != "").all() and (whole.image[60:63] != "").all()
