"""gait: hip and knee angles stride by stride in a side-view walk, with cadence.

The walking bout, heel strikes, strides and cadence come from
:mod:`posturecheck.assessments.gait_events`. For every stride of each side
the measure table gives, over the stride's valid frames (each extreme one
held for 0.1 s, :mod:`posturecheck.measures.extremes`):

* peak hip flexion (largest ``hip_flexion_<side>``, usually late swing),
* peak hip extension (smallest ``hip_flexion_<side>``, late stance),
  reported as positive degrees of extension,
* peak knee flexion (largest ``knee_flexion_<side>``, swing),
* the thigh's forward and backward extremes against the vertical
  (``thigh_inclination_<side>``), in the details.

A stride is used when at least :data:`MIN_STRIDE_VALID` of its frames have
a valid hip angle; per side, the findings are the means over the strides
used, followed by each stride's own peak hip extension and flexion (low
confidence for strides not used).

The hip angle graded is ``hip_flexion_neutral_<side>``
(:mod:`posturecheck.measures.neutral`): the thigh-trunk angle with its zero
moved to the person's own upright neutral (their standing frames in the
clip, else the median trunk line over the walk), because the gait
laboratories behind the norms measure the femur against the pelvis with
zero at the person's upright stance, while the raw thigh-trunk angle of an
upright walker reads about -10 deg. The offset is in the details
(``hip_neutral``) and each stride also keeps its raw thigh-trunk peaks.
Limited hip extension in late stance is the walking sign
associated with tight hip flexors; a slow pace, short steps, pain or the
camera angle also reduce it.

Cadence rests on the bout's frames in which both heels could be placed
(their share is its ``fraction_valid``; under half lowers its confidence),
stride time on the strides used (the mean of their valid shares). Footage
that passes the view check but in which the walking direction is never
known (face and feet hidden) has no walking bout and is refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from posturecheck.assessments.base import Assessment
from posturecheck.assessments.figures import capped_confidence, confidence_of, error_band, tracking_confidence
from posturecheck.assessments.footage import (
    NO_PERSON,
    SIDE_VIEW_WORDS,
    check_clip,
    check_view,
    person_label,
    pick_person,
    seen_rows,
)
from posturecheck.assessments.gait_events import (
    Stride,
    cadence,
    heel_strikes,
    strides,
    strike_signal_share,
    walking_bout,
)
from posturecheck.assessments.points import person_points
from posturecheck.assessments.result import AssessmentResult, Confidence, Finding, NormalRange, finding
from posturecheck.measures import catalogue
from posturecheck.measures.expected_error import ErrorBand
from posturecheck.measures.extremes import sustained_extreme
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.table import Measure, MeasureTable
from posturecheck.measures.uncertainty import Interval95, interval_95
from posturecheck.pose.series import PeopleSeries

NAME = "gait"
TITLE = "Walking, seen from the side"
WHAT = f"the {NAME} assessment"
TOPIC = "gait-hip-extension"
MIN_CLIP_S = 2.0
MIN_STRIDE_VALID = 0.8
# Steps to walk across the view asked for when no full stride was measured: a stride needs three
# heel strikes, and the first and last steps at the picture's edges are often cut.
STEPS_TO_WALK = 5
GRADED_ANGLE = "hip_flexion_neutral: thigh-trunk angle minus your own upright neutral"

_PERRY = "Perry and Burnfield, Gait Analysis: Normal and Pathological Function (2nd ed., 2010)"
HIP_EXTENSION = NormalRange(
    what="peak hip extension in late stance of walking, degrees of extension",
    low=10.0,
    high=20.0,
    source=f"approximately 10-20 deg in healthy adults at a comfortable speed, as commonly cited from "
    f"{_PERRY}; the figure depends on the reference (pelvis or vertical) and on walking speed",
)
HIP_FLEXION = NormalRange(
    what="peak hip flexion in walking (late swing)",
    low=30.0,
    high=35.0,
    source=f"approximately 30-35 deg in healthy adults, as commonly cited from {_PERRY}",
)
KNEE_FLEXION = NormalRange(
    what="peak knee flexion in the swing phase of walking",
    low=55.0,
    high=65.0,
    source=f"about 60 deg in initial swing, as commonly cited from {_PERRY}; the 55-65 deg band is an "
    "approximate allowance around it",
)


def _extreme(
    measure: Measure, rows: slice, largest: bool, times_s: np.ndarray
) -> tuple[float | None, float | None]:
    """Largest (or smallest) value held in ``rows`` (:func:`sustained_extreme`), its row offset; or Nones."""
    found = sustained_extreme(measure.values[rows], measure.valid[rows], times_s[rows], largest=largest)
    if found.index is None:
        return None, None
    return found.value, float(found.index)


def _stride_record(table: MeasureTable, stride: Stride) -> dict[str, Any]:
    rows = slice(stride.start, stride.stop + 1)
    side = stride.side
    hip = table.measures[catalogue.HIP_FLEXION_NEUTRAL.of(side)]
    times = table.times_s[rows]
    every = table.times_s
    flexion, at_flexion = _extreme(hip, rows, True, every)
    least, at_least = _extreme(hip, rows, False, every)
    raw = table.measures[catalogue.HIP_FLEXION.of(side)]
    raw_flexion, _ = _extreme(raw, rows, True, every)
    raw_least, _ = _extreme(raw, rows, False, every)
    knee, _ = _extreme(table.measures[catalogue.KNEE_FLEXION.of(side)], rows, True, every)
    thigh = table.measures[catalogue.THIGH_INCLINATION.of(side)]
    forward, _ = _extreme(thigh, rows, True, every)
    backward, _ = _extreme(thigh, rows, False, every)
    fraction = float(hip.valid[rows].mean())
    return {
        "side": side,
        "start_s": stride.start_s,
        "end_s": stride.end_s,
        "duration_s": stride.duration_s,
        "peak_hip_flexion_deg": flexion,
        "peak_hip_flexion_s": None if at_flexion is None else float(times[int(at_flexion)]),
        "peak_hip_extension_deg": None if least is None else -least,
        "peak_hip_extension_s": None if at_least is None else float(times[int(at_least)]),
        "peak_thigh_trunk_flexion_deg": raw_flexion,
        "peak_thigh_trunk_extension_deg": None if raw_least is None else -raw_least,
        "peak_knee_flexion_deg": knee,
        "thigh_forward_of_vertical_deg": forward,
        "thigh_behind_vertical_deg": None if backward is None else -backward,
        "fraction_valid": fraction,
        "used": fraction >= MIN_STRIDE_VALID and flexion is not None,
    }


def _confidence(n_used: int, fraction: float) -> Confidence:
    if n_used == 0:
        return "none"
    return "high" if n_used >= 2 and fraction >= MIN_STRIDE_VALID else "low"


def _side_findings(
    side: str, records: list[dict[str, Any]], table: MeasureTable, rows: np.ndarray
) -> list[Finding]:
    """Strides measured and the means over them of one side; ``rows``: the walking bout's frames."""
    used = [r for r in records if r["used"]]
    fraction = float(np.mean([r["fraction_valid"] for r in used])) if used else 0.0
    confidence = _confidence(len(used), fraction)

    def values(key: str) -> list[float]:
        return [float(r[key]) for r in used if r[key] is not None]

    def mean(key: str) -> float | None:
        return float(np.mean(values(key))) if values(key) else None

    def interval(key: str, measure: catalogue.MeasureFamily) -> Interval95 | None:
        return interval_95(error_band(table, measure.of(side), rows), values(key), "strides")

    def measured(measure: catalogue.MeasureFamily) -> Confidence:
        """The strides' confidence, capped by the error measured for the angle at this view."""
        return capped_confidence(
            confidence, confidence_of(fraction, error_band(table, measure.of(side), rows))
        )

    return [
        finding(
            f"strides_{side}",
            f"{side} strides measured",
            len(used),
            "count",
            None,
            confidence,
            fraction,
            note=f"{len(records) - len(used)} more found but under {MIN_STRIDE_VALID:.0%} valid frames",
        ),
        finding(
            f"peak_hip_extension_{side}",
            f"{side} peak hip extension in late stance (mean of strides)",
            mean("peak_hip_extension_deg"),
            "deg",
            HIP_EXTENSION,
            measured(catalogue.HIP_FLEXION_NEUTRAL),
            fraction,
            note=f"degrees of extension from your upright neutral ({GRADED_ANGLE})",
            interval=interval("peak_hip_extension_deg", catalogue.HIP_FLEXION_NEUTRAL),
        ),
        finding(
            f"peak_hip_flexion_{side}",
            f"{side} peak hip flexion (mean of strides)",
            mean("peak_hip_flexion_deg"),
            "deg",
            HIP_FLEXION,
            measured(catalogue.HIP_FLEXION_NEUTRAL),
            fraction,
            note=f"degrees of flexion from your upright neutral ({GRADED_ANGLE})",
            interval=interval("peak_hip_flexion_deg", catalogue.HIP_FLEXION_NEUTRAL),
        ),
        finding(
            f"peak_knee_flexion_{side}",
            f"{side} peak knee flexion in swing (mean of strides)",
            mean("peak_knee_flexion_deg"),
            "deg",
            KNEE_FLEXION,
            measured(catalogue.KNEE_FLEXION),
            fraction,
            interval=interval("peak_knee_flexion_deg", catalogue.KNEE_FLEXION),
        ),
    ]


