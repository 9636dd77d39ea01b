"""The heavy libraries the measures import on first use, imported ahead while the model runs.

The measure modules import ``scipy.signal``, ``scipy.stats`` and
``scipy.ndimage`` inside the functions that use them, so the app's first page
and the CLI's help stay quick. An analysis needs them once the model is
done; importing them on a background thread (on the cores the model does not
use) takes that wait, about a second on a small machine, off its critical path.
"""

from __future__ import annotations

import importlib
import threading

from posturecheck.io.cores import run_on

MEASURE_IMPORTS = ("scipy.signal", "scipy.stats", "scipy.ndimage")
"""Modules the measures and assessments import lazily (see the notes at their imports)."""


def warm_imports(cores: frozenset[int] | None) -> threading.Thread:
    """Start importing :data:`MEASURE_IMPORTS` on a daemon thread limited to ``cores``; returns it.

    A later ``import`` of the same module waits for this one (Python's
    import lock), so nothing is imported twice or seen half-done.
    """

    def work() -> None:
        run_on(cores)
        for name in MEASURE_IMPORTS:
            try:
                importlib.import_module(name)
            except ImportError:
                return  # the measure's own import says what is missing, where it is needed

    thread = threading.Thread(target=work, name="posturecheck-imports", daemon=True)
    thread.start()
    return thread
