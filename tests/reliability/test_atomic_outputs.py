"""A run that fails or is stopped part-way leaves the folder's previous results whole, never a mix.

Results are written under temporary names and renamed together when all are
complete. Each test analyses one clip into a folder, then runs again on a
different clip of the same name into the same folder and makes that run fail
(a real error found after the model ran) or stops it with Ctrl+C (SIGINT).
"""

from __future__ import annotations

import hashlib
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.interruptible import start_interruptible
from tests.media import walk_excerpt
from tests.test_cli_bad_input import ROOT, assert_one_line_error, run_cli


def fingerprints(folder: Path) -> dict[str, str]:
    """File name -> SHA-256 of every file in ``folder``."""
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())}


@pytest.fixture()
def first_run(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A complete analysis of one excerpt named clip.mp4 in ``out``, and its files' fingerprints."""
    (tmp_path / "first").mkdir()
    clip = walk_excerpt(tmp_path / "first" / "clip.mp4", 90, 20)
    out = tmp_path / "out"
    result = run_cli("analyze", clip, "--out", out, "--csv", out / "clip.csv", "--quiet")
    assert result.returncode == 0, result.stderr
    files = fingerprints(out)
    assert set(files) == {"clip.landmarks.npz", "clip.summary.json", "clip.annotated.mp4", "clip.csv"}
    return out, files


@pytest.mark.slow
def test_a_run_failing_after_the_model_leaves_the_previous_results(
    tmp_path: Path, first_run: tuple[Path, dict[str, str]]
) -> None:
    out, before = first_run
    (tmp_path / "second").mkdir()
    clip = walk_excerpt(tmp_path / "second" / "clip.mp4", 140, 25)

    result = run_cli(
        "analyze", clip, "--out", out, "--csv", out / "clip.csv", "--assessment", "free", "--person", "3"
    )

    assert_one_line_error(result, "there is no person 3")
    assert fingerprints(out) == before


@pytest.mark.slow
def test_a_run_stopped_with_ctrl_c_leaves_the_previous_results(
    tmp_path: Path, first_run: tuple[Path, dict[str, str]]
) -> None:
    out, before = first_run
    (tmp_path / "second").mkdir()
    clip = walk_excerpt(tmp_path / "second" / "clip.mp4", 0, 200)
    stamps = {f.name: f.stat().st_mtime_ns for f in out.iterdir()}
    process = start_interruptible(
        [sys.executable, "-m", "posturecheck.cli", "analyze", str(clip), "--out", str(out), "--quiet"], ROOT
    )
    # Wait for the second run to start writing into the folder (any new or rewritten file).
    deadline = time.monotonic() + 300
    while {f.name: f.stat().st_mtime_ns for f in out.iterdir()} == stamps:
        assert process.poll() is None, "the run ended before it wrote anything"
        assert time.monotonic() < deadline, "the run never started writing"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=300)

    assert process.returncode == 130, stderr
    assert "stopped" in stderr and "Traceback" not in stderr
    assert fingerprints(out) == before
