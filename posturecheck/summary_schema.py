"""The analysis summary: typed, versioned, and the one reader and writer of its file.

``posturecheck analyze`` writes one ``<stem>.summary.json``
(:data:`SUMMARY_SUFFIX`) per analysis; the app, the reports, the batch
table and the client history read it. :class:`AnalysisSummary` is that
file's content as frozen dataclasses: :meth:`AnalysisSummary.to_dict` writes
the JSON layout (starting with ``schema_version``) and
:meth:`AnalysisSummary.from_dict` reads it back unchanged.

Versions (:data:`SCHEMA_VERSION`)
---------------------------------
* 1: summaries written before the summary had a version (no
  ``schema_version`` key). The oldest lack ``camera_pitch``, the per-measure
  ``expected_error_deg`` and ``interval_95``, the per-person ``hip_neutral``
  and ``camera_tilt``, and ``outputs.exports``, and word their warnings as
  English lines: these read as ``None``, empty, and warning codes
  (:meth:`~posturecheck.measures.reasons.AnalysisWarning.from_json`). The
  client history stored such summaries with ``result_version`` 1.
* 2: the same keys with ``schema_version`` first.
* 3: this layout: each measure summary also has ``max_missed`` and
  ``min_missed`` (what frames left out for the view read beyond its
  extremes, :mod:`posturecheck.measures.missed_extremes`). Older summaries
  read with both ``None``: they were not checked.

A summary read from an older layout is held in this one, so writing it again
writes version :data:`SCHEMA_VERSION`. A newer version than this release
knows is refused with one line (:class:`SummaryError`): its meaning may have
changed, and a figure read wrongly is worse than none.

JSON keys and attributes
------------------------
The attributes carry the JSON keys' names, except two lists whose keys were
named before the summary was typed: ``"people"`` (who was in view, when) is
:attr:`AnalysisSummary.presence`, and ``"measures"`` (each person's measure
summaries) is :attr:`AnalysisSummary.people`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from posturecheck.assessments.result import AssessmentError, AssessmentResult
from posturecheck.errors import InputError
from posturecheck.measures.reasons import AnalysisWarning
from posturecheck.measures.summary import PersonSummary
from posturecheck.pose.series import SourceInfo

SCHEMA_VERSION = 3
# Summaries without a "schema_version" key: the layout before it was typed.
UNVERSIONED = 1

SUMMARY_SUFFIX = ".summary.json"

_T = TypeVar("_T")


class SummaryError(InputError):
    """A summary file or stored summary cannot be read: malformed, or of a newer schema version."""


@dataclass(frozen=True)
class Presence:
    """When one person was in view (an item of the JSON's ``people``).

    Attributes
    ----------
    person : the person's number, from 1.
    frames_detected : frames with the person found.
    fraction_detected : the same as a share (0..1) of all frames.
    first_seen_s, last_seen_s : first and last time seen, seconds.
    mean_visibility : mean landmark visibility (0..1) over those frames.
    """

    person: int
    frames_detected: int
    fraction_detected: float
    first_seen_s: float
    last_seen_s: float
    mean_visibility: float


@dataclass(frozen=True)
class Tracking:
    """How people were told apart: found, short detections dropped, per person how sure of their identity."""

    people_found: int = 0
    short_detections_dropped: int = 0
    identity_confidence: tuple[float, ...] = ()


@dataclass(frozen=True)
class CameraRoll:
    """The camera roll the gravity-referenced measures were corrected with, and where it came from.

    Attributes
    ----------
    deg : the roll, degrees; None when taken as level.
    source : ``"given by the user"``, ``"estimated from the scene"`` or ``"assumed level"``.
    confidence : the scene estimate's confidence (0..1); None otherwise.
    reason : what the scene estimate rests on, or why there is none; None
        when the user gave the roll (the JSON then has no ``reason`` key).
    """

    deg: float | None
    source: str
    confidence: float | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON's ``camera_roll`` entry."""
        data = asdict(self)
        if self.reason is None:
            del data["reason"]
        return data


@dataclass(frozen=True)
class CameraPitch:
    """The camera pitch given by the user (``deg``, degrees), or None and where it is read instead."""

    deg: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Processing:
    """How long the analysis took (seconds) and its speed (frames per second)."""

    seconds: float = 0.0
    frames_per_second: float = 0.0


@dataclass(frozen=True)
class Outputs:
    """The files written beside the summary, by name (None or empty when not written).

    ``csv`` is the path as given (it may lie outside the results folder).
    """

    landmarks: str | None = None
    annotated_video: str | None = None
    csv: str | None = None
    exports: tuple[str, ...] = ()

    def named(self, key: str) -> str | None:
        """The file written as ``key``: ``"landmarks"``, ``"annotated_video"`` or ``"csv"``."""
        return {"landmarks": self.landmarks, "annotated_video": self.annotated_video, "csv": self.csv}.get(
            key
        )


@dataclass(frozen=True)
class AnalysisSummary:
    """What one analysis found, as written to ``<stem>.summary.json`` (module notes).

    Attributes
    ----------
    posturecheck_version : the release that wrote it.
    input : the analysed file as given.
    source : the footage: size, frame rate, rotation, model.
    frames_analysed : frames read; duration_s : their span, seconds.
    presence : per person found, when in view (JSON ``people``).
    tracking : how people were told apart.
    camera_roll, camera_pitch : the camera tilt used and where it came from.
    measure_options : the options the measures were made with but the roll
        and pitch (:func:`posturecheck.analyze.options_record`), as recorded;
        :func:`posturecheck.results.recompute.measure_options` reads them.
    people : per person measured, their measure summaries (JSON ``measures``).
    assessment : the assessment's result, None when none was run.
    warnings : codes with data; each front end words them.
    problem : why the input ended early, None when read in full.
    processing : time taken.
    outputs : the files written beside the summary.
    schema_version : :data:`SCHEMA_VERSION` (a summary read from an older
        layout is held in this one).
    """

    posturecheck_version: str
    input: str
    source: SourceInfo
    frames_analysed: int
    duration_s: float
    presence: tuple[Presence, ...] = ()
    tracking: Tracking = field(default_factory=Tracking)
    camera_roll: CameraRoll = field(default_factory=lambda: CameraRoll(None, "assumed level"))
    camera_pitch: CameraPitch = field(default_factory=CameraPitch)
    measure_options: dict[str, Any] = field(default_factory=dict)
    people: tuple[PersonSummary, ...] = ()
    assessment: AssessmentResult | None = None
    warnings: tuple[AnalysisWarning, ...] = ()
    problem: str | None = None
    processing: Processing = field(default_factory=Processing)
    outputs: Outputs = field(default_factory=Outputs)
    schema_version: int = SCHEMA_VERSION

    def person(self, number: int) -> PersonSummary | None:
        """The measure summaries of person ``number`` (from 1), None when they were not measured."""
        return next((person for person in self.people if person.person == number), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON layout, starting with ``schema_version``."""
        return {
            "schema_version": self.schema_version,
            "posturecheck_version": self.posturecheck_version,
            "input": self.input,
            "source": asdict(self.source),
            "frames_analysed": self.frames_analysed,
            "duration_s": self.duration_s,
            "people": [asdict(entry) for entry in self.presence],
            "tracking": {
                **asdict(self.tracking),
                "identity_confidence": list(self.tracking.identity_confidence),
            },
            "camera_roll": self.camera_roll.to_dict(),
            "camera_pitch": asdict(self.camera_pitch),
            "measure_options": self.measure_options,
            "measures": [person.to_dict() for person in self.people],
            "assessment": self.assessment.to_dict() if self.assessment is not None else None,
            "warnings": [warning.to_dict() for warning in self.warnings],
            "problem": self.problem,
            "processing": asdict(self.processing),
            "outputs": {**asdict(self.outputs), "exports": list(self.outputs.exports)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnalysisSummary:
        """Read :meth:`to_dict`'s form, or an older layout (module notes).

        Raises
        ------
        SummaryError
            If the schema version is newer than :data:`SCHEMA_VERSION` or
            not a number, or a part is missing or malformed.
        """
        if not isinstance(data.get("measures"), list):
            raise SummaryError("not a posturecheck analysis summary (no per-person measures)")
        version = data.get("schema_version", UNVERSIONED)
        if isinstance(version, bool) or not isinstance(version, int):
            raise SummaryError(f"analysis summary schema version {version!r} is not a version number")
        if version > SCHEMA_VERSION:
            raise SummaryError(
                f"analysis summary schema version {version} is newer than this posturecheck reads "
                f"(up to {SCHEMA_VERSION}); update posturecheck to open it"
            )
        try:
            return _read(data)
        except AssessmentError as exc:
            raise SummaryError(f"analysis summary: its assessment cannot be read ({exc})") from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SummaryError(f"not a posturecheck analysis summary ({type(exc).__name__}: {exc})") from exc


def _read(data: Mapping[str, Any]) -> AnalysisSummary:
    """The summary in ``data`` (version checked); KeyError, TypeError, ValueError when malformed."""
    assessment = data.get("assessment")
    return AnalysisSummary(
        posturecheck_version=str(data.get("posturecheck_version", "")),
        input=str(data.get("input", "")),
        source=_known_fields(
            SourceInfo, data.get("source") or {"path": "", "kind": "", "width": 0, "height": 0}
        ),
        frames_analysed=int(data.get("frames_analysed") or 0),
        duration_s=float(data.get("duration_s") or 0.0),
        presence=tuple(_known_fields(Presence, entry) for entry in data.get("people") or ()),
        tracking=_tracking(data.get("tracking") or {}),
        camera_roll=_known_fields(
            CameraRoll, data.get("camera_roll") or {"deg": None, "source": "assumed level"}
        ),
        camera_pitch=_known_fields(CameraPitch, data.get("camera_pitch") or {}),
        measure_options=dict(data.get("measure_options") or {}),
        people=tuple(PersonSummary.from_dict(person) for person in data["measures"]),
        assessment=AssessmentResult.from_dict(assessment) if assessment else None,
        warnings=tuple(AnalysisWarning.from_json(entry) for entry in data.get("warnings") or ()),
        problem=str(data["problem"]) if data.get("problem") else None,
        processing=_known_fields(Processing, data.get("processing") or {}),
        outputs=_outputs(data.get("outputs") or {}),
    )


def _known_fields(kind: type[_T], data: Mapping[str, Any]) -> _T:
    """``kind`` built from the keys of ``data`` it has fields for (others, from a later layout, left out)."""
    names = {f.name for f in fields(kind)}  # type: ignore[arg-type]
    return kind(**{key: value for key, value in data.items() if key in names})


def _tracking(data: Mapping[str, Any]) -> Tracking:
    return Tracking(
        people_found=int(data.get("people_found") or 0),
        short_detections_dropped=int(data.get("short_detections_dropped") or 0),
        identity_confidence=tuple(float(value) for value in data.get("identity_confidence") or ()),
    )


def _outputs(data: Mapping[str, Any]) -> Outputs:
    def name(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) and value else None

    exports = data.get("exports")
    return Outputs(
        landmarks=name("landmarks"),
        annotated_video=name("annotated_video"),
        csv=name("csv"),
        exports=tuple(item for item in exports if isinstance(item, str)) if isinstance(exports, list) else (),
    )


def summary_path(folder: Path, stem: str) -> Path:
    """Where the summary of the analysis of a file called ``stem`` goes in ``folder``."""
    return folder / f"{stem}{SUMMARY_SUFFIX}"


def summary_stem(path: Path) -> str:
    """The analysed file's stem from its summary's path (``walk.summary.json`` -> ``walk``)."""
    return path.name.removesuffix(SUMMARY_SUFFIX)


def write_summary(summary: AnalysisSummary, path: Path) -> None:
    """Write ``summary`` to ``path`` as indented JSON (:meth:`AnalysisSummary.to_dict`)."""
    path.write_text(json.dumps(summary.to_dict(), indent=2), encoding="utf-8")


def read_summary(path: Path) -> AnalysisSummary:
    """The summary in the file at ``path``.

    Raises
    ------
    SummaryError
        If the file cannot be read as JSON or is not an analysis summary
        this release can read; the message names the file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SummaryError(f"{path}: cannot be read as JSON ({exc})") from exc
    except RecursionError as exc:
        raise SummaryError(f"{path}: nested too deeply to be an analysis summary") from exc
    if not isinstance(data, dict):
        data = {}
    try:
        return AnalysisSummary.from_dict(data)
    except SummaryError as exc:
        raise SummaryError(f"{path}: {exc}") from exc
