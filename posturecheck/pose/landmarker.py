"""The pose model: finding and checking the bundle, and running MediaPipe's PoseLandmarker.

mediapipe 1.2 only has the Tasks API (``mediapipe.tasks.python.vision``).
Three running modes are used: IMAGE for stills, VIDEO for clips (tracking
between frames, strictly increasing timestamps) and LIVE_STREAM for cameras.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from posturecheck.errors import ModelError
from posturecheck.io.digest import file_sha256
from posturecheck.landmarks import NUM_LANDMARKS

RunMode = Literal["image", "video", "live"]

# The bundle ships inside the package (so a wheel install has it); models/README.md documents it.
BUNDLED_MODEL = Path(__file__).resolve().with_name("models") / "pose_landmarker_full.task"
BUNDLED_MODEL_SHA256 = "32c31069be5550b6d9c31a5ff3e4d6d9bb0b53d1214d54f8f9b8dd0b2fac1a52"
_BUNDLE_MEMBERS = {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
_MODES = {
    "image": vision.RunningMode.IMAGE,
    "video": vision.RunningMode.VIDEO,
    "live": vision.RunningMode.LIVE_STREAM,
}


@dataclass(frozen=True)
class ModelInfo:
    """A checked PoseLandmarker bundle: where it is and its sha256."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class DetectorSettings:
    """How the landmarker runs. Confidences are MediaPipe's, 0..1."""

    num_poses: int = 1
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    masks: bool = False


@dataclass(frozen=True)
class FramePoses:
    """Poses found in one frame, in MediaPipe's order (not yet tracked).

    image : (n, 33, 3) normalised x, y and relative depth z.
    world : (n, 33, 3) metres, hip-centred.
    visibility, presence : (n, 33), 0..1.
    masks : (n, h, w) float32 0..1 at inference size, or ``None``.
    """

    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    masks: np.ndarray | None

    @property
    def count(self) -> int:
        """Number of people found."""
        return int(self.image.shape[0])


def check_model(path: str | Path | None = None, expected_sha256: str | None = None) -> ModelInfo:
    """Check that ``path`` (default: the bundled model) is a PoseLandmarker bundle.

    The bundled model must also have its documented sha256
    (:data:`BUNDLED_MODEL_SHA256`), so a damaged or replaced install is
    refused instead of measuring with another model; a model the user names
    is checked against ``expected_sha256`` only when that is given.

    Raises
    ------
    ModelError
        Missing file, not a zip, a zip without the detector and landmark
        models, or a sha256 other than the expected one.
    """
    if path is None:
        path, expected_sha256 = BUNDLED_MODEL, BUNDLED_MODEL_SHA256
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: model file not found (use --model PATH, or reinstall posturecheck)")
    try:
        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
    except zipfile.BadZipFile as exc:
        raise ModelError(f"{path}: not a MediaPipe .task bundle (corrupt or wrong file)") from exc
    if not names >= _BUNDLE_MEMBERS:
        raise ModelError(f"{path}: not a PoseLandmarker bundle (needs {', '.join(sorted(_BUNDLE_MEMBERS))})")
    digest = file_sha256(path)
    if expected_sha256 is not None and digest != expected_sha256:
        raise ModelError(
            f"{path}: not the expected model file (sha256 {digest[:12]}..., expected "
            f"{expected_sha256[:12]}...); reinstall posturecheck or give --model PATH"
        )
    return ModelInfo(path=path, sha256=digest)


LiveCallback = Callable[[FramePoses, int], None]


def create_landmarker(
    model: ModelInfo, mode: RunMode, settings: DetectorSettings, on_live_result: LiveCallback | None = None
) -> vision.PoseLandmarker:
    """A PoseLandmarker for ``mode``; close it (or use it in ``with``) when done.

    In ``"live"`` mode ``on_live_result(poses, timestamp_ms)`` is called on
    MediaPipe's worker thread for each frame it processed; frames sent while
    it is busy are dropped by MediaPipe.
    """
    callback = None
    if mode == "live":
        if on_live_result is None:
            raise ValueError("live mode needs on_live_result")

        def callback(result: vision.PoseLandmarkerResult, _image: mp.Image, timestamp_ms: int) -> None:
            on_live_result(poses_from_result(result), timestamp_ms)

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model.path)),
        running_mode=_MODES[mode],
        num_poses=settings.num_poses,
        min_pose_detection_confidence=settings.min_detection_confidence,
        min_pose_presence_confidence=settings.min_presence_confidence,
        min_tracking_confidence=settings.min_tracking_confidence,
        output_segmentation_masks=settings.masks,
        result_callback=callback,
    )
    try:
        return vision.PoseLandmarker.create_from_options(options)
    except (RuntimeError, ValueError) as exc:
        raise ModelError(
            f"{model.path}: MediaPipe could not load the model ({str(exc).splitlines()[0]})"
        ) from exc


def to_mp_image(rgb: np.ndarray) -> mp.Image:
    """Wrap an (h, w, 3) uint8 RGB array for MediaPipe."""
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def poses_from_result(result: vision.PoseLandmarkerResult) -> FramePoses:
    """Copy MediaPipe's result objects into arrays (see :class:`FramePoses`)."""
    count = len(result.pose_landmarks)
    image = np.empty((count, NUM_LANDMARKS, 3), dtype=np.float32)
    world = np.empty((count, NUM_LANDMARKS, 3), dtype=np.float32)
    visibility = np.empty((count, NUM_LANDMARKS), dtype=np.float32)
    presence = np.empty((count, NUM_LANDMARKS), dtype=np.float32)
    for person, (norm, metres) in enumerate(
        zip(result.pose_landmarks, result.pose_world_landmarks, strict=True)
    ):
        image[person] = [(lm.x, lm.y, lm.z) for lm in norm]
        world[person] = [(lm.x, lm.y, lm.z) for lm in metres]
        visibility[person] = [lm.visibility or 0.0 for lm in norm]
        presence[person] = [lm.presence or 0.0 for lm in norm]
    masks = None
    if result.segmentation_masks:
        masks = np.stack([m.numpy_view() for m in result.segmentation_masks]).astype(np.float32)
        masks = masks.reshape(masks.shape[0], masks.shape[1], masks.shape[2])
    return FramePoses(image=image, world=world, visibility=visibility, presence=presence, masks=masks)


def detect(
    landmarker: vision.PoseLandmarker, mode: RunMode, rgb: np.ndarray | mp.Image, timestamp_ms: int
) -> FramePoses:
    """Run the landmarker on one frame (RGB array, or already wrapped) in IMAGE or VIDEO mode.

    ``timestamp_ms`` must increase strictly between calls in VIDEO mode; it
    is ignored in IMAGE mode.
    """
    picture = rgb if isinstance(rgb, mp.Image) else to_mp_image(rgb)
    if mode == "image":
        return poses_from_result(landmarker.detect(picture))
    return poses_from_result(landmarker.detect_for_video(picture, timestamp_ms))
