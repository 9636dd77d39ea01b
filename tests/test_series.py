"""PoseSeries: shape contract, lossless save/load, per-person views, masks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from posturecheck.errors import InputError
from posturecheck.pose.series import PoseSeries, SourceInfo, empty_series

SOURCE = SourceInfo(
    path="synthetic", kind="video", width=640, height=480, fps=30.0, inference_width=20, inference_height=10
)


def random_series(frames: int = 5, people: int = 2, masks: bool = True) -> PoseSeries:
    rng = np.random.default_rng(1)
    series = empty_series(frames, people, SOURCE)
    image = rng.random(series.image.shape).astype(np.float32)
    image[2, 1] = np.nan  # person 2 missing in frame 3
    packed = np.packbits(rng.random((frames, people, 10, 20)) > 0.5, axis=-1) if masks else None
    return PoseSeries(
        times_s=np.arange(frames) / 30.0,
        frame_index=np.arange(frames),
        image=image,
        world=rng.normal(size=series.world.shape).astype(np.float32),
        visibility=rng.random(series.visibility.shape).astype(np.float32),
        presence=rng.random(series.presence.shape).astype(np.float32),
        source=SOURCE,
        masks=packed,
    )


def test_save_load_is_lossless(tmp_path: Path) -> None:
    series = random_series()
    loaded = PoseSeries.load(series.save(tmp_path / "x.npz"))
    assert loaded.source == series.source
    for name in ("times_s", "frame_index", "image", "world", "visibility", "presence", "masks"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(series, name))


def test_detected_and_pixels() -> None:
    series = random_series()
    assert series.detected.shape == (5, 2)
    assert not series.detected[2, 1] and series.detected[2, 0]
    np.testing.assert_allclose(series.image_px[0, 0, 0], series.image[0, 0, 0, :2] * [640, 480], rtol=1e-6)


def test_person_view_keeps_one_slot() -> None:
    series = random_series()
    one = series.person(1)
    assert one.n_people == 1 and one.n_frames == 5
    np.testing.assert_array_equal(one.image[:, 0], series.image[:, 1])
    np.testing.assert_array_equal(one.mask(0, 0), series.mask(0, 1))


def test_mask_unpacks_to_inference_size() -> None:
    series = random_series()
    mask = series.mask(0, 0)
    assert mask is not None and mask.shape == (10, 20) and mask.dtype == bool


def test_wrong_shapes_are_refused() -> None:
    series = random_series(masks=False)
    with pytest.raises(ValueError, match="visibility"):
        PoseSeries(
            series.times_s,
            series.frame_index,
            series.image,
            series.world,
            series.visibility[:, :1],
            series.presence,
            SOURCE,
        )


def test_load_refuses_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "notes.npz"
    bad.write_text("hello")
    with pytest.raises(InputError, match="not a posturecheck landmarks file"):
        PoseSeries.load(bad)
    with pytest.raises(InputError, match="no such file"):
        PoseSeries.load(tmp_path / "missing.npz")
