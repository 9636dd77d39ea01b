"""Where each person's face is in a frame, from the pose model's head landmarks (no face model).

The region is a circle: it covers the head whatever its tilt, so faces in
side view, lying down or upside down (yoga inversions) are handled alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posturecheck.landmarks import Landmark

# Nose, eyes, ears and mouth: BlazePose landmarks 0..10.
HEAD_LANDMARKS = slice(Landmark.NOSE, Landmark.MOUTH_RIGHT + 1)
EYES = [
    Landmark.LEFT_EYE_INNER,
    Landmark.LEFT_EYE,
    Landmark.LEFT_EYE_OUTER,
    Landmark.RIGHT_EYE_INNER,
    Landmark.RIGHT_EYE,
    Landmark.RIGHT_EYE_OUTER,
]
MOUTH = [Landmark.MOUTH_LEFT, Landmark.MOUTH_RIGHT]
EARS = [Landmark.LEFT_EAR, Landmark.RIGHT_EAR]

# Head breadth (ear to ear, about 15 cm in adults) relative to distances that
# stay long when the head turns: eyes to mouth (about 7 cm, vertical) and
# ear to nose tip (about 11.5 cm, seen whole in side view).
HEAD_WIDTH_PER_EYE_MOUTH = 2.0
HEAD_WIDTH_PER_EAR_NOSE = 1.3
# Radius per head breadth: half a head height (about 23 cm) is 0.77 breadths;
# the rest is margin for the landmarks' jitter and for hair.
RADIUS_PER_HEAD_WIDTH = 1.1
# Head landmarks below this visibility are used only when fewer than two are above it.
MIN_VISIBILITY = 0.5


@dataclass(frozen=True)
class FaceCircle:
    """A face region in pixels of the frame: centre ``(x, y)``, x right and y down, and radius."""

    x: float
    y: float
    radius: float


def face_circles(landmarks: np.ndarray, visibility: np.ndarray, width: int, height: int) -> list[FaceCircle]:
    """The face region of every person slot that has one.

    Parameters
    ----------
    landmarks : (P, 33, >=2) normalised image landmarks of one frame (x, y in 0..1); NaN: slot empty.
    visibility : (P, 33) visibility 0..1.
    width, height : frame size in pixels.

    Returns
    -------
    list of FaceCircle
        One per slot with at least two finite head landmarks, in slot order.
    """
    scale = np.array([width, height], dtype=np.float64)
    circles = []
    for slot in range(landmarks.shape[0]):
        head = landmarks[slot, HEAD_LANDMARKS, :2].astype(np.float64) * scale
        circle = face_circle(head, visibility[slot, HEAD_LANDMARKS])
        if circle is not None:
            circles.append(circle)
    return circles


def face_circle(head_px: np.ndarray, visibility: np.ndarray) -> FaceCircle | None:
    """The face region of one person from their 11 head landmarks.

    Parameters
    ----------
    head_px : (11, 2) landmarks 0..10 in pixels; NaN rows are ignored.
    visibility : (11,) their visibility.

    Returns
    -------
    FaceCircle or None
        Centred on the mean of the landmarks used, with radius
        ``RADIUS_PER_HEAD_WIDTH`` times the head breadth estimated as the
        largest of: ear to ear; eyes to mouth and ear to nose, scaled to a
        breadth; the landmarks' own spread. ``None`` with fewer than two
        finite landmarks.

    Notes
    -----
    Taking the largest estimate keeps the circle big when turning the head
    shortens one distance (ear to ear in side view, eyes to mouth when
    looking down). The visible landmarks are used when at least two are
    visible; otherwise all finite ones, so a face the model barely sees is
    still covered: a wrongly placed landmark only makes the circle larger.
    """
    finite = np.isfinite(head_px).all(axis=1)
    used = finite & (visibility >= MIN_VISIBILITY)
    if used.sum() < 2:
        used = finite
    if used.sum() < 2:
        return None
    centre = head_px[used].mean(axis=0)
    width = _head_width(head_px, used)
    return FaceCircle(float(centre[0]), float(centre[1]), RADIUS_PER_HEAD_WIDTH * width)


def _head_width(head_px: np.ndarray, used: np.ndarray) -> float:
    """Head breadth in pixels, the largest estimate the ``used`` landmarks allow."""
    points = head_px[used]
    estimates = [float(np.max(np.linalg.norm(points[:, None] - points[None], axis=-1)))]
    if used[EARS].all():
        estimates.append(float(np.linalg.norm(head_px[EARS[0]] - head_px[EARS[1]])))
    eyes = [i for i in EYES if used[i]]
    mouth = [i for i in MOUTH if used[i]]
    if eyes and mouth:
        gap = head_px[eyes].mean(axis=0) - head_px[mouth].mean(axis=0)
        estimates.append(HEAD_WIDTH_PER_EYE_MOUTH * float(np.linalg.norm(gap)))
    if used[Landmark.NOSE]:
        estimates += [
            HEAD_WIDTH_PER_EAR_NOSE * float(np.linalg.norm(head_px[ear] - head_px[Landmark.NOSE]))
            for ear in EARS
            if used[ear]
        ]
    return max(estimates)
