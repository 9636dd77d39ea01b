"""Summaries of a :class:`MeasureTable`: what a report or the summary JSON shows.

Every figure is computed over valid frames only and travels with the share
of frames it rests on, the variant (2D/3D) it came from and why.
"""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np

from posturecheck.measures.catalogue import KEY_MEASURES
from posturecheck.measures.expected_error import expected_error
from posturecheck.measures.rom import find_repetitions, range_of_motion, symmetry_index
from posturecheck.measures.table import Measure, MeasureTable
from posturecheck.measures.uncertainty import interval_95

# Below this share of valid frames a figure is shown as low confidence.
LOW_CONFIDENCE_FRACTION = 0.5
# Above this expected error (mean absolute, degrees, measured on real multi-camera footage for the
# figure's kind of measure, view and camera-roll knowledge: measures/expected_error.py) a figure is
# shown as low confidence: "high" promises a value within about 10 deg, as the validity limits do.
CONFIDENT_MAE_DEG = 7.0


def _finite(value: float | None, digits: int = 2) -> float | None:
    """JSON-safe rounding: NaN and None become None."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def confidence_label(fraction_valid: float, expected_mae_deg: float | None = None) -> str:
    """ "high", "low" or "none" from the share of valid frames and, where measured, the expected error.

    "none" when no frame is valid; "low" when under
    :data:`LOW_CONFIDENCE_FRACTION` of the frames are valid or the expected
    error (degrees, :mod:`posturecheck.measures.expected_error`) is over
    :data:`CONFIDENT_MAE_DEG`; "high" otherwise. ``None`` = no measured
    error for that case: the share alone decides.
    """
    if fraction_valid <= 0:
        return "none"
    if expected_mae_deg is not None and expected_mae_deg > CONFIDENT_MAE_DEG:
        return "low"
    return "high" if fraction_valid >= LOW_CONFIDENCE_FRACTION else "low"


def summarize_measure(
    measure: Measure, table: MeasureTable, in_view: np.ndarray | None = None, roll_known: bool | None = None
) -> dict:
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
    """
    rom = range_of_motion(measure.values, measure.valid, table.times_s, table.frame_index)
    in_view_fraction = (
        float(measure.valid[in_view].mean())
        if in_view is not None and in_view.any()
        else (measure.fraction_valid)
    )
    values = measure.values[measure.valid]
    views = table.view.off_side_deg[measure.valid]
    views = views[np.isfinite(views)]
    band = expected_error(
        measure.name, measure.method, float(np.median(views)) if views.size else math.nan, roll_known
    )
    expected = band.mae_deg if band is not None else None
    interval = interval_95(band)
    reasons = [r for r in measure.reason[~measure.valid] if r]
    common_reason = max(set(reasons), key=reasons.count) if reasons else ""
    return {
        "unit": measure.unit,
        "method": measure.method,
        "fraction_valid": round(measure.fraction_valid, 3),
        "fraction_valid_in_view": round(in_view_fraction, 3),
        "confidence": confidence_label(in_view_fraction, expected),
        "expected_error_deg": expected,
        "interval_95": interval.to_dict() if interval is not None else None,
        "median": _finite(float(np.median(values)) if values.size else None),
        "max": _finite(rom.max_deg),
        "max_time_s": _finite(rom.max_time_s, 3),
        "min": _finite(rom.min_deg),
        "min_time_s": _finite(rom.min_time_s, 3),
        "range": _finite(rom.range_deg),
        "main_reason_invalid": common_reason,
    }


def summarize_table(
    table: MeasureTable,
    in_view: np.ndarray | None = None,
    names: tuple[str, ...] = KEY_MEASURES,
    roll_known: bool | None = None,
) -> dict:
    """The summary of one person's measures, JSON-ready.

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
    repetitions = {}
    for side in ("left", "right"):
        hip = table.measures.get(f"hip_flexion_{side}")
        if hip is not None:
            found = find_repetitions(hip.values, hip.valid, table.times_s, table.frame_index)
            repetitions[side] = [{k: _finite(v, 3) for k, v in asdict(rep).items()} for rep in found]
    peak_left = measures.get("hip_flexion_left", {}).get("max")
    peak_right = measures.get("hip_flexion_right", {}).get("max")
    symmetry = (
        symmetry_index(peak_left, peak_right) if peak_left is not None and peak_right is not None else None
    )
    view = table.view_summary
    return {
        "person": table.person + 1,
        "view": {
            "label": view.label,
            "fractions": {k: round(v, 3) for k, v in view.fractions.items()},
            "median_degrees_from_side": _finite(view.median_off_side_deg, 1),
            "facing": {1: "image right", -1: "image left"}.get(view.facing, "unknown"),
            "yaw_from": view.yaw_source,
        },
        "variant_used": dict(table.chosen),
        "why_variant": dict(table.why),
        "frames_swap_corrected": table.n_frames_swap_corrected,
        "notes": list(table.notes),
        "measures": measures,
        "hip_flexion_repetitions": repetitions,
        "hip_flexion_symmetry_index_pct": _finite(symmetry, 1),
        "hip_neutral": table.hip_neutral.to_dict() if table.hip_neutral is not None else None,
        "camera_tilt": table.camera_tilt.to_dict() if table.camera_tilt is not None else None,
    }
