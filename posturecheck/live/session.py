"""One camera stream measured live: the pose model, smoothing, figures, held highest values, counters.

Both live front ends run their frames through a :class:`LiveSession`: the
app's WebRTC processor (on streamlit-webrtc's worker thread) and
``posturecheck webcam``. The landmarker runs in VIDEO mode (tracking from
frame to frame), which needs strictly increasing timestamps: a frame's time
is bumped by 1 ms when two frames share a millisecond. Frames are measured
on one thread while :meth:`LiveSession.snapshot` and the count and capture
controls may be called from another: everything shared is behind one lock,
and the model behind its own so that closing waits for a frame in progress.

The figures on the screen are the newest frame's. The highest values and
the knee raises count only frames the recorded path's glitch checks trust
(:mod:`posturecheck.live.rejection`): each frame is judged about half a second
after it arrives, then measured again from its trusted landmarks (through
filters of its own, fed only judged frames) and counted.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np

from posturecheck.live.capture import StandingCheck
from posturecheck.live.counters import HeldValues, KneeRaiseCounter, SideCount, SteadyStance
from posturecheck.live.frame_figures import LiveFigures, live_figures
from posturecheck.live.guidance import SOMEONE_ELSE, not_counted
from posturecheck.live.overlay import draw_live
from posturecheck.live.rejection import JudgedFrame, LiveRejection
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
# Why frames were not counted stays said this long after the last such frame, seconds: a glitch
# lasts a tenth of a second, too short to read.
NOT_COUNTED_SHOWN_S = 2.0


@dataclass(frozen=True)
class LiveSnapshot:
    """The live state after a frame.

    Attributes
    ----------
    frames_received : camera frames measured.
    frames_with_pose : of those, frames where a person was found.
    frames_per_second : measured frames per second over the last :data:`RATE_WINDOW_S` s.
    figures : the newest frame's figures.
    max_hip_flexion : side -> highest hip flexion held for 0.1 s (at least 3 frames with a valid
        value, :class:`~posturecheck.live.counters.HeldValues`) since the start or the last reset,
        over frames the glitch checks trust (module notes).
    knee_raises : side -> counts and peaks, over the same frames.
    not_counted : why recent frames were not counted, in words (``""`` when all were):
        someone else in view, or the reason a glitch check rejected a frame.
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
    not_counted: str = ""


@dataclass(frozen=True)
class LiveFrame:
    """One measured frame.

    Attributes
    ----------
    time_s : seconds since the stream started, as given to :meth:`LiveSession.measure`.
    picture : (h, w, 3) uint8 RGB, the frame with the skeleton, figures and guidance drawn.
    state : the live state after this frame.
    """

    time_s: float
    picture: np.ndarray
    state: LiveSnapshot


class LiveSession:
    """Measures the frames of one camera stream as they come and keeps the live state.

    Parameters
    ----------
    model : a checked PoseLandmarker bundle.
    camera_roll_deg : camera roll for the gravity-referenced figures (0 = level).
    """

    def __init__(self, model: ModelInfo, camera_roll_deg: float = 0.0) -> None:
        self._landmarker = create_landmarker(model, "video", DetectorSettings())
        self._roll = camera_roll_deg
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._closed = False
        self._last_ms = -1
        self._image_filter = OneEuroFilter(**IMAGE_FILTER)
        self._world_filter = OneEuroFilter(**WORLD_FILTER)
        self._judged_image_filter = OneEuroFilter(**IMAGE_FILTER)
        self._judged_world_filter = OneEuroFilter(**WORLD_FILTER)
        self._rejection: LiveRejection | None = None
        self._not_counted = ("", -float("inf"))
        self._counter = KneeRaiseCounter()
        self._highest = HeldValues()
        self._steady = SteadyStance()
        self._recent: deque[float] = deque()
        self._standing = StandingCheck()
        self._state = LiveSnapshot()

    def measure(self, rgb: np.ndarray, time_s: float) -> LiveFrame | None:
        """Measure one (h, w, 3) uint8 RGB frame taken ``time_s`` seconds after the stream started.

        Times must not go backwards. Returns ``None`` once the session is closed.
        """
        with self._model_lock:
            if self._closed:
                return None
            self._last_ms = max(int(time_s * 1000), self._last_ms + 1)
            poses = detect(self._landmarker, "video", rgb, self._last_ms)
        state = self._update(time_s, poses, rgb.shape[1], rgb.shape[0])
        counts = {side: count.count for side, count in state.knee_raises.items()}
        picture = draw_live(rgb, poses.image, poses.visibility, state.figures, counts, state.not_counted)
        return LiveFrame(time_s=time_s, picture=picture, state=state)

    def _smoothed(self, now: float, poses: FramePoses) -> tuple[np.ndarray, np.ndarray]:
        """The first person's landmarks through the One Euro filters (filters restart when nobody is seen)."""
        if not poses.count:
            self._image_filter.reset()
            self._world_filter.reset()
            nan = np.full((33, 3), np.nan)
            return nan, nan
        return self._image_filter(poses.image[0], now), self._world_filter(poses.world[0], now)

    def _count(self, frame: JudgedFrame, size: tuple[int, int]) -> None:
        """Measure a judged frame from its trusted landmarks and feed the counters (holding the lock)."""
        if not np.isfinite(frame.image).any():
            self._judged_image_filter.reset()
            self._judged_world_filter.reset()
        image = self._judged_image_filter(frame.image, frame.time_s)
        world = self._judged_world_filter(frame.world, frame.time_s)
        figures = live_figures(image, world, frame.visibility, size, self._roll)
        self._counter.update(figures.hip_flexion, frame.time_s)
        self._highest.update(frame.time_s, figures.hip_flexion)
        why = SOMEONE_ELSE if frame.someone_else else not_counted(frame.reason) if frame.reason else ""
        if why:
            self._not_counted = (why, frame.time_s)

    def measure_poses(self, poses: FramePoses, time_s: float, size: tuple[int, int]) -> LiveSnapshot:
        """Measure one frame's poses found by the model (the part of :meth:`measure` after the model).

        ``size`` is the frame's (width, height) in pixels; times must increase.
        Returns the live state after the frame.
        """
        return self._update(time_s, poses, size[0], size[1])

    def _update(self, now: float, poses: FramePoses, width: int, height: int) -> LiveSnapshot:
        """Figures, counters, rate and capture after one frame; returns the new snapshot."""
        image, world = self._smoothed(now, poses)
        visibility = poses.visibility[0] if poses.count else np.zeros(33)
        figures = live_figures(image, world, visibility, (width, height), self._roll)
        with self._lock:
            self._recent.append(now)
            while self._recent and self._recent[0] < now - RATE_WINDOW_S:
                self._recent.popleft()
            if self._rejection is None or tuple(self._rejection.size) != (width, height):
                self._rejection = LiveRejection((width, height))
            for judged in self._rejection.add(now, poses):
                self._count(judged, (width, height))
            why, when = self._not_counted
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
                not_counted=why if now - when <= NOT_COUNTED_SHOWN_S else "",
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
            self._rejection = None
            self._judged_image_filter.reset()
            self._judged_world_filter.reset()
            self._not_counted = ("", -float("inf"))
            self._state = replace(self._state, max_hip_flexion={}, knee_raises={}, not_counted="")

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

    def close(self) -> None:
        """Release the model (after any frame in progress); later frames are not measured. Safe to repeat."""
        with self._model_lock:
            if not self._closed:
                self._closed = True
                self._landmarker.close()
