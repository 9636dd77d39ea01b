"""The local engine: a pool of worker processes on this machine, one job at a time each.

Workers are started with the ``spawn`` method (a fresh interpreter, no
threads or model state inherited) with the numeric libraries limited to one
thread (:data:`~posturecheck.batch.engines.ONE_THREAD_ENV` is in their
environment before anything is imported, and OpenCV is set to one thread),
so ``workers`` processes use ``workers`` cores. Each job creates its own
MediaPipe landmarker (one model per worker at a time) and a worker is
replaced after :data:`~posturecheck.batch.engines.JOBS_PER_WORKER` jobs.

A worker that dies (killed, out of memory, a crash in native code) breaks
the pool; the jobs it was running are failed ("the worker stopped") when
they broke it twice, others are run again on a fresh pool.
"""

from __future__ import annotations

import multiprocessing
import queue
import shutil
import signal
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from posturecheck.batch.engines import JOBS_PER_WORKER, ONE_THREAD_ENV, FramesDone, JobDone, environment
from posturecheck.batch.job import Job, run_job
from posturecheck.batch.naming import partial_folders
from posturecheck.batch.resume import Outcome

# Seconds between looks at the frame counts while jobs run.
POLL_S = 0.2
# A job in flight when the pool broke this many times is failed, not retried.
MAX_BREAKS = 2

_frames_queue: Any = None


def _start_worker(frames: Any) -> None:
    """Worker initializer: Ctrl-C is the driver's to handle; OpenCV one thread; where frame counts go."""
    global _frames_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from posturecheck.batch.engines import one_thread_in_this_process

    one_thread_in_this_process()
    _frames_queue = frames


def _worker_job(job: Job) -> Outcome:
    frames = _frames_queue
    return run_job(job, frames.put if frames is not None else None)


def run_local(jobs: Sequence[Job], workers: int, on_frames: FramesDone, on_done: JobDone) -> None:
    """Run ``jobs`` on ``workers`` processes; ``on_frames`` and ``on_done`` are called on this thread.

    At most ``workers`` jobs are handed out at a time, so when a worker dies
    the jobs that may have killed it are known. Ctrl-C stops the workers at
    once and re-raises :class:`KeyboardInterrupt`.
    """
    context = multiprocessing.get_context("spawn")
    frames = context.Queue()
    waiting = list(reversed(jobs))
    breaks: dict[str, int] = {}
    with environment(ONE_THREAD_ENV):
        while waiting:
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(frames,),
                max_tasks_per_child=JOBS_PER_WORKER,
            )
            try:
                broken = _drain(pool, waiting, workers, frames, on_frames, on_done)
            except BaseException:
                _stop(pool)
                raise
            pool.shutdown(wait=True)
            for job in broken:
                _remove_partial(job)
                breaks[job.name] = breaks.get(job.name, 0) + 1
                if breaks[job.name] >= MAX_BREAKS:
                    on_done(_stopped_worker(job))
                else:
                    waiting.append(job)
    _pass_frames(frames, on_frames)


def _drain(
    pool: ProcessPoolExecutor,
    waiting: list[Job],
    workers: int,
    frames: Any,
    on_frames: FramesDone,
    on_done: JobDone,
) -> list[Job]:
    """Feed ``waiting`` jobs to ``pool`` until none is left or it breaks; returns the jobs in flight then."""
    running: dict[Future[Outcome], Job] = {}
    while waiting or running:
        while waiting and len(running) < workers:
            job = waiting.pop()
            running[pool.submit(_worker_job, job)] = job
        finished, _ = wait(running, timeout=POLL_S, return_when=FIRST_COMPLETED)
        _pass_frames(frames, on_frames)
        broken = []
        for future in finished:
            job = running.pop(future)
            try:
                on_done(future.result())
            except BrokenProcessPool:
                broken.append(job)
        if broken:
            return [*broken, *running.values()]
    return []


def _pass_frames(frames: Any, on_frames: FramesDone) -> None:
    while True:
        try:
            count = frames.get_nowait()
        except queue.Empty:
            return
        on_frames(count)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers now (Ctrl-C): their half-written folders are removed by the driver."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def _remove_partial(job: Job) -> None:
    """Remove what a worker that died left half-written for ``job``."""
    for folder in partial_folders(job.out_dir, job.name):
        shutil.rmtree(folder, ignore_errors=True)


def _stopped_worker(job: Job) -> Outcome:
    reason = f"{job.path}: the worker analysing it stopped (crashed or ran out of memory)"
    return Outcome(input=str(job.path), result=job.name, status="failed", reason=reason)
