"""Summaries of a :class:`MeasureTable`: what a report or the summary JSON shows.

Every figure is computed over valid frames only and travels with the share
of frames it rests on, the variant (2D/3D) it came from and why.

:class:`PersonSummary` (one person) and :class:`MeasureSummary` (one measure)
are the per-person part of an analysis summary
(:class:`posturecheck.summary_schema.AnalysisSummary`); ``to_dict`` writes
the summary JSON's layout and ``from_dict`` reads it back, from this layout
and from the one written before the summary had a schema version (no
``expected_error_deg``, ``interval_95``, ``hip_neutral`` or ``camera_tilt``:
they read as ``None``). A malformed entry raises ``KeyError``,
``TypeError`` or ``ValueError``; the summary's reader turns those into one
line naming the file.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from posturecheck.measures.catalogue import HIP_FLEXION, KEY_MEASURES, SIDES
from posturecheck.measures.expected_error import expected_error
from posturecheck.measures.missed_extremes import capped_confidence, missed_extremes
from posturecheck.measures.neutral import HipNeutral
from posturecheck.measures.rom import find_repetitions, range_of_motion, symmetry_index
from posturecheck.measures.table import Measure, MeasureTable
from posturecheck.measures.uncertainty import Interval95, interval_95, measurement_half_width

# Below this share of valid frames a figure is shown as low confidence.
LOW_CONFIDENCE_FRACTION = 0.5
# Above this expected error (mean absolute, degrees, measured against a reference for the figure's
# kind of measure, view and camera-roll knowledge: measures/expected_error.py) a figure is shown as
# low confidence: "high" promises a value within about 10 deg, as the validity limits do.
CONFIDENT_MAE_DEG = 7.0
# A figure whose 95 % interval is wider than this (degrees) is low confidence too: the half-width an
# error of CONFIDENT_MAE_DEG gives (about 17.2 deg). It matters where the interval also holds the
# spread between a few strides or repetitions, which can be far wider than the view's error.
CONFIDENT_HALF_WIDTH_DEG = measurement_half_width(CONFIDENT_MAE_DEG)


def _finite(value: float | None, digits: int = 2) -> float | None:
    """JSON-safe rounding: NaN and None become None."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def confidence_label(fraction_valid: float, expected_mae_deg: float | None) -> str:
    """ "high", "low" or "none" for a measured figure, from its valid share and its measured error.

    "none" when no frame is valid; "high" only when at least
    :data:`LOW_CONFIDENCE_FRACTION` of the frames are valid **and** an error
    was measured against a reference for the case (``expected_mae_deg``,
    degrees, :mod:`posturecheck.measures.expected_error`) and is at most
    :data:`CONFIDENT_MAE_DEG`; "low" otherwise. ``None`` = no error was
    measured for that kind of figure at that view (a side view, a figure in
    % or cm): a figure nobody has checked is never "high", however many
    frames it rests on.
    """
    if fraction_valid <= 0:
        return "none"
    if expected_mae_deg is None or expected_mae_deg > CONFIDENT_MAE_DEG:
        return "low"
    return "high" if fraction_valid >= LOW_CONFIDENCE_FRACTION else "low"


def tracking_label(fraction_seen: float) -> str:
    """ "high", "low" or "none" for a figure that is not a measurement (time in view, a count).

    Such a figure (how long a person was seen, how many holds) has no
    reference error; its label says only whether the person was tracked in
    at least :data:`LOW_CONFIDENCE_FRACTION` of the frames that count.
    """
    if fraction_seen <= 0:
        return "none"
    return "high" if fraction_seen >= LOW_CONFIDENCE_FRACTION else "low"


Statistic = Literal["median", "max", "min", "range"]


