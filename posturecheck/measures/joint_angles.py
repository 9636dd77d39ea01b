"""Sagittal joint angles and segment inclinations: hip, knee, thigh, trunk.

Each measure comes in two variants:

* ``*_2d`` reads image landmarks in pixels (``PoseSeries.image_px``, so the
  frame's aspect ratio is respected) and treats the image plane as the
  sagittal plane. It needs a side view; the facing direction (+1 facing the
  image's right, -1 facing left, see :mod:`posturecheck.measures.view`)
  tells which way is anterior.
* ``*_3d`` reads world landmarks (metres, x right, y down, z away from the
  camera). The sagittal plane comes from the body itself, so it also works
  in oblique views, but its depth is MediaPipe's estimate, not a measurement.

Landmarks (indices from :class:`posturecheck.landmarks.Landmark`): shoulders
11/12, hips 23/24, knees 25/26, ankles 27/28. Mid-shoulder and mid-hip are
the midpoints of the left/right pairs. All results are degrees, (F,) arrays,
NaN where a landmark is missing.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from posturecheck.landmarks import Landmark
from posturecheck.measures.geometry import (
    angle_between,
    midpoint,
    sagittal_2d,
    signed_angle_2d,
    signed_angle_3d,
    unit,
    world_body_axes,
)

Side = Literal["left", "right"]

_LEG = {
    "left": (Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    "right": (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
}


def leg_landmarks(side: Side) -> tuple[Landmark, Landmark, Landmark]:
    """Hip, knee and ankle landmarks of one side."""
    return _LEG[side]


def mid_shoulder(points: np.ndarray) -> np.ndarray:
    """Midpoint of the shoulders (11, 12); works for 2D and 3D landmarks."""
    return midpoint(points[..., Landmark.LEFT_SHOULDER, :], points[..., Landmark.RIGHT_SHOULDER, :])


def mid_hip(points: np.ndarray) -> np.ndarray:
    """Midpoint of the hips (23, 24); works for 2D and 3D landmarks."""
    return midpoint(points[..., Landmark.LEFT_HIP, :], points[..., Landmark.RIGHT_HIP, :])


def hip_axes_3d(world: np.ndarray, camera_roll_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Body axes from the hips: left (horizontal part of 24 -> 23), anterior, up; (F, 3) unit vectors."""
    return world_body_axes(world[:, Landmark.LEFT_HIP] - world[:, Landmark.RIGHT_HIP], camera_roll_deg)


def hip_flexion_2d(image_px: np.ndarray, facing: np.ndarray, side: Side) -> np.ndarray:
    """Hip flexion from a side view: thigh against the trunk's downward axis.

    Parameters
    ----------
    image_px : (F, 33, 2) array
        Image landmarks in pixels of the displayed frame.
    facing : (F,) array
        +1 facing the image's right, -1 facing left, 0 unknown (gives NaN).
    side : "left" or "right"
        The person's side whose thigh is measured.

    Returns
    -------
    (F,) array, degrees
        Angle in the image plane from the trunk's downward axis
        (mid-shoulder -> mid-hip) to the thigh (hip -> knee). 0 = thigh in
        line with the trunk, + flexion (knee in front of the trunk line),
        - extension. Needs a side view; not affected by camera roll.
    """
    hip, knee, _ = _LEG[side]
    trunk_a, trunk_u = sagittal_2d(mid_hip(image_px) - mid_shoulder(image_px), facing, 0.0)
    thigh_a, thigh_u = sagittal_2d(image_px[:, knee] - image_px[:, hip], facing, 0.0)
    return signed_angle_2d(trunk_a, trunk_u, thigh_a, thigh_u)


def knee_flexion_2d(image_px: np.ndarray, facing: np.ndarray, side: Side) -> np.ndarray:
    """Knee flexion from a side view: shank against the thigh's line.

    Angle in the image plane between the thigh (hip -> knee) and the shank
    (knee -> ankle). 0 = straight leg, + flexion (ankle behind the thigh's
    line), - hyperextension. Degrees, (F,). Needs a side view; not affected
    by camera roll. Parameters as :func:`hip_flexion_2d`.
    """
    hip, knee, ankle = _LEG[side]
    thigh_a, thigh_u = sagittal_2d(image_px[:, knee] - image_px[:, hip], facing, 0.0)
    shank_a, shank_u = sagittal_2d(image_px[:, ankle] - image_px[:, knee], facing, 0.0)
    return -signed_angle_2d(thigh_a, thigh_u, shank_a, shank_u)


