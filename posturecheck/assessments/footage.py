"""Is the footage fit for an assessment? A person found, big enough, in frame, in the right view and side.

Every check returns a :class:`FootageCheck`: ``ok``, one line saying what
was found (or, when not ok, what is wrong and what to do) and warnings
that do not stop the assessment. People are named to the user as "person
N" with N = slot + 1, as in the analysis summary.

The view thresholds are those of :class:`posturecheck.measures.view.ViewLimits`
(set from real multi-camera footage, docs/validation.md): a side view within
``side_max_deg`` lets the image (2D) sagittal angles be used, within
``sagittal_3d_max_deg`` the world (3D) ones; a front or back view beyond
``front_min_deg`` lets the 2D frontal measures be used, beyond
``frontal_3d_min_deg`` the 3D ones. ``SIDE_VIEW_WORDS`` and
``FRONT_VIEW_WORDS`` say so to the user.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.table import MeasureTable
from posturecheck.measures.view import ViewLimits, frontal_view_words, landmark_name, sagittal_view_words
from posturecheck.pose.series import PeopleSeries

LIMITS = ViewLimits()
SIDE_VIEW_WORDS = sagittal_view_words(LIMITS)
FRONT_VIEW_WORDS = frontal_view_words(LIMITS)

ViewKind = Literal["side", "front"]


@dataclass(frozen=True)
class FootageCheck:
    """Outcome of a footage check.

    Attributes
    ----------
    ok : the assessment can go on.
    message : one line: what was found, or what is wrong and what to do.
    warnings : caveats that do not stop the assessment.
    """

    ok: bool
    message: str
    warnings: tuple[AnalysisWarning, ...] = ()


def person_label(slot: int) -> str:
    """How a person slot is named to the user: ``"person 1"`` for slot 0."""
    return f"person {slot + 1}"


def seen_rows(table: MeasureTable) -> np.ndarray:
    """(F,) bool: frames in which the table's person was detected."""
    return np.isfinite(table.view.extent)


NO_PERSON = "no person found in the footage"


def pick_person(tables: Sequence[MeasureTable]) -> tuple[MeasureTable | None, tuple[AnalysisWarning, ...]]:
    """The person seen in most frames, and a warning naming them when there were several."""
    if not tables:
        return None, ()
    counts = [int(seen_rows(t).sum()) for t in tables]
    best = tables[int(np.argmax(counts))]
    if len(tables) == 1:
        return best, ()
    return best, (
        AnalysisWarning(WarningCode.SEVERAL_PEOPLE, {"people": len(tables), "person": best.person + 1}),
    )


def check_clip(series: PeopleSeries, title: str, min_duration_s: float) -> FootageCheck:
    """The input is a clip with increasing times lasting at least ``min_duration_s`` seconds."""
    times = series.times_s
    if series.n_frames < 2 or not bool(np.all(np.diff(times) > 0)):
        return FootageCheck(False, f"{title} needs a video clip, not a photo or a set of photos")
    duration = float(times[-1] - times[0])
    if duration < min_duration_s:
        return FootageCheck(
            False, f"the clip lasts {duration:.1f} s; {title} needs at least {min_duration_s:g} s"
        )
    return FootageCheck(True, f"clip of {duration:.1f} s")


def _majority(labels: np.ndarray) -> str:
    counts = Counter(str(label) for label in labels if str(label))
    return counts.most_common(1)[0][0] if counts else "unknown"


def check_view(
    table: MeasureTable,
    rows: np.ndarray,
    need: ViewKind,
    title: str,
    in_frame: tuple[int, ...] = (),
    min_extent: float = LIMITS.min_person_extent,
) -> FootageCheck:
    """Check the person, their size, the landmarks in frame and the view over the frames ``rows``.

    Parameters
    ----------
    table : the person's measures (its per-frame view estimate is used).
    rows : (F,) bool, the frames the assessment will rest on.
    need : ``"side"`` (sagittal measures) or ``"front"`` (frontal measures;
        a back view serves too).
    title : what needs the footage, for the messages (e.g. "the gait assessment").
    in_frame : landmark indices that must lie inside the frame in most of
        those frames (e.g. the ankles for standing posture).
    min_extent : smallest median share of the frame the person must span.

    Returns
    -------
    FootageCheck
        Not ok, with a specific message, when nobody is in those frames,
        the person is too small, a needed landmark is mostly outside the
        frame, or the median view is beyond what the 3D measures accept. Ok
        with a warning for an oblique view that only the 3D measures accept.
    """
    view = table.view
    seen = rows & seen_rows(table)
    who = person_label(table.person)
    if not seen.any():
        return FootageCheck(False, f"{who} is not in view in the frames {title} needs")
    extent = float(np.median(view.extent[seen]))
    if extent < min_extent:
        return FootageCheck(
            False,
            f"{who} fills only {extent:.0%} of the frame; {title} needs at least {min_extent:.0%}: "
            "move the camera closer (the whole body still in view)",
        )
    for index in in_frame:
        outside = float(view.outside[seen, index].mean())
        if outside > 0.5:
            return FootageCheck(
                False,
                f"{who}'s {landmark_name(index)} is outside the frame in {outside:.0%} of the frames: "
                f"{title} needs the whole body in view",
            )
    away = float(np.nanmedian(view.off_side_deg[seen]))
    label = _majority(view.label[seen])
    found = f"{label} view ({away:.0f} deg from a side view)"
    if need == "side":
        return _side_check(found, label, away, title)
    return _front_check(found, label, away, title)


def _side_check(found: str, label: str, away: float, title: str) -> FootageCheck:
    if away > LIMITS.sagittal_3d_max_deg:
        return FootageCheck(
            False,
            f"{found}: {title} needs a side view; place the camera at the person's side, "
            "square to the direction they face",
        )
    if away > LIMITS.side_max_deg:
        return FootageCheck(
            True,
            found,
            (_oblique(WarningCode.OBLIQUE_SIDE_VIEW, label, away, LIMITS.side_max_deg),),
        )
    return FootageCheck(True, found)


def _front_check(found: str, label: str, away: float, title: str) -> FootageCheck:
    if away < LIMITS.frontal_3d_min_deg:
        return FootageCheck(
            False,
            f"{found}: {title} needs a front (or back) view; place the camera in front of the person, "
            "square to them",
        )
    if away < LIMITS.front_min_deg:
        return FootageCheck(
            True,
            found,
            (_oblique(WarningCode.OBLIQUE_FRONT_VIEW, label, away, LIMITS.front_min_deg),),
        )
    return FootageCheck(True, found)


def _oblique(code: WarningCode, label: str, away: float, limit_deg: float) -> AnalysisWarning:
    """An oblique view's warning: the view, its degrees from a side view, and the limit it missed."""
    return AnalysisWarning(code, {"view": label, "off_side_deg": away, "limit_deg": limit_deg})


def check_near_side(near_side: np.ndarray, slot: int, side: str, title: str, why: str) -> FootageCheck:
    """The person's ``side`` ("left"/"right") faces the camera in most frames.

    ``near_side`` holds, per frame used, the side seen nearer the camera
    ("left", "right" or "" when unknown); ``why`` completes the message,
    e.g. "the hanging leg must face the camera".
    """
    near = _majority(near_side)
    if near != side:
        return FootageCheck(
            False,
            f"the camera sees {person_label(slot)}'s {near} side; {title} needs the {side} side "
            f"toward the camera ({why})",
        )
    return FootageCheck(True, f"{side} side toward the camera")
