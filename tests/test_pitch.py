"""Camera pitch and roll from the person's upright axis, on synthetic skeletons filmed by tilted cameras.

Issue 11, observation 3: on lab footage from cameras pitched ~20 deg down and rolled 13-24 deg, trunk
inclination marked valid was off by 30-35 deg, and every frame stayed valid while roll was unknown.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.pitch import PersonTilt, camera_up, decide_tilt, levelled_world
from posturecheck.measures.view import ViewLimits
from tests.synthetic_skeleton import BodyPose, Camera, make_series

LAB = {"pitch_deg": 20.0, "roll_deg": 15.0, "distance_m": 5.0}


def _standing_then_leaning(n_stand: int = 45, n_lean: int = 30) -> tuple[list[BodyPose], np.ndarray]:
    """Upright standing with a little sway, then a forward trunk lean; and the true trunk inclination."""
    sway = 2.0 * np.sin(np.linspace(0, 2 * np.pi, n_stand))
    lean = np.linspace(0.0, 30.0, n_lean)
    trunk = np.concatenate([sway, lean])
    poses = [BodyPose(trunk_inclination=t, hip_flexion_left=t, hip_flexion_right=t) for t in trunk]
    return poses, trunk


# These tests check the tilt correction itself, also at 30 deg from side, where the synthetic
# skeleton's world landmarks have perfect depth; the 3D sagittal view limit set from real footage
# (15 deg, docs/validation.md) is widened here explicitly so the corrected values can be compared.
_OPTIONS = MeasureOptions(view_limits=ViewLimits(sagittal_3d_max_deg=60.0))


def test_levelling_the_world_undoes_the_pitch_only() -> None:
    for roll, pitch in ((0.0, 20.0), (15.0, 20.0), (-24.0, -10.0)):
        up = camera_up(roll, pitch)
        np.testing.assert_allclose(levelled_world(up[None], roll, pitch)[0], camera_up(roll, 0.0), atol=1e-12)
    np.testing.assert_allclose(camera_up(0.0, 0.0), [0.0, -1.0, 0.0])
    assert camera_up(0.0, 30.0)[2] < 0, "a camera looking down sees up tilted toward it"


@pytest.mark.parametrize("yaw", [0.0, 30.0])
def test_pitch_and_roll_are_estimated_and_trunk_inclination_corrected(yaw: float) -> None:
    poses, trunk = _standing_then_leaning()
    series = make_series(poses, Camera(yaw_deg=yaw, **LAB), noise_frac=0.001)
    table = compute_measures(series, 0, _OPTIONS)
    tilt = table.camera_tilt
    assert tilt is not None and tilt.person.confident, tilt
    assert tilt.pitch_source == "person" and tilt.pitch_deg == pytest.approx(20.0, abs=2.0)
    assert tilt.roll_source == "person" and tilt.roll_deg == pytest.approx(15.0, abs=1.5)
    for name in ("trunk_inclination", "trunk_inclination_3d"):
        m = table.measures[name]
        assert m.valid.mean() > 0.9, (name, m.reason[~m.valid][:3])
        error = np.abs(m.values - trunk)[m.valid]
        assert error.max() < 3.0, (name, error.max())


def test_before_this_change_the_same_footage_was_30_deg_off() -> None:
    """The same pitched, rolled oblique footage with the camera wrongly taken as level (roll 0, pitch 0)."""
    poses, trunk = _standing_then_leaning()
    series = make_series(poses, Camera(yaw_deg=30.0, **LAB))
    table = compute_measures(series, 0, replace(_OPTIONS, camera_roll_deg=0.0, camera_pitch_deg=0.0))
    m = table.measures["trunk_inclination_3d"]
    assert np.mean(np.abs(m.values - trunk)[m.valid]) > 15.0, "the uncorrected error this change removes"


def test_unknown_large_tilt_marks_gravity_measures_invalid_with_the_reason() -> None:
    # Mostly crouched (knees bent 70 deg): only 0.5 s of upright frames, too few to trust the estimate.
    upright = [BodyPose()] * 15
    crouched = [
        BodyPose(hip_flexion_left=70, hip_flexion_right=70, knee_flexion_left=70, knee_flexion_right=70)
    ]
    series = make_series(upright + crouched * 60, Camera(**LAB))
    table = compute_measures(series, 0, MeasureOptions())
    tilt = table.camera_tilt
    assert tilt is not None and not tilt.person.confident
    assert tilt.roll_unknown.startswith("camera roll unknown") and tilt.pitch_unknown.startswith(
        "camera pitch"
    )
    for name in ("trunk_inclination_2d", "trunk_inclination_3d", "thigh_inclination_left_3d"):
        m = table.measures[name]
        assert not m.valid.any(), name
        assert m.reason[0].startswith("camera "), m.reason[0]
        assert "suggests about" in m.reason[0]
    assert table.measures["knee_flexion_left"].valid.all(), "angles between segments need no vertical"
    assert any("measures needing it are invalid" in note for note in table.notes)


def test_a_given_pitch_and_roll_correct_footage_without_upright_frames() -> None:
    poses = [
        BodyPose(
            trunk_inclination=25,
            hip_flexion_left=95,
            hip_flexion_right=95,
            knee_flexion_left=90,
            knee_flexion_right=90,
        )
    ] * 40
    series = make_series(poses, Camera(yaw_deg=30.0, **LAB))
    table = compute_measures(series, 0, replace(_OPTIONS, camera_roll_deg=15.0, camera_pitch_deg=20.0))
    tilt = table.camera_tilt
    assert tilt is not None and (tilt.roll_source, tilt.pitch_source) == ("given", "given")
    m = table.measures["trunk_inclination_3d"]
    assert m.valid.all() and np.abs(m.values - 25.0).max() < 1.0


def test_a_level_camera_is_kept_level_and_small_leans_are_the_persons() -> None:
    poses, _ = _standing_then_leaning()
    table = compute_measures(make_series(poses, Camera(yaw_deg=20.0)), 0, MeasureOptions())
    tilt = table.camera_tilt
    assert tilt is not None and (tilt.roll_source, tilt.pitch_source) == ("level", "level")
    assert (tilt.roll_deg, tilt.pitch_deg) == (0.0, 0.0) and not tilt.roll_unknown and not tilt.pitch_unknown


def test_plumb_line_is_not_checked_against_the_persons_own_axis() -> None:
    poses, _ = _standing_then_leaning()
    table = compute_measures(make_series(poses, Camera(roll_deg=12.0)), 0, MeasureOptions())
    assert table.camera_tilt is not None and table.camera_tilt.roll_source == "person"
    plumb = table.measures["plumb_offset_ear"]
    assert not plumb.valid.any() and "ankle-to-ear axis" in plumb.reason[0]


def test_tilt_used_is_in_the_summary() -> None:
    from posturecheck.measures.summary import summarize_table

    poses, _ = _standing_then_leaning()
    table = compute_measures(make_series(poses, Camera(**LAB)), 0, MeasureOptions())
    tilt = summarize_table(table).camera_tilt
    assert tilt is not None
    assert tilt["pitch_source"] == "person" and tilt["pitch_deg"] == pytest.approx(20.0, abs=2.0)
    assert tilt["person_axis"]["confident"] is True


def test_a_person_moving_a_lot_is_not_taken_for_a_tilted_camera() -> None:
    """Axes that disagree widely show the person moving (a kick), not the camera: level, nothing flagged.

    The two cases are the two lab recordings of the module notes: a camera rolled 26 deg whose few
    upright frames agree within 10 deg, and a kicking person leaning sideways (14 deg of spread).
    """
    rolled = PersonTilt(5.0, 26.5, 29, 10.1, False, "only 0.5 s of upright frames (needs 1 s)")
    kicking = PersonTilt(16.1, -17.3, 53, 13.8, False, "only 0.9 s of upright frames (needs 1 s)")
    flagged = decide_tilt(None, None, rolled)
    assert flagged.roll_unknown.startswith("camera roll unknown") and "+26 deg" in flagged.roll_unknown
    kept = decide_tilt(None, None, kicking)
    assert (kept.roll_source, kept.roll_unknown, kept.pitch_unknown) == ("level", "", "")
    assert decide_tilt(3.0, None, rolled).roll_source == "given"
