"""Per-frame measurement results of one person, and their CSV form.

A :class:`Measure` is one quantity over all frames with a validity flag and
a reason per frame. A :class:`MeasureTable` holds every measure of one
person: the plain names (filled by the method the view supports best), the
``<name>_2d`` / ``<name>_3d`` variants they were chosen from, and a record
of why.

CSV layout (:meth:`MeasureTable.to_rows`, :func:`write_csv`): one row per
frame and person; columns ``time_s``, ``frame``, ``person``, then for every
measure in table order ``<name>``, ``<name>_valid`` (1/0) and
``<name>_reason`` (empty when valid). Values are written with 3 decimals,
an empty cell for NaN.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from posturecheck.measures.view import ViewEstimate, ViewSummary

if TYPE_CHECKING:
    from posturecheck.measures.neutral import HipNeutral
    from posturecheck.measures.pipeline import MeasureOptions
    from posturecheck.measures.pitch import TiltUsed

UNITS = ("deg", "%", "cm")
METHODS = ("2d", "3d", "silhouette")


@dataclass(frozen=True, eq=False)
class Measure:
    """One measure over F frames.

    Attributes
    ----------
    name : column name, e.g. ``"hip_flexion_left"`` or ``"hip_flexion_left_2d"``.
    values : (F,) float, NaN where not computed.
    valid : (F,) bool, True where the value can be trusted (finite, landmarks
        seen, view suitable).
    reason : (F,) object array of str, why a frame is not valid; ``""`` where valid.
    unit : "deg", "%" or "cm".
    method : "2d" (image landmarks), "3d" (world landmarks) or
        "silhouette" (segmentation mask).
    """

    name: str
    values: np.ndarray
    valid: np.ndarray
    reason: np.ndarray
    unit: str
    method: str

    def __post_init__(self) -> None:
        n = self.values.shape
        if self.valid.shape != n or self.reason.shape != n or len(n) != 1:
            raise ValueError(
                f"measure {self.name}: values, valid and reason must be (F,) arrays of one length"
            )
        if self.unit not in UNITS or self.method not in METHODS:
            raise ValueError(f"measure {self.name}: unit {self.unit!r} or method {self.method!r} unknown")

    @property
    def fraction_valid(self) -> float:
        """Share of frames that are valid (0 for an empty measure)."""
        return float(self.valid.mean()) if self.valid.size else 0.0

    def renamed(self, name: str) -> Measure:
        """The same measure under another name."""
        return Measure(name, self.values, self.valid, self.reason, self.unit, self.method)


@dataclass(frozen=True, eq=False)
class MeasureTable:
    """Every measure of one person over F frames.

    Attributes
    ----------
    times_s : (F,) seconds from the start of the source.
    frame_index : (F,) index of each frame in the source.
    person : the person slot these measures belong to.
    measures : name -> Measure, in column order: each plain name followed by
        its ``_2d`` and ``_3d`` variants, then the silhouette measures.
    raw : the same names computed from landmarks that were swap-corrected but
        not gap-filled or low-pass filtered.
    chosen : plain name -> "2d"/"3d": the variant that filled it.
    why : plain name -> one line saying why that variant was chosen.
    view : per-frame view estimate (filtered landmarks).
    view_summary : the view over the clip.
    n_frames_swap_corrected : frames whose left/right labels were swapped back.
    options : the :class:`~posturecheck.measures.pipeline.MeasureOptions` the
        table was computed with (the user's cut-off, camera roll, height...),
        so measures made again from other landmarks (another person slot, the
        slots of a tracked series) use the same options, never the defaults.
    notes : lines describing the processing (filtering, camera roll, height).
    hip_neutral : the person's own hip neutral that ``hip_flexion_neutral_<side>``
        is measured from (:mod:`posturecheck.measures.neutral`); None when not computed.
    camera_tilt : the camera roll and pitch the measures used and where they
        came from (:mod:`posturecheck.measures.pitch`); None when not computed.
    """

    times_s: np.ndarray
    frame_index: np.ndarray
    person: int
    measures: dict[str, Measure]
    raw: dict[str, Measure]
    chosen: dict[str, str]
    why: dict[str, str]
    view: ViewEstimate
    view_summary: ViewSummary
    n_frames_swap_corrected: int
    options: MeasureOptions
    notes: tuple[str, ...] = field(default=())
    hip_neutral: HipNeutral | None = None
    camera_tilt: TiltUsed | None = None

    @property
    def n_frames(self) -> int:
        """Number of frames F."""
        return int(self.times_s.shape[0])

    @property
    def fraction_valid(self) -> dict[str, float]:
        """Measure name -> share of frames that are valid."""
        return {name: m.fraction_valid for name, m in self.measures.items()}

    def columns(self, include_raw: bool = False) -> list[str]:
        """CSV column names in order (see the module notes)."""
        names = ["time_s", "frame", "person"]
        for name in self.measures:
            names += [name, f"{name}_valid", f"{name}_reason"]
            if include_raw:
                names.append(f"{name}_raw")
        return names

    def to_rows(self, include_raw: bool = False) -> list[dict[str, object]]:
        """One dict per frame, keyed by :meth:`columns`.

        Values are floats (NaN where not computed), validity flags 0/1 ints,
        reasons strings. With ``include_raw`` each measure also has a
        ``<name>_raw`` column with the unfiltered value.
        """
        columns = self.columns(include_raw)
        return [dict(zip(columns, row, strict=True)) for row in self.iter_rows(include_raw)]

    def iter_rows(self, include_raw: bool = False) -> Iterator[list[object]]:
        """The rows of :meth:`to_rows` one at a time, as lists in :meth:`columns` order.

        Nothing is built for the whole table, so writing a long clip's
        measures costs no memory beyond the table itself.
        """
        arrays: list[np.ndarray] = []
        for name, m in self.measures.items():
            arrays += [m.values, m.valid, m.reason]
            if include_raw:
                arrays.append(self.raw[name].values)
        kinds = [array.dtype.kind for array in arrays]
        for i in range(self.n_frames):
            row: list[object] = [float(self.times_s[i]), int(self.frame_index[i]), self.person]
            for array, kind in zip(arrays, kinds, strict=True):
                value = array[i]
                row.append(float(value) if kind == "f" else int(value) if kind == "b" else str(value))
            yield row

    def write_csv(self, path: str | Path, include_raw: bool = False) -> Path:
        """Write this table as CSV (module notes); returns the path."""
        return write_csv([self], path, include_raw=include_raw)


def _cell(value: object) -> object:
    if isinstance(value, float):
        return "" if not np.isfinite(value) else f"{value:.3f}"
    return value


def write_csv(tables: Sequence[MeasureTable], path: str | Path, include_raw: bool = False) -> Path:
    """Write several people's tables into one CSV file, rows ordered by table then frame.

    The columns are the union of the tables' columns, in order of first
    appearance; a measure one table lacks is left empty in its rows.
    Rows are written as they are made (:meth:`MeasureTable.iter_rows`), so
    memory does not grow with the clip. Returns the path.
    """
    path = Path(path)
    columns: list[str] = []
    for table in tables:
        columns += [c for c in table.columns(include_raw) if c not in columns]
    position = {column: index for index, column in enumerate(columns)}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for table in tables:
            places = [position[column] for column in table.columns(include_raw)]
            for row in table.iter_rows(include_raw):
                line: list[object] = [""] * len(columns)
                for place, value in zip(places, row, strict=True):
                    line[place] = _cell(value)
                writer.writerow(line)
    return path
