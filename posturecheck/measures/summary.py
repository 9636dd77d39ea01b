"""Summaries of a :class:`MeasureTable`: what a report or the summary JSON shows.

Every figure is computed over valid frames only and travels with the share
of frames it rests on, the variant (2D/3D) it came from and why.
"""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np

from posturecheck.measures.rom import find_repetitions, range_of_motion, symmetry_index
from posturecheck.measures.table import Measure, MeasureTable

# Measures summarised by default: the plain names the CSV carries.
KEY_MEASURES = (
    "hip_flexion_left",
    "hip_flexion_right",
    "knee_flexion_left",
    "knee_flexion_right",
    "thigh_inclination_left",
    "thigh_inclination_right",
    "trunk_inclination",
    "pelvic_obliquity",
    "shoulder_tilt",
    "trunk_lateral_lean",
    "lateral_trunk_shift",
    "craniovertebral_angle_proxy",
    "plumb_offset_ear",
    "plumb_offset_shoulder",
    "plumb_offset_hip",
    "plumb_offset_knee",
    "lumbar_lordosis_index",
    "lumbar_curve_angle",
)

# Below this share of valid frames a figure is shown as low confidence.
LOW_CONFIDENCE_FRACTION = 0.5


def _finite(value: float | None, digits: int = 2) -> float | None:
    """JSON-safe rounding: NaN and None become None."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def confidence_label(fraction_valid: float) -> str:
    """ "high", "low" or "none" from the share of valid frames a figure rests on."""
    if fraction_valid <= 0:
        return "none"
    return "high" if fraction_valid >= LOW_CONFIDENCE_FRACTION else "low"


def summarize_measure(measure: Measure, table: MeasureTable, in_view: np.ndarray | None = None) -> dict:
    """Range of motion, median and validity of one measure (valid frames only).

    ``fraction_valid`` is over all frames; ``fraction_valid_in_view`` over the
    frames where the person was in view (``in_view``, (F,) bool), and the
    confidence label rests on the latter: frames without the person say
    nothing about how well the view supports the measure.
    """
    rom = range_of_motion(measure.values, measure.valid, table.times_s, table.frame_index)
    in_view_fraction = (
        float(measure.valid[in_view].mean())
        if in_view is not None and in_view.any()
        else (measure.fraction_valid)
    )
    values = measure.values[measure.valid]
    reasons = [r for r in measure.reason[~measure.valid] if r]
    common_reason = max(set(reasons), key=reasons.count) if reasons else ""
    return {
        "unit": measure.unit,
        "method": measure.method,
        "fraction_valid": round(measure.fraction_valid, 3),
        "fraction_valid_in_view": round(in_view_fraction, 3),
        "confidence": confidence_label(in_view_fraction),
        "median": _finite(float(np.median(values)) if values.size else None),
        "max": _finite(rom.max_deg),
        "max_time_s": _finite(rom.max_time_s, 3),
        "min": _finite(rom.min_deg),
        "min_time_s": _finite(rom.min_time_s, 3),
        "range": _finite(rom.range_deg),
        "main_reason_invalid": common_reason,
    }


def summarize_table(
    table: MeasureTable, in_view: np.ndarray | None = None, names: tuple[str, ...] = KEY_MEASURES
) -> dict:
    """The summary of one person's measures, JSON-ready.

    Includes the view over the clip, which variant filled each plain name and
    why, swap corrections, processing notes, per-measure summaries (see
    :func:`summarize_measure` for ``in_view``), hip
    flexion repetitions per side and the left-right symmetry index of peak
    hip flexion (Robinson et al. 1987; 0 = symmetric).
    """
    measures = {
        name: summarize_measure(table.measures[name], table, in_view)
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
