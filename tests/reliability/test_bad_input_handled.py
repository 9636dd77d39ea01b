"""Awkward inputs the command already handles, end to end, as a user runs it.

Cases already run through the command in ``tests/test_cli_bad_input.py``
(zero-byte file, text named .mp4, corrupt and truncated clips, no person,
tiny clip frames, a still too large, missing or corrupt model) are not
repeated; the frame sources' own tests (``tests/test_sources.py``) check
rotation and variable frame rate at the reader. Here: refused inputs give
one line naming the file; accepted ones are analysed as what they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from posturecheck.io.video_sink import H264Writer
from tests.media import WALK_CLIP, frame_of, walk_excerpt, with_display_rotation
from tests.test_cli_bad_input import assert_one_line_error, run_cli


def audio_only(folder: Path) -> Path:
    """Half a second of a 440 Hz tone in an MP4 with no video stream."""
    path = folder / "voice_note.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=44100)
        samples = np.sin(2 * np.pi * 440 * np.arange(22050) / 44100).astype(np.float32)[None, :]
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = 44100, 0, Fraction(1, 44100)
        for packet in [*stream.encode(frame), *stream.encode()]:
            out.mux(packet)
    return path


def empty_folder(folder: Path) -> Path:
    (folder / "photos").mkdir()
    (folder / "photos" / "readme.txt").write_text("no photos here")
    return folder / "photos"


def tiny_still(folder: Path) -> Path:
    cv2.imwrite(str(folder / "thumb.png"), cv2.resize(frame_of(WALK_CLIP, 120), (60, 40)))
    return folder / "thumb.png"


@pytest.mark.parametrize(
    ("make", "fragments"),
    [
        (audio_only, ("voice_note.mp4", "has no video stream")),
        (empty_folder, ("photos", "folder holds no images")),
        (tiny_still, ("thumb.png", "too small (60x40 px)")),
    ],
    ids=["audio-only file", "folder without images", "tiny still"],
)
def test_refused_inputs_say_why_in_one_line(
    tmp_path: Path, make: Callable[[Path], Path], fragments: tuple[str, ...]
) -> None:
    result = run_cli("analyze", make(tmp_path), "--out", tmp_path / "out", "--quiet")
    assert_one_line_error(result, *fragments)
    assert result.returncode == 1


def rotated_clip(folder: Path) -> Path:
    """A landscape excerpt whose display matrix says: turn it 90 degrees clockwise (a phone's portrait)."""
    return with_display_rotation(walk_excerpt(folder / "flat.mp4", 100, 24), folder / "portrait.mp4", -90)


def variable_rate_clip(folder: Path) -> Path:
    """Ten frames of the walk at irregular times, as phones record in low light."""
    times = [0.0, 0.033, 0.1, 0.12, 0.2, 0.31, 0.33, 0.4, 0.52, 0.6]
    path = folder / "vfr.mp4"
    with H264Writer(path, 1280, 364, fps=None) as writer:
        for offset, time_s in enumerate(times):
            writer.write(np.ascontiguousarray(frame_of(WALK_CLIP, 100 + offset)[:, :, ::-1]), time_s)
    return path


def still_8k(folder: Path) -> Path:
    """A walk frame scaled up to 7680x4320 (33 million pixels, under the limit)."""
    cv2.imwrite(str(folder / "big.png"), cv2.resize(frame_of(WALK_CLIP, 120), (7680, 4320)))
    return folder / "big.png"


def person_leaving(folder: Path) -> Path:
    """24 frames of the walk, then 24 of an empty grey scene: the person is gone half the clip."""
    path = folder / "leaving.mp4"
    with H264Writer(path, 1280, 364, fps=30.0) as writer:
        for index in range(48):
            rgb = frame_of(WALK_CLIP, 100 + index)[:, :, ::-1] if index < 24 else np.full((364, 1280, 3), 128)
            writer.write(np.ascontiguousarray(rgb, dtype=np.uint8), index / 30)
    return path


def _rotated(summary: dict, stderr: str) -> None:
    source = summary["source"]
    assert (source["rotation_deg"], source["width"], source["height"]) == (90, 364, 1280)


def _variable_rate(summary: dict, stderr: str) -> None:
    assert summary["frames_analysed"] == 10 and summary["duration_s"] == pytest.approx(0.6, abs=0.002)


def _big_still(summary: dict, stderr: str) -> None:
    source = summary["source"]
    assert source["kind"] == "image" and (source["width"], source["height"]) == (7680, 4320)
    assert max(source["inference_width"], source["inference_height"]) <= 1280
    assert summary["people"], "the walker is found in the scaled-down frame"


def _leaving(summary: dict, stderr: str) -> None:
    assert summary["people"][0]["fraction_detected"] <= 0.55
    assert "person 1 was in view in" in stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("make", "check"),
    [
        (rotated_clip, _rotated),
        (variable_rate_clip, _variable_rate),
        (still_8k, _big_still),
        (person_leaving, _leaving),
    ],
    ids=["rotated phone clip", "variable frame rate", "8K still", "person leaving"],
)
def test_awkward_inputs_are_analysed_as_what_they_are(
    tmp_path: Path, make: Callable[[Path], Path], check: Callable[[dict, str], None]
) -> None:
    source = make(tmp_path)
    result = run_cli("analyze", source, "--out", tmp_path / "out", "--quiet", "--no-video")
    assert result.returncode == 0, result.stderr
    assert "error:" not in result.stderr
    check(json.loads((tmp_path / "out" / f"{source.stem}.summary.json").read_text()), result.stderr)
