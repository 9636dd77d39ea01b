"""The batch driver: plan one job per input, run them on an engine, keep results, write the batch files.

The driver owns everything that is not per input: which inputs are left
to do (the jobs themselves skip finished ones), the overall progress bar,
keeping results in the client history (one transaction per input, here on
the driver, so the history is written by one process), Ctrl-C, and
``batch.csv`` / ``batch.json``.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from posturecheck import __version__
from posturecheck.analyze import AnalyzeOptions
from posturecheck.assessments import get_assessment
from posturecheck.batch.batch_files import write_record, write_table
from posturecheck.batch.collect_inputs import BatchInput
from posturecheck.batch.engines import machine_cores
from posturecheck.batch.job import Job, earlier_outcome
from posturecheck.batch.naming import partial_folders, result_name
from posturecheck.batch.resume import Outcome, options_key
from posturecheck.errors import InputError, PostureCheckError
from posturecheck.pose.landmarker import ModelInfo, check_model

Engine = Literal["local", "ray"]
KEPT_NAME = "batch_kept.json"


@dataclass(frozen=True)
class BatchSettings:
    """How a batch runs.

    Attributes
    ----------
    out_dir : the folder that gets a result folder per input and the batch files.
    analysis : the analysis options every input starts from (``out_dir``,
        ``csv_path`` and progress are set per job).
    write_csv : write each input's per-frame measures CSV into its result folder.
    engine : "local" (process pool) or "ray".
    workers : jobs at a time; ``None``: this machine's cores (a Ray cluster: its CPUs).
    ray_address : the Ray cluster to use; ``None``: a local Ray instance.
    client : client code to keep every result under (a manifest's ``client`` wins).
    progress : show the overall progress bar.
    verbose : one line per input as it finishes.
    """

    out_dir: Path
    analysis: AnalyzeOptions
    write_csv: bool = False
    engine: Engine = "local"
    workers: int | None = None
    ray_address: str | None = None
    client: str | None = None
    progress: bool = True
    verbose: bool = False


@dataclass
class BatchReport:
    """What a batch did: outcomes in the order they finished, inputs not reached, the files written."""

    outcomes: list[Outcome]
    not_done: list[str]
    table_path: Path
    record_path: Path
    interrupted: bool = False
    kept: dict[str, dict[str, Any]] = field(default_factory=dict)


def plan_jobs(inputs: Sequence[BatchInput], settings: BatchSettings, model: ModelInfo) -> list[Job]:
    """One job per input, its options widened by the input's manifest settings.

    Raises
    ------
    PostureCheckError
        An unknown assessment or an invalid per-input setting, named with its input.
    """
    out_dir = settings.out_dir.absolute()
    jobs = []
    for item in inputs:
        options = _input_options(item, settings.analysis, model)
        jobs.append(
            Job(
                path=item.path.absolute(),
                out_dir=out_dir,
                name=result_name(item.path),
                options=options,
                write_csv=settings.write_csv,
                key=options_key(used_options(options, settings.write_csv, model)),
            )
        )
    return jobs


def _input_options(item: BatchInput, base: AnalyzeOptions, model: ModelInfo) -> AnalyzeOptions:
    assessment = item.assessment or base.assessment
    if assessment:
        get_assessment(assessment)
    try:
        measure = (
            replace(base.measure, height_cm=item.height_cm) if item.height_cm is not None else base.measure
        )
    except ValueError as exc:
        raise InputError(f"{item.path}: invalid height_cm ({exc})") from exc
    return replace(
        base,
        model_path=model.path,
        assessment=assessment,
        person=item.person if item.person is not None else base.person,
        measure=measure,
        progress=False,
        on_progress=None,
    )


def used_options(options: AnalyzeOptions, write_csv: bool, model: ModelInfo) -> dict[str, Any]:
    """The options that shape an input's results, as JSON-ready values (paths and callbacks left out)."""
    return {
        "posturecheck_version": __version__,
        "model_sha256": model.sha256,
        "num_people": options.num_people,
        "expect": options.expect,
        "max_side": options.max_side,
        "masks": options.masks,
        "annotated_video": options.annotated_video,
        "blur_faces": options.blur_faces,
        "assessment": options.assessment,
        "person": options.person,
        "csv": write_csv,
        "exports": list(options.exports),
        "measure": asdict(options.measure),
    }


def run_batch(inputs: Sequence[BatchInput], settings: BatchSettings) -> BatchReport:
    """Analyse every input on the chosen engine and write ``batch.csv`` and ``batch.json``.

    Result folders left half-written by an earlier, stopped run are removed
    first (two batches must not write into the same folder at once). A
    Ctrl-C stops the workers, removes the folders they were writing and
    still writes the batch files for what was done (``interrupted``).

    Raises
    ------
    PostureCheckError
        Before any input is analysed: a bad model, option or manifest setting,
        or an engine that cannot start.
    """
    model = check_model(settings.analysis.model_path)
    jobs = plan_jobs(inputs, settings, model)
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    _remove_partial(settings.out_dir)
    owners = {
        job.name: (item.client or settings.client, job.options.person)
        for job, item in zip(jobs, inputs, strict=True)
    }
    progress = _Progress(len(jobs), settings.progress, settings.verbose)
    keeper = _Keeper(settings.out_dir)
    outcomes: list[Outcome] = []
    started = time.perf_counter()

    def on_done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        keeper.keep(outcome, *owners[outcome.result])
        progress.finished(outcome)

    interrupted = False
    ray_gcs = None
    try:
        to_do = largest_first([job for job in jobs if not _done_before(job, on_done)])
        ray_gcs = _run_engine(to_do, settings, model, progress.frames, on_done) if to_do else None
    except KeyboardInterrupt:
        interrupted = True
        _remove_partial(settings.out_dir)
    finally:
        progress.close()
        keeper.close()
    done = {o.result for o in outcomes}
    not_done = [str(job.path) for job in jobs if job.name not in done]
    record = {
        "posturecheck_version": __version__,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 3),
        "interrupted": interrupted,
        "engine": settings.engine,
        "workers": settings.workers or (None if settings.ray_address else machine_cores()),
        "ray_address": settings.ray_address,
        "ray_gcs_address": ray_gcs,
        "options": used_options(settings.analysis, settings.write_csv, model),
        "kept_in_history": keeper.kept,
    }
    table = write_table(outcomes, settings.out_dir)
    record_path = write_record(outcomes, not_done, record, settings.out_dir)
    return BatchReport(outcomes, not_done, table, record_path, interrupted, keeper.kept)


