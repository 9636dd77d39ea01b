"""Key frames of an analysis: which frames to show, reading them, faces blurred and skeletons drawn."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from posturecheck.draw.skeleton import draw_skeletons
from posturecheck.io.sources import open_source
from posturecheck.measures.catalogue import HIP_FLEXION
from posturecheck.measures.extremes import sustained_extreme
from posturecheck.measures.summary import PersonSummary
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.series import PoseSeries
from posturecheck.privacy import blur_faces
from posturecheck.results.recompute import summary_measure

# Two key frames closer than this show nearly the same pose; the later candidate is skipped.
MIN_SEPARATION_S = 0.3
# Long side of the frames read for the report, pixels: enough for a crop around one person.
READ_MAX_SIDE = 1280
# The crop around a person: this share of their landmark box's height is added above and below,
# and the crop is at least this wide relative to its height (room for the angle labels).
CROP_MARGIN = 0.12
CROP_MIN_ASPECT = 0.9
# Height of a key frame picture, pixels: the crop is scaled to it before the skeleton is drawn, so lines
# come out the same weight whatever the clip's size.
KEY_FRAME_HEIGHT_PX = 576


@dataclass(frozen=True)
class KeyFrame:
    """A frame chosen to be shown.

    Attributes
    ----------
    row : the frame's row in the pose series.
    time_s : its time in the clip.
    why : what it shows, e.g. "peak left hip flexion".
    """

    row: int
    time_s: float
    why: str


def choose_key_frames(
    table: MeasureTable, person_summary: PersonSummary, in_view: np.ndarray, count: int = 3
) -> list[KeyFrame]:
    """Up to ``count`` frames: the extremes of hip flexion, then typical frames, in time order.

    Parameters
    ----------
    table : the person's per-frame measures.
    person_summary : their entry in the summary's ``measures``.
    in_view : (F,) bool, frames where they were detected.
    count : most frames to choose.

    Returns
    -------
    list of KeyFrame
        Candidates in this order, each skipped when it lies within
        :data:`MIN_SEPARATION_S` of one already chosen: the frames of the
        summary's peak left and right hip flexion and of the lower of the two
        sides' minima (peak hip extension when negative), where valid; then the
        frames at the middle, first quarter and last quarter of the frames
        with a valid hip flexion (or, with none, of the frames in view).
        Empty when the person is never in view.

    Notes
    -----
    The extremes come first because they are the figures the report states
    (an extreme caused by a tracking error shows as such); the typical
    frames fill the rest when the extremes fall close together.
    """
    chosen: list[KeyFrame] = []
    for row, why in _candidates(table, person_summary, in_view):
        if len(chosen) < count and all(
            abs(table.times_s[row] - k.time_s) >= MIN_SEPARATION_S for k in chosen
        ):
            chosen.append(KeyFrame(row, float(table.times_s[row]), why))
    return sorted(chosen, key=lambda k: k.row)


def _candidates(
    table: MeasureTable, person_summary: PersonSummary, in_view: np.ndarray
) -> list[tuple[int, str]]:
    extremes: list[tuple[int, str]] = []
    lowest: tuple[float, int, str] | None = None
    measured = np.zeros(table.n_frames, dtype=bool)
    for side in ("left", "right"):
        measure = summary_measure(table, person_summary, HIP_FLEXION.of(side))
        if measure is None or not measure.valid.any():
            continue
        measured |= measure.valid
        # Peaks held for 0.1 s, as the summary reports them, so a one-frame glitch is not shown as one.
        high = sustained_extreme(measure.values, measure.valid, table.times_s)
        least = sustained_extreme(measure.values, measure.valid, table.times_s, largest=False)
        if high.index is None or least.index is None:
            continue
        extremes.append((high.index, f"peak {side} hip flexion"))
        if lowest is None or least.value < lowest[0]:
            word = f"peak {side} hip extension" if least.value < 0 else f"least {side} hip flexion"
            lowest = (least.value, least.index, word)
    if lowest is not None:
        extremes.append((lowest[1], lowest[2]))
    pool = np.flatnonzero(measured if measured.any() else in_view)
    typical = (
        [(int(pool[int(len(pool) * q)]), "typical frame") for q in (0.5, 0.25, 0.75)] if len(pool) else []
    )
    return extremes + typical


def read_frames(path: Path, indices: Iterable[int], max_side: int = READ_MAX_SIDE) -> dict[int, np.ndarray]:
    """The frames of a clip, photo or photo folder at the given source indices, RGB.

    Decoding stops after the last wanted frame; indices past the end are missing from the result.

    Raises
    ------
    InputError
        If ``path`` cannot be opened as a frame source.
    """
    wanted = set(indices)
    found: dict[int, np.ndarray] = {}
    if not wanted:
        return found
    for frame in open_source(path, "any", max_side):
        if frame.index in wanted:
            found[frame.index] = frame.image
            if len(found) == len(wanted):
                break
    return found


def key_frame_image(
    image: np.ndarray, series: PoseSeries, row: int, person: int, blur: bool, skeleton: bool
) -> tuple[np.ndarray, np.ndarray]:
    """One frame cropped around a person and scaled to :data:`KEY_FRAME_HEIGHT_PX`, ready to show.

    Parameters
    ----------
    image : (h, w, 3) RGB frame, any size (landmarks are normalised).
    series : the pose series; ``row`` is a frame of it.
    person : the person slot to crop around.
    blur : make every face in the crop unrecognisable.
    skeleton : draw every person's skeleton (off for frames of the annotated video, which have it).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The picture, and every person's (P, 33, 2) landmarks normalised to it.
    """
    height, width = image.shape[:2]
    box = person_crop(series.image[row, person], width, height)
    x0, y0, x1, y1 = box
    scale = KEY_FRAME_HEIGHT_PX / (y1 - y0)
    size = (max(1, round((x1 - x0) * scale)), KEY_FRAME_HEIGHT_PX)
    crop = cv2.resize(
        image[y0:y1, x0:x1], size, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    )
    landmarks = crop_landmarks(series.image[row], box, width, height)
    shown = compose_frame(crop, landmarks, series.visibility[row], blur, skeleton)
    return shown, landmarks


def crop_landmarks(
    landmarks: np.ndarray, box: tuple[int, int, int, int], width: int, height: int
) -> np.ndarray:
    """(P, 33, 2) landmarks normalised to ``box`` (x0, y0, x1, y1 px of the width x height frame)."""
    x0, y0, x1, y1 = box
    scaled = landmarks[..., :2].astype(np.float64) * (width, height)
    return (scaled - (x0, y0)) / (x1 - x0, y1 - y0)


def compose_frame(
    image: np.ndarray, landmarks: np.ndarray, visibility: np.ndarray, blur: bool, skeleton: bool
) -> np.ndarray:
    """A copy of ``image`` with every face blurred (when asked), then every skeleton drawn (when asked).

    ``landmarks`` (P, 33, >=2) are normalised to ``image``, ``visibility`` (P, 33).
    Faces are blurred first so the skeleton's head lines stay visible over the blur.
    """
    shown = blur_faces(image, landmarks, visibility) if blur else image.copy()
    return draw_skeletons(shown, landmarks, visibility) if skeleton else shown


def person_crop(landmarks: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """A box ``(x0, y0, x1, y1)`` in pixels around one person, inside the frame.

    Parameters
    ----------
    landmarks : (33, >=2) the person's normalised image landmarks in this frame.
    width, height : frame size in pixels.

    Notes
    -----
    The landmarks' box grows by :data:`CROP_MARGIN` of its height on every
    side and is widened to at least :data:`CROP_MIN_ASPECT` of its height,
    then shifted (not shrunk) to stay inside the frame where it fits. The
    whole frame when no landmark is finite.
    """
    points = landmarks[:, :2][np.isfinite(landmarks[:, :2]).all(axis=1)] * (width, height)
    if not len(points):
        return 0, 0, width, height
    low, high = points.min(axis=0), points.max(axis=0)
    margin = CROP_MARGIN * (high[1] - low[1])
    box_w = max(high[0] - low[0] + 2 * margin, CROP_MIN_ASPECT * (high[1] - low[1] + 2 * margin))
    box_h = high[1] - low[1] + 2 * margin
    x0, y0 = _fit((low[0] + high[0] - box_w) / 2, box_w, width), _fit(low[1] - margin, box_h, height)
    return x0, y0, min(width, round(x0 + box_w)), min(height, round(y0 + box_h))


def _fit(start: float, size: float, limit: int) -> int:
    """``start`` moved so a span of ``size`` stays within ``0..limit`` where it can."""
    return int(round(max(0.0, min(start, limit - size))))
