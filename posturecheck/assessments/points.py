"""One person's landmark paths, cleaned as the measure pipeline cleans them.

Some assessments follow landmarks themselves (heel paths for gait events,
body speed for steady stances, the lying trunk for the Thomas test). They
use the same first four steps as the measure pipeline, so their paths agree
with the measures: left/right swap correction, landmarks below the
visibility threshold dropped, short gaps filled, zero-lag low-pass
filtering (clips only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posturecheck.landmarks import Landmark
from posturecheck.measures.filtering import fill_gaps, lowpass_filtfilt
from posturecheck.measures.geometry import norm
from posturecheck.measures.joint_angles import mid_hip, mid_shoulder
from posturecheck.measures.swaps import correct_left_right_swaps
from posturecheck.pose.series import PeopleSeries

_ORDER = 4


@dataclass(frozen=True, eq=False)
class PersonPoints:
    """Cleaned landmarks of one person.

    Attributes
    ----------
    times_s : (F,) seconds.
    image_px : (F, 33, 2) image landmarks in pixels of the displayed frame
        (x right, y down), NaN where missing.
    world : (F, 33, 3) world landmarks, metres (x right, y down, z away from
        the camera), NaN where missing.
    timed : the frames have increasing times (a clip), so they were
        swap-corrected and filtered.
    """

    times_s: np.ndarray
    image_px: np.ndarray
    world: np.ndarray
    timed: bool

    @property
    def trunk_px(self) -> np.ndarray:
        """(F,) trunk length (mid-hip to mid-shoulder) in pixels."""
        return norm(mid_shoulder(self.image_px) - mid_hip(self.image_px))


def person_points(
    series: PeopleSeries,
    slot: int,
    cutoff_hz: float = 6.0,
    min_visibility: float = 0.5,
    max_gap_s: float = 0.25,
    interval_s: float | None = None,
) -> PersonPoints:
    """The cleaned landmarks of person ``slot`` (module notes; defaults as :class:`MeasureOptions`).

    ``interval_s``: the frame interval (seconds) of the clip ``series`` is
    part of, so a part is filtered as the whole clip is; by default the
    median interval of ``series``.
    """
    one = series.person(slot)
    timed = one.n_frames >= 2 and bool(np.all(np.diff(one.times_s) > 0))
    if timed:
        one, _ = correct_left_right_swaps(one)
    hidden = (one.visibility[:, 0] < min_visibility)[..., None]
    image = np.where(hidden, np.nan, one.image[:, 0, :, :2].astype(np.float64))
    world = np.where(hidden, np.nan, one.world[:, 0].astype(np.float64))
    if timed:
        image = fill_gaps(image, one.times_s, max_gap_s)
        world = fill_gaps(world, one.times_s, max_gap_s)
        interval = float(np.median(np.diff(one.times_s))) if interval_s is None else interval_s
        rate = 1.0 / interval
        if cutoff_hz < rate / 2:
            image = lowpass_filtfilt(image, one.times_s, cutoff_hz, _ORDER, interval)
            world = lowpass_filtfilt(world, one.times_s, cutoff_hz, _ORDER, interval)
    size = np.array([one.source.width, one.source.height], dtype=np.float64)
    return PersonPoints(np.asarray(one.times_s, dtype=np.float64), image * size, world, timed)


def near_side_by_depth(world: np.ndarray) -> np.ndarray:
    """(F,) "left"/"right": the hip nearer the camera by world depth (z), "" where unknown.

    Works whatever the body's orientation (standing, lying), unlike the
    facing-based side of :func:`posturecheck.measures.view.near_side`; it
    rests on MediaPipe's depth estimate.
    """
    dz = world[:, Landmark.LEFT_HIP, 2] - world[:, Landmark.RIGHT_HIP, 2]
    with np.errstate(invalid="ignore"):
        return np.where(dz < 0, "left", np.where(dz > 0, "right", ""))
