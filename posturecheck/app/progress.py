"""A progress bar fed by :attr:`AnalyzeOptions.on_progress <posturecheck.analyze.AnalyzeOptions>`."""

from __future__ import annotations

import time

import streamlit as st

# The bar is redrawn at most this often (each redraw is a message to the browser).
REDRAW_EVERY_S = 0.2


class ProgressBar:
    """A progress bar under ``label``; call it as ``on_progress(frames_done, frames_expected)``.

    With the total unknown (``None``) it shows the count only. :meth:`close`
    removes it.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar = st.progress(0.0, text=f"{label}…")
        self._last = 0.0

    def __call__(self, done: int, expected: int | None) -> None:
        """Show ``done`` of ``expected`` frames (at most every :data:`REDRAW_EVERY_S` seconds)."""
        now = time.monotonic()
        if now - self._last < REDRAW_EVERY_S and done != expected:
            return
        self._last = now
        if expected:
            self._bar.progress(min(done / expected, 1.0), text=f"{self.label}: frame {done} of {expected}")
        else:
            self._bar.progress(0.0, text=f"{self.label}: frame {done}")

    def close(self) -> None:
        """Remove the bar."""
        self._bar.empty()
