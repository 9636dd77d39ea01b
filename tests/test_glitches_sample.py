"""Issue 11, observation 1 on the real clip: glitches and first glimpses of samples/two_people.mp4.

``posturecheck analyze samples/two_people.mp4 --people 4 --assessment class``: person 2 (the walker,
in view from about 1.6 s to 6.7 s) had both hips jump from about 5 to 84 (left) and 66 (right)
degrees and back within 3 frames at 5.40-5.47 s, the model having put the knees at the hands;
every frame was valid and the class review's "most hip flexion" was 56.9 / 46.1 deg. Person 1
(the jumper from the wall) read 131-137 deg of hip flexion in the first frames after landing back
in view at 6.70 s, and the class review showed 109 deg for the right hip.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file
from posturecheck.measures.table import MeasureTable
from tests.media import TWO_PEOPLE_CLIP

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_people(tmp_path_factory: pytest.TempPathFactory) -> AnalysisResult:
    out: Path = tmp_path_factory.mktemp("two_people")
    options = AnalyzeOptions(
        out_dir=out, num_people=4, progress=False, annotated_video=False, assessment="class"
    )
    return analyze_file(TWO_PEOPLE_CLIP, options)


def _walker(analysis: AnalysisResult) -> MeasureTable:
    """The person first seen between 1.3 and 2.0 s (the walker crossing the lower half)."""
    (table,) = [
        t
        for t in analysis.tables
        if 1.3 <= analysis.series.times_s[np.flatnonzero(analysis.series.detected[:, t.person])[0]] <= 2.0
    ]
    return table


def _jumper(analysis: AnalysisResult) -> MeasureTable:
    """The person seen landing back in view at 6.70 s."""
    (table,) = [
        t for t in analysis.tables if analysis.series.detected[analysis.series.times_s > 6.69][0, t.person]
    ]
    return table


def test_the_walkers_three_frame_hip_glitch_is_rejected_as_an_implausible_jump(
    two_people: AnalysisResult,
) -> None:
    walker = _walker(two_people)
    glitch = (walker.times_s > 5.38) & (walker.times_s < 5.48)
    assert glitch.sum() == 3
    for side in ("left", "right"):
        hip = walker.measures[f"hip_flexion_{side}"]
        assert not hip.valid[glitch].any()
        assert all(reason.startswith("implausible jump") for reason in hip.reason[glitch])
        # The 0.1 s either side read 21-29 deg, some 20 deg off the model's own (unfiltered) values
        # there, when the low-pass filter smeared the spike into them; now they follow those values
        # (the right hip really does swing forward to about 20 deg just after the glitch).
        around = (walker.times_s > 5.28) & (walker.times_s < 5.62) & hip.valid
        unfiltered = walker.raw[f"hip_flexion_{side}"].values[around]
        assert around.sum() == 7 and np.abs(hip.values[around] - unfiltered).max() < 8.0


def test_the_first_frames_after_coming_into_view_are_not_trusted(two_people: AnalysisResult) -> None:
    jumper = _jumper(two_people)
    first = (jumper.times_s > 6.69) & (jumper.times_s < 6.78)
    assert first.sum() == 3
    for side in ("left", "right"):
        hip = jumper.measures[f"hip_flexion_{side}"]
        assert not hip.valid[first].any()
        assert set(hip.reason[first]) == {"just came into view"}


def test_class_review_most_hip_flexion_is_a_held_trusted_value(two_people: AnalysisResult) -> None:
    result = two_people.assessment
    assert result is not None and result.view_ok
    walker, jumper = _walker(two_people), _jumper(two_people)
    for side in ("left", "right"):
        # The walker never lifts a knee: no glitch may make them look as if they did.
        most = result.finding(f"person_{walker.person + 1}_peak_hip_flexion_{side}").value
        assert most is not None and most <= 50.0, (side, most)
    # The jumper lands in a deep crouch (hip flexion about 110 deg at 6.80 s, seen in the clip) and rises
    # out of it within 0.1 s: the right hip's most flexion held for 0.1 s is the third frame's, not the
    # 131-137 deg guessed in the first frames nor the single-frame 113.
    most_right = result.finding(f"person_{jumper.person + 1}_peak_hip_flexion_right").value
    assert most_right is not None and most_right < 100.0
