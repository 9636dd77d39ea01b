"""A client's progress on one measure as a matplotlib figure (no pyplot, no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from posturecheck.measures.repeatability import ChangeVerdict

# How each change between visits is drawn: only a change beyond error is a line in the series' colour.
SEGMENT_STYLES: dict[ChangeVerdict | None, tuple[str, str, str]] = {
    ChangeVerdict.BEYOND_ERROR: ("-", "C0", "beyond measurement error"),
    ChangeVerdict.WITHIN_ERROR: ("--", "0.6", "within measurement error (not a measurable change)"),
    None: (":", "0.6", "no uncertainty recorded"),
}
INTERVAL_LABEL = "95% interval of the visit's value"


def progress_figure(
    points: Sequence[tuple[datetime, float]],
    measure_name: str,
    unit: str,
    tz: tzinfo | None = None,
    verdicts: Sequence[ChangeVerdict | None] | None = None,
    half_widths: Sequence[float | None] | None = None,
) -> Figure:
    """Plot one measure over sessions, as :meth:`History.progress` returns it.

    Parameters
    ----------
    points : ``(recorded_at, value)`` pairs, timezone-aware, in time order.
    measure_name : shown as the title and y label.
    unit : unit of the values, e.g. ``"deg"``; ``""`` for none.
    tz : time zone the dates are labelled in; the machine's local zone by default.
    verdicts : per change from one point to the next (``len(points) - 1`` of them), how it
        compares with measurement error (``None``: no uncertainty recorded); see
        :mod:`posturecheck.reports.progress_change`. Not given: the points joined by one line.
    half_widths : per point, the 95 % half-width its visit's summary gives it, in ``unit``
        (:func:`posturecheck.reports.progress_change.interval_half_width`); None where it has
        none (a visit from before intervals). Not given: no error bars.

    Returns
    -------
    Figure
        One axes with the values joined in time order (one line, markers at
        the sessions; x in matplotlib date numbers, days since 1970 UTC),
        drawn on an Agg canvas so it can be saved or rendered without a
        display. With ``verdicts`` the sessions are markers and each change
        its own segment: solid beyond error, grey dashed within it, grey
        dotted with no uncertainty, with a legend, so a change within error
        never looks like a measured one. Each point with a half-width carries
        it as a vertical error bar (an ``ErrorbarContainer`` labelled
        :data:`INTERVAL_LABEL`); a point without one has no bar. With no
        points the axes say so.
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
    values = [value for _, value in points]
    if verdicts is None:
        axes.plot(days, values, marker="o")
    else:
        _draw_changes(axes, days, values, verdicts)
    if half_widths is not None:
        _draw_intervals(axes, days, values, half_widths)
    locator = mdates.AutoDateLocator(tz=zone)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=zone))
    axes.set_xlabel("session date")
    return figure


def _draw_changes(
    axes: Axes, days: Sequence[float], values: Sequence[float], verdicts: Sequence[ChangeVerdict | None]
) -> None:
    """The sessions as markers, each change between them as a segment styled by its verdict."""
    if len(verdicts) != len(values) - 1:
        raise ValueError(f"{len(values)} points need {len(values) - 1} verdicts, got {len(verdicts)}")
    axes.plot(days, values, linestyle="none", marker="o", color="C0", zorder=3)
    labelled: set[ChangeVerdict | None] = set()
    for index, verdict in enumerate(verdicts):
        style, colour, label = SEGMENT_STYLES[verdict]
        axes.plot(
            days[index : index + 2],
            values[index : index + 2],
            linestyle=style,
            color=colour,
            label=None if verdict in labelled else label,
        )
        labelled.add(verdict)
    if verdicts:
        axes.legend(loc="best", fontsize="small")


def _draw_intervals(
    axes: Axes, days: Sequence[float], values: Sequence[float], half_widths: Sequence[float | None]
) -> None:
    """Each point's 95 % interval as a vertical error bar, for the points that have one."""
    if len(half_widths) != len(values):
        raise ValueError(f"{len(values)} points need {len(values)} half-widths, got {len(half_widths)}")
    rows = zip(days, values, half_widths, strict=True)
    kept = [(day, value, width) for day, value, width in rows if width is not None]
    if not kept:
        return
    x, y, widths = zip(*kept, strict=True)
    axes.errorbar(x, y, yerr=widths, fmt="none", ecolor="C0", elinewidth=1.0, capsize=3, label=INTERVAL_LABEL)
    axes.legend(loc="best", fontsize="small")
