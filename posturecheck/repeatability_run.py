"""A set-up's repeatability: the same test filmed several times, every figure's SEM and MDC95.

This is the job behind ``posturecheck repeatability`` and the app's "Check
your set-up". The figures compared are the key figures a visit of the same
analysis keeps in the history (:func:`~posturecheck.storage.history_entry.key_measures`:
the assessment's numeric findings, each key measure's median, most, least
and range, the hip-flexion symmetry index), of the person the assessment
graded, else the one in view longest; their errors are kept under
:func:`~posturecheck.storage.history_entry.error_key`. So every key figure a
visit keeps finds the error measured the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file
from posturecheck.errors import InputError
from posturecheck.measures.repeatability import Repeatability, repeatability
from posturecheck.reports.progress_report import figure_label
from posturecheck.storage import MeasurementError
from posturecheck.storage.history_entry import error_key, key_figure_confidence, key_measures

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
    """The key figures of one analysis that could be measured, by name (see the module docstring).

    Each has the confidence of what it rests on: a finding its own, a
    measure's statistic its measure's, another figure (made from others) at
    most "low", since no reference measured its error.
    Figures of confidence "none" are left out.
    """
    number = compared_person(result)
    person = result.summary.person(number) if number is not None else None
    if number is None or person is None:
        return {}
    findings = {item.name: item for item in result.assessment.findings} if result.assessment else {}
    figures = {}
    for figure in key_measures(result.summary, number):
        if not figure.is_measured:
            continue
        label = findings[figure.name].label if figure.name in findings else figure_label(figure.name)
        confidence = key_figure_confidence(result.summary, number, figure)
        if confidence != "none":
            figures[figure.name] = TrialFigure(figure.name, label, figure.value, figure.unit, confidence)
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


class TrialError(InputError):
    """One clip of a repeatability run cannot be compared with the others.

    Attributes
    ----------
    trial : the clip's number in the run, from 1.
    reason : what is wrong, in words, without the clip's path (the message starts with the path).
    """

    def __init__(self, trial: int, clip: Path, reason: str) -> None:
        super().__init__(f"{clip}: {reason}")
        self.trial = trial
        self.reason = reason


# Views that cannot be the same test filmed the same way: a side view against a front or back one.
_VIEW_GROUPS = {"side": "side", "front": "front or back", "back": "front or back"}


def compared_person(result: AnalysisResult) -> int | None:
    """The person (1-based) whose figures are compared: the one the assessment graded, else the one
    in view longest; ``None`` when nobody was seen."""
    summary = result.summary
    if result.assessment is not None and result.assessment.people:
        return result.assessment.people[0] + 1  # assessments list slots; the summary numbers from 1
    if summary.presence:
        return max(summary.presence, key=lambda p: p.frames_detected).person
    return None


def trial_view(result: AnalysisResult) -> str | None:
    """From where the compared person (:func:`compared_person`) was seen: "side", "front or back",
    or ``None`` (oblique, unknown)."""
    number = compared_person(result)
    person = result.summary.person(number) if number is not None else None
    return _VIEW_GROUPS.get(person.view.label) if person is not None else None


def _trial(number: int, clip: Path, result: AnalysisResult) -> dict[str, TrialFigure]:
    """One clip's figures; :class:`TrialError` when it does not suit the assessment or gives none."""
    graded = result.assessment
    if graded is not None and not graded.view_ok:
        # Its measures were read, but it is not a take of the test: the figures would not be the test's.
        raise TrialError(
            number, clip, f"it does not suit the {graded.assessment} test: {graded.view_message}"
        )
    figures = trial_figures(result)
    if figures:
        return figures
    raise TrialError(number, clip, "no figure could be measured in it (whole body in view, well lit?)")


def run_repeatability(
    clips: Sequence[Path],
    options: AnalyzeOptions,
    on_trial: Callable[[int], None] | None = None,
) -> list[FigureRepeatability]:
    """Analyse each clip into ``options.out_dir/trial<N>`` and compare their figures; writes the JSON.

    ``on_trial(number)`` is called before clip ``number`` (from 1) is analysed, so a
    front end can say which clip the progress and any error belong to.

    Raises
    ------
    InputError
        Fewer than two clips, or no figure measured in every clip.
    TrialError
        A clip that gives no figure, or one filmed from another view than the first
        (side against front or back): not the same test filmed the same way.
    PostureCheckError
        As :func:`~posturecheck.analyze.analyze_file` for a clip (unreadable, no person).
    """
    if len(clips) < 2:
        raise InputError("repeatability needs the same test filmed at least twice (three is usual)")
    trials = []
    first_view = None
    for number, clip in enumerate(clips, start=1):
        if on_trial is not None:
            on_trial(number)
        result = analyze_file(clip, replace(options, out_dir=options.out_dir / f"trial{number}"))
        trials.append(_trial(number, clip, result))
        view = trial_view(result)
        if number == 1:
            first_view = view
        elif view is not None and first_view is not None and view != first_view:
            raise TrialError(
                number,
                clip,
                f"filmed from the {view}, the first clip from the {first_view}: "
                "film every take of the test from the same place",
            )
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
            f"{figure.label} — the clips gave the same value, so no error could be measured "
            "(the same clip given twice?); film the test again"
        )
    low = (
        " (rests on low-confidence values: film again for a firmer figure)"
        if figure.confidence != "high"
        else ""
    )
    return (
        f"{figure.label} — a change of more than {mdc:.1f} {figure.unit} is beyond measurement error; "
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
        The errors are kept under its :func:`~posturecheck.storage.history_entry.error_key`.
    measured_at : when the run was made (timezone-aware).
    """
    return [
        MeasurementError(
            error_key(assessment),
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
