"""Per-frame measures of an analysis, recomputed from its landmarks file as the summary was made."""

from __future__ import annotations

from dataclasses import fields

from posturecheck.measures.pipeline import MeasureOptions, compute_tracked_measures
from posturecheck.measures.summary import PersonSummary
from posturecheck.measures.table import Measure, MeasureTable
from posturecheck.measures.view import ViewLimits
from posturecheck.pose.tracking import TrackedSeries
from posturecheck.summary_schema import AnalysisSummary

# MeasureOptions fields a summary may record under "measure_options" (the
# camera roll and pitch have sections of their own).
_OPTION_FIELDS = frozenset(f.name for f in fields(MeasureOptions)) - {"camera_roll_deg", "camera_pitch_deg"}
_VIEW_LIMIT_FIELDS = frozenset(f.name for f in fields(ViewLimits))


def measure_options(summary: AnalysisSummary) -> MeasureOptions:
    """The options the summary's measures were computed with.

    The camera roll and pitch are the ones the analysis was given or found
    (``camera_roll.deg``, ``camera_pitch.deg``; None = estimated again from
    the person, as the analysis did);
    the other options (method, cut-off, height, visibility threshold, gap
    filling, swap correction, glitch rejection, view limits...) are read from
    ``measure_options`` (:func:`posturecheck.analyze.options_record`); an
    older summary that records only some of them gets the defaults for the
    rest. Which variant filled each
    measure is taken from the summary itself (:func:`summary_measure`), so
    the plotted values match the summarised ones either way.
    """
    recorded = summary.measure_options
    given = {key: recorded[key] for key in _OPTION_FIELDS if key in recorded}
    if isinstance(given.get("view_limits"), dict):
        limits = given["view_limits"]
        given["view_limits"] = ViewLimits(**{k: limits[k] for k in _VIEW_LIMIT_FIELDS if k in limits})
    return MeasureOptions(
        camera_roll_deg=summary.camera_roll.deg,
        camera_pitch_deg=summary.camera_pitch.deg,
        **given,
    )


def recompute_tables(tracked: TrackedSeries, summary: AnalysisSummary) -> dict[int, MeasureTable]:
    """Measure tables of every person the summary describes, keyed by person number (slot + 1).

    Each person is measured from their own frames and the people seen with
    them (:func:`compute_tracked_measures`, as the analysis measured them), so
    memory follows their time in view, not the clip's length times everyone.
    """
    options = measure_options(summary)
    numbers = [p.person for p in summary.people if 0 < p.person <= tracked.n_people]
    return {n: compute_tracked_measures(tracked, n - 1, options) for n in numbers}


def summary_measure(table: MeasureTable, person_summary: PersonSummary, name: str) -> Measure | None:
    """The per-frame measure behind ``name`` in a person's summary: the variant the summary used.

    ``None`` when the table does not have the measure.
    """
    variant = person_summary.variant_used.get(name)
    chosen = table.measures.get(f"{name}_{variant}") if variant else None
    return chosen or table.measures.get(name)
