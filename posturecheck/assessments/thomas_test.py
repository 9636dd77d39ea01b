"""thomas-test: the modified Thomas test of hip flexor length, filmed from the side of the hanging leg.

Position: lying on the back at the end of a table, one knee held to the
chest (the low back flat), the other leg hanging over the edge, relaxed.

Geometry (image landmarks in pixels, cleaned as the measures' are)
------------------------------------------------------------------
* **Table line**: the lying trunk, mid-shoulder -> mid-hip (the caudal
  direction ``u``). Taking the reference from the body makes the angles
  independent of camera roll; the line's tilt against the image horizontal
  is reported and, beyond :data:`TILT_WARNING_DEG`, warned about (a rolled
  camera is harmless, a trunk not flat on the table tilts the reference).
  A trunk more than :data:`MAX_LYING_TILT_DEG` from the image horizontal is
  not lying down, and the test is not read.
* **Up** (``n``): the normal of the table line on the side of the held knee,
  which is always above the table.
* **Held leg**: the leg whose thigh makes the larger angle with ``u``.
* **Hanging thigh angle**: angle from ``u`` to the hanging thigh
  (hip -> knee), + above the table line, - below. With the trunk on the
  table it equals that hip's flexion (thigh-trunk angle).
* **Graded thigh angle** (the finding ``hanging_thigh_angle``): the hanging
  thigh angle minus the person's own neutral offset
  (:mod:`posturecheck.measures.neutral`, from straight-body frames in the
  clip: film a few seconds of standing upright, side-on, before lying
  down), so that 0 is the thigh where it lies in the person's own neutral,
  as the norm's table line is. MediaPipe's shoulder-hip line of an upright
  person reads about -10 deg; without a neutral in the clip the raw angle
  is graded, with a warning and at most low confidence.
* **Hanging knee flexion**: angle from the thigh's line to the shank
  (knee -> ankle), + flexion (the shank hanging down), 0 = straight.
* **Held hip flexion**: angle from ``u`` to the held thigh (the thigh-trunk
  angle, about 120 deg or more with the knee well to the chest).

In a clip the steadiest :data:`WINDOW_S` hold (at least
:data:`MIN_WINDOW_S`) of the lying position is used, in photos every frame;
each value is the median over it.

Grading (modified Thomas test)
------------------------------
* Thigh above the table line (angle > 0): the one-joint hip flexors
  (iliopsoas) may be short. At or below it: negative for this sign.
  Kendall et al. (2005) take the thigh touching the table as normal length;
  Harvey (Br J Sports Med 1998) found the thigh on average about 12 deg below
  horizontal (-11.9 deg) in elite athletes tested at the table's edge.
* Knee bending less than about 80 deg with the thigh at the table: the
  two-joint hip flexor (rectus femoris) may be short (Kendall et al. 2005
  describe the knee flexing to about 80 deg at normal length).
* Within :data:`CUTOFF_MARGIN_DEG` of a cut-off the sign is given with low
  confidence: landmark angles carry a few degrees of uncertainty.
* Thigh or knee angle not measured: the reading is "undetermined", with
  status "unknown" and no confidence.
"""

from __future__ import annotations

import numpy as np

from posturecheck.assessments.base import Assessment
from posturecheck.assessments.figures import confidence_of
from posturecheck.assessments.footage import check_near_side, check_view, pick_person, seen_rows
from posturecheck.assessments.points import PersonPoints, near_side_by_depth, person_points
from posturecheck.assessments.result import (
    UNDETERMINED,
    AssessmentResult,
    Confidence,
    Finding,
    NormalRange,
    finding,
)
from posturecheck.assessments.steady import held_stance
from posturecheck.landmarks import Landmark
from posturecheck.measures.joint_angles import leg_landmarks, mid_hip, mid_shoulder
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.series import PeopleSeries

NAME = "thomas-test"
TITLE = "Modified Thomas test"
WHAT = f"the {NAME} assessment"
TOPIC = "thomas-test"
WINDOW_S = 3.0
MIN_WINDOW_S = 1.0
MAX_LYING_TILT_DEG = 30.0
TILT_WARNING_DEG = 5.0
MIN_HELD_FLEXION_DEG = 60.0
FLAT_BACK_FLEXION_DEG = 100.0
KNEE_CUTOFF_DEG = 80.0
CUTOFF_MARGIN_DEG = 5.0
# About how far the raw thigh-trunk angle sits from the norm's zero without an upright neutral: MediaPipe's
# shoulder-hip line of an upright person reads about -10 deg (posturecheck.measures.neutral).
RAW_OFFSET_DEG = 10.0

