"""``posturecheck webcam``: a live window with the skeleton drawn, for a self-check at home.

MediaPipe runs in LIVE_STREAM mode: frames are sent as they come and the
newest result is drawn; frames arriving while the model is busy are dropped,
so the picture never lags behind the person.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import cv2

from posturecheck.draw.skeleton import draw_skeletons
from posturecheck.errors import DisplayError
from posturecheck.io.sources import SourceEndedEarly, WebcamSource
from posturecheck.pose.landmarker import (
    DetectorSettings,
    FramePoses,
    check_model,
    create_landmarker,
    to_mp_image,
)

WINDOW = "posturecheck - press q to quit"

CAMERA_GUIDANCE = (
    "Camera set-up for a self-check:",
    "  - camera at hip height, level (no tilt), 2.5-3.5 m away;",
    "  - stand side-on to it, your whole body from head to feet in view;",
    "  - plain background, good light in front of you, fitted clothes.",
)


def display_available() -> bool:
    """True where a window can be opened (always on macOS and Windows)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class _LatestPoses:
    """The newest result from MediaPipe's worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._poses: FramePoses | None = None

    def put(self, poses: FramePoses, _timestamp_ms: int) -> None:
        with self._lock:
            self._poses = poses

    def get(self) -> FramePoses | None:
        with self._lock:
            return self._poses


def run_live_view(camera: int, model_path: Path | None) -> int:
    """Show the camera with the skeleton until the user presses q; returns an exit status.

    Raises
    ------
    DisplayError
        No display to open a window on.
    InputError
        The camera cannot be opened.
    """
    if not display_available():
        raise DisplayError(
            "no display found: the live view needs a desktop session "
            "(on a server, use the Streamlit app's webcam page in a browser)"
        )
    model = check_model(model_path)
    source = WebcamSource(camera)
    print("\n".join(CAMERA_GUIDANCE))
    latest = _LatestPoses()
    last_ms = -1
    with create_landmarker(model, "live", DetectorSettings(), on_live_result=latest.put) as landmarker:
        try:
            for frame in source:
                timestamp_ms = max(int(frame.time_s * 1000), last_ms + 1)
                last_ms = timestamp_ms
                landmarker.detect_async(to_mp_image(frame.image), timestamp_ms)
                poses = latest.get()
                shown = frame.image
                if poses is not None and poses.count:
                    shown = draw_skeletons(frame.image, poses.image, poses.visibility)
                else:
                    cv2.putText(
                        shown,
                        "No one in view: step back so your whole body shows",
                        (10, 30),
                        cv2.FONT_HERSHEY_SIMPLEX,
                        0.7,
                        (255, 255, 255),
                        2,
                        cv2.LINE_AA,
                    )
                cv2.imshow(WINDOW, cv2.cvtColor(shown, cv2.COLOR_RGB2BGR))
                if cv2.waitKey(1) & 0xFF in (ord("q"), 27):
                    break
        except SourceEndedEarly as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            cv2.destroyAllWindows()
    return 0
