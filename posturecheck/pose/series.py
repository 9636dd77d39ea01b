"""The pose time series: one container for every frame, person and landmark.

Everything downstream (measurements, assessments, reports, the app) is a
function of a :class:`PoseSeries`. It is made once from MediaPipe's output
and can be saved and loaded losslessly, so analysis can be re-run without
re-running the model.

Conventions
-----------
* ``F`` frames, ``P`` person slots, ``L = 33`` landmarks (see
  :class:`posturecheck.landmarks.Landmark`).
* ``image[..., 0:2]``: x, y normalised to the displayed frame (after any
  rotation from the file's metadata): 0..1 left to right and top to bottom.
  ``image[..., 2]``: MediaPipe's relative depth, in roughly the same scale as
  x, smaller is nearer the camera.
* ``world``: metres, origin midway between the hips, axes roughly aligned
  with the camera's (x to the image's right, y down, z away from the camera).
* A slot with no person in a frame holds NaN coordinates and zero visibility
  and presence.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from posturecheck.errors import InputError
from posturecheck.landmarks import NUM_LANDMARKS

FORMAT_VERSION = 1


@dataclass(frozen=True)
class SourceInfo:
    """Where a pose series came from.

    ``width``/``height`` are the displayed frame size in pixels after
    ``rotation_deg`` (clockwise, from the file's display matrix) was applied.
    ``fps`` is the nominal average frame rate (``None`` for stills); true
    per-frame times live in :attr:`PoseSeries.times_s`.
    """

    path: str
    kind: str
    width: int
    height: int
    fps: float | None = None
    rotation_deg: int = 0
    model: str = ""
    model_sha256: str = ""
    inference_width: int = 0
    inference_height: int = 0


@dataclass(frozen=True)
class PoseSeries:
    """Landmarks of up to ``P`` people over ``F`` frames.

    Attributes
    ----------
    times_s : (F,) float64, seconds from the start of the source.
    frame_index : (F,) int64, index of the frame in the source.
    image : (F, P, 33, 3) float32, normalised image landmarks (see module doc).
    world : (F, P, 33, 3) float32, world landmarks in metres.
    visibility : (F, P, 33) float32, MediaPipe's visibility score, 0..1.
    presence : (F, P, 33) float32, MediaPipe's presence score, 0..1.
    source : where the frames came from.
    masks : optional (F, P, H, ceil(W/8)) uint8, segmentation masks at
        inference resolution (``source.inference_width/height``), thresholded
        at 0.5 and bit-packed along the width with :func:`numpy.packbits`.
    """

    times_s: np.ndarray
    frame_index: np.ndarray
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    source: SourceInfo
    masks: np.ndarray | None = field(default=None)

    def __post_init__(self) -> None:
        f = self.times_s.shape[0]
        p = self.image.shape[1] if self.image.ndim == 4 else -1
        expected = {
            "frame_index": (f,),
            "image": (f, p, NUM_LANDMARKS, 3),
            "world": (f, p, NUM_LANDMARKS, 3),
            "visibility": (f, p, NUM_LANDMARKS),
            "presence": (f, p, NUM_LANDMARKS),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"PoseSeries.{name} has shape {getattr(self, name).shape}, expected {shape}")
        if self.masks is not None and self.masks.shape[:2] != (f, p):
            raise ValueError(f"PoseSeries.masks has shape {self.masks.shape}, expected ({f}, {p}, H, W/8)")

    @property
    def n_frames(self) -> int:
        """Number of frames ``F``."""
        return int(self.times_s.shape[0])

    @property
    def n_people(self) -> int:
        """Number of person slots ``P``."""
        return int(self.image.shape[1])

    @property
    def detected(self) -> np.ndarray:
        """(F, P) bool: a person was found in that slot and frame (:func:`detected_in`)."""
        return detected_in(self.image)

    @property
    def image_px(self) -> np.ndarray:
        """(F, P, 33, 2) float64: image landmarks in pixels of the displayed frame."""
        scale = np.array([self.source.width, self.source.height], dtype=np.float64)
        return self.image[..., :2].astype(np.float64) * scale

    def mask(self, frame: int, person: int) -> np.ndarray | None:
        """Segmentation mask of one person in one frame, (H, W) bool, or ``None``.

        The mask is at inference resolution; its pixel ``(r, c)`` covers the
        displayed frame's normalised point ``((c + 0.5) / W, (r + 0.5) / H)``.
        """
        if self.masks is None:
            return None
        width = self.source.inference_width
        return np.unpackbits(self.masks[frame, person], axis=-1, count=width).astype(bool)

    def person(self, slot: int) -> PoseSeries:
        """The series of one person slot alone (``P = 1``)."""
        keep = slice(slot, slot + 1)
        return replace(
            self,
            image=self.image[:, keep],
            world=self.world[:, keep],
            visibility=self.visibility[:, keep],
            presence=self.presence[:, keep],
            masks=None if self.masks is None else self.masks[:, keep],
        )

    def save(self, path: str | Path) -> Path:
        """Write the series to an ``.npz`` file, losslessly; returns the path."""
        path = Path(path)
        arrays: dict[str, Any] = {
            "meta": np.array(json.dumps({"format_version": FORMAT_VERSION, "source": asdict(self.source)})),
            "times_s": self.times_s,
            "frame_index": self.frame_index,
            "image": self.image,
            "world": self.world,
            "visibility": self.visibility,
            "presence": self.presence,
        }
        if self.masks is not None:
            arrays["masks"] = self.masks
        with path.open("wb") as handle:
            np.savez_compressed(handle, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> PoseSeries:
        """Read a series written by :meth:`save`.

        Raises
        ------
        InputError
            If the file is missing or is not a posturecheck landmarks file.
        """
        path = Path(path)
        with reading_landmarks_file(path), np.load(path, allow_pickle=False) as data:
            source = file_source(data, path)
            return cls(
                times_s=data["times_s"],
                frame_index=data["frame_index"],
                image=data["image"],
                world=data["world"],
                visibility=data["visibility"],
                presence=data["presence"],
                source=source,
                masks=data["masks"] if "masks" in data.files else None,
            )


class PeopleSeries(Protocol):
    """A clip's frames and each person in them alone: what per-person readers (assessments) need.

    :class:`PoseSeries` is one; so is
    :class:`~posturecheck.pose.tracking.TrackedSeries`, whose people are kept
    over their own frames, so a reader of one person never makes every frame
    of everyone.
    """

    @property
    def times_s(self) -> np.ndarray:
        """(F,) float64, seconds from the start of the source."""
        ...

    @property
    def frame_index(self) -> np.ndarray:
        """(F,) int64, index of each row's frame in the source."""
        ...

    @property
    def n_frames(self) -> int:
        """Number of frames ``F``."""
        ...

    @property
    def source(self) -> SourceInfo:
        """Where the frames came from."""
        ...

    def person(self, slot: int) -> PoseSeries:
        """Every frame of person ``slot`` alone (``P = 1``)."""
        ...


def detected_in(image: np.ndarray) -> np.ndarray:
    """(...) bool of (..., 33, 3) image landmarks: a person is found where their landmarks are not NaN
    (a slot with no one holds NaN; MediaPipe gives all 33 landmarks of a person it finds)."""
    return ~np.isnan(image[..., 0, 0])


@contextmanager
def reading_landmarks_file(path: Path) -> Iterator[None]:
    """What goes wrong reading the landmarks file ``path`` becomes a one-line :class:`InputError`:
    "no such file", or "not a posturecheck landmarks file (why)"."""
    try:
        yield
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: not a posturecheck landmarks file ({exc})") from exc


def file_source(data: Mapping[str, np.ndarray], path: Path) -> SourceInfo:
    """The source a landmarks file ``path`` (opened as ``data``) records, its format version checked.

    Raises
    ------
    InputError
        If the file's format version is not :data:`FORMAT_VERSION`.
    KeyError, TypeError, ValueError
        If the record is missing or malformed (callers say the file is not a landmarks file).
    """
    meta = json.loads(str(data["meta"]))
    if meta.get("format_version") != FORMAT_VERSION:
        raise InputError(f"{path}: landmarks file format {meta.get('format_version')} is not supported")
    return SourceInfo(**meta["source"])


def empty_series(n_frames: int, n_people: int, source: SourceInfo) -> PoseSeries:
    """A series of ``n_frames`` frames with no person detected (NaN landmarks).

    Useful for building synthetic series in tests and for sources whose
    frames are filled in afterwards.
    """
    shape = (n_frames, n_people, NUM_LANDMARKS)
    return PoseSeries(
        times_s=np.zeros(n_frames, dtype=np.float64),
        frame_index=np.arange(n_frames, dtype=np.int64),
        image=np.full(shape + (3,), np.nan, dtype=np.float32),
        world=np.full(shape + (3,), np.nan, dtype=np.float32),
        visibility=np.zeros(shape, dtype=np.float32),
        presence=np.zeros(shape, dtype=np.float32),
        source=source,
    )
