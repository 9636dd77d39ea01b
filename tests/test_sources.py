"""Frame sources: true timestamps, rotation metadata, stills, folders, sizes, expectations."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from posturecheck.errors import InputError
from posturecheck.io.sources import (
    ImageFolderSource,
    ImageSource,
    SourceEndedEarly,
    VideoFileSource,
    WebcamSource,
    open_source,
)
from tests.media import WALK_CLIP, frame_of, with_display_rotation, write_clip


def test_sample_clip_times_and_size() -> None:
    source = open_source(WALK_CLIP)
    assert isinstance(source, VideoFileSource)
    desc = source.description
    assert (desc.width, desc.height, desc.fps, desc.n_frames) == (1280, 364, 30.0, 230)
    assert (desc.work_width, desc.work_height) == (1280, 368)
    frames = list(source)
    assert len(frames) == 230
    np.testing.assert_allclose([f.time_s for f in frames[:3]], [0, 1 / 30, 2 / 30], atol=1e-6)
    assert frames[0].image.shape == (368, 1280, 3) and frames[0].image.dtype == np.uint8


def test_variable_frame_rate_keeps_true_times(tmp_path: Path) -> None:
    times = [0.0, 0.030, 0.100, 0.110, 0.300, 0.333]
    clip = write_clip(tmp_path / "vfr.mp4", 160, 120, times)
    read = [frame.time_s for frame in open_source(clip)]
    np.testing.assert_allclose(read, times, atol=0.0011)


@pytest.mark.parametrize(("ccw", "clockwise"), [(-90, 90), (90, 270), (180, 180)])
def test_rotation_metadata_is_applied(tmp_path: Path, ccw: int, clockwise: int) -> None:
    rotated = with_display_rotation(WALK_CLIP, tmp_path / "phone.mp4", ccw)
    source = open_source(rotated)
    desc = source.description
    assert desc.rotation_deg == clockwise
    upright = next(iter(source)).image
    plain = next(iter(open_source(WALK_CLIP))).image
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    expected = cv2.rotate(plain, codes[clockwise])
    assert upright.shape[:2] == expected.shape[:2] == ((368, 1280) if clockwise == 180 else (1280, 368))
    assert np.abs(upright.astype(int) - expected.astype(int)).mean() < 3


def test_still_image_and_folder(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), frame_of(WALK_CLIP, 100))
    cv2.imwrite(str(tmp_path / "b.jpg"), frame_of(WALK_CLIP, 150))
    still = open_source(tmp_path / "a.png")
    assert isinstance(still, ImageSource) and len(list(still)) == 1
    folder = open_source(tmp_path)
    assert isinstance(folder, ImageFolderSource)
    assert [f.time_s for f in folder] == [0.0, 1.0]


def test_folder_stops_at_a_photo_of_another_size(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), frame_of(WALK_CLIP, 100))
    cv2.imwrite(str(tmp_path / "b.png"), np.zeros((600, 400, 3), np.uint8))
    received = []
    with pytest.raises(
        SourceEndedEarly, match=r"b\.png: is 400x600 px, the folder's first photo 1280x364 px"
    ):
        for frame in open_source(tmp_path):
            received.append(frame.index)
    assert received == [0]


def test_expectations_refuse_the_wrong_kind(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "still.png"), frame_of(WALK_CLIP, 100))
    with pytest.raises(InputError, match="still image; a video clip is needed"):
        open_source(tmp_path / "still.png", expect="clip")
    with pytest.raises(InputError, match="video clip; a still image is needed"):
        open_source(WALK_CLIP, expect="image")


def test_image_renamed_mp4_is_read_as_image(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "still.png"), frame_of(WALK_CLIP, 100))
    disguised = tmp_path / "clip.mp4"
    disguised.write_bytes((tmp_path / "still.png").read_bytes())
    with pytest.raises(InputError, match="still image; a video clip is needed"):
        open_source(disguised, expect="clip")


def test_tiny_frames_are_refused(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "tiny.png"), np.zeros((40, 60, 3), np.uint8))
    with pytest.raises(InputError, match=r"too small \(60x40 px\)"):
        open_source(tmp_path / "tiny.png")
    clip = write_clip(tmp_path / "tiny.mp4", 48, 32, [0.0, 0.1])
    with pytest.raises(InputError, match="too small"):
        open_source(clip)


def test_huge_still_is_refused_before_decoding(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "huge.png"), np.zeros((11_000, 11_008), np.uint8))
    with pytest.raises(InputError, match="too large"):
        open_source(tmp_path / "huge.png")


def test_large_frames_are_worked_at_bounded_size(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "uhd.mp4", 3840, 2160, [0.0, 0.04])
    source = open_source(clip)
    assert (source.description.work_width, source.description.work_height) == (1280, 720)
    assert next(iter(source)).image.shape == (720, 1280, 3)


def test_truncated_clip_gives_frames_then_error(tmp_path: Path) -> None:
    truncated = tmp_path / "cut.mp4"
    truncated.write_bytes(WALK_CLIP.read_bytes()[:300_000])
    received = 0
    with pytest.raises(SourceEndedEarly, match="truncated") as failure:
        for _ in open_source(truncated):
            received += 1
    assert 20 < received < 230 and failure.value.frames_read == received


def test_camera_that_stops_sending_ends_with_what_it_gave() -> None:
    # A clip opened as a capture device stands in for a camera that is unplugged
    # after its last frame: reads then fail, as they do for a lost USB camera.
    source = WebcamSource(str(WALK_CLIP), max_side=320)
    received = 0
    with pytest.raises(SourceEndedEarly, match="stopped sending frames") as failure:
        for _ in source:
            received += 1
    assert received == failure.value.frames_read == 230


def test_missing_camera_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="camera 97: could not be opened"):
        WebcamSource(97)


def test_damage_mid_clip_skips_only_the_damaged_part(tmp_path: Path) -> None:
    data = bytearray(WALK_CLIP.read_bytes())
    data[300_000:400_000] = bytes(100_000)
    (tmp_path / "damaged.mp4").write_bytes(bytes(data))
    received = []
    with pytest.raises(SourceEndedEarly, match="damaged") as failure:
        for frame in open_source(tmp_path / "damaged.mp4"):
            received.append(frame.time_s)
    assert failure.value.frames_read == len(received) > 150
    assert received[-1] > 7.0  # frames after the damage were read too
