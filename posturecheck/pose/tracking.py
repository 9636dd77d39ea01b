"""Follow each person through a whole series with a stable ID (offline).

The slots of a :class:`PoseSeries` straight from :mod:`posturecheck.pose.extract`
only keep a person from one frame to the next: they can swap identities
where two people cross, lose someone during a short occlusion, or hand a
slot to a newcomer. :func:`track_people` re-identifies people over the whole
series and returns the people found, person (track) ``k`` kept over their own frames
(:class:`TrackedSeries`; its ``series`` is the whole series, slot ``k`` person ``k``).

How
---
1. **Tracklets, frame by frame.** Each tracklet predicts where its person
   is now with a constant-velocity model (the last pose shifted by the
   smoothed velocity of its landmark centroid). The cost of giving a pose to
   a tracklet is the mean distance between the prediction and the pose over
   landmarks visible in both, divided by the person's size (diagonal of
   their landmark box), plus ``IOU_WEIGHT * (1 - IoU)`` of the predicted and
   observed landmark boxes. Pairs whose distance exceeds a gate (growing
   with the time the person has been unseen) are not allowed. A tracklet
   is confirmed once seen for ``min_duration_s`` in total (frames seen x
   frame interval). Confirmed tracklets are assigned first with
   :func:`scipy.optimize.linear_sum_assignment`, then the others, so a
   duplicate pose of someone (MediaPipe finds some people twice, or finds a
   partial ghost next to them) cannot take over their track. A confirmed
   tracklet unmatched for longer than ``max_gap_s`` ends, an unconfirmed
   one after ``TENTATIVE_MAX_GAP_S`` (so scattered ghosts are not strung
   together into a person); an unmatched pose starts a tracklet.
2. **Spurious tracklets dropped.** Tracklets never confirmed are counted in
   :attr:`TrackedSeries.n_dropped_tracks` and removed.
3. **Re-identification after an absence.** Taking tracklets in order of
   first appearance, each is joined to an earlier person who is no longer in
   view when two appearance-free cues agree: it appears within
   ``REENTRY_DISTANCE`` frame widths (horizontally) of where that person was
   last seen (the same edge for someone who walked out, the same spot for
   someone hidden), and its body proportions (scale-free differences of
   segment lengths from the world landmarks) differ from theirs by at most
   ``PROPORTION_TOLERANCE`` (bodies seen too little to compare are never
   joined). Among several such people the closest in proportions wins
   (greedy, in time order).

Limits
------
Without appearance features (face, clothes), re-identification after a
person has left the view is a guess, and each join carries a heuristic
confidence (:class:`Reidentification`), not a probability. MediaPipe's world
skeleton is partly its prior on average human proportions: on
``samples/two_people.mp4`` one person's proportions differ by 0.01-0.06
between parts of the clip and the two adults' by 0.05-0.08, so the cue
rules out clearly different bodies (a child and an adult, very different
builds) but barely tells similar adults apart; such joins get a low
confidence. Two similar people who swap places while out of view get each
other's IDs. The motion gate is generous after a gap (it must allow for a
person who stops or turns while hidden), so a fast movement with the
person lost for a moment (a jump) is usually bridged by motion, and a
stranger appearing within the gate of a just-lost person takes their ID.
"""

from __future__ import annotations

import functools
import json
import math
import zipfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.lib import format as npy

from posturecheck.landmarks import Landmark
from posturecheck.pose.series import FORMAT_VERSION, PoseSeries, SourceInfo

# scipy.optimize is imported inside the functions that use it: it takes seconds to import, and the app's
# first page loads this module (through the assessments it lists) without calling them.

# A landmark with visibility below this is a guess and is left out of distances.
VISIBLE = 0.5
# Seconds a confirmed person may go unseen before their track ends.
MAX_GAP_S = 2.0
# Seconds an unconfirmed tracklet may go unseen before it ends.
TENTATIVE_MAX_GAP_S = 0.2
# Largest mean landmark distance (in person sizes) between a tracklet's
# prediction and a pose of the next frame; it grows by GATE_GROWTH_PER_S for
# each second the person has been unseen.
GATE = 0.5
GATE_GROWTH_PER_S = 0.5
# Weight of (1 - IoU) of the predicted and observed boxes in the matching cost.
IOU_WEIGHT = 0.5
# Weight of the newest velocity measurement in the smoothed velocity.
VELOCITY_SMOOTHING = 0.5
# Largest proportion difference (mean absolute scale-free log ratio of segment
# lengths) for a re-identification; 0.08 is about 8 % per segment.
PROPORTION_TOLERANCE = 0.08
# Segments both bodies must show for their proportions to be compared.
MIN_COMMON_SEGMENTS = 4
# Largest horizontal distance (frame widths) between where a person was last
# seen and where a returning tracklet is first seen.
REENTRY_DISTANCE = 0.35

