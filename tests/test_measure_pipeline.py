"""compute_measures end to end on synthetic series: columns, method choice, validity, filtering, swaps."""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from posturecheck.landmarks import MIRROR_INDEX, Landmark
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.table import MeasureTable, write_csv
from posturecheck.measures.view import ViewLimits
from posturecheck.pose.series import PoseSeries
from tests.synthetic_skeleton import BodyPose, Camera, make_series, stack_people

FPS = 30.0
PLAIN = (
    "hip_flexion_left",
    "hip_flexion_right",
    "knee_flexion_left",
    "knee_flexion_right",
    "thigh_inclination_left",
    "thigh_inclination_right",
    "trunk_inclination",
    "pelvic_obliquity",
    "shoulder_tilt",
    "trunk_lateral_lean",
    "lateral_trunk_shift",
    "craniovertebral_angle_proxy",
    "plumb_offset_ear",
    "plumb_offset_shoulder",
    "plumb_offset_hip",
    "plumb_offset_knee",
)


def _walk(n: int = 60) -> list[BodyPose]:
    """A slow stepping motion: thighs swing in opposition, knees bend on the way forward."""
    phase = 2 * np.pi * np.arange(n) / FPS
    return [
        BodyPose(
            hip_flexion_left=15 + 25 * np.sin(p),
            hip_flexion_right=15 - 25 * np.sin(p),
            knee_flexion_left=25 + 20 * np.sin(p + 0.5),
            knee_flexion_right=25 - 20 * np.sin(p + 0.5),
            trunk_inclination=5 + 3 * np.sin(2 * p),
        )
        for p in phase
    ]


def _truth(poses: list[BodyPose], name: str) -> np.ndarray:
    return np.array([getattr(p, name) for p in poses])


def test_csv_columns_exactly_named(tmp_path: Path) -> None:
    table = compute_measures(make_series(_walk(20), Camera()), 0, MeasureOptions())
    columns = table.columns()
    assert columns[:3] == ["time_s", "frame", "person"]
    for name in PLAIN:
        i = columns.index(name)
        assert columns[i : i + 9] == [
            name,
            f"{name}_valid",
            f"{name}_reason",
            f"{name}_2d",
            f"{name}_2d_valid",
            f"{name}_2d_reason",
            f"{name}_3d",
            f"{name}_3d_valid",
            f"{name}_3d_reason",
        ]
    neutral = ["hip_flexion_neutral_left", "hip_flexion_neutral_right"]
    for name in neutral:
        i = columns.index(name)
        assert columns[i : i + 3] == [name, f"{name}_valid", f"{name}_reason"]
    assert len(columns) == 3 + 9 * len(PLAIN) + 3 * len(neutral)
    path = table.write_csv(tmp_path / "m.csv")
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == columns and len(rows) == 21
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["hip_flexion_left_valid"] == "1" and first["hip_flexion_left_reason"] == ""
    assert float(first["hip_flexion_left"]) == pytest.approx(15.0, abs=0.5)
    assert first["pelvic_obliquity_valid"] == "0"
    assert first["pelvic_obliquity_reason"].startswith(
        "side view: pelvic obliquity needs a front or back view"
    )


def test_auto_uses_2d_in_side_view_and_3d_when_oblique_within_the_limits() -> None:
    poses = _walk()
    side = compute_measures(make_series(poses, Camera(side="left")), 0, MeasureOptions())
    # The default 3D limit is the side view's (real footage, docs/validation.md); the choice itself
    # is tested with the synthetic-only limit.
    wide = MeasureOptions(view_limits=ViewLimits(sagittal_3d_max_deg=60.0))
    oblique = compute_measures(make_series(poses, Camera(yaw_deg=35, side="right")), 0, wide)
    assert side.chosen["hip_flexion_left"] == "2d" and side.measures["hip_flexion_left"].method == "2d"
    assert oblique.chosen["hip_flexion_left"] == "3d" and oblique.measures["hip_flexion_left"].method == "3d"
    assert "3D in 60/60" in oblique.why["hip_flexion_left"]
    for table in (side, oblique):
        for name in ("hip_flexion_left", "hip_flexion_right", "knee_flexion_left", "trunk_inclination"):
            np.testing.assert_allclose(table.measures[name].values, _truth(poses, name), atol=0.5)
            assert table.fraction_valid[name] == 1.0
    assert side.view_summary.label == "side" and oblique.view_summary.label == "oblique"
    forced = compute_measures(make_series(poses, Camera()), 0, MeasureOptions(method="3d"))
    assert forced.chosen["hip_flexion_left"] == "3d" and "asked for" in forced.why["hip_flexion_left"]


