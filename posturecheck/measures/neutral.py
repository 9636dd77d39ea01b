"""A hip angle on the norms' zero: hip flexion from the person's own upright neutral.

Why
---
``hip_flexion_<side>`` is the thigh against the shoulder-hip line
(:func:`posturecheck.measures.joint_angles.hip_flexion_2d`). MediaPipe's
hip landmarks sit in front of the line through its shoulder landmarks, so a
person standing upright with vertical thighs reads about -10 deg on it (the
bundled walking clip's upright walker: trunk inclination -9.8 deg, see
``docs/measurements.md``). Published hip norms (gait laboratories,
goniometry, the Thomas test) put zero at the person's own upright stance,
so grading the raw angle against them shifts both ends by that offset.

Definition
----------
``hip_flexion_neutral_<side> = hip_flexion_<side> - offset``, degrees, same
landmarks, plane and sign as ``hip_flexion_<side>`` (+ flexion, knee in
front; - extension), with zero moved to the person's own neutral. The
``offset`` is the value ``hip_flexion`` takes when this person stands
upright with vertical thighs, estimated once per clip (:func:`hip_neutral`):

1. ``"standing"``: the median of the mean of both sides' ``hip_flexion``
   over the clip's upright standing frames: both knees within
   :data:`STANDING_KNEE_DEG` of straight, the two hip angles within
   :data:`STANDING_HIP_SPREAD_DEG` of each other and their mean within
   :data:`STANDING_HIP_DEG` of the trunk line, held for at least
   :data:`MIN_STANDING_S`. Gravity plays no part, so camera roll and pitch
   do not matter (and lying straight counts as well as standing).
2. ``"trunk_mean"`` (walking, no standing in the clip): the median of the
   valid ``trunk_inclination`` over the clip, when it is within
   :data:`MAX_UPRIGHT_TRUNK_DEG` of upright and valid for at least
   :data:`MIN_TRUNK_S`. With ``hip_flexion = thigh_inclination +
   trunk_inclination``, this takes the mean trunk line over the gait cycle
   as the person's upright: a walker who leans forward throughout has that
   lean counted as neutral. It rests on the gravity-referenced trunk
   inclination, so on its camera roll and pitch.
3. ``"none"``: neither was possible (e.g. a clip lying on a table); the
   measure is then invalid in every frame with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from posturecheck.measures.catalogue import HIP_FLEXION, KNEE_FLEXION, TRUNK_INCLINATION
from posturecheck.measures.reasons import Invalid, reason_line
from posturecheck.measures.table import Measure

STANDING_KNEE_DEG = 10.0
STANDING_HIP_SPREAD_DEG = 5.0
STANDING_HIP_DEG = 25.0
MIN_STANDING_S = 0.5
MAX_UPRIGHT_TRUNK_DEG = 30.0
MIN_TRUNK_S = 1.0


@dataclass(frozen=True)
class HipNeutral:
    """The person's own hip neutral in one clip (module notes).

    Attributes
    ----------
    offset_deg : ``hip_flexion`` at the person's upright neutral, degrees;
        None when it could not be estimated.
    source : "standing", "trunk_mean" or "none".
    n_frames : frames the offset rests on.
    reason : one line saying what it rests on, or why there is none.
    """

    offset_deg: float | None
    source: str
    n_frames: int
    reason: str

    def to_dict(self) -> dict:
        """JSON-ready form (offset rounded to 0.01 deg)."""
        offset = None if self.offset_deg is None else round(self.offset_deg, 2)
        return {"offset_deg": offset, "source": self.source, "n_frames": self.n_frames, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HipNeutral:
        """Read back :meth:`to_dict`'s form."""
        offset = data.get("offset_deg")
        return cls(
            offset_deg=None if offset is None else float(offset),
            source=str(data["source"]),
            n_frames=int(data["n_frames"]),
            reason=str(data.get("reason", "")),
        )


