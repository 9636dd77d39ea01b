"""Peak memory of ``posturecheck analyze`` against clip length.

Makes 640x360, 30 frames/s clips of the given durations by looping a bundled
sample (``two_people.mp4`` by default, played forwards then backwards so the
motion has no jumps), runs ``posturecheck analyze CLIP --csv ... --quiet`` on
each in its own subprocess, and prints that process's peak resident memory
(``ru_maxrss`` of the waited-for child, as ``/usr/bin/time -v`` reports it),
its wall time and the fitted growth in MiB per minute of clip.

The goal (issue 9): the peak for a one-hour clip within 1.5x of a
10-second one's. Runs on a shared machine give disturbed times; memory
figures are not affected by other load.

Usage::

    python benchmarks/memory_length.py 10 60 600          # durations in seconds
    python benchmarks/memory_length.py 3600 --keep DIR    # keep the clips for another run
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "two_people.mp4"
WIDTH, HEIGHT, FPS = 640, 360, 30


def sample_frames(sample: Path) -> list[np.ndarray]:
    """The sample's frames at 640x360 as yuv420p planes, forwards then backwards."""
    import av

    with av.open(str(sample)) as container:
        frames = [
            frame.reformat(width=WIDTH, height=HEIGHT, format="yuv420p").to_ndarray()
            for frame in container.decode(video=0)
        ]
    return frames + frames[-2:0:-1]


def make_clip(path: Path, seconds: float, frames: list[np.ndarray]) -> Path:
    """A ``seconds`` long H.264 clip of ``frames`` looped at 30 frames/s."""
    import av

    if path.exists():
        return path
    n_frames = int(round(seconds * FPS))
    partial = path.with_suffix(".partial.mp4")
    with av.open(str(partial), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"crf": "23", "preset": "ultrafast"}
        stream.codec_context.time_base = Fraction(1, FPS)
        for index in range(n_frames):
            frame = av.VideoFrame.from_ndarray(frames[index % len(frames)], format="yuv420p")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    partial.rename(path)
    return path


def peak_of_analysis(clip: Path, out: Path) -> tuple[float, float, int]:
    """Run ``posturecheck analyze`` on ``clip``: (peak RSS in MiB, wall seconds, exit status)."""
    command = [
        sys.executable,
        "-m",
        "posturecheck.cli",
        "analyze",
        str(clip),
        "--out",
        str(out),
        "--csv",
        str(out / "measures.csv"),
        "--quiet",
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB.
    return usage.ru_maxrss / 1024, time.perf_counter() - started, process.returncode


def people_found(out: Path, clip: Path) -> str:
    """How many people the analysis tracked (each kept over their own frames), from its summary."""
    summary = out / f"{clip.stem}.summary.json"
    if not summary.exists():
        return "?"
    return str(json.loads(summary.read_text())["tracking"]["people_found"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("durations", nargs="*", type=float, default=[10, 60, 600], help="clip lengths, s")
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="clip to loop (default: %(default)s)")
    parser.add_argument("--keep", type=Path, help="folder for the clips (reused) and results")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        frames = sample_frames(args.sample)
        rows = []
        for seconds in args.durations:
            clip = make_clip(folder / f"loop_{seconds:g}s.mp4", seconds, frames)
            out = folder / f"out_{seconds:g}s"
            peak, wall, status = peak_of_analysis(clip, out)
            rows.append((seconds, peak))
            print(
                f"{seconds:8.0f} s clip ({seconds * FPS:.0f} frames): peak {peak:6.0f} MiB, "
                f"{wall:7.0f} s wall, exit {status}, {people_found(out, clip)} people tracked",
                flush=True,
            )
    if len(rows) >= 2:
        minutes = np.array([seconds / 60 for seconds, _ in rows])
        peaks = np.array([peak for _, peak in rows])
        slope, intercept = np.polyfit(minutes, peaks, 1)
        print(f"fit: peak = {intercept:.0f} MiB + {slope:.2f} MiB per minute of clip")
        print(f"ratio longest / shortest: {peaks[-1] / peaks[0]:.2f} (goal for 1 h vs 10 s: <= 1.5)")


if __name__ == "__main__":
    main()