def thigh_inclination_2d(
    image_px: np.ndarray, facing: np.ndarray, side: Side, camera_roll_deg: float
) -> np.ndarray:
    """Thigh against the true vertical, from a side view.

    Angle in the image plane from straight down to the thigh (hip -> knee),
    after correcting the vertical for camera roll. 0 = thigh vertical,
    + knee forward of the hip (toward the facing direction), 90 = thigh
    horizontal pointing forward. Degrees, (F,). Needs a side view.

    Parameters
    ----------
    camera_roll_deg : float
        Camera roll (see :mod:`posturecheck.measures.geometry`).
    Other parameters as :func:`hip_flexion_2d`.
    """
    hip, knee, _ = _LEG[side]
    thigh_a, thigh_u = sagittal_2d(image_px[:, knee] - image_px[:, hip], facing, camera_roll_deg)
    return signed_angle_2d(np.zeros_like(thigh_a), -np.ones_like(thigh_u), thigh_a, thigh_u)


def trunk_inclination_2d(image_px: np.ndarray, facing: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Trunk against the true vertical, from a side view.

    Angle in the image plane from straight up to the trunk (mid-hip ->
    mid-shoulder), corrected for camera roll. 0 = upright, + forward lean
    (shoulders toward the facing direction), - backward lean. Degrees, (F,).
    Needs a side view.
    """
    trunk_a, trunk_u = sagittal_2d(mid_shoulder(image_px) - mid_hip(image_px), facing, camera_roll_deg)
    return np.degrees(np.arctan2(trunk_a, trunk_u))


def hip_flexion_3d(world: np.ndarray, side: Side) -> np.ndarray:
    """Hip flexion from world landmarks, in the pelvis's sagittal plane.

    Parameters
    ----------
    world : (F, 33, 3) array
        World landmarks in metres (x right, y down, z away from the camera).
    side : "left" or "right"

    Returns
    -------
    (F,) array, degrees
        Trunk's downward axis (mid-shoulder -> mid-hip) and thigh (hip ->
        knee) are projected onto the plane normal to the hip-to-hip axis;
        the angle between them, + flexion (knee anterior), - extension,
        0 = thigh in line with the trunk. Works in side and oblique views;
        gravity plays no part, so camera roll does not matter.
    """
    hip, knee, _ = _LEG[side]
    right = world[:, Landmark.RIGHT_HIP] - world[:, Landmark.LEFT_HIP]
    trunk_down = mid_hip(world) - mid_shoulder(world)
    return signed_angle_3d(trunk_down, world[:, knee] - world[:, hip], right)


def knee_flexion_3d(world: np.ndarray, side: Side) -> np.ndarray:
    """Knee flexion from world landmarks: the 3D angle between thigh and shank.

    The unsigned angle between thigh (hip -> knee) and shank (knee ->
    ankle) in 3D, so hip rotation does not shrink it; its sign is that of
    the same angle projected onto the pelvis's sagittal plane (normal to
    the hip-to-hip axis): + flexion, - hyperextension. 0 = straight.
    Degrees, (F,).
    """
    hip, knee, ankle = _LEG[side]
    thigh = world[:, knee] - world[:, hip]
    shank = world[:, ankle] - world[:, knee]
    left = world[:, Landmark.LEFT_HIP] - world[:, Landmark.RIGHT_HIP]
    sign = np.where(signed_angle_3d(thigh, shank, left) < 0, -1.0, 1.0)
    return sign * angle_between(thigh, shank)


def thigh_inclination_3d(world: np.ndarray, side: Side, camera_roll_deg: float) -> np.ndarray:
    """Thigh against the true vertical, in the body's vertical sagittal plane.

    The sagittal plane here is vertical and normal to the horizontal part of
    the hip-to-hip axis. 0 = thigh vertical, + knee anterior to the hip.
    Degrees, (F,). Corrected for camera roll; camera pitch must already be
    taken out of ``world`` (:func:`posturecheck.measures.pitch.levelled_world`,
    as the measure pipeline does), else it tilts the vertical by its amount.
    """
    hip, knee, _ = _LEG[side]
    _, anterior, up = world_body_axes(
        world[:, Landmark.LEFT_HIP] - world[:, Landmark.RIGHT_HIP], camera_roll_deg
    )
    thigh = world[:, knee] - world[:, hip]
    return np.degrees(np.arctan2(np.sum(thigh * anterior, -1), -np.sum(thigh * up, -1)))


def trunk_inclination_3d(world: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Trunk (mid-hip -> mid-shoulder) against the true vertical, in the body's vertical sagittal plane.

    0 = upright, + forward lean, - backward lean. Degrees, (F,). Corrected
    for camera roll; camera pitch must already be taken out of ``world``
    (:func:`posturecheck.measures.pitch.levelled_world`, as the measure
    pipeline does), else it tilts the vertical by its amount.
    """
    _, anterior, up = world_body_axes(
        world[:, Landmark.LEFT_HIP] - world[:, Landmark.RIGHT_HIP], camera_roll_deg
    )
    trunk = unit(mid_shoulder(world) - mid_hip(world))
    return np.degrees(np.arctan2(np.sum(trunk * anterior, -1), np.sum(trunk * up, -1)))
