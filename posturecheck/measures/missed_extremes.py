"""Extremes the valid frames miss: readings beyond them in frames left out only for the view.

A measure's peak is the largest value its *valid* series held
(:mod:`posturecheck.measures.extremes`). Where the view gates part of a
movement (a walker filmed a little off the side, whose view estimate crosses
the side-view limit at every stride; a knee raised while turned toward the
camera), the valid frames can all fall on one part of the movement, and
their peak, however steady, is not the movement's. On the rendered body
walking 15 deg off the side (``benchmarks/validation_rendered.py``), the
right hip's valid peak was 5.2 deg, marked high confidence, while the frames
left out for the view held 25.6 deg; the true peak was about 25 deg.

Evidence here is the frames whose only fault is the view (:data:`VIEW_CODES`)
and whose view was at most :data:`VIEW_SLACK_DEG` past the measure's limit:
their angles are computed from landmarks the model saw, and a view a little
past the limit bends an angle by degrees, not tens. Frames left
out as untrustworthy (glitches, overlaps, the ends of a track, the picture's
edge) have no value; unseen joints and missing references are not evidence
either. An extreme is *missed* when those frames held a value (for
:data:`~posturecheck.measures.extremes.MIN_HOLD_S`, as every extreme) more
than :data:`MISSED_MARGIN_DEG` beyond it.
"""

from __future__ import annotations

import math

import numpy as np

from posturecheck.measures.extremes import sustained_extreme
from posturecheck.measures.reasons import Invalid, read_reason

# Invalid codes that say only that the view does not suit the measure (their lines name the view
# and the limit).
VIEW_CODES = frozenset({Invalid.NEEDS_SIDE_VIEW, Invalid.NEEDS_FRONT_VIEW})

# Degrees past its limit a frame's view may be and still count: a sagittal angle read 15 deg past
# the side-view limit (30 deg from the side) is bent by degrees; read from the front it is no
# evidence at all, nor is a frontal angle read from the side.
VIEW_SLACK_DEG = 15.0

# Degrees a reading in view-gated frames must lie beyond the valid extreme to count: above the
# 95 % half-width of the side-view hip error (about 9 deg), so readings within the error of the
# valid extreme, from a view a few degrees past the limit, do not.
MISSED_MARGIN_DEG = 10.0


def _near_the_limit(line: str) -> bool:
    """A line of one of :data:`VIEW_CODES` with the view at most :data:`VIEW_SLACK_DEG` past its limit."""
    reason = read_reason(line)
    if reason is None or reason.code not in VIEW_CODES:
        return False
    try:
        off_side = float(reason.numbers["off_side_deg"])
        limit = float(reason.numbers["limit"].split()[-1])  # "limit 15" (side), "needs 80" (front)
    except (KeyError, ValueError, IndexError):
        return False
    past = off_side - limit if reason.code is Invalid.NEEDS_SIDE_VIEW else limit - off_side
    return past <= VIEW_SLACK_DEG


def view_gated(reason: np.ndarray) -> np.ndarray:
    """(F,) bool: frames left out only because the view was past the measure's limit, by at most
    :data:`VIEW_SLACK_DEG` (their reason lines, ``Measure.reason``)."""
    reason = np.asarray(reason, dtype=object)
    if reason.size == 0:
        return np.zeros(0, dtype=bool)
    # Sorted as Python strings: a fixed-width str copy would cost 4 bytes per character of the
    # longest line, per frame.
    lines, inverse = np.unique(reason, return_inverse=True)
    gated = np.array([_near_the_limit(str(line)) for line in lines], dtype=bool)
    return gated[inverse.reshape(reason.shape)]


def missed_extremes(
    values: np.ndarray, valid: np.ndarray, reason: np.ndarray, times_s: np.ndarray
) -> tuple[float | None, float | None]:
    """What the view-gated frames held beyond the valid series' largest and smallest values.

    Parameters
    ----------
    values : (F,) the measure per frame (degrees), NaN where not computed.
    valid : (F,) bool, the frame's value is trusted.
    reason : (F,) the reason line of each frame not valid (``""`` where valid).
    times_s : (F,) frame times, seconds.

    Returns
    -------
    (float or None, float or None)
        For the largest extreme (the peak), then the smallest (the trough):
        the value the view-gated frames held for ``MIN_HOLD_S`` when it lies
        more than :data:`MISSED_MARGIN_DEG` beyond the valid series' own;
        ``None`` otherwise, and when the valid series holds no such extreme
        (nothing is shown that could be wrong).
    """
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    valid = np.asarray(valid, dtype=bool) & finite
    candidates = np.flatnonzero(finite & ~valid)
    if not valid.any() or candidates.size == 0:
        return None, None
    gated = np.zeros(values.shape, dtype=bool)
    gated[candidates] = view_gated(np.asarray(reason, dtype=object)[candidates])
    found: list[float | None] = []
    for largest in (True, False):
        shown = sustained_extreme(values, valid, times_s, largest=largest).value
        seen = sustained_extreme(values, gated, times_s, largest=largest).value if gated.any() else math.nan
        beyond = seen - shown if largest else shown - seen
        found.append(float(seen) if math.isfinite(beyond) and beyond > MISSED_MARGIN_DEG else None)
    return found[0], found[1]


def capped_confidence(confidence: str, missed: tuple[float | None, float | None]) -> str:
    """``confidence`` ("high", "low", "none"), made "low" when :func:`missed_extremes` found a miss."""
    return "low" if confidence == "high" and missed != (None, None) else confidence
