"""The shipped pose model is the documented file, byte for byte, and a bundle the PoseLandmarker can open."""

import hashlib
import zipfile
from pathlib import Path

MODEL = Path(__file__).resolve().parent.parent / "models" / "pose_landmarker_full.task"
# Documented in models/README.md and checked by models/rebuild_model.py.
EXPECTED_SHA256 = "32c31069be5550b6d9c31a5ff3e4d6d9bb0b53d1214d54f8f9b8dd0b2fac1a52"
EXPECTED_MEMBERS = ["pose_detector.tflite", "pose_landmarks_detector.tflite"]


def test_model_sha256_is_the_documented_one() -> None:
    assert hashlib.sha256(MODEL.read_bytes()).hexdigest() == EXPECTED_SHA256


def test_model_readme_and_rebuild_script_state_the_same_sha256() -> None:
    for name in ("README.md", "rebuild_model.py"):
        assert EXPECTED_SHA256 in (MODEL.parent / name).read_text(encoding="utf-8"), name


def test_model_is_a_zip_of_the_two_expected_models_stored_uncompressed() -> None:
    with zipfile.ZipFile(MODEL) as bundle:
        assert bundle.namelist() == EXPECTED_MEMBERS
        assert all(info.compress_type == zipfile.ZIP_STORED for info in bundle.infolist())
        assert bundle.testzip() is None


def test_the_model_check_reports_the_documented_hash() -> None:
    """``check_model`` hashes the bundle block by block; it must agree with the whole-file hash."""
    from posturecheck.pose.landmarker import check_model

    assert check_model(None).sha256 == EXPECTED_SHA256