@dataclass(frozen=True)
class MeasureSummary:
    """One measure of one person over the clip, valid frames only (:func:`summarize_measure`).

    Attributes
    ----------
    unit : ``"deg"``, ``"%"`` or ``"cm"``.
    method : the variant that filled the measure (``"2d"``, ``"3d"``, ``"silhouette"``).
    fraction_valid : share (0..1) of all frames with a valid value.
    fraction_valid_in_view : the same over the frames the person was in view.
    confidence : ``"high"``, ``"low"`` or ``"none"`` (:func:`confidence_label`).
    expected_error_deg : mean absolute error measured on real footage for
        this case, degrees; None where none was measured.
    interval_95 : the 95 % interval of the figures; None where none was measured.
    median, max, min, range : the statistics, in ``unit``; None without a valid frame.
    max_time_s, min_time_s : when the maximum and minimum were held, seconds.
    main_reason_invalid : the commonest reason a frame was not valid ("" if none).
    max_missed, min_missed : what frames left out only for the view held
        beyond ``max`` (``min``) by more than
        :data:`~posturecheck.measures.missed_extremes.MISSED_MARGIN_DEG`, in
        ``unit``: the movement went further than the valid frames show, so
        the figure is low confidence; None when nothing was missed
        (:func:`~posturecheck.measures.missed_extremes.missed_extremes`).
    """

    unit: str
    method: str
    fraction_valid: float
    fraction_valid_in_view: float
    confidence: str
    expected_error_deg: float | None
    interval_95: Interval95 | None
    median: float | None
    max: float | None
    max_time_s: float | None
    min: float | None
    min_time_s: float | None
    range: float | None
    main_reason_invalid: str
    max_missed: float | None = None
    min_missed: float | None = None

    def statistic(self, name: Statistic) -> float | None:
        """The figure called ``name`` (a catalogue headline: ``"median"``, ``"max"``...)."""
        return {"median": self.median, "max": self.max, "min": self.min, "range": self.range}[name]

    def to_dict(self) -> dict[str, Any]:
        """The summary JSON's entry for the measure."""
        data = asdict(self)
        data["interval_95"] = self.interval_95.to_dict() if self.interval_95 is not None else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MeasureSummary:
        """Read :meth:`to_dict`'s form, or an older one without the expected error and interval."""
        return cls(
            unit=str(data["unit"]),
            method=str(data["method"]),
            fraction_valid=float(data["fraction_valid"]),
            fraction_valid_in_view=float(data.get("fraction_valid_in_view", data["fraction_valid"])),
            confidence=str(data["confidence"]),
            expected_error_deg=_optional_number(data.get("expected_error_deg")),
            interval_95=Interval95.from_dict(data.get("interval_95")),
            median=_optional_number(data.get("median")),
            max=_optional_number(data.get("max")),
            max_time_s=_optional_number(data.get("max_time_s")),
            min=_optional_number(data.get("min")),
            min_time_s=_optional_number(data.get("min_time_s")),
            range=_optional_number(data.get("range")),
            main_reason_invalid=str(data.get("main_reason_invalid") or ""),
            max_missed=_optional_number(data.get("max_missed")),
            min_missed=_optional_number(data.get("min_missed")),
        )


def _optional_number(value: Any) -> float | None:
    """A JSON number as float; None stays None (a string or list is malformed: ``TypeError``)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class PersonView:
    """From where the camera saw one person over the clip (:class:`~posturecheck.measures.view.ViewSummary`).

    Attributes
    ----------
    label : ``"side"``, ``"front"``, ``"back"``, ``"oblique"`` or ``"unknown"``.
    fractions : share (0..1) of the frames in each view.
    median_degrees_from_side : median angle of the view from a side view, degrees; None if unknown.
    facing : ``"image right"``, ``"image left"`` or ``"unknown"``.
    yaw_from : what the view was read from (``"3d"``...).
    """

    label: str
    fractions: dict[str, float]
    median_degrees_from_side: float | None
    facing: str
    yaw_from: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PersonView:
        """Read the summary JSON's ``view`` entry."""
        return cls(
            label=str(data.get("label", "unknown")),
            fractions={str(k): float(v) for k, v in (data.get("fractions") or {}).items()},
            median_degrees_from_side=_optional_number(data.get("median_degrees_from_side")),
            facing=str(data.get("facing", "unknown")),
            yaw_from=str(data.get("yaw_from", "")),
        )


@dataclass(frozen=True)
class RepetitionSummary:
    """One hip-flexion repetition (:class:`~posturecheck.measures.rom.Repetition`), times in seconds."""

    start_s: float | None
    peak_s: float | None
    end_s: float | None
    peak_frame: float | None
    peak_deg: float | None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RepetitionSummary:
        """Read one entry of the summary JSON's ``hip_flexion_repetitions``."""
        return cls(**{key: _optional_number(data.get(key)) for key in _REPETITION_KEYS})


_REPETITION_KEYS = ("start_s", "peak_s", "end_s", "peak_frame", "peak_deg")


