"""Gather a :class:`Report` from an analysis folder: figures, checks, plots, key frames, note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from posturecheck import __version__
from posturecheck.assessments import AssessmentResult, UnknownAssessmentError, get_assessment
from posturecheck.errors import InputError
from posturecheck.measures.catalogue import measure_label
from posturecheck.measures.summary import PersonSummary
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.people_file import read_people
from posturecheck.pose.tracking import TrackedSeries
from posturecheck.reports.angle_overlay import joint_angles, key_frame_picture
from posturecheck.reports.content import Picture, Report, Table
from posturecheck.reports.education_note import find_note, note_topic
from posturecheck.reports.key_figures import findings_table, measure_tables
from posturecheck.reports.key_frames import KeyFrame, choose_key_frames, key_frame_image, read_frames
from posturecheck.reports.plain_words import warning_words
from posturecheck.reports.plots.measures_over_time import time_plot
from posturecheck.reports.setup_checks import setup_table
from posturecheck.reports.wording import (
    NOT_A_DIAGNOSIS,
    PRIVACY,
    PRIVACY_UNBLURRED,
    WHAT_IT_MEASURES,
)
from posturecheck.results.folder import ResultFolder, recording_time
from posturecheck.results.recompute import recompute_tables
from posturecheck.summary_schema import AnalysisSummary

LETTERS = "ABCDEFGH"
UNBLURRED_WARNING = "faces are NOT blurred in this report's pictures: share it only with the client's consent"
DATE_FORMAT = "%d %b %Y, %H:%M"


@dataclass(frozen=True)
class _Frames:
    """Where key frames are read from: the clip (skeleton still to draw) or the annotated video."""

    path: Path
    annotated: bool


def assemble_report(
    result: ResultFolder, client: str | None, blur: bool = True, made_at: datetime | None = None
) -> Report:
    """Everything the report on ``result`` shows.

    Parameters
    ----------
    result : the analysis folder.
    client : the client's name or code, or ``None`` when not given.
    blur : make faces in the key frames unrecognisable.
    made_at : when the report is made (timezone-aware); now by default.

    Notes
    -----
    Parts whose inputs are missing are left out and say so among the
    warnings: the plots and key frames need the landmarks file, and the key
    frames need the clip (or the annotated video).
    """
    summary = result.summary
    assessment = summary.assessment
    made_at = (made_at or datetime.now()).astimezone()
    warnings = [
        *(warning_words(warning) for warning in summary.warnings),
        *(warning_words(warning) for warning in (assessment.warnings if assessment else ())),
    ]
    series = _landmarks(result, warnings)
    tables = recompute_tables(series, summary) if series is not None else {}
    people = {person.person: person for person in summary.people}
    main = _main_person(summary, tables)
    key_frames: list[KeyFrame] = []
    if main is not None and series is not None:
        key_frames = choose_key_frames(tables[main], people[main], series.detected_of(main - 1))
    frames_note, pictures = _key_frame_pictures(result, series, tables, people, main, key_frames, blur)
    if frames_note:
        warnings.append(frames_note)
    if not blur and pictures:
        warnings.append(UNBLURRED_WARNING)
    marks = [(k.time_s, LETTERS[i]) for i, k in enumerate(key_frames)] if pictures else []
    plots = [] if series is None else _time_plots(series, tables, people, marks, main)
    when, how = recording_time(result)
    figures: list[Table] = []
    if assessment is not None:
        figures.append(findings_table(assessment, "Key figures"))
    figures += measure_tables(summary, "All measures" if assessment is not None else "Key figures")
    note = find_note(note_topic(summary))
    return Report(
        title="Posture and hip-flexion report",
        facts=(
            ("Client", client.strip() if client and client.strip() else "not given"),
            ("Date", f"{when.astimezone().strftime(DATE_FORMAT)} ({how})"),
            ("Clip", Path(summary.input).name or "–"),
            ("Assessment", _assessment_title(assessment)),
            ("Report made", made_at.strftime(DATE_FORMAT)),
        ),
        what_it_measures=WHAT_IT_MEASURES,
        not_a_diagnosis=NOT_A_DIAGNOSIS,
        privacy=PRIVACY if blur else PRIVACY_UNBLURRED,
        summary_lines=tuple(assessment.interpretation) if assessment else (),
        setup=setup_table(summary, assessment),
        figures=tuple(figures),
        plots=tuple(plots),
        key_frames=tuple(pictures),
        key_frames_note=frames_note,
        warnings=tuple(dict.fromkeys(warnings)),
        note=note,
        processing=_processing_lines(summary),
        footer=_footer(summary),
    )


def _time_plots(
    series: TrackedSeries,
    tables: dict[int, MeasureTable],
    people: dict[int, PersonSummary],
    marks: list[tuple[float, str]],
    main: int | None,
) -> list[Picture]:
    """One picture of measures over time per person; the key frame marks on the main person's."""
    plots = []
    for number, table in tables.items():
        seen = series.detected_of(number - 1)
        plot = time_plot(table, people[number], seen, marks if number == main else ())
        if plot is not None:
            plots.append(plot)
    return plots


