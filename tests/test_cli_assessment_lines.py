"""How ``posturecheck analyze --assessment`` prints a result: notes shown, each source named once."""

from __future__ import annotations

from posturecheck.assessments.result import AssessmentResult, NormalRange, finding
from posturecheck.cli import assessment_lines
from posturecheck.measures.expected_error import ErrorBand
from posturecheck.measures.uncertainty import interval_95

BAND = ErrorBand("frontal", "2d", True, 75.0, 90.0, 5.0, 0.02, 123)
SOURCE = "approximately 10-20 deg, as commonly cited from a gait textbook"


def test_notes_are_printed_and_a_repeated_source_is_named_once() -> None:
    norm = NormalRange("peak hip extension", 10.0, 20.0, source=SOURCE)
    result = AssessmentResult(
        assessment="gait",
        people=(0,),
        view_ok=True,
        view_message="side view",
        findings=(
            finding("stride_1", "stride 1", 12.0, "deg", norm, "high", 0.9, interval=interval_95(BAND)),
            finding("stride_2", "stride 2", 25.0, "deg", norm, "low", 0.4, note="left out of the means"),
        ),
    )
    text = "\n".join(assessment_lines(result))
    # MAE 5 deg read as a normal error: 95 % half-width 1.96 x 1.2533 x 5 = 12.3 deg.
    assert "stride 1: 12.0 ± 12 deg  [within; confidence high, 90% of frames]" in text
    assert "stride 2: 25.0 deg (no uncertainty recorded)  [above; confidence low, 40% of frames]" in text
    assert "note: left out of the means" in text
    assert text.count(SOURCE) == 1 and "normal: 10 to 20 (source as above)" in text
