"""The catalogue of measures: every measure's name, label, unit, plane and the view it needs, defined once.

The CSV columns, the summary JSON, the app's cards, the reports, the history
and the command line all take a measure's name, its label for people and its
unit from here, so the same figure cannot carry two names. Front ends may add
plain wording on top (the app groups cards by :attr:`MeasureSpec.view`), but
never a second label.

Each spec also names the landmarks a measure needs and the functions that
compute its 2D (image) and 3D (world) variants, which the pipeline
(:mod:`posturecheck.measures.pipeline`) runs. Code names a measure through
the constants below (``TRUNK_INCLINATION``, ``HIP_FLEXION.of("left")``),
never by spelling its name out.

The definitions themselves (landmarks, sign, zero) are in the docstrings of
the functions that compute them (:mod:`posturecheck.measures.joint_angles`,
:mod:`posturecheck.measures.posture`, :mod:`posturecheck.measures.silhouette`)
and in ``docs/measurements.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Literal, TypeVar

import numpy as np

from posturecheck.landmarks import Landmark
from posturecheck.measures import joint_angles as ja
from posturecheck.measures import posture
from posturecheck.measures.posture import PLUMB_LANDMARKS

Headline = Literal["max", "median"]
T = TypeVar("T")
SIDES: tuple[ja.Side, ...] = ("left", "right")


class ViewNeeded(Enum):
    """The camera view a measure needs, which is also how a front end groups it."""

    SIDE = "side"
    FRONT = "front"
    STANDING_SIDE = "standing side"
    SILHOUETTE = "silhouette"


@dataclass(frozen=True)
class Scene:
    """What a measure is computed from: one person's landmarks at one processing stage, every frame.

    Attributes
    ----------
    image_px : (F, 33, 2) image landmarks, pixels (the 2D computations read these).
    world : (F, 33, 3) world landmarks, metres, levelled (the 3D computations read these).
    facing : (F,) +1 facing the image's right, -1 left, 0 unclear.
    roll_deg : the camera roll (convention of :mod:`posturecheck.measures.geometry`).
    height_cm : the person's standing height when given, else None.
    """

    image_px: np.ndarray
    world: np.ndarray
    facing: np.ndarray
    roll_deg: float
    height_cm: float | None = None

    @cached_property
    def plumb_2d(self) -> dict[str, np.ndarray]:
        """Every body part's plumb-line offset from the image, % (computed once for all parts)."""
        return posture.plumb_offsets_2d(self.image_px, self.facing, self.roll_deg)

    @cached_property
    def plumb_3d(self) -> dict[str, np.ndarray]:
        """Every body part's plumb-line offset from the world landmarks, %."""
        return posture.plumb_offsets_3d(self.world, self.roll_deg)

    def in_cm(self, pct: np.ndarray) -> np.ndarray:
        """A % of standing height in cm of the height given; a ValueError when none was."""
        if self.height_cm is None:
            raise ValueError("no height given: plumb-line offsets have no cm")
        return pct / 100.0 * self.height_cm


# A measure's values over every frame of a scene, (F,), in its unit.
Compute = Callable[[Scene], np.ndarray]


@dataclass(frozen=True)
class MeasureFamily:
    """A measure taken once per side (or per body part), each with its own name.

    ``HIP_FLEXION.of("left")`` is ``"hip_flexion_left"``; code names a
    measure through its family or constant, never by spelling it out.

    Attributes
    ----------
    stem : the names' common start, e.g. ``"hip_flexion"``.
    parts : the sides or body parts, in the order tables and front ends show them.
    suffix : what follows the part, e.g. ``"_cm"``.
    """

    stem: str
    parts: tuple[str, ...] = SIDES
    suffix: str = ""

    def of(self, part: str) -> str:
        """The name of the measure on one side or body part; a ValueError for a part it has not."""
        if part not in self.parts:
            raise ValueError(f"{self.stem} is measured on {', '.join(self.parts)}, not {part!r}")
        return f"{self.stem}_{part}{self.suffix}"

    @property
    def names(self) -> tuple[str, ...]:
        """Every member's name, in :attr:`parts` order."""
        return tuple(self.of(part) for part in self.parts)