def _longest_run_s(flags: np.ndarray, times_s: np.ndarray) -> tuple[float, np.ndarray]:
    """Longest run of True in ``flags`` (s) and a mask of the runs lasting :data:`MIN_STANDING_S` or more."""
    keep = np.zeros(flags.shape, bool)
    longest = 0.0
    start = None
    for i, flag in enumerate(np.append(flags, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            span = float(times_s[i - 1] - times_s[start])
            longest = max(longest, span)
            if span >= MIN_STANDING_S:
                keep[start:i] = True
            start = None
    return longest, keep


def standing_frames(measures: dict[str, Measure], times_s: np.ndarray) -> np.ndarray:
    """(F,) bool: frames of upright standing held for at least :data:`MIN_STANDING_S` (module notes)."""
    hips = [measures[name] for name in HIP_FLEXION.names]
    knees = [measures[name] for name in KNEE_FLEXION.names]
    valid = hips[0].valid & hips[1].valid & knees[0].valid & knees[1].valid
    with np.errstate(invalid="ignore"):
        straight = (np.abs(knees[0].values) <= STANDING_KNEE_DEG) & (
            np.abs(knees[1].values) <= STANDING_KNEE_DEG
        )
        even = np.abs(hips[0].values - hips[1].values) <= STANDING_HIP_SPREAD_DEG
        upright = np.abs(0.5 * (hips[0].values + hips[1].values)) <= STANDING_HIP_DEG
    return _longest_run_s(valid & straight & even & upright, times_s)[1]


def hip_neutral(measures: dict[str, Measure], times_s: np.ndarray) -> HipNeutral:
    """The person's hip neutral from standing frames, else from the mean trunk line (module notes).

    Parameters
    ----------
    measures : plain-named measures of one person; needs ``hip_flexion_<side>``,
        ``knee_flexion_<side>`` and ``trunk_inclination``.
    times_s : (F,) frame times, seconds.
    """
    standing = standing_frames(measures, times_s)
    if standing.any():
        left, right = (measures[name].values for name in HIP_FLEXION.names)
        mean_hip = 0.5 * (left + right)
        offset = float(np.median(mean_hip[standing]))
        n = int(standing.sum())
        return HipNeutral(
            offset, "standing", n, f"median hip angle over {n} frames of upright standing: {offset:+.1f} deg"
        )
    trunk = measures[TRUNK_INCLINATION]
    use = trunk.valid & np.isfinite(trunk.values)
    step = float(np.median(np.diff(times_s))) if times_s.size >= 2 else 0.0
    if step > 0 and use.sum() * step >= MIN_TRUNK_S:
        offset = float(np.median(trunk.values[use]))
        n = int(use.sum())
        if abs(offset) <= MAX_UPRIGHT_TRUNK_DEG:
            return HipNeutral(
                offset,
                "trunk_mean",
                n,
                f"no upright standing in the clip: median trunk line over {n} frames taken as upright "
                f"({offset:+.1f} deg)",
            )
        return HipNeutral(
            None,
            "none",
            0,
            f"no upright standing in the clip and the trunk line is {offset:+.0f} deg from upright "
            f"(limit {MAX_UPRIGHT_TRUNK_DEG:.0f})",
        )
    return HipNeutral(
        None,
        "none",
        0,
        f"no upright standing held {MIN_STANDING_S:g} s and under {MIN_TRUNK_S:g} s of valid trunk line",
    )


def hip_flexion_neutral(hip: Measure, neutral: HipNeutral, name: str) -> Measure:
    """``hip`` (a ``hip_flexion_<side>`` measure) with zero moved to ``neutral``, under ``name``.

    Invalid in every frame, with the reason, when the neutral is unknown.
    """
    if neutral.offset_deg is None:
        reason = np.full(hip.values.shape, reason_line(Invalid.NO_NEUTRAL, why=neutral.reason), dtype=object)
        nan = np.full(hip.values.shape, np.nan)
        return Measure(name, nan, np.zeros(hip.valid.shape, bool), reason, hip.unit, hip.method)
    return Measure(name, hip.values - neutral.offset_deg, hip.valid, hip.reason, hip.unit, hip.method)
