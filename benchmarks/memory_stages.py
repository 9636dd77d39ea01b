"""Peak memory of each stage after the pose model, on synthetic series of two lengths.

Runs no model and decodes no video, so a ten-minute clip's worth of frames
takes a minute, not a quarter of an hour: it measures where the memory that
grows with clip length goes (issue 9, item 5).

Synthetic input: walking-like synthetic skeletons (``tests/synthetic_skeleton.py``)
at 30 frames/s. ``PEOPLE`` people each walk through for ``SPAN_S`` seconds,
one after the other with some overlap, so at most two are in view at once,
as in a class or corridor clip:

tracking gets them in two loose slots (as :mod:`posturecheck.pose.extract`
gives them) and keeps each person it follows over their own frames
(:class:`posturecheck.pose.tracking.TrackedSeries`); measuring, summarising
and the CSV work from that, as ``posturecheck analyze`` does. The synthetic
walkers share one body, so re-identification joins some of them: fewer
people are tracked than walk through.

For each stage the script prints, in MiB, the peak of memory allocated by
Python and NumPy (``tracemalloc``) above what was held before the stage, and
what the stage's results hold afterwards. Process RSS (model, libraries) is
not included: see ``benchmarks/memory_length.py`` for the whole command.

Usage::

    python benchmarks/memory_stages.py                 # 10 s and 10 min
    python benchmarks/memory_stages.py 10 600 3600     # durations in seconds
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from posturecheck.measures.pipeline import MeasureOptions, compute_tracked_measures  # noqa: E402
from posturecheck.measures.summary import summarize_table  # noqa: E402
from posturecheck.measures.table import write_csv  # noqa: E402
from posturecheck.pose.series import PoseSeries, empty_series  # noqa: E402
from posturecheck.pose.tracking import track_people  # noqa: E402
from tests.synthetic_skeleton import BodyPose, Camera, make_series  # noqa: E402

FPS = 30.0
PEOPLE = 20
SPAN_S = 20.0
T = TypeVar("T")


def walking_cycle(n: int = 30) -> PoseSeries:
    """One second of a walking-like movement seen from the side, one person."""
    phase = 2 * np.pi * np.arange(n) / n
    poses = [
        BodyPose(
            hip_flexion_left=20 * np.sin(p),
            hip_flexion_right=-20 * np.sin(p),
            knee_flexion_left=20 + 20 * np.sin(p + 1),
            knee_flexion_right=20 - 20 * np.sin(p + 1),
            trunk_inclination=3.0,
        )
        for p in phase
    ]
    return make_series(poses, Camera(width=1920, height=1080, distance_m=6.0), fps=FPS, noise_frac=0.002)


def people_spans(n_frames: int) -> list[tuple[int, int]]:
    """(first, stop) frames of each person: ``PEOPLE`` walks spread over the clip, each ``SPAN_S`` long
    (shorter in a clip too short for that), starting evenly."""
    span = min(int(SPAN_S * FPS), n_frames)
    starts = np.linspace(0, n_frames - span, PEOPLE).astype(int)
    return [(int(s), int(s) + span) for s in starts]


def synthetic(n_frames: int, slots: int | None) -> PoseSeries:
    """The people of :func:`people_spans` in ``slots`` loose slots (person k in slot k % slots),
    or one slot each (``None``)."""
    cycle = walking_cycle()
    spans = people_spans(n_frames)
    n_slots = slots or len(spans)
    base = empty_series(n_frames, n_slots, replace(cycle.source, path="synthetic"))
    base = replace(base, times_s=np.arange(n_frames) / FPS)
    for k, (first, stop) in enumerate(spans):
        slot = k % n_slots
        rows = np.arange(first, stop)
        shift = np.float32(0.1 + 0.8 * (k % 5) / 4 - 0.5)
        image = cycle.image[rows % cycle.n_frames, 0].copy()
        image[..., 0] += shift
        base.image[rows, slot] = image
        base.world[rows, slot] = cycle.world[rows % cycle.n_frames, 0]
        base.visibility[rows, slot] = 1.0
        base.presence[rows, slot] = 1.0
    return base


def measured(label: str, stage: Callable[[], T], quiet: bool = False) -> T:
    """Run ``stage``, print its peak and its results' size (MiB above what was held before)."""
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    started = time.perf_counter()
    result = stage()
    elapsed = time.perf_counter() - started
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    mib = 1024 * 1024
    if quiet:
        return result
    print(
        f"  {label:<40} peak {(peak - before) / mib:8.1f} MiB   "
        f"results {(held - before) / mib:8.1f} MiB   {elapsed:6.1f} s",
        flush=True,
    )
    return result


def run(seconds: float, csv: bool = True, quiet: bool = False) -> None:
    """Every stage on a ``seconds`` long series; ``quiet``: print nothing (a warm-up for the imports)."""
    n = int(round(seconds * FPS))
    say = (lambda line: None) if quiet else (lambda line: print(line, flush=True))
    say(f"{seconds:g} s ({n} frames, {PEOPLE} walks of {min(SPAN_S, seconds):g} s each):")
    loose = [measured("input, 2 loose slots", lambda: synthetic(n, 2), quiet)]
    tracked = measured("track_people", lambda: track_people(loose[0]), quiet)
    say(f"    ({tracked.n_people} people tracked)")
    loose.clear()
    options = MeasureOptions()
    tables = measured(
        "compute_tracked_measures, every person",
        lambda: [compute_tracked_measures(tracked, k, options) for k in range(tracked.n_people)],
        quiet,
    )
    detected = tracked.detected
    measured(
        "summarize_table, every person",
        lambda: [summarize_table(t, detected[:, t.person], roll_known=False) for t in tables],
        quiet,
    )
    if csv:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "measures.csv"
            measured("write_csv", lambda: write_csv(tables, path), quiet)
            say(f"    (CSV {path.stat().st_size / 1024 / 1024:.1f} MiB)")
    mib = 1024 * 1024
    say(f"  held at the end: {tracemalloc.get_traced_memory()[0] / mib:.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("durations", nargs="*", type=float, default=[10, 600], help="series lengths, s")
    parser.add_argument("--no-csv", action="store_true", help="skip the CSV (a row per frame and person)")
    args = parser.parse_args()
    tracemalloc.start()
    run(2.0, csv=True, quiet=True)  # the imports each stage makes, out of the figures
    for seconds in args.durations:
        run(seconds, csv=not args.no_csv)
        gc.collect()


if __name__ == "__main__":
    main()
