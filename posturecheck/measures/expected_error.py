"""How far off a valid angle is expected to be, from the error measured on real multi-camera footage.

The rows below are the "expected error by kind of measure" table of
``docs/validation.md``, rebuilt by ``benchmarks/validation_multiview.py``:
Pose2Sim's ``Demo_MultiPerson`` lab trial (four calibrated cameras about
2 m high, pitched 18-25 deg down, rolled -13 to +26 deg), each camera's
posturecheck values against MediaPipe triangulated from all four views,
by posturecheck's own estimate of the view (degrees from a side view, in
15 deg bands) and by whether the camera roll was known (given, or
estimated from the scene) or taken as level. Only bands with at least
:data:`MIN_FRAMES` frames are kept; the footage has no view nearer than
about 30 deg to a side view, so the side-view band (0-15) is missing for
every kind: there the product has no real-footage figure to go on.

Kinds of measure
----------------
* ``"sagittal"``: hip and knee flexion, angles between body segments
  (gravity plays no part, nor does the camera's roll or pitch);
* ``"sagittal_gravity"``: trunk and thigh inclination, the forward-head
  angle: against the true vertical in the sagittal plane;
* ``"frontal"``: pelvic obliquity, shoulder tilt, trunk lateral lean:
  against the true horizontal or vertical in the frontal plane.

Measures in % or cm (plumb-line offsets, lateral trunk shift) and the
silhouette proxies have no expected error here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posturecheck.measures.catalogue import (
    CRANIOVERTEBRAL_ANGLE_PROXY,
    HIP_FLEXION,
    KNEE_FLEXION,
    PELVIC_OBLIQUITY,
    SHOULDER_TILT,
    THIGH_INCLINATION,
    TRUNK_INCLINATION,
    TRUNK_LATERAL_LEAN,
)

# Below this many frames a band says nothing.
MIN_FRAMES = 10

# The measures of each kind, by name or by the stem of a family's names (hip flexion
# from neutral is hip flexion too).
_SAGITTAL = (HIP_FLEXION.stem, KNEE_FLEXION.stem)
_SAGITTAL_GRAVITY = (TRUNK_INCLINATION, THIGH_INCLINATION.stem, CRANIOVERTEBRAL_ANGLE_PROXY)
_FRONTAL = (PELVIC_OBLIQUITY, SHOULDER_TILT, TRUNK_LATERAL_LEAN)
# Kinds whose reference is gravity: an unknown camera roll turns it by the roll, whatever the view.
GRAVITY_KINDS = ("sagittal_gravity", "frontal")


@dataclass(frozen=True)
class ErrorBand:
    """The error measured for one kind of measure, variant, roll knowledge and band of views.

    Attributes
    ----------
    kind : "sagittal", "sagittal_gravity" or "frontal" (module notes).
    method : "2d" or "3d".
    roll_known : the camera roll was given or estimated (True) or taken as level (False).
    low_deg, high_deg : the band of degrees from side (estimated view), low included.
    mae_deg : mean absolute error of the values there, degrees.
    over15 : share of values more than 15 deg off.
    frames : frames the figure rests on.
    """

    kind: str
    method: str
    roll_known: bool
    low_deg: float
    high_deg: float
    mae_deg: float
    over15: float
    frames: int


# Per kind, variant and roll known: (band start deg, MAE deg, share > 15 deg, frames), docs/validation.md.
_MEASURED: dict[tuple[str, str, bool], tuple[tuple[float, float, float, int], ...]] = {
    ("sagittal", "2d", True): (
        (30, 9.7, 0.20, 95),
        (45, 11.8, 0.26, 136),
        (60, 15.6, 0.32, 132),
        (75, 15.4, 0.32, 81),
    ),
    ("sagittal", "2d", False): (
        (15, 9.7, 0.22, 25),
        (30, 10.4, 0.23, 57),
        (45, 9.7, 0.17, 132),
        (60, 13.9, 0.25, 103),
        (75, 16.7, 0.44, 36),
    ),
    ("sagittal", "3d", True): (
        (30, 12.4, 0.34, 95),
        (45, 12.8, 0.34, 142),
        (60, 14.0, 0.39, 144),
        (75, 12.1, 0.31, 123),
    ),
    ("sagittal", "3d", False): (
        (15, 15.3, 0.55, 27),
        (30, 12.4, 0.32, 69),
        (45, 12.7, 0.33, 153),
        (60, 13.9, 0.39, 144),
        (75, 11.8, 0.30, 118),
    ),
    ("sagittal_gravity", "2d", True): (
        (30, 7.3, 0.12, 95),
        (45, 10.4, 0.17, 136),
        (60, 12.4, 0.24, 132),
        (75, 8.5, 0.15, 81),
    ),
    ("sagittal_gravity", "2d", False): (
        (15, 28.6, 0.85, 25),
        (30, 19.1, 0.51, 57),
        (45, 16.7, 0.61, 132),
        (60, 17.5, 0.44, 103),
        (75, 12.9, 0.45, 36),
    ),
    ("sagittal_gravity", "3d", True): (
        (30, 11.0, 0.27, 95),
        (45, 20.6, 0.59, 142),
        (60, 16.7, 0.53, 144),
        (75, 18.0, 0.62, 123),
    ),
    ("sagittal_gravity", "3d", False): (
        (15, 26.6, 0.88, 27),
        (30, 26.2, 0.80, 69),
        (45, 27.2, 0.82, 153),
        (60, 22.1, 0.72, 144),
        (75, 20.7, 0.75, 118),
    ),
    ("frontal", "2d", True): (
        (30, 9.0, 0.19, 95),
        (45, 7.4, 0.08, 143),
        (60, 4.8, 0.02, 144),
        (75, 5.8, 0.02, 123),
    ),
    ("frontal", "2d", False): (
        (15, 26.4, 0.89, 27),
        (30, 16.8, 0.52, 69),
        (45, 10.9, 0.35, 154),
        (60, 11.7, 0.35, 144),
        (75, 11.8, 0.43, 118),
    ),
    ("frontal", "3d", True): (
        (30, 11.6, 0.26, 95),
        (45, 10.3, 0.19, 143),
        (60, 7.0, 0.02, 144),
        (75, 6.7, 0.02, 123),
    ),
    ("frontal", "3d", False): (
        (15, 7.9, 0.02, 27),
        (30, 7.2, 0.04, 69),
        (45, 6.8, 0.11, 154),
        (60, 9.6, 0.14, 144),
        (75, 10.4, 0.34, 118),
    ),
}
BANDS: tuple[ErrorBand, ...] = tuple(
    ErrorBand(kind, method, roll_known, low, low + 15.0, mae, over15, frames)
    for (kind, method, roll_known), rows in _MEASURED.items()
    for low, mae, over15, frames in rows
    if frames >= MIN_FRAMES
)
_KINDS = (("sagittal", _SAGITTAL), ("sagittal_gravity", _SAGITTAL_GRAVITY), ("frontal", _FRONTAL))


def measure_kind(name: str) -> str | None:
    """The kind of a measure (module notes) from its name, e.g. ``hip_flexion_left_3d``; None if none."""
    for kind, stems in _KINDS:
        if any(name == stem or name.startswith(stem + "_") for stem in stems):
            return kind
    return None


def expected_error(name: str, method: str, off_side_deg: float, roll_known: bool | None) -> ErrorBand | None:
    """The measured error band that applies to a value, or None where the footage has no figure.

    Parameters
    ----------
    name : the measure's name (plain or with its ``_2d``/``_3d`` suffix).
    method : "2d" or "3d", the variant the values came from.
    off_side_deg : degrees from a side view of the frames the value rests on
        (e.g. their median), as posturecheck estimated it.
    roll_known : whether the camera roll was given or estimated (False: taken
        as level); None when not known to the caller, read as known.

    Returns
    -------
    ErrorBand or None
        The band holding ``off_side_deg``. For a gravity-referenced measure
        with the roll unknown and no band there, the band with the smallest
        error measured with the roll unknown: the unknown roll tilts the
        reference whatever the view, and no view did better than that.
    """
    kind = measure_kind(name)
    if kind is None or method not in ("2d", "3d") or not np.isfinite(off_side_deg):
        return None
    known = True if roll_known is None else roll_known
    rows = [b for b in BANDS if b.kind == kind and b.method == method and b.roll_known == known]
    for band in rows:
        if band.low_deg <= off_side_deg < band.high_deg or (band.high_deg == 90.0 and off_side_deg == 90.0):
            return band
    if not known and kind in GRAVITY_KINDS and rows:
        return min(rows, key=lambda b: b.mae_deg)
    return None
