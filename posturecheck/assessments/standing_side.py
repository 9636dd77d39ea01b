"""standing-side: standing posture seen from the side, with a Kendall-style posture-type reading.

Protocol: a steady stance of 2-3 s filmed square from the side. In a clip
the steadiest :data:`WINDOW_S` window of frames below the steady body speed
(:mod:`posturecheck.assessments.steady`) is used, or the longest steady run
of at least :data:`MIN_WINDOW_S`; a photo (or a set of photos) is used whole.
Each finding is the median of its measure over the valid frames of that
window. The posture type comes from :mod:`posturecheck.assessments.posture_type`;
its confidence is the reading's own, capped by the valid share of the hip
and shoulder offsets it rests on (low under half the window, none at zero).
The footage is checked in the order of
:func:`posturecheck.assessments.steady.checked_stance`: view, size and
landmarks in frame over every frame the person is seen, then the steady
window, then the view again over the window.
"""

from __future__ import annotations

import math

import numpy as np

from posturecheck.assessments.base import Assessment
from posturecheck.assessments.figures import capped_confidence, measure_finding, window_median
from posturecheck.assessments.footage import NO_PERSON, SIDE_VIEW_WORDS, pick_person
from posturecheck.assessments.posture_type import PostureProxies, read_posture_type
from posturecheck.assessments.result import AssessmentResult, Finding, NormalRange, finding
from posturecheck.assessments.steady import checked_stance
from posturecheck.landmarks import Landmark
from posturecheck.measures.catalogue import (
    CRANIOVERTEBRAL_ANGLE_PROXY,
    LUMBAR_CURVE_ANGLE,
    LUMBAR_LORDOSIS_INDEX,
    MEASURES,
    PLUMB_OFFSET,
    PLUMB_OFFSET_CM,
    TRUNK_INCLINATION,
)
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.series import PeopleSeries

NAME = "standing-side"
TITLE = "Standing posture from the side"
WHAT = f"the {NAME} assessment"
TOPIC = "posture-types"
WINDOW_S = 3.0
MIN_WINDOW_S = 2.0

POSTURE_NORM = NormalRange(
    what="standing posture type (side view)",
    expected="ideal",
    source=(
        "Kendall FP et al., Muscles: Testing and Function, with Posture and Pain (5th ed., 2005): ideal "
        "alignment and the lordotic, sway-back and flat-back types; read here by rules on proxies"
    ),
)

_IN_FRAME = (Landmark.LEFT_EAR, Landmark.RIGHT_EAR, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)
_OFFSET_LABELS = {
    "ear": "ear (mid-ear) from the ankle plumb line",
    "shoulder": "shoulder (mid-shoulder) from the ankle plumb line",
    "hip": "hip (mid-hip) from the ankle plumb line",
    "knee": "knee (mid-knee) from the ankle plumb line",
}


def _offset_findings(table: MeasureTable, rows: np.ndarray) -> list[Finding]:
    found = []
    for part, label in _OFFSET_LABELS.items():
        found.append(measure_finding(table, PLUMB_OFFSET.of(part), rows, label))
        if PLUMB_OFFSET_CM.of(part) in table.measures:
            found.append(measure_finding(table, PLUMB_OFFSET_CM.of(part), rows, label + " (cm)"))
    return found


def _value(table: MeasureTable, name: str, rows: np.ndarray) -> float:
    measure = table.measures.get(name)
    return window_median(measure, rows)[0] if measure is not None else math.nan


def _interpretation(found: dict[str, Finding], posture: Finding) -> list[str]:
    lines = []
    hip, shoulder = found[PLUMB_OFFSET.of("hip")].value, found[PLUMB_OFFSET.of("shoulder")].value
    if isinstance(hip, float) and isinstance(shoulder, float):
        where = "in front of" if hip > 0 else "behind"
        lines.append(
            f"Seen from the side, the hips sit {abs(hip):.1f}% of your height {where} the line up from the "
            f"ankles, and the shoulders {abs(shoulder - hip):.1f}% "
            f"{'in front of' if shoulder > hip else 'behind'} the hips."
        )
    head = found[CRANIOVERTEBRAL_ANGLE_PROXY].value
    if isinstance(head, float):
        lines.append(
            f"The ear-over-shoulder angle is {head:.0f} deg (90 = ear straight above the shoulder; smaller = "
            "head further forward). Compare it with your own earlier values, not with clinical norms."
        )
    lines.append(
        f"A rule-based reading of these proxies, in the tradition of Kendall's posture types, gives "
        f"'{posture.value}' ({posture.confidence} confidence). It describes how you stood in this clip; it "
        "is not a diagnosis, and posture changes from moment to moment."
    )
    return lines


