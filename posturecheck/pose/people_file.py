"""Read a landmarks file back as tracked people, a block of frames at a time.

The landmarks file (:meth:`TrackedSeries.save`, the same format as
:meth:`PoseSeries.save`) holds every frame of every person slot: a class
filmed for an hour with 115 people seen one after another is 108 000 frames x
115 slots, 13 GB as arrays, though the file is 105 MB (a slot is empty where
its person is not in view, and compresses to almost nothing).
:func:`read_people` streams each array of the file and keeps each person's
rows they are seen in only (:class:`PersonSpan`), so reading costs what the
analysis held: the frames each person is in view, plus one block.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO

import numpy as np
from numpy.lib import format as npy

from posturecheck.landmarks import NUM_LANDMARKS
from posturecheck.pose.series import PoseSeries, SourceInfo, detected_in, file_source, reading_landmarks_file
from posturecheck.pose.tracking import PersonSpan, TrackedSeries, person_track

# Bytes of one array of the file decompressed at a time.
BLOCK_BYTES = 8 << 20

# The per-person arrays of the file and the shape of one person in one frame (masks: any).
_PER_PERSON = {
    "image": (NUM_LANDMARKS, 3),
    "world": (NUM_LANDMARKS, 3),
    "visibility": (NUM_LANDMARKS,),
    "presence": (NUM_LANDMARKS,),
    "masks": None,
}


def read_people(path: str | Path) -> TrackedSeries:
    """The people of a landmarks file, person ``k`` slot ``k`` of the file, each over their own rows.

    ``series`` of the result (made on request) equals :meth:`PoseSeries.load`
    of the same file. A person is seen in a row where their image landmarks
    are not NaN (:attr:`PoseSeries.detected`). The file does not record how
    the people were tracked: the result's tracks have no joins across
    absences (``reidentifications`` empty), ``n_dropped_tracks`` is 0 and
    ``min_duration_s`` 0.0.

    Raises
    ------
    InputError
        If the file is missing or is not a posturecheck landmarks file.
    """
    path = Path(path)
    with reading_landmarks_file(path):
        with np.load(path, allow_pickle=False) as data:
            source = file_source(data, path)
            times_s, frame_index = data["times_s"], data["frame_index"]
            names = [name for name in _PER_PERSON if name in data.files]
        with zipfile.ZipFile(path) as archive:
            return _people(archive, names, times_s, frame_index, source)


def _people(
    archive: zipfile.ZipFile,
    names: list[str],
    times_s: np.ndarray,
    frame_index: np.ndarray,
    source: SourceInfo,
) -> TrackedSeries:
    """The tracked people of the file's per-person arrays ``names`` (image first)."""
    if names[:1] != ["image"] or not {"world", "visibility", "presence"} <= set(names):
        raise ValueError("landmark arrays are missing")
    n_frames = times_s.shape[0]
    seen: list[np.ndarray] = []
    kept: dict[str, list[np.ndarray]] = {}
    empty: dict[str, np.ndarray] = {}
    for name in names:
        with archive.open(f"{name}.npy") as handle:
            shape, dtype = _header(handle, name, n_frames)
            if name == "image":
                seen, kept[name] = _gather_seen(_blocks(handle, shape, dtype), shape, dtype)
            elif shape[1] != len(seen):
                raise ValueError(f"{name} has {shape[1]} people, image {len(seen)}")
            else:
                kept[name] = _gather(_blocks(handle, shape, dtype), seen, shape, dtype)
            empty[name] = np.zeros((n_frames, 0) + shape[2:], dtype=dtype)
    clip = PoseSeries(
        times_s=times_s,
        frame_index=frame_index,
        image=empty["image"],
        world=empty["world"],
        visibility=empty["visibility"],
        presence=empty["presence"],
        source=source,
        masks=empty.get("masks"),
    )
    spans, tracks = [], []
    for k, rows in enumerate(seen):
        own = replace(
            clip,
            times_s=times_s[rows],
            frame_index=frame_index[rows],
            image=kept["image"][k][:, None],
            world=kept["world"][k][:, None],
            visibility=kept["visibility"][k][:, None],
            presence=kept["presence"][k][:, None],
            masks=kept["masks"][k][:, None] if "masks" in kept else None,
        )
        start, stop = (int(rows[0]), int(rows[-1]) + 1) if rows.size else (0, 0)
        spans.append(PersonSpan(start, stop - start, rows - start, own))
        tracks.append(person_track(k, rows, own))
    return TrackedSeries(clip, tuple(spans), tuple(tracks), n_dropped_tracks=0, min_duration_s=0.0)


