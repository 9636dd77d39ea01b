"""Run the landmarker over a frame source and collect a :class:`PoseSeries`.

Streaming: frames are decoded ahead in a bounded queue and dropped once they
have been handed to ``on_frame``; only the landmark arrays (a few kB a frame)
are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import mediapipe as mp
import numpy as np

from posturecheck.io.cores import CoreSplit, run_on
from posturecheck.io.frames import Frame
from posturecheck.io.prefetch import read_ahead
from posturecheck.io.sources import SourceDescription, SourceEndedEarly
from posturecheck.landmarks import NUM_LANDMARKS
from posturecheck.pose.landmarker import (
    DetectorSettings,
    FramePoses,
    ModelInfo,
    RunMode,
    create_landmarker,
    detect,
    to_mp_image,
)
from posturecheck.pose.series import PoseSeries, SourceInfo
from posturecheck.pose.slots import assign_slots, drop_duplicates

FrameCallback = Callable[[Frame, np.ndarray, np.ndarray], None]
"""Called per frame with the frame, its (P, 33, 3) slotted image landmarks and (P, 33) visibility."""


class _Rows:
    """Rows of one shape and type, appended one at a time into one growing array.

    A list of small per-frame arrays costs about 1.5 kB a frame in Python
    objects and is copied once more when stacked; this costs the rows alone.
    Capacity doubles when full; pages not yet written are not resident.
    """

    def __init__(self, shape: tuple[int, ...], dtype: type, capacity: int) -> None:
        self._data: np.ndarray = np.empty((max(capacity, 1), *shape), dtype=dtype)
        self.count = 0

    def append(self, row: np.ndarray | float | int) -> None:
        """Add one row at the end."""
        if self.count == len(self._data):
            grown = np.empty((2 * len(self._data), *self._data.shape[1:]), dtype=self._data.dtype)
            grown[: self.count] = self._data
            self._data = grown
        self._data[self.count] = row
        self.count += 1

    def array(self) -> np.ndarray:
        """The rows so far, (count, *shape), a view (no copy)."""
        return self._data[: self.count]


class _SeriesBuilder:
    """Accumulates one frame at a time into arrays sized for the expected frame count."""

    def __init__(self, n_people: int, work_size: tuple[int, int], keep_masks: bool, expected: int) -> None:
        self.n_people = n_people
        self.work_size = work_size
        self.keep_masks = keep_masks
        capacity = expected + 1 if expected else 256
        shape = (n_people, NUM_LANDMARKS)
        self.times = _Rows((), np.float64, capacity)
        self.indices = _Rows((), np.int64, capacity)
        self.image = _Rows(shape + (3,), np.float32, capacity)
        self.world = _Rows(shape + (3,), np.float32, capacity)
        self.visibility = _Rows(shape, np.float32, capacity)
        self.presence = _Rows(shape, np.float32, capacity)
        width, height = work_size
        mask_shape = (n_people, height, (width + 7) // 8)
        self.masks = _Rows(mask_shape, np.uint8, capacity if keep_masks else 0)

    def last_image(self) -> np.ndarray:
        """(P, 33, 3) most recent landmarks of each slot (NaN: never seen)."""
        last = np.full((self.n_people, NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
        for frame_image in self.image.array()[-30:][::-1]:
            missing = np.isnan(last[:, 0, 0])
            if not missing.any():
                break
            last[missing] = frame_image[missing]
        return last

    def add(self, frame: Frame, poses: FramePoses) -> np.ndarray:
        """Slot this frame's poses and store them; returns (P, 33, 3) slotted image landmarks."""
        shape = (self.n_people, NUM_LANDMARKS)
        image = np.full(shape + (3,), np.nan, dtype=np.float32)
        world = np.full(shape + (3,), np.nan, dtype=np.float32)
        visibility = np.zeros(shape, dtype=np.float32)
        presence = np.zeros(shape, dtype=np.float32)
        keep = drop_duplicates(poses.image, poses.presence)
        slots = assign_slots(self.last_image(), poses.image[keep])
        image[slots], world[slots] = poses.image[keep], poses.world[keep]
        visibility[slots], presence[slots] = poses.visibility[keep], poses.presence[keep]
        if self.keep_masks:
            width, height = self.work_size
            packed = np.zeros((self.n_people, height, (width + 7) // 8), dtype=np.uint8)
            if poses.masks is not None and poses.count:
                packed[slots] = np.packbits(poses.masks[keep] > 0.5, axis=-1)
            self.masks.append(packed)
        self.times.append(frame.time_s)
        self.indices.append(frame.index)
        self.image.append(image)
        self.world.append(world)
        self.visibility.append(visibility)
        self.presence.append(presence)
        return image

    def last_visibility(self) -> np.ndarray:
        """(P, 33) visibility of the frame added last."""
        return self.visibility.array()[-1]

    def build(self, source: SourceInfo) -> PoseSeries:
        """The rows so far as a :class:`PoseSeries` (views of the builder's arrays, no copy)."""
        return PoseSeries(
            times_s=self.times.array(),
            frame_index=self.indices.array(),
            image=self.image.array(),
            world=self.world.array(),
            visibility=self.visibility.array(),
            presence=self.presence.array(),
            source=source,
            masks=self.masks.array() if self.keep_masks and self.masks.count else None,
        )


def source_info(description: SourceDescription, model: ModelInfo) -> SourceInfo:
    """The series metadata for a source analysed with ``model``."""
    return SourceInfo(
        path=description.path,
        kind=description.kind,
        width=description.width,
        height=description.height,
        fps=description.fps,
        rotation_deg=description.rotation_deg,
        model=model.path.name,
        model_sha256=model.sha256,
        inference_width=description.work_width,
        inference_height=description.work_height,
    )


@dataclass(frozen=True)
class Extraction:
    """The landmarks of a source, and why it ended early if it did.

    ``ended_early`` is set when the source stopped part-way (a truncated
    file, a camera that disconnected): ``series`` then holds the frames read
    before the problem, so nothing already analysed is lost.
    """

    series: PoseSeries
    ended_early: SourceEndedEarly | None


def extract_poses(
    frames: Iterable[Frame],
    description: SourceDescription,
    model: ModelInfo,
    settings: DetectorSettings,
    on_frame: FrameCallback | None = None,
    cores: CoreSplit | None = None,
    ahead: bool = True,
) -> Extraction:
    """Landmarks of every frame of a file or image source.

    Clips run in VIDEO mode (tracking between frames), stills and image
    folders in IMAGE mode (each picture on its own). With ``cores``, the
    model (and this thread, which feeds it) keeps ``cores.model``: whatever
    decodes, draws and encodes should run on ``cores.others``. ``ahead``:
    decode on a thread of this process, ahead of the model (off for frames
    decoded in another process, by :class:`~posturecheck.io.frame_process.FrameProcess`).
    """
    builder = _SeriesBuilder(
        settings.num_poses,
        (description.work_width, description.work_height),
        settings.masks,
        description.n_frames or 0,
    )
    ended_early: SourceEndedEarly | None = None
    run_on(cores.model if cores else None)
    try:
        _run(frames, description, model, settings, builder, on_frame, ahead)
    except SourceEndedEarly as exc:
        ended_early = exc
    finally:
        run_on(cores.all if cores else None)
    return Extraction(builder.build(source_info(description, model)), ended_early)


def _run(
    frames: Iterable[Frame],
    description: SourceDescription,
    model: ModelInfo,
    settings: DetectorSettings,
    builder: _SeriesBuilder,
    on_frame: FrameCallback | None,
    ahead: bool,
) -> None:
    mode: RunMode = "video" if description.kind == "video" else "image"
    last_ms = -1
    # Reading ahead, the decoding thread also wraps each frame for MediaPipe (a copy), off this thread.
    pictures: Iterable[tuple[Frame, mp.Image]] = ((frame, to_mp_image(frame.image)) for frame in frames)
    if ahead:
        pictures = read_ahead(pictures)
    with create_landmarker(model, mode, settings) as landmarker:
        for frame, picture in pictures:
            # VIDEO mode needs strictly increasing timestamps, even where a
            # variable-rate clip has two frames within the same millisecond.
            timestamp_ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
            last_ms = timestamp_ms
            poses = detect(landmarker, mode, picture, timestamp_ms)
            slotted = builder.add(frame, poses)
            if on_frame is not None:
                on_frame(frame, slotted, builder.last_visibility())
