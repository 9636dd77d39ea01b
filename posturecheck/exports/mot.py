"""MOT files (OpenSim storage) of per-frame angles.

Layout (header lines, then tab-separated columns)::

    <file name>
    version=1
    nRows=<F>
    nColumns=<1 + number of angles>
    inDegrees=yes
    endheader
    time  <angle 1>  <angle 2> ...
    <time s>  <deg>  <deg> ...

``time`` is each frame's true time in seconds. OpenSim's storage files
cannot hold an empty cell, so a frame whose angle is not valid is ``NaN``.
The column names are the measure names of the CSV; they are not an OpenSim
model's coordinate names, so the file is for plotting and comparing in
OpenSim (or any tool reading .mot), not for driving a model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _number(value: float) -> str:
    return f"{value:.6f}" if np.isfinite(value) else "NaN"


def write_mot(
    path: Path, times_s: np.ndarray, columns: dict[str, np.ndarray], file_name: str | None = None
) -> Path:
    """Write ``columns`` (name -> (F,) degrees, NaN where invalid) against ``times_s``; returns the path.

    ``file_name`` is the file name the header records: ``path``'s by default, the
    final one for a file written under a temporary name.
    """
    lines = [
        file_name or path.name,
        "version=1",
        f"nRows={times_s.shape[0]}",
        f"nColumns={len(columns) + 1}",
        "inDegrees=yes",
        "endheader",
        "\t".join(["time", *columns]),
    ]
    for row, time_s in enumerate(times_s):
        lines.append("\t".join([f"{time_s:.6f}", *(_number(values[row]) for values in columns.values())]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
