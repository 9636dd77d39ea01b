"""Posture proxies: frontal tilts and shifts, plumb-line offsets, forward head.

Frontal measures (pelvic obliquity, shoulder tilt, trunk lateral lean,
lateral trunk shift) need a front or back view; plumb-line offsets and the
forward-head proxy need a side view. All are gravity-referenced, so each
takes the camera roll (see :mod:`posturecheck.measures.geometry`). Inputs
are image landmarks in pixels (``*_2d``) or world landmarks in metres
(``*_3d``), shape (F, 33, 2|3); results are (F,) arrays, NaN where a
landmark is missing.
"""

from __future__ import annotations

import numpy as np

from posturecheck.landmarks import Landmark
from posturecheck.measures.geometry import (
    midpoint,
    norm,
    reject,
    sagittal_2d,
    to_gravity_2d,
    world_up,
)
from posturecheck.measures.joint_angles import hip_axes_3d, mid_hip, mid_shoulder

# Eye height as a fraction of standing height (stature), from the classic
# segment-length proportions of Drillis and Contini (1966): the eyes sit
# about 6.4 % of stature below the top of the head, which no landmark marks.
EYE_HEIGHT_FRACTION = 0.936

PLUMB_LANDMARKS = ("ear", "shoulder", "hip", "knee")