def _stride_findings(records: list[dict[str, Any]], bands: dict[str, ErrorBand | None]) -> list[Finding]:
    """Peak hip extension and flexion of every stride found, numbered per side in time order.

    ``bands``: per side, the error measured for the hip angle at this view
    (:func:`~posturecheck.assessments.figures.error_band`; None: none measured): it caps each
    stride's confidence and gives its 95 % interval.
    """
    found = []
    for side in ("left", "right"):
        strides_of_side = [r for r in records if r["side"] == side]
        for number, r in enumerate(strides_of_side, start=1):
            when = f"{side} stride {number} ({r['start_s']:.1f}-{r['end_s']:.1f} s)"
            fraction = float(r["fraction_valid"])
            confidence: Confidence = capped_confidence(
                "high" if r["used"] else "low", confidence_of(1.0, bands[side])
            )
            note = "" if r["used"] else f"under {MIN_STRIDE_VALID:.0%} valid frames: left out of the means"
            found += [
                finding(
                    f"stride_{side}_{number}_peak_hip_extension",
                    f"{when}: peak hip extension",
                    r["peak_hip_extension_deg"],
                    "deg",
                    HIP_EXTENSION,
                    confidence,
                    fraction,
                    note,
                    interval_95(bands[side]),
                ),
                finding(
                    f"stride_{side}_{number}_peak_hip_flexion",
                    f"{when}: peak hip flexion",
                    r["peak_hip_flexion_deg"],
                    "deg",
                    HIP_FLEXION,
                    confidence,
                    fraction,
                    note,
                    interval_95(bands[side]),
                ),
            ]
    return found


