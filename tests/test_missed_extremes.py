"""An extreme the valid frames miss is found, made low confidence and said, never shown as "high".

Seen on the rendered body walking 15 deg off the side: the view estimate
crossed the side-view limit at every stride, the valid frames held the right
hip at 5.2 deg at most, marked high confidence, while the frames left out for
the view read 25.6 deg. These tests rebuild that shape: a swing whose top
half is gated by the view.
"""

from __future__ import annotations

import numpy as np
import pytest

from posturecheck.analyze import measure_warnings
from posturecheck.measures.extremes import sustained_extreme
from posturecheck.measures.missed_extremes import MISSED_MARGIN_DEG, missed_extremes, view_gated
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.reasons import AnalysisWarning, Invalid, WarningCode, reason_line
from posturecheck.measures.summary import MeasureSummary, PersonSummary, PersonView, summarize_measure
from posturecheck.measures.table import Measure
from tests.test_summary import stepping_series


def view_line(code: Invalid, off_side_deg: float, limit: str, measure: str = "hip flexion") -> str:
    """The reason line of a frame left out for the view, ``off_side_deg`` from the side."""
    return reason_line(code, view="oblique", measure=measure, also="", off_side_deg=off_side_deg, limit=limit)


SIDE_VIEW = view_line(Invalid.NEEDS_SIDE_VIEW, 21.0, "limit 15")
JUMP = reason_line(Invalid.GLITCH_JUMP, joint="left hip", step_deg=80.0)

TIMES = np.arange(120) / 30.0
# Two strides of a hip swinging -10..30 deg; the frames above 10 deg are left out for the view.
SWING = 10.0 + 20.0 * np.sin(2 * np.pi * TIMES)


def missed_extreme(
    values: np.ndarray, valid: np.ndarray, reason: np.ndarray, times: np.ndarray, largest: bool = True
) -> float | None:
    """The missed peak (``largest``) or trough of :func:`missed_extremes`."""
    return missed_extremes(values, valid, reason, times)[0 if largest else 1]


