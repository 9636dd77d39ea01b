"""The live frame processor: the pose model, smoothing, figures and counters for each camera frame.

streamlit-webrtc calls :meth:`LiveProcessor.recv` on its worker thread
(``async_processing``), one frame at a time, handing over only the newest
frame when the model falls behind; the page reads :meth:`LiveProcessor.snapshot`
from the script thread. Everything shared between the two is behind one lock.
The landmarker runs in VIDEO mode (tracking from frame to frame), which
needs strictly increasing timestamps: they come from a monotonic clock and
are bumped by 1 ms when two frames share a millisecond.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import av
import numpy as np
from streamlit_webrtc import VideoProcessorBase

from posturecheck.live.capture import StandingCheck
from posturecheck.live.counters import HeldValues, KneeRaiseCounter, SideCount, SteadyStance
from posturecheck.live.figures import LiveFigures, live_figures
from posturecheck.live.overlay import draw_live
from posturecheck.measures.filtering import OneEuroFilter
from posturecheck.pose.landmarker import DetectorSettings, FramePoses, ModelInfo, create_landmarker, detect
from posturecheck.pose.series import PoseSeries

# One Euro filter settings for the landmarks: normalised image coordinates
# move about 1 unit/s in a quick knee raise, world ones about 1 m/s; these
# keep a still pose steady to a fraction of a degree and lag a raise by a
# frame or two.
IMAGE_FILTER = {"min_cutoff_hz": 1.5, "beta": 8.0, "d_cutoff_hz": 1.0}
WORLD_FILTER = {"min_cutoff_hz": 1.5, "beta": 4.0, "d_cutoff_hz": 1.0}
# Frames/s is measured over this many seconds.
RATE_WINDOW_S = 2.0


@dataclass(frozen=True)
class LiveSnapshot:
    """The live state as the page shows it.

    Attributes
    ----------
    frames_received : camera frames handed to the processor.
    frames_with_pose : of those, frames where a person was found.
    frames_per_second : processed frames per second over the last :data:`RATE_WINDOW_S` s.
    figures : the newest frame's figures.
    max_hip_flexion : side -> highest hip flexion held for 0.1 s (at least 3 frames with a valid
        value, :class:`~posturecheck.live.counters.HeldValues`) since the start or the last reset.
    knee_raises : side -> counts and peaks.
    capture : "idle", "waiting" (for a steady stance), "capturing" or "done".
    capture_progress : share of the capture done, 0..1.
    """

    frames_received: int = 0
    frames_with_pose: int = 0
    frames_per_second: float = 0.0
    figures: LiveFigures = field(default_factory=lambda: LiveFigures(person=False))
    max_hip_flexion: dict[str, float] = field(default_factory=dict)
    knee_raises: dict[str, SideCount] = field(default_factory=dict)
    capture: str = "idle"
    capture_progress: float = 0.0


class LiveProcessor(VideoProcessorBase):
    """Runs the model on each frame, draws the overlay and keeps the live figures.

    Parameters
    ----------
    model : a checked PoseLandmarker bundle.
    camera_roll_deg : camera roll for the gravity-referenced figures (0 = level).
    clock : seconds, increasing; the time each frame is taken to arrive (a
        monotonic clock live; a clip's own frame times when a clip is played through).
    """

    def __init__(
        self, model: ModelInfo, camera_roll_deg: float = 0.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._landmarker = create_landmarker(model, "video", DetectorSettings())
        self._roll = camera_roll_deg
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._closed = False
        self._clock = clock
        self._start = clock()
        self._last_ms = -1
        self._image_filter = OneEuroFilter(**IMAGE_FILTER)
        self._world_filter = OneEuroFilter(**WORLD_FILTER)
        self._counter = KneeRaiseCounter()
        self._highest = HeldValues()
        self._steady = SteadyStance()
        self._recent: deque[float] = deque()
        self._standing = StandingCheck()
        self._state = LiveSnapshot()

    def recv(self, frame: av.VideoFrame) -> av.VideoFrame:
        """Process one camera frame and return it with the overlay drawn."""
        rgb = frame.to_ndarray(format="rgb24")
        now = self._clock() - self._start
        with self._model_lock:
            if self._closed:
                return frame
            self._last_ms = max(int(now * 1000), self._last_ms + 1)
            poses = detect(self._landmarker, "video", rgb, self._last_ms)
        state = self._update(now, poses, rgb.shape[1], rgb.shape[0])
        counts = {side: count.count for side, count in state.knee_raises.items()}
        drawn = draw_live(rgb, poses.image, poses.visibility, state.figures, counts)
        return av.VideoFrame.from_ndarray(drawn, format="rgb24")

    def _smoothed(self, now: float, poses: FramePoses) -> tuple[np.ndarray, np.ndarray]:
        """The first person's landmarks through the One Euro filters (filters restart when nobody is seen)."""
        if not poses.count:
            self._image_filter.reset()
            self._world_filter.reset()
            nan = np.full((33, 3), np.nan)
            return nan, nan
        return self._image_filter(poses.image[0], now), self._world_filter(poses.world[0], now)

    def _update(self, now: float, poses: FramePoses, width: int, height: int) -> LiveSnapshot:
        """Figures, counters, rate and capture after one frame; returns the new snapshot."""
        image, world = self._smoothed(now, poses)
        visibility = poses.visibility[0] if poses.count else np.zeros(33)
        figures = live_figures(image, world, visibility, (width, height), self._roll)
        with self._lock:
            self._recent.append(now)
            while self._recent and self._recent[0] < now - RATE_WINDOW_S:
                self._recent.popleft()
            self._counter.update(figures.hip_flexion, now)
            self._highest.update(now, figures.hip_flexion)
            px = image[:, :2] * (width, height) if poses.count else None
            steady = self._steady.update(now, px, figures.knee_flexion)
            self._standing.update(now, poses, steady, width, height)
            span = self._recent[-1] - self._recent[0] if len(self._recent) > 1 else 0.0
            self._state = replace(
                self._state,
                frames_received=self._state.frames_received + 1,
                frames_with_pose=self._state.frames_with_pose + bool(poses.count),
                frames_per_second=(len(self._recent) - 1) / span if span > 0 else 0.0,
                figures=figures,
                max_hip_flexion=dict(self._highest.highest),
                knee_raises={side: replace(count) for side, count in self._counter.sides.items()},
                capture=self._standing.state,
                capture_progress=self._standing.progress,
            )
            return self._state

    def snapshot(self) -> LiveSnapshot:
        """The current live state (safe to call from any thread)."""
        with self._lock:
            return self._state

    def reset_counts(self) -> None:
        """Start the knee-raise counts and the highest hip flexion again."""
        with self._lock:
            self._counter = KneeRaiseCounter()
            self._highest = HeldValues()
            self._state = replace(self._state, max_hip_flexion={}, knee_raises={})

    def start_capture(self) -> None:
        """Wait for a steady stance, then keep :data:`~posturecheck.live.capture.CAPTURE_S` s of it."""
        with self._lock:
            self._standing.start()
            self._state = replace(self._state, capture=self._standing.state, capture_progress=0.0)

    def take_capture(self) -> PoseSeries | None:
        """The finished capture (once; ``None`` before it is done)."""
        with self._lock:
            captured = self._standing.take()
            if captured is not None:
                self._state = replace(self._state, capture=self._standing.state, capture_progress=0.0)
            return captured

    def on_ended(self) -> None:
        """The camera stopped or the tab closed: release the model."""
        with self._model_lock:
            if not self._closed:
                self._closed = True
                self._landmarker.close()
