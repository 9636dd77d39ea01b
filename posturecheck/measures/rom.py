"""Range of motion, repetitions and left/right symmetry of an angle time series.

The inputs are one angle per frame in degrees (for example hip flexion:
positive = flexion, negative = extension, zero = thigh in line with the
trunk), a per-frame validity flag, true frame times in seconds and the frame
indices in the source. Only valid, finite frames count, and every extreme and
peak is one the series held (:mod:`posturecheck.measures.extremes`): a value
seen in a single frame never sets it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# scipy.signal is imported inside the functions that use it: it takes seconds to import, and the app's
# first page loads this module (through the assessments it lists) without calling them.
from posturecheck.measures.extremes import MIN_HOLD_S, held_series, sustained_extreme

# A repetition starts where the angle last leaves, and ends where it first
# returns to, the band this fraction of the rise above the neighbouring trough:
# this ignores how long the person rested at the bottom and small noise there.
_REST_FRACTION = 0.1


@dataclass(frozen=True)
class RangeOfMotion:
    """Extremes of an angle over the valid frames.

    Attributes
    ----------
    max_deg, min_deg : largest and smallest angle in degrees the valid series
        held for :data:`~posturecheck.measures.extremes.MIN_HOLD_S` (see
        :func:`~posturecheck.measures.extremes.sustained_extreme`; NaN if no
        run of valid frames was that long). For hip flexion, ``max_deg`` is
        the peak flexion and ``min_deg`` the peak extension (negative when
        the hip extends).
    max_time_s, min_time_s : time of the first frame holding each, seconds (NaN if none).
    max_frame, min_frame : source frame index of those frames (None if none).
    range_deg : ``max_deg - min_deg``, 0 if negative (a series swinging faster
        than the hold), NaN if none.
    fraction_valid : valid frames / all frames, 0..1 (0 for an empty series).
    """

    max_deg: float
    max_time_s: float
    max_frame: int | None
    min_deg: float
    min_time_s: float
    min_frame: int | None
    range_deg: float
    fraction_valid: float


def _valid_mask(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Frames flagged valid and holding a finite value."""
    values = np.asarray(values, dtype=np.float64)
    valid = np.asarray(valid, dtype=bool)
    if values.ndim != 1 or valid.shape != values.shape:
        raise ValueError(f"values {values.shape} and valid {valid.shape} must be matching 1-D arrays")
    return valid & np.isfinite(values)


def range_of_motion(
    values: np.ndarray, valid: np.ndarray, times_s: np.ndarray, frame_index: np.ndarray
) -> RangeOfMotion:
    """Largest and smallest angle the valid series held, with when they were reached.

    Parameters
    ----------
    values : (F,) angle per frame in degrees.
    valid : (F,) bool, the frame's angle can be trusted.
    times_s : (F,) frame times in seconds.
    frame_index : (F,) frame indices in the source.

    Returns
    -------
    RangeOfMotion
        Extremes held for :data:`~posturecheck.measures.extremes.MIN_HOLD_S`
        (at least 3 consecutive valid frames); if several windows hold the
        same extreme, the first is reported.
    """
    values = np.asarray(values, dtype=np.float64)
    use = _valid_mask(values, valid)
    n_frames = values.shape[0]
    fraction = float(use.sum() / n_frames) if n_frames else 0.0
    high = sustained_extreme(values, use, times_s, largest=True)
    low = sustained_extreme(values, use, times_s, largest=False)
    if high.index is None or low.index is None:
        return RangeOfMotion(math.nan, math.nan, None, math.nan, math.nan, None, math.nan, fraction)
    return RangeOfMotion(
        max_deg=high.value,
        max_time_s=float(times_s[high.index]),
        max_frame=int(frame_index[high.index]),
        min_deg=low.value,
        min_time_s=float(times_s[low.index]),
        min_frame=int(frame_index[low.index]),
        # A series that swings faster than the hold can hold a lower peak than trough: no range then.
        range_deg=max(high.value - low.value, 0.0),
        fraction_valid=fraction,
    )


@dataclass(frozen=True)
class Repetition:
    """One movement up to a peak angle and back.

    Attributes
    ----------
    start_s : time in seconds the angle last left its resting band before the peak.
    peak_s : time in seconds of the peak.
    end_s : time in seconds the angle first came back to its resting band after the peak.
    peak_frame : source frame index of the peak.
    peak_deg : the largest angle held at the peak (for at least MIN_HOLD_S), degrees.
    """

    start_s: float
    peak_s: float
    end_s: float
    peak_frame: int
    peak_deg: float


