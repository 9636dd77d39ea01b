"""``posturecheck webcam``: the live self-check in a window, measured by the same core as the app's live page.

Each camera frame goes through a :class:`~posturecheck.live.session.LiveSession`,
as on the app's live page: the window shows the same picture (skeleton, hip
flexion, trunk lean, knee raises, guidance), and the terminal says in words
what to fix, each knee raise counted and, at the end, the highest hip flexion
held. Frames are measured one at a time as the camera gives them (the model
tracks the person from frame to frame); the camera is asked to keep no
backlog, so the picture stays close behind the person.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2

from posturecheck.errors import DisplayError
from posturecheck.io.frames import Frame
from posturecheck.io.sources import SourceEndedEarly, WebcamSource
from posturecheck.live.guidance import SETUP_RIGHT, SETUP_STEPS
from posturecheck.live.session import LiveFrame, LiveSession, LiveSnapshot
from posturecheck.measures.extremes import MIN_HOLD_S
from posturecheck.pose.landmarker import check_model

WINDOW = "posturecheck - press q to quit"
QUIT_KEYS = (ord("q"), 27)
# A set-up message is printed once it has stood this long (seconds), so a
# message that flickers for a frame or two does not fill the terminal.
GUIDANCE_HOLD_S = 1.0


def display_available() -> bool:
    """True where a window can be opened (always on macOS and Windows)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def setup_lines() -> list[str]:
    """The set-up steps, as the app's live page gives them, and how to stop."""
    steps = [f"  {i}. {step}" for i, step in enumerate(SETUP_STEPS, start=1)]
    return ["Set-up for a live self-check:", *steps, "Press q in the window to stop."]


class Narration:
    """What the terminal says as frames come: set-up guidance once it has stood, each knee raise counted."""

    def __init__(self, hold_s: float = GUIDANCE_HOLD_S) -> None:
        self.hold_s = hold_s
        self._said = ""
        self._pending = ""
        self._since = 0.0
        self._counts: dict[str, int] = {}

    def lines(self, measured: LiveFrame) -> list[str]:
        """New lines after one measured frame (often none)."""
        figures = measured.state.figures
        message = figures.guidance or figures.note or SETUP_RIGHT
        if message != self._pending:
            self._pending, self._since = message, measured.time_s
        said = []
        if message != self._said and measured.time_s - self._since >= self.hold_s:
            self._said = message
            said.append(message)
        for side, count in measured.state.knee_raises.items():
            if count.count > self._counts.get(side, 0) and count.last_peak_deg is not None:
                said.append(
                    f"Knee raise counted, {side}: {count.count} so far, "
                    f"peak hip flexion {count.last_peak_deg:.0f} deg (held {MIN_HOLD_S:g} s)"
                )
            self._counts[side] = count.count
        return said


def summary_lines(state: LiveSnapshot) -> list[str]:
    """The session in words: frames measured, highest hip flexion held, knee raises."""
    highest = state.max_hip_flexion

    def held(side: str) -> str:
        return f"{highest[side]:.1f} deg" if side in highest else "not measured"

    raises = {side: count.count for side, count in state.knee_raises.items()}
    return [
        f"Frames measured: {state.frames_received}, with a person: {state.frames_with_pose}",
        f"Highest hip flexion (held {MIN_HOLD_S:g} s, valid frames only): left {held('left')}, "
        f"right {held('right')}",
        f"Knee raises: left {raises.get('left', 0)}, right {raises.get('right', 0)}",
    ]


def watch(frames: Iterable[Frame], session: LiveSession, show: Callable[[LiveFrame], bool]) -> LiveSnapshot:
    """Measure each frame, print what changed and ``show`` it, until the frames end or ``show`` returns False.

    Returns the live state after the last frame measured.

    Raises
    ------
    SourceEndedEarly
        The camera stopped sending frames (the frames it gave were measured).
    """
    narration = Narration()
    for frame in frames:
        measured = session.measure(frame.image, frame.time_s)
        if measured is None:
            break
        for line in narration.lines(measured):
            print(line, flush=True)
        if not show(measured):
            break
    return session.snapshot()


def _show_in_window(measured: LiveFrame) -> bool:
    """Draw the frame in the window; False once q or Esc is pressed."""
    cv2.imshow(WINDOW, cv2.cvtColor(measured.picture, cv2.COLOR_RGB2BGR))
    return cv2.waitKey(1) & 0xFF not in QUIT_KEYS


def run_live_view(camera: int | str, model_path: Path | None) -> int:
    """Measure the camera live in a window until the user presses q; returns an exit status.

    ``camera`` is a camera index or a device OpenCV opens as one (a path, a stream URL).

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
    print("\n".join(setup_lines()), flush=True)
    session = LiveSession(model)
    status = 0
    try:
        state = watch(source, session, _show_in_window)
    except SourceEndedEarly as exc:
        print(f"error: {exc}", file=sys.stderr)
        state, status = session.snapshot(), 1
    finally:
        session.close()
        cv2.destroyAllWindows()
    print("\n".join(summary_lines(state)))
    return status
