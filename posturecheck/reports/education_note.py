"""The educational note that matches an analysis.

The notes live in :mod:`posturecheck.education`; a result whose topic has no
note (one written by a later version, say) gets a report without one. Its
Markdown is rendered by :mod:`posturecheck.reports.render.note_markdown`.
"""

from __future__ import annotations

from posturecheck.education import Note, load_note
from posturecheck.summary_schema import AnalysisSummary


def note_topic(summary: AnalysisSummary) -> str:
    """The education topic for an analysis.

    The assessment's ``education_topic`` when there is one; else
    ``"gait-hip-extension"`` for a clip in which hip-flexion repetitions were
    found on both sides (walking or marching), ``"posture-types"`` for a
    single photo, and ``"about"`` (what the tool measures) otherwise.
    """
    if summary.assessment is not None:
        return summary.assessment.education_topic
    if summary.source.kind == "image":
        return "posture-types"
    for person in summary.people:
        repetitions = person.hip_flexion_repetitions
        if repetitions.get("left") and repetitions.get("right"):
            return "gait-hip-extension"
    return "about"


def find_note(topic: str) -> Note | None:
    """The note for ``topic``, or ``None`` when there is no note of that topic."""
    try:
        return load_note(topic)
    except ValueError:
        return None