def _segments(times: np.ndarray, max_step_s: float) -> list[slice]:
    """Split sample positions where consecutive times are more than ``max_step_s`` apart."""
    breaks = np.flatnonzero(np.diff(times) > max_step_s) + 1
    bounds = np.concatenate(([0], breaks, [times.shape[0]]))
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _rest_edge(values: np.ndarray, peak: int, bound: int) -> int:
    """Sample between ``bound`` and ``peak`` where the angle is last (or first) in its resting band."""
    step = 1 if bound > peak else -1
    window = np.arange(peak, bound + step, step)
    trough = values[window].min()
    level = trough + _REST_FRACTION * (values[peak] - trough)
    at_rest = np.flatnonzero(values[window] <= level)
    return int(window[at_rest[0]]) if at_rest.size else bound


def find_repetitions(
    values: np.ndarray,
    valid: np.ndarray,
    times_s: np.ndarray,
    frame_index: np.ndarray,
    min_prominence_deg: float = 10.0,
    min_interval_s: float = 0.4,
) -> list[Repetition]:
    """Repetitions of a movement: peaks of the angle that stand out from their surroundings.

    Parameters
    ----------
    values : (F,) angle per frame in degrees; a repetition is a peak (for a
        movement whose repetitions are troughs, pass ``-values``).
    valid : (F,) bool, the frame's angle can be trusted.
    times_s : (F,) frame times in seconds.
    frame_index : (F,) frame indices in the source.
    min_prominence_deg : float
        How far, in degrees, a peak must rise above the higher of the two
        lowest points separating it from taller peaks either side
        (:func:`scipy.signal.find_peaks` prominence).
    min_interval_s : float
        Shortest time between two peaks; converted to samples with the
        median interval between valid frames.

    Returns
    -------
    list of Repetition
        In time order.

    Notes
    -----
    Peaks are searched in the held series
    (:func:`~posturecheck.measures.extremes.held_series`): each peak's angle
    is the largest the series held for
    :data:`~posturecheck.measures.extremes.MIN_HOLD_S`, and a spike of one or
    two frames makes no repetition. Invalid frames are skipped, so a brief dropout does not split a
    repetition; where consecutive valid frames are more than
    ``min_interval_s`` apart the series is cut and each part searched on its
    own, since a whole repetition could hide in such a gap. A repetition
    runs from the last sample before its peak at which the angle is within
    10 % of the rise above the lowest point since the previous peak (or the
    part's start), to the first such sample after the peak before the next
    peak (or the part's end); consecutive repetitions with no rest between
    them therefore meet near their shared trough.
    """
    values = np.asarray(values, dtype=np.float64)
    held = held_series(values, _valid_mask(values, valid), times_s, MIN_HOLD_S)
    use = np.isfinite(held)
    v = held[use]
    t = np.asarray(times_s, dtype=np.float64)[use]
    frames = np.asarray(frame_index)[use]
    if v.size < 3:
        return []
    distance = max(1, round(min_interval_s / float(np.median(np.diff(t)))))
    repetitions = []
    for part in _segments(t, min_interval_s):
        pv = v[part]
        from scipy.signal import find_peaks

        peaks, _ = find_peaks(pv, prominence=min_prominence_deg, distance=distance)
        bounds = np.concatenate(([0], peaks, [pv.size - 1]))
        for k, peak in enumerate(peaks):
            start = _rest_edge(pv, int(peak), int(bounds[k]))
            end = _rest_edge(pv, int(peak), int(bounds[k + 2]))
            offset = part.start
            repetitions.append(
                Repetition(
                    start_s=float(t[offset + start]),
                    peak_s=float(t[offset + peak]),
                    end_s=float(t[offset + end]),
                    peak_frame=int(frames[offset + peak]),
                    peak_deg=float(pv[peak]),
                )
            )
    return repetitions


def symmetry_index(left: float, right: float) -> float:
    """Left/right symmetry index in percent (Robinson et al., 1987).

    ``SI = (left - right) / (0.5 * (left + right)) * 100``: 0 is perfect
    symmetry, positive means the left value is larger; it lies within
    -200..200.

    Parameters
    ----------
    left, right : float
        Non-negative magnitudes of the same quantity for each side (for
        example the range of hip flexion in degrees).

    Returns
    -------
    float
        The index in percent; 0.0 when both sides are exactly zero; NaN
        when either input is NaN or negative.

    Notes
    -----
    The index divides by the mean of the two sides, so when both are small
    a tiny absolute difference gives a large percentage (1 deg against
    2 deg is -67 %): report it only alongside the values themselves, for
    quantities well away from zero. Signed quantities (such as peak
    extension) are not meaningful here; pass magnitudes.
    """
    left, right = float(left), float(right)
    if math.isnan(left) or math.isnan(right) or left < 0 or right < 0:
        return math.nan
    if left == right:
        return 0.0
    return (left - right) / (0.5 * (left + right)) * 100.0
