"""class: review of a class video with several people: who was in view, how far their hips moved, their holds.

People are followed with stable IDs by
:func:`posturecheck.pose.tracking.track_people`. An analysis tracks them
once and keeps the result (:attr:`posturecheck.analyze.AnalysisResult.tracked`);
given that :class:`~posturecheck.pose.tracking.TrackedSeries`
(:func:`run_tracked`, or :meth:`Assessment.run
<posturecheck.assessments.base.Assessment.run>` with it), the review uses its
tracks and the measure tables given as they are, never tracking again, and
the result's ``people`` are the slots of those tables (give every person's
table to review everyone). Given only landmarks (:func:`run`), it tracks
them; when tracking leaves the slots as they are, the tables are used as
they are too. Only if tracking changes the slots (an untracked series) are
the measures recomputed, for every track, on the tracked series with the
options the tables given were computed with (:attr:`MeasureTable.options
<posturecheck.measures.table.MeasureTable.options>`, those of the first:
the tables of one analysis share them), and a warning says so; the slots
are then those of ``track_people(series).series``.

Per person:

* time in view (first to last time seen, and frames seen x frame interval),
  with the share of the frames from first to last seen in which the person
  was detected (``fraction_seen``: gaps are lost tracking);
* per side, the largest (flexion) and smallest (extension, negative) hip
  angle (thigh against trunk) the person held for
  :data:`~posturecheck.measures.extremes.MIN_HOLD_S` (at least 3
  consecutive valid frames: :func:`~posturecheck.measures.extremes.sustained_extreme`,
  so a glitch of a frame or two cannot set them), and the share of their
  frames that were valid: the hip angle needs a side or oblique view, so
  people facing the camera have none; and its confidence
  (:func:`~posturecheck.assessments.figures.confidence_of`: never "high"
  where no reference measured the error at that view, nor where frames left
  out for the view read beyond an extreme: ``max_missed_deg``,
  ``min_missed_deg``, :mod:`posturecheck.measures.missed_extremes`);
* steady holds: runs of at least :data:`MIN_STEADY_S` below the steady body
  speed (:mod:`posturecheck.assessments.steady`), with the median hip
  angles during each, and the share of the frames seen in which the body
  speed could be read (``speed_fraction_valid``);
* a thumbnail box (pixels of the displayed frame) around the person in
  their clearest frame (:func:`posturecheck.pose.tracking.thumbnail_box`),
  with that frame's row, source frame index and time, for a front end to
  crop.

Any one person can then be assessed like a single-person clip: run the
assessment on ``series`` with only that person's table, or on
``series.person(slot)`` with ``[compute_measures(series.person(slot), 0, table.options)]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from posturecheck.assessments.base import Assessment
from posturecheck.assessments.figures import confidence_of, error_band, tracking_confidence
from posturecheck.assessments.footage import NO_PERSON, SIDE_VIEW_WORDS, check_clip, person_label
from posturecheck.assessments.result import AssessmentResult, Finding, finding
from posturecheck.assessments.steady import body_speed, steady_runs
from posturecheck.measures.catalogue import HIP_FLEXION, SIDES, key_figure_name
from posturecheck.measures.extremes import MIN_HOLD_S, sustained_extreme
from posturecheck.measures.missed_extremes import capped_confidence, missed_extremes
from posturecheck.measures.pipeline import (
    MeasureOptions,
    compute_tracked_measures,
    keep_around_s,
    rows_in_any,
)
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.table import MeasureTable
from posturecheck.measures.uncertainty import Interval95, interval_95
from posturecheck.pose.series import PeopleSeries, PoseSeries
from posturecheck.pose.tracking import TrackedSeries, TrackInfo, thumbnail_box, track_people

NAME = "class"
TITLE = "Class review (several people)"
WHAT = f"the {NAME} assessment"
TOPIC = "hip-flexor-tightness"
MIN_CLIP_S = 2.0
MIN_STEADY_S = 2.0
# A person whose re-identification is less sure than this is warned about.
MIN_IDENTITY_CONFIDENCE = 0.5


def _already_tracked(tracked: TrackedSeries, series: PoseSeries) -> bool:
    """Tracking leaves the slots as they are: track k is input slot k with identical landmarks."""
    for k in range(tracked.n_people):
        if k >= series.n_people:
            return False
        if not np.array_equal(tracked.person(k).image[:, 0], series.image[:, k], equal_nan=True):
            return False
    return True


def _hip_range(table: MeasureTable, side: str, seen: np.ndarray) -> dict[str, Any]:
    hip = table.measures[HIP_FLEXION.of(side)]
    values = hip.values  # made afresh on each access: read once
    use = seen & hip.valid
    most = sustained_extreme(values, use, table.times_s, largest=True)
    least = sustained_extreme(values, use, table.times_s, largest=False)
    fraction = float(use.sum() / max(int(seen.sum()), 1))
    band = error_band(table, HIP_FLEXION.of(side), seen)
    interval = interval_95(band)
    missed = missed_extremes(values, use, hip.reason, table.times_s)
    return {
        "max_deg": most.value if most.index is not None else None,
        "min_deg": least.value if least.index is not None else None,
        "fraction_valid": fraction,
        "expected_error_deg": band.mae_deg if band is not None else None,
        "interval_95": interval.to_dict() if interval is not None else None,
        # An extreme the valid frames missed (measures/missed_extremes.py) is never "high".
        "confidence": capped_confidence(confidence_of(fraction, band), missed),
        "max_missed_deg": missed[0],
        "min_missed_deg": missed[1],
    }


def _speed(tracked: TrackedSeries, person: int, interval: float) -> np.ndarray:
    """(F,) :func:`body_speed` of ``person`` at the clip's frame interval, read over the frames within
    :func:`keep_around_s` (1.13 s at 30 frames/s) of one they are seen in: the speed of a frame they
    are seen in looks at most a swap link (0.3 s), a filled gap (0.25 s) or a frame away, so it is
    what every frame of the clip gives, and a person seen at the start and end of an hour costs their
    time in view."""
    seen, times = tracked.people[person].seen_rows, tracked.times_s
    margin = keep_around_s(interval, MeasureOptions().max_gap_s)
    starts = np.searchsorted(times, times[seen] - margin, side="left")
    rows = rows_in_any(starts, np.searchsorted(times, times[seen] + margin, side="right"), tracked.n_frames)
    speed = np.full(tracked.n_frames, np.nan)
    speed[rows] = body_speed(tracked.person(person, rows), 0, interval)
    return speed


def _holds(
    series: PeopleSeries, table: MeasureTable, seen: np.ndarray, speed: np.ndarray
) -> list[dict[str, object]]:
    out = []
    for run_ in steady_runs(speed, series.times_s, seen, MIN_STEADY_S):
        rows = run_.rows(series.n_frames)
        hold: dict[str, object] = {
            "start_s": run_.start_s,
            "end_s": run_.end_s,
            "duration_s": run_.duration_s,
        }
        for side in SIDES:
            hip = table.measures[HIP_FLEXION.of(side)]
            use = rows & hip.valid
            hold[f"median_hip_flexion_{side}_deg"] = float(np.median(hip.values[use])) if use.any() else None
        out.append(hold)
    return out


def _person(tracked: TrackedSeries, table: MeasureTable, track: TrackInfo, interval: float) -> dict[str, Any]:
    """The review of the person of ``table``, read alone (their speed near the frames they are seen in)."""
    seen = tracked.detected_of(table.person)
    rows = np.flatnonzero(seen)
    span = int(rows[-1] - rows[0] + 1) if rows.size else 0
    speed = _speed(tracked, table.person, interval)
    box = thumbnail_box(track, tracked.source.width, tracked.source.height)
    return {
        "slot": table.person,
        "label": person_label(table.person),
        "first_s": track.first_s,
        "last_s": track.last_s,
        "frames_seen": track.n_frames,
        "seconds_seen": track.n_frames * interval,
        "fraction_seen": float(rows.size / span) if span else 0.0,
        "view": table.view_summary.label,
        "identity_confidence": track.identity_confidence,
        "hip_left": _hip_range(table, "left", seen),
        "hip_right": _hip_range(table, "right", seen),
        "holds": _holds(tracked, table, seen, speed),
        "speed_fraction_valid": float((seen & np.isfinite(speed)).sum() / max(rows.size, 1)),
        "thumbnail": {
            "row": track.best_frame,
            "source_frame": int(tracked.frame_index[track.best_frame]),
            "time_s": float(tracked.times_s[track.best_frame]),
            "box_px": list(box),
        },
    }


def _findings(person: dict) -> list[Finding]:
    label, slot = person["label"], person["slot"]
    seen, speed = person["fraction_seen"], person["speed_fraction_valid"]
    found = [
        finding(
            f"person_{slot + 1}_seconds_in_view",
            f"{label}: time in view",
            person["seconds_seen"],
            "s",
            None,
            tracking_confidence(seen),
            seen,
        ),
        finding(
            f"person_{slot + 1}_holds",
            f"{label}: steady holds of {MIN_STEADY_S:g} s or more",
            len(person["holds"]),
            "count",
            None,
            tracking_confidence(speed),
            speed,
        ),
    ]
    for side in ("left", "right"):
        hip = person[f"hip_{side}"]
        confidence = hip["confidence"]
        # The error that set the confidence sets the ± of both extremes too.
        interval = Interval95.from_dict(hip["interval_95"])
        prefix = f"person_{slot + 1}_peak_hip"
        found.append(
            finding(
                f"{prefix}_flexion_{side}",
                f"{label}: {side} hip, most flexion",
                hip["max_deg"],
                "deg",
                None,
                confidence,
                hip["fraction_valid"],
                interval=interval,
            )
        )
        extension = None if hip["min_deg"] is None else -hip["min_deg"]
        found.append(
            finding(
                f"{prefix}_extension_{side}",
                f"{label}: {side} hip, most extension",
                extension,
                "deg",
                None,
                confidence,
                hip["fraction_valid"],
                note="degrees of extension; negative when the hip never extended",
                interval=interval,
            )
        )
    return found


def _row(person: dict) -> dict[str, object]:
    """One line of the teacher's table."""

    def rounded(value: object) -> object:
        return round(value, 1) if isinstance(value, float) else value

    return {
        "person": person["label"],
        "slot": person["slot"],
        "in_view_s": rounded(person["seconds_seen"]),
        "from_s": rounded(person["first_s"]),
        "to_s": rounded(person["last_s"]),
        "view": person["view"],
        key_figure_name(HIP_FLEXION.of("left"), "max"): rounded(person["hip_left"]["max_deg"]),
        key_figure_name(HIP_FLEXION.of("right"), "max"): rounded(person["hip_right"]["max_deg"]),
        "hip_extension_left_max": rounded(
            None if person["hip_left"]["min_deg"] is None else -person["hip_left"]["min_deg"]
        ),
        "hip_extension_right_max": rounded(
            None if person["hip_right"]["min_deg"] is None else -person["hip_right"]["min_deg"]
        ),
        "holds": len(person["holds"]),
    }


