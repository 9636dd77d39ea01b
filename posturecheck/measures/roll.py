"""Camera roll from long near-vertical straight edges in the scene.

Roll convention (the same as :mod:`posturecheck.measures.geometry`'s)
---------------
``roll_deg`` is the camera's roll about its viewing axis in degrees,
positive when the camera is turned clockwise as the operator behind it sees
it. The picture's content then appears turned counter-clockwise on screen
(image x to the right, y down): a plumb line hanging straight down appears
along the unit vector ``(sin(roll), cos(roll))`` (pointing down, see
:func:`vertical_from_roll`), so for a positive roll its lower end lies to the
right of its upper end and door frames lean with their tops to the left.
To level the picture, rotate it clockwise on screen by ``roll_deg``
(``cv2.getRotationMatrix2D(centre, -roll_deg, 1.0)``). An image-plane angle
measured counter-clockwise-positive on screen from the image's downward
vertical becomes an angle from true vertical by subtracting ``roll_deg``.

The estimate assumes that long straight edges within 15 deg of the image
vertical (door frames, wall corners, shelves' sides) are truly vertical in
the world, which holds for a camera looking roughly horizontally; a strongly
pitched camera makes vertical edges converge and the estimate less certain.

Where the scene has too few such edges, the roll does not have to be given
up: :mod:`posturecheck.measures.pitch` reads it (and the pitch) from the
person's own upright axis, per person, in this same convention, and the
measure pipeline uses that when no roll was given or found here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Frames are scaled down to at most this many pixels on their longer side
# first: Hough on full-HD frames costs time without improving a median angle.
_MAX_SIDE_PX = 960
_MAX_TILT_DEG = 15.0
# A segment must span this fraction of the frame height to count as a scene edge.
_MIN_LENGTH_FRACTION = 0.2
_MIN_LINES = 2
# Canny hysteresis thresholds on the blurred 8-bit image: fixed, so a flat
# background never turns into edges however dark or bright the frame is.
_CANNY_LOW, _CANNY_HIGH = 50, 150


@dataclass(frozen=True)
class RollEstimate:
    """Result of :func:`estimate_camera_roll`.

    Attributes
    ----------
    roll_deg : the camera roll in degrees (see the module's convention), or
        None when it could not be estimated.
    confidence : 0..1, grows with the number of distinct lines and falls as
        they disagree; 0 when ``roll_deg`` is None.
    n_lines : number of distinct long near-vertical lines found.
    reason : one line saying what the estimate rests on or why there is none.
    """

    roll_deg: float | None
    confidence: float
    n_lines: int
    reason: str


def vertical_from_roll(roll_deg: float) -> np.ndarray:
    """Unit vector ``(x, y)`` in image coordinates pointing down along true gravity.

    Image x points right and y down; ``roll_deg`` follows the module's
    convention (positive = camera turned clockwise, content appears turned
    counter-clockwise on screen), so ``roll_deg = 0`` gives ``(0, 1)`` and
    ``roll_deg = 90`` gives ``(1, 0)``.
    """
    roll = math.radians(roll_deg)
    return np.array([math.sin(roll), math.cos(roll)])


def _gray(image: np.ndarray) -> np.ndarray:
    """The image as 8-bit gray (RGB or RGBA converted, gray passed through)."""
    channels_ok = image.ndim == 2 or (image.ndim == 3 and image.shape[2] in (3, 4))
    if image.dtype != np.uint8 or not channels_ok:
        raise ValueError(f"expected a uint8 gray, RGB or RGBA image, got {image.dtype} {image.shape}")
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY if image.shape[2] == 3 else cv2.COLOR_RGBA2GRAY)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Value at which the cumulative weight of the sorted values reaches half the total."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])


def _count_lines(x_mid: np.ndarray, tolerance_px: float) -> int:
    """Distinct lines among segments, by where each crosses the frame's mid-height."""
    gaps = np.diff(np.sort(x_mid))
    return int(1 + np.count_nonzero(gaps > tolerance_px))


def _refined_deviation(edge_xy: np.ndarray, segment: np.ndarray) -> float:
    """Deviation (deg) of a straight line fitted to the edge pixels along one Hough segment.

    Hough segments join pixel centres, so a line a fraction of a degree off
    the vertical comes back as pixel-aligned pieces; fitting all the edge
    pixels within 1.5 px of the segment recovers the sub-pixel direction.
    """
    start, end = segment[:2], segment[2:]
    direction = (end - start) / np.linalg.norm(end - start)
    offset = edge_xy - start
    along = offset @ direction
    across = offset @ np.array([-direction[1], direction[0]])
    near = (np.abs(across) <= 1.5) & (along >= 0) & (along <= np.linalg.norm(end - start))
    points = edge_xy[near]
    if points.shape[0] < 3:
        points = np.stack([start, end])
    centred = points - points.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    fit = vectors[:, -1] * (1 if vectors[1, -1] >= 0 else -1)
    return math.degrees(math.atan2(-fit[0], fit[1]))


def _near_vertical_segments(
    gray: np.ndarray, ignore: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deviation from the image vertical (deg), length and mid-height crossing x of each long segment."""
    height = gray.shape[0]
    min_length = _MIN_LENGTH_FRACTION * height
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), _CANNY_LOW, _CANNY_HIGH)
    if ignore is not None:
        edges[ignore] = 0
    found = cv2.HoughLinesP(
        edges,
        rho=1,
        theta=np.pi / 720,
        threshold=max(10, int(min_length / 2)),
        minLineLength=min_length,
        maxLineGap=max(2, int(0.02 * height)),
    )
    if found is None:
        return np.empty(0), np.empty(0), np.empty(0)
    segments = found.reshape(-1, 4).astype(np.float64)
    dx, dy = segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1]
    # Coarse selection on the raw segment, pointed downwards, with a little slack for the refinement.
    coarse = np.degrees(np.arctan2(-np.where(dy < 0, -dx, dx), np.abs(dy)))
    segments = segments[np.abs(coarse) <= _MAX_TILT_DEG + 1]
    if segments.shape[0] == 0:
        return np.empty(0), np.empty(0), np.empty(0)
    edge_xy = np.column_stack(np.nonzero(edges)[::-1]).astype(np.float64)
    deviation = np.array([_refined_deviation(edge_xy, segment) for segment in segments])
    keep = np.abs(deviation) <= _MAX_TILT_DEG
    segments, deviation = segments[keep], deviation[keep]
    length = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    mid_y = 0.5 * (segments[:, 1] + segments[:, 3])
    x_mid = 0.5 * (segments[:, 0] + segments[:, 2]) - (0.5 * height - mid_y) * np.tan(np.radians(deviation))
    return deviation, length, x_mid


def estimate_camera_roll(image: np.ndarray, exclude: np.ndarray | None = None) -> RollEstimate:
    """Estimate the camera roll from long straight near-vertical edges.

    Parameters
    ----------
    image : (H, W, 3) RGB, (H, W, 4) RGBA or (H, W) gray, uint8.
    exclude : optional (H, W) bool
        Pixels to ignore, e.g. the person's segmentation mask (a standing
        person's outline is long and near-vertical but not a plumb line).

    Returns
    -------
    RollEstimate
        ``roll_deg`` (module convention) is minus the length-weighted median
        of the segments' clockwise leans from the image vertical. ``None`` with a reason
        when fewer than two distinct lines were found.

    Notes
    -----
    Edges come from Canny on the blurred gray image, segments from the
    probabilistic Hough transform; a segment counts when it is within
    15 deg of the image vertical and at least 20 % of the frame height long
    (so only rolls within +-15 deg can be measured). Each segment's angle is
    refined by a straight-line fit to the edge pixels along it.
    Both edges of a thick line, and collinear pieces of one edge, count as
    one line: segments crossing mid-height within 1 % of the width of each
    other are merged for ``n_lines``. ``confidence = n / (n + 2) / (1 +
    (s / 1 deg)^2)`` for ``n`` lines whose length-weighted median absolute
    deviation from the estimate is ``s`` degrees.
    """
    gray = _gray(image)
    if exclude is not None and exclude.shape != gray.shape:
        raise ValueError(f"exclude mask has shape {exclude.shape}, expected {gray.shape}")
    scale = min(1.0, _MAX_SIDE_PX / max(gray.shape))
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ignore = None
    if exclude is not None:
        ignore = cv2.resize(exclude.astype(np.uint8), gray.shape[::-1], interpolation=cv2.INTER_NEAREST)
        # Grown by a few pixels so the outline of the excluded object is dropped too.
        ignore = cv2.dilate(ignore, np.ones((7, 7), np.uint8)).astype(bool)
    deviation, length, x_mid = _near_vertical_segments(gray, ignore)
    n_lines = _count_lines(x_mid, max(3.0, 0.01 * gray.shape[1])) if deviation.size else 0
    if n_lines < _MIN_LINES:
        return RollEstimate(
            None,
            0.0,
            n_lines,
            f"found {n_lines} long near-vertical line(s) in the scene; at least {_MIN_LINES} are needed",
        )
    # Segment deviations are clockwise-positive leans on screen; the camera
    # roll that produces a lean is of the opposite sign.
    lean = _weighted_median(deviation, length)
    spread = _weighted_median(np.abs(deviation - lean), length)
    roll = -lean
    confidence = n_lines / (n_lines + 2) / (1 + spread**2)
    return RollEstimate(
        roll,
        float(confidence),
        n_lines,
        f"{n_lines} near-vertical lines ({deviation.size} segments) agreeing within {spread:.1f} deg",
    )
