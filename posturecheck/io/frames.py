"""The frame type every source yields, and the size frames are worked at."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Frames are scaled so their long side is at most this many pixels before
# inference and drawing. The pose detector looks at 224x224 and the landmark
# model at 256x256 crops, so larger frames add decoding cost, not accuracy.
DEFAULT_MAX_SIDE = 1280

# Frames smaller than this on their short side cannot hold a usable person.
MIN_SHORT_SIDE = 64

# Stills larger than this are refused rather than decoded into memory.
MAX_IMAGE_PIXELS = 120_000_000


@dataclass(frozen=True)
class Frame:
    """One decoded frame, upright (rotation metadata applied).

    Attributes
    ----------
    index : position of the frame in its source, from 0.
    time_s : seconds since the source's first frame (true presentation time
        for files, wall-clock for cameras).
    image : (h, w, 3) uint8 RGB at working size (long side at most the
        source's ``max_side``), C-contiguous.
    """

    index: int
    time_s: float
    image: np.ndarray


def working_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """Size (w, h) a frame of ``width x height`` is worked at.

    The long side is scaled down to ``max_side`` (never up), and both sides
    are rounded to a multiple of 16 pixels: MediaPipe 1.2 was seen to find no
    person at all in frames of some widths (1768 px), never in aligned ones.
    Normalised coordinates are unaffected: the map is a pure scale per axis.
    """
    scale = min(1.0, max_side / max(width, height))
    return (max(16, int(round(width * scale / 16)) * 16), max(16, int(round(height * scale / 16)) * 16))
