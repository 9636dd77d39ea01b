"""Which way the person faces, from where the camera sees them, and whether they are in frame.

Body yaw
--------
``yaw`` (degrees, -180..180) is the direction the person faces, measured in
the horizontal plane from the image's right toward the camera:

* 0 = side view facing the image's right, 180 = side view facing left,
* +90 = front view (facing the camera), -90 = back view.

"Degrees from side" (``off_side_deg``, 0..90) folds it: 0 for a pure side
view, 90 for a pure front or back view. Views are labelled ``side``
(within :attr:`ViewLimits.side_max_deg`), ``front``/``back`` (beyond
:attr:`ViewLimits.front_min_deg`) and ``oblique`` in between.

Yaw is estimated two ways:

* from world landmarks (:func:`body_yaw_3d`): the horizontal part of the
  shoulder and hip axes against the camera's line of sight. Needs
  MediaPipe's depth estimate, but no assumption about body proportions.
* from image landmarks (:func:`body_yaw_2d`): the shoulder and hip widths
  seen in the image against the trunk length give ``|sin yaw|`` (for a
  typical adult the two widths add up to :data:`FRONT_WIDTH_RATIO` trunk
  lengths in a front view and shrink to zero in a side view); which of the
  person's sides is on the image's right tells front from back; the
  facing direction (:func:`facing_direction`) tells right from left.

:func:`estimate_view` uses the world estimate where it exists and the image
one elsewhere. The camera roll convention is that of
:mod:`posturecheck.measures.geometry`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posturecheck.landmarks import Landmark
from posturecheck.measures.geometry import midpoint, norm, to_gravity_2d, unit, world_up
from posturecheck.measures.joint_angles import mid_hip, mid_shoulder

# Shoulder width (11-12) plus hip width (23-24) over trunk length (mid-hip to
# mid-shoulder) in a front view: about 0.70 + 0.42 for adult proportions
# (shoulder joints ~0.20 of stature apart, hip joints ~0.12, trunk ~0.29).
FRONT_WIDTH_RATIO = 1.12
# Nose ahead of the ears (or toes ahead of the heels), in trunk lengths, below
# which a cue does not tell the facing direction. A side view gives about 0.2
# for the head and 0.45 for the feet; a front view gives 0.
MIN_FACING_SCORE = 0.1

_NAMES = {int(m): m.name.lower().replace("_", " ") for m in Landmark}

# Validity limits, degrees from a side view as posturecheck estimates it
# (:attr:`ViewEstimate.off_side_deg`). They come from two sources, and the
# tighter one wins (docs/validation.md has both tables):
#
# * synthetic skeletons seen through perfect pinhole cameras with perfect
#   depth (benchmarks/accuracy_synthetic.py): 2D sagittal angles hold within
#   15 deg of a side view, 3D ones to 60, 2D frontal ones beyond 80, 3D ones
#   beyond 30;
# * real, calibrated 4-camera lab footage (benchmarks/validation_multiview.py,
#   Pose2Sim's Demo_MultiPerson; Demo_SinglePerson held out), MediaPipe
#   triangulated from all views as the reference. There, with the camera
#   roll given, hip and knee flexion from every view 30-90 deg from side
#   missed "within about 10 deg" (mean absolute error <= 7 deg, <= 5 % of
#   frames more than 15 deg off) in BOTH variants: 3D hip flexion 10.8 deg
#   MAE with 34 % over 15 deg at 30-45 deg, 11-12 deg and 23-30 % beyond;
#   frames the view estimate put within 30 deg of side read 13.7 deg off
#   (3D hip and knee, 45 % over 15). MediaPipe's depth does not carry a
#   sagittal angle into an oblique view, so the 3D variant gets no wider
#   limit than the 2D one. The 3D frontal tilts read 10.3-11.6 deg off
#   (19-26 % over 15) 30-60 deg from side and 6.9 deg (2 %) from 60 deg on,
#   near the 2D front view's 6.2 deg (3 %) from 80 deg. The script's rule
#   would put the frontal limits at 90 (2D) and 70 (3D) for misses of
#   0.1-0.2 deg of mean error, under the reference's own spread; 80 and 60
#   are kept (docs/validation.md, "The limits chosen").
#
# The footage holds no view nearer than 30 deg to a side view, so the 2D
# side-view limit rests on the synthetic result alone.
SIDE_MAX_DEG = 15.0
SAGITTAL_3D_MAX_DEG = 15.0
FRONT_MIN_DEG = 80.0
FRONTAL_3D_MIN_DEG = 60.0


def landmark_name(index: int) -> str:
    """Readable name of a landmark, e.g. ``"left knee"``."""
    return _NAMES[int(index)]


@dataclass(frozen=True)
class ViewLimits:
    """Thresholds for view classification and frame checks.

    Attributes
    ----------
    side_max_deg : largest yaw from a pure side view still called a side
        view; 2D sagittal measures need it (:data:`SIDE_MAX_DEG`).
    sagittal_3d_max_deg : largest yaw from side at which 3D sagittal measures
        are trusted (:data:`SAGITTAL_3D_MAX_DEG`).
    front_min_deg : smallest yaw from side called a front/back view; 2D
        frontal measures need it (:data:`FRONT_MIN_DEG`).
    frontal_3d_min_deg : smallest yaw from side at which 3D frontal measures
        are trusted (:data:`FRONTAL_3D_MIN_DEG`; nearer a side view the hip
        axis lies along the depth, which is only estimated).
    min_person_extent : smallest fraction of the frame the person must span
        (height or width of the landmarks' bounding box, whichever is larger).
    """

    side_max_deg: float = SIDE_MAX_DEG
    sagittal_3d_max_deg: float = SAGITTAL_3D_MAX_DEG
    front_min_deg: float = FRONT_MIN_DEG
    frontal_3d_min_deg: float = FRONTAL_3D_MIN_DEG
    min_person_extent: float = 0.15


class ViewEstimate:
    """Per-frame view of one person; all arrays have length F.

    Attributes
    ----------
    facing : int8, +1 facing the image's right, -1 left, 0 unknown.
    yaw_2d_deg, yaw_3d_deg : body yaw from image and from world landmarks
        (module notes), NaN where not estimated.
    yaw_deg : the world estimate where finite, else the image estimate.
    off_side_deg : ``yaw_deg`` folded to 0 (side) .. 90 (front/back).
    label : "side", "oblique", "front", "back" or "unknown".
    near_side : "left"/"right", the person's side toward the camera, or "".
    extent : fraction of the frame the person spans (see :class:`ViewLimits`).
    outside : (F, 33) bool, landmark outside the frame (x or y not in 0..1).

    A view made by :meth:`padded` keeps only the frames it was estimated
    over and makes each array afresh on access, the frames before and after
    repeating its first and last frame; one made by :meth:`taken` keeps the
    frames it was estimated over and which of them each of its frames
    repeats. Read each array once where a loop needs it.
    """

    __slots__ = ("_arrays", "_start", "_n", "_index")

    def __init__(
        self,
        facing: np.ndarray,
        yaw_2d_deg: np.ndarray,
        yaw_3d_deg: np.ndarray,
        yaw_deg: np.ndarray,
        off_side_deg: np.ndarray,
        label: np.ndarray,
        near_side: np.ndarray,
        extent: np.ndarray,
        outside: np.ndarray,
    ) -> None:
        arrays = (facing, yaw_2d_deg, yaw_3d_deg, yaw_deg, off_side_deg, label, near_side, extent, outside)
        if len({len(array) for array in arrays}) > 1:
            raise ValueError("ViewEstimate: every array must have one entry per frame")
        self._arrays: tuple[np.ndarray, ...] = arrays
        self._start, self._n = 0, len(facing)
        # Frame i of the view (before padding) is entry _index[i] of the arrays; None: entry i.
        self._index: np.ndarray | None = None

    def padded(self, first: int, n_frames: int) -> ViewEstimate:
        """This view as frames ``first`` onwards of ``n_frames``; the frames before and after repeat
        its first and last frame (sharing its arrays)."""
        own = self._own_frames()
        if first < 0 or first + own > n_frames or own == 0 or self._n != own:
            raise ValueError(f"a view of {own} frames from frame {first} does not fit in {n_frames}")
        twin = object.__new__(ViewEstimate)
        twin._arrays, twin._start, twin._n, twin._index = self._arrays, first, n_frames, self._index
        return twin

    def taken(self, index: np.ndarray) -> ViewEstimate:
        """A view whose frame ``i`` is this one's frame ``index[i]`` (any frames, repeats allowed),
        sharing its arrays (4 bytes per frame of the new view)."""
        own = self._own_frames()
        if self._n != own:
            raise ValueError("a padded view cannot be taken from")
        index = np.asarray(index)
        if index.size and (index.min() < 0 or index.max() >= own):
            raise ValueError(f"frames {index.min()}-{index.max()} are not within the view's {own}")
        twin = object.__new__(ViewEstimate)
        twin._arrays, twin._start, twin._n = self._arrays, 0, int(index.size)
        twin._index = (index if self._index is None else self._index[index]).astype(np.int32)
        return twin

    def _own_frames(self) -> int:
        return len(self._arrays[0]) if self._index is None else len(self._index)

    def _full(self, index: int) -> np.ndarray:
        part = self._arrays[index] if self._index is None else self._arrays[index][self._index]
        if len(part) == self._n:
            return part
        stop = self._start + len(part)
        full = np.empty((self._n, *part.shape[1:]), dtype=part.dtype)
        full[self._start : stop] = part
        full[: self._start] = part[0]
        full[stop:] = part[-1]
        return full

    @property
    def facing(self) -> np.ndarray:
        return self._full(0)

    @property
    def yaw_2d_deg(self) -> np.ndarray:
        return self._full(1)

    @property
    def yaw_3d_deg(self) -> np.ndarray:
        return self._full(2)

    @property
    def yaw_deg(self) -> np.ndarray:
        return self._full(3)

    @property
    def off_side_deg(self) -> np.ndarray:
        return self._full(4)

    @property
    def label(self) -> np.ndarray:
        return self._full(5)

    @property
    def near_side(self) -> np.ndarray:
        return self._full(6)

    @property
    def extent(self) -> np.ndarray:
        return self._full(7)

    @property
    def outside(self) -> np.ndarray:
        return self._full(8)


@dataclass(frozen=True)
class ViewSummary:
    """The view over a whole clip.

    Attributes
    ----------
    label : the most common per-frame label among frames with a person.
    fractions : share of frames with a person carrying each label.
    median_off_side_deg : median yaw from side over those frames (NaN if none).
    facing : the most common known facing direction (+1, -1, or 0).
    yaw_source : "3d" when world landmarks gave the yaw, "2d" otherwise.
    """

    label: str
    fractions: dict[str, float]
    median_off_side_deg: float
    facing: int
    yaw_source: str


def sagittal_view_words(limits: ViewLimits) -> str:
    """The view sagittal measures need, in words, e.g. ``"within 15 deg of a square side view"``."""
    words = f"within {limits.side_max_deg:.0f} deg of a square side view"
    if limits.sagittal_3d_max_deg > limits.side_max_deg:
        words += f" (up to {limits.sagittal_3d_max_deg:.0f} deg with the less precise 3D landmarks)"
    return words


def frontal_view_words(limits: ViewLimits) -> str:
    """The view frontal measures need, in words, e.g. ``"a front or back view, beyond 80 deg from side"``."""
    words = f"a front or back view, beyond {limits.front_min_deg:.0f} deg from side"
    if limits.frontal_3d_min_deg < limits.front_min_deg:
        words += f" (from {limits.frontal_3d_min_deg:.0f} deg with the less precise 3D landmarks)"
    return words


def facing_direction(image_px: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Which way the person faces in the image, per frame.

    The nose (0) lies ahead of the ears (7, 8) whatever the limbs do, so its
    horizontal offset from the mid-ear point (true horizontal, corrected for
    camera roll), in trunk lengths, decides. Where the head gives no clear
    answer (landmarks missing, or the offset under
    :data:`MIN_FACING_SCORE`) the toes (31, 32) ahead of the heels (29, 30)
    decide instead; feet are second because a strongly bent knee can point
    them backwards.

    Parameters
    ----------
    image_px : (F, 33, 2) array, pixels.
    camera_roll_deg : float

    Returns
    -------
    (F,) int8
        +1 facing the image's right, -1 facing left, 0 when neither cue
        reaches :data:`MIN_FACING_SCORE` trunk lengths (front and back views).
    """
    trunk = norm(mid_shoulder(image_px) - mid_hip(image_px))
    ears = midpoint(image_px[:, Landmark.LEFT_EAR], image_px[:, Landmark.RIGHT_EAR])
    toes = midpoint(image_px[:, Landmark.LEFT_FOOT_INDEX], image_px[:, Landmark.RIGHT_FOOT_INDEX])
    heels = midpoint(image_px[:, Landmark.LEFT_HEEL], image_px[:, Landmark.RIGHT_HEEL])
    head, _ = to_gravity_2d(image_px[:, Landmark.NOSE] - ears, camera_roll_deg)
    feet, _ = to_gravity_2d(toes - heels, camera_roll_deg)
    with np.errstate(invalid="ignore"):
        head_clear = np.abs(head / trunk) >= MIN_FACING_SCORE
        score = np.where(head_clear, head / trunk, feet / trunk)
    facing = np.where(score >= MIN_FACING_SCORE, 1, np.where(score <= -MIN_FACING_SCORE, -1, 0))
    return facing.astype(np.int8)


def body_yaw_2d(image_px: np.ndarray, facing: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Body yaw from image landmarks (module notes), degrees, (F,).

    ``sin(yaw)`` is the right-to-left shoulder (12 -> 11) plus hip
    (24 -> 23) horizontal widths over :data:`FRONT_WIDTH_RATIO` trunk
    lengths, clipped to -1..1: positive when the person's left is on the
    image's right, i.e. they face the camera. ``cos(yaw)`` takes its sign
    from ``facing``; with facing unknown the view is taken as front or back
    (yaw +-90). Individual proportions and a trunk bent toward the camera
    bias it; prefer :func:`body_yaw_3d` where world landmarks exist.
    """
    across = (image_px[:, Landmark.LEFT_SHOULDER] - image_px[:, Landmark.RIGHT_SHOULDER]) + (
        image_px[:, Landmark.LEFT_HIP] - image_px[:, Landmark.RIGHT_HIP]
    )
    width, _ = to_gravity_2d(across, camera_roll_deg)
    trunk = norm(mid_shoulder(image_px) - mid_hip(image_px))
    sin_yaw = np.clip(width / (FRONT_WIDTH_RATIO * trunk), -1.0, 1.0)
    cos_yaw = np.sqrt(1.0 - sin_yaw**2) * facing
    cos_yaw = np.where(facing == 0, 0.0, cos_yaw)
    sin_yaw = np.where((facing == 0) & (sin_yaw == 0), 1.0, sin_yaw)
    return np.degrees(np.arctan2(sin_yaw, cos_yaw))


def body_yaw_3d(world: np.ndarray, camera_roll_deg: float) -> np.ndarray:
    """Body yaw from world landmarks (module notes), degrees, (F,).

    The person's left is the sum of the right-to-left shoulder (12 -> 11) and
    hip (24 -> 23) axes; anterior is ``left x up`` (horizontal, with up the
    roll-corrected vertical). Yaw is the angle of anterior from the image's
    true horizontal right (world x corrected for roll) toward the camera
    (world -z).
    """
    left = (world[:, Landmark.LEFT_SHOULDER] - world[:, Landmark.RIGHT_SHOULDER]) + (
        world[:, Landmark.LEFT_HIP] - world[:, Landmark.RIGHT_HIP]
    )
    up = world_up(camera_roll_deg)
    anterior = unit(np.cross(left, up))
    r = np.radians(camera_roll_deg)
    right = np.array([np.cos(r), -np.sin(r), 0.0])
    return np.degrees(np.arctan2(-anterior[:, 2], anterior @ right))


def off_side(yaw_deg: np.ndarray) -> np.ndarray:
    """Yaw folded to degrees from the nearest side view: 0 (side) .. 90 (front or back)."""
    folded = np.abs(yaw_deg)
    return np.minimum(folded, 180.0 - folded)


def view_labels(yaw_deg: np.ndarray, limits: ViewLimits) -> np.ndarray:
    """Per-frame label "side", "oblique", "front", "back", or "unknown" (NaN yaw)."""
    away = off_side(yaw_deg)
    labels = np.full(yaw_deg.shape, "oblique", dtype=object)
    labels[away <= limits.side_max_deg] = "side"
    labels[(away >= limits.front_min_deg) & (yaw_deg > 0)] = "front"
    labels[(away >= limits.front_min_deg) & (yaw_deg < 0)] = "back"
    labels[~np.isfinite(yaw_deg)] = "unknown"
    return labels.astype(str)


def near_side(yaw_deg: np.ndarray) -> np.ndarray:
    """The person's side toward the camera: "right" when facing the image's right half-plane, else "left".

    With yaw in (-90, 90) the person faces the image's right and shows
    their right side, whether turned somewhat toward or away from the
    camera; beyond +-90 they show their left. Exactly +-90 or NaN gives "".
    """
    folded = np.abs(yaw_deg)
    with np.errstate(invalid="ignore"):
        return np.where(folded < 90.0, "right", np.where(folded > 90.0, "left", ""))


def outside_frame(image_norm: np.ndarray) -> np.ndarray:
    """(F, 33) bool: landmark x or y outside 0..1 (MediaPipe extrapolates landmarks it cannot see)."""
    xy = image_norm[..., :2]
    with np.errstate(invalid="ignore"):
        return np.any((xy < 0.0) | (xy > 1.0), axis=-1)


def person_extent(image_norm: np.ndarray) -> np.ndarray:
    """(F,) fraction of the frame spanned by the landmarks: bounding-box height or width, whichever is larger.

    Landmarks are clipped to the frame first; NaN where no landmark exists.
    """
    xy = np.clip(image_norm[..., :2], 0.0, 1.0)
    finite = np.isfinite(xy).all(axis=-1).any(axis=-1)
    xy = np.where(finite[:, None, None], xy, 0.0)
    span = np.nanmax(xy, axis=1) - np.nanmin(xy, axis=1)
    return np.where(finite, span.max(axis=-1), np.nan)


def estimate_view(
    image_norm: np.ndarray,
    image_px: np.ndarray,
    world: np.ndarray,
    camera_roll_deg: float,
    limits: ViewLimits,
) -> ViewEstimate:
    """Per-frame view of one person.

    Parameters
    ----------
    image_norm : (F, 33, 2|3) normalised image landmarks (0..1 inside the frame).
    image_px : (F, 33, 2) the same in pixels.
    world : (F, 33, 3) world landmarks, metres.
    camera_roll_deg : float
    limits : ViewLimits

    Returns
    -------
    ViewEstimate
    """
    # Every frame on its own: a few thousand at a time keeps the working copies small on a long clip.
    parts = [
        _view_of(image_norm[rows], image_px[rows], world[rows], camera_roll_deg, limits)
        for rows in (slice(start, start + _VIEW_ROWS) for start in range(0, image_px.shape[0], _VIEW_ROWS))
    ] or [_view_of(image_norm, image_px, world, camera_roll_deg, limits)]
    return ViewEstimate(**{field: np.concatenate([part[field] for part in parts]) for field in parts[0]})


# Frames of :func:`estimate_view` worked on at a time: a multiple of 16, so NumPy's vectorised sine and
# arctangent (which can differ in the last bit between a vector's elements and a scalar tail) take
# every frame the way they take it in the whole clip, and the results are identical to the bit.
_VIEW_ROWS = 4096


def _view_of(
    image_norm: np.ndarray,
    image_px: np.ndarray,
    world: np.ndarray,
    camera_roll_deg: float,
    limits: ViewLimits,
) -> dict[str, np.ndarray]:
    """:class:`ViewEstimate`'s arrays for some frames, by field name (:func:`estimate_view`)."""
    facing = facing_direction(image_px, camera_roll_deg)
    yaw_2d = body_yaw_2d(image_px, facing, camera_roll_deg)
    yaw_3d = body_yaw_3d(world, camera_roll_deg)
    yaw = np.where(np.isfinite(yaw_3d), yaw_3d, yaw_2d)
    return {
        "facing": facing,
        "yaw_2d_deg": yaw_2d,
        "yaw_3d_deg": yaw_3d,
        "yaw_deg": yaw,
        "off_side_deg": off_side(yaw),
        "label": view_labels(yaw, limits),
        "near_side": near_side(yaw),
        "extent": person_extent(image_norm),
        "outside": outside_frame(image_norm),
    }


def summarize_view(view: ViewEstimate) -> ViewSummary:
    """Clip-level view: most common label, label shares, median yaw from side, usual facing."""
    seen = view.label != "unknown"
    n_seen = int(seen.sum())
    names = ("side", "oblique", "front", "back")
    fractions = {name: (float(np.sum(view.label == name)) / n_seen if n_seen else 0.0) for name in names}
    label = max(names, key=lambda name: fractions[name]) if n_seen else "unknown"
    known = view.facing[view.facing != 0]
    facing = int(np.sign(known.sum())) if known.size else 0
    median = float(np.median(view.off_side_deg[seen])) if n_seen else float("nan")
    source = "3d" if np.isfinite(view.yaw_3d_deg).any() else "2d"
    return ViewSummary(label, fractions, median, facing, source)
