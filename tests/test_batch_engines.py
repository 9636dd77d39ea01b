"""``posturecheck batch`` end to end with the pose model: the local engine, resume, Ctrl-C, history, Ray.

Inputs are short cuts of the bundled samples (20 frames), a photo, and a
file that is not a video; every run is the command in a subprocess, as a
user runs it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import pytest

from posturecheck.batch.engines import ONE_THREAD_ENV
from posturecheck.batch.naming import partial_folders, result_name
from posturecheck.io.digest import file_sha256
from posturecheck.pose.landmarker import BUNDLED_MODEL
from posturecheck.storage import open_history
from tests.interruptible import start_interruptible
from tests.media import WALK_CLIP, cut_clip

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def batch_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "posturecheck.cli", "batch", *map(str, args)]


def run_batch(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        batch_command(*args), capture_output=True, text=True, cwd=ROOT, timeout=900, env=environment
    )


def still(path: Path, index: int) -> Path:
    with av.open(str(WALK_CLIP)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number == index:
                frame.to_image().save(path)
                return path
    raise AssertionError(f"no frame {index}")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two clips both named walk.mp4 (different content), a photo and a broken file, in two folders."""
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "mon").mkdir()
    (folder / "tue").mkdir()
    cut_clip(WALK_CLIP, folder / "mon" / "walk.mp4", 70, 20)
    cut_clip(WALK_CLIP, folder / "tue" / "walk.mp4", 100, 20)
    still(folder / "tue" / "stand.jpg", 110)
    (folder / "tue" / "broken.mp4").write_bytes(b"this is not a video")
    return folder


