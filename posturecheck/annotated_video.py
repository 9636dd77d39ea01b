"""The annotated video: each frame with the skeletons drawn (faces blurred on request), as H.264.

Single-person clips are drawn while the model runs (one pass). Clips with
several people are drawn in a second pass once the tracker has given each
person a stable ID, so the IDs in the video are the IDs in the results.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tqdm import tqdm

from posturecheck.draw.annotate import annotated_picture
from posturecheck.io.frames import Frame
from posturecheck.io.prefetch import WriteBehind, read_ahead
from posturecheck.io.sources import SourceDescription, SourceEndedEarly, open_source
from posturecheck.io.video_sink import H264Writer
from posturecheck.pose.series import PoseSeries
from posturecheck.pose.tracking import TrackedSeries


class AnnotatedVideoWriter:
    """Draw and encode frames on a worker thread, behind whatever produces them.

    ``add`` takes a frame with its (P, 33, 3) normalised landmarks and (P, 33)
    visibility; ``labels`` (one per slot, or ``None`` for none) are drawn
    beside each skeleton.
    """

    def __init__(self, path: Path, description: SourceDescription, blur: bool) -> None:
        self.path = path
        self._writer = H264Writer(path, description.work_width, description.work_height, description.fps)
        self._blur = blur
        self._behind = WriteBehind(self._draw_and_write)

    def _draw_and_write(self, item: tuple[Frame, np.ndarray, np.ndarray, tuple[str, ...] | None]) -> None:
        frame, landmarks, visibility, labels = item
        self._writer.write(
            annotated_picture(frame.image, landmarks, visibility, labels, self._blur), frame.time_s
        )

    def add(
        self,
        frame: Frame,
        landmarks: np.ndarray,
        visibility: np.ndarray,
        labels: tuple[str, ...] | None = None,
    ) -> None:
        """Queue one frame for drawing and encoding."""
        self._behind.submit((frame, landmarks, visibility, labels))

    def close(self) -> None:
        """Finish every queued frame and the file."""
        try:
            self._behind.close()
        finally:
            self._writer.close()


def render_annotated_video(
    source_path: str | Path, tracked: TrackedSeries, out_path: Path, max_side: int, blur: bool, progress: bool
) -> Path:
    """Second pass: decode ``source_path`` again and draw ``tracked``'s people (slots = person IDs) on it.

    Frames the series does not hold (none, for a series made from this
    source) are written without a skeleton. A source that ends early ends
    the video there too. The people's landmarks are gathered a block of
    rows at a time, so memory does not follow the clip's length.
    """
    source = open_source(source_path, "clip", max_side)
    row_of_frame = {int(index): row for row, index in enumerate(tracked.frame_index)}
    labels = tuple(f"#{slot + 1}" for slot in range(tracked.n_people))
    empty = np.full((tracked.n_people, tracked.clip.image.shape[2], 3), np.nan, dtype=np.float32)
    writer = AnnotatedVideoWriter(out_path, source.description, blur)
    bar = tqdm(total=tracked.n_frames, unit="frame", desc="drawing", disable=not progress, leave=False)
    block: tuple[int, PoseSeries] | None = None
    try:
        for frame in read_ahead(source):
            row = row_of_frame.get(frame.index)
            if row is None:
                writer.add(frame, empty, np.zeros(empty.shape[:2], dtype=np.float32))
            else:
                if block is None or not block[0] <= row < block[0] + block[1].n_frames:
                    first = row - row % _DRAW_BLOCK
                    block = (
                        first,
                        tracked.rows(first, min(first + _DRAW_BLOCK, tracked.n_frames), every=True)[0],
                    )
                at = row - block[0]
                writer.add(frame, block[1].image[at], block[1].visibility[at], labels)
            bar.update(1)
    except SourceEndedEarly:
        pass  # the analysis already reported it; the video stops where the frames do
    finally:
        bar.close()
        writer.close()
    return out_path


# Rows of landmarks render_annotated_video gathers at a time.
_DRAW_BLOCK = 64