_KENDALL = "Kendall FP et al., Muscles: Testing and Function, with Posture and Pain (5th ed., 2005)"
THIGH_NORM = NormalRange(
    what="hanging thigh against the table line (+ above), modified Thomas test",
    high=0.0,
    source=f"thigh at or below the table line is the usual negative test ({_KENDALL}: the thigh touches "
    "the table at normal length); Harvey, Br J Sports Med 1998, found the thigh on average about 12 deg "
    "below horizontal (-11.9 deg) in elite athletes",
)
KNEE_NORM = NormalRange(
    what="hanging knee flexion with the thigh at the table, modified Thomas test",
    low=KNEE_CUTOFF_DEG,
    source=f"about 80 deg of knee flexion at normal length of the two-joint hip flexors ({_KENDALL}); "
    "commonly used as the clinical cut-off, approximate",
)
GRADE_NORM = NormalRange(
    what="modified Thomas test reading",
    expected="negative",
    source=f"{_KENDALL}; Harvey, Br J Sports Med 1998 (see the thigh and knee findings)",
)
# No reference has measured the error of the test position's angles (a person lying on a table, from
# landmarks: docs/validation.md has no such footage), so none of them is ever "high" confidence.
UNCHECKED = None


def _plane_angle(u: np.ndarray, n: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Angle in degrees from ``u`` toward ``n`` of ``vector`` (all (F, 2)), in (-180, 180]."""
    return np.degrees(np.arctan2(np.sum(vector * n, -1), np.sum(vector * u, -1)))


def lying_geometry(points: PersonPoints) -> dict[str, np.ndarray]:
    """Per-frame table-line tilt, held side and the angles of the module notes, degrees.

    Returns a dict of (F,) arrays: ``tilt`` (the table line against the
    image horizontal, -90..90, + when it runs down toward the image's
    right), ``held_left`` (bool, the left leg is the held one),
    ``hanging_thigh``, ``hanging_knee``, ``held_hip``.
    """
    px = points.image_px
    caudal = mid_hip(px) - mid_shoulder(px)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = caudal / np.linalg.norm(caudal, axis=-1, keepdims=True)
        tilt = np.degrees(np.arctan(u[:, 1] / u[:, 0]))
    normal = np.stack([u[:, 1], -u[:, 0]], axis=-1)
    thighs = {}
    for side in ("left", "right"):
        hip, knee, _ = leg_landmarks(side)
        thighs[side] = px[:, knee] - px[:, hip]
    raw = {side: np.abs(_plane_angle(u, normal, thighs[side])) for side in thighs}
    held_left = np.nan_to_num(raw["left"], nan=-1.0) >= np.nan_to_num(raw["right"], nan=-1.0)
    held_thigh = np.where(held_left[:, None], thighs["left"], thighs["right"])
    up = np.where((np.sum(held_thigh * normal, -1) >= 0)[:, None], normal, -normal)
    out = {"tilt": tilt, "held_left": held_left}
    hanging_thigh = np.where(held_left[:, None], thighs["right"], thighs["left"])
    out["hanging_thigh"] = _plane_angle(u, up, hanging_thigh)
    out["held_hip"] = _plane_angle(u, up, held_thigh)
    hanging_shank = np.where(
        held_left[:, None],
        px[:, Landmark.RIGHT_ANKLE] - px[:, Landmark.RIGHT_KNEE],
        px[:, Landmark.LEFT_ANKLE] - px[:, Landmark.LEFT_KNEE],
    )
    out["hanging_knee"] = _plane_angle(u, up, hanging_thigh) - _plane_angle(u, up, hanging_shank)
    return out


def _median(values: np.ndarray, rows: np.ndarray) -> tuple[float, float]:
    use = rows & np.isfinite(values)
    n = max(int(rows.sum()), 1)
    return (float(np.median(values[use])) if use.any() else float("nan")), float(use.sum() / n)


def _grade(thigh: float, knee: float, fraction: float) -> tuple[str, Confidence]:
    signs = []
    if np.isfinite(thigh) and thigh > 0:
        signs.append("thigh above the table")
    if np.isfinite(knee) and knee < KNEE_CUTOFF_DEG:
        signs.append(f"knee bend under {KNEE_CUTOFF_DEG:.0f} deg")
    if not (np.isfinite(thigh) and np.isfinite(knee)):
        return UNDETERMINED, "none"
    near = abs(thigh) < CUTOFF_MARGIN_DEG or abs(knee - KNEE_CUTOFF_DEG) < CUTOFF_MARGIN_DEG
    confidence: Confidence = confidence_of(fraction, UNCHECKED)
    if near and confidence == "high":
        confidence = "low"
    return (" and ".join(signs) if signs else "negative"), confidence


def _interpretation(side: str, thigh: float, knee: float, held: float, grade: str) -> list[str]:
    lines = []
    where = "above" if thigh > 0 else "below"
    lines.append(
        f"Hanging {side} leg: the thigh rests {abs(thigh):.0f} deg {where} the table line and the knee "
        f"bends {knee:.0f} deg; the held hip is flexed {held:.0f} deg."
    )
    if thigh > 0:
        lines.append(
            "A thigh resting above the table line is this test's sign of short one-joint hip flexors "
            "(iliopsoas) on that side."
        )
    if knee < KNEE_CUTOFF_DEG:
        lines.append(
            f"A knee bending less than about {KNEE_CUTOFF_DEG:.0f} deg is this test's sign that the "
            "two-joint hip flexor (rectus femoris) may be short."
        )
    if grade == "negative":
        lines.append("Neither sign of hip flexor shortness was seen on this side.")
    lines.append(
        "Repeat with the other leg hanging to compare sides. This describes the test position in this "
        "footage; it is not a diagnosis."
    )
    return lines


def _not_read(slot: int | None, message: str, warnings: tuple[AnalysisWarning, ...] = ()) -> AssessmentResult:
    people = () if slot is None else (slot,)
    return AssessmentResult.refused(NAME, TOPIC, message, people, warnings)


def _findings(
    geometry: dict[str, np.ndarray], rows: np.ndarray, offset: float | None
) -> tuple[list[Finding], dict[str, float]]:
    values, fractions = {}, {}
    for key in ("hanging_thigh", "hanging_knee", "held_hip", "tilt"):
        values[key], fractions[key] = _median(geometry[key], rows)
    values["hanging_thigh_trunk"] = values["hanging_thigh"]
    thigh_confidence = confidence_of(fractions["hanging_thigh"], UNCHECKED)
    if offset is not None:
        values["hanging_thigh"] -= offset
        thigh_label = "hanging thigh against the table line, from your upright neutral (+ above)"
        thigh_note = ""
    else:
        thigh_label = "hanging thigh against the lying trunk line (+ above)"
        thigh_note = (
            f"no upright neutral in the clip: raw thigh-trunk angle, about {RAW_OFFSET_DEG:g} deg off "
            "the norm's zero"
        )
        thigh_confidence = "low" if thigh_confidence == "high" else thigh_confidence
    fraction = min(fractions["hanging_thigh"], fractions["hanging_knee"])
    grade, grade_confidence = _grade(values["hanging_thigh"], values["hanging_knee"], fraction)
    if offset is None and grade_confidence == "high":
        grade_confidence = "low"
    found = [
        finding(
            "thomas_grade",
            "modified Thomas test reading",
            grade,
            "",
            GRADE_NORM,
            grade_confidence,
            fraction,
            note="describes the test position; not a diagnosis",
        ),
        finding(
            "hanging_thigh_angle",
            thigh_label,
            values["hanging_thigh"],
            "deg",
            THIGH_NORM,
            thigh_confidence,
            fractions["hanging_thigh"],
            note=thigh_note,
        ),
        finding(
            "hanging_knee_flexion",
            "hanging knee flexion",
            values["hanging_knee"],
            "deg",
            KNEE_NORM,
            confidence_of(fractions["hanging_knee"], UNCHECKED),
            fractions["hanging_knee"],
        ),
        finding(
            "held_hip_flexion",
            "held hip flexion (thigh against trunk)",
            values["held_hip"],
            "deg",
            None,
            confidence_of(fractions["held_hip"], UNCHECKED),
            fractions["held_hip"],
        ),
        finding(
            "table_line_tilt",
            "lying trunk against the image horizontal",
            values["tilt"],
            "deg",
            None,
            confidence_of(fractions["tilt"], UNCHECKED),
            fractions["tilt"],
        ),
    ]
    return found, values


def run(series: PeopleSeries, tables: list[MeasureTable]) -> AssessmentResult:
    """Read the modified Thomas test (module notes)."""
    table, warnings = pick_person(tables)
    if table is None:
        return _not_read(None, "no person found in the footage")
    seen = seen_rows(table)
    in_frame = (Landmark.LEFT_HIP, Landmark.RIGHT_HIP, Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE)
    check = check_view(table, seen, "side", WHAT, in_frame=in_frame)
    warnings += check.warnings
    if not check.ok:
        return _not_read(table.person, check.message, warnings)
    points = person_points(series, table.person)
    geometry = lying_geometry(points)
    tilt = float(np.nanmedian(np.where(seen, geometry["tilt"], np.nan)))
    if not abs(tilt) <= MAX_LYING_TILT_DEG:
        return _not_read(
            table.person,
            f"the trunk is {abs(tilt):.0f} deg from the image horizontal: {WHAT} needs the person lying on "
            "their back on a table, filmed from the side with the camera level",
            warnings,
        )
    lying = seen & (np.abs(geometry["tilt"]) <= MAX_LYING_TILT_DEG)
    held_side = "left" if np.mean(geometry["held_left"][lying]) >= 0.5 else "right"
    hanging_side = "right" if held_side == "left" else "left"
    if not float(np.nanmedian(geometry["held_hip"][lying])) >= MIN_HELD_FLEXION_DEG:
        return _not_read(
            table.person,
            "no knee is held toward the chest: hold one knee to the chest, the "
            "other leg hanging over the table's edge",
            warnings,
        )
    side_check = check_near_side(
        near_side_by_depth(points.world)[lying],
        table.person,
        hanging_side,
        WHAT,
        "the hanging leg must face the camera",
    )
    if not side_check.ok:
        return _not_read(table.person, side_check.message, warnings)
    stance = held_stance(series, table.person, lying, WINDOW_S, MIN_WINDOW_S)
    if stance.rows is None:
        return _not_read(
            table.person,
            f"no still hold of {MIN_WINDOW_S:g} s found: keep the test position still for {WINDOW_S:g} s",
            warnings,
        )
    warnings += stance.warnings
    neutral = table.hip_neutral
    offset = neutral.offset_deg if neutral is not None else None
    found, values = _findings(geometry, stance.rows, offset)
    if offset is None:
        warnings += (AnalysisWarning(WarningCode.RAW_THIGH_ANGLE, {"offset_deg": RAW_OFFSET_DEG}),)
    if abs(values["tilt"]) > TILT_WARNING_DEG:
        tilted = {"tilt_deg": abs(values["tilt"]), "limit_deg": TILT_WARNING_DEG}
        warnings += (AnalysisWarning(WarningCode.TRUNK_TILTED, tilted),)
    if values["held_hip"] < FLAT_BACK_FLEXION_DEG:
        held = {"flexion_deg": values["held_hip"], "limit_deg": FLAT_BACK_FLEXION_DEG}
        warnings += (AnalysisWarning(WarningCode.HELD_HIP_LOW, held),)
    return AssessmentResult(
        assessment=NAME,
        people=(table.person,),
        view_ok=True,
        view_message=f"{check.message}; lying, {side_check.message}; {hanging_side} leg hanging",
        findings=tuple(found),
        interpretation=tuple(
            _interpretation(
                hanging_side,
                values["hanging_thigh"],
                values["hanging_knee"],
                values["held_hip"],
                str(found[0].value),
            )
        ),
        warnings=warnings,
        details={
            "hanging_side": hanging_side,
            "held_side": held_side,
            "window": stance.info,
            "hanging_thigh_trunk_deg": values["hanging_thigh_trunk"],
            "hip_angle_graded": "hanging thigh angle minus your own upright neutral"
            if offset is not None
            else "hanging thigh angle against the lying trunk line (no neutral)",
            "hip_neutral": neutral.to_dict() if neutral is not None else None,
        },
        education_topic=TOPIC,
    )


ASSESSMENT = Assessment(
    name=NAME,
    title=TITLE,
    purpose=(
        "Check the length of the hip flexors of one side: whether the hanging thigh reaches the table line "
        "(one-joint hip flexors, iliopsoas) and how far the hanging knee bends (two-joint, rectus femoris)."
    ),
    instructions=(
        "You need a firm table or bench and a helper. Sit at its very end, then lie back while pulling "
        "both knees to the chest.",
        "Hold one knee firmly to the chest with both hands so the low back lies flat; let the other leg "
        "hang over the edge, relaxed, the thigh free of the table.",
        "Place the camera level, at table height, 2-3 m away, square to the side of the HANGING leg, with "
        "the head, hips and the hanging foot in the picture.",
        "Start the clip standing upright, side-on to the camera, for 2-3 seconds before you lie down: this "
        "sets your own upright neutral, the zero the hanging thigh is graded from.",
        "Wear shorts. Stay relaxed and still for 5 seconds.",
        "Repeat with the other leg hanging, filming from that side (a second clip).",
    ),
    view_needed="side view, from the side of the hanging leg; person lying on the back",
    input_kind="any",
    max_people=1,
    needs_masks=False,
    measures_used=("hip, knee, ankle, shoulder landmark paths (angles against the lying trunk)",),
    summary_method=(
        "median over the steadiest 3 s (at least 1 s) of the lying position, or over all photos; the "
        "reading from the cut-offs of the module notes"
    ),
    norms=(THIGH_NORM, KNEE_NORM, GRADE_NORM),
    education_topic=TOPIC,
    runner=run,
)
