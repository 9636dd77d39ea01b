"""Media made by the tests themselves: synthetic clips, stills and damaged copies of samples."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import cv2
import numpy as np

from posturecheck.io.video_sink import H264Writer

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
WALK_CLIP = SAMPLES / "walk_side.mp4"
TWO_PEOPLE_CLIP = SAMPLES / "two_people.mp4"


def write_clip(path: Path, width: int, height: int, times_s: list[float], seed: int = 0) -> Path:
    """An H.264 clip of moving gradient frames (no person) shown at ``times_s``."""
    rng = np.random.default_rng(seed)
    base = np.linspace(0, 255, width, dtype=np.float32)[None, :].repeat(height, axis=0)
    with H264Writer(path, width, height, fps=30.0) as writer:
        for index, time_s in enumerate(times_s):
            gray = np.roll(base, index * 3, axis=1) + rng.normal(0, 4, base.shape)
            writer.write(np.repeat(np.clip(gray, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2), time_s)
    return path


def with_display_rotation(source: Path, target: Path, degrees_ccw: int) -> Path:
    """Copy an MP4, rewriting its track header's display matrix to a rotation.

    ``degrees_ccw`` follows FFmpeg's display-matrix angle: a phone's usual
    portrait clip has -90 (its frames must be turned 90 degrees clockwise).
    """
    data = bytearray(source.read_bytes())
    box = data.find(b"tkhd")
    version = data[box + 4]
    times = 8 + 8 + 4 + 4 + 8 if version == 1 else 4 + 4 + 4 + 4 + 4
    offset = box + 4 + 4 + times + 8 + 2 + 2 + 2 + 2
    one = 0x10000
    cos, sin = {0: (1, 0), -90: (0, -1), 90: (0, 1), 180: (-1, 0)}[degrees_ccw]
    matrix = (cos * one, -sin * one, 0, sin * one, cos * one, 0, 0, 0, 0x40000000)
    data[offset : offset + 36] = struct.pack(">9i", *matrix)
    target.write_bytes(bytes(data))
    return target


def frame_of(clip: Path, index: int) -> np.ndarray:
    """Frame ``index`` of a clip as (h, w, 3) uint8 BGR, read with OpenCV."""
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, bgr = capture.read()
    capture.release()
    assert ok, f"could not read frame {index} of {clip}"
    return bgr


def cut_clip(source: Path, target: Path, start: int, count: int) -> Path:
    """Frames ``start`` .. ``start + count - 1`` of ``source`` as a new H.264 clip at 30 fps, same size."""

    target.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        with H264Writer(target, width, height, fps=30.0) as writer:
            for index, frame in enumerate(container.decode(stream)):
                if index >= start + count:
                    break
                if index >= start:
                    writer.write(frame.to_ndarray(format="rgb24"), (index - start) / 30)
    return target


def walk_excerpt(path: Path, start: int, count: int) -> Path:
    """Frames ``start`` to ``start + count`` of the sample walk as a clip of their own."""
    return cut_clip(WALK_CLIP, path, start, count)
