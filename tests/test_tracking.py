"""People tracking: stable IDs through crossings, occlusions, exits and spurious detections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from posturecheck.landmarks import NUM_LANDMARKS, Landmark
from posturecheck.pose.series import PoseSeries, SourceInfo, empty_series
from posturecheck.pose.tracking import (
    PROPORTION_TOLERANCE,
    TrackedSeries,
    TrackInfo,
    proportion_difference,
    segment_lengths,
    thumbnail_box,
    track_people,
)

L = Landmark
WIDTH, HEIGHT = 1280, 720


@dataclass(frozen=True)
class Body:
    """Segment lengths of a stick figure standing square to the camera, metres."""

    shoulder_half: float = 0.19
    hip_half: float = 0.13
    torso: float = 0.50
    upper_arm: float = 0.30
    forearm: float = 0.26
    thigh: float = 0.44
    shank: float = 0.42
    head: float = 0.22


BODY_A = Body()
BODY_B = Body(
    shoulder_half=0.15, hip_half=0.16, torso=0.42, upper_arm=0.34, forearm=0.22, thigh=0.50, shank=0.38
)
BODY_C = Body(
    shoulder_half=0.24, hip_half=0.11, torso=0.56, upper_arm=0.26, forearm=0.30, thigh=0.38, shank=0.46
)


def skeleton(body: Body) -> np.ndarray:
    """(33, 3) world landmarks, metres: origin mid-hip, x to the image's right, y down, arms hanging."""
    pts = np.zeros((NUM_LANDMARKS, 3))
    crown = -body.torso - body.head
    for side, sign in (("LEFT", 1.0), ("RIGHT", -1.0)):
        shoulder = np.array([sign * body.shoulder_half, -body.torso, 0.0])
        elbow = shoulder + [0.0, body.upper_arm, 0.0]
        wrist = elbow + [0.0, body.forearm, 0.0]
        hip = np.array([sign * body.hip_half, 0.0, 0.0])
        knee = hip + [0.0, body.thigh, 0.0]
        ankle = knee + [0.0, body.shank, 0.0]
        points: dict[str, np.ndarray] = {
            "SHOULDER": shoulder,
            "ELBOW": elbow,
            "WRIST": wrist,
            "HIP": hip,
            "KNEE": knee,
            "ANKLE": ankle,
            "PINKY": wrist + [sign * 0.02, 0.07, 0.0],
            "INDEX": wrist + [0.0, 0.08, -0.02],
            "THUMB": wrist + [-sign * 0.02, 0.05, -0.02],
            "HEEL": ankle + [0.0, 0.04, 0.05],
            "FOOT_INDEX": ankle + [sign * 0.02, 0.06, -0.12],
            "EYE_INNER": np.array([sign * 0.02, crown + 0.08, -0.08]),
            "EYE": np.array([sign * 0.035, crown + 0.08, -0.08]),
            "EYE_OUTER": np.array([sign * 0.05, crown + 0.08, -0.07]),
            "EAR": np.array([sign * 0.08, crown + 0.1, 0.0]),
        }
        for name, point in points.items():
            pts[Landmark[f"{side}_{name}"]] = point
        pts[Landmark[f"MOUTH_{side}"]] = [sign * 0.025, crown + 0.16, -0.08]
    pts[L.NOSE] = [0.0, crown + 0.12, -0.1]
    return pts


def place(
    series: PoseSeries,
    row: int,
    slot: int,
    body: Body,
    x: float,
    y: float,
    height: float,
    visibility: float | np.ndarray = 0.9,
) -> None:
    """Draw ``body`` into a slot: mid-hip at normalised (x, y), ``height`` tall (normalised to the frame)."""
    world = skeleton(body)
    scale = height / (world[:, 1].max() - world[:, 1].min())
    image = np.stack(
        [x + world[:, 0] * scale * HEIGHT / WIDTH, y + world[:, 1] * scale, world[:, 2] * scale], axis=-1
    )
    series.image[row, slot] = image
    series.world[row, slot] = world
    series.visibility[row, slot] = visibility
    series.presence[row, slot] = 0.95


