"""Run the landmarker over a frame source and collect a :class:`PoseSeries`.

Streaming: frames are decoded ahead in a bounded queue and dropped once they
have been handed to ``on_frame``; only the landmark arrays (a few kB a frame)
are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

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
)
from posturecheck.pose.series import PoseSeries, SourceInfo
from posturecheck.pose.slots import assign_slots, drop_duplicates

FrameCallback = Callable[[Frame, np.ndarray, np.ndarray], None]
"""Called per frame with the frame, its (P, 33, 3) slotted image landmarks and (P, 33) visibility."""


@dataclass
class _SeriesBuilder:
    """Accumulates one frame at a time; arrays are stacked once at the end."""

    n_people: int
    work_size: tuple[int, int]
    keep_masks: bool
    times: list[float] = field(default_factory=list)
    indices: list[int] = field(default_factory=list)
    image: list[np.ndarray] = field(default_factory=list)
    world: list[np.ndarray] = field(default_factory=list)
    visibility: list[np.ndarray] = field(default_factory=list)
    presence: list[np.ndarray] = field(default_factory=list)
    masks: list[np.ndarray] = field(default_factory=list)

    def last_image(self) -> np.ndarray:
        """(P, 33, 3) most recent landmarks of each slot (NaN: never seen)."""
        last = np.full((self.n_people, NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
        for frame_image in reversed(self.image[-30:]):
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

    def build(self, source: SourceInfo) -> PoseSeries:
        """Stack everything into a :class:`PoseSeries`."""
        empty = (0, self.n_people, NUM_LANDMARKS)

        def stack(items: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
            return np.stack(items) if items else np.zeros(shape, dtype=np.float32)

        return PoseSeries(
            times_s=np.asarray(self.times, dtype=np.float64),
            frame_index=np.asarray(self.indices, dtype=np.int64),
            image=stack(self.image, empty + (3,)),
            world=stack(self.world, empty + (3,)),
            visibility=stack(self.visibility, empty),
            presence=stack(self.presence, empty),
            source=source,
            masks=np.stack(self.masks) if self.keep_masks and self.masks else None,
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
) -> Extraction:
    """Landmarks of every frame of a file or image source.

    Clips run in VIDEO mode (tracking between frames), stills and image
    folders in IMAGE mode (each picture on its own).
    """
    builder = _SeriesBuilder(
        settings.num_poses, (description.work_width, description.work_height), settings.masks
    )
    ended_early: SourceEndedEarly | None = None
    try:
        _run(frames, description, model, settings, builder, on_frame)
    except SourceEndedEarly as exc:
        ended_early = exc
    return Extraction(builder.build(source_info(description, model)), ended_early)


def _run(
    frames: Iterable[Frame],
    description: SourceDescription,
    model: ModelInfo,
    settings: DetectorSettings,
    builder: _SeriesBuilder,
    on_frame: FrameCallback | None,
) -> None:
    mode: RunMode = "video" if description.kind == "video" else "image"
    last_ms = -1
    with create_landmarker(model, mode, settings) as landmarker:
        for frame in read_ahead(frames):
            # VIDEO mode needs strictly increasing timestamps, even where a
            # variable-rate clip has two frames within the same millisecond.
            timestamp_ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
            last_ms = timestamp_ms
            poses = detect(landmarker, mode, frame.image, timestamp_ms)
            slotted = builder.add(frame, poses)
            if on_frame is not None:
                on_frame(frame, slotted, builder.visibility[-1])