def test_front_view_flags_hip_flexion_with_a_reason() -> None:
    table = compute_measures(make_series(_walk(10), Camera(yaw_deg=90)), 0, MeasureOptions())
    m = table.measures["hip_flexion_left"]
    assert not m.valid.any()
    assert m.reason[0].startswith("front view: left hip flexion needs a side view")
    assert table.measures["pelvic_obliquity"].valid.all()
    assert table.view_summary.label == "front"


def test_low_visibility_long_run_flagged_short_run_bridged() -> None:
    poses = _walk()
    series = make_series(poses, Camera())
    visibility = series.visibility.copy()
    visibility[10:13, 0, Landmark.LEFT_KNEE] = 0.1  # 0.1 s: bridged
    visibility[30:50, 0, Landmark.LEFT_KNEE] = 0.1  # 0.67 s: too long
    table = compute_measures(replace(series, visibility=visibility), 0, MeasureOptions())
    m = table.measures["hip_flexion_left"]
    assert m.valid[10:13].all()
    np.testing.assert_allclose(m.values[10:13], _truth(poses, "hip_flexion_left")[10:13], atol=3.0)
    assert not m.valid[30:50].any()
    assert m.reason[35] == "left knee not visible (visibility < 0.5)"
    assert table.measures["hip_flexion_right"].valid.all()


def test_no_person_out_of_frame_and_too_small() -> None:
    series = make_series(_walk(40), Camera())
    image = series.image.copy()
    image[5:20] = np.nan
    table = compute_measures(replace(series, image=image), 0, MeasureOptions())
    assert table.measures["trunk_inclination_2d"].reason[12] == "no person detected"
    cropped = compute_measures(
        make_series(_walk(5), Camera(distance_m=2.0, target_height=0.9)), 0, MeasureOptions()
    )
    assert cropped.measures["knee_flexion_left"].reason[0] == "left ankle outside the frame"
    far = compute_measures(make_series(_walk(5), Camera(distance_m=25.0)), 0, MeasureOptions())
    assert far.measures["trunk_inclination"].reason[0].startswith("person spans 5% of the frame (needs 15%)")


def test_filtering_smooths_and_raw_values_are_kept() -> None:
    poses = _walk(90)
    series = make_series(poses, Camera(), noise_frac=0.004, seed=3)
    table = compute_measures(series, 0, MeasureOptions())
    truth = _truth(poses, "hip_flexion_left")
    filtered_error = np.sqrt(np.mean((table.measures["hip_flexion_left"].values - truth) ** 2))
    raw_error = np.sqrt(np.mean((table.raw["hip_flexion_left"].values - truth) ** 2))
    # A 6 Hz cut-off keeps 6/15 of the white-noise band at 30 fps: the noise falls to about 0.65.
    assert filtered_error < 0.8 * raw_error
    assert table.raw.keys() == table.measures.keys()
    assert any("low-pass filtered at 6 Hz" in note for note in table.notes)
    unfiltered = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    np.testing.assert_allclose(
        unfiltered.measures["hip_flexion_left"].values, table.raw["hip_flexion_left"].values
    )


def test_swapped_labels_are_corrected() -> None:
    poses = _walk()
    series = make_series(poses, Camera(side="right"))
    image, world = series.image.copy(), series.world.copy()
    image[20:30] = series.image[20:30][:, :, list(MIRROR_INDEX)]
    world[20:30] = series.world[20:30][:, :, list(MIRROR_INDEX)]
    swapped = replace(series, image=image, world=world)
    table = compute_measures(swapped, 0, MeasureOptions())
    assert table.n_frames_swap_corrected == 10
    np.testing.assert_allclose(
        table.measures["hip_flexion_left"].values, _truth(poses, "hip_flexion_left"), atol=0.5
    )
    untouched = compute_measures(swapped, 0, MeasureOptions(correct_swaps=False))
    assert abs(untouched.measures["hip_flexion_left"].values[25] - poses[25].hip_flexion_left) > 10


