"""Clips that are damaged or unusual: the user is told what is wrong with the file, in one line.

The command runs in a subprocess, exactly as a user runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.media import WALK_CLIP, frame_of, write_clip
from tests.test_cli_bad_input import assert_one_line_error, run_cli

EXIT_PARTIAL = 3


def test_clip_truncated_before_anyone_is_seen_names_the_truncation(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "room.mp4", 320, 240, [i / 30 for i in range(90)])
    cut = tmp_path / "cut_room.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])

    result = run_cli("analyze", cut, "--out", tmp_path / "out", "--quiet")

    assert_one_line_error(result, "cut_room.mp4", "video is truncated")
    assert "no person found" not in result.stderr.split("error:")[1].splitlines()[0]
    assert result.returncode == EXIT_PARTIAL
    summary = json.loads((tmp_path / "out" / "cut_room.summary.json").read_text())
    assert 0 < summary["frames_analysed"] < 90 and "truncated" in summary["problem"]
    assert "no person" in result.stderr  # said too, as a warning about the frames that were read


def _walk_frames(indices: range) -> list[Image.Image]:
    """Frames of the sample walk, RGB, at half size."""
    pictures = []
    for index in indices:
        rgb = frame_of(WALK_CLIP, index)[:, :, ::-1]
        pictures.append(Image.fromarray(np.ascontiguousarray(rgb)).reduce(2))
    return pictures


@pytest.mark.slow
def test_animated_gif_is_analysed_as_a_clip(tmp_path: Path) -> None:
    pictures = _walk_frames(range(100, 112))
    gif = tmp_path / "walk.gif"
    pictures[0].save(gif, save_all=True, append_images=pictures[1:], duration=100, loop=0)

    result = run_cli("analyze", gif, "--out", tmp_path / "out", "--quiet", "--no-video")

    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "out" / "walk.summary.json").read_text())
    assert summary["source"]["kind"] == "video"
    assert summary["frames_analysed"] == 12
    assert summary["duration_s"] == 1.1  # 100 ms a frame, from the GIF's own timing
    assert summary["people"], "the walker is found"


@pytest.mark.slow
def test_single_frame_gif_is_analysed_as_a_still(tmp_path: Path) -> None:
    gif = tmp_path / "stand.gif"
    _walk_frames(range(120, 121))[0].save(gif)

    result = run_cli("analyze", gif, "--out", tmp_path / "out", "--quiet")

    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "out" / "stand.summary.json").read_text())
    assert summary["source"]["kind"] == "image"
    assert summary["frames_analysed"] == 1
    assert_one_line_error(
        run_cli("analyze", gif, "--expect", "clip"), "stand.gif", "still image; a video clip is needed"
    )
