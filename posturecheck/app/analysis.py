"""Running analyses for the app and keeping their results for the session.

An analysis is the pose model and the measures (:func:`~posturecheck.analyze.analyze_file`)
followed by the chosen assessment (:meth:`~posturecheck.assessments.Assessment.run`
on the measure tables). It is keyed by the SHA-256 of the input's bytes and
every option it ran with, so changing a widget that does not change the
analysis (a plot's measure, a tab) shows the kept result instead of running
the model again. Uploads and results live in one temporary folder per
session, removed with the session.

The pose model runtime and the measures are imported when an analysis runs,
not when a page that offers one is first drawn (that takes seconds).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from posturecheck.app.progress import ProgressBar
from posturecheck.app.settings import AppSettings
from posturecheck.errors import PostureCheckError
from posturecheck.exports import EXPORT_FORMATS
from posturecheck.io.digest import file_sha256

if TYPE_CHECKING:
    from posturecheck.analyze import AnalysisResult, AnalyzeOptions
    from posturecheck.assessments import AssessmentResult

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SAMPLE_CLIPS = {
    "walk_side.mp4": "one person walking across a side view, about 8 s (suits the walking assessment)",
    "two_people.mp4": "two people moving in the same room (suits the class review)",
}
# Results kept per session; the oldest is dropped (and its files removed) beyond this.
MAX_KEPT = 4
_WORKSPACE = "posturecheck.workspace"
_RESULTS = "posturecheck.results"


@dataclass(frozen=True)
class InputFile:
    """An input picked by the user: where it is on disk, its name and its content hash."""

    path: Path
    name: str
    digest: str


@dataclass(frozen=True)
class AnalysisRequest:
    """One analysis: the input, the settings, the assessment and the per-page overrides.

    ``num_people`` overrides the setting (the class review looks for
    several people); ``None`` keeps it.
    """

    input: InputFile
    settings: AppSettings
    assessment: str
    num_people: int | None = None

    @property
    def key(self) -> str:
        """The cache key: content hash plus every option that changes the result."""
        text = f"{self.input.digest}|{self.settings.cache_key()}|{self.assessment}|{self.num_people}"
        return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Analysis:
    """What the app shows for one request: the analysis and its assessment."""

    result: AnalysisResult
    assessment: AssessmentResult


def workspace() -> Path:
    """This session's temporary folder (removed when the session ends)."""
    holder = st.session_state.get(_WORKSPACE)
    if holder is None or not Path(holder.name).is_dir():
        holder = tempfile.TemporaryDirectory(prefix="posturecheck-app-")
        st.session_state[_WORKSPACE] = holder
    return Path(holder.name)


def _safe_name(name: str) -> str:
    """A file name with only harmless characters, keeping the extension."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._")
    return cleaned or "upload"


def uploaded_input(name: str, data: bytes) -> InputFile:
    """Store uploaded bytes in the session's folder (once per content) and describe them."""
    digest = hashlib.sha256(data).hexdigest()
    folder = workspace() / "inputs" / digest[:16]
    path = folder / _safe_name(name)
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return InputFile(path=path, name=name, digest=digest)


@st.cache_data(show_spinner=False)
def _sample_digest(path: str) -> str:
    return file_sha256(Path(path))


def available_samples(folder: Path = SAMPLES) -> dict[str, str]:
    """The sample clips in ``folder`` (name -> description); none in an install without ``samples/``."""
    return {name: about for name, about in SAMPLE_CLIPS.items() if (folder / name).is_file()}


def sample_input(name: str) -> InputFile:
    """A bundled sample clip from ``samples/``."""
    path = SAMPLES / name
    return InputFile(path=path, name=name, digest=_sample_digest(str(path)))


def _kept() -> OrderedDict[str, Analysis]:
    kept = st.session_state.get(_RESULTS)
    if kept is None:
        kept = OrderedDict()
        st.session_state[_RESULTS] = kept
    return kept


def kept_analysis(request: AnalysisRequest) -> Analysis | None:
    """The analysis of an earlier run of the same request in this session, if kept."""
    kept = _kept()
    analysis = kept.get(request.key)
    if analysis is not None:
        kept.move_to_end(request.key)
    return analysis


def keep_analysis(request: AnalysisRequest, analysis: Analysis) -> None:
    """Keep an analysis for the session, dropping the oldest beyond :data:`MAX_KEPT`."""
    kept = _kept()
    kept[request.key] = analysis
    kept.move_to_end(request.key)
    while len(kept) > MAX_KEPT:
        old_key, _ = kept.popitem(last=False)
        shutil.rmtree(workspace() / "results" / old_key, ignore_errors=True)


def analyze_file(path: Path, options: AnalyzeOptions) -> AnalysisResult:
    """:func:`posturecheck.analyze.analyze_file`, imported when the first analysis runs."""
    from posturecheck.analyze import analyze_file as analyze

    return analyze(path, options)


def run_analysis(
    request: AnalysisRequest, on_progress: Callable[[int, int | None], None] | None = None
) -> Analysis:
    """Analyse the request's input (the model runs) and assess it; keep and return both.

    ``on_progress(frames_done, frames_expected)`` is called after each frame.
    The assessment decides whether silhouettes are kept and what kind of
    input (clip, photo) is accepted.

    Raises
    ------
    PostureCheckError
        Bad input (or the wrong kind for the assessment), a bad model file,
        no person in any frame, or an unknown assessment.
    """
    from posturecheck.assessments import get_assessment

    assessment = get_assessment(request.assessment)
    out_dir = workspace() / "results" / request.key
    out_dir.mkdir(parents=True, exist_ok=True)
    options = replace(
        request.settings.analyze_options(
            out_dir, num_people=request.num_people, masks=assessment.needs_masks
        ),
        expect=assessment.input_kind,
        csv_path=out_dir / f"{Path(request.input.name).stem}.measures.csv",
        on_progress=on_progress,
        assessment=assessment.name,
        exports=EXPORT_FORMATS,
    )
    # analyze_file grades the footage too, so the summary on disk (and the
    # report made from it) carries the assessment.
    result = analyze_file(request.input.path, options)
    graded = (
        result.assessment if result.assessment is not None else assessment.run(result.tracked, result.tables)
    )
    analysis = Analysis(result, graded)
    keep_analysis(request, analysis)
    return analysis


def analysis_on_click(request: AnalysisRequest, button: str, progress: str, key: str) -> Analysis | None:
    """The kept analysis of ``request``, or a new one once the user presses ``button``.

    ``None`` until then, or when the input cannot be analysed: the problem is
    then shown as one line, never a traceback. ``progress`` labels the
    progress bar; ``key`` is the button's widget key.
    """
    analysis = kept_analysis(request)
    if analysis is not None:
        return analysis
    if not st.button(button, type="primary", icon=":material/play_arrow:", key=key):
        return None
    bar = ProgressBar(progress)
    try:
        return run_analysis(request, bar)
    except PostureCheckError as exc:
        st.error(str(exc), icon=":material/error:")
        return None
    finally:
        bar.close()
