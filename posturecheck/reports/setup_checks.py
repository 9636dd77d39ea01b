"""The setup and view checks of an analysis, as a report table: was the footage fit to measure from?"""

from __future__ import annotations

from posturecheck.assessments.result import AssessmentResult
from posturecheck.measures import reasons
from posturecheck.measures.summary import PersonView
from posturecheck.measures.view import ViewLimits, frontal_view_words, sagittal_view_words
from posturecheck.reports.content import RowMark, Table
from posturecheck.summary_schema import AnalysisSummary, CameraRoll, Presence

# Camera roll estimates at or above this confidence are marked as good.
TRUSTED_ROLL_CONFIDENCE = 0.5

_STATUS_WORDS: dict[RowMark, str] = {
    "good": "OK",
    "caution": "Check",
    "alert": "Problem",
    "muted": "–",
    "": "",
}


def setup_table(summary: AnalysisSummary, assessment: AssessmentResult | None) -> Table:
    """The checks of the footage behind a summary (and of the assessment's own view check, if any).

    Parameters
    ----------
    summary : an analysis summary.
    assessment : the summary's assessment result, or ``None``.

    Returns
    -------
    Table
        Columns check, result, status; a row for the input, one for an
        input that ended early, the assessment's view check, and per person
        their presence and view; then the camera roll.
    """
    rows: list[tuple[str, str, RowMark]] = [("Input", _input_line(summary), "")]
    if summary.problem:
        rows.append(("Input read in full", summary.problem, "alert"))
    if assessment is not None:
        rows.append(
            (
                "Footage suits the assessment",
                assessment.view_message,
                "good" if assessment.view_ok else "alert",
            )
        )
    views = {person.person: person.view for person in summary.people}
    for person in summary.presence:
        rows.append(_presence_row(person))
        if person.person in views:
            rows.append(_view_row(person.person, views[person.person]))
    rows.append(_roll_row(summary.camera_roll))
    return Table(
        title="Setup and view checks",
        columns=("Check", "Result", "Status"),
        rows=tuple((check, result, _STATUS_WORDS[mark]) for check, result, mark in rows),
        marks=tuple(mark for _, _, mark in rows),
        caption=f"Sagittal angles (hip, knee, trunk) need a side view, {sagittal_view_words(ViewLimits())}; "
        f"frontal tilts need {frontal_view_words(ViewLimits())}.",
    )


def _input_line(summary: AnalysisSummary) -> str:
    source = summary.source
    parts = [source.kind or "input", f"{source.width or '?'}×{source.height or '?'} px"]
    if source.fps:
        parts.append(f"{source.fps:.0f} fps")
    if source.rotation_deg:
        parts.append(f"turned {source.rotation_deg}° upright")
    frames = summary.frames_analysed
    if frames > 1:
        parts.append(f"{summary.duration_s:.1f} s, {frames} frames")
    return ", ".join(parts)


def _presence_row(person: Presence) -> tuple[str, str, RowMark]:
    share = person.fraction_detected
    text = (
        f"in {share:.0%} of frames ({person.first_seen_s:.1f}–{person.last_seen_s:.1f} s), "
        f"mean landmark visibility {person.mean_visibility:.2f}"
    )
    # The analysis warns from the same share.
    mark: RowMark = "good" if share >= reasons.LOW_PRESENCE_FRACTION else "caution"
    return f"Person {person.person} in view", text, mark


def _view_row(number: int, view: PersonView) -> tuple[str, str, RowMark]:
    label = view.label
    shares = ", ".join(f"{share:.0%} {name}" for name, share in view.fractions.items() if share > 0)
    parts = [f"{label} view" + (f" ({shares})" if shares else "")]
    if view.median_degrees_from_side is not None:
        parts.append(f"median {view.median_degrees_from_side:.0f}° from a side view")
    if view.facing != "unknown":
        parts.append(f"facing {view.facing}")
    mark: RowMark = (
        "good" if label in ("side", "front", "back") else "caution" if label == "oblique" else "alert"
    )
    return f"Person {number}: camera view", ", ".join(parts), mark


def _roll_row(roll: CameraRoll) -> tuple[str, str, RowMark]:
    degrees, source = roll.deg, roll.source
    if degrees is None:
        reason = f" ({roll.reason})" if roll.reason else ""
        return "Camera level", f"{source}{reason}; keep the phone level", "caution"
    confidence = roll.confidence
    text = f"rolled {degrees:+.1f}°, {source}" + (f" (confidence {confidence:.2f})" if confidence else "")
    trusted = confidence is None or confidence >= TRUSTED_ROLL_CONFIDENCE
    return "Camera level", text + "; gravity-referenced measures corrected", "good" if trusted else "caution"