PAIRS = {
    "ear": (Landmark.LEFT_EAR, Landmark.RIGHT_EAR),
    "shoulder": (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
    "hip": (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    "knee": (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
    "ankle": (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
}


def mid_pair(points: np.ndarray, part: str) -> np.ndarray:
    """Midpoint of the left and right landmarks of ``part`` (a key of :data:`PAIRS`), (F, D).

    In a side view both sides' points project almost on the body's
    mid-sagittal plane; their midpoint avoids the perspective error of
    comparing points of one side that lie at different depths (a shoulder
    sits 10 cm further out than an ear).
    """
    left, right = PAIRS[part]
    return midpoint(points[:, left], points[:, right])


def _tilt(vector_h: np.ndarray, vector_u: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(vector_u, np.abs(vector_h)))


def pelvic_obliquity_2d(image_px: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Hip-to-hip line (24 -> 23) against the true horizontal, from a front or back view.

    0 = level, + left hip higher, - right hip lower. Degrees, (F,).
    Corrected for camera roll. Landmarks 23, 24 are MediaPipe's hip joint
    estimates, not the iliac crests a clinician palpates.
    """
    h, u = to_gravity_2d(image_px[:, Landmark.LEFT_HIP] - image_px[:, Landmark.RIGHT_HIP], camera_roll_deg)
    return _tilt(h, u)


def shoulder_tilt_2d(image_px: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Shoulder line (12 -> 11) against the true horizontal, from a front or back view.

    0 = level, + left shoulder higher. Degrees, (F,). Corrected for camera roll.
    """
    vector = image_px[:, Landmark.LEFT_SHOULDER] - image_px[:, Landmark.RIGHT_SHOULDER]
    h, u = to_gravity_2d(vector, camera_roll_deg)
    return _tilt(h, u)


def _left_sign_2d(image_px: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """+1 when the person's left is on the image's right (front view), -1 when on its left (back view)."""
    across = (image_px[:, Landmark.LEFT_HIP] - image_px[:, Landmark.RIGHT_HIP]) + (
        image_px[:, Landmark.LEFT_SHOULDER] - image_px[:, Landmark.RIGHT_SHOULDER]
    )
    h, _ = to_gravity_2d(across, camera_roll_deg)
    return np.where(h > 0, 1.0, np.where(h < 0, -1.0, np.nan))


def trunk_lateral_lean_2d(image_px: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Trunk (mid-hip -> mid-shoulder) against the true vertical in the frontal plane.

    0 = upright, + leaning toward the person's left, - toward the right.
    Degrees, (F,). Front or back view (which is which comes from the
    left/right hip and shoulder order in the image). Corrected for camera roll.
    """
    h, u = to_gravity_2d(mid_shoulder(image_px) - mid_hip(image_px), camera_roll_deg)
    return np.degrees(np.arctan2(h * _left_sign_2d(image_px, camera_roll_deg), u))


def lateral_trunk_shift_2d(image_px: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Horizontal offset of mid-shoulder from mid-hip, in % of trunk length.

    + toward the person's left. Trunk length is the mid-hip to mid-shoulder
    distance in the same frame. Front or back view. Corrected for camera roll.
    """
    trunk = mid_shoulder(image_px) - mid_hip(image_px)
    h, _ = to_gravity_2d(trunk, camera_roll_deg)
    return 100.0 * h * _left_sign_2d(image_px, camera_roll_deg) / norm(trunk)


def pelvic_obliquity_3d(world: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Hip-to-hip line against the true horizontal from world landmarks (+ left hip higher), degrees."""
    return _tilt_3d(world[:, Landmark.LEFT_HIP] - world[:, Landmark.RIGHT_HIP], camera_roll_deg)


def shoulder_tilt_3d(world: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Shoulder line against the true horizontal from world landmarks (+ left shoulder higher), degrees."""
    return _tilt_3d(world[:, Landmark.LEFT_SHOULDER] - world[:, Landmark.RIGHT_SHOULDER], camera_roll_deg)


def _tilt_3d(vector: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    up = world_up(camera_roll_deg)
    return np.degrees(np.arctan2(vector @ up, norm(reject(vector, up))))


def trunk_lateral_lean_3d(world: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Trunk against the vertical in the body's vertical frontal plane (+ toward the left), degrees.

    The frontal plane is vertical and contains the horizontal part of the
    hip-to-hip axis.
    """
    left, _, up = hip_axes_3d(world, camera_roll_deg)
    trunk = mid_shoulder(world) - mid_hip(world)
    return np.degrees(np.arctan2(np.sum(trunk * left, -1), np.sum(trunk * up, -1)))


def lateral_trunk_shift_3d(world: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Horizontal offset of mid-shoulder from mid-hip toward the left, % of trunk length (world landmarks)."""
    left, _, _ = hip_axes_3d(world, camera_roll_deg)
    trunk = mid_shoulder(world) - mid_hip(world)
    return 100.0 * np.sum(trunk * left, -1) / norm(trunk)


def stature_2d(image_px: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Standing height in pixels, estimated from the eyes and heels.

    The vertical distance from the mid-eye point (landmarks 2, 5) down to
    the mid-heel point (29, 30), divided by :data:`EYE_HEIGHT_FRACTION`: the
    top of the head, which no landmark marks, is taken to sit 6.4 % of
    stature above the eyes, and the heel landmarks at floor level. Only
    meaningful when the person stands upright with both feet down.
    (F,) pixels.
    """
    eyes = midpoint(image_px[:, Landmark.LEFT_EYE], image_px[:, Landmark.RIGHT_EYE])
    heels = midpoint(image_px[:, Landmark.LEFT_HEEL], image_px[:, Landmark.RIGHT_HEEL])
    _, rise = to_gravity_2d(eyes - heels, camera_roll_deg)
    return rise / EYE_HEIGHT_FRACTION


def stature_3d(world: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Standing height in metres from world landmarks, estimated as :func:`stature_2d` does."""
    eyes = midpoint(world[:, Landmark.LEFT_EYE], world[:, Landmark.RIGHT_EYE])
    heels = midpoint(world[:, Landmark.LEFT_HEEL], world[:, Landmark.RIGHT_HEEL])
    return (eyes - heels) @ world_up(camera_roll_deg) / EYE_HEIGHT_FRACTION


def plumb_offsets_2d(
    image_px: np.ndarray, facing: np.ndarray, camera_roll_deg: float
) -> dict[str, np.ndarray]:
    """Plumb-line offsets from a side view, in % of estimated standing height.

    The plumb line is the true vertical through the mid-ankle point (27/28,
    the ankle landmarks standing in for the lateral malleolus). For the
    mid-ear (7/8), mid-shoulder (11/12), mid-hip (23/24) and mid-knee
    (25/26) points, the horizontal distance from the line, + anterior
    (toward the facing direction), divided by :func:`stature_2d` and times
    100. Left/right midpoints are used (see :func:`mid_pair`).

    Parameters
    ----------
    image_px : (F, 33, 2) array, pixels
    facing : (F,) array, +1 facing the image's right, -1 facing left
    camera_roll_deg : float

    Returns
    -------
    dict mapping "ear", "shoulder", "hip", "knee" to (F,) arrays, %.
    """
    ankle = mid_pair(image_px, "ankle")
    stature = stature_2d(image_px, camera_roll_deg)
    offsets = {}
    for part in PLUMB_LANDMARKS:
        anterior, _ = sagittal_2d(mid_pair(image_px, part) - ankle, facing, camera_roll_deg)
        offsets[part] = 100.0 * anterior / stature
    return offsets


def plumb_offsets_3d(world: np.ndarray, camera_roll_deg: float) -> dict[str, np.ndarray]:
    """Plumb-line offsets from world landmarks, % of estimated standing height (:func:`stature_3d`).

    As :func:`plumb_offsets_2d`, with the anterior direction taken from the
    body (horizontal, normal to the hip-to-hip axis) instead of the facing
    direction in the image.
    """
    _, anterior, _ = hip_axes_3d(world, camera_roll_deg)
    ankle = mid_pair(world, "ankle")
    stature = stature_3d(world, camera_roll_deg)
    return {
        part: 100.0 * np.sum((mid_pair(world, part) - ankle) * anterior, -1) / stature
        for part in PLUMB_LANDMARKS
    }


def craniovertebral_angle_proxy_2d(
    image_px: np.ndarray, facing: np.ndarray, camera_roll_deg: float
) -> np.ndarray:
    """Forward-head proxy: the shoulder -> ear line against the true horizontal, side view.

    The clinical craniovertebral angle is measured at the spinous process of
    C7, which MediaPipe does not report; here the mid-shoulder point (11/12)
    stands in for it and the mid-ear point (7/8) for the tragion. The values
    are therefore not comparable with published craniovertebral norms, only
    with themselves over time.

    Returns
    -------
    (F,) array, degrees
        Angle from the anterior horizontal up to the shoulder -> ear line:
        90 = ear straight above the shoulder, smaller = head further
        forward, above 90 = ear behind the shoulder.
    """
    vector = mid_pair(image_px, "ear") - mid_pair(image_px, "shoulder")
    anterior, up = sagittal_2d(vector, facing, camera_roll_deg)
    return np.degrees(np.arctan2(up, anterior))


def craniovertebral_angle_proxy_3d(world: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Forward-head proxy from world landmarks, as :func:`craniovertebral_angle_proxy_2d`.

    The shoulder -> ear vector is taken in the body's vertical sagittal
    plane (anterior = horizontal, normal to the hip-to-hip axis). Degrees.
    """
    _, anterior, up = hip_axes_3d(world, camera_roll_deg)
    vector = mid_pair(world, "ear") - mid_pair(world, "shoulder")
    return np.degrees(np.arctan2(np.sum(vector * up, -1), np.sum(vector * anterior, -1)))