_L = Landmark
# Body segments whose length ratios describe a person; left and right pooled.
SEGMENTS: tuple[tuple[tuple[Landmark, Landmark], ...], ...] = (
    ((_L.LEFT_SHOULDER, _L.RIGHT_SHOULDER),),
    ((_L.LEFT_HIP, _L.RIGHT_HIP),),
    ((_L.LEFT_SHOULDER, _L.LEFT_HIP), (_L.RIGHT_SHOULDER, _L.RIGHT_HIP)),
    ((_L.LEFT_SHOULDER, _L.LEFT_ELBOW), (_L.RIGHT_SHOULDER, _L.RIGHT_ELBOW)),
    ((_L.LEFT_ELBOW, _L.LEFT_WRIST), (_L.RIGHT_ELBOW, _L.RIGHT_WRIST)),
    ((_L.LEFT_HIP, _L.LEFT_KNEE), (_L.RIGHT_HIP, _L.RIGHT_KNEE)),
    ((_L.LEFT_KNEE, _L.LEFT_ANKLE), (_L.RIGHT_KNEE, _L.RIGHT_ANKLE)),
)


@dataclass(frozen=True)
class Reidentification:
    """One join of a person's track across an absence (stage 3 of the module notes).

    Attributes
    ----------
    lost_s, found_s : seconds; last time seen before the absence, first time after.
    proportion_difference : the body-proportion difference of the two parts
        (see :func:`proportion_difference`).
    confidence : 0..1 heuristic, ``(1 - d / PROPORTION_TOLERANCE)``, times
        ``(d2 - d) / d2`` when another absent person with difference ``d2``
        also fitted. Not a probability.
    """

    lost_s: float
    found_s: float
    proportion_difference: float
    confidence: float


@dataclass(frozen=True)
class TrackInfo:
    """Summary of one tracked person.

    Attributes
    ----------
    track_id : the person's slot in :attr:`TrackedSeries.series`.
    first_s, last_s : seconds, first and last time seen.
    n_frames : frames in which the person was seen.
    best_frame : row of the series (not the source frame number; see
        ``series.frame_index``) where the person is largest and most visible:
        the largest landmark-box area (clipped to the frame) times mean
        visibility, among rows where the person is also seen in the rows
        just before and after (when there are any).
    best_box : (x0, y0, x1, y1) normalised 0..1, y down: the landmark box in
        ``best_frame``, clipped to the frame.
    reidentifications : joins across absences, in time order (empty when the
        person was followed by motion alone).
    """

    track_id: int
    first_s: float
    last_s: float
    n_frames: int
    best_frame: int
    best_box: tuple[float, float, float, float]
    reidentifications: tuple[Reidentification, ...] = ()

    @property
    def identity_confidence(self) -> float:
        """Lowest confidence of the track's joins; 1.0 when it needed none."""
        return min((join.confidence for join in self.reidentifications), default=1.0)


@dataclass(frozen=True)
class PersonSpan:
    """One tracked person's landmarks in the frames they are seen in only.

    Attributes
    ----------
    start : row of the clip (:attr:`TrackedSeries.clip`) where the person's
        span begins: the first row they are seen in.
    n_frames : rows in the span, from ``start`` to the last row they are
        seen in (inclusive).
    seen : (n,) int64, increasing: the span's rows (counted from ``start``)
        the person is seen in.
    own : a one-slot :class:`~posturecheck.pose.series.PoseSeries` of those
        ``n`` rows only (their times and frame numbers), so a person who
        leaves and comes back costs the frames they are in view, not the
        time between their first and last appearance.
    """

    start: int
    n_frames: int
    seen: np.ndarray
    own: PoseSeries

    @property
    def stop(self) -> int:
        """Row of the clip after the person's last (exclusive end of their span)."""
        return self.start + self.n_frames

    @functools.cached_property
    def seen_rows(self) -> np.ndarray:
        """(k,) int64, increasing: the clip's rows the person is found in."""
        return self.start + self.seen[self.own.detected[:, 0]]

    @property
    def detected(self) -> np.ndarray:
        """(n_frames,) bool: the person is found in that row of their span."""
        out = np.zeros(self.n_frames, dtype=bool)
        out[self.seen] = self.own.detected[:, 0]
        return out


