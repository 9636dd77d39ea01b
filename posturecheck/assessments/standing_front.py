"""standing-front: standing alignment seen from the front (or back).

Protocol: a steady stance of 2-3 s filmed square from the front; the frames
are chosen, and the footage checked, as for standing-side
(:func:`posturecheck.assessments.steady.checked_stance`: view and size over
every frame seen, then the steady window, then the view over the window).
Each finding is the median over the valid frames of that window of pelvic
obliquity, shoulder tilt, trunk lateral lean, lateral trunk shift (from the
measure table) and the frontal knee angle of each leg
(:mod:`posturecheck.assessments.knee_alignment`: the image variant in a
front or back view, the world variant in an oblique one).
"""

from __future__ import annotations

import numpy as np

from posturecheck.assessments.base import Assessment
from posturecheck.assessments.figures import confidence_of, measure_finding
from posturecheck.assessments.footage import LIMITS, NO_PERSON, pick_person
from posturecheck.assessments.knee_alignment import knee_frontal_angle_2d, knee_frontal_angle_3d
from posturecheck.assessments.points import person_points
from posturecheck.assessments.result import AssessmentResult, Finding, NormalRange, finding
from posturecheck.assessments.steady import checked_stance
from posturecheck.landmarks import Landmark
from posturecheck.measures.catalogue import (
    LATERAL_TRUNK_SHIFT,
    PELVIC_OBLIQUITY,
    SHOULDER_TILT,
    TRUNK_LATERAL_LEAN,
)
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.series import PeopleSeries

NAME = "standing-front"
TITLE = "Standing alignment from the front"
WHAT = f"the {NAME} assessment"
TOPIC = "pelvic-tilt"
WINDOW_S = 3.0
MIN_WINDOW_S = 2.0

_KENDALL = "Kendall FP et al., Muscles: Testing and Function, with Posture and Pain (5th ed., 2005)"
LEVEL_PELVIS = NormalRange(
    what="pelvic obliquity in standing",
    low=-2.0,
    high=2.0,
    source=f"{_KENDALL}: the pelvis level in ideal alignment; the +-2 deg band is this tool's allowance "
    "for landmark uncertainty, not a published cut-off",
)
LEVEL_SHOULDERS = NormalRange(
    what="shoulder tilt in standing",
    low=-2.0,
    high=2.0,
    source=f"{_KENDALL}: shoulders level in ideal alignment (a slightly lower dominant shoulder is common); "
    "the +-2 deg band is this tool's allowance for landmark uncertainty, not a published cut-off",
)
CENTRED_TRUNK = NormalRange(
    what="lateral trunk shift in standing",
    low=-5.0,
    high=5.0,
    source=f"{_KENDALL}: the trunk centred over the pelvis in ideal alignment; the +-5 % band is this "
    "tool's allowance, not a published cut-off",
)
KNEE_AXIS = NormalRange(
    what="frontal knee angle (hip-knee-ankle) in standing",
    low=-3.0,
    high=3.0,
    source="standing radiographs of healthy adults put the hip-knee-ankle (mechanical) axis on average "
    "about 1 deg varus with individual values within a few degrees (Moreland, Bassett and Hanker, "
    "J Bone Joint Surg Am 1987); the +-3 deg band is a simplification of that spread, and landmarks "
    "are not bones",
)

_IN_FRAME = (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)


def _knee_findings(series: PeopleSeries, table: MeasureTable, rows: np.ndarray) -> tuple[list[Finding], str]:
    """Frontal knee angle findings for both legs over ``rows``, and the variant used."""
    points = person_points(series, table.person)
    away = float(np.nanmedian(table.view.off_side_deg[rows]))
    variant = "2d" if away >= LIMITS.front_min_deg else "3d"
    found = []
    for side in ("left", "right"):
        values = (
            knee_frontal_angle_2d(points.image_px, side)
            if variant == "2d"
            else knee_frontal_angle_3d(points.world, side)
        )
        use = rows & np.isfinite(values)
        fraction = float(use.sum() / max(int(rows.sum()), 1))
        value = float(np.median(values[use])) if use.any() else float("nan")
        found.append(
            finding(
                f"knee_frontal_angle_{side}",
                f"{side} knee frontal angle (+ valgus, knee toward the midline; - varus)",
                value,
                "deg",
                KNEE_AXIS,
                # No reference has measured the knee frontal angle's error (docs/validation.md).
                confidence_of(fraction, None),
                fraction,
            )
        )
    return found, variant


