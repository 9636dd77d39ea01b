"""Why a frame's value is not valid, and what an analysis warns about: codes with their numbers.

The core speaks in these codes; each front end words them once (the command
line in :mod:`posturecheck.cli_words`, the app and reports in
:mod:`posturecheck.reports.plain_words`).

Invalid frames
--------------
Every frame a measure is not valid in carries one :class:`Invalid` code and
the numbers behind it (a landmark, a view angle, a limit). The measure
tables, their CSV ``<name>_reason`` columns and the summary's
``main_reason_invalid`` keep them as one technical line, written by
:func:`reason_line` from the code's template and read back, code and numbers,
by :func:`read_reason`. The templates are the lines written before the codes
existed, so files kept from then read back the same way.

Warnings
--------
An :class:`AnalysisWarning` is a :class:`WarningCode` and its data. The
summary JSON keeps each as ``{"code": ..., <data>}``; summaries written
before the codes hold English lines, which :func:`read_warnings` still reads
(their known forms into codes, anything else kept as :data:`WarningCode.TEXT`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# A person seen in less than this fraction of frames gets a warning.
LOW_PRESENCE_FRACTION = 0.8
# A camera roll estimated from the scene larger than this (degrees) gets a warning.
LARGE_ROLL_DEG = 3.0


class Invalid(StrEnum):
    """Why a measure is not valid in a frame; the value is what the code is called in files."""

    NO_PERSON = "no_person"
    TRACK_START = "track_start"
    TRACK_END = "track_end"
    OVERLAP = "overlap"
    GLITCH_JUMP = "glitch_jump"
    GLITCH_PROPORTIONS = "glitch_proportions"
    FRAME_EDGE = "frame_edge"
    NOT_VISIBLE = "not_visible"
    OUTSIDE_FRAME = "outside_frame"
    TOO_SMALL = "too_small"
    NEEDS_SIDE_VIEW = "needs_side_view"
    NEEDS_FRONT_VIEW = "needs_front_view"
    FACING_UNCLEAR = "facing_unclear"
    NOT_STANDING = "not_standing"
    NOT_COMPUTED = "not_computed"
    TILT_UNKNOWN = "tilt_unknown"
    VERTICAL_FROM_PERSON = "vertical_from_person"
    NO_NEUTRAL = "no_neutral"
    NO_MASK = "no_mask"
    SILHOUETTE = "silhouette"
    WITHDRAWN = "withdrawn"


# The fixed phrases of the glitch checks (posturecheck.measures.glitches), also searched for in tests.
JUMP = "implausible jump"
PROPORTIONS = "implausible body proportions"
OVERLAP = "overlaps person"
TRACK_START = "just came into view"
TRACK_END = "about to leave the view"
FRAME_EDGE = "at the edge of the picture"

# The technical line of each code: str.format fields are its numbers. Keep the
# wording: kept files hold these lines, and read_reason parses them back.
_TEMPLATES: dict[Invalid, str] = {
    Invalid.NO_PERSON: "no person detected",
    Invalid.TRACK_START: TRACK_START,
    Invalid.TRACK_END: TRACK_END,
    Invalid.OVERLAP: OVERLAP + " {other}: one may hide the other",
    Invalid.GLITCH_JUMP: JUMP + ": {joint} angle moved {step_deg:.0f} deg",
    Invalid.GLITCH_PROPORTIONS: PROPORTIONS + ": {segment} {ratio:.0%} of its usual length ({space})",
    Invalid.FRAME_EDGE: "{landmark} " + FRAME_EDGE,
    Invalid.NOT_VISIBLE: "{landmark} not visible (visibility < {min_visibility:g})",
    Invalid.OUTSIDE_FRAME: "{landmark} outside the frame",
    Invalid.TOO_SMALL: "person spans {extent:.0%} of the frame (needs {min_extent:.0%})",
    # also: "" or " or oblique" (side), " or back" or ", back or oblique" (front);
    # limit: the view limit in words ("limit 15", "needs 80").
    Invalid.NEEDS_SIDE_VIEW: "{view} view: {measure} needs a side{also} view "
    "({off_side_deg:.0f} deg from side, {limit})",
    Invalid.NEEDS_FRONT_VIEW: "{view} view: {measure} needs a front{also} view "
    "({off_side_deg:.0f} deg from side, {limit})",
    Invalid.FACING_UNCLEAR: "facing direction unclear",
    Invalid.NOT_STANDING: "not standing straight (knee flexion {knee_deg:.0f} deg, limit {limit_deg:.0f})",
    Invalid.NOT_COMPUTED: "could not be computed",
    Invalid.TILT_UNKNOWN: "camera {axis} unknown: the person's upright axis suggests about "
    "{suggested_deg:+.0f} deg, not confidently ({why})",
    Invalid.VERTICAL_FROM_PERSON: "the vertical was taken from the person's own ankle-to-ear axis "
    "(camera tilt not given), which is what this measure compares against",
    Invalid.NO_NEUTRAL: "no neutral hip angle: {why}",
    Invalid.NO_MASK: "no segmentation mask of the person in this frame",
    Invalid.SILHOUETTE: "silhouette not measurable: {why}",
    Invalid.WITHDRAWN: "not validated: moved opposite to true pelvic tilt on a rendered body",
}


def reason_line(code: Invalid, **numbers: Any) -> str:
    """The technical line of an invalid frame: ``code``'s template filled with its ``numbers``.

    This is what measure tables, CSV ``<name>_reason`` columns and summaries
    keep; :func:`read_reason` reads it back.
    """
    return _TEMPLATES[code].format(**numbers)


@dataclass(frozen=True)
class FrameReason:
    """An invalid frame's code and the numbers its line names, as written (strings)."""

    code: Invalid
    numbers: Mapping[str, str] = field(default_factory=dict)


