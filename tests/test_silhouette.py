"""Silhouette measures on masks drawn with a known back curve and pelvis outline."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from posturecheck.measures.silhouette import (
    ABDOMEN_LEVELS,
    BUTTOCK_LEVELS,
    LUMBAR_LEVELS,
    LumbarCurve,
    PelvicTiltProxy,
    lumbar_curve,
    pelvic_tilt_proxy,
)

SIZE = 700
CX = 350.0
SHOULDER_Y = 150.0
TRUNK = 300.0  # shoulder-hip distance, px
FRONT = 80.0  # front outline, px in front of the trunk axis
BACK = 60.0  # back outline, px behind the trunk axis
TOP = SHOULDER_Y - 30.0
BOTTOM = SHOULDER_Y + 1.5 * TRUNK

Profile = Callable[[np.ndarray], np.ndarray]
HIP = np.array([CX, SHOULDER_Y + TRUNK])


def _turn(lean_deg: float) -> np.ndarray:
    """Rotation matrix that, in y-down image coordinates, turns clockwise: the shoulder moves toward +x."""
    a = math.radians(lean_deg)
    return np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])


def _pose(points: np.ndarray, facing: int, lean_deg: float) -> np.ndarray:
    """Lean the upright, +x facing body's points forward about the hip; mirror them to face -x if asked."""
    moved = (points - HIP) @ _turn(lean_deg).T + HIP
    if facing == -1:
        moved[..., 0] = 2 * CX - moved[..., 0]
    return moved


def _unpose(points: np.ndarray, facing: int, lean_deg: float) -> np.ndarray:
    """Inverse of :func:`_pose`."""
    flipped = points.copy()
    if facing == -1:
        flipped[..., 0] = 2 * CX - flipped[..., 0]
    return (flipped - HIP) @ _turn(lean_deg) + HIP