def blank(n_frames: int, n_slots: int, fps: float) -> PoseSeries:
    """An empty series of ``n_frames`` frames at ``fps``."""
    source = SourceInfo(path="synthetic", kind="video", width=WIDTH, height=HEIGHT, fps=fps)
    return replace(empty_series(n_frames, n_slots, source), times_s=np.arange(n_frames) / fps)


def mid_hip_x(tracked: TrackedSeries, track: int) -> np.ndarray:
    """(F,) normalised mid-hip x of one track, NaN where unseen."""
    image = tracked.series.image[:, track]
    return (image[:, L.LEFT_HIP, 0] + image[:, L.RIGHT_HIP, 0]) / 2


@pytest.mark.parametrize("hidden_within", [0.0, 0.2])
def test_people_keep_their_ids_through_a_crossing(hidden_within: float) -> None:
    # A walks right, B walks left along the same line; the input slots swap at
    # the crossing, and B may be hidden behind A while they are close.
    x_a, x_b = 0.2 + 0.6 * np.arange(90) / 89, 0.8 - 0.6 * np.arange(90) / 89
    masks = np.zeros((90, 2, 4, 1), dtype=np.uint8)
    series = replace(blank(90, 2, fps=30), masks=masks)
    b_seen = np.abs(x_a - x_b) >= hidden_within
    for row in range(90):
        slot_a, slot_b = (0, 1) if x_a[row] < x_b[row] else (1, 0)
        place(series, row, slot_a, BODY_A, x_a[row], 0.6, 0.4)
        masks[row, slot_a] = 1
        if b_seen[row]:
            place(series, row, slot_b, BODY_A, x_b[row], 0.6, 0.4)
            masks[row, slot_b] = 2
    assert (b_seen.sum() < 90) == (hidden_within > 0)

    tracked = track_people(series)

    assert tracked.series.n_people == 2 and tracked.n_dropped_tracks == 0
    np.testing.assert_allclose(mid_hip_x(tracked, 0), x_a, atol=1e-6)
    np.testing.assert_allclose(mid_hip_x(tracked, 1), np.where(b_seen, x_b, np.nan), atol=1e-6)
    assert tracked.series.masks is not None
    assert (tracked.series.masks[:, 0] == 1).all() and (tracked.series.masks[b_seen, 1] == 2).all()
    assert [t.n_frames for t in tracked.tracks] == [90, int(b_seen.sum())]
    assert all(track.reidentifications == () for track in tracked.tracks)  # followed by motion alone


def test_box_overlap_breaks_a_near_tie_in_landmark_distance() -> None:
    # In the last row two poses are about as far from a standing person's last
    # pose: one 5 % of the frame height lower, one 4.75 % to the side. The
    # lower one overlaps the tall, narrow box far more and is the person.
    series = blank(31, 2, fps=30)
    for row in range(30):
        place(series, row, 0, BODY_A, 0.5, 0.6, 0.4)
    place(series, 30, 0, BODY_A, 0.5 + 0.0475 * HEIGHT / WIDTH, 0.6, 0.4)
    place(series, 30, 1, BODY_A, 0.5, 0.65, 0.4)
    tracked = track_people(series)
    assert tracked.series.n_people == 1 and tracked.n_dropped_tracks == 1
    assert tracked.series.image[30, 0, L.LEFT_HIP, 1] == pytest.approx(0.65)


def occluded_walk() -> tuple[PoseSeries, np.ndarray]:
    """A stands; B walks and is missing 0.5 s (rows 40-54), coming back in a fresh slot."""
    series = blank(90, 3, fps=30)
    b_seen = np.ones(90, dtype=bool)
    b_seen[40:55] = False
    for row in range(90):
        place(series, row, 0, BODY_A, 0.25, 0.6, 0.4)
        if b_seen[row]:
            place(series, row, 1 if row < 40 else 2, BODY_B, 0.55 + 0.2 * row / 89, 0.6, 0.4)
    return series, b_seen


def test_a_person_hidden_for_half_a_second_keeps_their_id() -> None:
    series, b_seen = occluded_walk()
    tracked = track_people(series)
    assert tracked.series.n_people == 2
    np.testing.assert_array_equal(tracked.series.detected[:, 1], b_seen)
    assert tracked.tracks[1].reidentifications == ()
    assert tracked.tracks[1].first_s == 0.0 and tracked.tracks[1].last_s == pytest.approx(89 / 30)


