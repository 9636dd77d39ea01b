"""The annotated-video writer makes H.264 in MP4 (browser-playable) and keeps frame times."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from tests.media import write_clip


def test_writes_h264_yuv420p_with_times(tmp_path: Path) -> None:
    times = [0.0, 0.05, 0.1, 0.4]
    clip = write_clip(tmp_path / "out.mp4", 320, 240, times)
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        read = [float(frame.time) for frame in container.decode(stream)]
    np.testing.assert_allclose(read, times, atol=0.001)
    head = clip.read_bytes()[:200]
    assert head.find(b"moov") != -1 or head.find(b"ftyp") != -1