def _header(handle: IO[bytes], name: str, n_frames: int) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype of the array ``name`` that ``handle`` starts, checked against the file's frames."""
    version = npy.read_magic(handle)
    read = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
    shape, fortran_order, dtype = read(handle)
    one = _PER_PERSON[name]
    if fortran_order or len(shape) < 2 or shape[0] != n_frames or (one is not None and shape[2:] != one):
        raise ValueError(f"{name} has shape {shape} for {n_frames} frames")
    if dtype.hasobject:
        raise ValueError(f"{name} holds Python objects")
    return tuple(shape), dtype


def _blocks(handle: IO[bytes], shape: tuple[int, ...], dtype: np.dtype) -> Iterator[tuple[int, np.ndarray]]:
    """The array's first row and rows (frames) of each block of about :data:`BLOCK_BYTES`."""
    row_bytes = int(np.prod(shape[1:], dtype=np.int64)) * dtype.itemsize
    step = max(1, BLOCK_BYTES // max(1, row_bytes))
    for first in range(0, shape[0], step):
        rows = min(step, shape[0] - first)
        data = _read_exactly(handle, rows * row_bytes)
        yield first, np.frombuffer(data, dtype=dtype).reshape((rows,) + shape[1:])


def _read_exactly(handle: IO[bytes], size: int) -> bytes:
    """``size`` bytes of ``handle``; ValueError when the file ends before."""
    parts, left = [], size
    while left:
        part = handle.read(left)
        if not part:
            raise ValueError("the file ends inside an array")
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _gather_seen(
    blocks: Iterator[tuple[int, np.ndarray]], shape: tuple[int, ...], dtype: np.dtype
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each person's rows seen (image landmarks not NaN) and their image landmarks in those rows."""
    rows: list[list[np.ndarray]] = [[] for _ in range(shape[1])]
    parts: list[list[np.ndarray]] = [[] for _ in range(shape[1])]
    for first, block in blocks:
        detected = detected_in(block)
        for k in np.flatnonzero(detected.any(axis=0)).tolist():
            at = np.flatnonzero(detected[:, k])
            rows[k].append(first + at)
            parts[k].append(block[at, k].copy())
    seen = [np.concatenate(r) if r else np.zeros(0, dtype=np.int64) for r in rows]
    return seen, _joined(parts, shape, dtype)


def _gather(
    blocks: Iterator[tuple[int, np.ndarray]], seen: list[np.ndarray], shape: tuple[int, ...], dtype: np.dtype
) -> list[np.ndarray]:
    """Each person's rows ``seen[k]`` of the array whose row blocks are ``blocks``."""
    parts: list[list[np.ndarray]] = [[] for _ in seen]
    for first, block in blocks:
        stop = first + block.shape[0]
        for k, rows in enumerate(seen):
            low, high = np.searchsorted(rows, [first, stop])
            if low < high:
                parts[k].append(block[rows[low:high] - first, k].copy())
    return _joined(parts, shape, dtype)


def _joined(parts: list[list[np.ndarray]], shape: tuple[int, ...], dtype: np.dtype) -> list[np.ndarray]:
    """Each person's pieces joined (an empty array of one person's shape where none)."""
    return [np.concatenate(p) if p else np.zeros((0,) + shape[2:], dtype=dtype) for p in parts]
