"""Every bad input gives one line naming the file and the problem, a non-zero exit, no traceback.

The command runs in a subprocess, exactly as a user runs it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.media import WALK_CLIP, frame_of, write_clip

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "posturecheck.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


def test_readme_is_not_a_video() -> None:
    assert_one_line_error(run_cli("analyze", "README.md"), "README.md", "not a video or image file")


def test_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("analyze", tmp_path / "nope.mp4"), "nope.mp4", "no such file")


def test_zero_byte_file(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert_one_line_error(run_cli("analyze", tmp_path / "empty.mp4"), "empty.mp4", "empty (0 bytes)")


def test_text_file_named_mp4(tmp_path: Path) -> None:
    (tmp_path / "notes.mp4").write_text("these are session notes, not a video\n" * 50)
    assert_one_line_error(
        run_cli("analyze", tmp_path / "notes.mp4"), "notes.mp4", "not a video or image file"
    )


def test_corrupt_video_bytes(tmp_path: Path) -> None:
    data = bytearray(WALK_CLIP.read_bytes())
    data[: len(data) // 2] = (
        np.random.default_rng(0).integers(0, 256, len(data) // 2, dtype=np.uint8).tobytes()
    )
    (tmp_path / "corrupt.mp4").write_bytes(bytes(data))
    assert_one_line_error(run_cli("analyze", tmp_path / "corrupt.mp4"), "corrupt.mp4")


def test_truncated_video_keeps_what_was_read(tmp_path: Path) -> None:
    (tmp_path / "cut.mp4").write_bytes(WALK_CLIP.read_bytes()[:300_000])
    result = run_cli("analyze", tmp_path / "cut.mp4", "--out", tmp_path / "out", "--quiet")
    assert_one_line_error(result, "cut.mp4", "truncated")
    assert result.returncode == 3
    assert (tmp_path / "out" / "cut.landmarks.npz").exists() and (
        tmp_path / "out" / "cut.summary.json"
    ).exists()


def test_no_person_in_view(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "empty_room.mp4", 320, 240, [i / 10 for i in range(8)])
    result = run_cli("analyze", clip, "--out", tmp_path / "out", "--quiet")
    assert_one_line_error(result, "empty_room.mp4", "no person found in any of the 8 frames")


def test_tiny_frames(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "tiny.mp4", 48, 32, [0.0, 0.1])
    assert_one_line_error(run_cli("analyze", clip), "tiny.mp4", "too small")


def test_huge_image(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "huge.png"), np.zeros((11_000, 11_008), np.uint8))
    assert_one_line_error(run_cli("analyze", tmp_path / "huge.png"), "huge.png", "too large")


def test_missing_model(tmp_path: Path) -> None:
    result = run_cli("analyze", WALK_CLIP, "--model", tmp_path / "none.task")
    assert_one_line_error(result, "none.task", "model file not found")


def test_corrupt_model(tmp_path: Path) -> None:
    (tmp_path / "bad.task").write_bytes(b"PK\x03\x04 not really a zip")
    assert_one_line_error(
        run_cli("analyze", WALK_CLIP, "--model", tmp_path / "bad.task"), "bad.task", "corrupt"
    )


def test_image_where_a_clip_is_expected_and_reverse(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "still.png"), frame_of(WALK_CLIP, 120))
    assert_one_line_error(
        run_cli("analyze", tmp_path / "still.png", "--expect", "clip"),
        "still.png",
        "still image; a video clip is needed",
    )
    assert_one_line_error(
        run_cli("analyze", WALK_CLIP, "--expect", "image"),
        "walk_side.mp4",
        "video clip; a still image is needed",
    )


@pytest.mark.parametrize("command", [["--help"], ["analyze", "--help"], ["webcam", "--help"]])
def test_help_on_every_command(command: list[str]) -> None:
    result = run_cli(*command)
    assert result.returncode == 0 and "usage: posturecheck" in result.stdout


def test_webcam_without_display_says_so() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "posturecheck.cli", "webcam"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert_one_line_error(result, "display")


def test_a_pitch_out_of_range_is_one_line(tmp_path: Path) -> None:
    result = run_cli("analyze", WALK_CLIP, "--pitch", "95", "--out", tmp_path / "out", "--quiet")
    assert_one_line_error(result, "invalid option", "camera_pitch_deg must be between -80 and 80")
