"""Sustained extremes: a value counts as reached only when the valid series held it for 0.1 s (3 frames)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posturecheck.measures.extremes import (
    MIN_HOLD_FRAMES,
    MIN_HOLD_S,
    held_series,
    hold_frames,
    sustained_extreme,
)

TIMES = np.arange(12) / 30.0
ALL = np.ones(12, bool)


def test_the_hold_is_three_frames_or_a_tenth_of_a_second_whichever_is_longer() -> None:
    assert (MIN_HOLD_S, MIN_HOLD_FRAMES) == (0.1, 3)
    assert hold_frames(1 / 30) == 3
    assert hold_frames(1 / 15) == 3  # 0.1 s is under 2 frames at 15 fps: 3 frames rule
    assert hold_frames(1 / 60) == 6
    assert hold_frames(1 / 240) == 24
    assert hold_frames(math.nan) == 3


def test_a_one_frame_spike_does_not_set_the_peak() -> None:
    values = np.zeros(12)
    values[4] = 80.0
    peak = sustained_extreme(values, ALL, TIMES)
    assert peak.value == 0.0


def test_a_three_frame_plateau_sets_the_peak_at_its_start() -> None:
    values = np.zeros(12)
    values[4:7] = [60.0, 62.0, 61.0]
    peak = sustained_extreme(values, ALL, TIMES)
    assert (peak.value, peak.index) == (60.0, 4)


def test_the_trough_is_the_smallest_value_held() -> None:
    values = np.full(12, 10.0)
    values[2] = -50.0  # one frame: ignored
    values[7:10] = [-12.0, -15.0, -11.0]
    low = sustained_extreme(values, ALL, TIMES, largest=False)
    assert (low.value, low.index) == (-11.0, 7)


def test_an_invalid_frame_breaks_the_hold() -> None:
    values = np.zeros(12)
    values[4:8] = 70.0
    valid = ALL.copy()
    valid[6] = False  # 4-5 and 7 are each shorter than 3 frames
    assert sustained_extreme(values, valid, TIMES).value == 0.0
    held = held_series(values, valid, TIMES)
    # Frames 4, 5 and 7 are covered only by windows that reach the rest at 0; frame 6 by none.
    np.testing.assert_array_equal(held[4:8], [0.0, 0.0, np.nan, 0.0])


def test_nothing_held_gives_nan() -> None:
    peak = sustained_extreme(np.array([1.0, 2.0]), np.ones(2, bool), np.array([0.0, 1 / 30]))
    assert math.isnan(peak.value) and peak.index is None
    valid = np.array([True, True, False] * 4)
    assert math.isnan(sustained_extreme(np.arange(12.0), valid, TIMES).value)


def test_held_series_gives_each_frame_the_best_window_covering_it() -> None:
    values = np.array([0.0, 5.0, 9.0, 9.0, 9.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(held_series(values, ALL, TIMES)[:7], [0, 5, 9, 9, 9, 3, 0])


def test_mismatched_shapes_are_refused() -> None:
    with pytest.raises(ValueError):
        held_series(np.zeros(4), np.ones(3, bool), np.arange(4.0))
