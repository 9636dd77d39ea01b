"""The setup and view checks of an analysis, as a report table: was the footage fit to measure from?"""

from __future__ import annotations

from typing import Any

from posturecheck.measures import reasons
from posturecheck.measures.view import ViewLimits, frontal_view_words, sagittal_view_words
from posturecheck.reports.content import RowMark, Table

# Camera roll estimates at or above this confidence are marked as good.
TRUSTED_ROLL_CONFIDENCE = 0.5

_STATUS_WORDS: dict[RowMark, str] = {
    "good": "OK",
    "caution": "Check",
    "alert": "Problem",
    "muted": "–",
    "": "",
}


def setup_table(summary: dict[str, Any], assessment: dict[str, Any] | None) -> Table:
    """The checks of the footage behind a summary (and of the assessment's own view check, if any).

    Parameters
    ----------
    summary : an analysis summary (``<stem>.summary.json``).
    assessment : the summary's ``"assessment"`` entry, or ``None``.

    Returns
    -------
    Table
        Columns check, result, status; a row for the input, one for an
        input that ended early, the assessment's view check, and per person
        their presence and view; then the camera roll.
    """
    rows: list[tuple[str, str, RowMark]] = [("Input", _input_line(summary), "")]
    if summary.get("problem"):
        rows.append(("Input read in full", str(summary["problem"]), "alert"))
    if assessment is not None:
        rows.append(
            (
                "Footage suits the assessment",
                str(assessment.get("view_message", "")),
                "good" if assessment.get("view_ok") else "alert",
            )
        )
    views = {person["person"]: person["view"] for person in summary.get("measures", [])}
    for person in summary.get("people", []):
        number = person["person"]
        rows.append(_presence_row(person))
        if number in views:
            rows.append(_view_row(number, views[number]))
    rows.append(_roll_row(summary.get("camera_roll") or {}))
    return Table(
        title="Setup and view checks",
        columns=("Check", "Result", "Status"),
        rows=tuple((check, result, _STATUS_WORDS[mark]) for check, result, mark in rows),
        marks=tuple(mark for _, _, mark in rows),
        caption=f"Sagittal angles (hip, knee, trunk) need a side view, {sagittal_view_words(ViewLimits())}; "
        f"frontal tilts need {frontal_view_words(ViewLimits())}.",
    )


def _input_line(summary: dict[str, Any]) -> str:
    source = summary.get("source") or {}
    parts = [str(source.get("kind", "input")), f"{source.get('width', '?')}×{source.get('height', '?')} px"]
    if source.get("fps"):
        parts.append(f"{source['fps']:.0f} fps")
    if source.get("rotation_deg"):
        parts.append(f"turned {source['rotation_deg']}° upright")
    frames = summary.get("frames_analysed", 0)
    if frames > 1:
        parts.append(f"{summary.get('duration_s', 0.0):.1f} s, {frames} frames")
    return ", ".join(parts)


def _presence_row(person: dict[str, Any]) -> tuple[str, str, RowMark]:
    share = float(person["fraction_detected"])
    text = (
        f"in {share:.0%} of frames ({person['first_seen_s']:.1f}–{person['last_seen_s']:.1f} s), "
        f"mean landmark visibility {person['mean_visibility']:.2f}"
    )
    # The analysis warns from the same share.
    mark: RowMark = "good" if share >= reasons.LOW_PRESENCE_FRACTION else "caution"
    return f"Person {person['person']} in view", text, mark


def _view_row(number: int, view: dict[str, Any]) -> tuple[str, str, RowMark]:
    label = str(view.get("label", "unknown"))
    shares = ", ".join(
        f"{share:.0%} {name}" for name, share in (view.get("fractions") or {}).items() if share > 0
    )
    parts = [f"{label} view" + (f" ({shares})" if shares else "")]
    if view.get("median_degrees_from_side") is not None:
        parts.append(f"median {view['median_degrees_from_side']:.0f}° from a side view")
    if view.get("facing") not in (None, "unknown"):
        parts.append(f"facing {view['facing']}")
    mark: RowMark = (
        "good" if label in ("side", "front", "back") else "caution" if label == "oblique" else "alert"
    )
    return f"Person {number}: camera view", ", ".join(parts), mark


def _roll_row(roll: dict[str, Any]) -> tuple[str, str, RowMark]:
    degrees, source = roll.get("deg"), str(roll.get("source", "assumed level"))
    if degrees is None:
        reason = f" ({roll['reason']})" if roll.get("reason") else ""
        return "Camera level", f"{source}{reason}; keep the phone level", "caution"
    confidence = roll.get("confidence")
    text = f"rolled {degrees:+.1f}°, {source}" + (f" (confidence {confidence:.2f})" if confidence else "")
    trusted = confidence is None or confidence >= TRUSTED_ROLL_CONFIDENCE
    return "Camera level", text + "; gravity-referenced measures corrected", "good" if trusted else "caution"
