"""Summaries rest on valid frames only and say how many, with a confidence label."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.summary import confidence_label, summarize_table
from posturecheck.pose.series import PoseSeries
from tests.synthetic_skeleton import BodyPose, Camera, make_series


def stepping_series() -> tuple[PoseSeries, np.ndarray]:
    """A side view of alternating hip flexion, 0..40 deg, 2 s at 30 fps."""
    times = np.arange(60) / 30
    poses = [
        BodyPose(hip_flexion_left=20 + 20 * np.sin(2 * np.pi * t), hip_flexion_right=10.0) for t in times
    ]
    return make_series(poses, Camera(), fps=30.0), times


def test_range_of_motion_and_confidence_from_valid_frames() -> None:
    series, _ = stepping_series()
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    summary = summarize_table(table, series.detected[:, 0])
    hip = summary["measures"]["hip_flexion_left"]
    # The top at 0.25 s falls between frames 7 and 8; the value held over 3 frames (6-8) is frame 6's.
    held = 20 * np.sin(2 * np.pi * 6 / 30)
    assert hip["max"] == pytest.approx(20 + held, abs=0.01)
    assert hip["min"] == pytest.approx(20 - held, abs=0.01)
    assert hip["fraction_valid"] == 1.0 and hip["confidence"] == "high"
    assert summary["view"]["label"] == "side"
    assert len(summary["hip_flexion_repetitions"]["left"]) == 2


def test_frames_without_the_person_do_not_lower_confidence() -> None:
    series, _ = stepping_series()
    in_view = np.ones(series.n_frames, bool)
    in_view[:40] = False
    image = series.image.copy()
    image[:40] = np.nan
    gone = replace(series, image=image, world=np.where(in_view[:, None, None, None], series.world, np.nan))
    table = compute_measures(gone, 0, MeasureOptions(cutoff_hz=None))
    hip = summarize_table(table, in_view)["measures"]["hip_flexion_left"]
    # The first 3 frames after coming into view (0.1 s) are not trusted.
    assert hip["fraction_valid"] == pytest.approx(17 / 60, abs=0.01)
    assert hip["fraction_valid_in_view"] == pytest.approx(17 / 20) and hip["confidence"] == "high"


def test_confidence_labels() -> None:
    assert [confidence_label(f) for f in (0.0, 0.3, 0.5, 1.0)] == ["none", "low", "high", "high"]
