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
from posturecheck.io.cores import core_split, run_on
from posturecheck.io.prefetch import WriteBehind, read_ahead
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


@needs_two_cores
def test_the_reading_and_writing_threads_run_where_they_are_told() -> None:
    split = core_split()
    assert split is not None

    def masks_seen():  # type: ignore[no-untyped-def]
        for _ in range(3):
            yield frozenset(os.sched_getaffinity(0))

    assert set(read_ahead(masks_seen(), cores=split.others)) == {split.others}
    written: list[frozenset[int]] = []
    behind = WriteBehind(lambda _item: written.append(frozenset(os.sched_getaffinity(0))), cores=split.others)
    for item in range(3):
        behind.submit(item)
    behind.close()
    assert written == [split.others] * 3
    assert frozenset(os.sched_getaffinity(0)) == ALLOWED  # the caller's own mask is untouched


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
