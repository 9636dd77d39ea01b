"""C3D files of markers and angles, written with ezc3d.

Markers are C3D points in millimetres (``POINT:UNITS = mm``, the unit C3D
tools assume by default). Angles are points too, listed in ``POINT:ANGLES``
with ``POINT:ANGLE_UNITS = deg`` (the convention Vicon, Mokka and
Visual3D read): a scalar angle sits in the point's X component, Y and Z are
0. A missing marker or an invalid angle is an invalid point (residual -1,
coordinates NaN as ezc3d reads them back).

C3D has one frame rate and no per-frame times: ``POINT:RATE`` is the
nominal rate and the first frame is the source's first frame, so a clip with
a variable frame rate is better read from the TRC or MOT file, which keep the
true times.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from posturecheck.errors import ExportError

MM_PER_M = 1000.0
_MARKER_DESCRIPTION = "BlazePose world landmark (hip-centred), mm"
_ANGLE_DESCRIPTION = "angle in degrees in X (Y, Z unused)"


def write_c3d(
    path: Path,
    markers_m: np.ndarray,
    marker_names: Sequence[str],
    angles_deg: dict[str, np.ndarray],
    rate_hz: float,
    first_frame: int,
) -> Path:
    """Write markers and angles to ``path`` as C3D (module notes); returns the path.

    Parameters
    ----------
    markers_m : (F, M, 3) marker positions in metres, NaN for a missing marker.
    marker_names : the M marker names.
    angles_deg : angle name -> (F,) degrees, NaN where not valid.
    rate_hz : the nominal frame rate.
    first_frame : number of the first frame (counted from 1).

    Raises
    ------
    ExportError
        If ezc3d is not installed (a dependency of posturecheck, so only in a broken install).
    """
    try:
        import ezc3d
    except ImportError as exc:
        raise ExportError("C3D export needs the ezc3d package: pip install ezc3d") from exc
    n_frames = markers_m.shape[0]
    angles = np.zeros((n_frames, len(angles_deg), 3))
    for column, values in enumerate(angles_deg.values()):
        angles[:, column, 0] = values
        angles[np.isnan(values), column] = np.nan
    xyz = np.concatenate([markers_m * MM_PER_M, angles], axis=1)  # (F, points, 3)
    points = np.ones((4, xyz.shape[1], n_frames))
    points[:3] = xyz.transpose(2, 1, 0)
    residuals = np.where(np.isnan(xyz).any(axis=2), -1.0, 0.0).T[np.newaxis]

    c3d = ezc3d.c3d()
    c3d["parameters"]["POINT"]["RATE"]["value"] = [rate_hz]
    c3d["parameters"]["POINT"]["LABELS"]["value"] = [*marker_names, *angles_deg]
    c3d["data"]["points"] = points
    c3d["data"]["meta_points"] = {
        "residuals": residuals,
        "camera_masks": np.zeros((7, xyz.shape[1], n_frames), dtype=bool),
    }
    c3d.add_parameter("POINT", "UNITS", "mm")
    c3d.add_parameter(
        "POINT",
        "DESCRIPTIONS",
        [_MARKER_DESCRIPTION] * len(marker_names) + [_ANGLE_DESCRIPTION] * len(angles_deg),
    )
    c3d.add_parameter("POINT", "ANGLES", list(angles_deg))
    c3d.add_parameter("POINT", "ANGLE_UNITS", "deg")
    c3d["header"]["points"]["first_frame"] = max(first_frame - 1, 0)
    c3d.write(str(path))
    return path
