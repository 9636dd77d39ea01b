"""Draw the skeleton of each person slot on a frame."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from posturecheck.landmarks import MIN_VISIBILITY, SKELETON_EDGES

# One colour (RGB) per person slot, cycling; chosen to stay apart on grass and sky.
SLOT_COLOURS: tuple[tuple[int, int, int], ...] = (
    (255, 80, 80),
    (80, 160, 255),
    (255, 210, 0),
    (200, 90, 255),
    (0, 220, 160),
    (255, 140, 0),
)


def draw_skeletons(
    image: np.ndarray, landmarks: np.ndarray, visibility: np.ndarray, labels: Sequence[str] | None = None
) -> np.ndarray:
    """Return a copy of ``image`` with every detected person's skeleton drawn.

    Parameters
    ----------
    image : (h, w, 3) uint8 RGB.
    landmarks : (P, 33, >=2) normalised image landmarks (NaN: slot empty).
    visibility : (P, 33) visibility 0..1.
    labels : text drawn above each slot's shoulders (e.g. its person ID), or ``None``.
    """
    canvas = image.copy()
    height, width = canvas.shape[:2]
    thickness = max(1, round(min(width, height) / 240))
    for slot in range(landmarks.shape[0]):
        if np.isnan(landmarks[slot, 0, 0]):
            continue
        colour = SLOT_COLOURS[slot % len(SLOT_COLOURS)]
        points = np.round(landmarks[slot, :, :2] * (width, height)).astype(int)
        seen = visibility[slot] >= MIN_VISIBILITY
        for start, end in SKELETON_EDGES:
            weight = thickness * 2 if seen[start] and seen[end] else thickness
            cv2.line(canvas, tuple(points[start]), tuple(points[end]), colour, weight, cv2.LINE_AA)
        for index, point in enumerate(points):
            cv2.circle(canvas, tuple(point), thickness * 2, colour, -1 if seen[index] else 1, cv2.LINE_AA)
        if labels is not None:
            label_at = points[[11, 12]].min(axis=0) - (0, 6 * thickness)
            cv2.putText(
                canvas,
                labels[slot],
                tuple(label_at),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.4 * thickness,
                colour,
                thickness,
                cv2.LINE_AA,
            )
    return canvas