@dataclass(frozen=True)
class TrackedSeries:
    """People with stable IDs, each kept over their own frames (memory follows time in view).

    Attributes
    ----------
    clip : the clip's frames: times, frame numbers and source of every row,
        no person slots (``P = 0``).
    people : one :class:`PersonSpan` per person, tracks ordered by first
        appearance; person ``k`` is slot ``k`` of :attr:`series`.
    tracks : one :class:`TrackInfo` per person, same order.
    n_dropped_tracks : tracklets dropped as spurious (seen for less than
        ``min_duration_s`` in total).
    min_duration_s : the seconds a tracklet had to be seen for to be kept
        (:func:`track_people`'s ``min_duration_s``), so what reports the
        dropped ones states the minimum used.

    Storage
    -------
    A person is stored in the frames they are seen in only, so a clip's
    landmarks cost the frames each person is in view, not frames x people
    ever seen (a class or corridor clip sees many people one after another,
    and someone who leaves and comes back is not stored while away). The whole
    series, slot ``k`` person ``k`` and every frame of every slot (what
    :func:`track_people` returned before), is made on first use of
    :attr:`series` and kept: the analysis itself reads the people
    (:meth:`rows`, :meth:`frame`, :meth:`save`) without it.
    """

    clip: PoseSeries
    people: tuple[PersonSpan, ...]
    tracks: tuple[TrackInfo, ...]
    n_dropped_tracks: int
    min_duration_s: float

    @property
    def n_frames(self) -> int:
        """Number of frames ``F`` of the clip."""
        return self.clip.n_frames

    @property
    def n_people(self) -> int:
        """Number of people (slots of :attr:`series`)."""
        return len(self.people)

    @property
    def source(self) -> SourceInfo:
        """Where the frames came from."""
        return self.clip.source

    @property
    def times_s(self) -> np.ndarray:
        """(F,) float64, seconds from the start of the source."""
        return self.clip.times_s

    @property
    def frame_index(self) -> np.ndarray:
        """(F,) int64, index of each row's frame in the source."""
        return self.clip.frame_index

    @property
    def detected(self) -> np.ndarray:
        """(F, P) bool: person ``k`` was found in the row (as ``series.detected``)."""
        out = np.zeros((self.n_frames, self.n_people), dtype=bool)
        for k in range(self.n_people):
            out[:, k] = self.detected_of(k)
        return out

    def person(self, person: int, rows: np.ndarray | None = None) -> PoseSeries:
        """Every frame of ``person`` alone (``P = 1``), as :meth:`PoseSeries.person` of :attr:`series`
        gives it, without making the others; the clip's rows ``rows`` (increasing) only when given.

        NaN landmarks and zero scores (and masks) where they are not seen.
        """
        return self._slots_at(np.arange(self.n_frames) if rows is None else self._checked(rows), [person])

    def detected_of(self, person: int) -> np.ndarray:
        """(F,) bool: ``person`` was found in the row (``detected[:, person]``, without the others)."""
        span = self.people[person]
        out = np.zeros(self.n_frames, dtype=bool)
        out[span.start : span.stop] = span.detected
        return out

    @functools.cached_property
    def series(self) -> PoseSeries:
        """Every frame of every person: slot ``k`` is person ``k`` (made on first use, then kept)."""
        return self.rows(0, self.n_frames, every=True)[0]

    def rows(
        self, first: int, stop: int, every: bool = False, seen_with: int | None = None
    ) -> tuple[PoseSeries, np.ndarray]:
        """Rows ``first`` to ``stop`` (exclusive) of the people seen in them, and their slots.

        Returns the series of those rows whose slot ``i`` is person
        ``slots[i]`` (in increasing order), the same values as the rows and
        slots of :attr:`series`. ``every``: all people, seen there or not, so
        ``slots[i] == i``; ``seen_with``: that person and only those seen in
        a same row as them (a person's measures look at no one else).
        """
        if not 0 <= first <= stop <= self.n_frames:
            raise ValueError(f"rows {first}-{stop} are not within the clip's {self.n_frames}")
        return self.rows_at(np.arange(first, stop), every, seen_with)

    def rows_at(
        self, rows: np.ndarray, every: bool = False, seen_with: int | None = None
    ) -> tuple[PoseSeries, np.ndarray]:
        """:meth:`rows` of the clip's rows ``rows`` (increasing, no repeats) only, any gaps between them.

        The people are those :meth:`rows` gives for ``rows[0]`` to
        ``rows[-1]`` (all of them) whenever ``rows`` holds every row where
        ``seen_with`` is seen.
        """
        rows = self._checked(rows)
        first, stop = (int(rows[0]), int(rows[-1]) + 1) if rows.size else (0, 0)
        slots = [
            k
            for k, person in enumerate(self.people)
            if every or (person.start < stop and person.stop > first and person.n_frames)
        ]
        if seen_with is not None and not every:
            slots = [k for k in slots if k == seen_with or self._seen_together(seen_with, k, first, stop)]
        return self._slots_at(rows, slots), np.array(slots, dtype=np.int64)

    def _checked(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` as int64, checked to increase within the clip (ValueError otherwise)."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size and (rows[0] < 0 or rows[-1] >= self.n_frames or (np.diff(rows) <= 0).any()):
            raise ValueError(f"rows must increase within the clip's {self.n_frames}")
        return rows

    def _slots_at(self, rows: np.ndarray, slots: list[int]) -> PoseSeries:
        """The clip's rows ``rows`` (increasing, :meth:`_checked`) with slot ``i`` person ``slots[i]``:
        NaN landmarks and zero scores (and masks) where they are not seen."""
        first, stop = (int(rows[0]), int(rows[-1]) + 1) if rows.size else (0, 0)
        clip = self.clip  # no slots, but the arrays' types and landmark shapes
        n = rows.size
        image = np.full((n, len(slots)) + clip.image.shape[2:], np.nan, dtype=clip.image.dtype)
        world = np.full((n, len(slots)) + clip.world.shape[2:], np.nan, dtype=clip.world.dtype)
        visibility = np.zeros((n, len(slots)) + clip.visibility.shape[2:], dtype=clip.visibility.dtype)
        presence = np.zeros((n, len(slots)) + clip.presence.shape[2:], dtype=clip.presence.dtype)
        masks = None
        if clip.masks is not None:
            masks = np.zeros((n, len(slots)) + clip.masks.shape[2:], dtype=clip.masks.dtype)
        for i, k in enumerate(slots):
            person = self.people[k]
            low, high = np.searchsorted(person.seen, [first - person.start, stop - person.start])
            if low >= high:
                continue
            at, own = person.start + person.seen[low:high], person.own
            where = np.searchsorted(rows, at)
            kept = np.zeros(at.size, dtype=bool)
            kept[where < n] = rows[where[where < n]] == at[where < n]
            into, take = where[kept], low + np.flatnonzero(kept)
            image[into, i], world[into, i] = own.image[take, 0], own.world[take, 0]
            visibility[into, i], presence[into, i] = own.visibility[take, 0], own.presence[take, 0]
            if masks is not None and own.masks is not None:
                masks[into, i] = own.masks[take, 0]
        return replace(
            clip,
            times_s=clip.times_s[rows],
            frame_index=clip.frame_index[rows],
            image=image,
            world=world,
            visibility=visibility,
            presence=presence,
            masks=masks,
        )

    def _seen_together(self, a: int, b: int, first: int, stop: int) -> bool:
        """Are people ``a`` and ``b`` both seen in any row from ``first`` to ``stop`` (exclusive)?"""
        one, other = self.people[a], self.people[b]
        low, high = max(first, one.start, other.start), min(stop, one.stop, other.stop)
        if low >= high:
            return False
        seen_one, seen_other = one.seen_rows, other.seen_rows
        seen_one = seen_one[slice(*np.searchsorted(seen_one, [low, high]))]
        seen_other = seen_other[slice(*np.searchsorted(seen_other, [low, high]))]
        return bool(np.intersect1d(seen_one, seen_other, assume_unique=True).size)

    def frame(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Image landmarks (P, 33, 3) and visibility (P, 33) of every person in one row."""
        part, _ = self.rows(row, row + 1, every=True)
        return part.image[0], part.visibility[0]

    def save(self, path: str | Path) -> Path:
        """Write :attr:`series` to an ``.npz`` file as :meth:`PoseSeries.save` does, a block of rows
        at a time (the file holds every frame of every slot; memory does not); returns the path."""
        path = Path(path)
        meta = np.array(json.dumps({"format_version": FORMAT_VERSION, "source": asdict(self.source)}))
        per_person = ["image", "world", "visibility", "presence"] + (
            [] if self.clip.masks is None else ["masks"]
        )
        with zipfile.ZipFile(path, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for name, array in (("meta", meta), ("times_s", self.times_s), ("frame_index", self.frame_index)):
                with archive.open(f"{name}.npy", "w", force_zip64=True) as handle:
                    npy.write_array(handle, np.asanyarray(array), allow_pickle=False)
            for name in per_person:
                empty = getattr(self.clip, name)
                header = {
                    "descr": npy.dtype_to_descr(empty.dtype),
                    "fortran_order": False,
                    "shape": (self.n_frames, self.n_people) + empty.shape[2:],
                }
                with archive.open(f"{name}.npy", "w", force_zip64=True) as handle:
                    npy.write_array_header_1_0(handle, header)
                    step = max(1, _SAVE_BLOCK_BYTES // max(1, self.n_people * _bytes_per_row(self.clip)))
                    for first in range(0, self.n_frames, step):
                        block = self.rows(first, min(first + step, self.n_frames), every=True)[0]
                        handle.write(np.ascontiguousarray(getattr(block, name)).tobytes())
        return path


# Bytes of landmarks TrackedSeries.save makes at a time.
_SAVE_BLOCK_BYTES = 8 << 20


def _bytes_per_row(clip: PoseSeries) -> int:
    """Bytes one person's landmarks (and mask) take in one row of a series like ``clip``."""
    arrays = [clip.image, clip.world, clip.visibility, clip.presence]
    arrays += [] if clip.masks is None else [clip.masks]
    return sum(int(np.prod(a.shape[2:])) * a.dtype.itemsize for a in arrays)


@dataclass
class _Tracklet:
    """A person followed by motion alone: the rows and input slots seen, and the motion state.

    Points are in frame-height units (x scaled by width / height) so that
    distances are the same horizontally and vertically.
    """

    rows: list[int]
    slots: list[int]
    points: np.ndarray
    visible: np.ndarray
    time_s: float
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(2))

    def predicted(self, time_s: float) -> np.ndarray:
        """(33, 2) the last pose moved on at the smoothed velocity to ``time_s``."""
        return self.points + self.velocity * (time_s - self.time_s)

    def add(self, row: int, slot: int, points: np.ndarray, visible: np.ndarray, time_s: float) -> None:
        """Append a matched pose and update the velocity."""
        step = time_s - self.time_s
        if step > 0:
            measured = (points.mean(axis=0) - self.points.mean(axis=0)) / step
            weight = VELOCITY_SMOOTHING if len(self.rows) > 1 else 1.0
            self.velocity = weight * measured + (1 - weight) * self.velocity
        self.rows.append(row)
        self.slots.append(slot)
        self.points, self.visible, self.time_s = points, visible, time_s


def track_people(
    series: PoseSeries, max_gap_s: float = MAX_GAP_S, min_duration_s: float = 0.5
) -> TrackedSeries:
    """Re-identify people across the whole series (module notes give the method and its limits).

    Parameters
    ----------
    series : poses in loosely kept slots, as extracted.
    max_gap_s : seconds a confirmed person may go unseen and still be
        matched by motion; longer absences are left to re-identification.
    min_duration_s : seconds a tracklet must be seen for in total (frames
        seen x median frame interval) to be confirmed; tracklets never
        confirmed are dropped as spurious. Every pose of a single-frame
        series is kept.

    Returns
    -------
    TrackedSeries
        The same frames, times, source and masks, re-slotted: person ``k`` is track ``k``, each
        kept from their first to their last frame (``series``: slot ``k`` of every frame).

    Raises
    ------
    ValueError
        If ``max_gap_s`` or ``min_duration_s`` is negative.
    """
    if max_gap_s < 0 or min_duration_s < 0:
        raise ValueError(f"max_gap_s and min_duration_s must be >= 0, got {max_gap_s} and {min_duration_s}")
    confirmed_frames = _frames_for(series, min_duration_s)
    # The points in height units (8 bytes a number) are needed for following people only.
    tracklets = _build_tracklets(series, _height_units(series), max_gap_s, confirmed_frames)
    kept = [t for t in tracklets if len(t.rows) >= confirmed_frames]
    people = _link_absences(series, sorted(kept, key=lambda t: t.rows[0]))
    return _assemble(series, people, len(tracklets) - len(kept), min_duration_s)


def thumbnail_box(
    track: TrackInfo, width: int, height: int, margin: float = 0.15
) -> tuple[int, int, int, int]:
    """Pixel box (x0, y0, x1, y1) around a track's best view, for cropping a thumbnail.

    ``best_box`` grown by ``margin`` times its width (left and right) and
    height (top and bottom), in pixels of a ``width`` x ``height`` frame,
    rounded and clipped to the frame. ``x1``/``y1`` are exclusive, so
    ``frame[y0:y1, x0:x1]`` is the crop; the box is at least one pixel.
    """
    if margin < 0:
        raise ValueError(f"margin must be >= 0, got {margin}")
    x0, y0, x1, y1 = track.best_box
    pad_x, pad_y = margin * (x1 - x0), margin * (y1 - y0)
    px0 = min(max(round((x0 - pad_x) * width), 0), width - 1)
    py0 = min(max(round((y0 - pad_y) * height), 0), height - 1)
    px1 = max(min(round((x1 + pad_x) * width), width), px0 + 1)
    py1 = max(min(round((y1 + pad_y) * height), height), py0 + 1)
    return px0, py0, px1, py1


def segment_lengths(world: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """Median length of each body segment in :data:`SEGMENTS`, metres.

    Parameters
    ----------
    world : (N, 33, 3) world landmarks of one person in N frames, metres.
    visibility : (N, 33) their visibility; a segment counts in a frame when
        both ends have visibility >= ``VISIBLE``.

    Returns
    -------
    (len(SEGMENTS),) float64, NaN for a segment never visible.
    """
    lengths = np.full(len(SEGMENTS), np.nan)
    for index, pairs in enumerate(SEGMENTS):
        samples = []
        for a, b in pairs:
            seen = (visibility[:, a] >= VISIBLE) & (visibility[:, b] >= VISIBLE)
            samples.append(np.linalg.norm(world[seen, a] - world[seen, b], axis=-1))
        pooled = np.concatenate(samples)
        if pooled.size:
            lengths[index] = float(np.median(pooled))
    return lengths


def proportion_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Scale-free difference of two bodies' segment lengths (from :func:`segment_lengths`).

    The mean absolute deviation, over segments known in both, of
    ``log(a / b)`` from its mean: 0 for the same proportions at any size,
    about 0.1 when segments differ by 10 % in alternating directions. NaN
    when fewer than ``MIN_COMMON_SEGMENTS`` segments are known in both.
    """
    common = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    if common.sum() < MIN_COMMON_SEGMENTS:
        return math.nan
    logs = np.log(a[common] / b[common])
    return float(np.mean(np.abs(logs - logs.mean())))


def _height_units(series: PoseSeries) -> np.ndarray:
    """(F, P, 33, 2) float64 image landmarks with x scaled by the frame's width / height."""
    aspect = series.source.width / series.source.height if series.source.height else 1.0
    return series.image[..., :2].astype(np.float64) * np.array([aspect, 1.0])


def _boxes(points: np.ndarray) -> np.ndarray:
    """(..., 4) landmark boxes (x0, y0, x1, y1) of (..., 33, 2) points."""
    return np.concatenate([points.min(axis=-2), points.max(axis=-2)], axis=-1)


def _box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(T, D) intersection over union of (T, 4) and (D, 4) boxes."""
    low = np.maximum(a[:, None, :2], b[None, :, :2])
    high = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(high - low, 0, None), axis=-1)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=-1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=-1)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def _match_costs(
    tracklets: list[_Tracklet], time_s: float, points: np.ndarray, visible: np.ndarray
) -> np.ndarray:
    """(T, D) cost of giving each of D poses to each tracklet; ``inf`` outside the gate.

    ``points`` (D, 33, 2) in frame-height units, ``visible`` (D, 33) bool.
    """
    predicted = np.stack([t.predicted(time_s) for t in tracklets])
    track_visible = np.stack([t.visible for t in tracklets])
    boxes = _boxes(predicted)
    sizes = np.maximum(np.hypot(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]), 1e-3)
    distance = np.linalg.norm(predicted[:, None] - points[None], axis=-1)
    both = track_visible[:, None] & visible[None]
    # Too few landmarks seen by both (a person turned away, half out of view): use all.
    weights = np.where(both.sum(axis=-1, keepdims=True) >= 3, both, True)
    mean_distance = (distance * weights).sum(axis=-1) / weights.sum(axis=-1) / sizes[:, None]
    gates = GATE + GATE_GROWTH_PER_S * np.array([time_s - t.time_s for t in tracklets])
    cost = mean_distance + IOU_WEIGHT * (1 - _box_iou(boxes, _boxes(points)))
    return np.where(mean_distance <= gates[:, None], cost, np.inf)


def _assign(
    tracklets: list[_Tracklet], time_s: float, points: np.ndarray, visible: np.ndarray
) -> list[tuple[int, int]]:
    """Pairs (tracklet index, pose index) of the cheapest assignment inside the gate."""
    if not tracklets or not len(points):
        return []
    from scipy.optimize import linear_sum_assignment

    cost = _match_costs(tracklets, time_s, points, visible)
    finite = np.isfinite(cost)
    rows, cols = linear_sum_assignment(np.where(finite, cost, 1e6))
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if finite[r, c]]


def _build_tracklets(
    series: PoseSeries, points: np.ndarray, max_gap_s: float, confirmed_frames: int
) -> list[_Tracklet]:
    """Stage 1: follow people frame by frame by motion; tracklets in order of creation.

    ``confirmed_frames``: frames a tracklet must be seen in to be confirmed. The
    tracklets keep copies of their last pose, not views of ``points``, so the
    whole clip's ``points`` are freed once followed.
    """
    tentative_gap_s = min(TENTATIVE_MAX_GAP_S, max_gap_s)
    tracklets: list[_Tracklet] = []
    detected = series.detected
    visible = series.visibility >= VISIBLE
    for row, time_s in enumerate(series.times_s.tolist()):
        free = np.flatnonzero(detected[row]).tolist()
        unseen_s = [time_s - t.time_s for t in tracklets]
        confirmed = [
            t
            for t, u in zip(tracklets, unseen_s, strict=True)
            if len(t.rows) >= confirmed_frames and u <= max_gap_s
        ]
        tentative = [
            t
            for t, u in zip(tracklets, unseen_s, strict=True)
            if len(t.rows) < confirmed_frames and u <= tentative_gap_s
        ]
        for group in (confirmed, tentative):
            pairs = _assign(group, time_s, points[row, free], visible[row, free])
            for track_index, pose_index in pairs:
                slot = free[pose_index]
                group[track_index].add(row, slot, points[row, slot].copy(), visible[row, slot].copy(), time_s)
            taken = {free[pose_index] for _, pose_index in pairs}
            free = [slot for slot in free if slot not in taken]
        tracklets.extend(
            _Tracklet([row], [slot], points[row, slot].copy(), visible[row, slot].copy(), time_s)
            for slot in free
        )
    return tracklets


def _frames_for(series: PoseSeries, duration_s: float) -> int:
    """Frames covering ``duration_s`` at the series' median frame interval (1 for a single frame)."""
    if series.n_frames < 2:
        return 1
    interval = float(np.median(np.diff(series.times_s)))
    # Rounded first so that 0.5 s at 30 fps is 15 frames, not 16 by float error.
    return max(1, math.ceil(round(duration_s / interval, 6))) if interval > 0 else 1


@dataclass
class _Person:
    """Tracklets joined into one person (stage 3), with the joins made."""

    tracklets: list[_Tracklet]
    joins: list[Reidentification] = field(default_factory=list)

    @property
    def rows(self) -> np.ndarray:
        """(n,) rows where the person is seen, in time order."""
        return np.concatenate([t.rows for t in self.tracklets])

    @property
    def slots(self) -> np.ndarray:
        """(n,) input slot holding the person in each of :attr:`rows`."""
        return np.concatenate([t.slots for t in self.tracklets])


def _centre_x(series: PoseSeries, row: int, slot: int) -> float:
    """Normalised x of the centre of a pose's landmark box."""
    xs = series.image[row, slot, :, 0]
    return float((xs.min() + xs.max()) / 2)


def _lengths(series: PoseSeries, rows: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """:func:`segment_lengths` of the poses at (rows[i], slots[i])."""
    return segment_lengths(series.world[rows, slots], series.visibility[rows, slots])


def _link_absences(series: PoseSeries, tracklets: list[_Tracklet]) -> list[_Person]:
    """Stage 3: join each tracklet, in order of first appearance, to an absent person it fits."""
    people: list[_Person] = []
    for tracklet in tracklets:
        first_row, first_slot = tracklet.rows[0], tracklet.slots[0]
        entry_x = _centre_x(series, first_row, first_slot)
        lengths = _lengths(series, np.array(tracklet.rows), np.array(tracklet.slots))
        candidates: list[tuple[float, _Person]] = []
        for person in people:
            last = person.tracklets[-1]
            if last.rows[-1] >= first_row:
                continue
            if abs(_centre_x(series, last.rows[-1], last.slots[-1]) - entry_x) > REENTRY_DISTANCE:
                continue
            difference = proportion_difference(_lengths(series, person.rows, person.slots), lengths)
            if difference <= PROPORTION_TOLERANCE:
                candidates.append((difference, person))
        if not candidates:
            people.append(_Person([tracklet]))
            continue
        candidates.sort(key=lambda item: item[0])
        best = candidates[0][1]
        best.joins.append(_join(series, best.tracklets[-1], tracklet, [d for d, _ in candidates]))
        best.tracklets.append(tracklet)
    return people


def _join(
    series: PoseSeries, before: _Tracklet, after: _Tracklet, differences: list[float]
) -> Reidentification:
    """The record of joining ``after`` to ``before``; ``differences`` sorted, the chosen one first."""
    chosen = differences[0]
    confidence = 1 - chosen / PROPORTION_TOLERANCE
    if len(differences) > 1:
        runner_up = differences[1]
        confidence *= (runner_up - chosen) / runner_up if runner_up > 0 else 0.0
    return Reidentification(
        lost_s=float(series.times_s[before.rows[-1]]),
        found_s=float(series.times_s[after.rows[0]]),
        proportion_difference=chosen,
        confidence=float(confidence),
    )


def person_track(
    track_id: int, rows: np.ndarray, own: PoseSeries, joins: tuple[Reidentification, ...] = ()
) -> TrackInfo:
    """The :class:`TrackInfo` of person ``track_id``, seen in the clip's rows ``rows`` (increasing)
    whose landmarks are the rows of ``own`` (one slot), joined across absences by ``joins``."""
    if not rows.size:
        return TrackInfo(track_id, math.nan, math.nan, 0, 0, (0.0, 0.0, 0.0, 0.0), joins)
    best_frame, best_box = _best_view(own.image[:, 0], own.visibility[:, 0], rows)
    return TrackInfo(
        track_id=track_id,
        first_s=float(own.times_s[0]),
        last_s=float(own.times_s[-1]),
        n_frames=int(rows.size),
        best_frame=best_frame,
        best_box=best_box,
        reidentifications=joins,
    )


def _best_view(
    image: np.ndarray, visibility: np.ndarray, rows: np.ndarray
) -> tuple[int, tuple[float, float, float, float]]:
    """Row where the person's clipped box area times mean visibility is largest, and that box.

    ``image`` (n, 33, 3) and ``visibility`` (n, 33) are the person's landmarks
    in the clip's rows ``rows`` (n, increasing). Only rows where the person is
    also seen in the rows just before and after compete (an isolated
    detection is often a misplaced pose), unless there are none.
    """
    boxes = np.clip(_boxes(image[:, :, :2].astype(np.float64)), 0.0, 1.0)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    score = area * visibility.mean(axis=-1)
    seen = set(rows.tolist())
    flanked = np.array([row - 1 in seen and row + 1 in seen for row in rows.tolist()])
    if flanked.any():
        score = np.where(flanked, score, -1.0)
    best = int(np.argmax(score))
    x0, y0, x1, y1 = (float(v) for v in boxes[best])
    return int(rows[best]), (x0, y0, x1, y1)


def _assemble(
    series: PoseSeries, people: list[_Person], n_dropped: int, min_duration_s: float
) -> TrackedSeries:
    """The people over their own rows (person k = people[k]) and per-track summaries."""
    spans, tracks = [], []
    for k, person in enumerate(people):
        order = np.argsort(person.rows, kind="stable")
        rows, slots = person.rows[order], person.slots[order]
        start, stop = int(rows[0]), int(rows[-1]) + 1
        own = replace(
            series,
            times_s=series.times_s[rows],
            frame_index=series.frame_index[rows],
            image=series.image[rows, slots][:, None],
            world=series.world[rows, slots][:, None],
            visibility=series.visibility[rows, slots][:, None],
            presence=series.presence[rows, slots][:, None],
            masks=None if series.masks is None else series.masks[rows, slots][:, None],
        )
        spans.append(PersonSpan(start, stop - start, rows - start, own))
        tracks.append(person_track(k, rows, own, tuple(person.joins)))
    clip = _rows_of(series, 0, series.n_frames, 0)
    return TrackedSeries(clip, tuple(spans), tuple(tracks), n_dropped, min_duration_s)


def _rows_of(series: PoseSeries, first: int, stop: int, n_slots: int) -> PoseSeries:
    """Rows ``first`` to ``stop`` of ``series`` with ``n_slots`` slots of no person (copies, so
    nothing keeps ``series``' arrays alive)."""
    n = stop - first

    def empty(array: np.ndarray, fill: float) -> np.ndarray:
        return np.full((n, n_slots) + array.shape[2:], fill, dtype=array.dtype)

    return replace(
        series,
        times_s=series.times_s[first:stop].copy(),
        frame_index=series.frame_index[first:stop].copy(),
        image=empty(series.image, np.nan),
        world=empty(series.world, np.nan),
        visibility=empty(series.visibility, 0),
        presence=empty(series.presence, 0),
        masks=None if series.masks is None else empty(series.masks, 0),
    )
