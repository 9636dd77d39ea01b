"""What the exports carry: the landmarks as markers and the angle measures, in one set of conventions.

Markers
-------
The 33 BlazePose landmarks of one person, from MediaPipe's *world*
landmarks (metres; see :mod:`posturecheck.pose.series`), as tracked and
neither filtered nor swap-corrected (OpenSim's inverse kinematics and C3D
tools filter markers themselves). They are hip-centred in every frame: the
markers show the body's shape and joint angles, not its travel across the
room. Axes are turned from MediaPipe's (x to the image's right, y down, z
away from the camera) to Y up, as OpenSim and most C3D viewers expect: a
180 degree rotation about x, ``(X, Y, Z) = (x, -y, -z)``, so X points to
the image's right, Y up and Z towards the camera (right-handed). Frames in
which the person was not found are NaN.

Angles
------
Every measure of the person's :class:`~posturecheck.measures.table.MeasureTable`
whose unit is degrees, under its CSV column name and in CSV column order
(filtered values; the ``_2d``/``_3d`` variants included). A frame whose
value is not valid is NaN: OpenSim storage files cannot hold an empty cell,
and the CSV keeps the value and the reason for anyone who wants them.
"""

from __future__ import annotations

import numpy as np

from posturecheck.landmarks import Landmark
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.series import PeopleSeries, PoseSeries

MARKER_NAMES: tuple[str, ...] = tuple(landmark.name for landmark in Landmark)
# MediaPipe world axes (x right, y down, z away) -> Y up: a half turn about x.
_Y_UP = np.array([1.0, -1.0, -1.0])
# A clip with no usable frame rate (a photo, a folder of photos) is written at one frame per second.
FALLBACK_RATE_HZ = 1.0


def markers_m(series: PoseSeries, slot: int) -> np.ndarray:
    """(F, 33, 3) float64 marker positions in metres, Y up (module notes); NaN where the person is absent."""
    world = series.world[:, slot].astype(np.float64) * _Y_UP
    world[~series.detected[:, slot]] = np.nan
    return world


def angle_columns(table: MeasureTable) -> dict[str, np.ndarray]:
    """Column name -> (F,) degrees for every angle measure, NaN where not valid (module notes)."""
    return {
        name: np.where(measure.valid, measure.values, np.nan)
        for name, measure in table.measures.items()
        if measure.unit == "deg"
    }


def frame_rate_hz(series: PeopleSeries) -> float:
    """The nominal frame rate: the source's, else the median spacing of the frame times, else 1 Hz."""
    if series.source.fps:
        return float(series.source.fps)
    steps = np.diff(series.times_s)
    steps = steps[steps > 0]
    return float(1.0 / np.median(steps)) if steps.size else FALLBACK_RATE_HZ
