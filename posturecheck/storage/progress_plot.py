"""A client's progress on one measure as a matplotlib figure (no pyplot, no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

import matplotlib.dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def progress_figure(
    points: Sequence[tuple[datetime, float]], measure_name: str, unit: str, tz: tzinfo | None = None
) -> Figure:
    """Plot one measure over sessions, as :meth:`History.progress` returns it.

    Parameters
    ----------
    points : ``(recorded_at, value)`` pairs, timezone-aware, in time order.
    measure_name : shown as the title and y label.
    unit : unit of the values, e.g. ``"deg"``; ``""`` for none.
    tz : time zone the dates are labelled in; the machine's local zone by default.

    Returns
    -------
    Figure
        One axes with the values joined in time order (one line, markers at
        the sessions; x in matplotlib date numbers, days since 1970 UTC),
        drawn on an Agg canvas so it can be saved or rendered without a
        display. With no points the axes say so.
    """
    zone = tz or datetime.now().astimezone().tzinfo
    figure = Figure(figsize=(6.4, 3.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(measure_name)
    axes.set_ylabel(f"{measure_name} ({unit})" if unit else measure_name)
    axes.grid(True, alpha=0.3)
    if not points:
        axes.text(
            0.5, 0.5, "no sessions with this measure yet", ha="center", va="center", transform=axes.transAxes
        )
        return figure
    days = mdates.date2num([when for when, _ in points])
    axes.plot(days, [value for _, value in points], marker="o")
    locator = mdates.AutoDateLocator(tz=zone)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=zone))
    axes.set_xlabel("session date")
    return figure
