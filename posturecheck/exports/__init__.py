"""Analysis results in the formats other tools open: TRC (markers), MOT (angles), C3D (both).

One file per person and format, ``<stem>.person<N>.<format>`` (N counted
from 1, as the summary and CSV number people). What the files hold (world
landmarks in metres with Y up, hip-centred; angles in degrees, NaN where not
valid) is set out in :mod:`posturecheck.exports.conventions`; the layouts in
:mod:`~posturecheck.exports.trc`, :mod:`~posturecheck.exports.mot` and
:mod:`~posturecheck.exports.c3d`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Literal, cast

from posturecheck.errors import ExportError
from posturecheck.exports.c3d import write_c3d
from posturecheck.exports.conventions import MARKER_NAMES, angle_columns, frame_rate_hz, markers_m
from posturecheck.exports.mot import write_mot
from posturecheck.exports.trc import write_trc
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.series import PeopleSeries

ExportFormat = Literal["trc", "mot", "c3d"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("trc", "mot", "c3d")


def parse_formats(text: str) -> tuple[ExportFormat, ...]:
    """``"trc,mot"`` -> ``("trc", "mot")``: comma-separated, any case, repeats dropped, order kept.

    Raises
    ------
    ExportError
        An unknown or empty format name.
    """
    chosen: list[ExportFormat] = []
    for word in text.split(","):
        name = word.strip().lower()
        if name not in EXPORT_FORMATS:
            raise ExportError(
                f"unknown export format {word.strip()!r} (choose from {', '.join(EXPORT_FORMATS)})"
            )
        if name not in chosen:
            chosen.append(cast(ExportFormat, name))
    return tuple(chosen)


def write_exports(
    series: PeopleSeries,
    tables: Sequence[MeasureTable],
    formats: Iterable[ExportFormat],
    out_dir: Path,
    stem: str,
    write_to: Callable[[Path], Path] = lambda final: final,
) -> list[Path]:
    """Write each person's markers and angles in each of ``formats`` into ``out_dir``; returns the paths.

    ``write_to`` maps each file's final path to the path it is written at
    (an analysis writes under temporary names and renames them all at the
    end, :class:`posturecheck.io.outputs.StagedFiles`); the final paths are
    returned.

    ``tables`` are the measured people's tables (one per person, as
    :func:`posturecheck.analyze.analyze_file` returns them); each table's
    ``person`` slot picks that person's landmarks in ``series`` (tracked
    people are read one at a time, never every frame of everyone).

    Raises
    ------
    ExportError
        A C3D export without the ezc3d package.
    """
    wanted = tuple(formats)
    rate = frame_rate_hz(series)
    frame_numbers = series.frame_index + 1
    first = int(frame_numbers[0]) if frame_numbers.size else 1
    paths: list[Path] = []
    for table in tables:
        markers = markers_m(series.person(table.person), 0)
        angles = angle_columns(table)
        for fmt in wanted:
            path = out_dir / f"{stem}.person{table.person + 1}.{fmt}"
            target = write_to(path)
            if fmt == "trc":
                write_trc(target, series.times_s, frame_numbers, markers, MARKER_NAMES, rate, path.name)
            elif fmt == "mot":
                write_mot(target, table.times_s, angles, path.name)
            else:
                write_c3d(target, markers, MARKER_NAMES, angles, rate, first)
            paths.append(path)
    return paths
