"""Make faces in exported frames unrecognisable, from the pose landmarks alone."""

from __future__ import annotations

import math

import cv2
import numpy as np

from posturecheck.landmarks import NUM_LANDMARKS
from posturecheck.privacy.face_region import FaceCircle, face_circles

# Averaging cells across a face circle's diameter at strength 1: the face
# itself (about half the diameter) keeps about three, too few for its features.
CELLS_AT_STRENGTH_1 = 6


def blur_faces(
    image: np.ndarray, landmarks: np.ndarray, visibility: np.ndarray, strength: float = 1.0
) -> np.ndarray:
    """Return a copy of ``image`` with every detected person's face made unrecognisable.

    Parameters
    ----------
    image : (h, w) or (h, w, c) frame, any dtype OpenCV resizes (uint8 RGB in the pipeline).
    landmarks : (P, 33, >=2) normalised image landmarks of this frame, as
        ``PoseSeries.image[f]``; NaN: slot empty (skipped).
    visibility : (P, 33) visibility 0..1, as ``PoseSeries.visibility[f]``.
    strength : how coarse: the face circle is reduced to
        ``round(6 / strength)`` averaging cells across (at least 2). Below 1
        keeps more detail and may leave a face recognisable.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype; pixels outside the face circles (see
        :func:`posturecheck.privacy.face_region.face_circle`) are unchanged.

    Notes
    -----
    Inside a circle the pixels are replaced by a smooth (bilinear)
    interpolation of a few cell averages. Unlike a Gaussian blur, which
    deconvolution can partly undo, averaging over cells throws the detail
    away, and the interpolation leaves no block edges.
    """
    if image.ndim not in (2, 3):
        raise ValueError(f"image has shape {image.shape}, expected (h, w) or (h, w, c)")
    if landmarks.ndim != 3 or landmarks.shape[1] != NUM_LANDMARKS or landmarks.shape[2] < 2:
        raise ValueError(f"landmarks have shape {landmarks.shape}, expected (P, {NUM_LANDMARKS}, >=2)")
    if visibility.shape != landmarks.shape[:2]:
        raise ValueError(f"visibility has shape {visibility.shape}, expected {landmarks.shape[:2]}")
    if not strength > 0:
        raise ValueError(f"blur strength must be positive, got {strength}")
    cells = max(2, round(CELLS_AT_STRENGTH_1 / strength))
    canvas = image.copy()
    height, width = image.shape[:2]
    for circle in face_circles(landmarks, visibility, width, height):
        _smear_circle(canvas, circle, cells)
    return canvas


def _smear_circle(canvas: np.ndarray, circle: FaceCircle, cells: int) -> None:
    """Replace, in place, the pixels centred in ``circle`` by smoothly interpolated cell averages."""
    height, width = canvas.shape[:2]
    radius = max(circle.radius, 1.0)
    x0, x1 = max(0, math.floor(circle.x - radius)), min(width, math.ceil(circle.x + radius))
    y0, y1 = max(0, math.floor(circle.y - radius)), min(height, math.ceil(circle.y + radius))
    if x0 >= x1 or y0 >= y1:
        return
    patch = canvas[y0:y1, x0:x1]
    cell = 2.0 * radius / cells
    coarse = (max(1, round((x1 - x0) / cell)), max(1, round((y1 - y0) / cell)))
    small = cv2.resize(patch, coarse, interpolation=cv2.INTER_AREA)
    smooth = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR).reshape(patch.shape)
    rows, cols = np.ogrid[y0:y1, x0:x1]
    inside = (cols + 0.5 - circle.x) ** 2 + (rows + 0.5 - circle.y) ** 2 <= radius**2
    patch[inside] = smooth[inside]
