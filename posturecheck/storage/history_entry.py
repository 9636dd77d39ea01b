"""What of an analysis folder goes into the client history: the summary, key figures and the files it owns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from posturecheck.assessments.free import NAME as FREE_MOVEMENT
from posturecheck.errors import InputError
from posturecheck.measures.catalogue import HIP_FLEXION, key_figure_name, key_figures
from posturecheck.measures.summary import MeasureSummary, Statistic, confidence_label
from posturecheck.reports.build import report_paths
from posturecheck.results.folder import ResultFolder, recording_time
from posturecheck.storage.records import MeasureValue, MediaFile
from posturecheck.summary_schema import SCHEMA_VERSION, AnalysisSummary

# The statistics of each measure summary kept as key figures, under "<measure>_<statistic>".
STATISTICS: tuple[Statistic, ...] = ("median", "max", "min", "range")


def split_statistic(name: str) -> tuple[str, str | None]:
    """A key figure's measure and statistic: ``"hip_flexion_left_max"`` -> ``("hip_flexion_left", "max")``.

    An assessment's finding (no statistic suffix) comes back whole with ``None``.
    """
    for statistic in STATISTICS:
        if name.endswith(f"_{statistic}"):
            return name.removesuffix(f"_{statistic}"), statistic
    return name, None


PLAIN_ANALYSIS = "analysis"
# What visits keep without a protocol of their own: no assessment (the plain analysis) and the free
# one, whose only findings are each measure's range, the number the summary's range statistic holds.
WITHOUT_PROTOCOL = frozenset({PLAIN_ANALYSIS, FREE_MOVEMENT})


def error_key(assessment: str | None) -> str:
    """The key a measurement error is kept under and looked up by, for clips or visits of ``assessment``.

    A set-up's repeatability applies to visits filmed and measured the same
    way: a named protocol's error to that protocol's visits only; an error
    measured without a protocol (``posturecheck repeatability`` without
    ``--assessment``, or the app's free test) to every visit made without
    one (:data:`WITHOUT_PROTOCOL`), since their key figures are the same
    measurements. ``None`` (no assessment) and those names give
    :data:`PLAIN_ANALYSIS`; any other name is its own key. Errors kept under
    "free" by earlier releases are found through this too.
    """
    return PLAIN_ANALYSIS if assessment is None or assessment in WITHOUT_PROTOCOL else assessment


@dataclass(frozen=True)
class HistoryEntry:
    """One analysis, ready for :meth:`posturecheck.storage.History.save_session`.

    Attributes
    ----------
    recorded_at : when the footage was recorded (timezone-aware).
    recorded_how : how that time was found (see :func:`recording_time`), or "given".
    assessment : the assessment's name, or "analysis" for measurements alone.
    source_name : the analysed file's name.
    result : the summary JSON (:meth:`AnalysisSummary.to_dict`: the current layout,
        whichever layout the folder's file had).
    measures : the key figures.
    media : the files the session owns.
    person : the person (1-based) the key figures are of.
    result_version : the schema version of ``result``
        (:data:`~posturecheck.summary_schema.SCHEMA_VERSION`).
    """

    recorded_at: datetime
    recorded_how: str
    assessment: str
    source_name: str
    result: dict[str, Any]
    measures: tuple[MeasureValue, ...]
    media: tuple[MediaFile, ...]
    person: int
    result_version: int = SCHEMA_VERSION


def history_entry(
    result: ResultFolder, person: int | None = None, recorded_at: datetime | None = None
) -> HistoryEntry:
    """The history entry of an analysis.

    Parameters
    ----------
    result : the analysis folder.
    person : whose figures to keep (1-based, as the summary numbers people);
        may be left out when the analysis has one person, or when its
        assessment graded exactly one (that person is kept).
    recorded_at : when the footage was recorded; by default from the clip's
        metadata or the time of the analysis (:func:`recording_time`).

    Raises
    ------
    InputError
        If the analysis has no person, or several and ``person`` is not one of them.
    """
    summary = result.summary
    people = {entry.person: entry for entry in summary.people}
    if not people:
        raise InputError(f"{result.summary_path}: nobody was measured in this analysis; nothing to keep")
    assessment = summary.assessment
    graded = assessment.people if assessment is not None else ()
    if person is None and len(people) > 1 and len(graded) == 1:
        person = int(graded[0]) + 1  # assessments list slots; the summary numbers people from 1
    if person is None and len(people) > 1:
        raise InputError(
            f"{result.summary_path}: {len(people)} people were measured ({_numbers(people)}); "
            "choose whose figures to keep with --person N"
        )
    number = person if person is not None else next(iter(people))
    if number not in people:
        raise InputError(f"{result.summary_path}: there is no person {number} (people: {_numbers(people)})")
    when, how = (recorded_at, "given") if recorded_at is not None else recording_time(result)
    return HistoryEntry(
        recorded_at=when,
        recorded_how=how,
        assessment=assessment.assessment if assessment is not None else PLAIN_ANALYSIS,
        source_name=Path(summary.input).name,
        result=summary.to_dict(),
        measures=key_measures(summary, number),
        media=owned_files(result),
        person=number,
        result_version=summary.schema_version,
    )


def _numbers(people: dict[int, Any]) -> str:
    return ", ".join(str(n) for n in people)


def key_measures(summary: AnalysisSummary, person: int) -> tuple[MeasureValue, ...]:
    """The key figures of one person: the assessment's numeric findings, then each measure's statistics.

    A measure's statistics are named ``<measure>_<statistic>`` (e.g.
    ``hip_flexion_left_max``) with the measure's valid share of the frames
    the person was in view, the share its confidence rests on everywhere
    else (summaries from before that share existed give the share of all frames);
    a finding keeps its own name and valid share, and wins over a statistic
    of the same name. The hip-flexion symmetry index is kept as
    ``hip_flexion_symmetry_index``. Missing values are kept as NaN ("not measured").
    """
    figures: dict[str, MeasureValue] = {}
    if summary.assessment is not None:
        for finding in summary.assessment.findings:
            if not isinstance(finding.value, str):
                figures[finding.name] = MeasureValue(
                    finding.name, _number(finding.value), finding.unit, finding.fraction_valid
                )
    entry = summary.person(person)
    if entry is None:
        raise InputError(f"there is no person {person} in this analysis")
    for name, item in key_figures(entry.measures).items():
        for statistic in STATISTICS:
            key = key_figure_name(name, statistic)
            figures.setdefault(
                key, MeasureValue(key, _number(item.statistic(statistic)), item.unit, _valid_share(item))
            )
    symmetry = entry.hip_flexion_symmetry_index_pct
    if symmetry is not None:
        shares = [_valid_share(entry.measures[name]) for name in HIP_FLEXION.names]
        figures.setdefault(
            "hip_flexion_symmetry_index",
            MeasureValue("hip_flexion_symmetry_index", float(symmetry), "%", float(min(shares))),
        )
    return tuple(figures.values())


def key_figure_confidence(summary: AnalysisSummary, person: int, figure: MeasureValue) -> str:
    """The confidence of one of :func:`key_measures`' figures: "high", "low" or "none".

    An assessment's finding keeps its own; a measure's statistic its measure's;
    a figure made from others (the symmetry index) has no measured error of its
    own, so at most "low" (:func:`~posturecheck.measures.summary.confidence_label`).
    """
    if summary.assessment is not None:
        for finding in summary.assessment.findings:
            if finding.name == figure.name:
                return finding.confidence
    entry = summary.person(person)
    measure, statistic = split_statistic(figure.name)
    if entry is not None and statistic is not None and measure in entry.measures:
        return entry.measures[measure].confidence
    return confidence_label(figure.valid_fraction, None) if figure.is_measured else "none"


def _valid_share(item: MeasureSummary) -> float:
    """A measure summary's valid share of the frames the person was in view (summaries from before
    that share existed read it as the share of all frames)."""
    return item.fraction_valid_in_view


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def owned_files(result: ResultFolder) -> tuple[MediaFile, ...]:
    """The files of the analysis that exist: summary, landmarks, annotated video, CSV, exports and report."""
    files = [MediaFile("summary", result.summary_path)]
    for kind in ("landmarks", "annotated_video", "csv"):
        path = result.output(kind)
        if path is not None:
            files.append(MediaFile(kind, path))
    files += [MediaFile("export", path) for path in result.exports()]
    report = report_paths(result.folder)
    files += [
        MediaFile(kind, path)
        for kind, path in (("report_html", report.html), ("report_pdf", report.pdf))
        if path.is_file()
    ]
    return tuple(files)
