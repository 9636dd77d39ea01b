"""Gait events from a side view: the walking bout, heel strikes, strides and cadence.

Heel strike
-----------
The heel is furthest in front of the pelvis at initial contact: the
"heel-to-sacrum" method of Zeni, Richards and Higginson (Gait & Posture
2008;27:710-4), with the mid-hip point standing in for the sacrum. Per side,
``forward = facing * (heel_x - mid_hip_x) / trunk length`` (image
landmarks, horizontal image axis; the camera taken as level) and heel strikes
are its peaks that reach :data:`MIN_FORWARD` trunk lengths in front of the
pelvis and stand out by :data:`MIN_PROMINENCE` from the troughs between
them, at least :data:`MIN_STEP_S` apart. Near the edges of a bout a peak
can be missed; a missed strike makes a stride too long, which the stride
duration limits reject.

Strides and cadence
-------------------
A stride of one side runs from a heel strike of that side to its next one
and is kept when it lasts :data:`MIN_STRIDE_S` to :data:`MAX_STRIDE_S`.
Cadence is 60 divided by the median step time, a step being the time from
one heel strike to the next of the other side (steps of at most
``MAX_STRIDE_S / 2``). It rests on the bout's frames in which both heels
could be placed against the mid-hip (:func:`strike_signal_share`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posturecheck.assessments.points import PersonPoints
from posturecheck.landmarks import Landmark
from posturecheck.measures.joint_angles import mid_hip

# scipy.signal is imported inside the functions that use it: it takes seconds to import, and the app's
# first page loads this module (through the assessments it lists) without calling them.

MIN_FORWARD = 0.2
MIN_PROMINENCE = 0.3
MIN_STEP_S = 0.3
MIN_STRIDE_S = 0.6
MAX_STRIDE_S = 2.5

_HEEL = {"left": Landmark.LEFT_HEEL, "right": Landmark.RIGHT_HEEL}


@dataclass(frozen=True)
class Stride:
    """One stride of one side.

    Attributes
    ----------
    side : "left" or "right".
    start, stop : rows of the heel strikes that open and close it.
    start_s, end_s : their times, seconds.
    """

    side: str
    start: int
    stop: int
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        """Stride time, seconds."""
        return self.end_s - self.start_s


def walking_bout(seen: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """(F,) bool: the longest run of frames with the person seen and facing their main walking direction.

    The main direction is the more common known facing (+1 or -1); frames
    facing the other way (turning back, or someone else taking the slot)
    end a run. All False when the facing is never known.
    """
    known = facing[seen & (facing != 0)]
    if known.size == 0:
        return np.zeros_like(seen)
    main = 1 if (known > 0).sum() >= (known < 0).sum() else -1
    keep = seen & (facing != -main)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], keep.astype(np.int8), [0]))))
    starts, stops = edges[::2], edges[1::2]
    bout = np.zeros_like(seen)
    if starts.size:
        longest = int(np.argmax(stops - starts))
        bout[starts[longest] : stops[longest]] = True
    return bout


def heel_forward(points: PersonPoints, facing: np.ndarray, side: str) -> np.ndarray:
    """(F,) heel position in front of the mid-hip, in median trunk lengths (module notes)."""
    trunk = float(np.nanmedian(points.trunk_px)) if np.isfinite(points.trunk_px).any() else np.nan
    dx = points.image_px[:, _HEEL[side], 0] - mid_hip(points.image_px)[:, 0]
    return np.where(facing != 0, facing * dx / trunk, np.nan)


def strike_signal_share(points: PersonPoints, facing: np.ndarray, bout: np.ndarray) -> float:
    """Share of the bout's frames in which both heels' distance in front of the mid-hip could be read.

    Heel strikes, and so steps and cadence, can only be found in those
    frames; 0.0 for an empty bout.
    """
    if not bout.any():
        return 0.0
    readable = np.isfinite(heel_forward(points, facing, "left")) & np.isfinite(
        heel_forward(points, facing, "right")
    )
    return float((readable & bout).sum() / bout.sum())


def heel_strikes(points: PersonPoints, facing: np.ndarray, bout: np.ndarray, side: str) -> np.ndarray:
    """Rows of the heel strikes of one side within the bout (module notes), in time order."""
    forward = np.where(bout, heel_forward(points, facing, side), np.nan)
    usable = np.isfinite(forward)
    if usable.sum() < 3:
        return np.zeros(0, dtype=int)
    interval = float(np.median(np.diff(points.times_s)))
    # Frames outside the bout sit far below any peak, so no peak is found there.
    padded = np.where(usable, forward, np.nanmin(forward) - 10.0)
    from scipy.signal import find_peaks

    peaks, _ = find_peaks(
        padded,
        height=MIN_FORWARD,
        prominence=MIN_PROMINENCE,
        distance=max(1, round(MIN_STEP_S / interval)),
    )
    # A peak on the first or last frame of a run only says the heel was ahead when tracking began or ended.
    inside = usable[np.clip(peaks - 1, 0, None)] & usable[np.clip(peaks + 1, None, forward.size - 1)]
    inside &= (peaks > 0) & (peaks < forward.size - 1)
    return peaks[usable[peaks] & inside]


def strides(times_s: np.ndarray, strikes: np.ndarray, side: str) -> list[Stride]:
    """Strides between consecutive heel strikes of one side lasting ``MIN_STRIDE_S``-``MAX_STRIDE_S``."""
    out = []
    for a, b in zip(strikes[:-1], strikes[1:], strict=True):
        duration = float(times_s[b] - times_s[a])
        if MIN_STRIDE_S <= duration <= MAX_STRIDE_S:
            out.append(Stride(side, int(a), int(b), float(times_s[a]), float(times_s[b])))
    return out


def cadence(times_s: np.ndarray, left: np.ndarray, right: np.ndarray) -> tuple[float, int]:
    """Steps per minute from alternating heel strikes (module notes), and the steps it rests on.

    NaN and 0 when no step alternates sides within ``MAX_STRIDE_S / 2``.
    """
    events = sorted([(times_s[r], "left") for r in left] + [(times_s[r], "right") for r in right])
    steps = [
        b[0] - a[0]
        for a, b in zip(events[:-1], events[1:], strict=True)
        if a[1] != b[1] and b[0] - a[0] <= MAX_STRIDE_S / 2
    ]
    if not steps:
        return float("nan"), 0
    return 60.0 / float(np.median(steps)), len(steps)
