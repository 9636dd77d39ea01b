"""Figures and set-up guidance from one frame's landmarks, for the live view.

The same measures as the offline pipeline (:mod:`posturecheck.measures.joint_angles`,
:mod:`posturecheck.measures.view`) run on a single frame: hip flexion per side,
knee flexion and trunk lean, 2D in a side view and 3D in an oblique one, and
nothing (with guidance in words) when the view cannot support them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

import numpy as np

from posturecheck.landmarks import MIN_VISIBILITY, Landmark
from posturecheck.live.guidance import (
    ALMOST_SIDE_ON,
    COME_CLOSER,
    HIDDEN,
    NO_PERSON,
    STEP_BACK_FEET,
    STEP_BACK_HEAD,
    TURN_SIDE_ON,
)
from posturecheck.measures import joint_angles as ja
from posturecheck.measures.view import ViewLimits, estimate_view

L = Landmark
SIDES: tuple[ja.Side, ...] = get_args(ja.Side)
FEET = (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL)
HEAD = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR)
LIMBS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE)


@dataclass(frozen=True)
class LiveFigures:
    """What one frame shows.

    Attributes
    ----------
    person : a person was found.
    view : "side", "oblique", "front", "back" or "unknown".
    off_side_deg : degrees from a pure side view (NaN when unknown).
    method : "2d", "3d" or "" (nothing measurable).
    hip_flexion, knee_flexion : side -> degrees, only where valid (else absent).
    trunk_inclination : degrees, forward lean +; ``None`` where not valid.
    guidance : what the person should do first, or ``""`` when the set-up is right.
    note : a lesser hint shown while the figures are valid (``""`` if none).
    """

    person: bool
    view: str = "unknown"
    off_side_deg: float = float("nan")
    method: str = ""
    hip_flexion: dict[str, float] = field(default_factory=dict)
    knee_flexion: dict[str, float] = field(default_factory=dict)
    trunk_inclination: float | None = None
    guidance: str = NO_PERSON
    note: str = ""


def _outside(image: np.ndarray, visibility: np.ndarray, indices: tuple[int, ...]) -> bool:
    """Any of these landmarks outside the picture or not seen."""
    xy = image[list(indices), :2]
    out = ~np.isfinite(xy).all(axis=1) | (xy < 0).any(axis=1) | (xy > 1).any(axis=1)
    return bool((out | (visibility[list(indices)] < MIN_VISIBILITY)).any())


def _setup_problem(image: np.ndarray, visibility: np.ndarray, extent: float, limits: ViewLimits) -> str:
    """The first set-up problem that stops the figures, in the order a person fixes them."""
    if _outside(image, visibility, FEET):
        return STEP_BACK_FEET
    if _outside(image, visibility, HEAD):
        return STEP_BACK_HEAD
    if not extent >= limits.min_person_extent:
        return COME_CLOSER
    if (visibility[list(LIMBS)] < MIN_VISIBILITY).all():
        return HIDDEN
    return ""


def _valid(values: dict[ja.Side, float]) -> dict[str, float]:
    return {side: round(value, 1) for side, value in values.items() if np.isfinite(value)}


def live_figures(
    image: np.ndarray,
    world: np.ndarray,
    visibility: np.ndarray,
    size: tuple[int, int],
    camera_roll_deg: float = 0.0,
    limits: ViewLimits | None = None,
) -> LiveFigures:
    """Figures and guidance for one person in one frame.

    Parameters
    ----------
    image : (33, 3) normalised image landmarks (NaN: no person).
    world : (33, 3) world landmarks, metres.
    visibility : (33,) MediaPipe visibility.
    size : (width, height) of the frame in pixels.
    camera_roll_deg : camera roll (convention of :mod:`posturecheck.measures.geometry`).
    limits : view thresholds; the pipeline's defaults when ``None``.

    Returns
    -------
    LiveFigures
        Angles only where the view and the landmarks support them: 2D in a
        side view, 3D in an oblique one, none in a front or back view.
    """
    limits = limits or ViewLimits()
    if not np.isfinite(image[:, :2]).all():
        return LiveFigures(person=False)
    hidden = visibility < MIN_VISIBILITY
    image_seen = np.where(hidden[:, None], np.nan, image.astype(np.float64))[None]
    world_seen = np.where(hidden[:, None], np.nan, world.astype(np.float64))[None]
    px = image_seen[..., :2] * np.array(size, dtype=np.float64)
    view = estimate_view(image_seen, px, world_seen, camera_roll_deg, limits)
    label, off_side = str(view.label[0]), float(view.off_side_deg[0])
    problem = _setup_problem(image, visibility, float(view.extent[0]), limits)
    if not problem and not off_side <= limits.sagittal_3d_max_deg:
        problem = TURN_SIDE_ON
    if problem:
        return LiveFigures(person=True, view=label, off_side_deg=off_side, guidance=problem)
    side_view = off_side <= limits.side_max_deg and int(view.facing[0]) != 0
    if side_view:
        hips = {side: float(ja.hip_flexion_2d(px, view.facing, side)[0]) for side in SIDES}
        knees = {side: float(ja.knee_flexion_2d(px, view.facing, side)[0]) for side in SIDES}
        trunk = float(ja.trunk_inclination_2d(px, view.facing, camera_roll_deg)[0])
    else:
        hips = {side: float(ja.hip_flexion_3d(world_seen, side)[0]) for side in SIDES}
        knees = {side: float(ja.knee_flexion_3d(world_seen, side)[0]) for side in SIDES}
        trunk = float(ja.trunk_inclination_3d(world_seen, camera_roll_deg)[0])
    return LiveFigures(
        person=True,
        view=label,
        off_side_deg=off_side,
        method="2d" if side_view else "3d",
        hip_flexion=_valid(hips),
        knee_flexion=_valid(knees),
        trunk_inclination=round(trunk, 1) if np.isfinite(trunk) else None,
        guidance="",
        note="" if side_view else ALMOST_SIDE_ON,
    )