def run(series: PeopleSeries, tables: list[MeasureTable]) -> AssessmentResult:
    """Assess standing posture from the side (module notes)."""
    table, warnings = pick_person(tables)
    if table is None:
        return AssessmentResult.refused(NAME, TOPIC, NO_PERSON)
    stance, check = checked_stance(series, table, "side", WHAT, _IN_FRAME, WINDOW_S, MIN_WINDOW_S)
    warnings += stance.warnings + check.warnings
    rows = stance.rows
    if not check.ok or rows is None:
        return AssessmentResult.refused(NAME, TOPIC, check.message, (table.person,), warnings)
    found = {f.name: f for f in _offset_findings(table, rows)}
    for name, label, note in (
        (TRUNK_INCLINATION, "trunk inclination (+ forward)", ""),
        (CRANIOVERTEBRAL_ANGLE_PROXY, "forward-head angle (ear over shoulder = 90)", ""),
        (LUMBAR_CURVE_ANGLE, "lumbar-curve angle of the back outline (+ lordotic)", "silhouette proxy"),
        (LUMBAR_LORDOSIS_INDEX, "lumbar lordosis index of the back outline (%)", "silhouette proxy"),
    ):
        found[name] = measure_finding(table, name, rows, label, note=note, unit=MEASURES[name].unit)
    if series.person(table.person).masks is None:
        warnings += (AnalysisWarning(WarningCode.NO_MASKS),)
    reading = read_posture_type(
        PostureProxies(
            ear_pct=_value(table, PLUMB_OFFSET.of("ear"), rows),
            shoulder_pct=_value(table, PLUMB_OFFSET.of("shoulder"), rows),
            hip_pct=_value(table, PLUMB_OFFSET.of("hip"), rows),
            lumbar_curve_deg=_value(table, LUMBAR_CURVE_ANGLE, rows),
        )
    )
    base = min(found[PLUMB_OFFSET.of(part)].fraction_valid for part in ("hip", "shoulder"))
    posture = finding(
        "posture_type",
        "posture type (rule-based reading)",
        reading.posture_type,
        "",
        POSTURE_NORM,
        capped_confidence(
            reading.confidence, *(found[PLUMB_OFFSET.of(part)].confidence for part in ("hip", "shoulder"))
        ),
        base,
        note="rule-based reading of landmark and silhouette proxies, not a clinical classification",
    )
    return AssessmentResult(
        assessment=NAME,
        people=(table.person,),
        view_ok=True,
        view_message=check.message,
        findings=(posture, *found.values()),
        interpretation=tuple(_interpretation(found, posture)),
        warnings=warnings,
        details={"window": stance.info, "posture_rules": list(reading.reasons)},
        education_topic=TOPIC,
    )


ASSESSMENT = Assessment(
    name=NAME,
    title=TITLE,
    purpose=(
        "Describe standing alignment from the side against a plumb line, and give a rule-based reading "
        "of it in the tradition of Kendall's posture types (ideal, lordotic, sway-back, flat-back)."
    ),
    instructions=(
        "Place the camera at hip height, level, 2.5-3 m away, square to your side, with the whole body "
        "(head to feet) in the picture.",
        "Wear close-fitting clothes; tie back long hair so the ear and the back outline show.",
        "Stand barefoot as you usually stand, feet hip-width apart, arms relaxed by your sides, "
        "looking ahead.",
        "Stay still for 3 seconds (a 5-10 s clip is fine: the steadiest 3 s are used).",
    ),
    view_needed=f"side view ({SIDE_VIEW_WORDS})",
    input_kind="any",
    max_people=1,
    needs_masks=True,
    measures_used=(
        *PLUMB_OFFSET.names,
        TRUNK_INCLINATION,
        CRANIOVERTEBRAL_ANGLE_PROXY,
        LUMBAR_CURVE_ANGLE,
        LUMBAR_LORDOSIS_INDEX,
    ),
    summary_method=(
        "median of each measure over the valid frames of the steadiest 3 s (at least 2 s) of standing; "
        "the posture type from rules on the plumb-line offsets and the lumbar-curve angle"
    ),
    norms=(POSTURE_NORM,),
    education_topic=TOPIC,
    runner=run,
)
