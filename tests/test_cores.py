"""The model keeps a core of its own; reading and writing threads run on the others.

Real threads and the real model; the thread masks are read back from the
kernel (``os.sched_getaffinity`` of the calling thread).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file
from posturecheck.errors import PostureCheckError
from posturecheck.io.cores import core_split, run_on
from posturecheck.io.frame_process import SHARED_FOLDER, FrameProcess
from posturecheck.io.frames import DEFAULT_MAX_SIDE
from posturecheck.io.sources import open_source
from tests.media import WALK_CLIP

ALLOWED = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else frozenset()
needs_two_cores = pytest.mark.skipif(len(ALLOWED) < 2, reason="needs two allowed cores to split")


def _in_thread(work):  # type: ignore[no-untyped-def]
    """``work()`` run on a fresh thread (so its core mask is not this test's); its result."""
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(work()))
    thread.start()
    thread.join()
    return out[0]


@needs_two_cores
def test_split_gives_the_model_the_first_core_and_the_rest_to_the_others() -> None:
    split = core_split()
    assert split is not None
    assert split.model == {min(ALLOWED)} and split.others == ALLOWED - {min(ALLOWED)} and split.all == ALLOWED


@needs_two_cores
def test_nothing_to_split_on_one_core() -> None:
    def on_one_core() -> object:
        run_on(frozenset({min(ALLOWED)}))
        return core_split()

    assert _in_thread(on_one_core) is None


def _allowed_cores(pid: int) -> frozenset[int]:
    """The cores the kernel lets process ``pid`` run on (``Cpus_allowed_list``: ``1``, ``1-3,5``...)."""
    status = Path(f"/proc/{pid}/status").read_text()
    (listed,) = [
        line.split(":")[1].strip() for line in status.splitlines() if line.startswith("Cpus_allowed_list")
    ]
    cores: set[int] = set()
    for part in listed.split(","):
        first, _, last = part.partition("-")
        cores.update(range(int(first), int(last or first) + 1))
    return frozenset(cores)


# Landmarks handed back with a frame when no video is drawn: (P, 33, 3) and (P, 33).
NOTHING_DRAWN = (np.zeros((1, 33, 3)), np.zeros((1, 33)))


def _walk_frames(others: frozenset[int]) -> tuple[int, FrameProcess]:
    """The sample walk's frame count, and a frame process over it (no video) on ``others``."""
    description = open_source(WALK_CLIP, "clip", DEFAULT_MAX_SIDE).description
    assert description.n_frames is not None
    return description.n_frames, FrameProcess(description, DEFAULT_MAX_SIDE, None, others)


@needs_two_cores
def test_the_frame_process_runs_on_the_other_cores_and_removes_its_memory() -> None:
    split = core_split()
    assert split is not None
    n_frames, process = _walk_frames(split.others)
    memory = SHARED_FOLDER / process._memory.name
    try:
        frames = iter(process)
        first = next(frames)
        assert _allowed_cores(process._process.pid) == split.others
        expected = next(iter(open_source(WALK_CLIP, "clip", DEFAULT_MAX_SIDE)))
        np.testing.assert_array_equal(first.image, expected.image)  # the same pixels as decoded here
        process.finish(first, *NOTHING_DRAWN)
        count = 1
        for frame in frames:
            process.finish(frame, *NOTHING_DRAWN)
            count += 1
        assert count == n_frames  # more frames than slots: every slot came back
        process.close()
    finally:
        process.abandon()
    assert not memory.exists()


@needs_two_cores
def test_an_analysis_on_its_own_core_gives_the_same_landmarks_and_gives_the_cores_back(
    walk_analysis: AnalysisResult, tmp_path: Path
) -> None:
    """The session's walk analysis ran with ``own_core`` (the default); this one without: same numbers."""
    assert AnalyzeOptions(out_dir=tmp_path).own_core
    shared = analyze_file(
        WALK_CLIP, AnalyzeOptions(out_dir=tmp_path, masks=True, progress=False, own_core=False)
    )
    np.testing.assert_array_equal(shared.series.image, walk_analysis.series.image)
    np.testing.assert_array_equal(shared.series.world, walk_analysis.series.world)
    assert frozenset(os.sched_getaffinity(0)) == ALLOWED


@needs_two_cores
def test_a_decoding_process_that_dies_ends_the_analysis_in_one_line() -> None:
    """Killed mid-clip (out of memory, by hand): a PostureCheckError naming it, never a BrokenPipeError."""
    split = core_split()
    assert split is not None
    _, process = _walk_frames(split.others)
    try:
        frames = iter(process)
        first = next(frames)
        process._process.kill()
        process._process.wait()
        with pytest.raises(PostureCheckError, match="decoding process stopped unexpectedly"):
            process.finish(first, *NOTHING_DRAWN)
            for frame in frames:  # frames already in the pipe, then the end of it
                process.finish(frame, *NOTHING_DRAWN)
            process.close()
    finally:
        process.abandon()
