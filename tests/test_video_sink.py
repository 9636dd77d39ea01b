"""The annotated-video writer makes H.264 in MP4 (browser-playable) and keeps frame times."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from posturecheck.io.video_sink import H264Writer
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


def test_colours_survive_the_round_trip(tmp_path: Path) -> None:
    """Red, green, blue and grey blocks come back as themselves: no channel swap, no range shift."""
    colours = [(220, 30, 30), (30, 200, 40), (30, 40, 220), (128, 128, 128)]
    picture = np.zeros((64, 256, 3), dtype=np.uint8)
    for block, colour in enumerate(colours):
        picture[:, block * 64 : (block + 1) * 64] = colour
    with H264Writer(tmp_path / "colours.mp4", 256, 64, fps=30.0) as writer:
        writer.write(picture, 0.0)
    with av.open(str(tmp_path / "colours.mp4")) as container:
        decoded = next(container.decode(video=0)).to_ndarray(format="rgb24")
    for block, colour in enumerate(colours):
        centre = decoded[16:48, block * 64 + 16 : block * 64 + 48].reshape(-1, 3).mean(axis=0)
        np.testing.assert_allclose(centre, colour, atol=6)
