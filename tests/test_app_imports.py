"""The app's first page (Analyse) is drawn without importing what only an analysis or a result needs.

Those modules take seconds to import; the first page imports them only once
the user has asked for an analysis. Checked in a fresh interpreter, by the
modules that importing the page leaves loaded (not by timing anything).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# The pose model runtime, frame readers, filtering, plotting, tables, reports and the history database.
HEAVY = (
    "mediapipe",
    "cv2",
    "av",
    "scipy.signal",
    "scipy.ndimage",
    "scipy.optimize",
    "matplotlib",
    "pandas",
    "reportlab",
    "sqlalchemy",
)


def test_the_analyse_page_imports_none_of_the_heavy_modules() -> None:
    script = (
        "import sys\n"
        "import posturecheck.app.main, posturecheck.app.views.analyse\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_analysis_modules_are_there_when_an_analysis_is_asked_for() -> None:
    """The deferred imports name modules that exist (a typo would only show when a user clicks Analyse)."""
    from posturecheck.app.settings import AppSettings

    options = AppSettings().analyze_options(out_dir=Path("unused"))
    assert options.measure.cutoff_hz == 6.0