def _interpretation(found: dict[str, Finding], steps_per_min: float) -> list[str]:
    lines = []
    for side in ("left", "right"):
        ext, flex = found[f"peak_hip_extension_{side}"], found[f"peak_hip_flexion_{side}"]
        if not isinstance(ext.value, float) or not isinstance(flex.value, float):
            lines.append(f"{side.capitalize()} leg: no stride could be measured.")
            continue
        n = found[f"strides_{side}"].value
        line = (
            f"{side.capitalize()} leg ({n} stride(s)): the hip extended to {ext.value:.0f} deg in late "
            f"stance and flexed to {flex.value:.0f} deg in swing."
        )
        if ext.status == "below":
            line += (
                " That is less extension than the typical 10-20 deg: limited hip extension in walking is "
                "the gait sign associated with tight hip flexors, though a slow pace or short steps reduce "
                "it too."
            )
        elif ext.status == "above":
            line += (
                " That is more than the typical 10-20 deg; leaning the trunk back and the 2D projection of "
                "the angle can both make it read larger than the hip moved."
            )
        lines.append(line)
    if np.isfinite(steps_per_min):
        lines.append(f"Cadence: {steps_per_min:.0f} steps per minute.")
    lines.append(
        "The hip angle graded here is the thigh against the trunk line measured from your own upright "
        "neutral (zero where you stand upright), as gait laboratories measure it against the pelvis; "
        "leaning the trunk during the walk still changes it, and the ranges are a guide. This describes one "
        "walk; it is not a diagnosis."
    )
    return lines


