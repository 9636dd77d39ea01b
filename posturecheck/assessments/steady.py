"""Steady stances and holds: the frames in which the body does not move.

Body speed (:func:`body_speed`) is the largest, over the shoulders, hips,
knees and ankles, of each landmark's image speed, in trunk lengths per
second (scale-free: the same for a near and a far person), so one leg
rising is movement. A frame is steady when the speed is at most
:data:`MAX_STEADY_SPEED`. Quiet standing sways the body by about a
centimetre per second, a knee raise or a step moves a limb by a metre per
second (two trunk lengths), so the threshold sits far from both.
Landmark jitter must stay under it: the speed is read from paths filtered
at :data:`SPEED_CUTOFF_HZ`, below which quiet standing has nearly all its
motion; white jitter of 0.2 % of the frame height then gives about 0.1 (0.2 in
its worst 5 % of frames).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posturecheck.assessments.footage import FootageCheck, ViewKind, check_view, seen_rows
from posturecheck.assessments.points import person_points
from posturecheck.landmarks import STANCE_JOINTS
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.series import PeopleSeries

# Trunk lengths per second (about 15 cm/s for an adult).
MAX_STEADY_SPEED = 0.3
SPEED_CUTOFF_HZ = 2.0


@dataclass(frozen=True)
class SteadyWindow:
    """A run of steady frames.

    Attributes
    ----------
    start, stop : rows of the series, ``stop`` exclusive.
    start_s, end_s : seconds, times of the first and last frame.
    median_speed : median body speed in the window, trunk lengths per second.
    """

    start: int
    stop: int
    start_s: float
    end_s: float
    median_speed: float

    @property
    def duration_s(self) -> float:
        """Seconds from the first to the last frame."""
        return self.end_s - self.start_s

    def rows(self, n_frames: int) -> np.ndarray:
        """(n_frames,) bool, True inside the window."""
        inside = np.zeros(n_frames, dtype=bool)
        inside[self.start : self.stop] = True
        return inside


def body_speed(series: PeopleSeries, slot: int, interval_s: float | None = None) -> np.ndarray:
    """(F,) body speed of person ``slot`` in trunk lengths per second (module notes); NaN where not known.

    The landmarks are cleaned as the measures' are but low-pass filtered at
    :data:`SPEED_CUTOFF_HZ`, and the trunk length is the median over the
    clip, so bending does not change the scale. A still (no times) gives
    zeros where the body is seen. ``interval_s``: as :func:`person_points`.
    """
    points = person_points(series, slot, cutoff_hz=SPEED_CUTOFF_HZ, interval_s=interval_s)
    xy = points.image_px[:, list(STANCE_JOINTS)]
    seen = np.isfinite(xy).all(axis=(1, 2))
    if not points.timed:
        return np.where(seen, 0.0, np.nan)
    velocity = np.gradient(xy, points.times_s, axis=0)
    speed = np.sqrt(np.sum(velocity**2, axis=-1))
    trunk = float(np.nanmedian(points.trunk_px)) if np.isfinite(points.trunk_px).any() else np.nan
    with np.errstate(invalid="ignore"):
        return np.where(seen, np.max(speed, axis=1) / trunk, np.nan)


def steady_runs(
    speed: np.ndarray,
    times_s: np.ndarray,
    usable: np.ndarray,
    min_duration_s: float,
    max_speed: float = MAX_STEADY_SPEED,
) -> list[SteadyWindow]:
    """Every maximal run of usable frames at most ``max_speed``, lasting ``min_duration_s`` or more.

    Parameters
    ----------
    speed : (F,) body speed, trunk lengths per second.
    times_s : (F,) seconds.
    usable : (F,) bool, frames the caller accepts (e.g. the measures valid).
    min_duration_s : shortest run kept, seconds (first to last frame).
    max_speed : the steady threshold.
    """
    with np.errstate(invalid="ignore"):
        steady = usable & (speed <= max_speed)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], steady.astype(np.int8), [0]))))
    runs = []
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if times_s[stop - 1] - times_s[start] >= min_duration_s:
            runs.append(_window(speed, times_s, int(start), int(stop)))
    return runs


def _window(speed: np.ndarray, times_s: np.ndarray, start: int, stop: int) -> SteadyWindow:
    return SteadyWindow(
        start, stop, float(times_s[start]), float(times_s[stop - 1]), float(np.median(speed[start:stop]))
    )


def steadiest_window(
    speed: np.ndarray,
    times_s: np.ndarray,
    usable: np.ndarray,
    duration_s: float,
    min_duration_s: float,
    max_speed: float = MAX_STEADY_SPEED,
) -> SteadyWindow | None:
    """The ``duration_s`` window of steady, usable frames with the lowest mean speed.

    When no steady run lasts ``duration_s``, the longest one lasting at
    least ``min_duration_s`` is returned whole; ``None`` when there is none.
    Parameters as :func:`steady_runs`.
    """
    runs = steady_runs(speed, times_s, usable, min_duration_s, max_speed)
    if not runs:
        return None
    best: tuple[float, int, int] | None = None
    for run in runs:
        for start in range(run.start, run.stop):
            stop = int(np.searchsorted(times_s, times_s[start] + duration_s - 1e-9, side="left")) + 1
            if stop > run.stop:
                break
            mean = float(np.mean(speed[start:stop]))
            if best is None or mean < best[0]:
                best = (mean, start, stop)
    if best is None:
        return max(runs, key=lambda run: run.duration_s)
    return _window(speed, times_s, best[1], best[2])


@dataclass(frozen=True)
class Stance:
    """The frames of a held position that an assessment rests on.

    Attributes
    ----------
    rows : (F,) bool, the frames used; ``None`` when no steady stretch was found.
    info : JSON-ready description (kind, times, frames, median speed).
    warnings : e.g. a stance shorter than asked for.
    """

    rows: np.ndarray | None
    info: dict[str, object]
    warnings: tuple[AnalysisWarning, ...] = ()


def held_stance(
    series: PeopleSeries, slot: int, seen: np.ndarray, window_s: float, min_window_s: float
) -> Stance:
    """The frames of a held position of person ``slot``: the steadiest window of a clip, or all photos.

    In a clip (increasing times) it is :func:`steadiest_window` of length
    ``window_s`` among the frames ``seen`` (at least ``min_window_s``); for
    photos (a still or a folder without times), every frame in ``seen``.
    """
    timed = series.n_frames >= 2 and bool(np.all(np.diff(series.times_s) > 0))
    if not timed:
        return Stance(seen, {"kind": "all frames (photos)", "frames": int(seen.sum())})
    speed = body_speed(series, slot)
    window = steadiest_window(speed, series.times_s, seen, window_s, min_window_s)
    if window is None:
        return Stance(None, {})
    warnings: tuple[AnalysisWarning, ...] = ()
    if window.duration_s < window_s - 0.5:
        warnings = (
            AnalysisWarning(
                WarningCode.SHORT_HOLD, {"duration_s": float(window.duration_s), "asked_s": window_s}
            ),
        )
    info: dict[str, object] = {
        "kind": "steadiest window",
        "start_s": window.start_s,
        "end_s": window.end_s,
        "frames": window.stop - window.start,
        "median_speed_trunk_lengths_per_s": window.median_speed,
    }
    return Stance(window.rows(series.n_frames), info, warnings)


def checked_stance(
    series: PeopleSeries,
    table: MeasureTable,
    need: ViewKind,
    title: str,
    in_frame: tuple[int, ...],
    window_s: float,
    min_window_s: float,
) -> tuple[Stance, FootageCheck]:
    """A standing assessment's held stance with its footage checks, in the order the user can act on them.

    First :func:`~posturecheck.assessments.footage.check_view` over every
    frame the person is seen (a person too small in the frame jitters out
    of any steady stance, and must hear "move the camera closer", not "stand
    still"), then :func:`held_stance`, then the view check again over the
    stance's frames. The check is not ok, with its message, at the first
    that fails; the stance's rows are ``None`` when none was found.
    """
    seen = seen_rows(table)
    footage = check_view(table, seen, need, title, in_frame=in_frame)
    if not footage.ok:
        return Stance(None, {}), footage
    stance = held_stance(series, table.person, seen, window_s, min_window_s)
    if stance.rows is None:
        return stance, FootageCheck(
            False,
            f"no steady stance of {min_window_s:g} s found: stand still, arms relaxed, for {window_s:g} s",
        )
    return stance, check_view(table, stance.rows, need, title, in_frame=in_frame)
