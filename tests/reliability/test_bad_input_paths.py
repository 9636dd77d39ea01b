"""Results that cannot be written and inputs that cannot be read: words, not exception names.

Where results cannot go is found before the analysis starts (the tests use a
clip without a person, so an analysis would end in "no person found": the
error seen proves the check came first). Permissions are tested on a child
process that runs as root without its permission override (or as the user),
so a file without read or write permission really refuses it.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.media import write_clip
from tests.test_cli_bad_input import ROOT, assert_one_line_error, run_cli

# Linux capabilities that let root ignore file permissions.
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2
_PR_CAPBSET_DROP = 24


def _without_permission_override() -> None:
    """In the child, before exec: drop root's permission override for good."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "could not drop a capability")


def run_cli_as_user(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The command as a user whom file permissions apply to (root is made one)."""
    return subprocess.run(
        [sys.executable, "-m", "posturecheck.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        preexec_fn=_without_permission_override if os.geteuid() == 0 else None,
    )


@pytest.fixture(scope="module")
def room_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short clip with nobody in it."""
    folder = tmp_path_factory.mktemp("room")
    return write_clip(folder / "room.mp4", 320, 240, [i / 10 for i in range(6)])


def test_out_under_a_regular_file(tmp_path: Path, room_clip: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    result = run_cli("analyze", room_clip, "--out", tmp_path / "notes.txt" / "results", "--quiet")
    assert_one_line_error(result, "notes.txt/results", "cannot be created (not a directory)", "--out")
    assert "unexpected" not in result.stderr


def test_out_is_a_file(tmp_path: Path, room_clip: Path) -> None:
    (tmp_path / "results").write_text("a file")
    result = run_cli("analyze", room_clip, "--out", tmp_path / "results", "--quiet")
    assert_one_line_error(result, "results", "is a file, not a folder", "--out")


def test_csv_is_a_folder_is_found_before_the_analysis(tmp_path: Path, room_clip: Path) -> None:
    (tmp_path / "tables").mkdir()
    result = run_cli("analyze", room_clip, "--out", tmp_path / "out", "--csv", tmp_path / "tables", "--quiet")
    assert_one_line_error(result, "tables", "is a folder", "--csv")
    assert not (tmp_path / "out" / "room.summary.json").exists(), "nothing was analysed"


def test_csv_under_a_regular_file(tmp_path: Path, room_clip: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file")
    csv = tmp_path / "notes.txt" / "m.csv"
    result = run_cli("analyze", room_clip, "--out", tmp_path / "out", "--csv", csv, "--quiet")
    assert_one_line_error(result, "notes.txt/m.csv", "is a file, not a folder", "--csv")


def test_csv_in_a_missing_folder(tmp_path: Path, room_clip: Path) -> None:
    csv = tmp_path / "nowhere" / "m.csv"
    result = run_cli("analyze", room_clip, "--out", tmp_path / "out", "--csv", csv, "--quiet")
    assert_one_line_error(result, "nowhere/m.csv", "does not exist", "--csv")


def test_out_without_write_permission(tmp_path: Path, room_clip: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = run_cli_as_user("analyze", room_clip, "--out", locked, "--quiet")
    assert_one_line_error(result, "locked", "cannot be written", "permission denied", "--out")


def test_csv_in_a_folder_without_write_permission(tmp_path: Path, room_clip: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = run_cli_as_user(
        "analyze", room_clip, "--out", tmp_path / "out", "--csv", locked / "m.csv", "--quiet"
    )
    assert_one_line_error(result, "locked/m.csv", "cannot be written", "permission denied", "--csv")
    assert not (tmp_path / "out" / "room.summary.json").exists(), "nothing was analysed"


def test_input_without_read_permission(tmp_path: Path, room_clip: Path) -> None:
    clip = tmp_path / "private.mp4"
    clip.write_bytes(room_clip.read_bytes())
    clip.chmod(0o000)
    result = run_cli_as_user("analyze", clip, "--out", tmp_path / "out", "--quiet")
    assert_one_line_error(result, "private.mp4", "cannot be read (permission denied)")
