"""The catalogue of measures: every measure's name, label, unit, plane and the view it needs, defined once.

The CSV columns, the summary JSON, the app's cards, the reports, the history
and the command line all take a measure's name, its label for people and its
unit from here, so the same figure cannot carry two names. Front ends may add
plain wording on top (the app groups cards by :attr:`MeasureSpec.view`), but
never a second label.

The definitions themselves (landmarks, sign, zero) are in the docstrings of
the functions that compute them (:mod:`posturecheck.measures.joint_angles`,
:mod:`posturecheck.measures.posture`, :mod:`posturecheck.measures.silhouette`)
and in ``docs/measurements.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Literal, TypeVar

from posturecheck.measures.posture import PLUMB_LANDMARKS

Headline = Literal["max", "median"]
T = TypeVar("T")


class ViewNeeded(Enum):
    """The camera view a measure needs, which is also how a front end groups it."""

    SIDE = "side"
    FRONT = "front"
    STANDING_SIDE = "standing side"
    SILHOUETTE = "silhouette"


@dataclass(frozen=True)
class MeasureSpec:
    """One measure as people see it.

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
    """

    name: str
    label: str
    unit: str
    plane: str
    view: ViewNeeded
    headline: Headline
    meaning: str
    key: bool = True


_HIP = "thigh against the trunk line; + knee forward, − behind"
_KNEE = "0 = straight leg; + bent"
_THIGH = "thigh against the vertical; + knee forward"
_PLUMB = "% of height in front (+) of the ankle's vertical"
_SIDE, _FRONT = ViewNeeded.SIDE, ViewNeeded.FRONT


def _sided(
    base: str, label: str, headline: Headline, meaning: str, key: bool = True
) -> tuple[MeasureSpec, ...]:
    return tuple(
        MeasureSpec(f"{base}_{side}", f"{label}, {side}", "deg", "sagittal", _SIDE, headline, meaning, key)
        for side in ("left", "right")
    )


def _plumb() -> tuple[MeasureSpec, ...]:
    specs = []
    for part in PLUMB_LANDMARKS:
        label, view = f"Plumb-line offset, {part}", ViewNeeded.STANDING_SIDE
        specs.append(MeasureSpec(f"plumb_offset_{part}", label, "%", "sagittal", view, "median", _PLUMB))
        specs.append(
            MeasureSpec(
                f"plumb_offset_{part}_cm",
                f"{label} (cm)",
                "cm",
                "sagittal",
                view,
                "median",
                "cm in front (+) of the ankle's vertical, from the height given",
                key=False,
            )
        )
    return tuple(specs)


CATALOGUE: tuple[MeasureSpec, ...] = (
    *_sided("hip_flexion", "Hip flexion", "max", _HIP),
    *_sided(
        "hip_flexion_neutral",
        "Hip flexion from neutral",
        "max",
        "hip flexion less the person's own upright neutral, the norms' zero; + knee forward",
        key=False,
    ),
    *_sided("knee_flexion", "Knee flexion", "max", _KNEE),
    *_sided("thigh_inclination", "Thigh inclination", "max", _THIGH),
    MeasureSpec(
        "trunk_inclination",
        "Trunk inclination",
        "deg",
        "sagittal",
        _SIDE,
        "median",
        "hips-to-shoulders line against the vertical; + forward",
    ),
    MeasureSpec(
        "pelvic_obliquity",
        "Pelvic obliquity",
        "deg",
        "frontal",
        _FRONT,
        "median",
        "hip line against the horizontal; + left hip higher",
    ),
    MeasureSpec(
        "shoulder_tilt",
        "Shoulder tilt",
        "deg",
        "frontal",
        _FRONT,
        "median",
        "shoulder line against the horizontal; + left shoulder higher",
    ),
    MeasureSpec(
        "trunk_lateral_lean",
        "Trunk lateral lean",
        "deg",
        "frontal",
        _FRONT,
        "median",
        "trunk against the vertical, sideways; + toward the left",
    ),
    MeasureSpec(
        "lateral_trunk_shift",
        "Lateral trunk shift",
        "%",
        "frontal",
        _FRONT,
        "median",
        "shoulders beside the hips, % of trunk length; + toward the left",
    ),
    MeasureSpec(
        "craniovertebral_angle_proxy",
        "Forward-head angle (proxy)",
        "deg",
        "sagittal",
        ViewNeeded.STANDING_SIDE,
        "median",
        "shoulder-to-ear line; 90 = ear above shoulder, less = head forward",
    ),
    *_plumb(),
    MeasureSpec(
        "lumbar_lordosis_index",
        "Lumbar curve index",
        "%",
        "sagittal",
        ViewNeeded.SILHOUETTE,
        "median",
        "depth of the back outline's curve, % of its length",
    ),
    MeasureSpec(
        "lumbar_curve_angle",
        "Lumbar curve angle",
        "deg",
        "sagittal",
        ViewNeeded.SILHOUETTE,
        "median",
        "bend of the back outline between its ends",
    ),
    MeasureSpec(
        "pelvic_tilt_proxy",
        "Pelvic tilt (withdrawn proxy)",
        "deg",
        "sagittal",
        ViewNeeded.SILHOUETTE,
        "median",
        "withdrawn: it moved opposite to the true pelvic tilt on a rendered body, so it is never a number",
        key=False,
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


def key_figures(measures: Mapping[str, T]) -> dict[str, T]:
    """The entries of a summary's ``measures`` that are key figures today, in catalogue order.

    A result folder analysed by an earlier release may carry a measure that
    has since been withdrawn (``pelvic_tilt_proxy``); front ends show what
    this returns, so a withdrawn figure is never shown as a number again.
    """
    return {name: measures[name] for name in KEY_MEASURES if name in measures}