def _assessment_title(assessment: AssessmentResult | None) -> str:
    if assessment is None:
        return "measurements only (no assessment protocol)"
    try:
        return get_assessment(assessment.assessment).title
    except UnknownAssessmentError:
        return assessment.assessment


def _landmarks(result: ResultFolder, warnings: list[str]) -> TrackedSeries | None:
    """The people of the folder's landmarks file, each over their own frames (:func:`read_people`)."""
    path = result.output("landmarks")
    if path is None:
        warnings.append("the landmarks file is missing: no plots over time and no key frames")
        return None
    try:
        return read_people(path)
    except InputError as exc:
        warnings.append(f"{exc}: no plots over time and no key frames")
        return None


def _main_person(summary: AnalysisSummary, tables: dict[int, MeasureTable]) -> int | None:
    """The person in view longest among those with measures (the one the key frames follow)."""
    seen = {p.person: p.frames_detected for p in summary.presence if p.person in tables}
    return max(seen, key=lambda number: seen[number]) if seen else None


def _frame_source(result: ResultFolder) -> _Frames | None:
    clip = result.input_clip()
    if clip is not None:
        return _Frames(clip, annotated=False)
    video = result.output("annotated_video")
    return _Frames(video, annotated=True) if video is not None else None


def _key_frame_pictures(
    result: ResultFolder,
    series: TrackedSeries | None,
    tables: dict[int, MeasureTable],
    people: dict[int, PersonSummary],
    main: int | None,
    chosen: list[KeyFrame],
    blur: bool,
) -> tuple[str, list[Picture]]:
    """The key frames as pictures, or why there are none."""
    if series is None:
        return "", []
    if main is None or not chosen:
        return "no key frames: nobody was measured", []
    source = _frame_source(result)
    if source is None:
        return (
            f"no key frames: neither the clip ({result.summary.input}) nor the annotated video can be found"
        ), []
    # The annotated video holds one frame per analysed frame; the clip is indexed as the series says.
    indices = {k.row: k.row if source.annotated else int(series.frame_index[k.row]) for k in chosen}
    try:
        images = read_frames(source.path, indices.values())
    except InputError as exc:
        return f"no key frames: {exc}", []
    pictures = []
    for letter, key in zip(LETTERS, chosen, strict=False):
        if indices[key.row] not in images:
            continue
        everyone, _ = series.rows(key.row, key.row + 1, every=True)  # slot k person k, in that row
        shown, landmarks = key_frame_image(
            images[indices[key.row]], everyone, 0, main - 1, blur, skeleton=not source.annotated
        )
        points = landmarks[main - 1] * (shown.shape[1], shown.shape[0])
        angles = joint_angles(tables[main], people[main], points, key.row)
        values = ", ".join(angle.words for angle in angles)
        when = f" · {key.time_s:.2f} s" if series.n_frames > 1 else ""
        caption = f"{letter}{when} · {key.why}" + (f": {values}" if values else "")
        pictures.append(key_frame_picture(shown, angles, letter, caption))
    return ("" if pictures else "no key frames: the chosen frames could not be read"), pictures


def _processing_lines(summary: AnalysisSummary) -> tuple[str, ...]:
    people = summary.people
    lines: list[str] = []
    for person in people:
        prefix = f"Person {person.person}: " if len(people) > 1 else ""
        lines += [prefix + note[0].upper() + note[1:] + "." for note in person.notes if note]
        variants = person.variant_used
        for variant, words in (("3d", "MediaPipe's 3D world landmarks"), ("2d", "the image landmarks")):
            names = [measure_label(name) for name, used in variants.items() if used == variant]
            if names:
                lines.append(f"{prefix}From {words}: {', '.join(names)}.")
    return tuple(lines)


def _footer(summary: AnalysisSummary) -> str:
    model = summary.source.model or "pose model"
    digest = summary.source.model_sha256
    made_with = summary.posturecheck_version or __version__
    return (
        f"Analysed with posturecheck {made_with}, {model}"
        + (f" (sha256 {digest[:12]}…)" if digest else "")
        + f"; report by posturecheck {__version__}."
    )
