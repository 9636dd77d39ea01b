"""``posturecheck webcam``: the sample walk opened as its camera, measured as the app's live page measures it.

OpenCV opens a clip as a capture device just as it opens a camera (as in
``tests/test_sources.py``), so the command runs on real footage here. There
is no display in the tests: where the window is needed, OpenCV's window calls
are replaced by ones that keep what would have been shown.
"""

from __future__ import annotations

from collections.abc import Iterator

import av
import cv2
import numpy as np
import pytest

from posturecheck.app.webrtc.processor import LiveProcessor
from posturecheck.cli import main
from posturecheck.cli_webcam import Narration, watch
from posturecheck.io.frames import Frame
from posturecheck.io.sources import WebcamSource
from posturecheck.live import guidance
from posturecheck.live.counters import SideCount
from posturecheck.live.frame_figures import LiveFigures
from posturecheck.live.session import LiveFrame, LiveSession, LiveSnapshot
from posturecheck.pose.landmarker import check_model
from tests.media import WALK_CLIP

# The clip's first 200 frames: nobody, then the walker coming in obliquely, then side-on.
FRAMES = 200


@pytest.mark.slow
def test_webcam_measures_every_frame_as_the_app_live_page_does() -> None:
    model = check_model()
    fed: list[Frame] = []

    def camera() -> Iterator[Frame]:
        for frame in WebcamSource(str(WALK_CLIP), max_side=640):
            fed.append(frame)
            yield frame

    shown: list[LiveFrame] = []

    def window(measured: LiveFrame) -> bool:
        shown.append(measured)
        return len(shown) < FRAMES  # then the user presses q

    session = LiveSession(model)
    final = watch(camera(), session, window)
    session.close()
    assert len(fed) == len(shown) == final.frames_received == FRAMES
    # The app's processor, given the same frames at the same times, measures and draws the same.
    clock = [0.0]
    processor = LiveProcessor(model, clock=lambda: clock[0])
    for frame, seen in zip(fed, shown, strict=True):
        clock[0] = frame.time_s
        out = processor.recv(av.VideoFrame.from_ndarray(frame.image, format="rgb24"))
        app = processor.session.snapshot()
        assert repr(app.figures) == repr(seen.state.figures), frame.index  # repr: NaN equals NaN
        assert app.max_hip_flexion == seen.state.max_hip_flexion
        assert app.knee_raises == seen.state.knee_raises
        assert np.array_equal(out.to_ndarray(format="rgb24"), seen.picture), frame.index
    processor.on_ended()
    # The frames compared went through each kind of guidance and through measured strides.
    assert {guidance.NO_PERSON, guidance.TURN_SIDE_ON, ""} <= {s.state.figures.guidance for s in shown}
    hips = [s.state.figures.hip_flexion["left"] for s in shown if "left" in s.state.figures.hip_flexion]
    assert len(hips) > 60 and max(hips) - min(hips) > 30


@pytest.mark.slow
def test_webcam_command_shows_the_measured_picture_and_says_the_figures(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shown: list[np.ndarray] = []
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(cv2, "imshow", lambda _name, bgr: shown.append(bgr))
    monkeypatch.setattr(cv2, "waitKey", lambda _ms: ord("q") if len(shown) >= 60 else -1)
    monkeypatch.setattr(cv2, "destroyAllWindows", lambda: None)
    assert main(["webcam", "--camera", str(WALK_CLIP)]) == 0
    out = capsys.readouterr().out
    assert all(step in out for step in guidance.SETUP_STEPS)
    assert "Frames measured: 60, with a person: " in out
    assert "Highest hip flexion (held 0.1 s, valid frames only): left " in out
    assert "Knee raises: left 0, right 0" in out
    assert len(shown) == 60 and shown[0].ndim == 3 and shown[0].dtype == np.uint8


def _frame(time_s: float, guidance_now: str, raises: int = 0) -> LiveFrame:
    figures = LiveFigures(person=True, guidance=guidance_now)
    counts = {"left": SideCount(raises, 70.0, 70.0), "right": SideCount()}
    state = LiveSnapshot(figures=figures, knee_raises=counts)
    return LiveFrame(time_s=time_s, picture=np.zeros((2, 2, 3), np.uint8), state=state)


def test_the_terminal_says_guidance_once_it_has_stood_and_each_knee_raise_once() -> None:
    narration = Narration(hold_s=1.0)
    said = [narration.lines(_frame(i / 10, guidance.STEP_BACK_FEET)) for i in range(12)]
    assert sum(said, []) == [guidance.STEP_BACK_FEET] and said[10] == [guidance.STEP_BACK_FEET]
    # A flicker of a frame is not said; the set-up being right is, once it has stood.
    assert narration.lines(_frame(1.2, guidance.COME_CLOSER)) == []
    said = [narration.lines(_frame(1.3 + i / 10, "")) for i in range(12)]
    assert sum(said, []) == [guidance.SETUP_RIGHT]
    counted = narration.lines(_frame(2.5, "", raises=1))
    assert counted == ["Knee raise counted, left: 1 so far, peak hip flexion 70 deg (held 0.1 s)"]
    assert narration.lines(_frame(2.6, "", raises=1)) == []
