"""Range of motion, repetitions and symmetry index on angle series with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posturecheck.measures.rom import find_repetitions, range_of_motion, symmetry_index

FPS = 30.0


def _series(values: np.ndarray):
    n = values.shape[0]
    return np.arange(n) / FPS, np.arange(n) + 100  # frame indices offset from positions


def test_range_of_motion_peak_flexion_and_extension():
    # Peak flexion held 95-97 deg over frames 2-4; extension held at -12 or less over frames 6-8.
    values = np.array([0.0, 20.0, 95.0, 97.0, 96.0, 40.0, -12.0, -14.0, -13.0, 3.0])
    times, frames = _series(values)
    rom = range_of_motion(values, np.ones(10, bool), times, frames)
    assert rom.max_deg == 95.0 and rom.max_frame == 102 and rom.max_time_s == pytest.approx(2 / FPS)
    assert rom.min_deg == -12.0 and rom.min_frame == 106 and rom.min_time_s == pytest.approx(6 / FPS)
    assert rom.range_deg == 107.0
    assert rom.fraction_valid == 1.0


def test_a_one_frame_spike_does_not_set_the_range_and_a_three_frame_plateau_does():
    rest = np.zeros(12)
    spike = rest.copy()
    spike[5] = 90.0
    times, frames = _series(rest)
    assert range_of_motion(spike, np.ones(12, bool), times, frames).max_deg == 0.0
    two = rest.copy()
    two[5:7] = 90.0
    assert range_of_motion(two, np.ones(12, bool), times, frames).max_deg == 0.0
    plateau = rest.copy()
    plateau[5:8] = 90.0
    rom = range_of_motion(plateau, np.ones(12, bool), times, frames)
    assert rom.max_deg == 90.0 and rom.max_frame == 105


def test_the_hold_is_a_tenth_of_a_second_at_high_frame_rates():
    times = np.arange(20) / 60.0
    values = np.zeros(20)
    values[5:10] = 50.0  # 5 frames at 60 fps: 83 ms, short of 0.1 s
    values[12:18] = 40.0  # 6 frames: 0.1 s
    rom = range_of_motion(values, np.ones(20, bool), times, np.arange(20))
    assert rom.max_deg == 40.0 and rom.max_frame == 12


def test_range_of_motion_ignores_invalid_and_nan_frames():
    values = np.array([500.0, 10.0, 12.0, 30.0, 31.0, 30.0, -400.0, 20.0, 5.0, 6.0, 5.0, np.nan])
    valid = np.array([True, True, True, True, True, True, False, True, True, True, True, True])
    times, frames = _series(values)
    rom = range_of_motion(values, valid, times, frames)
    assert (rom.max_deg, rom.max_frame) == (30.0, 103)
    assert (rom.min_deg, rom.min_frame) == (6.0, 108)
    assert rom.range_deg == 24.0
    assert rom.fraction_valid == pytest.approx(10 / 12)


def test_range_of_motion_nothing_valid():
    values = np.array([1.0, 2.0, np.nan])
    times, frames = _series(values)
    rom = range_of_motion(values, np.array([False, False, True]), times, frames)
    assert math.isnan(rom.max_deg) and math.isnan(rom.min_deg) and math.isnan(rom.range_deg)
    assert math.isnan(rom.max_time_s) and rom.max_frame is None and rom.min_frame is None
    assert rom.fraction_valid == 0.0
    empty = range_of_motion(np.array([]), np.array([], bool), np.array([]), np.array([], int))
    assert empty.fraction_valid == 0.0 and empty.max_frame is None


def test_range_of_motion_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        range_of_motion(np.zeros(4), np.ones(3, bool), np.zeros(4), np.zeros(4, int))


def _bumps(n_frames: int, starts_s: list[float], duration_s: float, heights: list[float]):
    """Raised-cosine bumps from rest (0 deg) with the given start times and heights."""
    times = np.arange(n_frames) / FPS
    values = np.zeros(n_frames)
    for start, height in zip(starts_s, heights, strict=True):
        phase = (times - start) / duration_s
        inside = (phase >= 0) & (phase <= 1)
        values[inside] += height * (1 - np.cos(2 * np.pi * phase[inside])) / 2
    return times, values


def test_find_repetitions_known_bumps():
    starts, duration, heights = [1.0, 3.0, 5.0], 1.2, [60.0, 80.0, 70.0]
    times, values = _bumps(240, starts, duration, heights)
    frames = np.arange(240) + 10
    reps = find_repetitions(values, np.ones(240, bool), times, frames)
    assert len(reps) == 3
    # The angle is within 10 % of the rise of rest where (1 - cos x) / 2 <= 0.1, i.e. x <= acos(0.8).
    lead = math.acos(0.8) / (2 * math.pi) * duration
    for rep, start, height in zip(reps, starts, heights, strict=True):
        assert rep.peak_s == pytest.approx(start + duration / 2, abs=0.5 / FPS)
        # The peak held for 3 frames (0.1 s) is the value one frame either side of the top:
        # height * (1 + cos(2 pi / 36)) / 2, 0.76 % below it.
        assert rep.peak_deg == pytest.approx(height * (1 + math.cos(2 * math.pi / 36)) / 2, abs=1e-6)
        assert rep.peak_frame == round(rep.peak_s * FPS) + 10
        assert rep.start_s == pytest.approx(start + lead, abs=1 / FPS)
        assert rep.end_s == pytest.approx(start + duration - lead, abs=1 / FPS)


def test_find_repetitions_prominence_and_interval():
    times = np.arange(300) / FPS
    # 1 Hz, 40 deg swing plus a 5 deg ripple at 5 Hz: only the big swings are repetitions.
    values = 20 * (1 - np.cos(2 * np.pi * times)) + 2.5 * np.sin(2 * np.pi * 5 * times)
    reps = find_repetitions(values, np.ones(300, bool), times, np.arange(300))
    assert len(reps) == 10  # peaks at 0.5, 1.5, ..., 9.5 s
    np.testing.assert_allclose([r.peak_s for r in reps], np.arange(10) + 0.5, atol=0.1)
    # Consecutive repetitions with no rest meet near their shared trough.
    for before, after in zip(reps[:-1], reps[1:], strict=True):
        assert before.end_s <= after.start_s
        assert after.start_s - before.end_s < 0.4
    # With a minimum interval longer than the period, peaks closer than that are thinned out.
    thinned = find_repetitions(values, np.ones(300, bool), times, np.arange(300), min_interval_s=1.5)
    assert len(thinned) in (4, 5) and np.all(np.diff([r.peak_s for r in thinned]) >= 1.5 - 1e-9)
    # A prominence above the swing finds nothing.
    assert find_repetitions(values, np.ones(300, bool), times, np.arange(300), min_prominence_deg=50) == []


def test_find_repetitions_skips_invalid_frames_and_splits_long_gaps():
    starts, duration, heights = [1.0, 3.0, 5.0], 1.2, [60.0, 80.0, 70.0]
    times, values = _bumps(240, starts, duration, heights)
    valid = np.ones(240, bool)
    valid[48] = False  # a one-frame dropout just before the first peak
    values[48] = 1000.0  # junk in the invalid frame must not count
    valid[85:150] = False  # a 2.2 s gap (2.83..5.0 s) hides the second repetition
    reps = find_repetitions(values, valid, times, np.arange(240))
    # The dropout breaks the hold at the top, so the first peak is the one held beside it.
    assert [r.peak_s for r in reps] == pytest.approx([1.6, 5.6], abs=0.1)
    assert reps[0].end_s < 2.83 and reps[1].start_s >= 5.0


def test_find_repetitions_incomplete_repetition_at_a_gap_is_not_counted():
    times, values = _bumps(240, [1.0, 3.0, 5.0], 1.2, [60.0, 80.0, 70.0])
    valid = np.ones(240, bool)
    valid[50:100] = False  # hides the return of the first bump and the rise of the second
    reps = find_repetitions(values, valid, times, np.arange(240))
    assert [round(r.peak_s, 1) for r in reps] == [3.6, 5.6]
    assert reps[0].start_s >= 100 / FPS


def test_find_repetitions_too_few_samples():
    assert find_repetitions(np.array([1.0, 5.0]), np.ones(2, bool), np.arange(2.0), np.arange(2)) == []


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [(50.0, 50.0, 0.0), (60.0, 40.0, 40.0), (40.0, 60.0, -40.0), (10.0, 0.0, 200.0), (0.0, 0.0, 0.0)],
)
def test_symmetry_index_values(left, right, expected):
    assert symmetry_index(left, right) == pytest.approx(expected)


@pytest.mark.parametrize(("left", "right"), [(math.nan, 3.0), (3.0, math.nan), (-5.0, 5.0)])
def test_symmetry_index_undefined(left, right):
    assert math.isnan(symmetry_index(left, right))