def _pattern(template: str) -> re.Pattern[str]:
    """A template turned into a regular expression matching its whole lines, one group per field."""
    parts = re.split(r"\{(\w+)(?::[^}]*)?\}", template)
    body = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts))
    return re.compile(f"{body}$", re.DOTALL)


_PATTERNS = {code: _pattern(template) for code, template in _TEMPLATES.items()}


def read_reason(line: str) -> FrameReason | None:
    """The code and numbers of a line :func:`reason_line` wrote; ``None`` for "" and any other line."""
    for code, pattern in _PATTERNS.items():
        found = pattern.match(line)
        if found:
            return FrameReason(code, found.groupdict())
    return None


class WarningCode(StrEnum):
    """What an analysis warns about; the value is what the code is called in the summary JSON.

    Data of each (keys of :attr:`AnalysisWarning.data`):

    - ``LOW_PRESENCE``: ``person`` (1-based), ``fraction`` (0-1, of the frames),
      ``first_s``, ``last_s`` (seconds): in view under :data:`LOW_PRESENCE_FRACTION`.
    - ``ROLL_CORRECTED``: ``deg`` (clockwise positive): a roll estimated from the
      scene, over :data:`LARGE_ROLL_DEG`, that gravity-referenced measures were corrected for.
    - ``ROLL_UNKNOWN``: ``why``: no roll from the scene; each person's upright axis
      or a level camera is used instead.
    - ``HIP_EXPECTED_ERROR``: ``person``, ``side``, ``error_deg``: hip flexion
      expected to be that far off from this view.
    - ``HIP_FEW_VALID``: ``person``, ``side``, ``fraction`` (0-1, of the frames the
      person was in view), ``reason`` (the commonest invalid-frame line, "" if none).
    - ``HIP_UNCHECKED_VIEW``: ``person``: hip flexion valid in enough frames, but no
      reference has measured its error from this view, so it is low confidence.
    - ``HIP_EXTREME_MISSED``: ``person``, ``side``, ``extreme`` (``"max"``: the peak
      flexion, ``"min"``: the peak extension), ``shown_deg`` (the valid frames' extreme),
      ``missed_deg`` (what frames left out only for the view held beyond it): the movement
      went further than the valid frames show (:mod:`posturecheck.measures.missed_extremes`).
    - ``NO_PERSON_READ``: ``frames``: no person in the frames of an input that ended early.
    - ``TEXT``: ``text``: a warning kept from a summary written before the codes.

    Warnings of an assessment (:attr:`posturecheck.assessments.result.AssessmentResult.warnings`);
    limits are the values the assessment used, so the words never retype them:

    - ``SEVERAL_PEOPLE``: ``people`` (count), ``person`` (1-based): several people were
      found and the one in view longest was assessed.
    - ``OBLIQUE_SIDE_VIEW``: ``view`` (its label), ``off_side_deg``, ``limit_deg`` (the
      side view's limit): angles come from the 3D landmarks.
    - ``OBLIQUE_FRONT_VIEW``: ``view``, ``off_side_deg``, ``limit_deg`` (the front view's
      least angle from the side): frontal measures come from the 3D landmarks.
    - ``SHORT_HOLD``: ``duration_s``, ``asked_s``: the steadiest hold was shorter than asked.
    - ``NO_NEUTRAL``: ``why``: hip angles not graded, no neutral hip angle.
    - ``NO_STRIDE``: ``steps`` (the steps to walk, asked in the words): no full stride
      with enough valid frames.
    - ``LOW_HIP_EXTENSION``: ``side``, ``low_deg``, ``high_deg`` (the norm): peak hip
      extension in late stance below the norm.
    - ``NO_KNEE_RAISE``: ``min_raise_deg`` (the least rise counted): no knee raise found.
    - ``HIP_HIKE_UNCHECKED``: ``frontal_min_deg``, ``sagittal_max_deg`` (the view limits
      both measures need): pelvic obliquity not measurable in this view.
    - ``FAR_SIDE_RAISES``: ``count``, ``side``: raises made with that leg on the far side.
    - ``NO_MASKS``: (no data) no segmentation masks, so no silhouette measures.
    - ``RAW_THIGH_ANGLE``: ``offset_deg`` (how far the raw angle sits from the norm's
      zero): no upright neutral in the clip, the raw thigh-trunk angle graded.
    - ``TRUNK_TILTED``: ``tilt_deg`` (absolute), ``limit_deg``: the lying trunk is off the
      image horizontal by more than the limit.
    - ``HELD_HIP_LOW``: ``flexion_deg``, ``limit_deg``: the held hip flexed less than the limit.
    - ``RETRACKED``: (no data) the footage's person slots were not stable IDs; people were tracked.
    - ``SHORT_DETECTIONS``: ``count``, ``min_duration_s`` (the tracking's minimum, as used):
      brief detections left out.
    - ``IDENTITY_UNSURE``: ``person`` (1-based), ``confidence`` (0-1), ``limit`` (warned
      below it): the one who came back may be someone else.
    """

    LOW_PRESENCE = "low_presence"
    ROLL_CORRECTED = "roll_corrected"
    ROLL_UNKNOWN = "roll_unknown"
    HIP_EXPECTED_ERROR = "hip_expected_error"
    HIP_FEW_VALID = "hip_few_valid"
    HIP_UNCHECKED_VIEW = "hip_unchecked_view"
    HIP_EXTREME_MISSED = "hip_extreme_missed"
    NO_PERSON_READ = "no_person_read"
    SEVERAL_PEOPLE = "several_people"
    OBLIQUE_SIDE_VIEW = "oblique_side_view"
    OBLIQUE_FRONT_VIEW = "oblique_front_view"
    SHORT_HOLD = "short_hold"
    NO_NEUTRAL = "no_neutral"
    NO_STRIDE = "no_stride"
    LOW_HIP_EXTENSION = "low_hip_extension"
    NO_KNEE_RAISE = "no_knee_raise"
    HIP_HIKE_UNCHECKED = "hip_hike_unchecked"
    FAR_SIDE_RAISES = "far_side_raises"
    NO_MASKS = "no_masks"
    RAW_THIGH_ANGLE = "raw_thigh_angle"
    TRUNK_TILTED = "trunk_tilted"
    HELD_HIP_LOW = "held_hip_low"
    RETRACKED = "retracked"
    SHORT_DETECTIONS = "short_detections"
    IDENTITY_UNSURE = "identity_unsure"
    TEXT = "text"


