"""The words and number formats a report uses: units, the fixed statements (labels: the measure catalogue)."""

from __future__ import annotations

import math

from posturecheck.measures.uncertainty import Interval95

WHAT_IT_MEASURES = (
    "posturecheck estimates body landmarks (shoulders, hips, knees, ankles, head) in each video frame "
    "with Google's MediaPipe pose model and computes joint and posture angles from them: hip and knee "
    "flexion, thigh and trunk inclination, frontal tilts, a plumb-line check and a forward-head proxy. "
    "Each value is kept only in frames where the camera's view, the person's size in the picture and "
    "the landmarks' visibility support it; the share of such frames is shown beside every figure."
)
NOT_A_DIAGNOSIS = (
    "This report is a measurement and education aid, not a medical device and not a diagnosis. "
    "Angles from a single ordinary camera are estimates: the thigh-to-trunk angle includes lower-back "
    "and pelvic motion, the landmarks are the model's guesses of joint centres, and the figures depend "
    "on how the clip was filmed. A qualified clinician interprets them together with a physical "
    "examination."
)
PRIVACY = "Made on this computer; nothing was sent anywhere. Faces in the pictures are blurred."
PRIVACY_UNBLURRED = (
    "Made on this computer; nothing was sent anywhere. Faces in the pictures are NOT blurred (asked for "
    "when the report was made)."
)

# What a figure without a 95 % interval says instead (posturecheck.measures.uncertainty, "No interval").
NO_INTERVAL = "no uncertainty recorded"
# The legend entry of the band drawn around per-frame values (measures.uncertainty.frame_half_width).
BAND_LABEL = "95% interval (measured error for this view)"
INTERVAL_NOTE = (
    "± is a 95 % interval: the error measured against a reference (real multi-camera footage; for "
    "side views a rendered body with known angles) for the figure's view and method, with the "
    "spread between strides or repetitions where the figure is their mean (docs/measurements.md)."
)

STATUS_WORDS = {
    "within": "within range",
    "below": "below range",
    "above": "above range",
    "outside": "outside range",
    "unknown": "no reference",
}


def format_value(value: float | str | None, unit: str, digits: int = 1) -> str:
    """A figure with its unit, e.g. ``"28.3°"``, ``"−4.1 %"``, ``"98.0 steps/min"``, ``"3"`` (a count).

    Negative numbers get a true minus sign; ``"–"`` stands for a missing value.
    """
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if not math.isfinite(value):
        return "–"
    if unit == "count":
        return f"{value:.0f}"
    number = f"{value:.{digits}f}".replace("-", "−")
    if unit == "deg":
        return f"{number}°"
    return f"{number} {unit}" if unit else number


def format_share(fraction: float | None) -> str:
    """A 0..1 share as a whole percentage, ``"–"`` when missing."""
    return "–" if fraction is None else f"{fraction:.0%}"


def format_range(low: float | None, high: float | None, unit: str) -> str:
    """A reference range in words: ``"10° to 20°"``, ``"at least 10°"``, ``"at most 20°"``."""
    if low is not None and high is not None:
        return f"{format_value(low, unit)} to {format_value(high, unit)}"
    if low is not None:
        return f"at least {format_value(low, unit)}"
    if high is not None:
        return f"at most {format_value(high, unit)}"
    return ""


def format_plus_minus(interval: Interval95 | None, degree_sign: str = "°") -> str:
    """``"± 32°"``: a 95 % half-width in whole degrees; ``""`` without an interval."""
    if interval is None:
        return ""
    return f"± {interval.half_width_deg:.0f}{degree_sign}"