def test_an_absence_longer_than_max_gap_is_bridged_by_body_proportions() -> None:
    series, b_seen = occluded_walk()
    tracked = track_people(series, max_gap_s=0.3)
    assert tracked.series.n_people == 2
    np.testing.assert_array_equal(tracked.series.detected[:, 1], b_seen)
    (join,) = tracked.tracks[1].reidentifications
    assert join.lost_s == pytest.approx(39 / 30) and join.found_s == pytest.approx(55 / 30)
    assert join.proportion_difference == pytest.approx(0.0, abs=1e-6)
    assert join.confidence == pytest.approx(1.0)


def exit_and_return(returning: Body, entry_x: float) -> tuple[PoseSeries, np.ndarray, np.ndarray]:
    """A stands 8 s; B walks out at the right edge by 2 s; someone walks in at ``entry_x`` at 6 s.

    Returns the series (10 fps) and the rows where B, and the returning person, are seen.
    """
    series = blank(81, 2, fps=10)
    times = series.times_s
    b_rows = np.flatnonzero(times <= 2.0)
    back_rows = np.flatnonzero(times >= 6.0)
    direction = -1.0 if entry_x > 0.5 else 1.0
    for row in range(81):
        place(series, row, 0, BODY_A, 0.3, 0.6, 0.4)
    for row in b_rows.tolist():
        place(series, row, 1, BODY_B, 0.6 + 0.35 * times[row] / 2.0, 0.6, 0.4)
    for row in back_rows.tolist():
        place(series, row, 1, returning, entry_x + direction * 0.1 * (times[row] - 6.0), 0.6, 0.4)
    return series, b_rows, back_rows


def test_a_person_returning_at_the_edge_they_left_gets_their_id_back() -> None:
    series, b_rows, back_rows = exit_and_return(BODY_B, entry_x=0.95)
    tracked = track_people(series)
    assert tracked.series.n_people == 2
    np.testing.assert_array_equal(np.flatnonzero(tracked.series.detected[:, 1]), np.r_[b_rows, back_rows])
    (join,) = tracked.tracks[1].reidentifications
    assert (join.lost_s, join.found_s) == pytest.approx((2.0, 6.0))
    assert join.confidence == pytest.approx(1.0)
    assert tracked.tracks[1].identity_confidence == pytest.approx(1.0)
    assert tracked.tracks[0].identity_confidence == 1.0


@pytest.mark.parametrize(
    ("returning", "entry_x"), [(BODY_C, 0.95), (BODY_B, 0.05)], ids=["other-body", "other-edge"]
)
def test_a_newcomer_who_does_not_fit_gets_a_new_id(returning: Body, entry_x: float) -> None:
    series, b_rows, back_rows = exit_and_return(returning, entry_x)
    tracked = track_people(series)
    assert tracked.series.n_people == 3
    np.testing.assert_array_equal(np.flatnonzero(tracked.series.detected[:, 1]), b_rows)
    np.testing.assert_array_equal(np.flatnonzero(tracked.series.detected[:, 2]), back_rows)
    assert all(track.reidentifications == () for track in tracked.tracks)


def test_a_return_that_fits_two_absent_people_has_no_confidence() -> None:
    # Two people with the same proportions leave at the right edge; one comes back.
    series = blank(81, 3, fps=10)
    times = series.times_s
    for row in np.flatnonzero(times <= 2.0).tolist():
        place(series, row, 0, BODY_B, 0.6 + 0.35 * times[row] / 2.0, 0.4, 0.3)
        place(series, row, 1, BODY_B, 0.6 + 0.35 * times[row] / 2.0, 0.8, 0.3)
    for row in np.flatnonzero(times >= 6.0).tolist():
        place(series, row, 2, BODY_B, 0.95 - 0.1 * (times[row] - 6.0), 0.6, 0.3)
    tracked = track_people(series)
    assert tracked.series.n_people == 2
    (join,) = [j for track in tracked.tracks for j in track.reidentifications]
    assert join.confidence == 0.0


