"""The shipped pose model is the documented file, byte for byte, and a bundle the PoseLandmarker can open."""

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from posturecheck.errors import ModelError
from posturecheck.pose.landmarker import BUNDLED_MODEL, BUNDLED_MODEL_SHA256, check_model

ROOT = Path(__file__).resolve().parent.parent
# Documented in models/README.md and checked by models/rebuild_model.py.
EXPECTED_SHA256 = "32c31069be5550b6d9c31a5ff3e4d6d9bb0b53d1214d54f8f9b8dd0b2fac1a52"
EXPECTED_MEMBERS = ["pose_detector.tflite", "pose_landmarks_detector.tflite"]


def test_model_sha256_is_the_documented_one() -> None:
    assert hashlib.sha256(BUNDLED_MODEL.read_bytes()).hexdigest() == EXPECTED_SHA256


def test_the_model_ships_inside_the_package() -> None:
    """A wheel carries only the package: the bundle must be under posturecheck/, not beside it."""
    assert BUNDLED_MODEL.is_relative_to(ROOT / "posturecheck")


def test_models_folder_links_to_the_packaged_bundle_not_a_second_copy() -> None:
    top = ROOT / "models" / "pose_landmarker_full.task"
    assert top.is_symlink()
    assert top.resolve() == BUNDLED_MODEL


def test_model_readme_rebuild_script_and_loader_state_the_same_sha256() -> None:
    for name in ("README.md", "rebuild_model.py"):
        assert EXPECTED_SHA256 in (ROOT / "models" / name).read_text(encoding="utf-8"), name
    assert BUNDLED_MODEL_SHA256 == EXPECTED_SHA256


def test_model_is_a_zip_of_the_two_expected_models_stored_uncompressed() -> None:
    with zipfile.ZipFile(BUNDLED_MODEL) as bundle:
        assert bundle.namelist() == EXPECTED_MEMBERS
        assert all(info.compress_type == zipfile.ZIP_STORED for info in bundle.infolist())
        assert bundle.testzip() is None


def test_the_model_check_reports_the_documented_hash() -> None:
    """``check_model`` hashes the bundle block by block; it must agree with the whole-file hash."""
    assert check_model(None).sha256 == EXPECTED_SHA256


def test_a_bundle_with_other_bytes_is_refused_when_a_hash_is_expected(tmp_path: Path) -> None:
    """A damaged install (same zip entries, other bytes) is one clear error, not another model."""
    tampered = tmp_path / "pose_landmarker_full.task"
    shutil.copyfile(BUNDLED_MODEL, tampered)
    with zipfile.ZipFile(tampered, "a") as bundle:
        bundle.writestr("extra.txt", "not part of the model")
    assert check_model(tampered).sha256 != EXPECTED_SHA256
    with pytest.raises(ModelError, match="not the expected model file"):
        check_model(tampered, expected_sha256=BUNDLED_MODEL_SHA256)
