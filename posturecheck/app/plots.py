"""Interactive plots (Plotly, the app's one plotting library) of measures over time and over visits.

Valid frames are drawn as a solid line; frames whose value exists but is not
valid are grey crosses whose hover text says why, so nobody reads an
untrustworthy value as a measurement. Around the valid frames, a shaded band
of the 95 % interval where an error was measured for the view, else "no
uncertainty recorded"; over visits, each value's 95 % interval as an error bar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from posturecheck.app.text import UNITS, measure_title, plain_reason
from posturecheck.measures.repeatability import ChangeVerdict
from posturecheck.measures.table import MeasureTable
from posturecheck.reports.wording import BAND_LABEL, NO_INTERVAL

INVALID_COLOUR = "rgba(130, 130, 130, 0.55)"
AXIS_TITLES = {"deg": "degrees", "%": "%", "cm": "cm"}
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
# How a change between visits is drawn: only one beyond measurement error is a solid line in colour.
CHANGE_LINES: dict[ChangeVerdict | None, tuple[dict[str, str], str]] = {
    ChangeVerdict.BEYOND_ERROR: ({"dash": "solid"}, "beyond measurement error"),
    ChangeVerdict.WITHIN_ERROR: (
        {"dash": "dash", "color": INVALID_COLOUR},
        "within measurement error (not a measurable change)",
    ),
    None: ({"dash": "dot", "color": INVALID_COLOUR}, "no uncertainty recorded"),
}


def measures_figure(
    table: MeasureTable, names: Sequence[str], half_widths: Mapping[str, float | None] | None = None
) -> go.Figure:
    """Measures of one person against time: valid frames as lines, the others as grey crosses.

    Parameters
    ----------
    table : one person's measures.
    names : measure names in ``table.measures`` (one unit, so they share an axis).
    half_widths : per name, the half-width (degrees) of the 95 % band around its valid
        frames (:func:`posturecheck.measures.uncertainty.frame_half_width`); None or
        missing: no error measured, no band.

    Returns
    -------
    plotly.graph_objects.Figure
        Per measure: its 95 % band where it has one (a filled trace named
        :data:`~posturecheck.reports.wording.BAND_LABEL`, one polygon per run
        of valid frames, runs apart by None); one line trace (NaN where not
        valid, so the line breaks), named with "no uncertainty recorded" when
        it has no band; and one marker trace of its invalid-but-computed
        frames, hover text giving the reason in plain words.
    """
    figure = go.Figure()
    units = set()
    widths = half_widths or {}
    for index, name in enumerate(names):
        measure = table.measures[name]
        units.add(measure.unit)
        title = measure_title(name)
        colour = qualitative.Plotly[index % len(qualitative.Plotly)]
        shown = np.where(measure.valid, measure.values, np.nan)
        width = widths.get(name)
        if width is not None:
            figure.add_trace(_band_trace(table.times_s, shown, width, f"{title}: {BAND_LABEL}", name, colour))
        figure.add_trace(
            go.Scatter(
                x=table.times_s,
                y=shown,
                mode="lines",
                line={"color": colour},
                name=title if width is not None else f"{title} ({NO_INTERVAL})",
                legendgroup=name,
                hovertemplate=f"{title}: %{{y:.1f}}{UNITS.get(measure.unit, measure.unit)} at %{{x:.2f}} s"
                "<extra>valid</extra>",
            )
        )
        doubtful = ~measure.valid & np.isfinite(measure.values)
        if doubtful.any():
            reasons = [plain_reason(str(r)) for r in measure.reason[doubtful]]
            figure.add_trace(
                go.Scatter(
                    x=table.times_s[doubtful],
                    y=measure.values[doubtful],
                    mode="markers",
                    name=f"{title}: not valid",
                    legendgroup=name,
                    text=reasons,
                    marker={"symbol": "x-thin", "size": 6, "line": {"width": 1, "color": INVALID_COLOUR}},
                    hovertemplate=f"{title}: %{{y:.1f}} at %{{x:.2f}} s<br>not valid: %{{text}}"
                    "<extra></extra>",
                )
            )
    unit = units.pop() if len(units) == 1 else ""
    figure.update_layout(
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="time (s)",
        yaxis_title=AXIS_TITLES.get(unit, unit),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="closest",
    )
    return figure


def _band_trace(
    times: np.ndarray, shown: np.ndarray, width: float, label: str, group: str, colour: str
) -> go.Scatter:
    """The filled ± ``width`` band around the finite values of ``shown``: a polygon per run, None between."""
    x: list[float | None] = []
    y: list[float | None] = []
    finite = np.concatenate(([False], np.isfinite(shown), [False])).astype(np.int8)
    starts = np.flatnonzero(np.diff(finite) == 1)
    ends = np.flatnonzero(np.diff(finite) == -1)
    for start, end in zip(starts, ends, strict=True):
        run_x, run_y = times[start:end].tolist(), shown[start:end]
        x += [*run_x, *run_x[::-1], None]
        y += [*(run_y + width).tolist(), *(run_y - width)[::-1].tolist(), None]
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        fill="toself",
        line={"width": 0, "color": colour},
        fillcolor=colour,
        opacity=0.25,
        name=label,
        legendgroup=group,
        hoverinfo="skip",
    )


def progress_figure(
    points: Sequence[tuple[datetime, float]],
    valid_shares: Sequence[float],
    confidences: Sequence[str],
    title: str,
    unit: str,
    verdicts: Sequence[ChangeVerdict | None],
    half_widths: Sequence[float | None] | None = None,
) -> go.Figure:
    """One key figure over a client's sessions, each point marked with the confidence it rests on.

    Parameters
    ----------
    points : ``(recorded_at, value)`` in time order (timezone-aware; shown in local time).
    valid_shares : per point, the share (0..1) of the frames with the person in view its value rested on.
    confidences : per point, its confidence label (``"high"``, ``"low"``:
        :func:`posturecheck.reports.progress_change.visit_confidence`).
    title : the figure's display name.
    unit : the value's unit (``"deg"``, ``"%"``, ``"cm"`` or ``""``).
    verdicts : per change from one point to the next, how it compares with measurement
        error (``None``: no uncertainty recorded; :mod:`posturecheck.reports.progress_change`).
    half_widths : per point, the 95 % half-width its visit's summary gives it (in ``unit``;
        :func:`posturecheck.reports.progress_change.interval_half_width`), None where it has
        none (a visit from before intervals, a range, a unit other than degrees). Not given: none.

    Returns
    -------
    plotly.graph_objects.Figure
        The sessions as markers (the first trace): high confidence filled,
        low confidence hollow, with the date, value, 95 % interval and valid
        share on hover, and the interval as an error bar where the point has
        one (``error_y.array``: the half-widths, None for no bar). Then one
        line per change: solid beyond measurement error, grey dashed within
        it, grey dotted with no uncertainty recorded, so a change within
        error never looks like a measured one.
    """
    if len(verdicts) != max(len(points) - 1, 0):
        raise ValueError(f"{len(points)} points need {len(points) - 1} verdicts, got {len(verdicts)}")
    when = [at.astimezone() for at, _ in points]
    values = [value for _, value in points]
    confidence = list(confidences)
    if len(confidence) != len(points) or len(valid_shares) != len(points):
        raise ValueError(f"{len(points)} points need as many valid shares and confidence labels")
    widths = list(half_widths) if half_widths is not None else [None] * len(points)
    if len(widths) != len(points):
        raise ValueError(f"{len(points)} points need {len(points)} half-widths, got {len(widths)}")
    hover = [
        f"{_interval_hover(width, unit)}<br>{mark} confidence, valid in {share:.0%} of the frames in view"
        for mark, share, width in zip(confidence, valid_shares, widths, strict=True)
    ]
    figure = go.Figure(
        go.Scatter(
            x=when,
            y=values,
            mode="markers",
            name=title,
            text=hover,
            showlegend=False,
            error_y={"type": "data", "array": widths, "visible": any(w is not None for w in widths)},
            marker={
                "size": 10,
                "symbol": ["circle" if mark == "high" else "circle-open" for mark in confidence],
            },
            hovertemplate=f"%{{x|%Y-%m-%d %H:%M}}: %{{y:.1f}}{UNITS.get(unit, ' ' + unit)}<br>%{{text}}"
            "<extra></extra>",
        )
    )
    shown: set[ChangeVerdict | None] = set()
    for index, verdict in enumerate(verdicts):
        line, label = CHANGE_LINES[verdict]
        figure.add_trace(
            go.Scatter(
                x=when[index : index + 2],
                y=values[index : index + 2],
                mode="lines",
                line=line,
                name=label,
                legendgroup=label,
                showlegend=verdict not in shown,
                hoverinfo="skip",
            )
        )
        shown.add(verdict)
    figure.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="session date",
        yaxis_title=AXIS_TITLES.get(unit, unit),
        showlegend=bool(verdicts),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return figure


def _interval_hover(width: float | None, unit: str) -> str:
    """A point's 95 % interval in words for its hover text."""
    if width is None:
        return NO_INTERVAL
    return f"95% interval ± {width:.0f}{UNITS.get(unit, ' ' + unit)}"