def test_a_three_frame_detection_is_dropped_and_counted() -> None:
    series = blank(60, 3, fps=30)
    for row in range(60):
        place(series, row, 0, BODY_A, 0.25, 0.6, 0.4)
        place(series, row, 1, BODY_B, 0.6, 0.6, 0.4)
    for row in (20, 21, 22):
        place(series, row, 2, BODY_C, 0.85, 0.3, 0.3, visibility=0.6)
    tracked = track_people(series)
    assert tracked.n_dropped_tracks == 1
    assert tracked.series.n_people == 2 and tracked.series.detected.all()
    np.testing.assert_allclose(np.nanmax(mid_hip_x(tracked, 1)), 0.6, atol=1e-6)


def test_a_duplicate_pose_does_not_take_over_a_track() -> None:
    # MediaPipe finds A twice in row 30, the copy slightly to the right, just
    # where A is from row 31 on (a sudden step, or landmark noise); the slot
    # matcher follows the copy.
    series = blank(60, 2, fps=30)
    for row in range(60):
        place(series, row, 0 if row <= 30 else 1, BODY_A, 0.3 if row <= 30 else 0.32, 0.6, 0.4)
    place(series, 30, 1, BODY_A, 0.32, 0.6, 0.4, visibility=0.7)
    tracked = track_people(series)
    assert tracked.series.n_people == 1 and tracked.n_dropped_tracks == 1
    assert tracked.series.detected[:, 0].all()
    assert tracked.series.visibility[30, 0].mean() == pytest.approx(0.9)


def test_scattered_ghosts_are_not_strung_into_a_person() -> None:
    # A ghost pose flickers next to A for three rows every half second: 18
    # rows over 3 s in all, but never 0.5 s of it in one piece.
    series = blank(90, 2, fps=30)
    for row in range(90):
        place(series, row, 0, BODY_A, 0.3, 0.6, 0.4)
        if row % 15 < 3:
            place(series, row, 1, BODY_C, 0.5, 0.5, 0.3, visibility=0.7)
    tracked = track_people(series)
    assert tracked.series.n_people == 1 and tracked.n_dropped_tracks == 6


def test_a_longer_detection_is_kept_with_a_lower_minimum() -> None:
    series = blank(60, 2, fps=30)
    for row in range(60):
        place(series, row, 0, BODY_A, 0.25, 0.6, 0.4)
    for row in range(20, 30):
        place(series, row, 1, BODY_C, 0.75, 0.6, 0.4)
    assert track_people(series).n_dropped_tracks == 1
    kept = track_people(series, min_duration_s=0.3)
    assert kept.n_dropped_tracks == 0 and kept.series.n_people == 2
    assert (kept.tracks[1].first_s, kept.tracks[1].last_s) == pytest.approx((20 / 30, 29 / 30))


def test_representative_frame_is_the_largest_clear_view() -> None:
    # The person walks towards the camera (growing from 0.2 to 0.5 of the frame
    # height) but their legs are hidden in the last five frames: the best view
    # is the last frame with the legs visible. A second person stands half out
    # of the frame at the right edge: their box is clipped to it.
    series = blank(30, 2, fps=30)
    legs_hidden = np.full(NUM_LANDMARKS, 0.9)
    legs_hidden[L.LEFT_HIP :] = 0.1
    for row in range(30):
        place(series, row, 0, BODY_A, 0.4, 0.55, 0.2 + 0.3 * row / 29, 0.9 if row < 25 else legs_hidden)
        place(series, row, 1, BODY_B, 0.995, 0.6, 0.3)
    tracked = track_people(series)
    walker, edge = tracked.tracks
    assert walker.best_frame == 24
    low, high = series.image[24, 0, :, :2].min(axis=0), series.image[24, 0, :, :2].max(axis=0)
    np.testing.assert_allclose(walker.best_box, [low[0], low[1], high[0], high[1]], atol=1e-6)
    assert edge.best_box[2] == 1.0 and edge.best_box[0] == pytest.approx(series.image[0, 1, :, 0].min())


