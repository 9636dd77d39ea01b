"""Face blurring from head landmarks, on a drawn 'face' (a fine checkerboard) with known landmarks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from posturecheck.landmarks import NUM_LANDMARKS, Landmark
from posturecheck.privacy import blur_faces

WIDTH, HEIGHT = 320, 240
HEAD_WIDTH = 40.0  # ear to ear, pixels
# Head landmarks of a person facing the camera, in head widths from the face centre (x right, y down).
# The person's left is the image's right.
FRONTAL = {
    Landmark.NOSE: (0.0, 0.1),
    Landmark.LEFT_EYE_INNER: (0.1, -0.05),
    Landmark.LEFT_EYE: (0.17, -0.05),
    Landmark.LEFT_EYE_OUTER: (0.24, -0.05),
    Landmark.RIGHT_EYE_INNER: (-0.1, -0.05),
    Landmark.RIGHT_EYE: (-0.17, -0.05),
    Landmark.RIGHT_EYE_OUTER: (-0.24, -0.05),
    Landmark.LEFT_EAR: (0.5, 0.0),
    Landmark.RIGHT_EAR: (-0.5, 0.0),
    Landmark.MOUTH_LEFT: (0.12, 0.3),
    Landmark.MOUTH_RIGHT: (-0.12, 0.3),
}
# The same person's left profile, facing the image's right: the right side of the face is hidden.
PROFILE_SEEN = {
    Landmark.NOSE: (0.5, 0.1),
    Landmark.LEFT_EYE_INNER: (0.38, -0.05),
    Landmark.LEFT_EYE: (0.33, -0.05),
    Landmark.LEFT_EYE_OUTER: (0.28, -0.05),
    Landmark.LEFT_EAR: (-0.4, 0.0),
    Landmark.MOUTH_LEFT: (0.4, 0.3),
}
PROFILE_HIDDEN = (
    Landmark.RIGHT_EYE_INNER,
    Landmark.RIGHT_EYE,
    Landmark.RIGHT_EYE_OUTER,
    Landmark.RIGHT_EAR,
    Landmark.MOUTH_RIGHT,
)


def checkerboard(square: int = 3) -> np.ndarray:
    """(HEIGHT, WIDTH, 3) uint8 black and white squares: high-frequency energy everywhere."""
    rows, cols = np.mgrid[0:HEIGHT, 0:WIDTH]
    board = (((rows // square) + (cols // square)) % 2 * 255).astype(np.uint8)
    return np.repeat(board[..., None], 3, axis=2)


def person(
    head: dict[Landmark, tuple[float, float]], centre: tuple[float, float], turn_deg: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """(33, 3) normalised landmarks and (33,) visibility of one person whose face centre is at ``centre`` px.

    ``turn_deg`` turns the head in the image plane (180: upside down). Landmarks not
    in ``head`` are NaN with zero visibility, except the body, placed well below.
    """
    turn = np.deg2rad(turn_deg)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    landmarks = np.full((NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
    visibility = np.zeros(NUM_LANDMARKS, dtype=np.float32)
    body = [(index, (0.0, 4.0)) for index in range(Landmark.LEFT_SHOULDER, NUM_LANDMARKS)]
    for index, offset in list(head.items()) + body:
        x, y = np.asarray(centre) + rotation @ np.asarray(offset) * HEAD_WIDTH
        landmarks[index] = (x / WIDTH, y / HEIGHT, 0.0)
        visibility[index] = 0.95
    return landmarks, visibility


def energy(image: np.ndarray, centre: tuple[float, float], half_width: float, half_height: float) -> float:
    """Mean squared Laplacian over a box around ``centre`` (pixels): high-frequency content."""
    x0, x1 = int(centre[0] - half_width), int(centre[0] + half_width)
    y0, y1 = int(centre[1] - half_height), int(centre[1] + half_height)
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float64)
    return float(np.mean(cv2.Laplacian(grey, cv2.CV_64F)[y0:y1, x0:x1] ** 2))


def far_from(centre: tuple[float, float], distance: float) -> np.ndarray:
    """(HEIGHT, WIDTH) bool: pixels farther than ``distance`` from ``centre``."""
    rows, cols = np.mgrid[0:HEIGHT, 0:WIDTH]
    return np.hypot(cols + 0.5 - centre[0], rows + 0.5 - centre[1]) > distance


@pytest.mark.parametrize("turn_deg", [0.0, 180.0], ids=["upright", "upside_down"])
def test_a_frontal_face_loses_its_detail_and_the_rest_is_untouched(turn_deg: float) -> None:
    image = checkerboard()
    original = image.copy()
    centre = (150.0, 100.0)
    landmarks, visibility = person(FRONTAL, centre, turn_deg)

    blurred = blur_faces(image, landmarks[None], visibility[None])

    # The face itself: ear to ear, brow to below the chin.
    before = energy(image, centre, 0.5 * HEAD_WIDTH, 0.7 * HEAD_WIDTH)
    after = energy(blurred, centre, 0.5 * HEAD_WIDTH, 0.7 * HEAD_WIDTH)
    assert after < before / 100
    far = far_from(centre, 2.0 * HEAD_WIDTH)
    np.testing.assert_array_equal(blurred[far], original[far])
    assert blurred.shape == image.shape and blurred.dtype == image.dtype
    np.testing.assert_array_equal(image, original)


@pytest.mark.parametrize("hidden", ["nan", "guessed", "stray"])
def test_a_face_in_side_view_with_one_ear_is_covered(hidden: str) -> None:
    image = checkerboard()
    centre = (200.0, 120.0)
    landmarks, visibility = person(PROFILE_SEEN, centre)
    # MediaPipe still places hidden landmarks, with a low visibility: near their
    # visible mirror ("guessed") or, at worst, far off ("stray", 3 head widths left).
    shift = {"nan": None, "guessed": (0.01, 0.0, 0.0), "stray": (-3 * HEAD_WIDTH / WIDTH, 0.0, 0.0)}[hidden]
    if shift is not None:
        for index in PROFILE_HIDDEN:
            mirror = Landmark[Landmark(index).name.replace("RIGHT_", "LEFT_")]
            landmarks[index] = landmarks[mirror] + shift
            visibility[index] = 0.05

    blurred = blur_faces(image, landmarks[None], visibility[None])

    # From behind the ear to the nose tip, brow to chin.
    face_centre = (centre[0] + 0.05 * HEAD_WIDTH, centre[1] + 0.1 * HEAD_WIDTH)
    before = energy(image, face_centre, 0.5 * HEAD_WIDTH, 0.5 * HEAD_WIDTH)
    after = energy(blurred, face_centre, 0.5 * HEAD_WIDTH, 0.5 * HEAD_WIDTH)
    assert after < before / 100
    far = far_from(centre, 2.5 * HEAD_WIDTH)
    np.testing.assert_array_equal(blurred[far], image[far])


def test_empty_slots_are_skipped_and_each_person_is_blurred() -> None:
    image = checkerboard()
    empty_landmarks = np.full((NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
    empty_visibility = np.zeros(NUM_LANDMARKS, dtype=np.float32)
    first, second = (70.0, 80.0), (250.0, 150.0)
    people = [person(FRONTAL, first), (empty_landmarks, empty_visibility), person(FRONTAL, second)]
    landmarks = np.stack([p[0] for p in people])
    visibility = np.stack([p[1] for p in people])

    blurred = blur_faces(image, landmarks, visibility)

    for centre in (first, second):
        assert energy(blurred, centre, 20, 25) < energy(image, centre, 20, 25) / 100
    far = far_from(first, 2.0 * HEAD_WIDTH) & far_from(second, 2.0 * HEAD_WIDTH)
    np.testing.assert_array_equal(blurred[far], image[far])
    nobody = blur_faces(image, landmarks[[1]], visibility[[1]])
    np.testing.assert_array_equal(nobody, image)


def test_a_face_cut_by_the_frame_edge_and_a_grey_frame() -> None:
    grey = cv2.cvtColor(checkerboard(), cv2.COLOR_RGB2GRAY)
    centre = (5.0, 230.0)
    landmarks, visibility = person(FRONTAL, centre)

    blurred = blur_faces(grey, landmarks[None], visibility[None])

    assert blurred.shape == grey.shape
    inside = blurred[HEIGHT - 20 :, :20].astype(np.float64)
    assert np.abs(np.diff(inside, axis=1)).mean() < 5  # the board alternates by 255 every 3 px
    np.testing.assert_array_equal(blurred[:100], grey[:100])


def test_bad_arguments_are_refused() -> None:
    landmarks, visibility = person(FRONTAL, (100.0, 100.0))
    with pytest.raises(ValueError, match="landmarks have shape"):
        blur_faces(checkerboard(), landmarks, visibility)
    with pytest.raises(ValueError, match="strength"):
        blur_faces(checkerboard(), landmarks[None], visibility[None], strength=0.0)
