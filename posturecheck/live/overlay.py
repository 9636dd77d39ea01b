"""Drawing the live figures and guidance onto the camera picture."""

from __future__ import annotations

import cv2
import numpy as np

from posturecheck.draw.skeleton import draw_skeletons
from posturecheck.landmarks import Landmark
from posturecheck.live.frame_figures import LiveFigures
from posturecheck.measures.catalogue import TRUNK_INCLINATION, measure_label

_FONT = cv2.FONT_HERSHEY_SIMPLEX
_WHITE = (255, 255, 255)
_GUIDANCE_BG = (200, 90, 0)
_PANEL_BG = (0, 0, 0)


def _angle(value: float | None) -> str:
    return "--" if value is None else f"{value:+.0f} deg"


def _box(canvas: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
    """A half-transparent filled box."""
    patch = canvas[y0:y1, x0:x1]
    patch[:] = (0.45 * patch + 0.55 * np.array(colour)).astype(np.uint8)


def draw_live(
    image: np.ndarray,
    landmarks: np.ndarray,
    visibility: np.ndarray,
    figures: LiveFigures,
    counts: dict[str, int],
    not_counted: str = "",
) -> np.ndarray:
    """The frame with the skeleton, each hip's angle beside it, a figures panel and the guidance.

    Parameters
    ----------
    image : (h, w, 3) uint8 RGB camera frame.
    landmarks : (P, 33, 3) normalised image landmarks of the people found.
    visibility : (P, 33) visibility.
    figures : this frame's figures for the first person.
    counts : knee raises so far per side.
    not_counted : why recent frames were not counted (shown where no guidance is).
    """
    canvas = draw_skeletons(image, landmarks, visibility) if landmarks.shape[0] else image.copy()
    height, width = canvas.shape[:2]
    scale = max(0.45, min(width, height) / 480)
    thick = max(1, round(scale * 2))
    line = int(28 * scale)
    if landmarks.shape[0]:
        # In a side view the two hips nearly coincide: left's angle goes above, right's below.
        for side, hip, shift in (
            ("left", Landmark.LEFT_HIP, -line // 3),
            ("right", Landmark.RIGHT_HIP, line),
        ):
            value = figures.hip_flexion.get(side)
            if value is None:
                continue
            x, y = (landmarks[0, hip, :2] * (width, height)).astype(int)
            text = f"{side[0].upper()} {value:.0f}"
            cv2.putText(canvas, text, (x + 10, y + shift), _FONT, scale * 0.7, _WHITE, thick, cv2.LINE_AA)
    hips = figures.hip_flexion
    rows = [
        f"Hip flexion  L {_angle(hips.get('left'))}  R {_angle(hips.get('right'))}",
        f"{measure_label(TRUNK_INCLINATION)}  {_angle(figures.trunk_inclination)}",
        f"Knee raises  L {counts.get('left', 0)}  R {counts.get('right', 0)}",
    ]
    _box(canvas, 0, 0, min(width, int(430 * scale)), line * len(rows) + line // 2, _PANEL_BG)
    for i, text in enumerate(rows):
        cv2.putText(
            canvas, text, (int(8 * scale), line * (i + 1)), _FONT, scale * 0.8, _WHITE, thick, cv2.LINE_AA
        )
    message = figures.guidance or not_counted
    if message:
        _box(canvas, 0, height - int(line * 1.6), width, height, _GUIDANCE_BG)
        cv2.putText(
            canvas,
            message,
            (int(10 * scale), height - int(line * 0.5)),
            _FONT,
            scale * 0.9,
            _WHITE,
            thick,
            cv2.LINE_AA,
        )
    return canvas
