"""A client's progress over visits as a report: the same HTML page and PDF as an analysis report.

Built from the history alone (the key figures kept with each visit), so it
needs no clip or landmarks file. Each figure is shown per visit with the
confidence it was kept with; a change between visits is stated with the
confidence at both ends and judged against measurement error (a kept MDC95,
else the visits' 95 % intervals, else "no uncertainty recorded": see
:mod:`.progress_change`), never as an improvement or a decline.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from posturecheck import __version__
from posturecheck.errors import InputError
from posturecheck.measures.catalogue import (
    HIP_FLEXION,
    PELVIC_OBLIQUITY,
    TRUNK_INCLINATION,
    key_figure_name,
    measure_label,
)
from posturecheck.reports.build import ReportFiles, write_report
from posturecheck.reports.content import Picture, Report, RowMark, Table
from posturecheck.reports.progress_change import (
    VisitChange,
    interval_half_width,
    measured_sessions,
    overall_change,
    visit_changes,
    visit_confidence,
)
from posturecheck.reports.wording import (
    NOT_A_DIAGNOSIS,
    WHAT_IT_MEASURES,
    format_share,
    format_value,
)
from posturecheck.storage import ClientInfo, History, MeasurementError, MeasureValue, SessionInfo
from posturecheck.storage.history_entry import error_key, split_statistic

# Shown whenever the visits have them; more can be asked for by name.
DEFAULT_FIGURES = (
    *(key_figure_name(HIP_FLEXION.of(side), "max") for side in ("left", "right")),
    *(key_figure_name(HIP_FLEXION.of(side), "min") for side in ("left", "right")),
    key_figure_name(TRUNK_INCLINATION, "median"),
    key_figure_name(PELVIC_OBLIQUITY, "median"),
)
STATISTIC_WORDS = {
    "max": "most",
    "min": "least (below 0: extension)",
    "median": "median",
    "range": "range",
}
DATE = "%Y-%m-%d"
PRIVACY = "Made on this computer from the client history kept there; nothing was sent anywhere."
PLOT_DPI = 110


def figure_label(name: str) -> str:
    """A key figure in words: ``"hip_flexion_left_max"`` -> ``"Hip flexion, left: most"``."""
    measure, statistic = split_statistic(name)
    label = measure_label(measure)
    return f"{label}: {STATISTIC_WORDS[statistic]}" if statistic else label


def _date(when: datetime) -> str:
    return when.astimezone().strftime(DATE)


def _figure_of(session: SessionInfo, name: str) -> MeasureValue | None:
    return next((m for m in session.measures if m.name == name), None)


def _mark(session: SessionInfo, figure: MeasureValue | None) -> RowMark:
    if figure is None or not figure.is_measured:
        return "muted"
    return "" if visit_confidence(session, figure) == "high" else "caution"


def _figure_table(name: str, sessions: Sequence[SessionInfo], errors: Sequence[MeasurementError]) -> Table:
    later = [session.id for session, _ in measured_sessions(sessions, name)[1:]]
    changes = dict(zip(later, visit_changes(sessions, name, errors), strict=True))
    rows, marks = [], []
    for session in sessions:
        figure = _figure_of(session, name)
        measured = figure is not None and figure.is_measured
        change = changes.get(session.id)
        rows.append(
            (
                _date(session.recorded_at),
                format_value(figure.value, figure.unit) if figure is not None and measured else "–",
                visit_confidence(session, figure) if figure is not None and measured else "none",
                format_share(figure.valid_fraction) if figure is not None else "–",
                _change_cell(change) if change is not None else "–",
                session.assessment,
            )
        )
        marks.append(_mark(session, figure))
    bases = dict.fromkeys(
        f"{change.basis_words[0].upper()}{change.basis_words[1:]}." for change in changes.values()
    )
    return Table(
        figure_label(name),
        ("Visit", "Value", "Confidence", "Valid frames", "Change from the visit before", "Assessment"),
        tuple(rows),
        tuple(marks),
        caption=" ".join(
            [
                "Valid frames: the share of the visit's frames, with the person in view, behind the figure.",
                *bases,
            ]
        ),
    )


def _change_cell(change: VisitChange) -> str:
    sign = "+" if change.change > 0 else ""
    return f"{sign}{format_value(change.change, change.unit)}, {change.verdict_words}"


def _change_line(
    name: str, sessions: Sequence[SessionInfo], errors: Sequence[MeasurementError]
) -> str | None:
    change = overall_change(sessions, name, errors)
    if change is None:
        return None
    measured = measured_sessions(sessions, name)
    (first, a), (last, b) = measured[0], measured[-1]
    return (
        f"{figure_label(name)}: {format_value(a.value, a.unit)} on {_date(first.recorded_at)} "
        f"({visit_confidence(first, a)} confidence), {format_value(b.value, b.unit)} on "
        f"{_date(last.recorded_at)} ({visit_confidence(last, b)} confidence); change {change.sentence()}."
    )


def _plot(name: str, sessions: Sequence[SessionInfo], errors: Sequence[MeasurementError]) -> Picture | None:
    from posturecheck.reports.plots.measure_over_visits import progress_figure

    measured = measured_sessions(sessions, name)
    if len(measured) < 2:
        return None
    points = [(session.recorded_at, figure.value) for session, figure in measured]
    verdicts = [change.verdict for change in visit_changes(sessions, name, errors)]
    widths = [interval_half_width(session, figure) for session, figure in measured]
    figure = progress_figure(
        points, figure_label(name), measured[0][1].unit, verdicts=verdicts, half_widths=widths
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PLOT_DPI)
    width, height = (round(side * PLOT_DPI) for side in figure.get_size_inches())
    return Picture(
        buffer.getvalue(),
        "image/png",
        width,
        height,
        caption=f"{figure_label(name)} at each visit (the tables above give each value's confidence). "
        "A solid line is a change beyond measurement error; dashed, within it (not a measurable change); "
        "dotted, no uncertainty recorded. Error bars: each visit's 95% interval, where its analysis "
        "recorded one (none: no uncertainty recorded for that visit).",
        alt=f"{figure_label(name)} over visits",
    )


def progress_report(
    client: ClientInfo,
    sessions: Sequence[SessionInfo],
    figures: Sequence[str] = (),
    errors: Sequence[MeasurementError] = (),
) -> Report:
    """The report of ``client``'s visits: the visits, then per key figure a table and a plot.

    ``figures`` names key figures to show besides :data:`DEFAULT_FIGURES`;
    only figures that at least one visit has are shown. ``errors`` are the
    kept measurement errors that apply to the client
    (:meth:`~posturecheck.storage.History.measurement_errors`), each change
    between visits being judged against them (:mod:`.progress_change`).

    Raises
    ------
    InputError
        If the client has no visit, or a figure asked for is in none of them.
    """
    if not sessions:
        raise InputError(f"client {client.code} has no visits yet: nothing to report")
    kept = {m.name for s in sessions for m in s.measures}
    missing = [name for name in figures if name not in kept]
    if missing:
        raise InputError(f"client {client.code} has no key figure {', '.join(map(repr, missing))}")
    names = [name for name in dict.fromkeys([*DEFAULT_FIGURES, *figures]) if name in kept]
    visits = Table(
        "Visits",
        ("Visit", "Assessment", "Clip", "Key figures"),
        tuple(
            (
                s.recorded_at.astimezone().strftime(f"{DATE} %H:%M"),
                s.assessment,
                s.source_name or "–",
                str(sum(m.is_measured for m in s.measures)),
            )
            for s in sessions
        ),
    )
    assessments = sorted({s.assessment for s in sessions})
    # Visits without a protocol (none, or the free assessment) measure the same way: one kind, as for the MDC.
    warnings = (
        [
            f"The visits used different assessments ({', '.join(assessments)}): a figure taken from "
            "different movements is not strictly comparable between them."
        ]
        if len({error_key(s.assessment) for s in sessions}) > 1
        else []
    )
    warnings.append(
        "Camera height, distance and angle change the figures: compare visits filmed the same way. A "
        "change marked within measurement error is no larger than filming alone can cause; where no "
        "uncertainty is recorded, how large that is was not measured."
    )
    plots = [plot for name in names if (plot := _plot(name, sessions, errors)) is not None]
    return Report(
        title="Progress over visits",
        facts=(
            ("Client", client.code),
            (
                "Visits",
                f"{len(sessions)} ({_date(sessions[0].recorded_at)} to {_date(sessions[-1].recorded_at)})",
            ),
            ("Made", datetime.now().astimezone().strftime(f"{DATE} %H:%M")),
        ),
        what_it_measures=WHAT_IT_MEASURES,
        not_a_diagnosis=NOT_A_DIAGNOSIS,
        privacy=PRIVACY,
        summary_lines=tuple(
            line for name in names if (line := _change_line(name, sessions, errors)) is not None
        ),
        setup=visits,
        figures=tuple(_figure_table(name, sessions, errors) for name in names),
        plots=tuple(plots),
        key_frames=(),
        key_frames_note="Key frames are in each visit's own report.",
        warnings=tuple(warnings),
        note=None,
        processing=(
            "Each value is the key figure kept with the visit when it was saved: that analysis's own "
            "filtering, method (2D or 3D) and valid frames.",
            "Statistics: most and least are the extremes over the visit's valid frames; median is their "
            "middle value; hip flexion below 0 is extension.",
            "Changes: beyond measurement error when larger than the MDC95 of a repeatability run kept "
            "for the client (else the clinic's default for the assessment), else than the combined 95% "
            "intervals of the two visits (the square root of the sum of their squared half-widths). "
            "Without either, no uncertainty is recorded and a change is only a number. A change within "
            "error is not a measurable change; which direction is wanted depends on the person, so no "
            "direction is judged here.",
        ),
        footer=f"Report by posturecheck {__version__} from the client history.",
    )


def build_progress_report(
    history: History, client: ClientInfo, out: Path, figures: Sequence[str] = ()
) -> ReportFiles:
    """Write ``client``'s progress report as ``out`` with suffixes ``.html`` and ``.pdf``.

    Raises
    ------
    InputError
        As :func:`progress_report`, or when the files cannot be written.
    """
    report = progress_report(
        client, history.sessions(client.id), figures, history.measurement_errors(client.id)
    )
    return write_report(report, ReportFiles(out.with_suffix(".html"), out.with_suffix(".pdf")))