def gated_swing(line: str = SIDE_VIEW, above: float = 10.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    valid = np.less_equal(SWING, above)
    reason = np.where(valid, "", line).astype(object)
    return SWING.copy(), valid, reason


def test_a_peak_in_frames_left_out_for_the_view_is_what_the_valid_frames_missed() -> None:
    values, valid, reason = gated_swing()
    missed = missed_extreme(values, valid, reason, TIMES)
    # The gated frames hold the top of the swing (the value held over 3 frames at 30 fps).
    top = 10.0 + 20.0 * np.sin(2 * np.pi * 6 / 30)
    assert missed == pytest.approx(top, abs=1e-9)
    # The trough is in valid frames: nothing missed there.
    assert missed_extreme(values, valid, reason, TIMES, largest=False) is None


def test_a_trough_missed_is_found_the_same_way() -> None:
    values, valid, reason = gated_swing()
    flipped = -values
    assert missed_extreme(flipped, valid, reason, TIMES, largest=False) == pytest.approx(
        -missed_extreme(values, valid, reason, TIMES)  # type: ignore[operator]
    )


def test_readings_within_the_margin_of_the_valid_extreme_are_not_a_miss() -> None:
    for above in np.arange(0.0, 30.0, 0.5):
        values, valid, reason = gated_swing(above=float(above))
        shown = sustained_extreme(values, valid, TIMES).value
        seen = sustained_extreme(values, ~valid, TIMES).value
        missed = missed_extreme(values, valid, reason, TIMES)
        if seen - shown > MISSED_MARGIN_DEG:
            assert missed == seen
        else:
            assert missed is None
    # Both cases happen over these thresholds.
    assert missed_extreme(*gated_swing(above=5.0), TIMES) is not None
    assert missed_extreme(*gated_swing(above=28.0), TIMES) is None


def test_only_frames_left_out_for_the_view_count_and_a_brief_reading_does_not() -> None:
    values, valid, reason = gated_swing(line=JUMP)
    assert missed_extreme(values, valid, reason, TIMES) is None
    far = view_line(Invalid.NEEDS_SIDE_VIEW, 31.0, "limit 15")
    front = view_line(Invalid.NEEDS_FRONT_VIEW, 70.0, "needs 80", "pelvic obliquity")
    side_for_front = view_line(Invalid.NEEDS_FRONT_VIEW, 10.0, "needs 80", "pelvic obliquity")
    lines = ["", SIDE_VIEW, JUMP, "facing direction unclear", far, front, side_for_front]
    # Only views at most 15 deg past the limit: 21 of 15 and 70 of 80 count, 31 of 15 and 10 of 80 do not.
    assert view_gated(np.array(lines, dtype=object)).tolist() == [
        False,
        True,
        False,
        False,
        False,
        True,
        False,
    ]
    values, valid, reason = gated_swing(line=far)
    assert missed_extreme(values, valid, reason, TIMES) is None
    # Two gated frames at 60 deg: shorter than the hold every extreme needs.
    values = np.full(TIMES.size, 10.0)
    valid = np.ones(TIMES.size, bool)
    reason = np.array([""] * TIMES.size, dtype=object)
    values[50:52], valid[50:52], reason[50:52] = 60.0, False, SIDE_VIEW
    assert missed_extreme(values, valid, reason, TIMES) is None
    values[50:53], valid[50:53], reason[50:53] = 60.0, False, SIDE_VIEW
    assert missed_extreme(values, valid, reason, TIMES) == 60.0


def test_without_a_valid_extreme_nothing_is_shown_so_nothing_is_missed() -> None:
    values, _, reason = gated_swing()
    reason[:] = SIDE_VIEW
    assert missed_extreme(values, np.zeros(TIMES.size, bool), reason, TIMES) is None


def test_a_summary_with_a_missed_peak_is_low_confidence_says_it_and_keeps_it() -> None:
    series, _ = stepping_series()
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    n = series.n_frames
    values, valid, reason = gated_swing()
    values, valid, reason = values[:n], valid[:n], reason[:n]
    in_view = np.ones(n, bool)
    everywhere = np.ones(n, bool)
    blank = np.full(n, "", dtype=object)
    whole = summarize_measure(
        Measure("hip_flexion_right", values, everywhere, blank, "deg", "2d"), table, in_view
    )
    assert whole.confidence == "high" and whole.max_missed is None and whole.min_missed is None
    gated = summarize_measure(
        Measure("hip_flexion_right", values, valid, reason, "deg", "2d"), table, in_view
    )
    assert gated.fraction_valid_in_view >= 0.5 and gated.expected_error_deg is not None
    assert gated.max is not None and gated.max <= 10.0
    assert gated.max_missed == pytest.approx(whole.max, abs=0.01) and gated.min_missed is None
    assert gated.confidence == "low"
    assert MeasureSummary.from_dict(gated.to_dict()) == gated
    side_view = PersonView("side", {"side": 1.0}, 0.0, "image right", "3d")
    person = PersonSummary(1, side_view, measures={"hip_flexion_right": gated})
    assert measure_warnings([person]) == [
        AnalysisWarning(
            WarningCode.HIP_EXTREME_MISSED,
            {
                "person": 1,
                "side": "right",
                "extreme": "max",
                "shown_deg": gated.max,
                "missed_deg": gated.max_missed,
            },
        )
    ]


def test_an_older_summary_without_the_missed_extremes_reads_as_none() -> None:
    old = {
        "unit": "deg",
        "method": "2d",
        "fraction_valid": 0.8,
        "confidence": "high",
        "max": 30.0,
        "min": -10.0,
    }
    read = MeasureSummary.from_dict(old)
    assert read.max_missed is None and read.min_missed is None