@dataclass(frozen=True)
class PersonSummary:
    """The summary of one person's measures (:func:`summarize_table`).

    Attributes
    ----------
    person : the person's number, from 1 (tracker slot + 1).
    view : from where the camera saw them.
    variant_used, why_variant : per plain measure name, the variant (2D/3D)
        that filled it and why.
    frames_swap_corrected : frames whose left/right labels were swapped back.
    notes : processing notes, one line each.
    measures : per measure name, its summary.
    hip_flexion_repetitions : per side (``"left"``, ``"right"``), the repetitions found.
    hip_flexion_symmetry_index_pct : left-right symmetry index of peak hip
        flexion, % (0 = symmetric); None without both peaks.
    hip_neutral : the person's own hip neutral; None when not made.
    camera_tilt : the camera roll and pitch the measures used, in
        :meth:`~posturecheck.measures.pitch.TiltUsed.to_dict`'s JSON form; None when not recorded.
    """

    person: int
    view: PersonView
    variant_used: dict[str, str] = field(default_factory=dict)
    why_variant: dict[str, str] = field(default_factory=dict)
    frames_swap_corrected: int = 0
    notes: tuple[str, ...] = ()
    measures: dict[str, MeasureSummary] = field(default_factory=dict)
    hip_flexion_repetitions: dict[str, tuple[RepetitionSummary, ...]] = field(default_factory=dict)
    hip_flexion_symmetry_index_pct: float | None = None
    hip_neutral: HipNeutral | None = None
    camera_tilt: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The summary JSON's entry for the person (one item of its ``measures`` list)."""
        return {
            "person": self.person,
            "view": asdict(self.view),
            "variant_used": dict(self.variant_used),
            "why_variant": dict(self.why_variant),
            "frames_swap_corrected": self.frames_swap_corrected,
            "notes": list(self.notes),
            "measures": {name: item.to_dict() for name, item in self.measures.items()},
            "hip_flexion_repetitions": {
                side: [asdict(rep) for rep in found] for side, found in self.hip_flexion_repetitions.items()
            },
            "hip_flexion_symmetry_index_pct": self.hip_flexion_symmetry_index_pct,
            "hip_neutral": self.hip_neutral.to_dict() if self.hip_neutral is not None else None,
            "camera_tilt": self.camera_tilt,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PersonSummary:
        """Read :meth:`to_dict`'s form, or an older one without the hip neutral and camera tilt."""
        neutral = data.get("hip_neutral")
        tilt = data.get("camera_tilt")
        return cls(
            person=int(data["person"]),
            view=PersonView.from_dict(data.get("view") or {}),
            variant_used={str(k): str(v) for k, v in (data.get("variant_used") or {}).items()},
            why_variant={str(k): str(v) for k, v in (data.get("why_variant") or {}).items()},
            frames_swap_corrected=int(data.get("frames_swap_corrected") or 0),
            notes=tuple(str(note) for note in data.get("notes") or ()),
            measures={str(k): MeasureSummary.from_dict(v) for k, v in (data.get("measures") or {}).items()},
            hip_flexion_repetitions={
                str(side): tuple(RepetitionSummary.from_dict(rep) for rep in found)
                for side, found in (data.get("hip_flexion_repetitions") or {}).items()
            },
            hip_flexion_symmetry_index_pct=_optional_number(data.get("hip_flexion_symmetry_index_pct")),
            hip_neutral=HipNeutral.from_dict(neutral) if isinstance(neutral, Mapping) else None,
            camera_tilt=dict(tilt) if isinstance(tilt, Mapping) else None,
        )


def summarize_measure(
    measure: Measure, table: MeasureTable, in_view: np.ndarray | None = None, roll_known: bool | None = None
) -> MeasureSummary:
    """Range of motion, median and validity of one measure (valid frames only).

    ``fraction_valid`` is over all frames; ``fraction_valid_in_view`` over the
    frames where the person was in view (``in_view``, (F,) bool), and the
    confidence label rests on the latter (frames without the person say
    nothing about how well the view supports the measure) and on
    ``expected_error_deg``: the mean absolute error measured on real footage
    for this kind of measure and variant at the median view of the valid
    frames, with the camera roll known or not (``roll_known``; None = not
    said, read as known), None where that footage has no figure
    (:func:`posturecheck.measures.expected_error.expected_error`).
    ``interval_95``: the 95 % interval of the figures from that error, in
    degrees (:mod:`posturecheck.measures.uncertainty`), None where none was
    measured.
    ``main_reason_invalid``: the commonest reason line among the invalid
    frames in view (all invalid frames if none was in view); ties go to the
    line seen first.
    ``max_missed``, ``min_missed``: readings beyond the extremes in frames
    left out only for the view (:mod:`posturecheck.measures.missed_extremes`,
    angles only); either makes the confidence "low".
    """
    # A Measure makes its arrays afresh on each access: read each once.
    all_values, valid, reason = measure.values, measure.valid, measure.reason
    rom = range_of_motion(all_values, valid, table.times_s, table.frame_index)
    in_view_fraction = (
        float(valid[in_view].mean()) if in_view is not None and in_view.any() else (measure.fraction_valid)
    )
    values = all_values[valid]
    views = table.view.off_side_deg[valid]
    views = views[np.isfinite(views)]
    band = expected_error(
        measure.name, measure.method, float(np.median(views)) if views.size else math.nan, roll_known
    )
    expected = band.mae_deg if band is not None else None
    interval = interval_95(band)
    # The commonest reason among the invalid frames the person was in view (all invalid frames when
    # they never were); a tie goes to the reason seen first, so the same input words it the same way.
    invalid = ~valid
    if in_view is not None and (invalid & in_view).any():
        invalid &= in_view
    reasons = [r for r in reason[invalid] if r]
    common_reason = Counter(reasons).most_common(1)[0][0] if reasons else ""
    missed = (
        missed_extremes(all_values, valid, reason, table.times_s) if measure.unit == "deg" else (None, None)
    )
    confidence = capped_confidence(confidence_label(in_view_fraction, expected), missed)
    return MeasureSummary(
        unit=measure.unit,
        method=measure.method,
        fraction_valid=round(measure.fraction_valid, 3),
        fraction_valid_in_view=round(in_view_fraction, 3),
        confidence=confidence,
        expected_error_deg=expected,
        interval_95=interval,
        median=_finite(float(np.median(values)) if values.size else None),
        max=_finite(rom.max_deg),
        max_time_s=_finite(rom.max_time_s, 3),
        min=_finite(rom.min_deg),
        min_time_s=_finite(rom.min_time_s, 3),
        range=_finite(rom.range_deg),
        main_reason_invalid=common_reason,
        max_missed=_finite(missed[0]),
        min_missed=_finite(missed[1]),
    )


def summarize_table(
    table: MeasureTable,
    in_view: np.ndarray | None = None,
    names: tuple[str, ...] = KEY_MEASURES,
    roll_known: bool | None = None,
) -> PersonSummary:
    """The summary of one person's measures.

    Includes the view over the clip, which variant filled each plain name and
    why, swap corrections, processing notes, per-measure summaries (see
    :func:`summarize_measure` for ``in_view``), hip
    flexion repetitions per side and the left-right symmetry index of peak
    hip flexion (Robinson et al. 1987; 0 = symmetric). ``roll_known``: was
    the camera roll given or estimated (see :func:`summarize_measure`).
    """
    measures = {
        name: summarize_measure(table.measures[name], table, in_view, roll_known)
        for name in names
        if name in table.measures
    }
    repetitions: dict[str, tuple[RepetitionSummary, ...]] = {}
    for side in SIDES:
        hip = table.measures.get(HIP_FLEXION.of(side))
        if hip is not None:
            found = find_repetitions(hip.values, hip.valid, table.times_s, table.frame_index)
            repetitions[side] = tuple(
                RepetitionSummary(**{k: _finite(v, 3) for k, v in asdict(rep).items()}) for rep in found
            )
    left, right = (measures.get(name) for name in HIP_FLEXION.names)
    peak_left = left.max if left is not None else None
    peak_right = right.max if right is not None else None
    symmetry = (
        symmetry_index(peak_left, peak_right) if peak_left is not None and peak_right is not None else None
    )
    view = table.view_summary
    return PersonSummary(
        person=table.person + 1,
        view=PersonView(
            label=view.label,
            fractions={k: round(v, 3) for k, v in view.fractions.items()},
            median_degrees_from_side=_finite(view.median_off_side_deg, 1),
            facing={1: "image right", -1: "image left"}.get(view.facing, "unknown"),
            yaw_from=view.yaw_source,
        ),
        variant_used=dict(table.chosen),
        why_variant=dict(table.why),
        frames_swap_corrected=table.n_frames_swap_corrected,
        notes=tuple(table.notes),
        measures=measures,
        hip_flexion_repetitions=repetitions,
        hip_flexion_symmetry_index_pct=_finite(symmetry, 1),
        # As written (offset to 0.01 deg), so the summary read back from its file equals this one.
        hip_neutral=HipNeutral.from_dict(table.hip_neutral.to_dict()) if table.hip_neutral else None,
        camera_tilt=table.camera_tilt.to_dict() if table.camera_tilt is not None else None,
    )
