"""Measures over time as a report picture: valid frames drawn solid, the rest dotted, absences shaded.

Around the valid frames of a measure whose summary has a 95 % interval, a band of ± the
per-frame half-width (:func:`posturecheck.measures.uncertainty.frame_half_width`: the error
measured for its kind, variant and view); where none was measured, no band, and the legend
and caption say "no uncertainty recorded".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from posturecheck.measures.catalogue import (
    CRANIOVERTEBRAL_ANGLE_PROXY,
    HIP_FLEXION,
    KNEE_FLEXION,
    PELVIC_OBLIQUITY,
    SHOULDER_TILT,
    TRUNK_INCLINATION,
    measure_label,
)
from posturecheck.measures.summary import PersonSummary
from posturecheck.measures.table import Measure, MeasureTable
from posturecheck.measures.uncertainty import frame_half_width
from posturecheck.reports.content import Picture
from posturecheck.reports.wording import BAND_LABEL, NO_INTERVAL
from posturecheck.results.recompute import summary_measure

# Panels in the order shown; a panel is left out when none of its measures has a valid frame.
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Hip flexion", HIP_FLEXION.names),
    ("Knee flexion", KNEE_FLEXION.names),
    ("Trunk and head", (TRUNK_INCLINATION, CRANIOVERTEBRAL_ANGLE_PROXY)),
    ("Frontal tilts", (PELVIC_OBLIQUITY, SHOULDER_TILT)),
)
# Left side blue, right side orange, as on the key frames; unsided measures green and purple.
SIDE_COLOURS = {"left": "#2b6cb0", "right": "#dd6b20"}
PLAIN_COLOURS = ("#2f855a", "#6b46c1")
ABSENT_COLOUR = "#e2e8f0"
INVALID_STYLE = (0, (1.2, 1.6))
BAND_ALPHA = 0.18
DPI = 160
WIDTH_IN = 7.2
PANEL_HEIGHT_IN = 1.55
# A panel is drawn when one of its measures is valid in at least this share of the frames with the person:
# a handful of valid frames makes a line no one can read.
MIN_PANEL_SHARE = 0.1


def series_colour(name: str, index: int) -> str:
    """The colour a measure is drawn in: by side when it has one, else by its place in the panel."""
    for side, colour in SIDE_COLOURS.items():
        if name.endswith(f"_{side}"):
            return colour
    return PLAIN_COLOURS[index % len(PLAIN_COLOURS)]


# One plotted measure: its name, per-frame values and the half-width (degrees) of its band, None for none.
Series = tuple[str, Measure, float | None]


def time_plot(
    table: MeasureTable,
    person_summary: PersonSummary,
    in_view: np.ndarray,
    marks: Sequence[tuple[float, str]] = (),
) -> Picture | None:
    """:func:`time_figure` as a PNG picture with its caption; ``None`` when there is no figure."""
    figure = time_figure(table, person_summary, in_view, marks)
    if figure is None:
        return None
    plotted = [series for _, measures in _panels(table, person_summary, in_view) for series in measures]
    return _png(figure, f"Measures over time, person {table.person + 1}", bool(marks), plotted)


def band_half_width(person_summary: PersonSummary, name: str) -> float | None:
    """Half-width (degrees) of the 95 % band around ``name``'s per-frame values; None: no error measured.

    From the measure's summary (``person_summary.measures[name]``): the per-frame
    measurement term of its ``interval_95``
    (:func:`posturecheck.measures.uncertainty.frame_half_width`).
    """
    entry = person_summary.measures.get(name)
    return frame_half_width(entry.interval_95) if entry is not None else None


def _panels(
    table: MeasureTable, person_summary: PersonSummary, in_view: np.ndarray
) -> list[tuple[str, list[Series]]]:
    """The panels of :data:`PANELS` with enough valid frames, each with its measures and bands."""
    panels = []
    needed = max(1.0, MIN_PANEL_SHARE * float(in_view.sum()))
    for title, names in PANELS:
        measures = [
            (n, m, band_half_width(person_summary, n))
            for n in names
            if (m := summary_measure(table, person_summary, n)) is not None
        ]
        if any(m.valid.sum() >= needed for _, m, _ in measures):
            panels.append((title, measures))
    return panels


def time_figure(
    table: MeasureTable,
    person_summary: PersonSummary,
    in_view: np.ndarray,
    marks: Sequence[tuple[float, str]] = (),
) -> Figure | None:
    """The key measures of one person over the clip.

    Parameters
    ----------
    table : the person's per-frame measures.
    person_summary : their entry in the summary's ``measures`` (which variant each measure
        used, and each measure's ``interval_95``).
    in_view : (F,) bool, frames where the person was detected.
    marks : (time in s, letter) of the key frames, drawn as labelled vertical lines.

    Returns
    -------
    Figure or None
        One panel per group of :data:`PANELS` that has enough valid frames
        (:data:`MIN_PANEL_SHARE`); in each, per measure, a dotted line over
        the frames that are not valid followed by a solid line over the valid
        ones (each NaN elsewhere), a shaded band of ± :func:`band_half_width`
        around the valid ones (one polygon per run of valid frames; none, and
        "no uncertainty recorded" in the measure's legend entry, where no
        error was measured), and grey spans where the person is not in view.
        ``None`` when no panel has enough valid frames (or the input is a still).
    """
    if table.n_frames < 2:
        return None
    panels = _panels(table, person_summary, in_view)
    if not panels:
        return None
    figure = Figure(figsize=(WIDTH_IN, PANEL_HEIGHT_IN * len(panels) + 0.55), layout="constrained")
    FigureCanvasAgg(figure)
    axes_list = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for axes, (title, measures) in zip(axes_list, panels, strict=True):
        _draw_panel(axes, title, measures, table.times_s, in_view, marks)
    for time_s, letter in marks:
        axes_list[0].annotate(
            letter,
            (time_s, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            fontweight="bold",
            color="#2d3748",
        )
    axes_list[-1].set_xlabel("time in the clip (s)", fontsize=8)
    axes_list[-1].set_xlim(float(table.times_s[0]), float(table.times_s[-1]))
    banded = any(width is not None for _, measures in panels for _, _, width in measures)
    figure.legend(
        handles=_convention_handles(banded), loc="outside upper right", ncols=4, fontsize=7, frameon=False
    )
    return figure


def _draw_panel(
    axes: Any,
    title: str,
    measures: list[Series],
    times: np.ndarray,
    in_view: np.ndarray,
    marks: Sequence[tuple[float, str]],
) -> None:
    _shade_absence(axes, times, in_view)
    for index, (name, measure, width) in enumerate(measures):
        colour = series_colour(name, index)
        shown = np.isfinite(measure.values)
        valid = np.where(measure.valid, measure.values, np.nan)
        if width is not None:
            axes.fill_between(
                times, valid - width, valid + width, color=colour, alpha=BAND_ALPHA, linewidth=0
            )
        axes.plot(
            times,
            np.where(~measure.valid & shown, measure.values, np.nan),
            color=colour,
            linewidth=0.9,
            linestyle=INVALID_STYLE,
            alpha=0.7,
        )
        label = _short_label(name, title)
        axes.plot(
            times,
            valid,
            color=colour,
            linewidth=1.8,
            label=label if width is not None else f"{label} ({NO_INTERVAL})",
        )
    axes.axhline(0.0, color="#a0aec0", linewidth=0.6, zorder=0)
    for time_s, _ in marks:
        axes.axvline(time_s, color="#4a5568", linewidth=0.8, linestyle="--")
    axes.set_ylabel(f"{title} (°)", fontsize=8)
    axes.tick_params(labelsize=7)
    axes.grid(True, alpha=0.25, linewidth=0.5)
    axes.legend(fontsize=7, loc="upper left", frameon=False, ncols=2)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _short_label(name: str, panel: str) -> str:
    """The legend entry: the side alone when the panel title says the rest."""
    label = measure_label(name)
    base = label.split(",")[0]
    return label.split(", ")[-1] if base == panel and "," in label else label


def _shade_absence(axes: Any, times: np.ndarray, in_view: np.ndarray) -> None:
    """Grey spans over the runs of frames without the person."""
    absent = np.concatenate(([False], ~in_view, [False])).astype(np.int8)
    starts = np.flatnonzero(np.diff(absent) == 1)
    ends = np.flatnonzero(np.diff(absent) == -1) - 1
    for start, end in zip(starts, ends, strict=True):
        axes.axvspan(times[start], times[end], color=ABSENT_COLOUR, linewidth=0, zorder=0)


def _convention_handles(banded: bool) -> list[Any]:
    """The figure's legend of drawing conventions; the band's entry only when a band is drawn."""
    handles: list[Any] = [
        Line2D([], [], color="#4a5568", linewidth=1.8, label="valid frames"),
        Line2D(
            [],
            [],
            color="#4a5568",
            linewidth=0.9,
            linestyle=INVALID_STYLE,
            label="not valid (view, visibility)",
        ),
        Patch(color=ABSENT_COLOUR, label="person not in view"),
    ]
    if banded:
        handles.append(Patch(color="#4a5568", alpha=BAND_ALPHA, linewidth=0, label=BAND_LABEL))
    return handles


def _band_caption(plotted: Sequence[Series]) -> str:
    """What the caption says of the bands: which measures have one, and that the others have none."""
    without = [measure_label(name) for name, _, width in plotted if width is None]
    if len(without) == len(plotted):
        return f"No shaded band: {NO_INTERVAL} (no error was measured for this view)."
    text = (
        f"Shaded: the {BAND_LABEL} around each valid frame, from the error measured against a reference "
        "(real multi-camera footage; for side views a rendered body) for the measure's kind, method and view."
    )
    if without:
        text += f" No band for {', '.join(without)}: {NO_INTERVAL} (no error was measured for this view)."
    return text


def _png(figure: Figure, title: str, marked: bool, plotted: Sequence[Series]) -> Picture:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    width, height = (round(v) for v in figure.get_size_inches() * DPI)
    caption = (
        f"{title}. Solid lines: valid frames; dotted: frames whose value cannot be trusted; "
        "grey: person not in view" + ("; dashed lines: the key frames below. " if marked else ". ")
    ) + _band_caption(plotted)
    return Picture(buffer.getvalue(), "image/png", width, height, caption=caption, alt=title)
