"""A set-up's repeatability: the same test filmed several times, every figure's SEM and MDC95.

This is the job behind ``posturecheck repeatability``. The figures compared
are an assessment's numeric findings when an assessment is named, else each
measure's headline statistic (see :class:`~posturecheck.measures.catalogue.MeasureSpec`)
for the person in view longest.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file
from posturecheck.errors import InputError
from posturecheck.measures.catalogue import MEASURES, measure_label
from posturecheck.measures.repeatability import Repeatability, repeatability
from posturecheck.storage import MeasurementError
from posturecheck.storage.history_entry import PLAIN_ANALYSIS

REPEATABILITY_FILE = "repeatability.json"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class TrialFigure:
    """One figure of one clip: its key, label for people, value, unit and confidence ("high" or "low")."""

    key: str
    label: str
    value: float
    unit: str
    confidence: str


@dataclass(frozen=True)
class FigureRepeatability:
    """One figure across the clips: the values, their repeatability and the lowest confidence among them."""

    key: str
    label: str
    unit: str
    confidence: str
    values: tuple[float, ...]
    result: Repeatability


def trial_figures(result: AnalysisResult) -> dict[str, TrialFigure]:
    """The numeric figures of one analysis, by key (see the module docstring for which)."""
    if result.assessment is not None:
        return {
            item.name: TrialFigure(item.name, item.label, float(item.value), item.unit, item.confidence)
            for item in result.assessment.findings
            if isinstance(item.value, float) and math.isfinite(item.value)
        }
    people = result.summary.presence
    if not people:
        return {}
    longest = max(people, key=lambda p: p.frames_detected).person
    person = result.summary.person(longest)
    if person is None:
        return {}
    figures = {}
    for name, figure in person.measures.items():
        spec = MEASURES.get(name)
        statistic = spec.headline if spec else "median"
        value = figure.statistic(statistic)
        if figure.confidence != "none" and value is not None:
            key = f"{name}_{statistic}"
            figures[key] = TrialFigure(key, measure_label(name), float(value), figure.unit, figure.confidence)
    return figures


def compare_trials(trials: Sequence[dict[str, TrialFigure]]) -> list[FigureRepeatability]:
    """Every figure found in all trials, with its SEM, MDC95 (and ICC, undefined for one person)."""
    shared = [key for key in trials[0] if all(key in trial for trial in trials[1:])]
    out = []
    for key in shared:
        values = tuple(trial[key].value for trial in trials)
        first = trials[0][key]
        low = any(trial[key].confidence != "high" for trial in trials)
        confidence = "low" if low else "high"
        out.append(
            FigureRepeatability(
                key, first.label, first.unit, confidence, values, repeatability(np.array(values))
            )
        )
    return out


def run_repeatability(clips: Sequence[Path], options: AnalyzeOptions) -> list[FigureRepeatability]:
    """Analyse each clip into ``options.out_dir/trial<N>`` and compare their figures; writes the JSON.

    Raises
    ------
    InputError
        Fewer than two clips, or no figure measured in every clip.
    """
    if len(clips) < 2:
        raise InputError("repeatability needs the same test filmed at least twice (three is usual)")
    trials = []
    for number, clip in enumerate(clips, start=1):
        result = analyze_file(clip, replace(options, out_dir=options.out_dir / f"trial{number}"))
        trials.append(trial_figures(result))
    figures = compare_trials(trials)
    if not figures:
        raise InputError("no figure was measured in every clip: check the clips show the same test")
    document = {
        "schema_version": SCHEMA_VERSION,
        "clips": [str(clip) for clip in clips],
        "assessment": options.assessment,
        "figures": [{**asdict(f), "values": list(f.values)} for f in figures],
    }
    (options.out_dir / REPEATABILITY_FILE).write_text(json.dumps(document, indent=2))
    return figures


def repeatability_lines(figures: Sequence[FigureRepeatability]) -> list[str]:
    """The repeatability card in words, one figure a line, then what it means for progress."""
    lines = ["repeatability of this set-up (same test filmed again):"]
    width = max(len(f.label) for f in figures)
    for f in figures:
        r = f.result
        values = ", ".join(f"{v:.1f}" for v in f.values)
        icc = "" if r.icc is None else f", ICC {r.icc:.2f}"
        error = f"SEM {r.sem:.1f} {f.unit}, MDC95 {r.mdc95:.1f} {f.unit}{icc}"
        lines.append(f"  {f.label:<{width}}  [confidence {f.confidence}]  {values} {f.unit}: {error}")
    lines.append(
        "  a change between visits larger than a figure's MDC95 is beyond this set-up's measurement "
        "error; a smaller one may be the camera, not the body. With few clips the SEM is itself "
        "uncertain (3 clips: its 95% interval spans about 0.5x to 6x)."
    )
    lines.append("what size of change this set-up can detect between two visits filmed the same way:")
    for f in figures:
        lines.append(f"  {detectable_change_words(f)}")
    return lines


def detectable_change_words(figure: FigureRepeatability) -> str:
    """One figure's minimal detectable change in plain words."""
    mdc = figure.result.mdc95
    if not mdc > 0:
        return (
            f"{figure.label}: the clips gave the same value, so no error could be measured "
            "(the same clip given twice?); film the test again"
        )
    low = (
        " (rests on low-confidence values: film again for a firmer figure)"
        if figure.confidence != "high"
        else ""
    )
    return (
        f"{figure.label}: a change of more than {mdc:.1f} {figure.unit} is beyond measurement error; "
        f"a smaller one cannot be told from it{low}"
    )


def measurement_errors(
    figures: Sequence[FigureRepeatability], assessment: str | None, measured_at: datetime
) -> list[MeasurementError]:
    """The figures' errors to keep in the history; figures whose clips did not differ at all are left out.

    Parameters
    ----------
    figures : from :func:`run_repeatability`.
    assessment : the assessment the clips were graded with; ``None`` for measurements alone.
    measured_at : when the run was made (timezone-aware).
    """
    return [
        MeasurementError(
            assessment or PLAIN_ANALYSIS,
            f.key,
            f.unit,
            f.result.sem,
            f.result.mdc95,
            f.result.trials,
            f.confidence,
            measured_at,
        )
        for f in figures
        if f.result.mdc95 > 0
    ]