def test_an_isolated_detection_is_not_the_representative_frame() -> None:
    # The person grows slowly (0.3 to 0.4 of the frame height); row 15 is a
    # lone, larger misplaced pose with the rows either side missing.
    series = blank(30, 1, fps=30)
    for row in range(30):
        if row not in (14, 16):
            place(series, row, 0, BODY_A, 0.4, 0.55, 0.6 if row == 15 else 0.3 + 0.1 * row / 29)
    (track,) = track_people(series).tracks
    assert track.best_frame == 28


def make_track(box: tuple[float, float, float, float]) -> TrackInfo:
    return TrackInfo(track_id=0, first_s=0.0, last_s=1.0, n_frames=31, best_frame=3, best_box=box)


def test_thumbnail_box_adds_the_margin_in_pixels() -> None:
    # Box 200 x 300 px in a 1000 x 500 frame; 15 % margin is 30 px and 45 px.
    assert thumbnail_box(make_track((0.4, 0.2, 0.6, 0.8)), 1000, 500) == (370, 55, 630, 445)
    assert thumbnail_box(make_track((0.4, 0.2, 0.6, 0.8)), 1000, 500, margin=0.0) == (400, 100, 600, 400)


def test_thumbnail_box_is_clipped_to_the_frame() -> None:
    assert thumbnail_box(make_track((0.0, 0.4, 0.1, 1.0)), 1000, 500) == (0, 155, 115, 500)


def test_body_proportions_ignore_size_but_not_shape() -> None:
    def lengths(body: Body, scale: float) -> np.ndarray:
        return segment_lengths(skeleton(body)[None] * scale, np.ones((1, NUM_LANDMARKS)))

    np.testing.assert_allclose(lengths(BODY_A, 1.0)[[0, 1, 5]], [0.38, 0.26, 0.44])
    assert proportion_difference(lengths(BODY_A, 1.0), lengths(BODY_A, 1.3)) == pytest.approx(0.0, abs=1e-9)
    for other in (BODY_B, BODY_C):
        assert proportion_difference(lengths(BODY_A, 1.0), lengths(other, 1.0)) > PROPORTION_TOLERANCE
    assert proportion_difference(lengths(BODY_B, 1.0), lengths(BODY_C, 1.0)) > PROPORTION_TOLERANCE
    unseen = np.full(4, np.nan)
    assert np.isnan(proportion_difference(np.r_[lengths(BODY_A, 1.0)[:3], unseen], lengths(BODY_A, 1.0)))


def test_an_empty_series_has_no_tracks() -> None:
    tracked = track_people(blank(10, 2, fps=30))
    assert tracked.series.n_people == 0 and tracked.tracks == () and tracked.n_dropped_tracks == 0


@pytest.mark.slow
def test_two_people_clip(tmp_path: Path) -> None:
    from posturecheck.analyze import AnalyzeOptions, analyze_file
    from tests.media import TWO_PEOPLE_CLIP

    result = analyze_file(
        TWO_PEOPLE_CLIP, AnalyzeOptions(out_dir=tmp_path, num_people=3, progress=False, annotated_video=False)
    )
    # analyze tracks before it measures: its series' slots are already track IDs,
    # and tracking them again must change nothing.
    tracked = track_people(result.series)
    np.testing.assert_array_equal(tracked.series.image, result.series.image)
    times = tracked.series.times_s
    hip_y = (tracked.series.image[:, :, L.LEFT_HIP, 1] + tracked.series.image[:, :, L.RIGHT_HIP, 1]) / 2
    hip_x = np.stack([mid_hip_x(tracked, k) for k in range(tracked.series.n_people)], axis=1)

    def track_at(time_s: float, where: Callable[[float, float], bool]) -> int:
        row = int(np.argmin(np.abs(times - time_s)))
        (found,) = [k for k in range(tracked.series.n_people) if where(hip_x[row, k], hip_y[row, k])]
        return found

    # The person on the wall (top left) from about 0.3 s until they jump off at about 5.5 s.
    wall = track_at(3.0, lambda x, y: y < 0.5)
    on_wall = (times > 0.5) & (times < 5.5)
    assert tracked.series.detected[on_wall, wall].mean() > 0.95
    assert (hip_y[on_wall, wall][tracked.series.detected[on_wall, wall]] < 0.45).all()
    # The walker crosses the lower half right to left between about 1.6 s and 6.6 s, one ID throughout.
    walker = track_at(3.0, lambda x, y: y > 0.5)
    assert walker != wall
    walking = (times > 1.7) & (times < 6.5)
    assert tracked.series.detected[walking, walker].mean() > 0.95
    walker_seen = tracked.series.detected[:, walker]
    walker_x = hip_x[walking & walker_seen, walker]
    # Leftwards all the way, give or take the model's wobble (never 0.05 right of the leftmost so far).
    assert walker_x[0] - walker_x[-1] > 0.7
    assert (walker_x - np.minimum.accumulate(walker_x) < 0.05).all()
    assert (hip_y[walker_seen, walker] > 0.6).all()
    assert tracked.tracks[walker].first_s == pytest.approx(1.6, abs=0.2)
    # At the end someone runs towards the right edge in the lower half: in truth
    # the wall person after a back-flip off the wall (lost mid-air at ~5.5 s).
    # It must not be given the walker's ID; the wall person's or a new ID are
    # both defensible without appearance features.
    runner = track_at(7.3, lambda x, y: x > 0.7 and y > 0.5)
    assert runner != walker
    # Ghost detections (partial duplicates of the wall person, a pose spanning
    # both people) are dropped, and no track is ordered out of first appearance.
    assert result.summary.tracking.short_detections_dropped >= 3
    firsts = [track.first_s for track in tracked.tracks]
    assert firsts == sorted(firsts) and tracked.series.n_people <= 3