def largest_first(jobs: Sequence[Job]) -> list[Job]:
    """``jobs`` by input file size, largest first (ties and unreadable files keep their order, last).

    Workers take jobs in this order, so the longest inputs start first and
    the batch does not end with one long recording running alone while the
    other workers wait (the file size stands for the work: it follows the
    frames analysed closely on the samples' clips).
    """

    def size(job: Job) -> int:
        try:
            return job.path.stat().st_size
        except OSError:
            return -1

    return sorted(jobs, key=size, reverse=True)


def _done_before(job: Job, on_done: Callable[[Outcome], None]) -> bool:
    """Hand an earlier run's outcome of ``job`` to ``on_done``; ``False`` when it is still to do."""
    earlier = earlier_outcome(job)
    if earlier is not None:
        on_done(earlier)
    return earlier is not None


def _run_engine(
    jobs: Sequence[Job], settings: BatchSettings, model: ModelInfo, on_frames: Any, on_done: Any
) -> str | None:
    """Run ``jobs`` on the settings' engine; returns the Ray GCS address used (``None``: local engine)."""
    if settings.engine == "ray":
        from posturecheck.batch.engines.ray import run_ray

        return run_ray(jobs, settings.workers, model, settings.ray_address, on_frames, on_done)
    from posturecheck.batch.engines.local import run_local

    run_local(jobs, min(settings.workers or machine_cores(), len(jobs)), on_frames, on_done)
    return None


def _remove_partial(out_dir: Path) -> None:
    for folder in partial_folders(out_dir):
        shutil.rmtree(folder, ignore_errors=True)


class _Progress:
    """One bar over the inputs, with the frames analysed and their rate; per-input lines if verbose."""

    def __init__(self, total: int, show: bool, verbose: bool) -> None:
        self.bar = tqdm(total=total, unit="input", desc="batch", disable=not show, file=sys.stderr)
        self.verbose = verbose
        self.frame_count = 0
        self.started = time.perf_counter()

    def frames(self, count: int) -> None:
        self.frame_count += count
        rate = self.frame_count / max(time.perf_counter() - self.started, 1e-9)
        self.bar.set_postfix_str(f"{self.frame_count} frames, {rate:.1f} frames/s")

    def finished(self, outcome: Outcome) -> None:
        if self.verbose:
            what = (
                "skipped (done before)"
                if outcome.skipped
                else f"{outcome.frames} frames, {outcome.seconds:.1f} s"
            )
            reason = f": {outcome.reason}" if outcome.reason else ""
            self.bar.write(
                f"{outcome.status}: {outcome.input} -> {outcome.result} ({what}){reason}", file=sys.stderr
            )
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


class _Keeper:
    """Keeps finished results in the client history, once per result (a re-run does not keep twice)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.history: Any = None
        self.kept: dict[str, dict[str, Any]] = {}

    def keep(self, outcome: Outcome, client: str | None, person: int | None) -> None:
        """Keep ``outcome``'s result for ``client`` (``person``'s figures, 1-based); errors are noted."""
        if client is None or outcome.status == "failed" or not outcome.recorded:
            return
        folder = self.out_dir / outcome.result
        mark = folder / KEPT_NAME
        earlier = _read_json(mark)
        if outcome.skipped and earlier.get("client") == client and "session" in earlier:
            self.kept[outcome.input] = {**earlier, "earlier": True}
            return
        try:
            session = self._keep(folder, client, person)
        except PostureCheckError as exc:
            self.kept[outcome.input] = {"client": client, "error": str(exc)}
            return
        entry = {"client": client, "session": session}
        mark.write_text(json.dumps(entry), encoding="utf-8")
        self.kept[outcome.input] = entry

    def _keep(self, folder: Path, client: str, person: int | None) -> int:
        from posturecheck.storage import open_history
        from posturecheck.storage.keep import keep_in_history

        if self.history is None:
            self.history = open_history()
        return keep_in_history(self.history, folder, client, person).session_id

    def close(self) -> None:
        if self.history is not None:
            self.history.close()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
