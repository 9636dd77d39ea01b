"""Engines that run batch jobs: ``local`` (a process pool on this machine) and ``ray`` (a Ray cluster).

Both run :func:`posturecheck.batch.job.run_job` on each job and hand every
outcome to the driver as it comes, through the same two callbacks.

One thread per worker: MediaPipe's XNNPACK inference already uses one
thread on desktop Linux (its default thread count is 1 off Android, iOS and
the web); OpenCV and the numeric libraries are limited here. MediaPipe's own
graph threads mostly wait. ``benchmarks/batch.py`` prints the CPU time over
wall time of raw inference, which shows how many cores it kept busy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from posturecheck.batch.resume import Outcome

FramesDone = Callable[[int], None]
"""Called on the driver with a number of frames just analysed (any job)."""

JobDone = Callable[[Outcome], None]
"""Called on the driver with each job's outcome, in the order they finish."""

# Thread pools of the numeric libraries, one thread each: a worker per core, not cores shared by threads.
ONE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}

# Jobs a worker process runs before it is replaced by a fresh one: memory a
# library keeps after a job (allocator arenas, caches) cannot build up.
JOBS_PER_WORKER = 8


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """``values`` in ``os.environ`` while processes that copy it are started, then the old values back."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def one_thread_in_this_process() -> None:
    """Limit OpenCV in this (worker) process to one thread; the environment covers the others."""
    import cv2

    cv2.setNumThreads(1)


def machine_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