def _refusal(series: PoseSeries, tables: list[MeasureTable]) -> AssessmentResult | None:
    """Why the footage cannot be reviewed (nobody measured, not a clip long enough); ``None`` if it can."""
    if not tables:
        return AssessmentResult.refused(NAME, TOPIC, NO_PERSON)
    clip = check_clip(series, WHAT, MIN_CLIP_S)
    return None if clip.ok else AssessmentResult.refused(NAME, TOPIC, clip.message)


def run(series: PeopleSeries, tables: list[MeasureTable]) -> AssessmentResult:
    """Review a class clip from its landmarks, tracking the people first (module notes); a tracking
    result is reviewed as it is (:func:`run_tracked`)."""
    if isinstance(series, TrackedSeries):
        return run_tracked(series, tables)
    if not isinstance(series, PoseSeries):
        raise TypeError(f"a class review needs a PoseSeries or a TrackedSeries, not {type(series).__name__}")
    refused = _refusal(series, tables)
    if refused is not None:
        return refused
    tracked = track_people(series)
    if _already_tracked(tracked, series):
        return _review(tracked, tables, ())
    options = tables[0].options
    recomputed = [compute_tracked_measures(tracked, k, options) for k in range(tracked.n_people)]
    return _review(tracked, recomputed, (AnalysisWarning(WarningCode.RETRACKED),))


