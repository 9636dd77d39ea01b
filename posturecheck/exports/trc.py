"""TRC marker files, in the layout OpenSim's ``TRCFileAdapter`` reads.

Layout (tab-separated)::

    PathFileType  4  (X/Y/Z)  <file name>
    DataRate  CameraRate  NumFrames  NumMarkers  Units  OrigDataRate  OrigDataStartFrame  OrigNumFrames
    <rate>    <rate>      <F>        <M>         m      <rate>        <first frame>       <F>
    Frame#  Time  <marker 1>  ""  ""  <marker 2>  ""  "" ...
    ""      ""    X1  Y1  Z1  X2  Y2  Z2 ...
    (blank line)
    <frame number>  <time s>  x  y  z ...

``Frame#`` is the frame's number in the source (counted from 1) and
``Time`` its true time in seconds, so a clip with a variable frame rate
keeps its timing; ``DataRate`` is the nominal rate. A missing marker is
written ``NaN`` in its three cells (OpenSim reads it as a missing marker;
empty cells are not read alike by every OpenSim version).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

_KEYS = (
    "DataRate",
    "CameraRate",
    "NumFrames",
    "NumMarkers",
    "Units",
    "OrigDataRate",
    "OrigDataStartFrame",
    "OrigNumFrames",
)


def _number(value: float) -> str:
    return f"{value:.6f}" if np.isfinite(value) else "NaN"


def write_trc(
    path: Path,
    times_s: np.ndarray,
    frame_numbers: np.ndarray,
    markers_m: np.ndarray,
    names: Sequence[str],
    rate_hz: float,
    file_name: str | None = None,
) -> Path:
    """Write markers to ``path`` as TRC (module notes); returns the path.

    Parameters
    ----------
    times_s : (F,) true time of each frame, seconds, strictly increasing.
    frame_numbers : (F,) frame numbers to show, counted from 1.
    markers_m : (F, M, 3) positions in metres, NaN for a missing marker.
    names : the M marker names.
    rate_hz : the nominal frame rate.
    file_name : the file name the header records: ``path``'s by default, the
        final one for a file written under a temporary name.
    """
    n_frames, n_markers = markers_m.shape[:2]
    rate = f"{rate_hz:.6g}"
    first = int(frame_numbers[0]) if n_frames else 1
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{file_name or path.name}",
        "\t".join(_KEYS),
        "\t".join([rate, rate, str(n_frames), str(n_markers), "m", rate, str(first), str(n_frames)]),
        "\t".join(["Frame#", "Time", *(f"{name}\t\t" for name in names)]).rstrip("\t"),
        "\t\t" + "\t".join(f"{axis}{i}" for i in range(1, n_markers + 1) for axis in "XYZ"),
        "",
    ]
    for number, time_s, frame in zip(frame_numbers, times_s, markers_m, strict=True):
        cells = [str(int(number)), f"{time_s:.6f}", *(_number(v) for v in frame.reshape(-1))]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
