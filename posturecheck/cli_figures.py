"""The headline figures of an analysis as plain lines for the terminal, as the app's cards show them."""

from __future__ import annotations

from posturecheck.measures.catalogue import MEASURES, measure_label
from posturecheck.measures.summary import MeasureSummary
from posturecheck.reports.wording import INTERVAL_NOTE, NO_INTERVAL, format_plus_minus
from posturecheck.summary_schema import AnalysisSummary

STATISTIC_WORDS = {"max": "most", "median": "median"}
UNIT_WORDS = {"deg": "deg", "%": "%", "cm": "cm"}


def _value(value: float | None, unit: str) -> str:
    return "-" if value is None else f"{value:.1f} {UNIT_WORDS.get(unit, unit)}"


def _with_interval(value: float | None, unit: str, figure: MeasureSummary) -> str:
    """``"41.5 ± 32 deg"``, or the value and ``(no uncertainty recorded)`` when it has no interval."""
    if value is None:
        return "-"
    interval = figure.interval_95
    if interval is None:
        return f"{_value(value, unit)} ({NO_INTERVAL})"
    return f"{value:.1f} {format_plus_minus(interval, ' ' + UNIT_WORDS.get(unit, unit))}"


def figure_line(name: str, figure: MeasureSummary, width: int) -> str:
    """One measurable figure: label, headline with unit and 95 % interval, confidence, valid share."""
    spec = MEASURES.get(name)
    statistic = spec.headline if spec else "median"
    unit, share = figure.unit, figure.fraction_valid_in_view
    headline = f"{STATISTIC_WORDS[statistic]} {_with_interval(figure.statistic(statistic), unit, figure)}"
    return (
        f"  {measure_label(name):<{width}}  {headline}"
        f"  [confidence {figure.confidence}, valid in {share:.0%} of the frames in view; "
        f"range {_value(figure.min, unit)} to {_value(figure.max, unit)}]"
    )


def headline_lines(summary: AnalysisSummary) -> list[str]:
    """Per person, every figure the footage could support, then the names of those it could not.

    ``summary`` is an analysis summary. Figures
    whose confidence is ``"none"`` (no valid frame) are listed by name only,
    so a number is never printed without the confidence it rests on; each
    number carries its 95 % interval or says it has none, and a last line
    says what the interval is.
    """
    lines: list[str] = []
    for person in summary.people:
        figures = person.measures
        shown = [name for name, figure in figures.items() if figure.confidence != "none"]
        lines.append(f"person {person.person} ({person.view.label} view):")
        width = max((len(measure_label(name)) for name in shown), default=0)
        lines += [figure_line(name, figures[name], width) for name in shown]
        missing = [measure_label(name) for name in figures if name not in shown]
        if missing:
            lines.append(f"  not measurable in this footage: {'; '.join(missing)}")
    if lines:
        lines.append(INTERVAL_NOTE)
    return lines