def run(series: PeopleSeries, tables: list[MeasureTable]) -> AssessmentResult:
    """Assess a side-view walk (module notes)."""
    table, warnings = pick_person(tables)
    if table is None:
        return AssessmentResult.refused(NAME, TOPIC, NO_PERSON)
    clip = check_clip(series, WHAT, MIN_CLIP_S)
    bout = walking_bout(seen_rows(table), table.view.facing)
    # Without a known facing there is no bout: in a front or back view the view check says why; in a side
    # view with the face and feet hidden, the check after it does.
    rows = bout if bout.any() else seen_rows(table)
    check = check_view(table, rows, "side", WHAT) if clip.ok else clip
    warnings += check.warnings
    if not check.ok:
        return AssessmentResult.refused(NAME, TOPIC, check.message, (table.person,), warnings)
    if not bout.any():
        message = (
            f"the walking direction of {person_label(table.person)} could not be told in any frame (neither "
            f"the face nor the feet were seen clearly): {WHAT} needs the person walking across the view with "
            "the head and feet in the picture"
        )
        return AssessmentResult.refused(NAME, TOPIC, message, (table.person,), warnings)
    points = person_points(series, table.person)
    strikes = {side: heel_strikes(points, table.view.facing, bout, side) for side in ("left", "right")}
    records = [
        _stride_record(table, stride)
        for side in ("left", "right")
        for stride in strides(table.times_s, strikes[side], side)
    ]
    steps_per_min, n_steps = cadence(table.times_s, strikes["left"], strikes["right"])
    found = {}
    for side in ("left", "right"):
        found.update(
            {f.name: f for f in _side_findings(side, [r for r in records if r["side"] == side], table, bout)}
        )
    used = [r for r in records if r["used"]]
    stride_time = float(np.mean([r["duration_s"] for r in used])) if used else None
    stride_share = float(np.mean([r["fraction_valid"] for r in used])) if used else 0.0
    step_share = strike_signal_share(points, table.view.facing, bout)
    step_confidence: Confidence = "none" if n_steps == 0 else ("high" if n_steps >= 3 else "low")
    found["cadence"] = finding(
        "cadence",
        "cadence",
        steps_per_min,
        "steps/min",
        None,
        capped_confidence(step_confidence, tracking_confidence(step_share)),
        step_share,
        note=f"from {n_steps} steps",
    )
    found["stride_time"] = finding(
        "stride_time",
        "stride time (mean of strides)",
        stride_time,
        "s",
        None,
        _confidence(len(used), stride_share),
        stride_share,
    )
    bands: dict[str, ErrorBand | None] = {
        side: error_band(table, catalogue.HIP_FLEXION_NEUTRAL.of(side), bout) for side in catalogue.SIDES
    }
    found.update({f.name: f for f in _stride_findings(records, bands)})
    if not used:
        warnings += (AnalysisWarning(WarningCode.NO_STRIDE, {"steps": STEPS_TO_WALK}),)
    if table.hip_neutral is not None and table.hip_neutral.offset_deg is None:
        warnings += (AnalysisWarning(WarningCode.NO_NEUTRAL, {"why": table.hip_neutral.reason}),)
    for side in ("left", "right"):
        if found[f"peak_hip_extension_{side}"].status == "below":
            norm = {"side": side, "low_deg": HIP_EXTENSION.low, "high_deg": HIP_EXTENSION.high}
            warnings += (AnalysisWarning(WarningCode.LOW_HIP_EXTENSION, norm),)
    bout_times = table.times_s[bout]
    return AssessmentResult(
        assessment=NAME,
        people=(table.person,),
        view_ok=True,
        view_message=check.message,
        findings=tuple(found.values()),
        interpretation=tuple(_interpretation(found, steps_per_min)),
        warnings=warnings,
        details={
            "bout": {"start_s": float(bout_times[0]), "end_s": float(bout_times[-1])},
            "heel_strikes_s": {side: table.times_s[rows].tolist() for side, rows in strikes.items()},
            "strides": records,
            "hip_angle_graded": GRADED_ANGLE,
            "hip_neutral": table.hip_neutral.to_dict() if table.hip_neutral is not None else None,
        },
        education_topic=TOPIC,
    )


ASSESSMENT = Assessment(
    name=NAME,
    title=TITLE,
    purpose=(
        "Measure hip and knee movement stride by stride while walking, above all how far the hip extends "
        "in late stance, and the cadence."
    ),
    instructions=(
        "Place the camera at hip height, level, 3-5 m from the walking line, square to it, so that at "
        "least 4 steps (two full strides) are in the picture with the whole body.",
        "Wear shorts or close-fitting trousers; walk barefoot or in flat shoes.",
        "Start walking a few steps before the picture and stop a few steps after it, at your usual "
        "comfortable pace, looking ahead.",
        "Walk across the view in one direction only; for the other leg's side nearer the camera, walk back "
        "in a second clip.",
    ),
    view_needed=f"side view of the walking line ({SIDE_VIEW_WORDS})",
    input_kind="clip",
    max_people=1,
    needs_masks=False,
    measures_used=(
        *catalogue.HIP_FLEXION_NEUTRAL.names,
        *catalogue.HIP_FLEXION.names,
        *catalogue.KNEE_FLEXION.names,
        *catalogue.THIGH_INCLINATION.names,
        "heel and hip landmark paths (heel strikes)",
    ),
    summary_method=(
        "per stride and side the extremes of the hip angle from the person's own upright neutral "
        "(hip_flexion_neutral) over the stride's valid frames; per side the means over strides "
        f"with at least {MIN_STRIDE_VALID:.0%} valid frames; cadence from the median step time"
    ),
    norms=(HIP_EXTENSION, HIP_FLEXION, KNEE_FLEXION),
    education_topic=TOPIC,
    runner=run,
)
