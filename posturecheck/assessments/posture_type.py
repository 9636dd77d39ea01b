"""A rule-based posture-type reading in the tradition of Kendall's standing posture types.

Kendall, McCreary, Provance, Rodgers and Romani, *Muscles: Testing and
Function, with Posture and Pain* (5th ed., 2005), describe standing
alignment against a plumb line seen from the side and name the common
faulty types. In words, the ones read here:

* **ideal**: the line passes through the ear lobe, the shoulder joint, the
  greater trochanter, slightly in front of the knee and slightly in front of
  the lateral malleolus; the lumbar curve is normal.
* **lordotic** (including kyphotic-lordotic): an increased lumbar curve,
  the pelvis tilted forward.
* **sway-back**: the pelvis displaced forward of the line, the upper trunk
  swayed back behind it; the hips extended, the pelvis tilted back.
* **flat-back**: a flattened lumbar curve, the pelvis tilted back.

This module does not see bones. It reads **proxies** (landmark plumb-line
offsets in % of standing height and the silhouette's lumbar-curve angle,
see ``docs/measurements.md``) against bands chosen for this tool, listed
below. The bands are judgement, not published cut-offs: the landmark
offsets are joint-centre estimates and the silhouette angle is uncalibrated,
so every reading that rests on the silhouette is given low confidence at
most. The rules, in order:

1. pelvis forward (mid-hip at least :data:`HIP_FORWARD_PCT` in front of the
   ankle line) **and** upper trunk back (mid-shoulder at least
   :data:`SHOULDER_BEHIND_PCT` behind the mid-hip): **sway-back**, with high
   confidence, or low when either offset lies within :data:`MARGIN_PCT` of
   its band's edge;
2. else, with the lumbar-curve angle measured: at least
   :data:`LORDOTIC_CURVE_DEG` **lordotic**, at most :data:`FLAT_CURVE_DEG`
   **flat-back**, in between **ideal**;
3. else (no silhouette): **ideal** when the ear, shoulder and hip lie
   within :data:`NEAR_LINE_PCT` of the ankle line, with low confidence
   since lordotic and flat-back cannot be told apart from it; otherwise
   **undetermined**.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from posturecheck.assessments.result import UNDETERMINED, Confidence

POSTURE_TYPES = ("ideal", "lordotic", "sway-back", "flat-back", UNDETERMINED)

# Tool bands (module notes), % of standing height or degrees.
HIP_FORWARD_PCT = 3.0
SHOULDER_BEHIND_PCT = 2.0
NEAR_LINE_PCT = 3.0
LORDOTIC_CURVE_DEG = 50.0
FLAT_CURVE_DEG = 20.0
# A plumb-line offset this close to a sway-back band's edge (% of height) makes that reading low
# confidence. The lumbar-curve bands need no margin: every reading resting on them is low already.
MARGIN_PCT = 1.0


@dataclass(frozen=True)
class PostureProxies:
    """The proxies a reading rests on; NaN where not measured.

    Attributes
    ----------
    ear_pct, shoulder_pct, hip_pct : plumb-line offsets of the mid-ear,
        mid-shoulder and mid-hip, % of standing height, + in front of the
        vertical through the mid-ankle.
    lumbar_curve_deg : silhouette lumbar-curve angle, degrees, + lordotic.
    """

    ear_pct: float
    shoulder_pct: float
    hip_pct: float
    lumbar_curve_deg: float = math.nan


@dataclass(frozen=True)
class PostureReading:
    """A posture-type reading.

    Attributes
    ----------
    posture_type : one of :data:`POSTURE_TYPES`.
    confidence : "high", "low" or "none" (module notes).
    reasons : the rule outcomes it rests on, in words.
    """

    posture_type: str
    confidence: Confidence
    reasons: tuple[str, ...]


def _near(value: float, edge: float, margin: float) -> bool:
    return abs(value - edge) < margin


def read_posture_type(proxies: PostureProxies) -> PostureReading:
    """Apply the rules of the module notes to ``proxies``."""
    hip, shoulder, ear = proxies.hip_pct, proxies.shoulder_pct, proxies.ear_pct
    curve = proxies.lumbar_curve_deg
    if not (math.isfinite(hip) and math.isfinite(shoulder)):
        return PostureReading(
            UNDETERMINED, "none", ("plumb-line offsets of the hip and shoulder not measured",)
        )
    behind = hip - shoulder
    reasons = [
        f"mid-hip {hip:+.1f}% of height from the ankle line (pelvis forward from {HIP_FORWARD_PCT:g}%)",
        f"mid-shoulder {behind:.1f}% of height behind the mid-hip "
        f"(upper trunk back from {SHOULDER_BEHIND_PCT:g}%)",
    ]
    borderline = _near(hip, HIP_FORWARD_PCT, MARGIN_PCT) or _near(behind, SHOULDER_BEHIND_PCT, MARGIN_PCT)
    if hip >= HIP_FORWARD_PCT and behind >= SHOULDER_BEHIND_PCT:
        return PostureReading("sway-back", "low" if borderline else "high", tuple(reasons))
    if math.isfinite(curve):
        reasons.append(
            f"silhouette lumbar-curve angle {curve:.0f} deg (flat up to {FLAT_CURVE_DEG:g}, "
            f"lordotic from {LORDOTIC_CURVE_DEG:g}; uncalibrated bands)"
        )
        if curve >= LORDOTIC_CURVE_DEG:
            return PostureReading("lordotic", "low", tuple(reasons))
        if curve <= FLAT_CURVE_DEG:
            return PostureReading("flat-back", "low", tuple(reasons))
        return PostureReading("ideal", "low", tuple(reasons))
    reasons.append("lumbar curve not measured (no silhouette): lordotic and flat-back cannot be told")
    points = (ear, shoulder, hip)
    if all(math.isfinite(p) and abs(p) <= NEAR_LINE_PCT for p in points):
        reasons.append(f"ear, shoulder and hip within {NEAR_LINE_PCT:g}% of height of the ankle line")
        return PostureReading("ideal", "low", tuple(reasons))
    return PostureReading(UNDETERMINED, "none", tuple(reasons))