# Finding name -> words for the interpretation: what it is, + side, - side, unit.
_WORDS = {
    PELVIC_OBLIQUITY: ("Pelvis", "left hip higher", "right hip higher", "deg"),
    SHOULDER_TILT: ("Shoulders", "left shoulder higher", "right shoulder higher", "deg"),
    LATERAL_TRUNK_SHIFT: (
        "Trunk over the pelvis",
        "shoulders shifted to your left",
        "shoulders shifted to your right",
        "% of trunk length",
    ),
    "knee_frontal_angle_left": ("Left knee", "toward the midline", "away from the midline", "deg"),
    "knee_frontal_angle_right": ("Right knee", "toward the midline", "away from the midline", "deg"),
}


def _interpretation(found: dict[str, Finding]) -> list[str]:
    lines = []
    for name, (what, positive, negative, unit) in _WORDS.items():
        value = found[name].value
        if not isinstance(value, float):
            continue
        if found[name].status == "within":
            lines.append(f"{what}: {value:+.1f} {unit}, within the usual range.")
        else:
            lines.append(f"{what}: {value:+.1f} {unit} ({positive if value > 0 else negative}).")
    lines.append(
        "These describe how you stood in this clip, from landmarks that estimate joint centres; a leg-length "
        "difference, weight on one leg or a bent knee all show up here. They are not a diagnosis."
    )
    return lines


def run(series: PeopleSeries, tables: list[MeasureTable]) -> AssessmentResult:
    """Assess standing alignment from the front (module notes)."""
    table, warnings = pick_person(tables)
    if table is None:
        return AssessmentResult.refused(NAME, TOPIC, NO_PERSON)
    stance, check = checked_stance(series, table, "front", WHAT, _IN_FRAME, WINDOW_S, MIN_WINDOW_S)
    warnings += stance.warnings + check.warnings
    rows = stance.rows
    if not check.ok or rows is None:
        return AssessmentResult.refused(NAME, TOPIC, check.message, (table.person,), warnings)
    found = {
        PELVIC_OBLIQUITY: measure_finding(
            table, PELVIC_OBLIQUITY, rows, "pelvic obliquity (+ left hip higher)", LEVEL_PELVIS
        ),
        SHOULDER_TILT: measure_finding(
            table, SHOULDER_TILT, rows, "shoulder tilt (+ left shoulder higher)", LEVEL_SHOULDERS
        ),
        TRUNK_LATERAL_LEAN: measure_finding(
            table, TRUNK_LATERAL_LEAN, rows, "trunk lateral lean (+ toward the left)"
        ),
        LATERAL_TRUNK_SHIFT: measure_finding(
            table, LATERAL_TRUNK_SHIFT, rows, "lateral trunk shift (+ toward the left)", CENTRED_TRUNK
        ),
    }
    knees, variant = _knee_findings(series, table, rows)
    found.update({item.name: item for item in knees})
    return AssessmentResult(
        assessment=NAME,
        people=(table.person,),
        view_ok=True,
        view_message=check.message,
        findings=tuple(found.values()),
        interpretation=tuple(_interpretation(found)),
        warnings=warnings,
        details={"window": stance.info, "knee_angle_variant": variant},
        education_topic=TOPIC,
    )


ASSESSMENT = Assessment(
    name=NAME,
    title=TITLE,
    purpose=(
        "Describe standing alignment from the front: whether the pelvis and shoulders are level, the trunk "
        "centred over the pelvis, and the knees in line with the hips and ankles."
    ),
    instructions=(
        "Place the camera at hip height, level, 2.5-3 m away, square in front of you, with the whole body "
        "(head to feet) in the picture.",
        "Wear shorts or close-fitting trousers so the knees show.",
        "Stand barefoot as you usually stand, feet hip-width apart, weight on both feet, arms relaxed by "
        "your sides, looking at the camera.",
        "Stay still for 3 seconds (a 5-10 s clip is fine: the steadiest 3 s are used). Filming from "
        "behind works too.",
    ),
    view_needed=(
        "front or back view (beyond 80 deg from side; from 30 deg with the less precise 3D landmarks)"
    ),
    input_kind="any",
    max_people=1,
    needs_masks=False,
    measures_used=(
        PELVIC_OBLIQUITY,
        SHOULDER_TILT,
        TRUNK_LATERAL_LEAN,
        LATERAL_TRUNK_SHIFT,
        "knee frontal angle (hip-knee-ankle, computed by the assessment)",
    ),
    summary_method=(
        "median of each measure over the valid frames of the steadiest 3 s (at least 2 s) of standing"
    ),
    norms=(LEVEL_PELVIS, LEVEL_SHOULDERS, CENTRED_TRUNK, KNEE_AXIS),
    education_topic=TOPIC,
    runner=run,
)
