"""A change of a key figure between two visits, judged against the measurement's error.

The error a change is judged against, in order of preference:

1. the MDC95 of a repeatability run kept for this client, for this figure
   and the visits' assessment (:meth:`~posturecheck.storage.History.keep_measurement_errors`;
   assessments compared by :func:`~posturecheck.storage.history_entry.error_key`);
2. else the clinic's default MDC95 for that figure and assessment;
3. else the two visits' own 95 % intervals (``interval_95`` of the figure's
   measure in each visit's summary): the change is beyond error when
   ``|after - before| > sqrt(h1**2 + h2**2)``, ``h1`` and ``h2`` their half-widths
   (the difference of two independent estimates);
4. else no uncertainty is recorded: the change is given as a number only,
   never as a change beyond error, an improvement or a decline.

A change within error is not a measurable change: front ends draw and word
it as such, never as an improvement or a decline. Nothing here says which
direction is better; that depends on the figure and the person.

Notes
-----
An MDC applies only when both visits used the assessment it was measured
with: a figure filmed under another protocol moves by other amounts. Visits
made without a protocol (no assessment, or the free one) count as one. A
summary's interval (:mod:`posturecheck.measures.uncertainty`) is read for a
measure's median, most and least (not its range) or an assessment's
finding, of the person or finding whose value is the kept one, and only in
degrees.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any

from posturecheck.measures.repeatability import ChangeVerdict, judge_change
from posturecheck.measures.summary import confidence_label
from posturecheck.reports.wording import NO_INTERVAL, format_value
from posturecheck.storage import MeasurementError, MeasureValue, SessionInfo
from posturecheck.storage.history_entry import error_key, split_statistic

# A measure's interval describes each of its figures, not a range (the difference of two of them).
INTERVAL_STATISTICS = ("median", "max", "min")
DATE = "%Y-%m-%d"


class ErrorBasis(Enum):
    """What a change between visits was judged against."""

    CLIENT_MDC = "the MDC95 kept for this client"
    CLINIC_MDC = "the clinic's default MDC95"
    INTERVALS = "the visits' 95% intervals"
    NONE = NO_INTERVAL


@dataclass(frozen=True)
class VisitChange:
    """A key figure's change from one visit to a later one, judged against measurement error.

    Attributes
    ----------
    before_at, after_at : when the two visits were recorded.
    before, after : the figure at each, in ``unit``.
    unit : the figure's unit.
    verdict : beyond or within measurement error; ``None`` when no uncertainty is recorded.
    threshold : the size (in ``unit``) the change had to exceed to be beyond error; ``None`` with no basis.
    basis : what the threshold came from.
    kept : the kept measurement error used (client's or clinic's), else ``None``.
    half_widths : the visits' 95 % half-widths, when the basis is their intervals.
    """

    before_at: datetime
    after_at: datetime
    before: float
    after: float
    unit: str
    verdict: ChangeVerdict | None
    threshold: float | None
    basis: ErrorBasis
    kept: MeasurementError | None = None
    half_widths: tuple[float, float] | None = None

    @property
    def change(self) -> float:
        """``after - before``, in ``unit``."""
        return self.after - self.before

    @property
    def verdict_words(self) -> str:
        """``"beyond measurement error"``, ``"within measurement error"`` or ``"no uncertainty recorded"``."""
        return self.verdict.value if self.verdict is not None else NO_INTERVAL

    @property
    def basis_words(self) -> str:
        """Which error the change was judged against, with its size, in words."""
        if self.kept is not None and self.threshold is not None:
            low = ", from clips of low confidence" if self.kept.confidence != "high" else ""
            whose = "kept for this client" if self.basis is ErrorBasis.CLIENT_MDC else "the clinic's default"
            return (
                f"judged against the MDC95 of {format_value(self.threshold, self.unit)} {whose}: "
                f"{self.kept.assessment}, {self.kept.trials} clips on "
                f"{self.kept.measured_at.astimezone().strftime(DATE)}{low}"
            )
        if self.half_widths is not None and self.threshold is not None:
            h1, h2 = (format_value(h, self.unit) for h in self.half_widths)
            return (
                f"judged against the visits' 95% intervals, ±{h1} and ±{h2}: a change must exceed "
                f"{format_value(self.threshold, self.unit)}"
            )
        return "no repeatability run kept for this figure and no 95% interval with the visits"

    def sentence(self) -> str:
        """The change in words: ``"+6.5°, beyond measurement error (judged against ...)"``."""
        sign = "+" if self.change > 0 else ""
        return f"{sign}{format_value(self.change, self.unit)}, {self.verdict_words} ({self.basis_words})"


def kept_error(
    errors: Sequence[MeasurementError], name: str, unit: str, assessments: set[str]
) -> MeasurementError | None:
    """Figure ``name``'s kept error if both visits were measured one way: the client's, else the clinic's.

    The visits' ``assessments`` and the errors' are compared by
    :func:`~posturecheck.storage.history_entry.error_key` (visits made
    without a protocol, with or without the free assessment, are measured
    the same way). Of several that apply, the latest measured.
    """
    keys = {error_key(assessment) for assessment in assessments}
    if len(keys) != 1:
        return None
    (key,) = keys
    matches = [e for e in errors if (e.name, e.unit, error_key(e.assessment)) == (name, unit, key)]
    own = [e for e in matches if e.client_id is not None]
    chosen = own or matches
    return max(chosen, key=lambda e: e.measured_at) if chosen else None


def interval_half_width(session: SessionInfo, figure: MeasureValue) -> float | None:
    """The 95 % half-width (in the figure's unit, > 0) a visit's summary gives ``figure``, or ``None``.

    A measure's statistic (``<measure>_<median|max|min>``) takes its measure's
    ``interval_95``; an assessment's finding (no statistic) its own. Read
    defensively: a summary from before intervals existed, a range (a
    difference of two figures, whose shared error the interval does not
    describe), a unit other than degrees, no person or finding whose value is
    the kept one, or several with different widths: ``None``.
    """
    if figure.unit != "deg" or not figure.is_measured:
        return None
    measure, statistic = split_statistic(figure.name)
    if statistic is None:
        candidates = _findings(session.result, figure.name)
        key = "value"
    elif statistic in INTERVAL_STATISTICS:
        candidates = _measure_summaries(session.result, measure)
        key = statistic
    else:
        return None
    widths = {
        _half_width(item.get("interval_95")) for item in candidates if _same(item.get(key), figure.value)
    }
    if len(widths) != 1:
        return None
    return widths.pop()


def visit_confidence(session: SessionInfo, figure: MeasureValue) -> str:
    """The confidence label of a visit's key figure: ``"high"``, ``"low"`` or ``"none"``.

    A measure's statistic (``<measure>_<median|max|min|range>``) takes
    :func:`~posturecheck.measures.summary.confidence_label` of the kept valid
    share and the error measured for the case that the visit's summary
    recorded for its measure (``expected_error_deg``); an assessment's finding
    keeps the label its analysis gave it, at most "low" for an angle with no
    95 % interval. Read defensively, as :func:`interval_half_width`: a summary
    from before errors were recorded, or no single person or finding whose
    value is the kept one, gives no measured error, so never "high".
    """
    if not figure.is_measured:
        return "none"
    measure, statistic = split_statistic(figure.name)
    if statistic is None:
        labels = {
            (str(item.get("confidence")), _half_width(item.get("interval_95")) is not None)
            for item in _findings(session.result, figure.name)
            if _same(item.get("value"), figure.value)
        }
        if len(labels) != 1:
            return confidence_label(figure.valid_fraction, None)
        label, has_interval = labels.pop()
        if label not in ("high", "low", "none"):
            return "low"
        return "low" if label == "high" and figure.unit == "deg" and not has_interval else label
    errors = {
        _positive(item.get("expected_error_deg"))
        for item in _measure_summaries(session.result, measure)
        if _same(item.get(statistic), figure.value)
    }
    expected = errors.pop() if len(errors) == 1 else None
    return confidence_label(figure.valid_fraction, expected)


def _positive(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value > 0 else None


def _measure_summaries(result: Mapping[str, Any], measure: str) -> list[Mapping[str, Any]]:
    """Each person's summary of ``measure`` in a summary JSON (none when the layout is not as expected)."""
    people = result.get("measures")
    if not isinstance(people, list):
        return []
    return [
        item
        for person in people
        if isinstance(person, Mapping)
        and isinstance(measures := person.get("measures"), Mapping)
        and isinstance(item := measures.get(measure), Mapping)
    ]


def _findings(result: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    """The assessment's findings named ``name`` in a summary JSON (none if the layout is unexpected)."""
    assessment = result.get("assessment")
    findings = assessment.get("findings") if isinstance(assessment, Mapping) else None
    if not isinstance(findings, list):
        return []
    return [item for item in findings if isinstance(item, Mapping) and item.get("name") == name]


def _half_width(interval: Any) -> float | None:
    if not isinstance(interval, Mapping):
        return None
    width = interval.get("half_width_deg")
    if isinstance(width, bool) or not isinstance(width, (int, float)):
        return None
    return float(width) if math.isfinite(width) and width > 0 else None


def _same(value: Any, kept: float) -> bool:
    """Whether a summary value is the key figure kept from it (stored as the same float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isclose(float(value), kept, rel_tol=1e-9, abs_tol=1e-9)


def judge_visits(
    before: tuple[SessionInfo, MeasureValue],
    after: tuple[SessionInfo, MeasureValue],
    errors: Sequence[MeasurementError] = (),
) -> VisitChange:
    """The change of one key figure from visit ``before`` to visit ``after``, judged (module docstring).

    Parameters
    ----------
    before, after : each a visit with its measured value of the figure (same name and unit).
    errors : the kept measurement errors that apply to the client (:meth:`History.measurement_errors`).
    """
    (first, a), (second, b) = before, after
    unjudged = VisitChange(
        first.recorded_at, second.recorded_at, a.value, b.value, a.unit, None, None, ErrorBasis.NONE
    )
    kept = kept_error(errors, a.name, a.unit, {first.assessment, second.assessment})
    if kept is not None:
        return replace(
            unjudged,
            verdict=judge_change(a.value, b.value, kept.mdc95),
            threshold=kept.mdc95,
            basis=ErrorBasis.CLIENT_MDC if kept.client_id is not None else ErrorBasis.CLINIC_MDC,
            kept=kept,
        )
    h1, h2 = interval_half_width(first, a), interval_half_width(second, b)
    if h1 is None or h2 is None:
        return unjudged
    threshold = math.hypot(h1, h2)
    return replace(
        unjudged,
        verdict=judge_change(a.value, b.value, threshold),
        threshold=threshold,
        basis=ErrorBasis.INTERVALS,
        half_widths=(h1, h2),
    )


def measured_sessions(sessions: Sequence[SessionInfo], name: str) -> list[tuple[SessionInfo, MeasureValue]]:
    """The visits, in order, at which key figure ``name`` was measured, each with its figure."""
    found = []
    for session in sessions:
        figure = next((m for m in session.measures if m.name == name), None)
        if figure is not None and figure.is_measured:
            found.append((session, figure))
    return found


def visit_changes(
    sessions: Sequence[SessionInfo], name: str, errors: Sequence[MeasurementError] = ()
) -> list[VisitChange]:
    """Each change of key figure ``name`` from one measured visit to the next, judged."""
    measured = measured_sessions(sessions, name)
    return [judge_visits(a, b, errors) for a, b in zip(measured, measured[1:], strict=False)]


def overall_change(
    sessions: Sequence[SessionInfo], name: str, errors: Sequence[MeasurementError] = ()
) -> VisitChange | None:
    """The change of key figure ``name`` from its first measured visit to its last, judged (``None``: < 2)."""
    measured = measured_sessions(sessions, name)
    return judge_visits(measured[0], measured[-1], errors) if len(measured) >= 2 else None
