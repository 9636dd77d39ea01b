"""A few seconds of live landmarks kept as a :class:`PoseSeries`, for the offline measures."""

from __future__ import annotations

import numpy as np

from posturecheck.pose.landmarker import FramePoses
from posturecheck.pose.series import PoseSeries, SourceInfo

# Seconds of steady stance kept for the standing check: the window the
# standing-side assessment reads (posturecheck.assessments.standing_side.WINDOW_S).
CAPTURE_S = 3.0


class StanceCapture:
    """Landmarks of the first person, frame by frame, until :data:`CAPTURE_S` seconds are kept."""

    def __init__(self, width: int, height: int, duration_s: float = CAPTURE_S) -> None:
        self.width, self.height, self.duration_s = width, height, duration_s
        self._times: list[float] = []
        self._poses: list[FramePoses] = []

    @property
    def progress(self) -> float:
        """Share of the capture done, 0..1."""
        if not self._times:
            return 0.0
        return min(1.0, (self._times[-1] - self._times[0]) / self.duration_s)

    @property
    def complete(self) -> bool:
        """The capture covers :attr:`duration_s` seconds."""
        return self.progress >= 1.0

    def add(self, time_s: float, poses: FramePoses) -> None:
        """Keep one frame in which a person was found."""
        self._times.append(time_s)
        self._poses.append(poses)

    def series(self) -> PoseSeries:
        """The kept frames as a one-person series, times from 0."""
        times = np.asarray(self._times, dtype=np.float64)
        source = SourceInfo(
            path="webcam",
            kind="webcam",
            width=self.width,
            height=self.height,
            inference_width=self.width,
            inference_height=self.height,
        )
        return PoseSeries(
            times_s=times - times[0],
            frame_index=np.arange(times.size, dtype=np.int64),
            image=np.stack([p.image[:1] for p in self._poses]),
            world=np.stack([p.world[:1] for p in self._poses]),
            visibility=np.stack([p.visibility[:1] for p in self._poses]),
            presence=np.stack([p.presence[:1] for p in self._poses]),
            source=source,
        )


class StandingCheck:
    """The standing check's steps: idle -> waiting (for a steady stance) -> capturing -> done.

    While capturing, any frame that is not steady sends it back to waiting
    and drops what was kept, so the capture is :data:`CAPTURE_S` seconds of
    one unbroken steady stance.
    """

    def __init__(self) -> None:
        self.state = "idle"
        self._capture: StanceCapture | None = None
        self._series: PoseSeries | None = None

    @property
    def progress(self) -> float:
        """Share of the capture done, 0..1 (1 once done)."""
        if self.state == "done":
            return 1.0
        return self._capture.progress if self._capture is not None else 0.0

    def start(self) -> None:
        """Begin waiting for a steady stance (dropping any earlier capture)."""
        self.state, self._capture, self._series = "waiting", None, None

    def update(self, time_s: float, poses: FramePoses, steady: bool, width: int, height: int) -> None:
        """Feed one processed frame and whether the stance is steady in it."""
        if self.state == "waiting" and steady:
            self.state, self._capture = "capturing", StanceCapture(width, height)
        if self.state != "capturing" or self._capture is None:
            return
        if not steady:
            self.state, self._capture = "waiting", None
            return
        self._capture.add(time_s, poses)
        if self._capture.complete:
            self.state, self._series, self._capture = "done", self._capture.series(), None

    def take(self) -> PoseSeries | None:
        """The captured series once done (then back to idle); ``None`` before."""
        series, self._series = self._series, None
        if series is not None:
            self.state = "idle"
        return series