def test_plumb_line_in_cm_only_with_height() -> None:
    poses = [BodyPose(ear_shoulder_deg=60.0)] * 20
    series = make_series(poses, Camera())
    without = compute_measures(series, 0, MeasureOptions())
    assert "plumb_offset_ear_cm" not in without.measures
    table = compute_measures(series, 0, MeasureOptions(height_cm=175.0))
    pct, cm = table.measures["plumb_offset_ear"], table.measures["plumb_offset_ear_cm"]
    assert cm.unit == "cm" and pct.unit == "%"
    np.testing.assert_allclose(cm.values, pct.values * 1.75)
    ear_ahead_m = 0.108 * 1.75 / np.tan(np.radians(60.0))
    assert cm.values[0] == pytest.approx(100 * ear_ahead_m, abs=0.3)
    assert cm.valid.all()
    assert table.measures["craniovertebral_angle_proxy"].values[0] == pytest.approx(60.0, abs=0.5)
    bent = compute_measures(make_series(_walk(5), Camera()), 0, MeasureOptions())
    assert bent.measures["plumb_offset_hip"].reason[0].startswith("not standing straight")


def test_several_people_in_one_csv(tmp_path: Path) -> None:
    poses = _walk(15)
    first, second = (
        make_series(poses, Camera(distance_m=6.0)),
        make_series(poses, Camera(distance_m=6.0, yaw_deg=30)),
    )
    first.image[..., 0] -= 0.2  # side by side: people overlapping in the picture are not measured
    second.image[..., 0] += 0.2
    both = stack_people([first, second])
    wide = MeasureOptions(view_limits=ViewLimits(sagittal_3d_max_deg=60.0))
    tables = [compute_measures(both, person, wide) for person in (0, 1)]
    assert [t.chosen["hip_flexion_left"] for t in tables] == ["2d", "3d"]
    path = write_csv(tables, tmp_path / "people.csv")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30
    assert [r["person"] for r in rows] == ["0"] * 15 + ["1"] * 15
    assert rows[20]["hip_flexion_left"] != ""


def test_stills_are_measured_unfiltered() -> None:
    series = make_series([BodyPose(hip_flexion_left=30.0)] * 3, Camera())
    stills = replace(series, times_s=np.zeros(3), source=replace(series.source, fps=None))
    table = compute_measures(stills, 0, MeasureOptions())
    assert table.measures["hip_flexion_left"].values == pytest.approx([30.0] * 3, abs=0.5)
    assert any("stills (no increasing time stamps)" in note for note in table.notes)


def test_options_and_person_are_checked() -> None:
    with pytest.raises(ValueError, match="method"):
        MeasureOptions(method="best")
    with pytest.raises(ValueError, match="height_cm"):
        MeasureOptions(height_cm=17.5)
    with pytest.raises(ValueError, match="person 2"):
        compute_measures(make_series(_walk(3), Camera()), 2, MeasureOptions())


