"""Interactive plots (Plotly, the app's one plotting library) of measures over time and over visits.

Valid frames are drawn as a solid line; frames whose value exists but is not
valid are grey crosses whose hover text says why, so nobody reads an
untrustworthy value as a measurement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import plotly.graph_objects as go

from posturecheck.app.text import UNITS, measure_title, plain_reason
from posturecheck.measures.repeatability import ChangeVerdict
from posturecheck.measures.summary import confidence_label
from posturecheck.measures.table import MeasureTable

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


def measures_figure(table: MeasureTable, names: Sequence[str]) -> go.Figure:
    """Measures of one person against time: valid frames as lines, the others as grey crosses.

    Parameters
    ----------
    table : one person's measures.
    names : measure names in ``table.measures`` (one unit, so they share an axis).

    Returns
    -------
    plotly.graph_objects.Figure
        One line trace per measure (NaN where not valid, so the line breaks)
        and one marker trace of its invalid-but-computed frames, hover text
        giving the reason in plain words.
    """
    figure = go.Figure()
    units = set()
    for name in names:
        measure = table.measures[name]
        units.add(measure.unit)
        title = measure_title(name)
        shown = np.where(measure.valid, measure.values, np.nan)
        figure.add_trace(
            go.Scatter(
                x=table.times_s,
                y=shown,
                mode="lines",
                name=title,
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


def progress_figure(
    points: Sequence[tuple[datetime, float]],
    valid_shares: Sequence[float],
    title: str,
    unit: str,
    verdicts: Sequence[ChangeVerdict | None],
) -> go.Figure:
    """One key figure over a client's sessions, each point marked with the confidence it rests on.

    Parameters
    ----------
    points : ``(recorded_at, value)`` in time order (timezone-aware; shown in local time).
    valid_shares : per point, the share (0..1) of the frames with the person in view its value rested on.
    title : the figure's display name.
    unit : the value's unit (``"deg"``, ``"%"``, ``"cm"`` or ``""``).
    verdicts : per change from one point to the next, how it compares with measurement
        error (``None``: no uncertainty recorded; :mod:`posturecheck.reports.progress_change`).

    Returns
    -------
    plotly.graph_objects.Figure
        The sessions as markers (the first trace): high confidence filled,
        low confidence hollow, with the date, value and valid share on
        hover. Then one line per change: solid beyond measurement error,
        grey dashed within it, grey dotted with no uncertainty recorded, so
        a change within error never looks like a measured one.
    """
    if len(verdicts) != max(len(points) - 1, 0):
        raise ValueError(f"{len(points)} points need {len(points) - 1} verdicts, got {len(verdicts)}")
    when = [at.astimezone() for at, _ in points]
    values = [value for _, value in points]
    confidence = [confidence_label(share) for share in valid_shares]
    hover = [
        f"{mark} confidence, valid in {share:.0%} of the frames in view"
        for mark, share in zip(confidence, valid_shares, strict=True)
    ]
    figure = go.Figure(
        go.Scatter(
            x=when,
            y=values,
            mode="markers",
            name=title,
            text=hover,
            showlegend=False,
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
