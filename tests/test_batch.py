"""``posturecheck batch`` without the pose model: inputs, manifests, names, table, resume records, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from posturecheck.analyze import AnalyzeOptions
from posturecheck.assessments.result import AssessmentResult, Finding
from posturecheck.batch.batch_files import COLUMNS, input_rows, write_table
from posturecheck.batch.collect_inputs import BatchInput, collect_inputs, read_manifest
from posturecheck.batch.job import Job, run_job
from posturecheck.batch.naming import partial_folders, result_name
from posturecheck.batch.resume import Outcome, finished_outcome, write_record
from posturecheck.batch.run import largest_first
from posturecheck.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "posturecheck.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folders_are_searched_recursively_for_clips_and_photos_only(tmp_path: Path) -> None:
    clip = touch(tmp_path / "in" / "a" / "walk.MP4")
    photo = touch(tmp_path / "in" / "b" / "c" / "stand.jpg")
    gif = touch(tmp_path / "in" / "b" / "raise.gif")  # a clip or a photo: its content tells
    mpeg = touch(tmp_path / "in" / "b" / "old.mpg")
    touch(tmp_path / "in" / "notes.txt")
    touch(tmp_path / "in" / ".hidden" / "old.mp4")
    touch(tmp_path / "in" / "out" / "walk.annotated.mp4")
    found = collect_inputs([tmp_path / "in"], exclude=tmp_path / "in" / "out")
    assert [item.path for item in found] == [clip, photo, mpeg, gif]


def test_a_file_named_twice_is_analysed_once_and_a_missing_one_is_kept_to_fail(tmp_path: Path) -> None:
    clip = touch(tmp_path / "walk.mp4")
    found = collect_inputs([clip, tmp_path, tmp_path / "gone.mp4"])
    assert [item.path for item in found] == [clip, tmp_path / "gone.mp4"]


def test_nothing_to_analyse_is_one_error(tmp_path: Path) -> None:
    touch(tmp_path / "notes.txt")
    with pytest.raises(InputError, match="no clip or image found"):
        collect_inputs([tmp_path])


def test_a_manifest_gives_each_row_its_settings_and_paths_from_its_folder(tmp_path: Path) -> None:
    manifest = tmp_path / "list" / "week.csv"
    touch(
        manifest,
        b"path,client,assessment,person,height_cm\nclips/a.mp4,C-12,standing_side,2,171.5\n/abs/b.mp4,,,,\n",
    )
    rows = read_manifest(manifest)
    assert rows == [
        BatchInput(tmp_path / "list" / "clips" / "a.mp4", "C-12", "standing_side", 2, 171.5),
        BatchInput(Path("/abs/b.mp4")),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"file\na.mp4\n", "needs a 'path' column"),
        (b"path,clinet\na.mp4,x\n", "unknown manifest column clinet"),
        (b"path,person\na.mp4,two\n", "line 2: person must be a whole number"),
        (b"path,person\na.mp4,0\n", "line 2: person counts from 1"),
        (b"path\n\n,\n", "line 2: the path is empty"),
    ],
)
def test_a_bad_manifest_is_one_error_naming_it_and_the_line(
    tmp_path: Path, text: bytes, message: str
) -> None:
    manifest = touch(tmp_path / "m.csv", text)
    with pytest.raises(InputError, match=message) as raised:
        read_manifest(manifest)
    assert str(manifest) in str(raised.value)


def test_two_inputs_with_the_same_name_get_different_folders_and_one_input_always_the_same(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "mon" / "walk.mp4", tmp_path / "tue" / "walk.mp4"
    assert result_name(first) != result_name(second)
    assert result_name(first) == result_name(tmp_path / "mon" / ".." / "mon" / "walk.mp4")
    assert result_name(first).startswith("walk-") and len(result_name(first)) == len("walk-") + 8


def _summary(folder: Path, assessment: dict | None = None) -> None:
    """A result folder whose summary has two people and, optionally, an assessment of person 2."""
    measure = {
        "unit": "deg",
        "method": "2d",
        "fraction_valid": 0.5,
        "fraction_valid_in_view": 0.8,
        "confidence": "high",
        "median": 20.25,
        "max": 31.0,
        "min": None,
        "range": 11.0,
    }
    low = {**measure, "fraction_valid_in_view": 0.25, "confidence": "low", "median": -3.5}
    summary = {
        "input": "walk.mp4",
        "measures": [
            {"person": 1, "measures": {"trunk_inclination": measure}},
            {"person": 2, "measures": {"trunk_inclination": low}},
        ],
        "assessment": assessment,
    }
    folder.mkdir(parents=True)
    (folder / "walk.summary.json").write_text(json.dumps(summary))


def test_table_rows_are_each_persons_figures_with_share_confidence_and_the_grade_of_findings(
    tmp_path: Path,
) -> None:
    finding = Finding("forward_head", "Forward head", 12.5, "cm", None, "above", "high", 0.9)
    graded = AssessmentResult("standing_side", (1,), True, "side view", findings=(finding,))
    _summary(tmp_path / "walk-1", graded.to_dict())
    outcome = Outcome("/in/walk.mp4", "walk-1", "ok", recorded=True)
    rows = input_rows(outcome, tmp_path)
    head = ("/in/walk.mp4", "walk-1", "ok")
    assert rows[0] == (*head, "2", "forward_head", "12.5", "cm", "0.9", "high", "above")
    assert (*head, "1", "trunk_inclination_median", "20.25", "deg", "0.8", "high", "") in rows
    assert (*head, "1", "trunk_inclination_min", "", "deg", "0.8", "high", "") in rows
    assert (*head, "2", "trunk_inclination_median", "-3.5", "deg", "0.25", "low", "") in rows
    assert len(rows) == 1 + 2 * 4


def test_a_figure_made_from_others_has_a_row_and_no_measured_error_so_at_most_low(tmp_path: Path) -> None:
    # Seen in a batch run: the symmetry index is a key figure but not a measure, and the table's
    # confidence lookup raised KeyError, failing the whole batch.
    measure = {
        "unit": "deg",
        "method": "2d",
        "fraction_valid": 0.9,
        "fraction_valid_in_view": 0.9,
        "confidence": "high",
        "expected_error_deg": 5.3,
        "median": 20.0,
        "max": 30.0,
        "min": -10.0,
        "range": 40.0,
    }
    person = {
        "person": 1,
        "measures": {"hip_flexion_left": measure, "hip_flexion_right": measure},
        "hip_flexion_symmetry_index_pct": 4.0,
    }
    folder = tmp_path / "walk-1"
    folder.mkdir()
    (folder / "walk.summary.json").write_text(json.dumps({"input": "walk.mp4", "measures": [person]}))
    rows = input_rows(Outcome("/in/walk.mp4", "walk-1", "ok", recorded=True), tmp_path)
    head = ("/in/walk.mp4", "walk-1", "ok", "1")
    assert (*head, "hip_flexion_symmetry_index", "4.0", "%", "0.9", "low", "") in rows
    assert (*head, "hip_flexion_left_max", "30.0", "deg", "0.9", "high", "") in rows


def test_a_failed_input_is_one_row_and_the_table_is_sorted_whatever_the_finishing_order(
    tmp_path: Path,
) -> None:
    _summary(tmp_path / "b-1")
    done = [
        Outcome("/in/b.mp4", "b-1", "ok", recorded=True),
        Outcome("/in/a.mp4", "a-1", "failed", "/in/a.mp4: file is empty (0 bytes)"),
    ]
    first = write_table(done, tmp_path).read_bytes()
    second = write_table(list(reversed(done)), tmp_path).read_bytes()
    assert first == second
    lines = first.decode().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1] == "/in/a.mp4,,failed,,,,,,,"
    assert lines[2:] == sorted(lines[2:]) and len(lines) == 2 + 2 * 4


def test_a_recorded_result_counts_only_for_the_same_content_and_options(tmp_path: Path) -> None:
    outcome = Outcome("/in/a.mp4", "a-1", "ok", frames=20, sha256="abc", recorded=True)
    write_record(tmp_path, outcome, "key1")
    assert finished_outcome(tmp_path, "abc", "key1") == outcome
    assert finished_outcome(tmp_path, "abd", "key1") is None
    assert finished_outcome(tmp_path, "abc", "key2") is None
    assert finished_outcome(tmp_path / "nothing", "abc", "key1") is None


def test_the_largest_inputs_start_first_and_equal_or_missing_ones_keep_their_order(tmp_path: Path) -> None:
    sizes = {"short.mp4": 10, "long.mp4": 3000, "same_a.mp4": 200, "same_b.mp4": 200}
    paths = [touch(tmp_path / name, b"x" * size) for name, size in sizes.items()]
    paths.insert(1, tmp_path / "gone.mp4")
    jobs = [Job(p, tmp_path / "out", p.stem, AnalyzeOptions(out_dir=tmp_path), False, "k") for p in paths]
    order = [job.path.name for job in largest_first(jobs)]
    assert order == ["long.mp4", "same_a.mp4", "same_b.mp4", "short.mp4", "gone.mp4"]


def test_a_missing_input_fails_with_analyzes_words_and_leaves_no_folder(tmp_path: Path) -> None:
    gone = tmp_path / "gone.mp4"
    job = Job(gone, tmp_path / "out", "gone-1", AnalyzeOptions(out_dir=tmp_path), False, "key")
    outcome = run_job(job)
    assert (outcome.status, outcome.reason, outcome.recorded) == (
        "failed",
        f"{gone}: no such file or folder",
        False,
    )
    assert not (tmp_path / "out" / "gone-1").exists()


def test_an_unreadable_input_fails_with_analyzes_reason_is_recorded_and_nothing_half_written_remains(
    tmp_path: Path,
) -> None:
    broken = touch(tmp_path / "broken.mp4", b"not a video")
    out = tmp_path / "out"
    job = Job(broken, out, "broken-1", AnalyzeOptions(out_dir=tmp_path, progress=False), False, "key")
    outcome = run_job(job)
    assert outcome.status == "failed" and outcome.recorded
    assert outcome.reason.startswith(f"{broken}: not a video or image file that can be read")
    assert not partial_folders(out)
    assert finished_outcome(out / "broken-1", outcome.sha256, "key") == outcome
    again = run_job(job)
    assert again.skipped and again.reason == outcome.reason


def test_cli_batch_of_bad_inputs_records_each_and_exits_4(tmp_path: Path) -> None:
    touch(tmp_path / "in" / "empty.mp4", b"")
    touch(tmp_path / "in" / "text.mp4", b"hello")
    result = run_cli("batch", tmp_path / "in", tmp_path / "gone.mp4", "--out", tmp_path / "out", "--quiet")
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    record = json.loads((tmp_path / "out" / "batch.json").read_text())
    reasons = {Path(item["input"]).name: item["reason"] for item in record["inputs"]}
    assert reasons == {
        "empty.mp4": f"{tmp_path / 'in' / 'empty.mp4'}: file is empty (0 bytes)",
        "gone.mp4": f"{tmp_path / 'gone.mp4'}: no such file or folder",
        "text.mp4": reasons["text.mp4"],
    }
    assert "not a video or image file" in reasons["text.mp4"]
    assert record["counts"] == {"ok": 0, "partial": 0, "failed": 3, "skipped": 0, "not_done": 0}
    assert sorted(line for line in result.stderr.splitlines() if line.startswith("failed:")) == sorted(
        f"failed: {reason}" for reason in reasons.values()
    )


def test_cli_batch_with_nothing_to_analyse_exits_1_with_one_line(tmp_path: Path) -> None:
    touch(tmp_path / "in" / "notes.txt")
    result = run_cli("batch", tmp_path / "in", "--out", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path / 'in'}: no clip or image found"]


def test_ray_engine_without_ray_says_how_to_install_it(tmp_path: Path) -> None:
    touch(tmp_path / "in" / "a.mp4", b"hello")
    argv = ["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--engine", "ray"]
    code = (
        f"import sys; sys.modules['ray'] = None; from posturecheck.cli import main; sys.exit(main({argv!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: the Ray engine needs ray: pip install 'posturecheck[cluster]' (or pip install 'ray>=2.9')"
    ]
    assert not (tmp_path / "out").exists()


def test_batch_help_lists_the_engines_and_the_exit_statuses() -> None:
    result = run_cli("batch", "--help")
    assert result.returncode == 0 and "usage: posturecheck batch" in result.stdout
    text = " ".join(result.stdout.split())
    assert "{local,ray}" in text and "4 some failed" in text and "130 stopped" in text
