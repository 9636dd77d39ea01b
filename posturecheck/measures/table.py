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


class Measure:
    """One measure over F frames.

    Attributes
    ----------
    name : column name, e.g. ``"hip_flexion_left"`` or ``"hip_flexion_left_2d"``.
    values : (F,) float64, NaN where not computed.
    valid : (F,) bool, True where the value can be trusted (finite, landmarks
        seen, view suitable).
    reason : (F,) object array of str, why a frame is not valid; ``""`` where valid.
    unit : "deg", "%" or "cm".
    method : "2d" (image landmarks), "3d" (world landmarks) or
        "silhouette" (segmentation mask).

    Storage
    -------
    ``values``, ``valid`` and ``reason`` are made afresh on each access from
    a compact form, so a long clip's tables do not grow with the frames a
    person was not seen in: only the frames between the first and last that
    differ from their neighbours at the clip's ends are kept (the frames
    before and after repeat the first and last kept frame: for a person of a
    tracked series, "no person detected"); within those, a run of at least
    :data:`MIN_GAP_FRAMES` frames identical to the first kept frame (bit for
    bit, any NaN as any other: a person who left and came back) is not
    stored either; and each reason is a small code into the measure's
    distinct lines. Read each array once where a loop needs it, not once
    per frame.
    """

    __slots__ = (
        "name",
        "unit",
        "method",
        "_n",
        "_start",
        "_span",
        "_runs",
        "_values",
        "_valid",
        "_codes",
        "_lines",
    )

    name: str
    unit: str
    method: str

    def __init__(
        self, name: str, values: np.ndarray, valid: np.ndarray, reason: np.ndarray, unit: str, method: str
    ) -> None:
        n = np.shape(values)
        if np.shape(valid) != n or np.shape(reason) != n or len(n) != 1:
            raise ValueError(f"measure {name}: values, valid and reason must be (F,) arrays of one length")
        if unit not in UNITS or method not in METHODS:
            raise ValueError(f"measure {name}: unit {unit!r} or method {method!r} unknown")
        # Sorted as Python strings (an object array): a fixed-width str array would cost 4 bytes per
        # character of the longest line, per frame.
        lines, codes = np.unique(np.asarray(reason, dtype=object), return_inverse=True)
        self._store(name, np.asarray(values, dtype=np.float64), np.asarray(valid, dtype=bool), codes, lines)
        self.unit, self.method = unit, method

    def _store(
        self, name: str, values: np.ndarray, valid: np.ndarray, codes: np.ndarray, lines: np.ndarray
    ) -> None:
        """Keep the compact form of ``values``, ``valid`` and reasons ``lines[codes]`` (``lines`` sorted)."""
        codes = codes.reshape(-1)
        n = np.shape(values)
        start, stop = _kept_span(values, valid, codes)
        self.name = name
        self._n, self._start, self._span = int(n[0]), start, stop - start
        stored = _stored_runs(values[start:stop], valid[start:stop], codes[start:stop])
        # (k, 3): each stored run's first and end frame within the span and where it starts in the store;
        # None: every frame of the span is stored.
        self._runs: np.ndarray | None = stored
        keep = slice(start, stop) if stored is None else _run_frames(stored, start)
        self._values = values[keep].copy()
        self._valid = valid[keep].copy()
        self._codes = codes[keep].astype(np.uint16 if len(lines) <= 1 << 16 else np.uint32)
        self._lines: np.ndarray = np.array([str(line) for line in lines] + [""], dtype=object)

    def frames(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``values``, ``valid`` and ``reason`` of frames ``start`` to ``stop`` (exclusive) only."""
        if not 0 <= start <= stop <= self._n:
            raise ValueError(f"measure {self.name}: frames {start}-{stop} are not within its {self._n}")
        where = self._stored(start, stop)
        return self._values[where], self._valid[where], self._lines[self._codes[where]]

    def _stored(self, start: int, stop: int) -> np.ndarray:
        """Where in the store frames ``start`` to ``stop`` (exclusive) are read from."""
        where = np.clip(np.arange(start, stop) - self._start, 0, max(self._span - 1, 0))
        if self._runs is None:
            return where
        run = np.searchsorted(self._runs[:, 0], where, side="right") - 1
        inside = (run >= 0) & (where < self._runs[np.maximum(run, 0), 1])
        # A frame in no stored run is one of a left-out run: the first kept frame's twin.
        return np.where(
            inside, self._runs[np.maximum(run, 0), 2] + where - self._runs[np.maximum(run, 0), 0], 0
        )

    def _full(self, kept: np.ndarray) -> np.ndarray:
        """(F,) array of ``kept`` (the stored frames) with the ends repeated out to the clip's."""
        if self._runs is not None:
            return kept[self._stored(0, self._n)]
        if kept.size == self._n:
            return kept.copy()
        stop = self._start + kept.size
        out = np.empty(self._n, dtype=kept.dtype)
        out[self._start : stop] = kept
        if kept.size:
            out[: self._start] = kept[0]
            out[stop:] = kept[-1]
        return out

    @property
    def values(self) -> np.ndarray:
        """(F,) float64, NaN where not computed (a new array on each access)."""
        return self._full(self._values)

    @property
    def valid(self) -> np.ndarray:
        """(F,) bool, where the value can be trusted (a new array on each access)."""
        return self._full(self._valid)

    @property
    def reason(self) -> np.ndarray:
        """(F,) object array of str, why a frame is not valid, ``""`` where valid (a new array each time)."""
        return self._lines[self._full(self._codes)]

    @property
    def n_frames(self) -> int:
        """Number of frames F."""
        return self._n

    @property
    def fraction_valid(self) -> float:
        """Share of frames that are valid (0 for an empty measure)."""
        return float(self.valid.mean()) if self._n else 0.0

    def taken(self, index: np.ndarray) -> Measure:
        """A measure whose frame ``i`` is this one's frame ``index[i]`` (any frames, repeats allowed)."""
        codes = self._full(self._codes)[index]
        used, codes = np.unique(codes, return_inverse=True)
        twin = object.__new__(Measure)
        twin._store(self.name, self.values[index], self.valid[index], codes, self._lines[used])
        twin.unit, twin.method = self.unit, self.method
        return twin

    def renamed(self, name: str) -> Measure:
        """The same measure under another name (sharing its arrays)."""
        twin = object.__new__(Measure)
        for slot in Measure.__slots__:
            object.__setattr__(twin, slot, getattr(self, slot))
        twin.name = name
        return twin

    def padded(self, start: int, n_frames: int) -> Measure:
        """This measure as frames ``start`` onwards of ``n_frames``; the frames before and after
        repeat its first and last frame (sharing its arrays).

        For a measure computed over the frames of one person and one absent
        frame each side (:func:`~posturecheck.measures.pipeline.compute_measures`):
        every frame outside reads like that absent frame.
        """
        if start < 0 or start + self._n > n_frames:
            raise ValueError(f"measure {self.name}: {self._n} frames from {start} do not fit in {n_frames}")
        twin = self.renamed(self.name)
        # The stored first and last frames are also the measure's own first and last frames' values.
        twin._start, twin._n = self._start + start, n_frames
        return twin


# Shortest run of frames identical to a measure's first kept frame that is left out of its store
# (each left-out run costs a row of run bounds, 24 bytes).
MIN_GAP_FRAMES = 16


def _stored_runs(values: np.ndarray, valid: np.ndarray, codes: np.ndarray) -> np.ndarray | None:
    """The runs of a measure's kept span to store, as (first, end, store offset) rows: every frame
    but runs of at least :data:`MIN_GAP_FRAMES` frames identical to the first (bit for bit, any
    NaN as any other; the first and last frame are always stored); ``None`` when there is no such run."""
    n = values.size
    if n < MIN_GAP_FRAMES + 2:
        return None
    bits, nan = values.view(np.int64), np.isnan(values)
    # Bit for bit (-0.0 and 0.0 are written differently), any NaN as any other.
    twin = ((bits == bits[0]) | (nan & nan[0])) & (valid == valid[0]) & (codes == codes[0])
    twin[0] = twin[-1] = False
    edges = np.diff(np.concatenate(([0], twin.astype(np.int8), [0])))
    gap_starts, gap_stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long = gap_stops - gap_starts >= MIN_GAP_FRAMES
    if not long.any():
        return None
    gap_starts, gap_stops = gap_starts[long], gap_stops[long]
    starts = np.concatenate(([0], gap_stops))
    stops = np.concatenate((gap_starts, [n]))
    offsets = np.concatenate(([0], np.cumsum(stops - starts)[:-1]))
    return np.stack([starts, stops, offsets], axis=1).astype(np.int64)


def _run_frames(runs: np.ndarray, start: int) -> np.ndarray:
    """The frames of the stored ``runs`` (rows of :func:`_stored_runs`), from a span starting at ``start``."""
    return np.concatenate([np.arange(first, end) for first, end, _ in runs.tolist()]) + start


def _kept_span(values: np.ndarray, valid: np.ndarray, codes: np.ndarray) -> tuple[int, int]:
    """(start, stop) of the frames to keep: all but the runs at each end that repeat the end frame,
    whose first (last) frame is kept to stand for the run."""
    n = values.size
    if n < 3:
        return 0, n
    nan = np.isnan(values)
    bits = values.view(np.int64)

    def same_as(i: int) -> np.ndarray:
        # Bit for bit (-0.0 and 0.0 are written differently), any NaN as any other.
        value_same = (bits == bits[i]) | (nan & nan[i])
        return np.asarray(value_same & (valid == valid[i]) & (codes == codes[i]))

    lead = same_as(0)
    if lead.all():
        return 0, 1
    last_differing = n - 1 - int(np.argmin(same_as(n - 1)[::-1]))
    return int(np.argmin(lead)) - 1, last_differing + 2


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

        Only a block of frames is made at a time (each measure's arrays are
        kept compact: :class:`Measure`), so writing a long clip's measures
        costs no memory beyond the table itself.
        """
        block = 1024
        for first in range(0, self.n_frames, block):
            stop = min(first + block, self.n_frames)
            columns: list[list[object]] = [
                self.times_s[first:stop].tolist(),
                self.frame_index[first:stop].tolist(),
                [self.person] * (stop - first),
            ]
            for name, m in self.measures.items():
                values, valid, reason = m.frames(first, stop)
                columns += [values.tolist(), valid.astype(np.int8).tolist(), reason.tolist()]
                if include_raw:
                    columns.append(self.raw[name].frames(first, stop)[0].tolist())
            for row in zip(*columns, strict=True):
                yield [float(row[0]), int(row[1]), *row[2:]]

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
