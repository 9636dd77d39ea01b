"""The live page's frame processor: each browser camera frame through the live core.

streamlit-webrtc calls :meth:`LiveProcessor.recv` on its worker thread
(``async_processing``), one frame at a time, handing over only the newest
frame when the model falls behind; the page reads and drives
:attr:`LiveProcessor.session` (:class:`~posturecheck.live.session.LiveSession`,
safe across threads) from the script thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import av
from streamlit_webrtc import VideoProcessorBase

from posturecheck.live.session import LiveSession
from posturecheck.pose.landmarker import ModelInfo


class LiveProcessor(VideoProcessorBase):
    """Measures each frame in a :class:`~posturecheck.live.session.LiveSession` and returns it drawn.

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
        self.session = LiveSession(model, camera_roll_deg)
        self._clock = clock
        self._start = clock()

    def recv(self, frame: av.VideoFrame) -> av.VideoFrame:
        """Measure one camera frame and return it with the overlay drawn (as it came, once ended)."""
        measured = self.session.measure(frame.to_ndarray(format="rgb24"), self._clock() - self._start)
        if measured is None:
            return frame
        return av.VideoFrame.from_ndarray(measured.picture, format="rgb24")

    def on_ended(self) -> None:
        """The camera stopped or the tab closed: release the model."""
        self.session.close()
