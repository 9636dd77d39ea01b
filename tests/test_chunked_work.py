"""Steps that work a few thousand frames at a time on long clips (issue 9, memory) give exactly
what working on all frames at once gives, across every boundary between the parts."""

from __future__ import annotations

import numpy as np
import pytest

from posturecheck.measures import filtering, glitches, view
from posturecheck.measures.view import ViewLimits, estimate_view
from tests.synthetic_skeleton import BodyPose, Camera, make_series, stack_people

N_FRAMES = 120


def _walk(n: int) -> list[BodyPose]:
    phase = 2 * np.pi * np.arange(n) / 30
    return [
        BodyPose(
            hip_flexion_left=25 * np.sin(p),
            hip_flexion_right=-25 * np.sin(p),
            knee_flexion_left=30 + 25 * np.sin(p + 1),
            knee_flexion_right=30 - 25 * np.sin(p + 1),
            trunk_inclination=5 * np.sin(p / 3),
        )
        for p in phase
    ]


def _two_people_crossing():
    """Two walkers, the second sliding across the first (they overlap in the middle), with gaps."""
    first = make_series(_walk(N_FRAMES), Camera(), noise_frac=0.01, seed=1)
    second = make_series(_walk(N_FRAMES)[::-1], Camera(side="right"), noise_frac=0.01, seed=2)
    series = stack_people([first, second])
    series.image[:, 1, :, 0] += np.linspace(-0.5, 0.5, N_FRAMES)[:, None]
    series.image[40:47, 0] = series.world[40:47, 0] = np.nan  # the first walker unseen for a moment
    series.image[90:, 1] = series.world[90:, 1] = np.nan  # the second leaves
    return series


@pytest.mark.parametrize("rows", [1, 7, 64])
def test_the_hampel_filter_in_parts_is_the_hampel_filter(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    series = _two_people_crossing()
    length = np.linalg.norm(series.image_px[:, 0, 25] - series.image_px[:, 0, 23], axis=-1)
    length[[10, 55, 56]] *= 1.6  # outliers, one next to a part boundary
    whole = filtering.hampel_outliers(length, series.times_s, 0.5, 3.0, 0.05)
    monkeypatch.setattr(filtering, "_HAMPEL_ROWS", rows)
    parts = filtering.hampel_outliers(length, series.times_s, 0.5, 3.0, 0.05)
    assert whole[0][[55, 56]].all(), "the test has outliers to find"
    for a, b in zip(whole, parts, strict=True):
        np.testing.assert_array_equal(a, b, strict=True)


@pytest.mark.parametrize("rows", [1, 7, 64])
def test_the_overlap_check_in_parts_is_the_overlap_check(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    series = _two_people_crossing()
    whole = [glitches.overlapping_person(series.image, series.detected, k) for k in (0, 1)]
    monkeypatch.setattr(glitches, "_OVERLAP_ROWS", rows)
    parts = [glitches.overlapping_person(series.image, series.detected, k) for k in (0, 1)]
    assert (whole[0] == 1).any() and (whole[0] == -1).any(), "the test has overlaps and frames apart"
    for a, b in zip(whole, parts, strict=True):
        np.testing.assert_array_equal(a, b, strict=True)


@pytest.mark.parametrize("rows", [1, 7, 16, 64])
def test_the_view_in_parts_is_the_view(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    """Exactly the same when the parts are a multiple of 16 frames (estimate_view's 4096 are):
    NumPy's vectorised sine and arctangent can differ in the last bit between the elements of a
    vector and the scalar tail, so parts of any other size agree to rounding only (1 in 10^15)."""
    series = _two_people_crossing()
    world = series.world[:, 0].astype(np.float64)
    args = (series.image[:, 0], series.image_px[:, 0], world, 3.0, ViewLimits())
    whole = estimate_view(*args)
    monkeypatch.setattr(view, "_VIEW_ROWS", rows)
    parts = estimate_view(*args)
    for field in ("facing", "label", "near_side", "extent", "outside"):
        np.testing.assert_array_equal(getattr(whole, field), getattr(parts, field), strict=True)
    for field in ("yaw_2d_deg", "yaw_3d_deg", "yaw_deg", "off_side_deg"):
        if rows % 16 == 0:
            np.testing.assert_array_equal(getattr(whole, field), getattr(parts, field), strict=True)
        else:
            np.testing.assert_allclose(getattr(whole, field), getattr(parts, field), rtol=1e-15, atol=1e-12)
    assert np.isnan(whole.yaw_deg[40:47]).all() and np.isfinite(whole.yaw_deg[:40]).all()
