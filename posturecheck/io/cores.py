"""Keep the pose model on a core of its own while decoding, drawing and encoding use the others.

On a machine with few cores, work the scheduler places on the model's core
slows inference. Linux lets a thread choose its cores (``sched_setaffinity``
applies to the calling thread), and threads inherit their creator's choice,
so: the thread that creates the model (and so MediaPipe's own worker
threads) keeps the first core, and the decoding process
(:mod:`posturecheck.io.frame_process`) and the import warm-up take the others.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CoreSplit:
    """Which cores the model's threads and the reading/writing threads run on."""

    model: frozenset[int]
    others: frozenset[int]
    all: frozenset[int]


def core_split() -> CoreSplit | None:
    """A split of this thread's allowed cores, or ``None`` where there is nothing to split.

    ``None`` with fewer than two allowed cores, or where the platform does not
    let a thread choose its cores.
    """
    if not hasattr(os, "sched_getaffinity"):
        return None
    allowed = frozenset(os.sched_getaffinity(0))
    if len(allowed) < 2:
        return None
    first = min(allowed)
    return CoreSplit(model=frozenset({first}), others=allowed - {first}, all=allowed)


def run_on(cores: frozenset[int] | None) -> None:
    """Let the calling thread (and threads it starts from now on) run only on ``cores``."""
    if cores:
        os.sched_setaffinity(0, cores)
