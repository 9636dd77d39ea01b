"""Knee-raise counting, the highest values so far and steady-stance detection on a live stream of figures.

Every peak here follows the rule of :mod:`posturecheck.measures.extremes`:
a value counts as reached only when the stream held it over
:func:`~posturecheck.measures.extremes.hold_frames` consecutive frames with a
valid value (0.1 s, at least 3 frames), so a glitch of a frame or two sets
no "highest so far", starts no knee raise and is no raise's peak.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from posturecheck.landmarks import STANCE_JOINTS
from posturecheck.measures.extremes import MIN_HOLD_S, frame_interval, hold_frames, sustained_extreme

# A knee raise is counted when hip flexion goes above RAISE_DEG and back
# below LOWER_DEG (hysteresis, so jitter around one threshold counts nothing).
RAISE_DEG = 60.0
LOWER_DEG = 25.0
# Steady stance: the key landmarks move less than this share of the
# person's height over STEADY_WINDOW_S seconds, with the knees straight.
STEADY_WINDOW_S = 1.5
STEADY_TOLERANCE = 0.02
STRAIGHT_KNEE_DEG = 20.0


# Recent samples kept per stream to hold values over: enough for 0.1 s at 240 frames/s.
_RECENT = 32


class HeldValues:
    """The value each stream (e.g. "left", "right") has held up to now, and the highest ever held.

    Fed once per frame with the valid values of that frame (a stream missing
    from a frame breaks its hold). The held value of a stream is the
    :func:`~posturecheck.measures.extremes.sustained_extreme` of its latest
    :func:`~posturecheck.measures.extremes.hold_frames` consecutive valid
    samples (the frame interval is the median of the recent ones): the
    largest value all of them reached (``largest=True``), or the smallest
    value none of them exceeded.
    """

    def __init__(self, min_duration_s: float = MIN_HOLD_S) -> None:
        self.min_duration_s = min_duration_s
        self._recent: dict[str, deque[tuple[float, float]]] = {}
        self.highest: dict[str, float] = {}

    def update(self, time_s: float, values: dict[str, float]) -> None:
        """Add one frame (seconds; stream -> valid value); raise :attr:`highest` where more was held."""
        for name in list(self._recent):
            if name not in values:
                self._recent[name].clear()
        for name, value in values.items():
            recent = self._recent.setdefault(name, deque(maxlen=_RECENT))
            recent.append((float(time_s), float(value)))
            held = self.held(name)
            if held is not None:
                self.highest[name] = max(held, self.highest.get(name, held))

    def held(self, name: str, largest: bool = True) -> float | None:
        """The value ``name`` has held over its latest consecutive valid frames, or None if not yet held."""
        recent = self._recent.get(name)
        if not recent:
            return None
        times = np.array([t for t, _ in recent])
        k = hold_frames(frame_interval(times), self.min_duration_s)
        if len(recent) < k:
            return None
        values = np.array([v for _, v in recent])[-k:]
        found = sustained_extreme(values, np.ones(k, dtype=bool), times[-k:], self.min_duration_s, largest)
        return found.value if found.index is not None else None


@dataclass
class SideCount:
    """Knee raises of one side: how many, the last one's and the highest peak (degrees)."""

    count: int = 0
    last_peak_deg: float | None = None
    best_peak_deg: float | None = None


class KneeRaiseCounter:
    """Counts knee raises per side from live hip flexion (hysteresis between two thresholds).

    Parameters
    ----------
    raise_deg : hip flexion that must be held (module notes) on the way up.
    lower_deg : hip flexion that must be held on the way back down to count.

    Notes
    -----
    Frames without a valid value (missing from the dict) neither count nor
    cancel a raise in progress: a raise is counted when the leg is seen
    coming back down. A raise's peak is the highest value held during it.
    """

    def __init__(self, raise_deg: float = RAISE_DEG, lower_deg: float = LOWER_DEG) -> None:
        if not lower_deg < raise_deg:
            raise ValueError(f"lower_deg ({lower_deg}) must be below raise_deg ({raise_deg})")
        self.raise_deg = raise_deg
        self.lower_deg = lower_deg
        self.sides = {"left": SideCount(), "right": SideCount()}
        self._peak: dict[str, float | None] = {"left": None, "right": None}
        self._held = HeldValues()

    def update(self, hip_flexion: dict[str, float], time_s: float) -> list[str]:
        """Feed one frame's valid hip flexion per side at ``time_s`` (s); returns sides just counted."""
        self._held.update(time_s, hip_flexion)
        done = []
        for side in hip_flexion:
            high, low = self._held.held(side), self._held.held(side, largest=False)
            if high is None or low is None:
                continue
            peak = self._peak[side]
            if peak is None:
                if high >= self.raise_deg:
                    self._peak[side] = high
                continue
            if high > peak:
                self._peak[side] = high
            elif low <= self.lower_deg:
                count = self.sides[side]
                count.count += 1
                count.last_peak_deg = peak
                count.best_peak_deg = peak if count.best_peak_deg is None else max(count.best_peak_deg, peak)
                self._peak[side] = None
                done.append(side)
        return done


class SteadyStance:
    """Tells when a standing person has held still for :data:`STEADY_WINDOW_S` seconds.

    Fed every frame with the (smoothed) landmarks in pixels, the time, and
    the knee flexion; any frame without a person or with a bent knee starts
    the window again. Motion is the largest range of any key landmark
    (shoulders, hips, knees, ankles) over the window, in either axis; the
    person's height is the vertical span of those landmarks now.
    """

    def __init__(self, window_s: float = STEADY_WINDOW_S, tolerance: float = STEADY_TOLERANCE) -> None:
        self.window_s = window_s
        self.tolerance = tolerance
        self._frames: deque[tuple[float, np.ndarray]] = deque()

    def reset(self) -> None:
        """Forget the window."""
        self._frames.clear()

    def update(self, time_s: float, image: np.ndarray | None, knee_flexion: dict[str, float]) -> bool:
        """Add a frame (``image``: (33, >=2) pixels, or ``None`` without a person).

        Returns True when the window is full and the key landmarks stayed within tolerance.
        """
        straight = len(knee_flexion) == 2 and all(abs(v) <= STRAIGHT_KNEE_DEG for v in knee_flexion.values())
        points = None if image is None else image[list(STANCE_JOINTS), :2]
        if points is None or not straight or not np.isfinite(points).all():
            self.reset()
            return False
        self._frames.append((time_s, points.astype(np.float64)))
        while self._frames and self._frames[0][0] < time_s - self.window_s:
            self._frames.popleft()
        if time_s - self._frames[0][0] < self.window_s * 0.9:
            return False
        stack = np.stack([p for _, p in self._frames])
        height = float(np.ptp(points[:, 1]))
        motion = float(np.ptp(stack, axis=0).max())
        return height > 0 and motion <= self.tolerance * height