def test_people_are_kept_over_their_own_frames_and_read_as_the_whole_series(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9 item 5: each person's landmarks are stored from their first to their last sighting
    only; the whole series, any rows of it, one frame and the landmarks file read the same as
    every frame of every person (NaN and zero scores where a person is not seen)."""
    from posturecheck.pose import tracking

    series, b_rows, back_rows = exit_and_return(BODY_C, 0.95)
    rng = np.random.default_rng(1)
    masks = rng.integers(0, 256, (series.n_frames, 2, 6, 2), dtype=np.uint8)
    masks[~series.detected] = 0
    series = replace(series, masks=masks)
    tracked = track_people(series)
    assert tracked.n_people == 3
    assert [(p.start, p.stop) for p in tracked.people] == [(0, 81), (0, 21), (60, 81)]
    assert tracked.clip.n_people == 0 and tracked.clip.n_frames == 81
    # What every frame of every person holds, made from the input by hand.
    expected = {}
    for name, fill in (
        ("image", np.nan),
        ("world", np.nan),
        ("visibility", 0),
        ("presence", 0),
        ("masks", 0),
    ):
        given = getattr(series, name)
        whole = np.full((81, 3) + given.shape[2:], fill, dtype=given.dtype)
        whole[:, 0] = given[:, 0]
        whole[b_rows, 1], whole[back_rows, 2] = given[b_rows, 1], given[back_rows, 1]
        expected[name] = whole
        np.testing.assert_array_equal(getattr(tracked.series, name), whole, err_msg=name, strict=True)
    np.testing.assert_array_equal(tracked.detected, tracked.series.detected)
    part, slots = tracked.rows(50, 70)
    assert slots.tolist() == [0, 2], "only the people in view in those rows"
    np.testing.assert_array_equal(part.image, expected["image"][50:70][:, [0, 2]])
    np.testing.assert_array_equal(part.times_s, series.times_s[50:70])
    assert tracked.rows(0, 81)[1].tolist() == [0, 1, 2]
    assert tracked.rows(0, 81, seen_with=2)[1].tolist() == [0, 2], "the people seen with person 2 only"
    image, visibility = tracked.frame(65)
    np.testing.assert_array_equal(image, expected["image"][65])
    np.testing.assert_array_equal(visibility, expected["visibility"][65])
    monkeypatch.setattr(tracking, "_SAVE_BLOCK_BYTES", 1)  # a row at a time: blocks join up
    loaded = PoseSeries.load(tracked.save(tmp_path / "tracked.npz"))
    dense = PoseSeries.load(tracked.series.save(tmp_path / "dense.npz"))
    for name in ("times_s", "frame_index", "image", "world", "visibility", "presence", "masks"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(dense, name), err_msg=name, strict=True)
    assert loaded.source == dense.source == series.source