@dataclass(frozen=True)
class AnalysisWarning:
    """One warning of an analysis: its code and data (see :class:`WarningCode` for the keys)."""

    code: WarningCode
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{"code": <value>, **data}``."""
        return {"code": self.code.value, **self.data}

    @classmethod
    def from_json(cls, entry: object) -> AnalysisWarning:
        """A warning from its JSON form, or from an English line of a summary written before the codes."""
        if isinstance(entry, Mapping):
            data = {str(k): v for k, v in entry.items() if k != "code"}
            try:
                return cls(WarningCode(str(entry.get("code"))), data)
            except ValueError:
                return cls(WarningCode.TEXT, {"text": ", ".join(f"{k} {v}" for k, v in entry.items())})
        return _old_line(str(entry))


# How summaries written before the codes worded their warnings (do not change: files keep them).
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_OLD_FORMS: tuple[tuple[WarningCode, re.Pattern[str]], ...] = (
    (
        WarningCode.LOW_PRESENCE,
        re.compile(
            rf"person (?P<person>\d+) was in view in (?P<fraction>{_NUMBER})% of frames "
            rf"\((?P<first_s>{_NUMBER})-(?P<last_s>{_NUMBER}) s\)"
        ),
    ),
    (
        WarningCode.ROLL_CORRECTED,
        re.compile(rf"camera is rolled (?P<deg>{_NUMBER}) deg \(estimated from the scene"),
    ),
    (WarningCode.ROLL_UNKNOWN, re.compile(r"camera roll unknown from the scene \((?P<why>.*?)\): estimated")),
    (
        WarningCode.HIP_EXPECTED_ERROR,
        re.compile(
            rf"person (?P<person>\d+): (?P<side>left|right) hip flexion is expected to be about "
            rf"(?P<error_deg>{_NUMBER}) deg off"
        ),
    ),
    (
        WarningCode.HIP_FEW_VALID,
        re.compile(
            rf"person (?P<person>\d+): (?P<side>left|right) hip flexion valid in only "
            rf"(?P<fraction>{_NUMBER})% of the frames they were in view(?:: mostly (?P<reason>.*))?$"
        ),
    ),
    (
        WarningCode.NO_PERSON_READ,
        re.compile(r"no person found in the (?P<frames>\d+) frames that could be read"),
    ),
    # Assessment results of schema version 1 (posturecheck.assessments.result) held these lines.
    (
        WarningCode.SEVERAL_PEOPLE,
        re.compile(r"(?P<people>\d+) people found; assessed person (?P<person>\d+), the one in view longest"),
    ),
    (
        WarningCode.OBLIQUE_SIDE_VIEW,
        re.compile(
            rf"(?P<view>\w+) view \((?P<off_side_deg>{_NUMBER}) deg from a side view\): angles come from "
            rf"MediaPipe's 3D landmarks, .* square side view \(within (?P<limit_deg>{_NUMBER}) deg\) allows"
        ),
    ),
    (
        WarningCode.OBLIQUE_FRONT_VIEW,
        re.compile(
            rf"(?P<view>\w+) view \((?P<off_side_deg>{_NUMBER}) deg from a side view\): frontal measures "
            rf"come from MediaPipe's 3D landmarks, .* square front view "
            rf"\(beyond (?P<limit_deg>{_NUMBER}) deg\)"
        ),
    ),
    (
        WarningCode.SHORT_HOLD,
        re.compile(
            rf"the steadiest hold lasted only (?P<duration_s>{_NUMBER}) s "
            rf"\(asked for (?P<asked_s>{_NUMBER}) s\)"
        ),
    ),
    (WarningCode.NO_NEUTRAL, re.compile(r"hip angles not graded: no neutral hip angle \((?P<why>.*)\)$")),
    (
        WarningCode.NO_STRIDE,
        re.compile(r"no full stride with enough valid frames: walk at least (?P<steps>[\d-]+) steps"),
    ),
    (
        WarningCode.LOW_HIP_EXTENSION,
        re.compile(
            rf"reduced (?P<side>left|right) hip extension in late stance \(under the typical "
            rf"(?P<low_deg>{_NUMBER})-(?P<high_deg>{_NUMBER}) deg\)"
        ),
    ),
    (
        WarningCode.NO_KNEE_RAISE,
        re.compile(
            rf"no knee raise found: raise each knee toward the chest at least "
            rf"(?P<min_raise_deg>{_NUMBER}) deg"
        ),
    ),
    (
        WarningCode.HIP_HIKE_UNCHECKED,
        re.compile(
            rf"hip hiking not checked: pelvic obliquity needs the camera at least "
            rf"(?P<frontal_min_deg>{_NUMBER}) deg from the side, hip flexion within "
            rf"(?P<sagittal_max_deg>{_NUMBER})"
        ),
    ),
    (
        WarningCode.FAR_SIDE_RAISES,
        re.compile(
            r"(?P<count>\d+) (?P<side>left|right) raise\(s\) were made with the (?:left|right) leg "
            r"on the far side"
        ),
    ),
    (WarningCode.NO_MASKS, re.compile(r"no segmentation masks: the lumbar curve proxies were not measured")),
    (
        WarningCode.RAW_THIGH_ANGLE,
        re.compile(
            r"no upright neutral in the clip: the hanging thigh is graded as the raw thigh-trunk angle, "
            rf"about (?P<offset_deg>{_NUMBER}) deg off"
        ),
    ),
    (
        WarningCode.TRUNK_TILTED,
        re.compile(rf"the lying trunk is (?P<tilt_deg>{_NUMBER}) deg off the image horizontal"),
    ),
    (WarningCode.HELD_HIP_LOW, re.compile(rf"the held hip is flexed only (?P<flexion_deg>{_NUMBER}) deg")),
    (WarningCode.RETRACKED, re.compile(r"the footage's person slots were not stable IDs")),
    (
        WarningCode.SHORT_DETECTIONS,
        re.compile(
            rf"(?P<count>\d+) brief detection\(s\) under (?P<min_duration_s>{_NUMBER}) s were left out"
        ),
    ),
    (
        WarningCode.IDENTITY_UNSURE,
        re.compile(
            rf"person (?P<person>\d+) left the view and the one who came back may be someone else "
            rf"\(identity confidence (?P<confidence>{_NUMBER})\)"
        ),
    ),
)
_PERCENT_KEYS = ("fraction",)
_INT_KEYS = ("person", "frames", "people", "count")
# Kept as written: words, and a step count asked as a range ("4-5").
_TEXT_KEYS = ("why", "reason", "side", "view", "steps")


def _old_line(line: str) -> AnalysisWarning:
    """An English warning of a summary from before the codes: a code with data where its form is known."""
    for code, pattern in _OLD_FORMS:
        found = pattern.match(line)
        if found is None:
            continue
        data: dict[str, Any] = {}
        for key, value in found.groupdict().items():
            if key in _INT_KEYS:
                data[key] = int(value)
            elif key in _PERCENT_KEYS:
                data[key] = float(value) / 100.0
            elif key in _TEXT_KEYS or value is None:
                data[key] = value or ""
            else:
                data[key] = float(value)
        return AnalysisWarning(code, data)
    return AnalysisWarning(WarningCode.TEXT, {"text": line})


def read_warnings(summary: Mapping[str, Any]) -> list[AnalysisWarning]:
    """The warnings of an analysis summary, whether written with codes or (older files) as English lines."""
    return [AnalysisWarning.from_json(entry) for entry in summary.get("warnings") or []]
