"""Robust extremes: the largest (or smallest) value a series held, never a single frame.

Every "peak", "most", "highest so far", range of motion and per-repetition
peak the tool reports is a *sustained extreme*: the largest value ``v`` such
that the valid series stayed at or above ``v`` (at or below, for the
smallest) over a run of consecutive valid frames lasting at least
:data:`MIN_HOLD_S` seconds and at least :data:`MIN_HOLD_FRAMES` frames,
whichever is longer. A run of ``n`` frames lasts ``n`` frame intervals (each
frame stands for one interval), so at 30 fps the rule needs 3 frames, at
60 fps 6. A one- or two-frame spike therefore cannot set a peak; a position
held for the minimum duration sets it exactly.

In morphological terms the held series (:func:`held_series`) is the
opening of the series by a flat window of :func:`hold_frames` frames:
every frame gets the largest value held by a window of that many
consecutive valid frames containing it; its maximum is the sustained peak.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# A value counts as reached when held for this long (seconds) ...
MIN_HOLD_S = 0.1
# ... and over at least this many consecutive valid frames.
MIN_HOLD_FRAMES = 3


@dataclass(frozen=True)
class Extreme:
    """A sustained extreme of a series.

    Attributes
    ----------
    value : the held value (units of the series); NaN when no run of valid
        frames was long enough.
    index : position (row) of the first frame of the holding window at that
        value, or None.
    """

    value: float
    index: int | None


def hold_frames(interval_s: float, min_duration_s: float = MIN_HOLD_S) -> int:
    """Consecutive frames a value must be held: ``min_duration_s`` of frames of ``interval_s``, at least 3.

    A non-finite or non-positive interval (a still, unknown timing) gives
    :data:`MIN_HOLD_FRAMES`.
    """
    if not (math.isfinite(interval_s) and interval_s > 0):
        return MIN_HOLD_FRAMES
    # The tolerance keeps 0.1 s at exactly 30 fps at 3 frames despite rounding.
    return max(MIN_HOLD_FRAMES, math.ceil(min_duration_s / interval_s - 1e-6))


def frame_interval(times_s: np.ndarray) -> float:
    """Median interval between consecutive frame times, seconds (NaN for fewer than two frames)."""
    times = np.asarray(times_s, dtype=np.float64)
    return float(np.median(np.diff(times))) if times.size >= 2 else math.nan


def held_series(
    values: np.ndarray,
    valid: np.ndarray,
    times_s: np.ndarray,
    min_duration_s: float = MIN_HOLD_S,
    largest: bool = True,
) -> np.ndarray:
    """(F,) per frame, the largest value held by a window of consecutive valid frames containing it.

    Parameters
    ----------
    values : (F,) the series (any unit).
    valid : (F,) bool, the frame's value can be trusted.
    times_s : (F,) frame times in seconds (their median interval sets the window).
    min_duration_s : shortest hold, seconds (see :func:`hold_frames`).
    largest : True for peaks (values held at or above); False for troughs
        (values held at or below: the smallest value held).

    Returns
    -------
    (F,) float array, NaN where the frame belongs to no run of consecutive
    valid, finite frames long enough to hold a value.
    """
    values = np.asarray(values, dtype=np.float64)
    use = np.asarray(valid, dtype=bool) & np.isfinite(values)
    if values.ndim != 1 or use.shape != values.shape:
        raise ValueError(f"values {values.shape} and valid {use.shape} must be matching 1-D arrays")
    k = hold_frames(frame_interval(times_s), min_duration_s)
    out = np.full(values.shape, np.nan)
    if values.size < k:
        return out
    sign = 1.0 if largest else -1.0
    signed = np.where(use, sign * values, np.nan)
    windows = sliding_window_view(signed, k)
    full = np.isfinite(windows).all(axis=1)
    # Each full window holds its minimum; a frame takes the best window covering it.
    held = np.where(full, np.min(np.where(full[:, None], windows, 0.0), axis=1), -np.inf)
    padded = np.concatenate([np.full(k - 1, -np.inf), held, np.full(k - 1, -np.inf)])
    best = sliding_window_view(padded, k).max(axis=1)
    return np.where(np.isfinite(best), sign * best, np.nan)


def sustained_extreme(
    values: np.ndarray,
    valid: np.ndarray,
    times_s: np.ndarray,
    min_duration_s: float = MIN_HOLD_S,
    largest: bool = True,
) -> Extreme:
    """The largest (or smallest) value the valid series held for ``min_duration_s`` (module notes).

    Parameters are those of :func:`held_series`. Returns the held value and
    the row where the first window holding it starts; the value is NaN and
    the index None when no run of valid frames is long enough. Ties go to
    the earliest window.
    """
    held = held_series(values, valid, times_s, min_duration_s, largest)
    if not np.isfinite(held).any():
        return Extreme(math.nan, None)
    index = int(np.nanargmax(held) if largest else np.nanargmin(held))
    return Extreme(float(held[index]), index)
