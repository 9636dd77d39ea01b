"""What an assessment returns: findings with norms and confidence, in a JSON form with a schema version.

An :class:`AssessmentResult` is plain data: every field is a number, a
string, ``None`` or a container of those, so :meth:`AssessmentResult.to_dict`
is JSON-ready and :meth:`AssessmentResult.from_dict` reads it back
unchanged. Missing numbers are ``None``, never NaN.

Status of a finding (:func:`status_of`)
---------------------------------------
* numeric value: ``"below"`` under the range's ``low``, ``"above"`` over its
  ``high``, ``"within"`` otherwise (bounds included; a missing bound is open);
* categorical value (a string, e.g. a posture type or a test grade):
  ``"within"`` when it equals the range's ``expected`` category, else
  ``"outside"``;
* ``"unknown"`` when there is no value, no normal range, or the value is
  :data:`UNDETERMINED` (the rules could not decide, which is neither the
  expected category nor another one).

Confidence of a finding
-----------------------
``"high"``, ``"low"`` or ``"none"``, with ``fraction_valid``: the share of the
frames the finding rests on (the frames the assessment looked at: a steady
window, the strides, the repetitions) whose measures were valid. Each
assessment module says what else lowers it.

Versions (:data:`SCHEMA_VERSION`)
---------------------------------
* 1: warnings were English lines.
* 2: warnings are codes with data
  (:class:`~posturecheck.measures.reasons.AnalysisWarning`, ``{"code": ..., <data>}``),
  worded by each front end. A version 1 result still opens: its lines are
  read into codes where their form is known, else kept as text
  (:meth:`AnalysisWarning.from_json <posturecheck.measures.reasons.AnalysisWarning.from_json>`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

import numpy as np

from posturecheck.education import TOPICS
from posturecheck.errors import PostureCheckError
from posturecheck.measures.reasons import AnalysisWarning
from posturecheck.measures.summary import CONFIDENT_HALF_WIDTH_DEG
from posturecheck.measures.uncertainty import Interval95

SCHEMA_VERSION = 2
# Versions from_dict reads (module notes).
READABLE_VERSIONS = (1, 2)

# The category a reading takes when its rules could not decide; its status is "unknown".
UNDETERMINED = "undetermined"

Status = Literal["within", "below", "above", "outside", "unknown"]
Confidence = Literal["high", "low", "none"]

# A result links to one educational note; "about" describes the tool, not a result.
EDUCATION_TOPICS: tuple[str, ...] = tuple(topic for topic in TOPICS if topic != "about")


class AssessmentError(PostureCheckError):
    """An assessment cannot be found, or a saved result cannot be read."""


class UnknownAssessmentError(AssessmentError):
    """No assessment has the name asked for."""


@dataclass(frozen=True)
class NormalRange:
    """A reference range and where it comes from.

    Attributes
    ----------
    what : what the range describes, in words (e.g. "peak hip extension in
        late stance of walking").
    low, high : bounds in the finding's unit; ``None`` is an open side.
    expected : for categorical findings, the reference category (e.g.
        ``"negative"``); ``None`` for numeric ones.
    source : the published source named in words, with the population, and
        "approximately" where the figure is a commonly cited round value.
    """

    what: str
    low: float | None = None
    high: float | None = None
    expected: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Finding:
    """One figure of an assessment.

    Attributes
    ----------
    name : machine name, e.g. ``"peak_hip_extension_left"``.
    label : the same in plain words.
    value : the figure (float), a category (str) or ``None`` when it could
        not be measured.
    unit : ``"deg"``, ``"%"``, ``"cm"``, ``"steps/min"``, ``"s"``,
        ``"count"``, or ``""`` for categories.
    normal : the reference range, or ``None`` where no published norm applies.
    status : see the module notes.
    confidence : see the module notes.
    fraction_valid : share (0..1) of the frames the finding rests on that
        were valid.
    note : caveats in one line (e.g. "experimental", "rule-based reading").
    interval_95 : the 95 % interval of a value in degrees, with the spread
        between strides or repetitions where the value is their mean
        (:mod:`posturecheck.measures.uncertainty`); None where no error was
        measured for the case, or there is no value.
    """

    name: str
    label: str
    value: float | str | None
    unit: str
    normal: NormalRange | None
    status: Status
    confidence: Confidence
    fraction_valid: float
    note: str = ""
    interval_95: Interval95 | None = None


def status_of(value: float | str | None, normal: NormalRange | None) -> Status:
    """Where ``value`` lies against ``normal`` (module notes)."""
    if value is None or normal is None:
        return "unknown"
    if isinstance(value, str):
        if normal.expected is None or value == UNDETERMINED:
            return "unknown"
        return "within" if value == normal.expected else "outside"
    if normal.low is None and normal.high is None:
        return "unknown"
    if normal.low is not None and value < normal.low:
        return "below"
    if normal.high is not None and value > normal.high:
        return "above"
    return "within"


def finding(
    name: str,
    label: str,
    value: float | str | None,
    unit: str,
    normal: NormalRange | None,
    confidence: Confidence,
    fraction_valid: float,
    note: str = "",
    interval: Interval95 | None = None,
) -> Finding:
    """A :class:`Finding` with its status worked out and a non-finite value turned into ``None``.

    ``interval`` is kept only with a numeric value. A "high" confidence
    becomes "low" when the interval is wider than
    :data:`~posturecheck.measures.summary.CONFIDENT_HALF_WIDTH_DEG` (the
    spread between two strides can make it ± 50 deg, whatever the view's error).
    """
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    if confidence != "none" and value is None:
        confidence = "none"
    if value is None or isinstance(value, str):
        interval = None
    if confidence == "high" and interval is not None and interval.half_width_deg > CONFIDENT_HALF_WIDTH_DEG:
        confidence = "low"
    return Finding(
        name=name,
        label=label,
        value=value,
        unit=unit,
        normal=normal,
        status=status_of(value, normal),
        confidence=confidence,
        fraction_valid=round(float(fraction_valid), 3),
        note=note,
        interval_95=interval,
    )


def json_ready(value: Any) -> Any:
    """``value`` with NaN/inf as ``None``, tuples and arrays as lists, numpy scalars as Python numbers.

    Dict keys become strings. Anything else (str, bool, int, float, None)
    is returned as is.
    """
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if hasattr(value, "item") and not isinstance(value, (int, float)):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


@dataclass(frozen=True)
class AssessmentResult:
    """The outcome of one assessment.

    Attributes
    ----------
    assessment : the assessment's name (``Assessment.name``).
    people : person slots of the series assessed (``series.person(slot)``),
        in the order the details list them.
    view_ok : the footage suits the assessment (view, side, size, posture).
    view_message : one line saying what was checked and, when ``view_ok`` is
        False, what is wrong and what to do; then there are no findings.
    findings : the figures, each with its norm, status and confidence.
    interpretation : plain-language lines that describe what was seen and
        never diagnose.
    warnings : caveats about the footage or the measures, as codes with data
        (:class:`~posturecheck.measures.reasons.WarningCode` lists them).
    details : JSON-ready data behind the findings (per repetition, per
        stride, per person, the frames used).
    education_topic : one of :data:`EDUCATION_TOPICS`.
    schema_version : :data:`SCHEMA_VERSION` of this layout.
    """

    assessment: str
    people: tuple[int, ...]
    view_ok: bool
    view_message: str
    findings: tuple[Finding, ...] = ()
    interpretation: tuple[str, ...] = ()
    warnings: tuple[AnalysisWarning, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    education_topic: str = "psoas-anatomy"
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        if self.education_topic not in EDUCATION_TOPICS:
            raise ValueError(
                f"education topic {self.education_topic!r} is not one of {', '.join(EDUCATION_TOPICS)}"
            )
        for item in self.findings:
            if item.status not in get_args(Status) or item.confidence not in get_args(Confidence):
                raise ValueError(f"finding {item.name}: status {item.status!r} or confidence unknown")
        # Details are kept in their JSON form so that a result read back equals the one written.
        object.__setattr__(self, "details", json_ready(self.details))

    @classmethod
    def refused(
        cls,
        assessment: str,
        education_topic: str,
        message: str,
        people: tuple[int, ...] = (),
        warnings: Sequence[AnalysisWarning] = (),
    ) -> AssessmentResult:
        """A result with no findings: the footage cannot support the assessment, and ``message`` says why."""
        return cls(
            assessment, people, False, message, warnings=tuple(warnings), education_topic=education_topic
        )

    def finding(self, name: str) -> Finding:
        """The finding called ``name``.

        Raises
        ------
        KeyError
            If there is none by that name.
        """
        for item in self.findings:
            if item.name == name:
                return item
        raise KeyError(f"{self.assessment} has no finding {name!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (NaN as ``None``), starting with ``schema_version``."""
        data = json_ready(asdict(self))
        data["warnings"] = [json_ready(warning.to_dict()) for warning in self.warnings]
        return {"schema_version": data.pop("schema_version"), **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AssessmentResult:
        """Read back what :meth:`to_dict` wrote.

        Raises
        ------
        AssessmentError
            If the schema version is not one of :data:`READABLE_VERSIONS` or
            a field is missing or malformed.
        """
        version = data.get("schema_version")
        if version not in READABLE_VERSIONS:
            raise AssessmentError(
                f"assessment result schema version {version!r} is not supported "
                f"(expected one of {', '.join(map(str, READABLE_VERSIONS))})"
            )
        try:
            findings = tuple(
                Finding(
                    **{
                        **item,
                        "normal": NormalRange(**item["normal"]) if item["normal"] else None,
                        "interval_95": Interval95.from_dict(item.get("interval_95")),
                    }
                )
                for item in data["findings"]
            )
            return cls(
                assessment=data["assessment"],
                people=tuple(data["people"]),
                view_ok=bool(data["view_ok"]),
                view_message=data["view_message"],
                findings=findings,
                interpretation=tuple(data["interpretation"]),
                warnings=tuple(AnalysisWarning.from_json(entry) for entry in data["warnings"]),
                details=data["details"],
                education_topic=data["education_topic"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AssessmentError(f"not a valid assessment result ({exc})") from exc
