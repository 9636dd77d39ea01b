"""A key frame as a report picture: hip and knee angles as arcs with their values, left blue, right orange.

Drawing only: the values come from the measure table; the arcs show which
two segments each value is between.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Arc

from posturecheck.landmarks import Landmark
from posturecheck.measures.summary import PersonSummary
from posturecheck.measures.table import MeasureTable
from posturecheck.reports.content import Picture
from posturecheck.reports.plots.measures_over_time import SIDE_COLOURS
from posturecheck.reports.wording import format_value
from posturecheck.results.recompute import summary_measure

DPI = 160
JPEG_QUALITY = 88
# Arc radius and dashed reference line length, in thigh lengths.
ARC_RADIUS = 0.3
REFERENCE_LENGTH = 0.55
# Where a joint's label sits from the joint, points: left side to the image's left, right side to its right
# (swapped where the label would run off the picture).
LABEL_OFFSET_PT = {"left": (-24.0, 10.0), "right": (24.0, -10.0)}
LABEL_FONT_PT = 7.5
# Width of a label character in font sizes, roughly (DejaVu Sans digits and lower case).
CHAR_WIDTH_EM = 0.62

_LEGS = {
    "left": (Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    "right": (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
}


@dataclass(frozen=True)
class JointAngle:
    """One angle to draw: at ``vertex`` (pixels), from direction ``start`` to direction ``end``."""

    side: str
    joint: str
    value: float
    vertex: tuple[float, float]
    start: tuple[float, float]
    end: tuple[float, float]
    radius: float

    @property
    def label(self) -> str:
        """The label drawn on the frame, e.g. ``"L hip 28.3°"``."""
        return f"{self.side[0].upper()} {self.joint} {format_value(self.value, 'deg')}"

    @property
    def words(self) -> str:
        """The same for a caption, e.g. ``"left hip 28.3°"``."""
        return f"{self.side} {self.joint} {format_value(self.value, 'deg')}"


def joint_angles(
    table: MeasureTable, person_summary: PersonSummary, points: np.ndarray, row: int
) -> list[JointAngle]:
    """The hip and knee flexion angles of one person in one frame, where valid.

    Parameters
    ----------
    table : the person's measures; ``row`` is a row of it.
    person_summary : their summary entry (which variant each measure used).
    points : (33, 2) their image landmarks in pixels of the picture.
    row : the frame.

    Notes
    -----
    Hip flexion is drawn between the trunk's downward axis (mid-shoulder to
    mid-hip, as the measure defines it) placed at the hip, and the thigh;
    knee flexion between the thigh's continuation and the shank. The arcs
    join this frame's landmarks as the model gave them, while the values are
    the table's, from filtered landmarks: an arc can differ from its value by
    the filter's smoothing.
    """
    shoulders = points[[Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]].mean(axis=0)
    hips = points[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=0)
    angles = []
    for side, (hip, knee, ankle) in _LEGS.items():
        thigh = points[knee] - points[hip]
        radius = ARC_RADIUS * float(np.linalg.norm(thigh))
        geometry = {
            "hip": (points[hip], hips - shoulders, thigh),
            "knee": (points[knee], thigh, points[ankle] - points[knee]),
        }
        for joint, (vertex, start, end) in geometry.items():
            measure = summary_measure(table, person_summary, f"{joint}_flexion_{side}")
            if measure is None or not measure.valid[row] or not np.isfinite([*vertex, *start, *end]).all():
                continue
            angles.append(
                JointAngle(
                    side, joint, float(measure.values[row]), _pair(vertex), _pair(start), _pair(end), radius
                )
            )
    return angles


def _pair(vector: np.ndarray) -> tuple[float, float]:
    return float(vector[0]), float(vector[1])


def key_frame_picture(image: np.ndarray, angles: Sequence[JointAngle], letter: str, caption: str) -> Picture:
    """Draw ``angles`` over ``image`` (RGB, already blurred and with the skeleton) and encode it as JPEG.

    ``letter`` is shown in the top left corner, matching the marks on the time plots.
    """
    height, width = image.shape[:2]
    figure = Figure(figsize=(width / DPI, height / DPI))
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.imshow(image, interpolation="antialiased")
    axes.set_axis_off()
    axes.set_xlim(-0.5, width - 0.5)
    axes.set_ylim(height - 0.5, -0.5)
    for angle in angles:
        _draw_angle(axes, angle, width)
    axes.text(
        0.02,
        0.98,
        letter,
        transform=axes.transAxes,
        ha="left",
        va="top",
        fontsize=12,
        fontweight="bold",
        color="white",
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "#2d3748", "edgecolor": "none"},
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="jpeg", dpi=DPI, pil_kwargs={"quality": JPEG_QUALITY})
    return Picture(
        buffer.getvalue(), "image/jpeg", width, height, caption, alt=f"Key frame {letter}: {caption}"
    )


def _label_side(angle: JointAngle, width: int) -> str:
    """The side of the joint its label goes: its own, unless the label would leave the picture there."""
    reach_px = (
        (abs(LABEL_OFFSET_PT[angle.side][0]) + len(angle.label) * CHAR_WIDTH_EM * LABEL_FONT_PT) * DPI / 72
    )
    x = angle.vertex[0]
    if angle.side == "left" and x - reach_px < 0:
        return "right"
    if angle.side == "right" and x + reach_px > width:
        return "left"
    return angle.side


def _draw_angle(axes: Any, angle: JointAngle, width: int) -> None:
    colour = SIDE_COLOURS[angle.side]
    x, y = angle.vertex
    start, end = (math.degrees(math.atan2(v[1], v[0])) for v in (angle.start, angle.end))
    # Arc runs counter-clockwise in data coordinates from theta1 to theta2: take the shorter way round.
    if (end - start) % 360.0 > 180.0:
        start, end = end, start
    reach = angle.radius * REFERENCE_LENGTH / ARC_RADIUS
    direction = np.asarray(angle.start) / (np.linalg.norm(angle.start) or 1.0)
    axes.plot(
        [x, x + direction[0] * reach],
        [y, y + direction[1] * reach],
        color=colour,
        linewidth=1.0,
        linestyle=(0, (3, 2)),
    )
    axes.add_patch(
        Arc((x, y), 2 * angle.radius, 2 * angle.radius, theta1=start, theta2=end, color=colour, linewidth=2.0)
    )
    place = _label_side(angle, width)
    axes.annotate(
        angle.label,
        (x, y),
        xytext=LABEL_OFFSET_PT[place],
        textcoords="offset points",
        ha="right" if place == "left" else "left",
        va="center",
        fontsize=LABEL_FONT_PT,
        color="#1a202c",
        bbox={
            "boxstyle": "round,pad=0.25",
            "facecolor": "white",
            "edgecolor": colour,
            "alpha": 0.9,
            "linewidth": 1.0,
        },
        arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.8},
    )