HIP_FLEXION = MeasureFamily("hip_flexion")
HIP_FLEXION_NEUTRAL = MeasureFamily("hip_flexion_neutral")
KNEE_FLEXION = MeasureFamily("knee_flexion")
THIGH_INCLINATION = MeasureFamily("thigh_inclination")
TRUNK_INCLINATION = "trunk_inclination"
PELVIC_OBLIQUITY = "pelvic_obliquity"
SHOULDER_TILT = "shoulder_tilt"
TRUNK_LATERAL_LEAN = "trunk_lateral_lean"
LATERAL_TRUNK_SHIFT = "lateral_trunk_shift"
CRANIOVERTEBRAL_ANGLE_PROXY = "craniovertebral_angle_proxy"
PLUMB_OFFSET = MeasureFamily("plumb_offset", PLUMB_LANDMARKS)
PLUMB_OFFSET_CM = MeasureFamily("plumb_offset", PLUMB_LANDMARKS, "_cm")
LUMBAR_LORDOSIS_INDEX = "lumbar_lordosis_index"
LUMBAR_CURVE_ANGLE = "lumbar_curve_angle"
PELVIC_TILT_PROXY = "pelvic_tilt_proxy"


@dataclass(frozen=True)
class MeasureSpec:
    """One measure as people see it, and what it is computed from.

    Attributes
    ----------
    name : the column name in the CSV and the key in the summary JSON.
    label : its name for people, the same in the app, reports, history and CLI.
    unit : ``"deg"`` (degrees), ``"%"`` (percent of a body length) or ``"cm"``.
    plane : ``"sagittal"`` or ``"frontal"``: the body plane it is measured in.
    view : the camera view it needs (see :class:`ViewNeeded`).
    headline : the statistic shown large: ``"max"`` for joint angles that move
        (how far the joint went), ``"median"`` for posture (how the person
        usually holds).
    meaning : one line on what the number means and its sign.
    key : whether the analysis summary carries it (all but the ``_cm`` copies).
    landmarks : the landmarks it needs (:class:`posturecheck.landmarks.Landmark`
        indices), in the order a reason names the first one missing.
    standing : it assumes the person stands (both knees near straight).
    phrase : how a reason line names it mid-sentence ("left hip flexion
        needs a side view"); the wording files have always carried.
    compute_2d, compute_3d : its values from the image landmarks and from
        the world landmarks of a :class:`Scene`; None for a measure not
        computed from landmarks frame by frame (from the neutral, the
        silhouette, or withdrawn).
    """

    name: str
    label: str
    unit: str
    plane: str
    view: ViewNeeded
    headline: Headline
    meaning: str
    key: bool = True
    landmarks: tuple[int, ...] = ()
    standing: bool = False
    phrase: str = ""
    compute_2d: Compute | None = None
    compute_3d: Compute | None = None