@pytest.fixture(scope="module")
def local_run(
    inputs: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The inputs through the local engine with two workers."""
    out = tmp_path_factory.mktemp("local") / "out"
    return out, run_batch(inputs, "--out", out, "--workers", "2", "--quiet")


def statuses(out: Path, root: Path) -> dict[str, tuple[str, str]]:
    """Each input's status and reason from batch.json, by its path under ``root``."""
    record = json.loads((out / "batch.json").read_text())
    return {
        Path(item["input"]).relative_to(root).as_posix(): (item["status"], item["reason"])
        for item in record["inputs"]
    }


def test_local_engine_analyses_each_input_into_its_own_folder_and_records_the_broken_one(
    inputs: Path, local_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    out, result = local_run
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    broken = inputs / "tue" / "broken.mp4"
    found = statuses(out, inputs)
    assert found["tue/broken.mp4"][0] == "failed"
    assert found["tue/broken.mp4"][1].startswith(f"{broken}: not a video or image file that can be read")
    assert {name: status for name, (status, _) in found.items()} == {
        "mon/walk.mp4": "ok",
        "tue/walk.mp4": "ok",
        "tue/stand.jpg": "ok",
        "tue/broken.mp4": "failed",
    }
    for clip in (inputs / "mon" / "walk.mp4", inputs / "tue" / "walk.mp4"):
        folder = out / result_name(clip)
        names = {path.name for path in folder.iterdir()}
        assert {"walk.summary.json", "walk.landmarks.npz", "walk.annotated.mp4"} <= names
        assert json.loads((folder / "walk.summary.json").read_text())["frames_analysed"] == 20
    assert not partial_folders(out)
    assert f"failed: {found['tue/broken.mp4'][1]}" in result.stderr.splitlines()


def test_the_table_has_a_row_per_input_person_and_figure(
    inputs: Path, local_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    out, _ = local_run
    lines = (out / "batch.csv").read_text().splitlines()
    rows = [line.split(",") for line in lines[1:]]
    assert lines == [lines[0], *sorted(lines[1:])]
    by_input = {path: [row for row in rows if row[0] == path] for path in {row[0] for row in rows}}
    assert by_input[str(inputs / "tue" / "broken.mp4")] == [
        [str(inputs / "tue" / "broken.mp4"), result_name(inputs / "tue" / "broken.mp4"), "failed"] + [""] * 7
    ]
    walk = by_input[str(inputs / "mon" / "walk.mp4")]
    summary = json.loads((out / result_name(inputs / "mon" / "walk.mp4") / "walk.summary.json").read_text())
    median = summary["measures"][0]["measures"]["hip_flexion_left"]
    row = next(r for r in walk if r[3] == "1" and r[4] == "hip_flexion_left_median")
    assert row[5:9] == [
        repr(float(median["median"])),
        "deg",
        repr(float(median["fraction_valid_in_view"])),
        median["confidence"],
    ]


def test_a_rerun_skips_what_is_done_and_writes_the_same_table(
    inputs: Path, local_run: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    out, _ = local_run
    table = (out / "batch.csv").read_bytes()
    summary = out / result_name(inputs / "mon" / "walk.mp4") / "walk.summary.json"
    written = summary.stat().st_mtime_ns
    again = run_batch(inputs, "--out", out, "--workers", "2", "--quiet")
    assert again.returncode == 4, again.stderr
    record = json.loads((out / "batch.json").read_text())
    assert record["counts"] == {"ok": 3, "partial": 0, "failed": 1, "skipped": 4, "not_done": 0}
    assert (out / "batch.csv").read_bytes() == table
    assert summary.stat().st_mtime_ns == written


def test_changed_content_or_options_are_redone(tmp_path: Path) -> None:
    clip = cut_clip(WALK_CLIP, tmp_path / "in" / "walk.mp4", 70, 20)
    out = tmp_path / "out"
    assert run_batch(clip, "--out", out, "--quiet", "--no-video").returncode == 0
    cut_clip(WALK_CLIP, clip, 100, 20)
    changed = run_batch(clip, "--out", out, "--quiet", "--no-video")
    assert changed.returncode == 0, changed.stderr
    record = json.loads((out / "batch.json").read_text())
    assert record["counts"]["skipped"] == 0
    assert record["inputs"][0]["sha256"] == file_sha256(clip)
    assert run_batch(clip, "--out", out, "--quiet").returncode == 0
    assert json.loads((out / "batch.json").read_text())["counts"]["skipped"] == 0
    assert (out / result_name(clip) / "walk.annotated.mp4").is_file()


def wait_for(condition: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_ctrl_c_stops_cleanly_says_how_far_it_got_and_a_rerun_finishes(tmp_path: Path) -> None:
    for number in range(3):
        cut_clip(WALK_CLIP, tmp_path / "in" / f"walk{number}.mp4", 70 + number, 60)
    out = tmp_path / "out"
    process = start_interruptible(
        batch_command(tmp_path / "in", "--out", out, "--workers", "1", "--quiet"), ROOT
    )
    try:
        wait_for(lambda: out.is_dir() and partial_folders(out), 300, "a result folder being written")
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=300)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    stopped = [line for line in stderr.splitlines() if line.startswith("stopped after")]
    assert len(stopped) == 1 and "of 3 inputs; run the same command again" in stopped[0]
    assert not partial_folders(out)
    record = json.loads((out / "batch.json").read_text())
    assert record["interrupted"] and record["not_done"]
    left = len(record["not_done"])
    finished = run_batch(tmp_path / "in", "--out", out, "--workers", "1", "--quiet")
    assert finished.returncode == 0, finished.stderr
    record = json.loads((out / "batch.json").read_text())
    assert record["counts"]["ok"] == 3 and record["counts"]["skipped"] == 3 - left


def test_client_results_are_kept_in_the_history_once(tmp_path: Path) -> None:
    clip = cut_clip(WALK_CLIP, tmp_path / "in" / "walk.mp4", 70, 20)
    out = tmp_path / "out"
    for _ in range(2):
        result = run_batch(clip, "--out", out, "--quiet", "--no-video", "--client", "C-7")
        assert result.returncode == 0, result.stderr
    with open_history() as history:
        (client,) = history.clients()
        sessions = history.sessions(client.id)
    assert client.code == "C-7" and len(sessions) == 1
    kept = json.loads((out / "batch.json").read_text())["kept_in_history"]
    assert kept[str(clip)]["session"] == sessions[0].id


def ray_is_installed() -> bool:
    if importlib.util.find_spec("ray") is not None:
        return True
    if os.environ.get("CI") == "true":
        pytest.fail("ray is not installed, and CI must test the Ray engine: pip install -e '.[test]'")
    pytest.skip("ray is not installed here (pip install -e '.[cluster]'); the Ray engine is not tested")


def test_ray_engine_gives_the_local_engines_table_byte_for_byte(
    inputs: Path, local_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    ray_is_installed()
    shipped = Path(tempfile.gettempdir()) / "posturecheck-models" / f"{file_sha256(BUNDLED_MODEL)}.task"
    shipped.unlink(missing_ok=True)
    out = tmp_path / "ray"
    result = run_batch(inputs, "--out", out, "--engine", "ray", "--workers", "2", "--quiet")
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    local_out, _ = local_run
    assert (out / "batch.csv").read_bytes() == (local_out / "batch.csv").read_bytes()
    assert statuses(out, inputs) == statuses(local_out, inputs)
    record = json.loads((out / "batch.json").read_text())
    assert record["engine"] == "ray" and record["ray_gcs_address"].startswith("127.0.0.1:")
    assert shipped.is_file() and file_sha256(shipped) == file_sha256(BUNDLED_MODEL)


def pool_workers(parent: int) -> list[int]:
    """Process ids of the local engine's workers under the batch command ``parent``."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    workers = []
    for child in map(int, children):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"spawn_main" in command:
            workers.append(child)
    return workers


def test_a_worker_that_dies_is_replaced_and_its_input_failed_when_it_kills_the_worker_twice(
    tmp_path: Path,
) -> None:
    clip = cut_clip(WALK_CLIP, tmp_path / "in" / "walk.mp4", 70, 60)
    out = tmp_path / "out"
    process = subprocess.Popen(
        batch_command(clip, "--out", out, "--workers", "1", "--quiet"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        killed: set[int] = set()
        for _ in range(2):
            wait_for(
                lambda: out.is_dir() and partial_folders(out) and set(pool_workers(process.pid)) - killed,
                300,
                "a worker writing a result folder",
            )
            (worker,) = set(pool_workers(process.pid)) - killed
            os.kill(worker, signal.SIGKILL)
            killed.add(worker)
        stdout, stderr = process.communicate(timeout=300)
    finally:
        process.kill()
    assert process.returncode == 4, stderr
    assert f"failed: {clip}: the worker analysing it stopped (crashed or ran out of memory)" in stderr
    assert not partial_folders(out)
    record = json.loads((out / "batch.json").read_text())
    assert record["counts"]["failed"] == 1 and not record["inputs"][0]["recorded"]


def test_a_truncated_clip_is_partial_with_what_was_read_and_analyzes_reason(tmp_path: Path) -> None:
    whole = cut_clip(WALK_CLIP, tmp_path / "whole.mp4", 100, 30)
    cut = tmp_path / "in" / "cut.mp4"
    cut.parent.mkdir()
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    out = tmp_path / "out"
    result = run_batch(cut, "--out", out, "--quiet", "--no-video")
    assert result.returncode == 3, result.stderr
    (item,) = json.loads((out / "batch.json").read_text())["inputs"]
    assert item["status"] == "partial" and item["recorded"]
    assert item["reason"].startswith(f"{cut}: video is truncated") and 0 < item["frames"] < 30
    assert f"partial: {item['reason']}" in result.stderr.splitlines()
    summary = json.loads((out / result_name(cut) / "cut.summary.json").read_text())
    assert summary["frames_analysed"] == item["frames"]


RAY_HEAD = """
import os, sys
os.environ.update(RAY_USAGE_STATS_ENABLED="0", RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0")
import ray
ray.init(num_cpus=2, include_dashboard=False)
print(ray.get_runtime_context().gcs_address, flush=True)
sys.stdin.read()
ray.shutdown()
"""


def test_ray_engine_on_a_running_instance_by_its_address(
    inputs: Path, local_run: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    ray_is_installed()
    head = subprocess.Popen(
        [sys.executable, "-c", RAY_HEAD],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert head.stdout is not None and head.stdin is not None
        address = head.stdout.readline().strip()
        assert address.startswith("127.0.0.1:"), address
        out = tmp_path / "ray"
        # The instance uses Ray's default token authentication; a client joining it says so, as users do.
        result = run_batch(
            inputs,
            "--out",
            out,
            "--engine",
            "ray",
            "--ray-address",
            address,
            "--quiet",
            env={"RAY_AUTH_MODE": "token"},
        )
        head.stdin.close()
        head.wait(timeout=120)
    finally:
        head.kill()
    assert result.returncode == 4, result.stderr
    local_out, _ = local_run
    assert (out / "batch.csv").read_bytes() == (local_out / "batch.csv").read_bytes()
    assert json.loads((out / "batch.json").read_text())["ray_address"] == address


RAY_WORKER_ENVIRONMENT = """
import json, os
from posturecheck.batch.engines import ONE_THREAD_ENV
from posturecheck.batch.engines.ray import start_ray

ray = start_ray(None, 1)
driver = {key: os.environ.get(key) for key in ONE_THREAD_ENV}
worker = ray.get(ray.remote(lambda: {key: os.environ.get(key) for key in ONE_THREAD_ENV}).remote())
ray.shutdown()
print(json.dumps({"driver": driver, "worker": worker}))
"""


def test_a_local_ray_instance_runs_its_workers_with_one_thread_each_and_leaves_the_driver_as_it_was() -> None:
    ray_is_installed()
    environment = {key: value for key, value in os.environ.items() if not key.endswith("_NUM_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", RAY_WORKER_ENVIRONMENT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["worker"] == ONE_THREAD_ENV
    assert seen["driver"] == dict.fromkeys(ONE_THREAD_ENV)
