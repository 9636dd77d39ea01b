"""The user's settings and how they map onto analysis options.

Kept in the session (not in widgets, which Streamlit forgets when their page
is not shown) and turned into :class:`~posturecheck.analyze.AnalyzeOptions`
only when an analysis starts (the analysis modules are imported then, not
when a page is drawn).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from posturecheck.measures.filtering import DEFAULT_CUTOFF_HZ

if TYPE_CHECKING:
    from posturecheck.analyze import AnalyzeOptions
    from posturecheck.measures.pipeline import MeasureOptions

_KEY = "posturecheck.settings"
MAX_PEOPLE = 10


@dataclass(frozen=True)
class AppSettings:
    """What the Settings page sets.

    Attributes
    ----------
    model_path : a PoseLandmarker ``.task`` bundle; ``None`` = the bundled full model.
    num_people : most people looked for per frame.
    cutoff_hz : landmark low-pass cut-off in Hz; ``None`` = no filtering.
    height_cm : the person's standing height, for plumb-line offsets in cm.
    camera_roll_deg : camera roll override (+ = camera turned clockwise);
        ``None`` = estimate it from the scene (or the person's upright axis).
    camera_pitch_deg : camera pitch override (+ = camera tilted down);
        ``None`` = estimate it from the person's upright axis.
    method : "auto", "2d" or "3d" (see :class:`MeasureOptions`).
    masks : keep the person's silhouette (segmentation masks) for the
        low-back curve; larger, slower analyses.
    """

    model_path: str | None = None
    num_people: int = 1
    cutoff_hz: float | None = DEFAULT_CUTOFF_HZ
    height_cm: float | None = None
    camera_roll_deg: float | None = None
    camera_pitch_deg: float | None = None
    method: str = "auto"
    masks: bool = False

    def measure_options(self) -> MeasureOptions:
        """The measurement options these settings stand for."""
        from posturecheck.measures.pipeline import MeasureOptions

        return MeasureOptions(
            method=self.method,
            cutoff_hz=self.cutoff_hz,
            camera_roll_deg=self.camera_roll_deg,
            camera_pitch_deg=self.camera_pitch_deg,
            height_cm=self.height_cm,
        )

    def analyze_options(
        self, out_dir: Path, *, num_people: int | None = None, masks: bool = False
    ) -> AnalyzeOptions:
        """Options for :func:`~posturecheck.analyze.analyze_file` writing into ``out_dir``.

        ``num_people`` overrides the setting (a class review looks for
        several people whatever the default is); ``masks`` asks for
        silhouettes even when the setting is off (an assessment needs them).
        """
        from posturecheck.analyze import AnalyzeOptions

        return AnalyzeOptions(
            out_dir=out_dir,
            model_path=Path(self.model_path) if self.model_path else None,
            num_people=num_people if num_people is not None else self.num_people,
            masks=masks or self.masks,
            progress=False,
            measure=self.measure_options(),
        )

    def cache_key(self) -> str:
        """A stable text form, part of the key results are cached under."""
        return repr(sorted(asdict(self).items()))


def current_settings() -> AppSettings:
    """The session's settings (defaults on first use)."""
    settings = st.session_state.get(_KEY)
    return settings if isinstance(settings, AppSettings) else AppSettings()


def save_settings(settings: AppSettings) -> None:
    """Replace the session's settings."""
    st.session_state[_KEY] = settings
