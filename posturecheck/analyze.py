"""Analyse a clip, photo or image folder: landmarks file, summary JSON, annotated H.264 video.

This is the job behind ``posturecheck analyze``; front ends call
:func:`analyze_file` with plain typed options and show what it returns.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from posturecheck import __version__
from posturecheck.annotated_video import AnnotatedVideoWriter, render_annotated_video
from posturecheck.assessments import Assessment, AssessmentResult, get_assessment
from posturecheck.errors import InputError, NoPersonError
from posturecheck.exports import ExportFormat, write_exports
from posturecheck.io.cores import core_split
from posturecheck.io.frame_process import FrameProcess, VideoOut, slots_fit
from posturecheck.io.frames import DEFAULT_MAX_SIDE, Frame
from posturecheck.io.kinds import Expect
from posturecheck.io.outputs import StagedFiles, check_writable_file, ready_folder
from posturecheck.io.sources import FrameSource, open_source
from posturecheck.measures import reasons
from posturecheck.measures.catalogue import HIP_FLEXION, SIDES
from posturecheck.measures.lazy_imports import warm_imports
from posturecheck.measures.pipeline import MeasureOptions, compute_tracked_measures
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.roll import estimate_camera_roll
from posturecheck.measures.summary import (
    CONFIDENT_MAE_DEG,
    LOW_CONFIDENCE_FRACTION,
    PersonSummary,
    confidence_label,
    summarize_table,
)
from posturecheck.measures.table import MeasureTable, write_csv
from posturecheck.pose.extract import Extraction, extract_poses
from posturecheck.pose.landmarker import DetectorSettings, ModelInfo, check_model
from posturecheck.pose.series import PoseSeries
from posturecheck.pose.tracking import TrackedSeries, track_people
from posturecheck.summary_schema import (
    AnalysisSummary,
    CameraPitch,
    CameraRoll,
    Outputs,
    Presence,
    Processing,
    Tracking,
    summary_path,
    write_summary,
)


@dataclass(frozen=True)
class AnalyzeOptions:
    """Options of one analysis, as the user gave them.

    ``num_people`` is the most people looked for per frame; ``expect``
    refuses other kinds of input; ``max_side`` bounds the working frame size
    in pixels; ``masks`` keeps segmentation masks (silhouette measures);
    ``on_progress(frames_done, frames_expected)`` is called after each frame
    (``frames_expected`` is ``None`` when unknown), from the analysing thread;
    ``assessment`` names a protocol (see ``posturecheck assessments``) whose
    needs (input kind, people, masks) widen these options; ``person``
    (1-based, as the summary numbers people) picks whom a single-person
    assessment grades (default: the person in view longest); ``exports``
    names the formats (:data:`posturecheck.exports.EXPORT_FORMATS`) each
    measured person is also written in; ``own_core`` keeps the model on one
    core while decoding, drawing and encoding run on the others (Linux, two
    cores or more; :mod:`posturecheck.io.cores`): off where several analyses
    share the machine's cores (batch workers).
    """

    out_dir: Path
    model_path: Path | None = None
    num_people: int = 1
    expect: Expect = "any"
    max_side: int = DEFAULT_MAX_SIDE
    masks: bool = False
    annotated_video: bool = True
    blur_faces: bool = False
    progress: bool = True
    on_progress: Callable[[int, int | None], None] | None = None
    assessment: str | None = None
    person: int | None = None
    csv_path: Path | None = None
    measure: MeasureOptions = field(default_factory=MeasureOptions)
    exports: tuple[ExportFormat, ...] = ()
    own_core: bool = True


@dataclass
class AnalysisResult:
    """What an analysis wrote and found. ``problem`` is set when the input ended early.

    ``warnings`` are codes with data (:mod:`posturecheck.measures.reasons`); each front end words them.

    ``tracked`` is the tracking result the analysis made once (people with
    stable IDs, their track details): give it, not :attr:`series`, to an
    assessment (:meth:`~posturecheck.assessments.base.Assessment.run`) so
    nothing tracks again. Each of ``tables`` records the options it was
    measured with (:attr:`MeasureTable.options
    <posturecheck.measures.table.MeasureTable.options>`: the user's, with the
    camera roll the analysis was given or found).
    """

    tracked: TrackedSeries
    landmarks_path: Path
    summary_path: Path
    video_path: Path | None
    summary: AnalysisSummary
    tables: list[MeasureTable] = field(default_factory=list)
    csv_path: Path | None = None
    assessment: AssessmentResult | None = None
    warnings: list[AnalysisWarning] = field(default_factory=list)
    problem: str | None = None
    export_paths: list[Path] = field(default_factory=list)

    @property
    def series(self) -> PoseSeries:
        """The landmarks, slot ``k`` the tracked person ``k`` (``tracked.series``)."""
        return self.tracked.series


def analyze_file(path: str | Path, options: AnalyzeOptions) -> AnalysisResult:
    """Run the pose model over ``path`` and write the results into ``options.out_dir``.

    Files written: ``<stem>.landmarks.npz`` (the :class:`PoseSeries`, its
    slots the tracker's stable person IDs), ``<stem>.summary.json``
    (:class:`~posturecheck.summary_schema.AnalysisSummary`), for
    clips ``<stem>.annotated.mp4``, and the CSV if asked for. They are
    written under temporary names and renamed together once all are
    complete, so a failed or interrupted run leaves the folder's previous
    results as they were.

    Raises
    ------
    InputError, ModelError, OutputError
        Bad input, model, options or results folder/CSV path: before the
        analysis starts, except a ``person`` who turns out not to be in the
        results (known only once the model has run; nothing is written then).
    NoPersonError
        No person in any frame of an input read whole (the files are still
        written, to show what was seen). An input that ended early is
        returned with its ``problem`` and a warning instead: its damage is
        what to fix first.
    """
    protocol, options = _with_assessment_needs(options)
    job = _open_input(path, options)
    with StagedFiles() as staged:
        seen = _find_people(job, options, staged)
        tracked = seen.tracked
        landmarks_path = _write_landmarks(tracked, job, options, staged)
        measured = _measure(tracked, options, seen.scene, seen.problem)
        csv_path = _write_csv(measured.tables, options, staged)
        graded = _assess(protocol, tracked, measured.tables, options.person)
        export_paths = (
            write_exports(
                tracked, measured.tables, options.exports, options.out_dir, job.stem, staged.path_for
            )
            if options.exports
            else []
        )
        outputs = Outputs(
            landmarks=landmarks_path.name,
            annotated_video=job.video_path.name if job.video_path is not None else None,
            csv=str(csv_path) if csv_path else None,
            exports=tuple(export.name for export in export_paths),
        )
        summary = _summary(path, seen.tracked, measured, graded, seen.problem, seen.elapsed_s, outputs)
        summary_file = _write_summary(summary, job, options, staged)
        staged.commit()
    result = AnalysisResult(
        seen.tracked,
        landmarks_path,
        summary_file,
        job.video_path,
        summary,
        measured.tables,
        csv_path,
        graded,
        measured.warnings,
        seen.problem,
        export_paths,
    )
    _check_someone_seen(path, tracked, seen.problem)
    return result


@dataclass(frozen=True)
class _Job:
    """One input opened and its results' places checked, before any work.

    Attributes
    ----------
    path : the input as given.
    model : the checked pose model.
    source : the input's frames.
    stem : the results' file-name stem (the input's, or ``"webcam"``).
    video_path : where the annotated video goes; ``None`` when none is made (not a clip, or not asked for).
    """

    path: str | Path
    model: ModelInfo
    source: FrameSource
    stem: str
    video_path: Path | None


def _open_input(path: str | Path, options: AnalyzeOptions) -> _Job:
    """Read input: check the model, open the input, and check the results folder and CSV can be written.

    Raises
    ------
    InputError, ModelError, OutputError
        As :func:`analyze_file`, before any frame is analysed.
    """
    model = check_model(options.model_path)
    source = open_source(path, options.expect, options.max_side)
    description = source.description
    ready_folder(options.out_dir)
    if options.csv_path is not None:
        check_writable_file(options.csv_path)
    stem = Path(path).stem if description.kind != "webcam" else "webcam"
    want_video = description.kind == "video" and options.annotated_video
    video_path = options.out_dir / f"{stem}.annotated.mp4" if want_video else None
    return _Job(path, model, source, stem, video_path)


@dataclass(frozen=True)
class _Seen:
    """The people found in an input.

    Attributes
    ----------
    tracked : the landmarks of every frame, people followed into stable IDs.
    scene : the first frame with a person and its landmarks (for the camera roll), or ``None``.
    problem : why the input ended early, or ``None`` when it was read whole.
    elapsed_s : seconds spent running the model, tracking and drawing the video.
    """

    tracked: TrackedSeries
    scene: tuple[np.ndarray, np.ndarray] | None
    problem: str | None
    elapsed_s: float


def _find_people(job: _Job, options: AnalyzeOptions, staged: StagedFiles) -> _Seen:
    """Extract poses and track people: the model over every frame, then stable IDs, the video drawn.

    The annotated video is written (staged) while the model runs for one
    person, or after the tracker for several, so the IDs drawn are the IDs
    in the results.
    """
    started = time.perf_counter()
    video_file = staged.path_for(job.video_path) if job.video_path is not None else None
    extraction, scene = _run_model(job.path, job.source, job.model, options, video_file)
    tracked = track_people(extraction.series)
    ended_early = extraction.ended_early
    del extraction  # the untracked landmarks, as large as the tracked ones
    if video_file is not None and options.num_people != 1:
        render_annotated_video(
            job.path, tracked, video_file, options.max_side, options.blur_faces, options.progress
        )
    elapsed = time.perf_counter() - started
    return _Seen(tracked, scene, str(ended_early) if ended_early else None, elapsed)


def _write_landmarks(tracked: TrackedSeries, job: _Job, options: AnalyzeOptions, staged: StagedFiles) -> Path:
    """Write (staged) the landmarks file ``<stem>.landmarks.npz``; its final path."""
    landmarks_path = options.out_dir / f"{job.stem}.landmarks.npz"
    tracked.save(staged.path_for(landmarks_path))
    return landmarks_path


def _write_csv(tables: list[MeasureTable], options: AnalyzeOptions, staged: StagedFiles) -> Path | None:
    """Write (staged) the per-frame measures as the CSV asked for; its path, or ``None`` when none."""
    csv_path = None
    if options.csv_path is not None and tables:
        write_csv(tables, staged.path_for(options.csv_path))
        csv_path = options.csv_path
    return csv_path


def _assess(
    protocol: Assessment | None,
    tracked: TrackedSeries,
    tables: list[MeasureTable],
    person: int | None,
) -> AssessmentResult | None:
    """Assess: the protocol run on the measures (of ``person``, 1-based, when given); ``None`` without one."""
    return protocol.run(tracked, assessed_tables(tables, person)) if protocol is not None and tables else None


def _write_summary(summary: AnalysisSummary, job: _Job, options: AnalyzeOptions, staged: StagedFiles) -> Path:
    """Write (staged) the summary ``<stem>.summary.json``; its final path."""
    summary_file = summary_path(options.out_dir, job.stem)
    write_summary(summary, staged.path_for(summary_file))
    return summary_file


def _check_someone_seen(path: str | Path, series: PoseSeries | TrackedSeries, problem: str | None) -> None:
    """Raise :class:`NoPersonError` when an input read whole showed no person in any frame.

    Called once the files are written, so they show what was seen. An input
    that ended early is not refused here: its damage is what to fix first
    (its warning says so).
    """
    if not series.detected.any() and series.n_frames and not problem:
        raise NoPersonError(
            f"{path}: no person found in any of the {series.n_frames} frames "
            f"(whole body in view, well lit, not too small?)"
        )


def _with_assessment_needs(options: AnalyzeOptions) -> tuple[Assessment | None, AnalyzeOptions]:
    """The assessment asked for, and the options widened to what it needs (input kind, people, masks)."""
    protocol = get_assessment(options.assessment) if options.assessment else None
    # A several-person assessment reviews everyone; choosing one person has no meaning there.
    if protocol is not None and protocol.max_people > 1 and options.person is not None:
        raise InputError(
            f"--person applies to single-person assessments; the {protocol.name} assessment reviews everyone"
        )
    if protocol is not None:
        options = replace(
            options,
            expect=protocol.input_kind if options.expect == "any" else options.expect,
            num_people=max(options.num_people, protocol.max_people),
            masks=options.masks or protocol.needs_masks,
        )
    return protocol, options


def _run_model(
    path: str | Path,
    source: FrameSource,
    model: ModelInfo,
    options: AnalyzeOptions,
    video_file: Path | None,
) -> tuple[Extraction, tuple[np.ndarray, np.ndarray] | None]:
    """The landmarks of every frame, and the first frame with a person (for the camera roll).

    One person: the video is drawn into ``video_file`` while the model runs.
    Several: after the tracker (by the caller), so the IDs drawn are the IDs
    in the results.
    """
    description = source.description
    settings = DetectorSettings(num_poses=options.num_people, masks=options.masks)
    progress = tqdm(
        total=description.n_frames,
        unit="frame",
        disable=not options.progress or description.kind != "video",
        desc=Path(path).name,
        leave=False,
    )
    split = options.own_core and description.kind == "video" and slots_fit(description)
    cores = core_split() if split else None
    drawn_now = video_file if options.num_people == 1 else None  # several people: drawn after tracking
    frames: Iterable[Frame] = source
    process, writer = None, None
    if cores is not None:
        warm_imports(cores.others)
        out = VideoOut(drawn_now, description.fps, options.blur_faces) if drawn_now else None
        frames = process = FrameProcess(description, options.max_side, out, cores.others)
    elif drawn_now is not None:
        writer = AnnotatedVideoWriter(drawn_now, description, options.blur_faces)
    scene: list[tuple[np.ndarray, np.ndarray]] = []

    def on_frame(frame: Frame, landmarks: np.ndarray, visibility: np.ndarray) -> None:
        if not scene and not np.isnan(landmarks[:, 0, 0]).all():
            scene.append((frame.image.copy(), landmarks))  # the frame's memory is reused after this call
        if process is not None:
            process.finish(frame, landmarks, visibility)
        elif writer is not None:
            writer.add(frame, landmarks, visibility)
        progress.update(1)
        if options.on_progress is not None:
            options.on_progress(frame.index + 1, description.n_frames)

    try:
        extraction = extract_poses(
            frames, description, model, settings, on_frame, cores, ahead=process is None
        )
        if process is not None:
            process.close()
    finally:
        progress.close()
        if process is not None:
            process.abandon()
        if writer is not None:
            writer.close()
    return extraction, scene[0] if scene else None


@dataclass(frozen=True)
class _Measured:
    """The measures of every person seen, their summaries, and the warnings so far."""

    tables: list[MeasureTable]
    person_summaries: list[PersonSummary]
    roll: CameraRoll
    options: MeasureOptions
    warnings: list[AnalysisWarning]


def _measure(
    tracked: TrackedSeries,
    options: AnalyzeOptions,
    scene: tuple[np.ndarray, np.ndarray] | None,
    problem: str | None,
) -> _Measured:
    """Camera roll, per-person measure tables and summaries, and the warnings about them."""
    warnings = presence_warnings(tracked)
    roll, roll_warning = camera_roll(options.measure.camera_roll_deg, scene)
    if roll_warning is not None:
        warnings.append(roll_warning)
    measure_options = replace(options.measure, camera_roll_deg=roll.deg)
    detected = tracked.detected
    tables = [
        compute_tracked_measures(tracked, slot, measure_options)
        for slot in range(tracked.n_people)
        if detected[:, slot].any()
    ]
    person_summaries = [
        summarize_table(table, detected[:, table.person], roll_known=roll.deg is not None) for table in tables
    ]
    warnings += measure_warnings(person_summaries)
    if problem and tracked.n_frames and not detected.any():
        # The damage is what to fix first (the frames lost may hold the person), so it is the error.
        warnings.append(AnalysisWarning(WarningCode.NO_PERSON_READ, {"frames": tracked.n_frames}))
    return _Measured(tables, person_summaries, roll, measure_options, warnings)


def _summary(
    path: str | Path,
    tracked: TrackedSeries,
    measured: _Measured,
    graded: AssessmentResult | None,
    problem: str | None,
    elapsed: float,
    outputs: Outputs,
) -> AnalysisSummary:
    """The summary of an analysis."""
    series = tracked
    pitch = measured.options.camera_pitch_deg
    return AnalysisSummary(
        posturecheck_version=__version__,
        input=str(path),
        source=series.source,
        frames_analysed=series.n_frames,
        duration_s=float(series.times_s[-1]) if series.n_frames else 0.0,
        presence=tuple(people_summary(tracked)),
        tracking=Tracking(
            people_found=series.n_people,
            short_detections_dropped=tracked.n_dropped_tracks,
            identity_confidence=tuple(round(t.identity_confidence, 2) for t in tracked.tracks),
        ),
        camera_roll=measured.roll,
        camera_pitch=CameraPitch(
            deg=pitch,
            source="given by the user"
            if pitch is not None
            else "per person, from their upright axis (measures[].camera_tilt)",
        ),
        measure_options=options_record(measured.options),
        people=tuple(measured.person_summaries),
        assessment=graded,
        warnings=tuple(measured.warnings),
        problem=problem,
        processing=Processing(
            seconds=round(elapsed, 3), frames_per_second=round(series.n_frames / elapsed, 2)
        ),
        outputs=outputs,
    )


def options_record(options: MeasureOptions) -> dict[str, Any]:
    """The summary's ``measure_options``: every field of ``options`` but the camera roll and pitch.

    Those two have sections of their own (``camera_roll``, ``camera_pitch``:
    the value and where it came from). Read back by
    :func:`posturecheck.results.recompute.measure_options`, so measures made
    again from the landmarks file use all the options the analysis used.
    """
    record = asdict(options)
    del record["camera_roll_deg"], record["camera_pitch_deg"]
    return record


def assessed_tables(tables: list[MeasureTable], person: int | None) -> list[MeasureTable]:
    """The tables an assessment grades: all of them, or only ``person``'s (1-based).

    Raises
    ------
    InputError
        If ``person`` was not measured.
    """
    if person is None:
        return tables
    chosen = [table for table in tables if table.person == person - 1]
    if not chosen:
        measured = ", ".join(str(table.person + 1) for table in tables)
        raise InputError(f"there is no person {person} in this analysis (people measured: {measured})")
    return chosen


def people_summary(series: PoseSeries | TrackedSeries) -> list[Presence]:
    """Per person slot seen: frames seen, fraction, first/last time, mean visibility.

    A tracked series is read person by person over their own frames.
    """
    if isinstance(series, TrackedSeries):
        own = [(slot, person.own, 0) for slot, person in enumerate(series.people)]
    else:
        own = [(slot, series, slot) for slot in range(series.n_people)]
    people = []
    for slot, part, column in own:
        seen = part.detected[:, column]
        if not seen.any():
            continue
        times = part.times_s[seen]
        people.append(
            Presence(
                person=slot + 1,
                frames_detected=int(seen.sum()),
                fraction_detected=round(int(seen.sum()) / series.n_frames, 3),
                first_seen_s=round(float(times[0]), 3),
                last_seen_s=round(float(times[-1]), 3),
                mean_visibility=round(float(part.visibility[seen, column].mean()), 3),
            )
        )
    return people


def presence_warnings(series: PoseSeries | TrackedSeries) -> list[AnalysisWarning]:
    """People in view in under :data:`~posturecheck.measures.reasons.LOW_PRESENCE_FRACTION` of the frames."""
    warnings: list[AnalysisWarning] = []
    if series.n_frames < 2:
        return warnings
    for person in people_summary(series):
        if person.fraction_detected < reasons.LOW_PRESENCE_FRACTION:
            data = {
                "person": person.person,
                "fraction": person.fraction_detected,
                "first_s": person.first_seen_s,
                "last_s": person.last_seen_s,
            }
            warnings.append(AnalysisWarning(WarningCode.LOW_PRESENCE, data))
    return warnings


# A scene-based roll estimate below this confidence is not used.
MIN_ROLL_CONFIDENCE = 0.5


def camera_roll(
    user_roll_deg: float | None, scene: tuple[np.ndarray, np.ndarray] | None
) -> tuple[CameraRoll, AnalysisWarning | None]:
    """The camera roll to correct gravity-referenced measures with, where it came from, and its warning.

    The user's value wins; otherwise the roll is estimated from long vertical
    edges of the first frame with a person (the people's boxes left out);
    otherwise the camera is taken as level, with a warning. An estimated roll
    warns over :data:`~posturecheck.measures.reasons.LARGE_ROLL_DEG`; the
    warning is ``None`` when there is nothing to say.
    """
    if user_roll_deg is not None:
        return CameraRoll(user_roll_deg, "given by the user"), None
    if scene is not None:
        image, landmarks = scene
        estimate = estimate_camera_roll(image, exclude=people_boxes(landmarks, image.shape[:2]))
        if estimate.roll_deg is not None and estimate.confidence >= MIN_ROLL_CONFIDENCE:
            warning = (
                AnalysisWarning(WarningCode.ROLL_CORRECTED, {"deg": round(estimate.roll_deg, 2)})
                if abs(estimate.roll_deg) > reasons.LARGE_ROLL_DEG
                else None
            )
            roll = CameraRoll(
                round(estimate.roll_deg, 2),
                "estimated from the scene",
                round(estimate.confidence, 2),
                estimate.reason,
            )
            return roll, warning
        reason = estimate.reason
    else:
        reason = "no frame with a person"
    return CameraRoll(None, "assumed level", None, reason), AnalysisWarning(
        WarningCode.ROLL_UNKNOWN, {"why": reason}
    )


def people_boxes(landmarks: np.ndarray, shape: tuple[int, int], margin: float = 0.1) -> np.ndarray:
    """(h, w) bool mask covering each detected person's landmark box, grown by ``margin`` of its size."""
    height, width = shape
    mask = np.zeros(shape, dtype=bool)
    for person in landmarks:
        if np.isnan(person[0, 0]):
            continue
        low, high = person[:, :2].min(axis=0), person[:, :2].max(axis=0)
        pad = (high - low) * margin
        x0, y0 = np.clip((low - pad) * (width, height), 0, None).astype(int)
        x1, y1 = np.ceil((high + pad) * (width, height)).astype(int)
        mask[y0:y1, x0:x1] = True
    return mask


def measure_warnings(person_summaries: Sequence[PersonSummary]) -> list[AnalysisWarning]:
    """Why hip flexion is not high confidence: an extreme the valid frames missed, its expected error, its
    few valid frames, or an unchecked view.

    The unchecked view (valid in enough frames, but no error measured against
    a reference for the view) is said once per person.
    """
    warnings = []
    for person in person_summaries:
        unchecked = False
        for side in SIDES:
            hip = person.measures.get(HIP_FLEXION.of(side))
            if hip is None or hip.confidence == "high":
                continue
            expected = hip.expected_error_deg
            who = {"person": person.person, "side": side}
            extremes = (("max", hip.max, hip.max_missed), ("min", hip.min, hip.min_missed))
            missed = [
                AnalysisWarning(
                    WarningCode.HIP_EXTREME_MISSED,
                    {**who, "extreme": extreme, "shown_deg": shown, "missed_deg": beyond},
                )
                for extreme, shown, beyond in extremes
                if beyond is not None and shown is not None
            ]
            warnings += missed
            # Otherwise "high": the missed extreme is the only reason it is not, and says so.
            if missed and confidence_label(hip.fraction_valid_in_view, expected) == "high":
                continue
            if expected is not None and expected > CONFIDENT_MAE_DEG:
                warnings.append(
                    AnalysisWarning(WarningCode.HIP_EXPECTED_ERROR, {**who, "error_deg": expected})
                )
            elif expected is None and hip.fraction_valid_in_view >= LOW_CONFIDENCE_FRACTION:
                if not unchecked:
                    warnings.append(
                        AnalysisWarning(WarningCode.HIP_UNCHECKED_VIEW, {"person": person.person})
                    )
                unchecked = True
            else:
                data = {
                    **who,
                    "fraction": hip.fraction_valid_in_view,
                    "reason": hip.main_reason_invalid,
                }
                warnings.append(AnalysisWarning(WarningCode.HIP_FEW_VALID, data))
    return warnings