_HIP = "thigh against the trunk line; + knee forward, − behind"
_KNEE = "0 = straight leg; + bent"
_THIGH = "thigh against the vertical; + knee forward"
_PLUMB = "% of height in front (+) of the ankle's vertical"
_SIDE, _FRONT = ViewNeeded.SIDE, ViewNeeded.FRONT
_SHOULDERS: tuple[int, ...] = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
_HIPS: tuple[int, ...] = (Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
_TRUNK = _SHOULDERS + _HIPS
_STATURE: tuple[int, ...] = (Landmark.LEFT_EYE, Landmark.RIGHT_EYE, Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL)
_EARS: tuple[int, ...] = (Landmark.LEFT_EAR, Landmark.RIGHT_EAR)
_ANKLES: tuple[int, ...] = (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)


def _leg(
    family: MeasureFamily,
    side: ja.Side,
    label: str,
    meaning: str,
    landmarks: tuple[int, ...],
    compute: tuple[Compute, Compute] | None,
    key: bool = True,
) -> MeasureSpec:
    """One side's member of a leg measure; ``compute`` its 2D and 3D computations."""
    two, three = compute or (None, None)
    return MeasureSpec(
        family.of(side),
        f"{label}, {side}",
        "deg",
        "sagittal",
        _SIDE,
        "max",
        meaning,
        key,
        landmarks,
        phrase=f"{side} {label[0].lower()}{label[1:]}",
        compute_2d=two,
        compute_3d=three,
    )


def _legs(side: ja.Side) -> tuple[MeasureSpec, ...]:
    """The leg measures of one side."""
    _, knee, ankle = ja.leg_landmarks(side)
    return (
        _leg(
            HIP_FLEXION,
            side,
            "Hip flexion",
            _HIP,
            _TRUNK + (knee,),
            (
                lambda s: ja.hip_flexion_2d(s.image_px, s.facing, side),
                lambda s: ja.hip_flexion_3d(s.world, side),
            ),
        ),
        _leg(
            HIP_FLEXION_NEUTRAL,
            side,
            "Hip flexion from neutral",
            "hip flexion less the person's own upright neutral, the norms' zero; + knee forward",
            _TRUNK + (knee,),
            None,  # hip flexion less the person's neutral (posturecheck.measures.neutral)
            key=False,
        ),
        _leg(
            KNEE_FLEXION,
            side,
            "Knee flexion",
            _KNEE,
            _HIPS + (knee, ankle),
            (
                lambda s: ja.knee_flexion_2d(s.image_px, s.facing, side),
                lambda s: ja.knee_flexion_3d(s.world, side),
            ),
        ),
        _leg(
            THIGH_INCLINATION,
            side,
            "Thigh inclination",
            _THIGH,
            _HIPS + (knee,),
            (
                lambda s: ja.thigh_inclination_2d(s.image_px, s.facing, side, s.roll_deg),
                lambda s: ja.thigh_inclination_3d(s.world, side, s.roll_deg),
            ),
        ),
    )


def _sided() -> tuple[MeasureSpec, ...]:
    """Every leg measure, measure by measure, left before right."""
    return tuple(spec for pair in zip(*(_legs(side) for side in SIDES), strict=True) for spec in pair)


def _frontal(
    name: str, label: str, unit: str, meaning: str, landmarks: tuple[int, ...], two: Compute, three: Compute
) -> MeasureSpec:
    """A posture measure of a front (or back) view."""
    return MeasureSpec(
        name,
        label,
        unit,
        "frontal",
        _FRONT,
        "median",
        meaning,
        landmarks=landmarks,
        phrase=label.lower(),
        compute_2d=two,
        compute_3d=three,
    )


def _plumb() -> tuple[MeasureSpec, ...]:
    specs = []
    for part in PLUMB_LANDMARKS:
        label, view = f"Plumb-line offset, {part}", ViewNeeded.STANDING_SIDE
        landmarks = _HIPS + _STATURE + posture.PAIRS[part] + _ANKLES
        phrase = f"plumb-line offset of the {part}"

        def two(s: Scene, part: str = part) -> np.ndarray:
            return s.plumb_2d[part]

        def three(s: Scene, part: str = part) -> np.ndarray:
            return s.plumb_3d[part]

        def two_cm(s: Scene, part: str = part) -> np.ndarray:
            return s.in_cm(s.plumb_2d[part])

        def three_cm(s: Scene, part: str = part) -> np.ndarray:
            return s.in_cm(s.plumb_3d[part])

        specs.append(
            MeasureSpec(
                PLUMB_OFFSET.of(part),
                label,
                "%",
                "sagittal",
                view,
                "median",
                _PLUMB,
                landmarks=landmarks,
                standing=True,
                phrase=phrase,
                compute_2d=two,
                compute_3d=three,
            )
        )
        specs.append(
            MeasureSpec(
                PLUMB_OFFSET_CM.of(part),
                f"{label} (cm)",
                "cm",
                "sagittal",
                view,
                "median",
                "cm in front (+) of the ankle's vertical, from the height given",
                key=False,
                landmarks=landmarks,
                standing=True,
                phrase=phrase,
                compute_2d=two_cm,
                compute_3d=three_cm,
            )
        )
    return tuple(specs)


CATALOGUE: tuple[MeasureSpec, ...] = (
    *_sided(),
    MeasureSpec(
        TRUNK_INCLINATION,
        "Trunk inclination",
        "deg",
        "sagittal",
        _SIDE,
        "median",
        "hips-to-shoulders line against the vertical; + forward",
        landmarks=_TRUNK,
        phrase="trunk inclination",
        compute_2d=lambda s: ja.trunk_inclination_2d(s.image_px, s.facing, s.roll_deg),
        compute_3d=lambda s: ja.trunk_inclination_3d(s.world, s.roll_deg),
    ),
    _frontal(
        PELVIC_OBLIQUITY,
        "Pelvic obliquity",
        "deg",
        "hip line against the horizontal; + left hip higher",
        _HIPS,
        lambda s: posture.pelvic_obliquity_2d(s.image_px, s.roll_deg),
        lambda s: posture.pelvic_obliquity_3d(s.world, s.roll_deg),
    ),
    _frontal(
        SHOULDER_TILT,
        "Shoulder tilt",
        "deg",
        "shoulder line against the horizontal; + left shoulder higher",
        _SHOULDERS,
        lambda s: posture.shoulder_tilt_2d(s.image_px, s.roll_deg),
        lambda s: posture.shoulder_tilt_3d(s.world, s.roll_deg),
    ),
    _frontal(
        TRUNK_LATERAL_LEAN,
        "Trunk lateral lean",
        "deg",
        "trunk against the vertical, sideways; + toward the left",
        _TRUNK,
        lambda s: posture.trunk_lateral_lean_2d(s.image_px, s.roll_deg),
        lambda s: posture.trunk_lateral_lean_3d(s.world, s.roll_deg),
    ),
    _frontal(
        LATERAL_TRUNK_SHIFT,
        "Lateral trunk shift",
        "%",
        "shoulders beside the hips, % of trunk length; + toward the left",
        _TRUNK,
        lambda s: posture.lateral_trunk_shift_2d(s.image_px, s.roll_deg),
        lambda s: posture.lateral_trunk_shift_3d(s.world, s.roll_deg),
    ),
    MeasureSpec(
        CRANIOVERTEBRAL_ANGLE_PROXY,
        "Forward-head angle (proxy)",
        "deg",
        "sagittal",
        ViewNeeded.STANDING_SIDE,
        "median",
        "shoulder-to-ear line; 90 = ear above shoulder, less = head forward",
        landmarks=_TRUNK + _EARS,
        phrase="forward-head angle",
        compute_2d=lambda s: posture.craniovertebral_angle_proxy_2d(s.image_px, s.facing, s.roll_deg),
        compute_3d=lambda s: posture.craniovertebral_angle_proxy_3d(s.world, s.roll_deg),
    ),
    *_plumb(),
    MeasureSpec(
        LUMBAR_LORDOSIS_INDEX,
        "Lumbar curve index",
        "%",
        "sagittal",
        ViewNeeded.SILHOUETTE,
        "median",
        "depth of the back outline's curve, % of its length",
        landmarks=_TRUNK,
        phrase="lumbar curve index",
    ),
    MeasureSpec(
        LUMBAR_CURVE_ANGLE,
        "Lumbar curve angle",
        "deg",
        "sagittal",
        ViewNeeded.SILHOUETTE,
        "median",
        "bend of the back outline between its ends",
        landmarks=_TRUNK,
        phrase="lumbar curve angle",
    ),
    MeasureSpec(
        PELVIC_TILT_PROXY,
        "Pelvic tilt (withdrawn proxy)",
        "deg",
        "sagittal",
        ViewNeeded.SILHOUETTE,
        "median",
        "withdrawn: it moved opposite to the true pelvic tilt on a rendered body, so it is never a number",
        key=False,
        phrase="pelvic tilt",
    ),
)

MEASURES: dict[str, MeasureSpec] = {spec.name: spec for spec in CATALOGUE}

# The measures an analysis summary carries, in the order front ends show them.
KEY_MEASURES: tuple[str, ...] = tuple(spec.name for spec in CATALOGUE if spec.key)


def measure_label(name: str) -> str:
    """A measure's label for people: ``"hip_flexion_left"`` -> ``"Hip flexion, left"``.

    Names outside the catalogue (an assessment's own findings, a future
    measure read from an old result) are spelled out from their parts.
    """
    spec = MEASURES.get(name)
    if spec is not None:
        return spec.label
    base, side = name, ""
    for suffix in ("_left", "_right"):
        if name.endswith(suffix):
            base, side = name[: -len(suffix)], suffix[1:]
    words = base.replace("_", " ").capitalize()
    return f"{words}, {side}" if side else words


def key_figure_name(measure: str, statistic: str) -> str:
    """A key figure's name: one statistic of a measure over a clip, ``"<measure>_<statistic>"``.

    ``statistic`` is one of the summary's statistics ("median", "max", "min",
    "range"); e.g. ``key_figure_name(HIP_FLEXION.of("left"), "max")`` is
    ``"hip_flexion_left_max"``, the name the history and batch table keep.
    """
    return f"{measure}_{statistic}"


def key_figures(measures: Mapping[str, T]) -> dict[str, T]:
    """The entries of a summary's ``measures`` that are key figures today, in catalogue order.

    A result folder analysed by an earlier release may carry a measure that
    has since been withdrawn (``pelvic_tilt_proxy``); front ends show what
    this returns, so a withdrawn figure is never shown as a number again.
    """
    return {name: measures[name] for name in KEY_MEASURES if name in measures}
