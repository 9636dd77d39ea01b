"""Camera roll from drawn scenes with lines at a known tilt."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from posturecheck.measures.roll import estimate_camera_roll, vertical_from_roll

HEIGHT, WIDTH = 480, 640


def _tilted_line(image: np.ndarray, top: tuple[float, float], length: float, roll_deg: float, **style):
    """Draw a plumb line of the scene, starting at ``top``, as it appears under ``roll_deg``."""
    down = vertical_from_roll(roll_deg)
    bottom = (top[0] + length * down[0], top[1] + length * down[1])
    cv2.line(image, (round(top[0]), round(top[1])), (round(bottom[0]), round(bottom[1])), **style)


def _scene(roll_deg: float, seed: int = 0, tops_x=(120, 260, 430, 560)) -> np.ndarray:
    """Noisy gray wall with long plumb lines, a floor line and short distractors, all rotated by the roll."""
    rng = np.random.default_rng(seed)
    image = np.full((HEIGHT, WIDTH), 110, np.uint8)
    for x in tops_x:
        _tilted_line(image, (x, 40), 0.8 * HEIGHT, roll_deg, color=230, thickness=3, lineType=cv2.LINE_AA)
    # The floor: long, but horizontal, so it must be ignored.
    cv2.line(image, (0, 400), (WIDTH, 400 - round(WIDTH * math.tan(math.radians(roll_deg)))), 30, 3)
    # Short lines at random angles, some nearly vertical but too short to count.
    for _ in range(25):
        x, y = rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)
        angle = rng.uniform(-math.pi, math.pi)
        length = rng.uniform(10, 0.15 * HEIGHT)
        end = (round(x + length * math.cos(angle)), round(y + length * math.sin(angle)))
        cv2.line(image, (round(x), round(y)), end, int(rng.integers(0, 255)), 2)
    noise = rng.normal(0, 6, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def test_vertical_from_roll_convention():
    np.testing.assert_allclose(vertical_from_roll(0.0), [0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(vertical_from_roll(90.0), [1.0, 0.0], atol=1e-12)
    # A camera turned clockwise: the scene turns counter-clockwise on screen, so a
    # plumb line's lower end lies right of its upper end.
    down = vertical_from_roll(10.0)
    assert down[0] > 0 and down[1] > 0
    assert np.linalg.norm(down) == pytest.approx(1.0)


@pytest.mark.parametrize("roll_deg", [-14.0, -4.3, -0.7, 0.0, 0.3, 2.6, 7.5, 13.0])
def test_recovers_known_roll(roll_deg):
    estimate = estimate_camera_roll(_scene(roll_deg, seed=0))
    assert estimate.roll_deg is not None, estimate.reason
    assert estimate.roll_deg == pytest.approx(roll_deg, abs=0.25)
    assert estimate.n_lines in (3, 4)
    assert 0.5 < estimate.confidence <= 1.0


def test_rgb_input_and_large_frame_downscaled():
    gray = _scene(5.0, seed=3)
    large = cv2.resize(gray, (WIDTH * 3, HEIGHT * 3), interpolation=cv2.INTER_LINEAR)
    rgb = np.repeat(large[..., None], 3, axis=2)
    estimate = estimate_camera_roll(rgb)
    assert estimate.roll_deg == pytest.approx(5.0, abs=0.5)


def test_blank_image_gives_none_with_reason():
    estimate = estimate_camera_roll(np.full((HEIGHT, WIDTH, 3), 128, np.uint8))
    assert estimate.roll_deg is None
    assert estimate.confidence == 0.0 and estimate.n_lines == 0
    assert "at least 2" in estimate.reason


def test_single_line_is_too_few():
    estimate = estimate_camera_roll(_scene(3.0, tops_x=(300,)))
    assert estimate.roll_deg is None
    assert estimate.n_lines == 1


def test_excluded_region_is_ignored():
    image = _scene(-3.0, tops_x=(80, 200))
    # A tall object leaning the other way, with more long edges than the true verticals.
    for x in (380, 420, 460, 500, 540):
        _tilted_line(image, (x, 30), 0.85 * HEIGHT, 9.0, color=20, thickness=3)
    assert estimate_camera_roll(image).roll_deg == pytest.approx(9.0, abs=1.0)
    exclude = np.zeros(image.shape, bool)
    exclude[:, 300:] = True
    estimate = estimate_camera_roll(image, exclude=exclude)
    assert estimate.roll_deg == pytest.approx(-3.0, abs=0.5)
    assert estimate.n_lines == 2


def test_rejects_wrong_image_type():
    with pytest.raises(ValueError):
        estimate_camera_roll(np.zeros((10, 10), np.float32))


def test_rotating_clockwise_by_roll_levels_the_scene():
    image = _scene(6.0, seed=1)
    estimate = estimate_camera_roll(image)
    rotation = cv2.getRotationMatrix2D((WIDTH / 2, HEIGHT / 2), -estimate.roll_deg, 1.0)
    levelled = cv2.warpAffine(image, rotation, (WIDTH, HEIGHT), borderMode=cv2.BORDER_REPLICATE)
    assert estimate_camera_roll(levelled).roll_deg == pytest.approx(0.0, abs=0.25)
