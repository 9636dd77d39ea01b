"""Key figures as report tables: an assessment's findings against their norms, or each person's measures."""

from __future__ import annotations

from posturecheck.assessments.result import AssessmentResult, Finding
from posturecheck.measures.catalogue import MEASURES, key_figures, measure_label
from posturecheck.measures.summary import PersonSummary
from posturecheck.measures.uncertainty import Interval95
from posturecheck.reports.content import RowMark, Table
from posturecheck.reports.wording import (
    INTERVAL_NOTE,
    NO_INTERVAL,
    STATUS_WORDS,
    format_plus_minus,
    format_range,
    format_share,
    format_value,
)
from posturecheck.summary_schema import AnalysisSummary

_METHOD_WORDS = {"2d": "2D image", "3d": "3D world", "silhouette": "silhouette"}
CONFIDENCE_MARKS: dict[str, RowMark] = {"none": "muted", "low": "caution"}


def interval_text(interval: Interval95 | None, has_value: bool) -> str:
    """A table's "95 % interval" cell: ``"± 32°"``, the words for none, or ``"–"`` without a value."""
    if not has_value:
        return "–"
    return format_plus_minus(interval) if interval is not None else NO_INTERVAL


def findings_table(result: AssessmentResult, title: str) -> Table:
    """An assessment's findings: value, reference range and its source, status, confidence.

    Rows are marked "alert" when out of range, "caution" when the
    confidence is low, "muted" when nothing was measured and "good" when
    within range. What the ranges describe and the findings' notes go into
    the caption.
    """
    rows: list[tuple[str, ...]] = []
    marks: list[RowMark] = []
    for finding in result.findings:
        normal = finding.normal
        reference = ""
        if normal is not None:
            reference = normal.expected or format_range(normal.low, normal.high, finding.unit)
        rows.append(
            (
                finding.label,
                format_value(finding.value, finding.unit),
                _finding_interval(finding),
                reference or "–",
                normal.source if normal is not None and normal.source else "–",
                STATUS_WORDS.get(finding.status, finding.status),
                f"{finding.confidence} ({format_share(finding.fraction_valid)} valid)",
            )
        )
        marks.append(_finding_mark(finding))
    ranges = dict.fromkeys(f.normal.what for f in result.findings if f.normal is not None and f.normal.what)
    notes = [f"{f.label}: {f.note}." for f in result.findings if f.note]
    described = [f"The reference ranges describe: {'; '.join(ranges)}."] if ranges else []
    return Table(
        title=title,
        columns=(
            "Finding",
            "Value",
            "95 % interval",
            "Reference range",
            "Source of the range",
            "Status",
            "Confidence",
        ),
        rows=tuple(rows),
        marks=tuple(marks),
        caption=" ".join(
            [
                "Valid: share of the frames the finding rests on whose measures were valid.",
                INTERVAL_NOTE,
                *described,
                *notes,
            ]
        ),
    )


def _finding_interval(finding: Finding) -> str:
    """The interval cell of a finding: only numbers in degrees can have one."""
    if not isinstance(finding.value, float) or finding.unit != "deg":
        return "–"
    return interval_text(finding.interval_95, True)


def _finding_mark(finding: Finding) -> RowMark:
    if finding.value is None or finding.confidence == "none":
        return "muted"
    if finding.status in ("below", "above", "outside"):
        return "alert"
    if finding.confidence == "low":
        return "caution"
    return "good" if finding.status == "within" else ""


def measure_tables(summary: AnalysisSummary, title: str) -> tuple[Table, ...]:
    """One table per person of a summary: median, max, min and range of each measure over valid frames.

    Parameters
    ----------
    summary : an analysis summary.
    title : the tables' title; "person N" is added when there are several people.
    """
    people = summary.people
    return tuple(
        _person_table(person, title if len(people) == 1 else f"{title}: person {person.person}")
        for person in people
    )


def _person_table(person: PersonSummary, title: str) -> Table:
    rows: list[tuple[str, ...]] = []
    marks: list[RowMark] = []
    for name, item in key_figures(person.measures).items():
        unit = item.unit
        spec = MEASURES.get(name)
        headline = item.statistic(spec.headline if spec else "median")
        rows.append(
            (
                measure_label(name),
                format_value(item.median, unit),
                interval_text(item.interval_95, headline is not None),
                format_value(item.max, unit),
                format_value(item.min, unit),
                format_value(item.range, unit),
                format_share(item.fraction_valid_in_view),
                item.confidence,
                _METHOD_WORDS.get(item.method, item.method),
            )
        )
        marks.append(CONFIDENCE_MARKS.get(item.confidence, ""))
    return Table(
        title=title,
        columns=("Measure", "Median", "± 95 %", "Max", "Min", "Range", "Valid", "Confidence", "From"),
        rows=tuple(rows),
        marks=tuple(marks),
        caption=" ".join(
            [
                "Over valid frames only. Valid: share of the frames the person was in view in which the "
                "value could be trusted (view, visibility, size); confidence is low below 50 %.",
                INTERVAL_NOTE,
                *_person_extras(person),
            ]
        ),
    )


def _person_extras(person: PersonSummary) -> list[str]:
    """Repetitions and left-right symmetry of hip flexion, in words."""
    lines = []
    repetitions = person.hip_flexion_repetitions
    if any(repetitions.values()):
        counts = ", ".join(f"{side} {len(found)}" for side, found in repetitions.items())
        lines.append(f"Hip-flexion repetitions found: {counts}.")
    symmetry = person.hip_flexion_symmetry_index_pct
    if symmetry is not None:
        lines.append(f"Symmetry index of peak hip flexion: {format_value(symmetry, '%')} (0 = symmetric).")
    return lines
