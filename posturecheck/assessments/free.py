"""free: no protocol; the range of motion of every measure over the footage.

For the person in view longest, each plain measure of the table (the
variant the view supports, see ``docs/measurements.md``) gives one
finding: its range (largest minus smallest valid value,
:func:`posturecheck.measures.rom.range_of_motion`), with the extremes, their
times and the median in the details. There are no norms: the movement is
whatever the person chose to do. Measures the view cannot support have no
valid frames and are listed with confidence "none".
"""

from __future__ import annotations

import numpy as np

from posturecheck.assessments.base import Assessment
from posturecheck.assessments.figures import confidence_of, error_band
from posturecheck.assessments.footage import NO_PERSON, pick_person, seen_rows
from posturecheck.assessments.result import AssessmentResult, finding
from posturecheck.measures.rom import range_of_motion
from posturecheck.measures.table import MeasureTable
from posturecheck.pose.series import PeopleSeries

NAME = "free"
TITLE = "Free movement: range of every measure"
TOPIC = "psoas-anatomy"


def _plain_names(table: MeasureTable) -> list[str]:
    """Measure names without the ``_2d``/``_3d`` variants, in table order."""
    return [name for name in table.measures if not name.endswith(("_2d", "_3d"))]


def run(series: PeopleSeries, tables: list[MeasureTable]) -> AssessmentResult:
    """Range of motion of every measure (module notes)."""
    table, warnings = pick_person(tables)
    if table is None:
        return AssessmentResult.refused(NAME, TOPIC, NO_PERSON)
    seen = seen_rows(table)
    findings, ranges = [], {}
    for name in _plain_names(table):
        measure = table.measures[name]
        rom = range_of_motion(measure.values, measure.valid, table.times_s, table.frame_index)
        use = seen & measure.valid
        fraction = float(use.sum() / max(int(seen.sum()), 1))
        findings.append(
            finding(
                f"{name}_range",
                f"range of {name.replace('_', ' ')}",
                rom.range_deg,
                measure.unit,
                None,
                confidence_of(fraction, error_band(table, name, seen)),
                fraction,
            )
        )
        ranges[name] = {
            "unit": measure.unit,
            "min": rom.min_deg,
            "min_s": rom.min_time_s,
            "max": rom.max_deg,
            "max_s": rom.max_time_s,
            "median": float(np.median(measure.values[use])) if use.any() else None,
            "fraction_valid_while_seen": fraction,
        }
    view = table.view_summary
    times = table.times_s[seen]
    first, last = (float(times[0]), float(times[-1])) if times.size else (None, None)
    measured = [f for f in findings if f.value is not None]
    return AssessmentResult(
        assessment=NAME,
        people=(table.person,),
        view_ok=True,
        view_message=f"mostly {view.label} view ({view.median_off_side_deg:.0f} deg from a side view)",
        findings=tuple(findings),
        interpretation=(
            f"{len(measured)} of {len(findings)} measures could be read from this view; each finding is the "
            "range between the smallest and largest valid value, with no norm to compare against.",
        ),
        warnings=warnings,
        details={"ranges": ranges, "first_s": first, "last_s": last},
        education_topic=TOPIC,
    )


ASSESSMENT = Assessment(
    name=NAME,
    title=TITLE,
    purpose=(
        "Show how far every measure ranged over a clip of any movement, with how much of it could be read."
    ),
    instructions=(
        "Film any movement with the whole body in the picture, camera level at hip height.",
        "A side view gives the hip, knee and trunk angles; a front view gives the frontal tilts.",
    ),
    view_needed="any; each measure is read only in the views that support it",
    input_kind="any",
    max_people=1,
    needs_masks=False,
    measures_used=("every plain measure of the measure table",),
    summary_method=(
        "largest minus smallest valid value of each measure, with the extremes' times and the median"
    ),
    norms=(),
    education_topic=TOPIC,
    runner=run,
)
