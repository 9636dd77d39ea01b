"""Guided assessments: named protocols built from the measures, with norms, confidence and plain words.

Each module builds one :class:`~posturecheck.assessments.base.Assessment`
(purpose, setup instructions, the view it needs, the measures it uses and
how it summarises them, normal ranges with their sources) whose ``run``
returns an :class:`~posturecheck.assessments.result.AssessmentResult`:
findings with status and confidence, a plain-language interpretation that
describes and never diagnoses, warnings, details, and a JSON form with a
schema version. Wrong footage (view, side, size, posture) gives a specific
message instead of numbers.

=================  ==========================================================
name               module
=================  ==========================================================
standing-side      :mod:`~posturecheck.assessments.standing_side`
standing-front     :mod:`~posturecheck.assessments.standing_front`
knee-raise         :mod:`~posturecheck.assessments.knee_raise`
thomas-test        :mod:`~posturecheck.assessments.thomas_test`
gait               :mod:`~posturecheck.assessments.gait`
class              :mod:`~posturecheck.assessments.class_review`
free               :mod:`~posturecheck.assessments.free`
=================  ==========================================================
"""

from __future__ import annotations

from posturecheck.assessments import (
    class_review,
    free,
    gait,
    knee_raise,
    standing_front,
    standing_side,
    thomas_test,
)
from posturecheck.assessments.base import Assessment
from posturecheck.assessments.result import (
    SCHEMA_VERSION,
    AssessmentError,
    AssessmentResult,
    Finding,
    NormalRange,
    UnknownAssessmentError,
)

__all__ = [
    "SCHEMA_VERSION",
    "Assessment",
    "AssessmentError",
    "AssessmentResult",
    "Finding",
    "NormalRange",
    "UnknownAssessmentError",
    "get_assessment",
    "list_assessments",
]

_ASSESSMENTS: tuple[Assessment, ...] = (
    standing_side.ASSESSMENT,
    standing_front.ASSESSMENT,
    knee_raise.ASSESSMENT,
    thomas_test.ASSESSMENT,
    gait.ASSESSMENT,
    class_review.ASSESSMENT,
    free.ASSESSMENT,
)


def list_assessments() -> list[Assessment]:
    """Every assessment, in the order a front end may offer them."""
    return list(_ASSESSMENTS)


def get_assessment(name: str) -> Assessment:
    """The assessment called ``name``.

    Raises
    ------
    UnknownAssessmentError
        If there is none; the one-line message lists the valid names.
    """
    for assessment in _ASSESSMENTS:
        if assessment.name == name:
            return assessment
    valid = ", ".join(a.name for a in _ASSESSMENTS)
    raise UnknownAssessmentError(f"unknown assessment {name!r}; valid assessments: {valid}")
