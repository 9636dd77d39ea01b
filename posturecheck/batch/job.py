"""The per-input job every engine runs: one input analysed into one result folder, or skipped.

The job calls :func:`posturecheck.analyze.analyze_file`, the function behind
``posturecheck analyze``, into a hidden folder and renames it to its final
name only once complete (results and record), so a stopped or crashed job
never leaves a folder that looks finished. Problems with the input are
caught and returned as a "failed" outcome; the batch goes on.
"""

from __future__ import annotations

import os
import resource
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from posturecheck.analyze import AnalyzeOptions, analyze_file
from posturecheck.batch.naming import partial_name
from posturecheck.batch.resume import Outcome, Status, finished_outcome, write_record
from posturecheck.errors import InputError, NoPersonError, PostureCheckError
from posturecheck.io.digest import file_sha256

# Failures that belong to the input itself: recorded, so a re-run skips them.
INPUT_FAILURES = (InputError, NoPersonError)
# How often (frames) a job reports its progress.
PROGRESS_EVERY = 10

FrameReport = Callable[[int], None]
"""Called with the number of frames analysed since the last call."""


@dataclass(frozen=True)
class Job:
    """One input's job: what to analyse, where to, and how.

    ``options`` are the analysis options of this input (``out_dir`` and
    ``csv_path`` are set by the job); ``write_csv`` asks for the per-frame
    CSV in the result folder; ``key`` fingerprints the options (see
    :func:`~posturecheck.batch.resume.options_key`).
    """

    path: Path
    out_dir: Path
    name: str
    options: AnalyzeOptions
    write_csv: bool
    key: str


def run_job(job: Job, report: FrameReport | None = None, model_path: Path | None = None) -> Outcome:
    """Analyse ``job.path`` into ``job.out_dir / job.name``, unless done before (same content and options).

    ``model_path`` replaces the options' model (an engine that ships the
    model to its workers); ``report`` is told of frames as they are analysed.
    """
    started = time.perf_counter()
    try:
        sha256 = _content_hash(job.path)
    except InputError as exc:
        return _outcome(job, "failed", str(exc), started)
    done = earlier_outcome(job, sha256)
    if done is not None:
        return done
    final = job.out_dir / job.name
    temp = job.out_dir / partial_name(job.name, uuid.uuid4().hex[:8])
    temp.mkdir(parents=True)
    try:
        outcome = _analyze(job, temp, sha256, started, report, model_path)
        if outcome.recorded:
            write_record(temp, outcome, job.key)
            _publish(temp, final)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return outcome


def earlier_outcome(job: Job, sha256: str | None = None) -> Outcome | None:
    """The outcome an earlier run recorded for this job's content and options (marked skipped), or ``None``.

    The input is hashed only when a record is there (``sha256`` if known),
    so a first run reads no file twice.
    """
    final = job.out_dir / job.name
    if not final.is_dir():
        return None
    if sha256 is None:
        try:
            sha256 = _content_hash(job.path)
        except InputError:
            return None
    done = finished_outcome(final, sha256, job.key)
    return replace(done, input=str(job.path), skipped=True, seconds=0.0) if done is not None else None


def _content_hash(path: Path) -> str:
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    try:
        return file_sha256(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _analyze(
    job: Job, temp: Path, sha256: str, started: float, report: FrameReport | None, model_path: Path | None
) -> Outcome:
    counter = _FrameCounter(report)
    options = replace(
        job.options,
        out_dir=temp,
        csv_path=temp / f"{job.path.stem}.measures.csv" if job.write_csv else None,
        model_path=model_path or job.options.model_path,
        progress=False,
        on_progress=counter,
        own_core=False,  # the workers are one per core already
    )
    try:
        result = analyze_file(job.path, options)
    except INPUT_FAILURES as exc:
        counter.flush()
        return _outcome(job, "failed", str(exc), started, counter.done, sha256, recorded=True)
    except PostureCheckError as exc:
        return _outcome(job, "failed", str(exc), started, counter.done, sha256)
    except Exception as exc:  # one input's bug must not stop the batch
        return _outcome(job, "failed", f"unexpected {exc.__class__.__name__}: {exc}", started, sha256=sha256)
    counter.flush()
    status: Status = "partial" if result.problem else "ok"
    # The frame count from the tracking result: result.series would build every frame of every person.
    n_frames = result.tracked.n_frames
    return _outcome(job, status, result.problem or "", started, n_frames, sha256, recorded=True)


def _outcome(
    job: Job,
    status: Status,
    reason: str,
    started: float,
    frames: int = 0,
    sha256: str = "",
    recorded: bool = False,
) -> Outcome:
    return Outcome(
        input=str(job.path),
        result=job.name,
        status=status,
        reason=reason,
        frames=frames,
        sha256=sha256,
        seconds=round(time.perf_counter() - started, 3),
        recorded=recorded,
        worker=os.getpid(),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )


def _publish(temp: Path, final: Path) -> None:
    """Give the complete ``temp`` folder its final name, replacing an older result of that name."""
    old = None
    if final.exists():
        old = final.with_name(partial_name(final.name, "old-" + uuid.uuid4().hex[:8]))
        final.rename(old)
    temp.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


class _FrameCounter:
    """``AnalyzeOptions.on_progress`` that passes frame counts on every :data:`PROGRESS_EVERY` frames."""

    def __init__(self, report: FrameReport | None) -> None:
        self.report = report
        self.done = 0
        self.sent = 0

    def __call__(self, done: int, _expected: int | None) -> None:
        self.done = done
        if done - self.sent >= PROGRESS_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.report is not None and self.done > self.sent:
            self.report(self.done - self.sent)
        self.sent = self.done