def _landmarks(
    facing: int, lean_deg: float, thigh_deg: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shoulder, hip and knee landmarks of the drawn body; the thigh turned forward by ``thigh_deg``."""
    t = math.radians(thigh_deg)
    upright = np.array(
        [
            [CX, SHOULDER_Y],
            [CX, SHOULDER_Y + TRUNK],
            [CX + 0.9 * TRUNK * math.sin(t), SHOULDER_Y + TRUNK + 0.9 * TRUNK * math.cos(t)],
        ]
    )
    shoulder, hip, knee = _pose(upright, facing, lean_deg)
    return shoulder, hip, knee


def _lumbar(mask: np.ndarray, facing: int, lean_deg: float, read_facing: int | None = None) -> LumbarCurve:
    """Lumbar curve of a drawn body, read as facing ``read_facing`` (default: as drawn)."""
    shoulder, hip, _ = _landmarks(facing, lean_deg)
    return lumbar_curve(mask, shoulder, hip, facing if read_facing is None else read_facing)


def _pelvic(
    mask: np.ndarray, facing: int, lean_deg: float, thigh_deg: float = 0.0, camera_roll_deg: float = 0.0
) -> PelvicTiltProxy:
    """Pelvic tilt proxy of a drawn body."""
    shoulder, hip, knee = _landmarks(facing, lean_deg, thigh_deg)
    return pelvic_tilt_proxy(mask, hip, knee, shoulder, facing, camera_roll_deg=camera_roll_deg)


def _draw(front: Profile, back: Profile, facing: int, lean_deg: float) -> np.ndarray:
    """Mask of a posed body, upright outline ``front(s)`` px before and ``back(s)`` px behind the axis.

    ``s`` is the distance below the shoulder, px; the body runs from TOP to BOTTOM.
    A pixel is True when its centre (c + 0.5, r + 0.5) is inside the outline.
    """
    rows, cols = np.mgrid[0:SIZE, 0:SIZE]
    centres = np.stack([cols + 0.5, rows + 0.5], axis=-1)
    upright = _unpose(centres, facing, lean_deg)
    s = upright[..., 1] - SHOULDER_Y
    ahead = upright[..., 0] - CX
    return (upright[..., 1] > TOP) & (upright[..., 1] < BOTTOM) & (ahead < front(s)) & (-ahead < back(s))


def _arc_depth(s: np.ndarray, top: float, bottom: float, sagitta: float) -> np.ndarray:
    """Depth (toward the front) of a circular arc through (top, 0) and (bottom, 0).

    The arc runs on 20 px past both ends, so that the outline has no corner near them, then goes straight.
    """
    if sagitta == 0:
        return np.zeros_like(s)
    half = (bottom - top) / 2
    h = abs(sagitta)
    radius = (half**2 + h**2) / (2 * h)
    inside = np.clip(s, top - 20, bottom + 20) - (top + bottom) / 2
    depth = np.sqrt(radius**2 - inside**2) - (radius - h)
    return math.copysign(1.0, sagitta) * depth


def _lumbar_body(sagitta: float, facing: int, lean_deg: float) -> np.ndarray:
    """Mask of a trunk whose back between the lumbar levels is a circular arc of the given sagitta."""
    top_s, bottom_s = (f * TRUNK for f in LUMBAR_LEVELS)
    return _draw(
        lambda s: np.full_like(s, FRONT),
        lambda s: BACK - _arc_depth(s, top_s, bottom_s, sagitta),
        facing,
        lean_deg,
    )


def _bump(s: np.ndarray, apex_level: float, height: float) -> np.ndarray:
    """Triangular bump of ``height`` px at ``apex_level`` (fraction of TRUNK), 40 px half-base."""
    return height * np.clip(1 - np.abs(s - apex_level * TRUNK) / 40, 0, None)


def _pelvis(front_level: float, back_level: float, facing: int, lean_deg: float) -> np.ndarray:
    """Mask of a trunk with a pointed abdomen (15 px) and buttock (20 px) at the given levels."""
    return _draw(
        lambda s: 70 + _bump(s, front_level, 15),
        lambda s: BACK + _bump(s, back_level, 20),
        facing,
        lean_deg,
    )


BODIES = [(facing, lean) for facing in (1, -1) for lean in (0.0, 20.0)]


@pytest.mark.parametrize(("facing", "lean"), BODIES)
@pytest.mark.parametrize("sagitta", [15.0, 8.0, -10.0])
def test_lumbar_curve_of_a_circular_arc(facing: int, lean: float, sagitta: float) -> None:
    chord = (LUMBAR_LEVELS[1] - LUMBAR_LEVELS[0]) * TRUNK
    curve = _lumbar(_lumbar_body(sagitta, facing, lean), facing, lean)
    assert curve.valid and curve.reason == ""
    assert curve.chord_length_px == pytest.approx(chord, abs=0.5)
    assert curve.depth_px == pytest.approx(sagitta, abs=0.3)
    assert curve.lordosis_index == pytest.approx(100 * sagitta / chord, abs=0.25)
    expected_angle = math.degrees(4 * math.atan(2 * sagitta / chord))
    assert curve.end_tangent_angle_deg == pytest.approx(expected_angle, abs=1.5)


def test_contour_lies_on_the_back_between_the_levels() -> None:
    facing, lean = -1, 20.0
    curve = _lumbar(_lumbar_body(15.0, facing, lean), facing, lean)
    expected_ends = _pose(
        np.array([[CX - BACK, SHOULDER_Y + f * TRUNK] for f in LUMBAR_LEVELS]), facing, lean
    )
    np.testing.assert_allclose(curve.contour_xy[[0, -1]], expected_ends, atol=0.5)
    assert curve.contour_xy.shape == (round((LUMBAR_LEVELS[1] - LUMBAR_LEVELS[0]) * TRUNK) + 1, 2)


@pytest.mark.parametrize(("facing", "lean"), BODIES)
def test_straight_back_reads_zero(facing: int, lean: float) -> None:
    curve = _lumbar(_lumbar_body(0.0, facing, lean), facing, lean)
    assert curve.valid
    assert abs(curve.lordosis_index) < 0.3
    assert abs(curve.end_tangent_angle_deg) < 1.0


@pytest.mark.parametrize(
    ("shoulder", "hip", "edge_axis", "edge_at"),
    [
        ((350.0, 100.0), (350.0, 400.0), 0, 290.0),  # upright, facing +x: back edge is the x = 290 boundary
        ((500.0, 150.0), (200.0, 150.0), 1, 100.0),  # lying, head at +x: back edge is the y = 100 boundary
    ],
)
def test_edges_follow_the_pixel_grid_convention(
    shoulder: tuple[float, float], hip: tuple[float, float], edge_axis: int, edge_at: float
) -> None:
    mask = np.zeros((SIZE, SIZE), dtype=bool)
    mask[100:200, 50:600] = edge_axis == 1
    mask[50:600, 290:420] |= edge_axis == 0
    curve = lumbar_curve(mask, np.array(shoulder), np.array(hip), 1)
    assert curve.valid
    np.testing.assert_allclose(curve.contour_xy[:, edge_axis], edge_at, atol=1e-6)
    assert curve.depth_px == pytest.approx(0.0, abs=1e-6)


def test_wrong_facing_reads_the_front_not_the_back() -> None:
    curve = _lumbar(_lumbar_body(15.0, 1, 0.0), 1, 0.0, read_facing=-1)
    assert curve.valid
    assert abs(curve.lordosis_index) < 0.3


def test_hand_clear_of_the_back_is_ignored() -> None:
    body = _lumbar_body(15.0, 1, 0.0)
    hand_y = int(SHOULDER_Y + 0.6 * TRUNK)
    with_hand = body.copy()
    with_hand[hand_y - 10 : hand_y + 10, int(CX - BACK) - 30 : int(CX - BACK) - 5] = True
    plain, handed = _lumbar(body, 1, 0.0), _lumbar(with_hand, 1, 0.0)
    assert handed.lordosis_index == pytest.approx(plain.lordosis_index, abs=1e-9)


def test_small_hole_in_the_mask_is_bridged() -> None:
    body = _lumbar_body(15.0, 1, 0.0)
    holed = body.copy()
    hole_y = int(SHOULDER_Y + 0.6 * TRUNK)
    holed[hole_y - 5 : hole_y + 5, int(CX - 30) : int(CX - 28)] = False
    plain, bridged = _lumbar(body, 1, 0.0), _lumbar(holed, 1, 0.0)
    assert bridged.lordosis_index == pytest.approx(plain.lordosis_index, abs=1e-9)


def _lumbar_reason(mask: np.ndarray, shoulder: np.ndarray, hip: np.ndarray, facing: int = 1) -> str:
    curve = lumbar_curve(mask, shoulder, hip, facing)
    assert not curve.valid
    assert curve.contour_xy.shape == (0, 2) and math.isnan(curve.lordosis_index)
    return curve.reason


def test_invalid_inputs_give_reasons() -> None:
    mask = _lumbar_body(15.0, 1, 0.0)
    shoulder, hip, _ = _landmarks(1, 0.0)
    assert "empty mask" in _lumbar_reason(np.zeros_like(mask), shoulder, hip)
    assert "NaN" in _lumbar_reason(mask, np.array([np.nan, 1.0]), hip)
    assert "2-D" in _lumbar_reason(mask[None], shoulder, hip)
    assert "facing" in _lumbar_reason(mask, shoulder, hip, facing=0)
    assert "too small" in _lumbar_reason(mask, shoulder, shoulder + [0.0, 50.0])
    everywhere = np.ones_like(mask)
    assert "no back edge within one trunk length" in _lumbar_reason(everywhere, shoulder, hip)


def test_mask_not_reaching_the_levels_is_invalid() -> None:
    mask = _lumbar_body(15.0, 1, 0.0)
    shoulder, hip, _ = _landmarks(1, 0.0)
    mask[int(SHOULDER_Y + 0.7 * TRUNK) :] = False
    assert "does not cover the trunk axis at 0.70" in _lumbar_reason(mask, shoulder, hip)


def test_outline_on_the_image_border_is_invalid() -> None:
    mask = _lumbar_body(15.0, 1, 0.0)
    shoulder, hip, _ = _landmarks(1, 0.0)
    cut = np.array([CX - BACK + 20, 0.0])
    reason = _lumbar_reason(mask[:, int(cut[0]) :], shoulder - cut, hip - cut)
    assert "image border" in reason


@pytest.mark.parametrize(("facing", "lean"), BODIES)
@pytest.mark.parametrize(("front_level", "back_level"), [(0.85, 1.0), (0.93, 0.88)])
def test_pelvic_tilt_proxy_of_a_drawn_pelvis(
    facing: int, lean: float, front_level: float, back_level: float
) -> None:
    assert ABDOMEN_LEVELS[0] < front_level < ABDOMEN_LEVELS[1]
    assert BUTTOCK_LEVELS[0] < back_level < BUTTOCK_LEVELS[1]
    mask = _pelvis(front_level, back_level, facing, lean)
    proxy = _pelvic(mask, facing, lean)
    assert proxy.valid and proxy.reason == "" and proxy.experimental
    drop = (front_level - back_level) * TRUNK  # front apex below the back apex, upright
    expected = math.degrees(math.atan2(drop, 70 + 15 + BACK + 20)) + lean
    assert proxy.angle_deg == pytest.approx(expected, abs=0.5)
    apexes = np.array(
        [[CX + 85, SHOULDER_Y + front_level * TRUNK], [CX - BACK - 20, SHOULDER_Y + back_level * TRUNK]]
    )
    np.testing.assert_allclose(
        np.vstack([proxy.front_xy, proxy.back_xy]), _pose(apexes, facing, lean), atol=1.5
    )


def test_pelvic_tilt_proxy_against_a_rolled_camera() -> None:
    mask = _pelvis(0.85, 1.0, 1, 10.0)
    level = _pelvic(mask, 1, 10.0)
    rolled = _pelvic(mask, 1, 10.0, camera_roll_deg=4.0)
    # The picture content turned counter-clockwise by the roll: the true tilt is larger.
    assert rolled.angle_deg == pytest.approx(level.angle_deg + 4.0, abs=1e-9)


def test_pelvic_tilt_proxy_invalid_cases() -> None:
    mask = _pelvis(0.85, 1.0, 1, 0.0)
    flexed = _pelvic(mask, 1, 0.0, thigh_deg=60.0)
    assert not flexed.valid and "thigh 60 deg" in flexed.reason
    shoulder, hip, _ = _landmarks(1, 0.0)
    no_knee = pelvic_tilt_proxy(mask, hip, np.array([np.nan, np.nan]), shoulder, 1)
    assert not no_knee.valid and "NaN" in no_knee.reason and no_knee.experimental
    empty = _pelvic(np.zeros_like(mask), 1, 0.0)
    assert not empty.valid and "empty mask" in empty.reason and math.isnan(empty.angle_deg)
    short = mask.copy()
    short[int(SHOULDER_Y + 0.9 * TRUNK) :] = False
    cut = _pelvic(short, 1, 0.0)
    assert not cut.valid and "does not cover the trunk axis" in cut.reason
