"""Vector geometry shared by the measures: gravity frames, projections, signed angles.

Conventions
-----------
* Image vectors are in pixels of the displayed frame, x right, y down.
* World vectors follow :class:`posturecheck.pose.series.PoseSeries`: metres,
  x to the image's right, y down, z away from the camera (right-handed).
* Camera roll ``r`` (degrees): the camera was turned clockwise by ``r``
  about its optical axis, as seen by the person holding it, so the scene
  appears turned counter-clockwise by ``r`` in the picture. With ``r > 0`` a
  truly vertical pole leans with its top to the image's left. The true "up"
  is then ``(-sin r, -cos r)`` in image coordinates and the true horizontal
  ``(cos r, -sin r)``; in world coordinates up is ``(-sin r, -cos r, 0)``.
  Camera pitch is not modelled: the camera is taken to be level.
* All functions work on stacked arrays (leading axes are frames) and return
  NaN wherever an input is NaN.
"""

from __future__ import annotations

import numpy as np


def image_gravity_axes(camera_roll_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """True horizontal and true up as unit vectors in image coordinates.

    Parameters
    ----------
    camera_roll_deg : float
        Camera roll in degrees (see the module notes; + = camera turned
        clockwise, picture content turned counter-clockwise).

    Returns
    -------
    right, up : (2,) float arrays
        ``right`` points along the true horizontal toward the image's right
        side; ``up`` points against gravity. Both in x-right, y-down pixels.
    """
    r = np.radians(camera_roll_deg)
    return np.array([np.cos(r), -np.sin(r)]), np.array([-np.sin(r), -np.cos(r)])


def world_up(camera_roll_deg: float) -> np.ndarray:
    """True up as a unit vector in world-landmark coordinates (x right, y down, z away)."""
    r = np.radians(camera_roll_deg)
    return np.array([-np.sin(r), -np.cos(r), 0.0])


def to_gravity_2d(vectors: np.ndarray, camera_roll_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Split image vectors into true-horizontal and true-up components.

    Parameters
    ----------
    vectors : (..., 2) array
        Image vectors in pixels (x right, y down).
    camera_roll_deg : float
        Camera roll in degrees (module notes).

    Returns
    -------
    horizontal, up : (...) arrays
        Component toward the image's (roll-corrected) right, and component
        against gravity, in pixels.
    """
    right, up = image_gravity_axes(camera_roll_deg)
    return vectors @ right, vectors @ up


def norm(vectors: np.ndarray) -> np.ndarray:
    """Euclidean length along the last axis."""
    return np.sqrt(np.sum(vectors * vectors, axis=-1))


def unit(vectors: np.ndarray) -> np.ndarray:
    """Vectors scaled to unit length along the last axis (NaN for zero length)."""
    length = norm(vectors)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(length > 0, vectors / np.where(length > 0, length, 1.0), np.nan)


def midpoint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Point halfway between ``a`` and ``b``."""
    return 0.5 * (a + b)


def reject(vectors: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Component of ``vectors`` perpendicular to ``normal`` (projection onto its plane).

    ``normal`` need not be unit length; it broadcasts against ``vectors``.
    """
    n = unit(normal)
    return vectors - np.sum(vectors * n, axis=-1, keepdims=True) * n


def signed_angle_2d(ref_x: np.ndarray, ref_y: np.ndarray, vec_x: np.ndarray, vec_y: np.ndarray) -> np.ndarray:
    """Angle in degrees from ``ref`` to ``vec`` in a plane whose y axis points up.

    Counter-clockwise (from +x toward +y) is positive; the result is in
    (-180, 180]. The caller chooses the axes, e.g. x = anterior and y = up
    for a sagittal angle, so that "counter-clockwise" has a body meaning.
    """
    cross = ref_x * vec_y - ref_y * vec_x
    dot = ref_x * vec_x + ref_y * vec_y
    return np.degrees(np.arctan2(cross, dot))


def signed_angle_3d(ref: np.ndarray, vec: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Angle in degrees from ``ref`` to ``vec`` after projecting both onto the plane normal to ``axis``.

    Positive when the turn from ``ref`` to ``vec`` is counter-clockwise seen
    from the tip of ``axis`` (right-hand rule). Result in (-180, 180].
    """
    n = unit(axis)
    r = reject(ref, n)
    v = reject(vec, n)
    cross = np.sum(np.cross(r, v) * n, axis=-1)
    dot = np.sum(r * v, axis=-1)
    return np.degrees(np.arctan2(cross, dot))


def angle_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned angle in degrees between vectors ``a`` and ``b`` (0..180)."""
    cross = (
        norm(np.cross(a, b)) if a.shape[-1] == 3 else np.abs(a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0])
    )
    return np.degrees(np.arctan2(cross, np.sum(a * b, axis=-1)))


def sagittal_2d(
    vectors: np.ndarray, facing: np.ndarray, camera_roll_deg: float
) -> tuple[np.ndarray, np.ndarray]:
    """Anterior and up components of image vectors in a side view.

    Parameters
    ----------
    vectors : (F, ..., 2) array
        Image vectors in pixels.
    facing : (F,) array
        +1 when the person faces the image's right, -1 when facing left,
        0 or NaN when unknown (the result is then NaN).
    camera_roll_deg : float
        Camera roll in degrees (module notes).

    Returns
    -------
    anterior, up : (F, ...) arrays, pixels.
    """
    horizontal, up = to_gravity_2d(vectors, camera_roll_deg)
    sign = np.where(np.isin(facing, (-1, 1)), facing, np.nan).astype(np.float64)
    sign = sign.reshape(sign.shape + (1,) * (horizontal.ndim - sign.ndim))
    return horizontal * sign, up


def world_body_axes(
    left_vector: np.ndarray, camera_roll_deg: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gravity-aligned body axes from a left-pointing body vector in world coordinates.

    Parameters
    ----------
    left_vector : (F, 3) array
        A vector toward the person's left, e.g. right hip -> left hip, in
        world-landmark coordinates.
    camera_roll_deg : float
        Camera roll in degrees (module notes).

    Returns
    -------
    left, anterior, up : (F, 3) unit vectors
        ``left`` is the horizontal part of ``left_vector``; ``anterior`` is
        horizontal and points the way the person faces (left x up);
        ``up`` is the true vertical.
    """
    up = np.broadcast_to(world_up(camera_roll_deg), left_vector.shape)
    left = unit(reject(left_vector, up))
    return left, np.cross(left, up), up
