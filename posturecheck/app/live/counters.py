"""Knee-raise counting and steady-stance detection on a live stream of figures."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from posturecheck.landmarks import STANCE_JOINTS

# A knee raise is counted when hip flexion goes above RAISE_DEG and back
# below LOWER_DEG (hysteresis, so jitter around one threshold counts nothing).
RAISE_DEG = 60.0
LOWER_DEG = 25.0
# Steady stance: the key landmarks move less than this share of the
# person's height over STEADY_WINDOW_S seconds, with the knees straight.
STEADY_WINDOW_S = 1.5
STEADY_TOLERANCE = 0.02
STRAIGHT_KNEE_DEG = 20.0


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
    raise_deg : hip flexion that must be passed on the way up.
    lower_deg : hip flexion that must be passed on the way back down to count.

    Notes
    -----
    Frames without a valid value (``None``) neither count nor cancel a raise
    in progress: a raise is counted when the leg is seen coming back down.
    """

    def __init__(self, raise_deg: float = RAISE_DEG, lower_deg: float = LOWER_DEG) -> None:
        if not lower_deg < raise_deg:
            raise ValueError(f"lower_deg ({lower_deg}) must be below raise_deg ({raise_deg})")
        self.raise_deg = raise_deg
        self.lower_deg = lower_deg
        self.sides = {"left": SideCount(), "right": SideCount()}
        self._peak: dict[str, float | None] = {"left": None, "right": None}

    def update(self, hip_flexion: dict[str, float]) -> list[str]:
        """Feed one frame's valid hip flexion per side; returns the sides whose raise just completed."""
        done = []
        for side, value in hip_flexion.items():
            peak = self._peak[side]
            if peak is None:
                if value >= self.raise_deg:
                    self._peak[side] = value
                continue
            if value > peak:
                self._peak[side] = value
            elif value <= self.lower_deg:
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
