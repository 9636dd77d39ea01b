"""Frontal-plane knee angle: how far the knee sits inside or outside the hip-ankle line.

Landmarks: hip, knee, ankle of one side (left 23, 25, 27; right 24, 26,
28) and the other hip (for the direction of the body's midline).

* **Value**: the angle between the thigh (hip -> knee) and the shank
  (knee -> ankle) in the frontal plane, degrees; 0 = hip, knee and ankle in
  one line.
* **Sign**: + **valgus** (the knee lies toward the body's midline from the
  hip-ankle line, "knock-knee"), - **varus** (away from it, "bow-leg").
* **Plane**: 2D: the image plane, which is the frontal plane in a front or
  back view (both work: the midline direction comes from the other hip).
  3D: world landmarks projected onto the plane normal to the body's
  anterior axis (from the hips), for oblique views.
* **View**: 2D a front or back view (>= 80 deg from side); 3D >= 30 deg.
* **Cannot see**: bone axes. The landmarks are joint-centre estimates, so
  this approximates the hip-knee-ankle (mechanical) axis of a standing
  radiograph; thigh and calf soft tissue and a bent, rotated knee (knee
  flexion seen from the front looks like varus or valgus) change it.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from posturecheck.landmarks import Landmark
from posturecheck.measures.geometry import angle_between, reject
from posturecheck.measures.joint_angles import hip_axes_3d

Side = Literal["left", "right"]

_LEG = {
    "left": (Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE, Landmark.RIGHT_HIP),
    "right": (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE, Landmark.LEFT_HIP),
}


def _signed(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, other_hip: np.ndarray) -> np.ndarray:
    """Thigh-shank angle signed + when the knee lies toward ``other_hip`` from the hip-ankle line."""
    angle = angle_between(knee - hip, ankle - knee)
    line = ankle - hip
    along = np.sum((knee - hip) * line, axis=-1, keepdims=True) / np.sum(line * line, axis=-1, keepdims=True)
    offset = knee - (hip + along * line)
    medial = np.sum(offset * (other_hip - hip), axis=-1)
    return np.where(medial >= 0, angle, -angle)


def knee_frontal_angle_2d(image_px: np.ndarray, side: Side) -> np.ndarray:
    """Frontal knee angle from a front or back view (module notes), degrees, (F,).

    ``image_px``: (F, 33, 2) image landmarks in pixels. Camera roll does not
    matter (three points of one body).
    """
    hip, knee, ankle, other = _LEG[side]
    return _signed(image_px[:, hip], image_px[:, knee], image_px[:, ankle], image_px[:, other])


def knee_frontal_angle_3d(world: np.ndarray, side: Side) -> np.ndarray:
    """Frontal knee angle from world landmarks in the body's frontal plane (module notes), degrees, (F,).

    ``world``: (F, 33, 3) metres. The frontal plane is normal to the
    anterior axis built from the hips (camera taken as level).
    """
    hip, knee, ankle, other = _LEG[side]
    _, anterior, _ = hip_axes_3d(world, 0.0)
    flat = [reject(world[:, index], anterior) for index in (hip, knee, ankle, other)]
    return _signed(*flat)