def run_tracked(tracked: TrackedSeries, tables: list[MeasureTable]) -> AssessmentResult:
    """Review a class clip from an analysis' tracking result: its tracks and ``tables`` as they are.

    ``tables`` are measures of ``tracked.series``' slots (module notes).
    """
    refused = _refusal(tracked.clip, tables)
    return refused if refused is not None else _review(tracked, tables, ())


def _review(
    tracked: TrackedSeries, tables: list[MeasureTable], warnings: tuple[AnalysisWarning, ...]
) -> AssessmentResult:
    """The review of the people of ``tables``, followed by ``tracked``'s tracks of their slots."""
    by_slot = {t.person: t for t in tables}
    followed = [(by_slot[k], track) for k, track in enumerate(tracked.tracks) if k in by_slot]
    if not followed:
        return AssessmentResult.refused(NAME, TOPIC, "nobody stayed in view long enough to be followed")
    interval = float(np.median(np.diff(tracked.times_s)))
    people = [_person(tracked, table, track, interval) for table, track in followed]
    if tracked.n_dropped_tracks:
        dropped = {"count": tracked.n_dropped_tracks, "min_duration_s": tracked.min_duration_s}
        warnings += (AnalysisWarning(WarningCode.SHORT_DETECTIONS, dropped),)
    for person in people:
        if person["identity_confidence"] < MIN_IDENTITY_CONFIDENCE:
            unsure = {
                "person": int(person["slot"]) + 1,
                "confidence": person["identity_confidence"],
                "limit": MIN_IDENTITY_CONFIDENCE,
            }
            warnings += (AnalysisWarning(WarningCode.IDENTITY_UNSURE, unsure),)
    findings = [f for person in people for f in _findings(person)]
    return AssessmentResult(
        assessment=NAME,
        people=tuple(int(p["slot"]) for p in people),
        view_ok=True,
        view_message=f"{len(people)} people followed over {float(np.ptp(tracked.times_s)):.1f} s",
        findings=tuple(findings),
        interpretation=(
            f"{len(people)} people were in view. For each, the table gives the time in view, how far each "
            "hip flexed and extended (thigh against trunk; readable only while seen from the side or at an "
            "angle) and the steady holds.",
            "Use it to pick whom to look at more closely; any one person can be assessed on their own. "
            "It describes the class; it is not a diagnosis of anyone.",
        ),
        warnings=warnings,
        details={
            "people": people,
            "table": [_row(p) for p in people],
            "dropped_detections": tracked.n_dropped_tracks,
        },
        education_topic=TOPIC,
    )


ASSESSMENT = Assessment(
    name=NAME,
    title=TITLE,
    purpose=(
        "Give a teacher an overview of a class video: who was in view and for how long, how far each "
        "person's hips flexed and extended, their steady holds, and a thumbnail to find them by."
    ),
    instructions=(
        "Place the camera level at about hip height where it sees the whole class from the side or at an "
        "angle (hip angles cannot be read from people facing the camera).",
        "Keep everyone's whole body in the picture; avoid people standing behind one another.",
        "Analyse with as many people as are in the class (the analysis' people option).",
    ),
    view_needed=f"side view of the people ({SIDE_VIEW_WORDS}) for the hip angles",
    input_kind="clip",
    max_people=10,
    needs_masks=False,
    measures_used=(*HIP_FLEXION.names, "body speed (steady holds)"),
    summary_method=(
        f"per person: the extremes of each hip angle held for {MIN_HOLD_S:g} s (at least 3 consecutive valid "
        "frames, so one- or two-frame glitches do not set them), steady runs of 2 s or more, time in view, "
        "and the clearest frame's box"
    ),
    norms=(),
    education_topic=TOPIC,
    runner=run,
    tracked_runner=run_tracked,
)
