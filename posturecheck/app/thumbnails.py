"""Pictures for the class review: each person's thumbnail, cut from their clearest frame."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from posturecheck.io.sources import open_source

THUMBNAIL_HEIGHT = 160


def data_url(rgb: np.ndarray) -> str:
    """An RGB image as a JPEG ``data:`` URL, scaled to :data:`THUMBNAIL_HEIGHT` pixels high."""
    height, width = rgb.shape[:2]
    scale = THUMBNAIL_HEIGHT / max(height, 1)
    small = cv2.resize(rgb, (max(1, round(width * scale)), THUMBNAIL_HEIGHT), interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise ValueError("thumbnail could not be encoded")
    return "data:image/jpeg;base64," + base64.b64encode(jpeg.tobytes()).decode("ascii")


def thumbnails(clip: Path, people: Sequence[dict], source_size: tuple[int, int]) -> list[str]:
    """Each person's thumbnail as a JPEG data URL, in one pass over the clip's frames.

    Parameters
    ----------
    clip : the analysed clip (its frames are read again; nothing was kept in memory).
    people : the class assessment's ``details["people"]``; each has
        ``thumbnail["source_frame"]`` and ``thumbnail["box_px"]`` (x0, y0, x1, y1
        in pixels of the displayed frame, exclusive ends).
    source_size : (width, height) of the displayed frame the boxes refer to.

    Returns
    -------
    list of str
        One data URL per person, ``""`` for a frame the clip no longer yields.
    """
    wanted: dict[int, list[int]] = {}
    for i, person in enumerate(people):
        wanted.setdefault(int(person["thumbnail"]["source_frame"]), []).append(i)
    urls = [""] * len(people)
    last = max(wanted, default=-1)
    for frame in open_source(clip):
        height, width = frame.image.shape[:2]
        sx, sy = width / source_size[0], height / source_size[1]
        for i in wanted.get(frame.index, []):
            x0, y0, x1, y1 = people[i]["thumbnail"]["box_px"]
            crop = frame.image[
                int(y0 * sy) : max(int(y1 * sy), int(y0 * sy) + 1),
                int(x0 * sx) : max(int(x1 * sx), int(x0 * sx) + 1),
            ]
            urls[i] = data_url(crop)
        if frame.index >= last:
            break
    return urls
