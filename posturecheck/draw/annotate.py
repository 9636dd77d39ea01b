"""One frame of the annotated video: faces blurred on request, then the skeletons drawn."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from posturecheck.draw.skeleton import draw_skeletons
from posturecheck.privacy.blur import blur_faces


def annotated_picture(
    image: np.ndarray,
    landmarks: np.ndarray,
    visibility: np.ndarray,
    labels: Sequence[str] | None,
    blur: bool,
) -> np.ndarray:
    """A new (h, w, 3) uint8 RGB picture: ``image`` with faces blurred (if ``blur``) and skeletons drawn.

    ``landmarks``: (P, 33, >=2) normalised image landmarks; ``visibility``: (P, 33);
    ``labels``: one per slot, drawn beside each skeleton, or ``None``.
    """
    picture = blur_faces(image, landmarks, visibility) if blur else image
    return draw_skeletons(picture, landmarks, visibility, labels)