def _draw_masks(series, scale: float) -> np.ndarray:
    """Bit-packed masks of a simple body: trunk band, limbs as thick lines, head disc."""
    width, height = round(series.source.width * scale), round(series.source.height * scale)
    packed = []
    for frame in range(series.n_frames):
        xy = series.image[frame, 0, :, :2].astype(np.float64) * (width, height)
        mask = np.zeros((height, width), np.uint8)
        shoulder = 0.5 * (xy[Landmark.LEFT_SHOULDER] + xy[Landmark.RIGHT_SHOULDER])
        hip = 0.5 * (xy[Landmark.LEFT_HIP] + xy[Landmark.RIGHT_HIP])
        thickness = int(0.35 * np.linalg.norm(shoulder - hip))
        cv2.line(mask, tuple(np.int32(shoulder)), tuple(np.int32(hip)), 1, thickness)
        for a, b in ((Landmark.LEFT_HIP, Landmark.LEFT_KNEE), (Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE)):
            cv2.line(mask, tuple(np.int32(xy[a])), tuple(np.int32(xy[b])), 1, thickness // 2)
        cv2.circle(mask, tuple(np.int32(xy[Landmark.LEFT_EAR])), thickness // 2, 1, -1)
        packed.append(np.packbits(mask.astype(bool), axis=-1)[None])
    return np.stack(packed)


def test_silhouette_measures_wired_when_masks_exist() -> None:
    series = make_series([BodyPose()] * 4, Camera(side="right"))
    source = replace(series.source, inference_width=540, inference_height=960)
    with_masks = replace(series, source=source)
    masks = _draw_masks(with_masks, 0.5)
    masks[3] = 0
    table = compute_measures(replace(with_masks, masks=masks), 0, MeasureOptions())
    curve = table.measures["lumbar_lordosis_index"]
    assert curve.method == "silhouette" and curve.unit == "%"
    assert curve.valid[:3].all(), curve.reason
    assert curve.values[:3] == pytest.approx([0.0] * 3, abs=2.0), "a straight back has no lordosis"
    assert curve.reason[3] == "no segmentation mask of the person in this frame"
    assert {"lumbar_curve_angle", "pelvic_tilt_proxy"} <= table.measures.keys()
    assert "lumbar_lordosis_index" not in compute_measures(series, 0, MeasureOptions()).measures


def _join_in_time(parts: list[PoseSeries]) -> PoseSeries:
    """Several one-person series, one after another, as one clip."""
    first = parts[0]
    n = sum(p.n_frames for p in parts)
    return replace(
        first,
        times_s=np.arange(n) / FPS,
        frame_index=np.arange(n),
        image=np.concatenate([p.image for p in parts]),
        world=np.concatenate([p.world for p in parts]),
        visibility=np.concatenate([p.visibility for p in parts]),
        presence=np.concatenate([p.presence for p in parts]),
    )


@pytest.mark.parametrize(("side_frames", "oblique_frames", "chosen"), [(16, 4, "2d"), (10, 10, "3d")])
def test_auto_keeps_2d_while_most_frames_are_side_view(
    side_frames: int, oblique_frames: int, chosen: str
) -> None:
    poses = _walk(side_frames + oblique_frames)
    clip = _join_in_time(
        [make_series(poses[:side_frames], Camera()), make_series(poses[side_frames:], Camera(yaw_deg=35))]
    )
    wide = ViewLimits(sagittal_3d_max_deg=60.0)  # the choice needs a 3D limit wider than the 2D one
    table = compute_measures(clip, 0, MeasureOptions(cutoff_hz=None, correct_swaps=False, view_limits=wide))
    assert table.chosen["hip_flexion_left"] == chosen
    m = table.measures["hip_flexion_left"]
    if chosen == "2d":
        assert m.valid[:side_frames].all() and not m.valid[side_frames:].any()
        assert m.reason[-1].startswith("oblique view: left hip flexion needs a side view")


@pytest.mark.parametrize("yaw", [35.0, 50.0])
def test_an_oblique_view_leaves_sagittal_angles_invalid_in_both_variants(yaw: float) -> None:
    # Issue 11, observation 4: on real lab footage 15-50 deg off the side, 3D hip flexion marked
    # valid was 6-18 deg off on average and a quarter of its frames more than 15 deg off
    # (benchmarks/validation_multiview.py). The synthetic skeleton has perfect depth, so its 3D
    # values here are right; the flag must still not claim them, because MediaPipe's depth is not.
    table = compute_measures(make_series(_walk(20), Camera(yaw_deg=yaw, side="right")), 0, MeasureOptions())
    for name in ("hip_flexion_left", "hip_flexion_right", "knee_flexion_left", "trunk_inclination"):
        for key in (name, f"{name}_2d", f"{name}_3d"):
            assert not table.measures[key].valid.any(), key
    reason = table.measures["hip_flexion_left_3d"].reason[0]
    assert reason == f"oblique view: left hip flexion needs a side view ({yaw:.0f} deg from side, limit 15)"


def test_a_view_half_way_to_the_front_leaves_frontal_tilts_invalid_in_both_variants() -> None:
    # On the same footage the 3D frontal tilts missed by 8-11 deg on average, 10-20 % of frames over
    # 15 deg, 30-60 deg from side; from 60 deg on they behaved like the 2D front view.
    half = compute_measures(make_series(_walk(20), Camera(yaw_deg=45.0)), 0, MeasureOptions())
    near_front = compute_measures(make_series(_walk(20), Camera(yaw_deg=70.0)), 0, MeasureOptions())
    for name in ("pelvic_obliquity", "shoulder_tilt", "trunk_lateral_lean"):
        assert not half.measures[f"{name}_3d"].valid.any() and not half.measures[f"{name}_2d"].valid.any()
        assert near_front.measures[f"{name}_3d"].valid.all()
        assert not near_front.measures[f"{name}_2d"].valid.any()
        assert near_front.chosen[name] == "3d"


def test_pelvic_tilt_proxy_is_withdrawn_never_a_number() -> None:
    """Issue 11: it moved opposite to the true tilt on a rendered body, so it is shown as unavailable."""
    from posturecheck.assessments.standing_side import run as standing_side
    from posturecheck.measures.silhouette import PELVIC_TILT_PROXY_WITHDRAWN
    from posturecheck.measures.summary import summarize_table

    series = make_series([BodyPose()] * 4, Camera(side="right"))
    source = replace(series.source, inference_width=540, inference_height=960)
    with_masks = replace(series, source=source)
    masked = replace(with_masks, masks=_draw_masks(with_masks, 0.5))
    table = compute_measures(masked, 0, MeasureOptions())
    tilt = table.measures["pelvic_tilt_proxy"]
    assert not tilt.valid.any() and np.isnan(tilt.values).all()
    assert set(tilt.reason) == {PELVIC_TILT_PROXY_WITHDRAWN}
    assert "moved opposite to true pelvic tilt" in PELVIC_TILT_PROXY_WITHDRAWN
    assert table.measures["lumbar_lordosis_index"].valid.all(), "the validated lumbar index stays"
    assert "pelvic_tilt_proxy" not in summarize_table(table).measures
    result = standing_side(masked, [table])
    assert all(f.name != "pelvic_tilt_proxy" for f in result.findings)


def _passer_by(n_frames: int, first: int, stop: int, with_masks: bool) -> PoseSeries:
    """Two people in a clip of ``n_frames``: person 0 walks through frames ``first`` to ``stop``
    (with a short dropout), person 1 stands in every frame beside them."""
    gone = np.ones(n_frames, bool)
    gone[first:stop] = False
    gone[first + 30 : first + 36] = True
    return _walker_and_stander(n_frames, gone, with_masks)


def _walker_and_stander(n_frames: int, gone: np.ndarray, with_masks: bool) -> PoseSeries:
    """A walker at the left (slot 0), not seen in the frames ``gone`` (bool mask), and a stander at
    the right (slot 1) seen in every frame."""
    walker = make_series(_walk(n_frames), Camera(), noise_frac=0.003, seed=3)
    stander = make_series([BodyPose()] * n_frames, Camera(side="right"), noise_frac=0.003, seed=4)
    series = stack_people([walker, stander])
    series.image[:, 0, :, 0] -= 0.3
    series.image[:, 1, :, 0] += 0.3
    source = replace(series.source, inference_width=108, inference_height=192)
    masks = np.concatenate([_draw_masks(replace(series, source=source), 0.1)] * 2, axis=1)
    series.image[gone, 0] = np.nan
    series.world[gone, 0] = np.nan
    series.visibility[gone, 0] = 0.0
    series.presence[gone, 0] = 0.0
    masks[gone, 0] = 0
    return replace(series, source=source, masks=masks) if with_masks else series


def _everything(table, series: PoseSeries, tmp_path: Path, name: str) -> dict[str, object]:
    """All a table says: every measure's arrays, the view, the choices, the summary and the CSV text."""
    from posturecheck.measures.summary import summarize_table

    path = write_csv([table], tmp_path / f"{name}.csv", include_raw=True)
    arrays = {f"view.{f}": getattr(table.view, f) for f in ("facing", "yaw_2d_deg", "yaw_3d_deg", "yaw_deg")}
    arrays |= {f"view.{f}": getattr(table.view, f) for f in ("off_side_deg", "label", "near_side", "extent")}
    arrays["view.outside"] = table.view.outside
    for stage, measures in (("measures", table.measures), ("raw", table.raw)):
        for n, m in measures.items():
            arrays |= {
                f"{stage}.{n}.values": m.values,
                f"{stage}.{n}.valid": m.valid,
                f"{stage}.{n}.reason": m.reason,
            }
    return {
        "arrays": arrays,
        "choices": (table.chosen, table.why, table.notes, repr(table.hip_neutral), repr(table.camera_tilt)),
        "summary": repr(summarize_table(table, series.detected[:, table.person], roll_known=False)),
        "csv": path.read_text(),
    }


def _assert_same(own: dict[str, object], whole: dict[str, object]) -> None:
    """Equal to the bit (NaN equal to NaN), naming the first array that is not."""
    arrays, expected = own.pop("arrays"), whole.pop("arrays")
    assert isinstance(arrays, dict) and isinstance(expected, dict) and arrays.keys() == expected.keys()
    for key, array in arrays.items():
        np.testing.assert_array_equal(array, expected[key], err_msg=key, strict=True)
    assert own == whole


@pytest.mark.parametrize("with_masks", [False, True])
@pytest.mark.parametrize(("first", "stop"), [(70, 150), (0, 90), (130, 200)])
def test_a_person_measured_over_their_own_frames_reads_as_if_measured_over_the_clip(
    tmp_path: Path, first: int, stop: int, with_masks: bool
) -> None:
    """Issue 9 item 5: a passer-by's measures are worked out over their own frames (memory follows their
    time in view), yet every value, flag, reason, view, summary figure and CSV byte is what measuring
    every frame of the clip gives, to the bit."""
    from posturecheck.measures import pipeline

    series = _passer_by(200, first, stop, with_masks)
    options = MeasureOptions(height_cm=175.0)
    own = compute_measures(series, 0, options)
    whole = pipeline._measure_rows(lambda: (series, None), 0, options, timed=True)
    assert own.n_frames == whole.n_frames == series.n_frames
    _assert_same(_everything(own, series, tmp_path, "own"), _everything(whole, series, tmp_path, "whole"))
    assert own.measures["hip_flexion_left"].valid[first:stop].mean() > 0.5, "the test measures something"


def test_a_variable_frame_rate_clip_is_measured_whole(tmp_path: Path) -> None:
    """The filters take the frame rate from the median interval of the frames they get: where a
    person's own frames have another median than the clip's, measuring them alone would differ."""
    from posturecheck.measures import pipeline

    series = _passer_by(200, 70, 150, with_masks=False)
    steps = np.where(np.arange(199) < 100, 1 / 30, 1 / 25)
    series = replace(series, times_s=np.concatenate([[0.0], np.cumsum(steps)]))
    options = MeasureOptions()
    own = compute_measures(series, 0, options)
    whole = pipeline._measure_rows(lambda: (series, None), 0, options, timed=True)
    _assert_same(_everything(own, series, tmp_path, "own"), _everything(whole, series, tmp_path, "whole"))


def _three_in_turn(n_frames: int, with_masks: bool) -> PoseSeries:
    """Three people in three slots: one walks at the left for the first 70 frames, one stands at the
    right throughout, and one walks in front of the stander (overlapping them) from frame 150 on."""
    early = make_series(_walk(n_frames), Camera(), noise_frac=0.003, seed=3)
    stander = make_series([BodyPose()] * n_frames, Camera(side="right"), noise_frac=0.003, seed=4)
    late = make_series(_walk(n_frames), Camera(), noise_frac=0.003, seed=5)
    series = stack_people([early, stander, late])
    series.image[:, 0, :, 0] -= 0.35
    series.image[:, 1, :, 0] += 0.3
    series.image[:, 2, :, 0] += 0.27
    source = replace(series.source, inference_width=108, inference_height=192)
    masks = np.concatenate([_draw_masks(replace(series, source=source), 0.1)] * 3, axis=1)
    for slot, gone in ((0, np.arange(n_frames) >= 70), (2, np.arange(n_frames) < 150)):
        series.image[gone, slot] = np.nan
        series.world[gone, slot] = np.nan
        series.visibility[gone, slot] = 0.0
        series.presence[gone, slot] = 0.0
        masks[gone, slot] = 0
    return replace(series, source=source, masks=masks) if with_masks else series


@pytest.mark.parametrize("with_masks", [False, True])
def test_a_tracked_person_measured_from_their_own_frames_reads_as_the_whole_series(
    tmp_path: Path, with_masks: bool
) -> None:
    """Issue 9 item 5: measuring a tracked person from their own frames and the people in view with
    them only (not every frame of everyone ever tracked) gives, to the bit, every value, flag, reason
    (an overlap names the other person by their own number), view, summary figure and CSV byte that
    measuring the whole tracked series gives."""
    from posturecheck.measures.pipeline import compute_tracked_measures
    from posturecheck.pose.tracking import track_people

    tracked = track_people(_three_in_turn(200, with_masks))
    assert tracked.n_people == 3, "the test needs the three people kept apart"
    whole = tracked.series
    options = MeasureOptions(height_cm=175.0)
    reasons = {}
    for person in range(3):
        own = compute_tracked_measures(tracked, person, options)
        dense = compute_measures(whole, person, options)
        assert own.person == dense.person == person
        _assert_same(
            _everything(own, whole, tmp_path, f"own{person}"),
            _everything(dense, whole, tmp_path, f"all{person}"),
        )
        reasons[person] = set(own.measures["hip_flexion_left"].reason)
    # The late walker is measured with the stander only: the stander is the first of those two, yet
    # the overlap names them by their own number (the early walker, person 1, came first).
    (stander,) = np.flatnonzero(whole.detected.all(axis=0))
    (late,) = np.flatnonzero(~whole.detected[:150].any(axis=0))
    assert stander == 1 and any(f"overlaps person {stander + 1}" in r for r in reasons[late])
    with pytest.raises(ValueError, match="person 3 is not in the series"):
        compute_tracked_measures(tracked, 3, options)


@pytest.mark.parametrize(
    ("with_masks", "away"),
    [(False, (120, 780)), (True, (120, 780)), (False, (300, 390)), (True, (300, 390))],
    ids=["22 s away", "22 s away, masks", "3 s away", "3 s away, masks"],
)
def test_a_long_absence_is_measured_by_its_ends_and_reads_as_the_whole_series(
    tmp_path: Path, with_masks: bool, away: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9 item 5 (a 1-hour class clip's peak memory was 5.2x a 10-second one's): someone who
    leaves for a while and comes back is stored in the frames they are seen in only, and measured
    over those and keep_around_s (1.13 s at 30 frames/s) of each absence's start and end, not every
    frame between; every value, flag, reason, view, summary figure and CSV byte is still what
    measuring every frame gives."""
    from posturecheck.measures import pipeline
    from posturecheck.pose.tracking import track_people

    n_frames = 900  # at 30 frames/s
    kept = 2 * math.ceil(round(pipeline.keep_around_s(1 / 30, MeasureOptions().max_gap_s) * 30, 6))
    never_measured = away[1] - away[0] - kept  # 592 of 22 s away, 22 of 3 s
    gone = np.zeros(n_frames, bool)
    gone[away[0] : away[1]] = True
    tracked = track_people(_walker_and_stander(n_frames, gone, with_masks))
    assert tracked.n_people == 2, "the test needs the walker joined across the absence"
    walker = next(k for k, person in enumerate(tracked.people) if person.n_frames == n_frames)
    assert tracked.people[walker].own.n_frames == n_frames - (away[1] - away[0])
    measured_rows: list[int] = []
    spread = pipeline._spread

    def counted(table: MeasureTable, rows: np.ndarray, series: PoseSeries) -> MeasureTable:
        measured_rows.append(rows.size)
        return spread(table, rows, series)

    monkeypatch.setattr(pipeline, "_spread", counted)
    whole = tracked.series
    options = MeasureOptions(height_cm=175.0)
    own = pipeline.compute_tracked_measures(tracked, walker, options)
    assert measured_rows == [n_frames - never_measured], "the absence's middle is not measured"
    dense = compute_measures(whole, walker, options)
    _assert_same(_everything(own, whole, tmp_path, "own"), _everything(dense, whole, tmp_path, "all"))
    assert own.measures["hip_flexion_left"].valid.mean() > 0.2, "the test measures something"
