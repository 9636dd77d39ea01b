"""End to end on the real sample walk: landmarks file, summary, browser-playable video."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file
from posturecheck.landmarks import Landmark
from posturecheck.measures.pipeline import MeasureOptions
from posturecheck.measures.reasons import WarningCode
from posturecheck.measures.summary import CONFIDENT_MAE_DEG
from posturecheck.pose.series import PoseSeries
from tests.media import WALK_CLIP, frame_of

pytestmark = pytest.mark.slow


def test_walker_is_found_while_in_view(walk_analysis: AnalysisResult) -> None:
    series = walk_analysis.series
    assert series.n_frames == 230
    seen = series.detected[:, 0]
    # The walker enters at about 1.9 s and crosses the frame until about 6.5 s
    # (then the person from the wall, off-crop until then, runs in at the right edge).
    walking = (series.times_s >= 2.2) & (series.times_s <= 6.3)
    assert seen[walking].mean() > 0.95
    assert not seen[series.times_s < 1.5].any()
    # Side view walking right to left: the hips move left over time.
    hip_x = series.image[walking & seen, 0, Landmark.LEFT_HIP, 0]
    assert hip_x[0] - hip_x[-1] > 0.5


def test_landmarks_file_round_trips(walk_analysis: AnalysisResult) -> None:
    loaded = PoseSeries.load(walk_analysis.landmarks_path)
    np.testing.assert_array_equal(loaded.image, walk_analysis.series.image)
    assert loaded.masks is not None and loaded.source.model_sha256.startswith("32c31069")
    mask = loaded.mask(150, 0)
    assert mask is not None and 0.01 < mask.mean() < 0.2  # a person-sized silhouette


def test_summary_json(walk_analysis: AnalysisResult) -> None:
    summary = json.loads(walk_analysis.summary_path.read_text())
    assert summary["frames_analysed"] == 230
    assert summary["source"]["width"] == 1280 and summary["source"]["fps"] == 30.0
    assert summary["people"][0]["first_seen_s"] == pytest.approx(1.9, abs=0.3)
    assert any(warning["code"] == "low_presence" for warning in summary["warnings"])


def test_annotated_video_is_h264_with_every_frame(walk_analysis: AnalysisResult) -> None:
    assert walk_analysis.video_path is not None
    with av.open(str(walk_analysis.video_path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        times = [float(frame.time) for frame in container.decode(stream)]
    assert len(times) == 230
    np.testing.assert_allclose(times, walk_analysis.series.times_s, atol=0.001)


def test_photo_is_analysed_in_image_mode(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "walker.png"), frame_of(WALK_CLIP, 150))
    result = analyze_file(tmp_path / "walker.png", AnalyzeOptions(out_dir=tmp_path / "out", progress=False))
    assert result.series.n_frames == 1 and result.series.detected[0, 0]
    assert result.video_path is None and result.series.source.kind == "image"


def test_walker_and_later_runner_get_different_ids(walk_analysis: AnalysisResult) -> None:
    series = walk_analysis.series
    assert series.n_people == 2
    walker, runner = series.detected[:, 0], series.detected[:, 1]
    assert series.times_s[walker].max() < series.times_s[runner].min()


def test_the_result_keeps_its_tracks_and_each_table_the_options_it_used(
    walk_analysis: AnalysisResult,
) -> None:
    tracked = walk_analysis.tracked
    assert tracked.series is walk_analysis.series and len(tracked.tracks) == tracked.series.n_people == 2
    confidences = walk_analysis.summary.tracking.identity_confidence
    assert confidences == tuple(round(track.identity_confidence, 2) for track in tracked.tracks)
    used = replace(MeasureOptions(), camera_roll_deg=walk_analysis.summary.camera_roll.deg)
    assert [table.options for table in walk_analysis.tables] == [used] * len(walk_analysis.tables)


def test_walking_hip_flexion_is_plausible(walk_analysis: AnalysisResult) -> None:
    """Walking: hip flexion peaks of roughly 20-40 deg, extension peaks below 0."""
    walker = walk_analysis.summary.people[0]
    assert walker.view.label == "side"
    for side in ("left", "right"):
        hip = walker.measures[f"hip_flexion_{side}"]
        assert hip.fraction_valid_in_view > 0.6
        # "high" only with an error a reference measured at this view (docs/validation.md).
        checked = hip.expected_error_deg is not None and hip.expected_error_deg <= CONFIDENT_MAE_DEG
        assert hip.confidence == ("high" if checked else "low")
        peaks = [rep.peak_deg for rep in walker.hip_flexion_repetitions[side]]
        assert len(peaks) >= 2 and all(peak is not None and 15 < peak < 45 for peak in peaks), peaks
        assert hip.min is not None and hip.min < 0


def test_csv_has_the_named_columns(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = analyze_file(
        WALK_CLIP, AnalyzeOptions(out_dir=out, progress=False, annotated_video=False, csv_path=out / "w.csv")
    )
    assert result.csv_path is not None
    header = result.csv_path.read_text().splitlines()[0].split(",")
    for name in (
        "time_s",
        "frame",
        "person",
        "hip_flexion_left",
        "hip_flexion_right",
        "knee_flexion_left",
        "knee_flexion_right",
        "thigh_inclination_left",
        "thigh_inclination_right",
        "trunk_inclination",
        "pelvic_obliquity",
        "hip_flexion_left_valid",
        "hip_flexion_left_2d",
        "hip_flexion_left_3d",
    ):
        assert name in header, name


KICK_CLIP = WALK_CLIP.parent / "kick_front_portrait.mp4"


def test_front_view_flags_hip_flexion_instead_of_showing_it(tmp_path: Path) -> None:
    """Real footage filmed from the front: hip flexion is flagged, frontal measures are read."""
    result = analyze_file(KICK_CLIP, AnalyzeOptions(out_dir=tmp_path, progress=False, annotated_video=False))
    source = result.series.source
    assert (source.width, source.height) == (1080, 1920)
    assert (source.inference_width, source.inference_height) == (720, 1280)
    person = result.summary.people[0]
    assert person.view.label == "front"
    hip = person.measures["hip_flexion_left"]
    assert hip.fraction_valid_in_view < 0.2 and hip.confidence != "high"
    assert "front view" in hip.main_reason_invalid
    # A frontal tilt is read against the true horizontal: with the camera roll unknown (taken as
    # level) the error measured on real footage (docs/validation.md) makes it low confidence.
    pelvis = person.measures["pelvic_obliquity"]
    roll_known = result.summary.camera_roll.deg is not None
    assert pelvis.fraction_valid_in_view > 0.9
    assert pelvis.confidence == ("high" if roll_known else "low")
    assert any(warning.code is WarningCode.HIP_FEW_VALID for warning in result.warnings)


def test_several_people_read_from_their_own_frames_give_what_the_whole_series_gives(tmp_path: Path) -> None:
    """Issue 9 item 5: the analysis keeps each tracked person over their own frames and measures
    them there; its CSV, summary figures and landmarks file are byte for byte (figure for figure)
    what measuring and summarising every frame of every tracked person gives."""
    from posturecheck.analyze import people_summary
    from posturecheck.measures.pipeline import compute_measures
    from posturecheck.measures.summary import summarize_table
    from posturecheck.measures.table import write_csv
    from tests.media import TWO_PEOPLE_CLIP

    out = tmp_path / "out"
    options = AnalyzeOptions(out_dir=out, num_people=4, progress=False, csv_path=out / "m.csv")
    result = analyze_file(TWO_PEOPLE_CLIP, options)
    whole = result.tracked.series
    assert whole.n_people >= 2 and result.csv_path is not None
    stored = sum(person.own.n_frames for person in result.tracked.people)
    assert stored == int(whole.detected.sum()), "each person is stored in the frames they are seen in only"
    loaded = PoseSeries.load(result.landmarks_path)
    for name in ("times_s", "frame_index", "image", "world", "visibility", "presence"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(whole, name), err_msg=name, strict=True)
    tables = [compute_measures(whole, table.person, table.options) for table in result.tables]
    assert [t.person for t in tables] == [k for k in range(whole.n_people) if whole.detected[:, k].any()]
    assert write_csv(tables, tmp_path / "whole.csv").read_text() == result.csv_path.read_text()
    roll_known = result.summary.camera_roll.deg is not None
    people = [summarize_table(t, whole.detected[:, t.person], roll_known=roll_known) for t in tables]
    assert list(result.summary.people) == people
    assert result.summary.presence == tuple(people_summary(whole))
