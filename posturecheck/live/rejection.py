"""The recorded path's glitch checks on a live stream: each frame judged once enough of what follows is seen.

A recorded clip's landmarks are checked by :func:`posturecheck.measures.glitches.reject`
(implausible jumps, broken proportions, the ends of a followed stretch, a body
cut by the picture's edge) before anything is measured. Live, the same
function runs on a rolling window of the followed person's raw landmarks, and
a frame is judged once the stream holds
:func:`~posturecheck.measures.glitches.judging_margin_s` seconds after it
(about half a second): it then gets the marks the whole clip would give it,
with the same rules and limits. Rejected landmarks come out missing, so a
figure needing one is not valid in that frame and a glitch sets no "highest
so far" and counts no knee raise; the newest figures on the screen are not
delayed.

The person followed
-------------------
The live model finds one person per frame, and not always the same one: when
the person measured leaves, someone else in view is found instead. As the
recorded tracker re-identifies a person (:mod:`posturecheck.pose.tracking`), a
pose whose box centre is within :data:`~posturecheck.pose.tracking.REENTRY_DISTANCE`
frame widths of where the followed person was last seen is taken as them;
one further away is someone else (not counted) until the followed person has
been unseen for :data:`~posturecheck.pose.tracking.MAX_GAP_S` seconds (their
track has ended), when the pose found becomes the person followed. Only one
person is found per frame, so the recorded path's overlap check has nothing
to compare here.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from posturecheck.landmarks import MIN_VISIBILITY, STANCE_JOINTS
from posturecheck.measures.extremes import frame_interval
from posturecheck.measures.glitches import judging_margin_s, reject
from posturecheck.measures.pipeline import MeasureOptions
from posturecheck.pose.landmarker import FramePoses
from posturecheck.pose.tracking import MAX_GAP_S, REENTRY_DISTANCE


@dataclass(frozen=True)
class JudgedFrame:
    """One frame of the followed person after the glitch checks.

    Attributes
    ----------
    time_s : the frame's time, seconds since the stream started.
    image : (33, 3) normalised image landmarks, NaN where rejected or nobody followed is seen.
    world : (33, 3) world landmarks, metres, NaN where rejected or nobody followed is seen.
    visibility : (33,) MediaPipe visibility (0 where nobody followed is seen).
    reason : why landmarks of the frame were rejected, as the recorded path's
        technical line (:mod:`posturecheck.measures.reasons`), the stance joints'
        first (shoulders, hips, knees, ankles: what the live figures use), else any
        landmark's; ``""`` when none was.
    someone_else : a person was found but not the one followed (module notes).
    """

    time_s: float
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    reason: str = ""
    someone_else: bool = False


@dataclass(frozen=True)
class _Seen:
    """A frame kept in the window: the followed person's raw landmarks (NaN when not seen)."""

    time_s: float
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    detected: bool
    someone_else: bool


_NO_POINTS = np.full((33, 3), np.nan)


class LiveRejection:
    """Judges a stream's frames with :func:`~posturecheck.measures.glitches.reject` (module notes).

    Parameters
    ----------
    size : (width, height) of the frames, pixels.
    max_gap_s : longest gap that does not end a followed stretch, seconds
        (the recorded path's default).
    """

    def __init__(self, size: tuple[int, int], max_gap_s: float = MeasureOptions().max_gap_s) -> None:
        self.size = np.array(size, dtype=np.float64)
        self.max_gap_s = max_gap_s
        self._window: deque[_Seen] = deque()
        self._pending = 0
        self._last_x: float | None = None
        self._last_seen_s = -np.inf

    def _follows(self, time_s: float, image: np.ndarray) -> bool:
        """Whether a pose found now is the person followed (module notes); starts following if nobody is."""
        xs = image[:, 0]
        centre = float((np.nanmin(xs) + np.nanmax(xs)) / 2)
        ended = time_s - self._last_seen_s > MAX_GAP_S
        if self._last_x is None or ended or abs(centre - self._last_x) <= REENTRY_DISTANCE:
            self._last_x, self._last_seen_s = centre, time_s
            return True
        return False

    def add(self, time_s: float, poses: FramePoses) -> list[JudgedFrame]:
        """Keep a frame (seconds since start, model poses); return the frames judged now, oldest first."""
        found = poses.count > 0 and bool(np.isfinite(poses.image[0, :, :2]).any())
        follows = found and self._follows(time_s, poses.image[0])
        if follows:
            seen = _Seen(time_s, poses.image[0], poses.world[0], poses.visibility[0], True, False)
        else:
            seen = _Seen(time_s, _NO_POINTS, _NO_POINTS, np.zeros(33), False, found)
        self._window.append(seen)
        self._pending += 1
        times = np.array([f.time_s for f in self._window])
        interval = frame_interval(times)
        if not np.isfinite(interval) or interval <= 0:
            return []
        margin = judging_margin_s(interval, self.max_gap_s)
        first = len(self._window) - self._pending
        ready = [row for row in range(first, len(self._window)) if times[-1] - times[row] >= margin]
        if not ready:
            return []
        judged = self._judge(times, ready)
        self._pending -= len(ready)
        oldest_pending = times[ready[-1] + 1] if self._pending else times[-1]
        while self._window and self._window[0].time_s < oldest_pending - margin:
            self._window.popleft()
        return judged

    def _judge(self, times: np.ndarray, rows: list[int]) -> list[JudgedFrame]:
        """Run the checks over the window and return the given rows, rejected landmarks missing."""
        frames = list(self._window)
        image = np.stack([f.image for f in frames]).astype(np.float64)
        world = np.stack([f.world for f in frames]).astype(np.float64)
        hidden = (np.stack([f.visibility for f in frames]) < MIN_VISIBILITY)[..., None]
        own = np.where(hidden, np.nan, image[..., :2])
        detected = np.array([[f.detected] for f in frames])
        world_seen = np.where(hidden, np.nan, world)
        marks = reject(image[:, None], own, own * self.size, world_seen, detected, times, 0, self.max_gap_s)
        out = []
        for row in rows:
            frame = frames[row]
            image_marks, world_marks = marks.image[row], marks.world[row]
            out.append(
                JudgedFrame(
                    time_s=frame.time_s,
                    image=np.where((image_marks != "")[:, None], np.nan, frame.image),
                    world=np.where((world_marks != "")[:, None], np.nan, frame.world),
                    visibility=frame.visibility,
                    reason=_first_reason(image_marks, world_marks),
                    someone_else=frame.someone_else,
                )
            )
        return out


def _first_reason(image_marks: np.ndarray, world_marks: np.ndarray) -> str:
    """The stance joints' first reason in either landmark set, else any landmark's; ``""`` for none."""
    stance = list(STANCE_JOINTS)
    for marks in (image_marks[stance], world_marks[stance], image_marks, world_marks):
        given = [str(m) for m in marks if m]
        if given:
            return given[0]
    return ""
