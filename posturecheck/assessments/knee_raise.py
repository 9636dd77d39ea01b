"""knee-raise: standing active hip flexion, each side, repeated.

Repetitions are the peaks of each side's hip angle from the person's own
upright neutral (``hip_flexion_neutral_<side>``,
:mod:`posturecheck.measures.neutral`: the thigh-trunk angle with its zero
moved to the person's standing frames, as goniometric norms measure the
femur against the pelvis from upright) found by
:func:`posturecheck.measures.rom.find_repetitions` with a prominence of
:data:`MIN_RAISE_DEG`. Per side: the peak of every repetition, the best and
the mean, and the left-right symmetry index of the best raises
(:func:`posturecheck.measures.rom.symmetry_index`).

A raise starts and ends where ``find_repetitions`` says: the last (first)
valid frame before (after) the peak within 10 % of the rise above the low
point between it and the neighbouring raise, so a standing hip angle other
than zero is the resting level. Compensations are flagged per repetition by
comparing its start frame with its peak. The thresholds are this tool's
judgement (a few times the landmark uncertainty), not published cut-offs:

* **trunk leaning back**: trunk inclination at least
  :data:`TRUNK_LEAN_BACK_DEG` further back at the peak. Leaning back makes
  the thigh-trunk angle larger without more hip movement.
* **hip hiking**: pelvic obliquity changed by at least :data:`HIP_HIKE_DEG`
  toward the raised side (its hip rising). Pelvic obliquity needs a view at
  least ``frontal_3d_min_deg`` from the side and hip flexion one within
  ``sagittal_3d_max_deg`` (:class:`posturecheck.measures.view.ViewLimits`);
  on real footage no view holds both (docs/validation.md), so this is
  "not checked" unless the limits are widened.
* **pelvis rotating**: the pelvis (hip-to-hip line in world landmarks,
  horizontal part, camera taken as level) turned by at least
  :data:`PELVIS_ROTATION_DEG` about the vertical.

The person must stay in one place: the mid-hip's horizontal travel in the
image (:func:`hip_travel`, from its 5th to its 95th percentile over the
frames seen, in median trunk lengths) above :data:`MAX_TRAVEL_TRUNK` refuses
the footage, since hip flexion peaks of walking steps would otherwise count
as raises. One trunk length is about half a metre for an adult: more than
a knee raise or a turn on the spot moves the hips, less than two steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from posturecheck.assessments.base import Assessment
from posturecheck.assessments.figures import capped_confidence, confidence_of, error_band, tracking_confidence
from posturecheck.assessments.footage import (
    LIMITS,
    NO_PERSON,
    SIDE_VIEW_WORDS,
    check_clip,
    check_view,
    person_label,
    pick_person,
    seen_rows,
)
from posturecheck.assessments.points import PersonPoints, person_points
from posturecheck.assessments.result import AssessmentResult, Finding, NormalRange, finding
from posturecheck.landmarks import Landmark
from posturecheck.measures.catalogue import (
    HIP_FLEXION,
    HIP_FLEXION_NEUTRAL,
    PELVIC_OBLIQUITY,
    TRUNK_INCLINATION,
)
from posturecheck.measures.expected_error import KNEE_RAISE, movement_error
from posturecheck.measures.joint_angles import mid_hip
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.rom import Repetition, find_repetitions, symmetry_index
from posturecheck.measures.table import Measure, MeasureTable
from posturecheck.measures.uncertainty import interval_95
from posturecheck.pose.series import PeopleSeries

NAME = "knee-raise"
TITLE = "Standing knee raise (active hip flexion)"
WHAT = f"the {NAME} assessment"
TOPIC = "psoas-anatomy"
MIN_CLIP_S = 3.0
MIN_RAISE_DEG = 30.0
MIN_INTERVAL_S = 0.8
TRUNK_LEAN_BACK_DEG = 10.0
HIP_HIKE_DEG = 5.0
PELVIS_ROTATION_DEG = 15.0
# Trunk lengths (tool heuristic, module notes).
MAX_TRAVEL_TRUNK = 1.0
GRADED_ANGLE = "hip_flexion_neutral: thigh-trunk angle minus your own upright neutral"

ACTIVE_HIP_FLEXION = NormalRange(
    what="active hip flexion with the knee bent",
    low=120.0,
    source=(
        "about 120 deg: the American Academy of Orthopaedic Surgeons average as tabulated in Norkin and "
        "White, Measurement of Joint Motion: A Guide to Goniometry; measured lying on the back with a "
        "goniometer (femur against pelvis), so a standing raise read as the thigh-trunk angle is only "
        "roughly comparable"
    ),
)

_COMPENSATIONS = (
    ("trunk_lean_back", "raises with the trunk leaning back"),
    ("hip_hike", "raises with hip hiking"),
    ("pelvis_rotation", "raises with the pelvis rotating"),
)


def pelvis_yaw(world: np.ndarray) -> np.ndarray:
    """(F,) direction of the hip-to-hip line (24 -> 23) about the vertical, degrees, unwrapped over time.

    Only changes matter; the camera is taken as level. NaN where a hip is missing.
    """
    axis = world[:, Landmark.LEFT_HIP] - world[:, Landmark.RIGHT_HIP]
    angle = np.arctan2(axis[:, 2], axis[:, 0])
    known = np.isfinite(angle)
    out = np.full(angle.shape, np.nan)
    if known.any():
        out[known] = np.degrees(np.unwrap(angle[known]))
    return out


def _change(measure: Measure | None, start: int, peak: int) -> float | None:
    """Value at ``peak`` minus value at ``start`` when both frames are valid, else None."""
    if measure is None or not (measure.valid[start] and measure.valid[peak]):
        return None
    return float(measure.values[peak] - measure.values[start])


def hip_travel(points: PersonPoints, rows: np.ndarray) -> float:
    """Horizontal travel of the mid-hip over the frames ``rows``, in median trunk lengths (module notes).

    The span between the 5th and 95th percentiles of the mid-hip's image x,
    so a few misplaced frames do not count; NaN when it cannot be measured.
    """
    x = mid_hip(points.image_px)[rows, 0]
    trunk = points.trunk_px[rows]
    x, trunk = x[np.isfinite(x)], trunk[np.isfinite(trunk)]
    if x.size == 0 or trunk.size == 0:
        return float("nan")
    low, high = np.percentile(x, [5.0, 95.0])
    return float((high - low) / np.median(trunk))


def _repetition(table: MeasureTable, rep: Repetition, side: str, yaw: np.ndarray) -> dict[str, Any]:
    """Peak, compensations (True/False, None = not checked) and frame validity of one raise."""
    times = table.times_s
    hip = table.measures[HIP_FLEXION_NEUTRAL.of(side)]
    start, peak, end = (int(np.searchsorted(times, t - 1e-9)) for t in (rep.start_s, rep.peak_s, rep.end_s))
    span = slice(start, end + 1)
    trunk = _change(table.measures.get(TRUNK_INCLINATION), start, peak)
    obliquity = _change(table.measures.get(PELVIC_OBLIQUITY), start, peak)
    turn = float(yaw[peak] - yaw[start]) if np.isfinite(yaw[peak] - yaw[start]) else None
    toward = 1.0 if side == "left" else -1.0
    return {
        "side": side,
        "start_s": float(times[start]),
        "peak_s": rep.peak_s,
        "end_s": float(times[end]),
        "peak_hip_flexion_deg": rep.peak_deg,
        "peak_thigh_trunk_flexion_deg": float(table.measures[HIP_FLEXION.of(side)].values[peak]),
        "fraction_valid": float(hip.valid[span].mean()),
        "near_side_at_peak": str(table.view.near_side[peak]),
        "trunk_inclination_change_deg": trunk,
        "pelvic_obliquity_change_deg": obliquity,
        "pelvis_rotation_deg": turn,
        "trunk_lean_back": None if trunk is None else trunk <= -TRUNK_LEAN_BACK_DEG,
        "hip_hike": None if obliquity is None else toward * obliquity >= HIP_HIKE_DEG,
        "pelvis_rotation": None if turn is None else abs(turn) >= PELVIS_ROTATION_DEG,
    }


def _side_findings(side: str, reps: list[dict[str, Any]], table: MeasureTable) -> list[Finding]:
    """Raises found, the best and the mean of one side; intervals from the error measured over the clip."""
    peaks = [float(r["peak_hip_flexion_deg"]) for r in reps]
    fraction = float(np.mean([r["fraction_valid"] for r in reps])) if reps else 0.0
    # A knee raise seen from the side has its own, larger error (MediaPipe reads the other leg).
    band = movement_error(KNEE_RAISE, error_band(table, HIP_FLEXION_NEUTRAL.of(side), seen_rows(table)))
    confidence = confidence_of(fraction, band)
    best = max(peaks) if peaks else None
    mean = float(np.mean(peaks)) if peaks else None
    return [
        finding(
            f"repetitions_{side}",
            f"{side} raises found",
            len(reps),
            "count",
            None,
            tracking_confidence(fraction) if reps else "none",
            fraction,
        ),
        finding(
            f"best_hip_flexion_{side}",
            f"{side} hip flexion, best raise",
            best,
            "deg",
            ACTIVE_HIP_FLEXION,
            confidence,
            fraction,
            note=GRADED_ANGLE,
            interval=interval_95(band),
        ),
        finding(
            f"mean_hip_flexion_{side}",
            f"{side} hip flexion, mean of the raises",
            mean,
            "deg",
            ACTIVE_HIP_FLEXION,
            confidence,
            fraction,
            interval=interval_95(band, peaks, "raises"),
        ),
    ]


def _compensation_findings(reps: list[dict[str, Any]]) -> list[Finding]:
    found = []
    for key, label in _COMPENSATIONS:
        checked = [r for r in reps if r[key] is not None]
        flagged = sum(bool(r[key]) for r in checked)
        fraction = len(checked) / len(reps) if reps else 0.0
        found.append(
            finding(
                f"{key}_repetitions",
                label,
                flagged if checked else None,
                "count",
                None,
                tracking_confidence(fraction),
                fraction,
                note=f"checked in {len(checked)} of {len(reps)} raises",
            )
        )
    return found


def _interpretation(by_side: dict[str, list[dict[str, Any]]], symmetry: float | None) -> list[str]:
    lines = []
    best = {}
    for side, reps in by_side.items():
        if not reps:
            lines.append(f"No {side} knee raise was found.")
            continue
        peaks = [float(r["peak_hip_flexion_deg"]) for r in reps]
        best[side] = max(peaks)
        lines.append(
            f"{side.capitalize()} leg: {len(reps)} raise(s), best {max(peaks):.0f} deg, "
            f"mean {np.mean(peaks):.0f} deg of hip flexion (thigh against trunk, from your upright neutral)."
        )
    if symmetry is not None:
        lines.append(
            f"The best left and right raises differ by {abs(best['left'] - best['right']):.0f} deg "
            f"(symmetry index {symmetry:+.0f} %, 0 = equal, + = left higher)."
        )
    reps = [r for side_reps in by_side.values() for r in side_reps]
    for key, label in _COMPENSATIONS:
        flagged = sum(bool(r[key]) for r in reps)
        if flagged:
            lines.append(f"{label.capitalize()}: {flagged} of {len(reps)}.")
    lines.append(
        "For comparison, about 120 deg is the commonly cited average of hip flexion measured lying down with "
        "a goniometer; standing, balance and the way this angle is taken make it only roughly comparable. "
        "This describes the movement; it is not a diagnosis."
    )
    return lines


def _warnings(table: MeasureTable, by_side: dict[str, list[dict[str, Any]]]) -> list[AnalysisWarning]:
    warnings = []
    reps = [r for side_reps in by_side.values() for r in side_reps]
    if reps and all(r["hip_hike"] is None for r in reps):
        limits = {
            "frontal_min_deg": LIMITS.frontal_3d_min_deg,
            "sagittal_max_deg": LIMITS.sagittal_3d_max_deg,
        }
        warnings.append(AnalysisWarning(WarningCode.HIP_HIKE_UNCHECKED, limits))
    for side, side_reps in by_side.items():
        far = sum(r["near_side_at_peak"] not in (side, "") for r in side_reps)
        if far:
            warnings.append(AnalysisWarning(WarningCode.FAR_SIDE_RAISES, {"count": far, "side": side}))
    return warnings


def run(series: PeopleSeries, tables: list[MeasureTable]) -> AssessmentResult:
    """Assess standing knee raises (module notes)."""
    table, warnings = pick_person(tables)
    if table is None:
        return AssessmentResult.refused(NAME, TOPIC, NO_PERSON)
    clip = check_clip(series, WHAT, MIN_CLIP_S)
    check = check_view(table, seen_rows(table), "side", WHAT) if clip.ok else clip
    warnings += check.warnings
    if not check.ok:
        return AssessmentResult.refused(NAME, TOPIC, check.message, (table.person,), warnings)
    points = person_points(series, table.person)
    travel = hip_travel(points, seen_rows(table))
    if travel > MAX_TRAVEL_TRUNK:
        message = (
            f"{person_label(table.person)}'s hips moved {travel:.1f} trunk lengths across the picture: you "
            "walked across the view; stand in one place for knee raises"
        )
        return AssessmentResult.refused(NAME, TOPIC, message, (table.person,), warnings)
    yaw = pelvis_yaw(points.world)
    by_side: dict[str, list[dict[str, Any]]] = {}
    for side in ("left", "right"):
        hip = table.measures[HIP_FLEXION_NEUTRAL.of(side)]
        found = find_repetitions(
            hip.values,
            hip.valid,
            table.times_s,
            table.frame_index,
            min_prominence_deg=MIN_RAISE_DEG,
            min_interval_s=MIN_INTERVAL_S,
        )
        by_side[side] = [_repetition(table, rep, side, yaw) for rep in found]
    findings = _side_findings("left", by_side["left"], table) + _side_findings(
        "right", by_side["right"], table
    )
    best = {f.name: f for f in findings}
    left, right = best["best_hip_flexion_left"], best["best_hip_flexion_right"]
    symmetry = (
        symmetry_index(left.value, right.value)
        if isinstance(left.value, float) and isinstance(right.value, float)
        else None
    )
    fraction = min(left.fraction_valid, right.fraction_valid)
    findings.append(
        finding(
            "symmetry_index",
            "left-right symmetry index of the best raises (+ left higher)",
            symmetry,
            "%",
            None,
            # A ratio of the two best raises is as sure as the less sure of them.
            capped_confidence(left.confidence, right.confidence),
            fraction,
        )
    )
    both = by_side["left"] + by_side["right"]
    findings += _compensation_findings(both)
    neutral = table.hip_neutral
    if neutral is not None and neutral.offset_deg is None:
        warnings += (AnalysisWarning(WarningCode.NO_NEUTRAL, {"why": neutral.reason}),)
    elif not both:
        warnings += (AnalysisWarning(WarningCode.NO_KNEE_RAISE, {"min_raise_deg": MIN_RAISE_DEG}),)
    return AssessmentResult(
        assessment=NAME,
        people=(table.person,),
        view_ok=True,
        view_message=check.message,
        findings=tuple(findings),
        interpretation=tuple(_interpretation(by_side, symmetry)),
        warnings=warnings + tuple(_warnings(table, by_side)),
        details={
            "repetitions": both,
            "hip_angle_graded": GRADED_ANGLE,
            "hip_neutral": neutral.to_dict() if neutral is not None else None,
        },
        education_topic=TOPIC,
    )


ASSESSMENT = Assessment(
    name=NAME,
    title=TITLE,
    purpose=(
        "Measure how high each knee rises in a standing knee raise (active hip flexion), compare the "
        "sides, and flag trunk lean, hip hiking and pelvic rotation that make a raise look higher than "
        "the hip moved."
    ),
    instructions=(
        "Place the camera at hip height, level, 2.5-3 m away at your side, with the whole body in the "
        "picture. To check hip hiking too, place it 30-45 deg toward your front instead of square to "
        "your side.",
        "Wear shorts or close-fitting trousers.",
        "Stand tall near a wall or chair you may touch lightly for balance.",
        "Raise the knee nearer the camera toward your chest as high as is comfortable, without leaning back, "
        "and lower it; repeat 5 times at an easy pace.",
        "Turn to face the other way and do 5 raises with the other leg (now nearer the camera).",
        "Stop if anything hurts.",
    ),
    view_needed=(
        f"side view ({SIDE_VIEW_WORDS}, turned toward the front or the back), standing in one place"
    ),
    input_kind="clip",
    max_people=1,
    needs_masks=False,
    measures_used=(
        *HIP_FLEXION_NEUTRAL.names,
        *HIP_FLEXION.names,
        TRUNK_INCLINATION,
        PELVIC_OBLIQUITY,
        "pelvis rotation (world hip line, computed by the assessment)",
    ),
    summary_method=(
        "peak hip flexion from the person's upright neutral (hip_flexion_neutral) of every repetition per "
        "side; best and mean per side; symmetry index of the best "
        "raises; compensations counted per repetition from its start to its peak"
    ),
    norms=(ACTIVE_HIP_FLEXION,),
    education_topic=TOPIC,
    runner=run,
)
