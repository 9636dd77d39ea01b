"""A client's progress over visits as a report: the same HTML page and PDF as an analysis report.

Built from the history alone (the key figures kept with each visit), so it
needs no clip or landmarks file. Each figure is shown per visit with the
confidence it was kept with; a change between visits is stated with the
confidence at both ends, never as a finding on its own.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from posturecheck import __version__
from posturecheck.errors import InputError
from posturecheck.measures.catalogue import measure_label
from posturecheck.measures.summary import confidence_label
from posturecheck.reports.build import ReportFiles, write_report
from posturecheck.reports.content import Picture, Report, RowMark, Table
from posturecheck.reports.history_entry import split_statistic
from posturecheck.reports.wording import (
    NOT_A_DIAGNOSIS,
    WHAT_IT_MEASURES,
    format_share,
    format_value,
)
from posturecheck.storage import ClientInfo, History, MeasureValue, SessionInfo

# Shown whenever the visits have them; more can be asked for by name.
DEFAULT_FIGURES = (
    "hip_flexion_left_max",
    "hip_flexion_right_max",
    "hip_flexion_left_min",
    "hip_flexion_right_min",
    "trunk_inclination_median",
    "pelvic_obliquity_median",
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


def measured_visits(sessions: Sequence[SessionInfo], name: str) -> list[tuple[datetime, MeasureValue]]:
    """The visits, in order, at which key figure ``name`` was measured: ``(recorded_at, figure)`` pairs.

    Visits without the figure, or where it was not measurable (NaN), are left out.
    """
    return [(s.recorded_at, f) for s in sessions if (f := _figure_of(s, name)) is not None and f.is_measured]


def _mark(figure: MeasureValue | None) -> RowMark:
    if figure is None or not figure.is_measured:
        return "muted"
    return "" if confidence_label(figure.valid_fraction) == "high" else "caution"


def _figure_table(name: str, sessions: Sequence[SessionInfo]) -> Table:
    rows, marks = [], []
    for session in sessions:
        figure = _figure_of(session, name)
        measured = figure is not None and figure.is_measured
        rows.append(
            (
                _date(session.recorded_at),
                format_value(figure.value, figure.unit) if figure is not None and measured else "–",
                confidence_label(figure.valid_fraction) if figure is not None and measured else "none",
                format_share(figure.valid_fraction) if figure is not None else "–",
                session.assessment,
            )
        )
        marks.append(_mark(figure))
    return Table(
        figure_label(name),
        ("Visit", "Value", "Confidence", "Valid frames", "Assessment"),
        tuple(rows),
        tuple(marks),
        caption="Valid frames: the share of the visit's frames, with the person in view, behind the figure.",
    )


def _change_line(name: str, sessions: Sequence[SessionInfo]) -> str | None:
    measured = measured_visits(sessions, name)
    if len(measured) < 2:
        return None
    (first, a), (last, b) = measured[0], measured[-1]
    change = format_value(b.value - a.value, a.unit)
    if b.value - a.value > 0:
        change = "+" + change
    return (
        f"{figure_label(name)}: {format_value(a.value, a.unit)} on {_date(first)} "
        f"({confidence_label(a.valid_fraction)} confidence), {format_value(b.value, b.unit)} on "
        f"{_date(last)} ({confidence_label(b.valid_fraction)} confidence); change {change}."
    )


def _plot(name: str, sessions: Sequence[SessionInfo]) -> Picture | None:
    from posturecheck.storage.progress_plot import progress_figure

    measured = measured_visits(sessions, name)
    if len(measured) < 2:
        return None
    points = [(when, figure.value) for when, figure in measured]
    figure = progress_figure(points, figure_label(name), measured[0][1].unit)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PLOT_DPI)
    width, height = (round(side * PLOT_DPI) for side in figure.get_size_inches())
    return Picture(
        buffer.getvalue(),
        "image/png",
        width,
        height,
        caption=f"{figure_label(name)} at each visit (the tables above give each value's confidence).",
        alt=f"{figure_label(name)} over visits",
    )


def progress_report(
    client: ClientInfo, sessions: Sequence[SessionInfo], figures: Sequence[str] = ()
) -> Report:
    """The report of ``client``'s visits: the visits, then per key figure a table and a plot.

    ``figures`` names key figures to show besides :data:`DEFAULT_FIGURES`;
    only figures that at least one visit has are shown.

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
    warnings = (
        [
            f"The visits used different assessments ({', '.join(assessments)}): a figure taken from "
            "different movements is not strictly comparable between them."
        ]
        if len(assessments) > 1
        else []
    )
    warnings.append(
        "Camera height, distance and angle change the figures: compare visits filmed the same way, and "
        "read small changes (a few degrees) as within what filming alone can cause."
    )
    plots = [plot for name in names if (plot := _plot(name, sessions)) is not None]
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
        summary_lines=tuple(line for name in names if (line := _change_line(name, sessions)) is not None),
        setup=visits,
        figures=tuple(_figure_table(name, sessions) for name in names),
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
    report = progress_report(client, history.sessions(client.id), figures)
    return write_report(report, ReportFiles(out.with_suffix(".html"), out.with_suffix(".pdf")))
