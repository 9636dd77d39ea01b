"""Plain words for invalid-frame reasons and analysis warnings: what the app and reports show.

They lead with what the person can do and name no command-line option (the
command line words the same codes in :mod:`posturecheck.cli_words`). Numbers
come from the data a code carries, or from the constants that decide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from posturecheck.measures.neutral import MIN_STANDING_S
from posturecheck.measures.reasons import AnalysisWarning, Invalid, WarningCode, read_reason

_STEP_BACK = "step back or move the camera back"
_REASON_WORDS: dict[Invalid, str] = {
    Invalid.NO_PERSON: "nobody was in view",
    Invalid.TRACK_START: "the person was just coming into view",
    Invalid.TRACK_END: "the person was about to leave the view",
    Invalid.OVERLAP: "another person overlapped this one in the picture: keep people apart",
    Invalid.GLITCH_JUMP: "the detected pose jumped in a way no body moves (a detection glitch): left out",
    Invalid.GLITCH_PROPORTIONS: "the detected body was out of proportion (a detection glitch): left out",
    Invalid.FRAME_EDGE: f"part of the body was at the edge of the picture: {_STEP_BACK}",
    Invalid.NOT_VISIBLE: "part of the body was hard to see (light, clothing, something in the way)",
    Invalid.OUTSIDE_FRAME: f"part of the body was outside the picture: {_STEP_BACK}",
    Invalid.TOO_SMALL: "the person was too small in the picture: come closer",
    Invalid.NEEDS_SIDE_VIEW: "the camera did not see the person side-on: turn side-on to the camera",
    Invalid.NEEDS_FRONT_VIEW: "the camera saw the person side-on: face the camera or turn your back to it",
    Invalid.FACING_UNCLEAR: "it was unclear which way the person faced",
    Invalid.NOT_STANDING: "the person was not standing straight (knees bent)",
    Invalid.NOT_COMPUTED: "the angle could not be worked out from the points found",
    Invalid.TILT_UNKNOWN: (
        "the camera seemed tilted but by how much was unclear: hold the phone level, or enter its tilt "
        "under Settings → camera roll"
    ),
    Invalid.VERTICAL_FROM_PERSON: (
        "the upright was taken from the person's own body, which is what this measure checks: enter the "
        "camera's tilt under Settings → camera roll"
    ),
    Invalid.NO_NEUTRAL: (
        f"there was no upright standing to measure the hip angle from: stand upright and still for "
        f"{MIN_STANDING_S:g} s at the start"
    ),
    Invalid.NO_MASK: "no silhouette was kept: turn on 'Keep silhouettes' under Settings",
    Invalid.SILHOUETTE: "the silhouette did not show the back clearly",
    Invalid.WITHDRAWN: "this measure is withdrawn: it moved the wrong way in a check against known tilts",
}


def reason_words(code: Invalid) -> str:
    """What an invalid-frame reason asks the person to do, in plain words."""
    return _REASON_WORDS[code]


def plain_reason(line: str) -> str:
    """Plain words for a stored reason line (``Measure.reason``, ``main_reason_invalid``).

    "" stays ""; a line of no known code (a file from an older version) is
    shown as written.
    """
    if not line:
        return ""
    found = read_reason(line)
    return reason_words(found.code) if found is not None else line


def warning_words(warning: AnalysisWarning) -> str:
    """One plain sentence (or two) for an analysis warning (:class:`WarningCode` lists the data)."""
    data, code = warning.data, warning.code
    if code is WarningCode.LOW_PRESENCE:
        return (
            f"Person {data['person']} was in view for {data['fraction']:.0%} of the clip "
            f"({data['first_s']:.1f}–{data['last_s']:.1f} s); the figures cover only that part."
        )
    if code is WarningCode.ROLL_UNKNOWN:
        return (
            "We could not tell whether the camera was level, so angles against the vertical (trunk "
            "lean, thigh angle, plumb line) assume it was. If the phone was tilted, enter its tilt "
            "under Settings → camera roll."
        )
    if code is WarningCode.ROLL_CORRECTED:
        turn = "clockwise" if data["deg"] > 0 else "anticlockwise"
        return (
            f"The camera was tilted about {abs(data['deg']):.0f}° ({turn}), judged from upright lines in "
            "the room; angles against the vertical were corrected for it."
        )
    if code is WarningCode.HIP_EXPECTED_ERROR:
        return (
            f"Person {data['person']}: the {data['side']} hip angle is expected to be about "
            f"{data['error_deg']:.0f}° off from this camera view (as measured against a reference "
            "with known angles). Film side-on to the camera for a closer figure."
        )
    if code is WarningCode.HIP_FEW_VALID:
        why = plain_reason(str(data.get("reason") or ""))
        return (
            f"Person {data['person']}: the {data['side']} hip angle could be measured in only "
            f"{data['fraction']:.0%} of the frames" + (f", mostly because {why}." if why else ".")
        )
    if code is WarningCode.HIP_UNCHECKED_VIEW:
        return (
            f"Person {data['person']}: the hip angles from this camera view have not yet been checked "
            "against a reference measurement, so they are shown with low confidence: treat them as estimates."
        )
    if code is WarningCode.HIP_EXTREME_MISSED:
        what = "bent" if data["extreme"] == "max" else "stretched back"
        return (
            f"Person {data['person']}: the {data['side']} hip probably {what} further than shown "
            f"({data['shown_deg']:.0f} degrees): in frames where the camera did not see them from the "
            f"side it read about {data['missed_deg']:.0f} degrees. Film from the side for this figure."
        )
    if code is WarningCode.NO_PERSON_READ:
        return f"Nobody was found in the {data['frames']} frames that could be read."
    return _assessment_words(warning)


def _assessment_words(warning: AnalysisWarning) -> str:
    """Plain words for an assessment's warning; what the person can do comes last."""
    words = _ASSESSMENT_WORDS.get(warning.code)
    return words(warning.data) if words is not None else str(warning.data.get("text", warning.code.value))


def _far_side(data: Mapping[str, Any]) -> str:
    side = data["side"]
    return (
        f"{data['count']} {side} knee raise(s) were made with the {side} leg on the far side from the "
        "camera, where it is partly hidden: turn to face the other way for that leg."
    )


_ASSESSMENT_WORDS: dict[WarningCode, Callable[[Mapping[str, Any]], str]] = {
    WarningCode.SEVERAL_PEOPLE: lambda data: (
        f"{data['people']} people were in view; the assessment is of person {data['person']}, the one in "
        "view longest. Film one person at a time to assess someone else."
    ),
    WarningCode.OBLIQUE_SIDE_VIEW: lambda data: (
        f"The camera saw the person at an angle ({data['off_side_deg']:.0f}° from side-on), so the "
        "angles come from the pose model's 3D estimate, which is less precise. Turn side-on to the "
        f"camera (within {data['limit_deg']:.0f}°) for the most accurate angles."
    ),
    WarningCode.OBLIQUE_FRONT_VIEW: lambda data: (
        f"The camera saw the person partly from the side ({data['off_side_deg']:.0f}° from side-on), so "
        "the left-right figures come from the pose model's 3D estimate, which is less precise. Face the "
        f"camera squarely (more than {data['limit_deg']:.0f}° from side-on) for the most accurate "
        "figures."
    ),
    WarningCode.SHORT_HOLD: lambda data: (
        f"The stillest hold lasted only {data['duration_s']:.1f} s of the {data['asked_s']:g} s asked "
        "for: hold the position still for longer."
    ),
    WarningCode.NO_NEUTRAL: lambda data: (
        f"The hip angles were not graded: {reason_words(Invalid.NO_NEUTRAL)}."
    ),
    WarningCode.NO_STRIDE: lambda data: (
        f"No full stride was seen clearly enough to measure: walk at least {data['steps']} steps across "
        "the view."
    ),
    WarningCode.LOW_HIP_EXTENSION: lambda data: (
        f"The {data['side']} hip extended less than the typical "
        f"{data['low_deg']:g}–{data['high_deg']:g}° at the end of each step."
    ),
    WarningCode.NO_KNEE_RAISE: lambda data: (
        "No knee raise was found: raise each knee toward the chest at least "
        f"{data['min_raise_deg']:g}°, a few times."
    ),
    WarningCode.HIP_HIKE_UNCHECKED: lambda data: (
        f"Hip hiking was not checked: it needs the camera at least {data['frontal_min_deg']:.0f}° round "
        f"from side-on, while the knee raise needs it within {data['sagittal_max_deg']:.0f}°. Film at an "
        "angle between the two to see both."
    ),
    WarningCode.FAR_SIDE_RAISES: _far_side,
    WarningCode.NO_MASKS: lambda data: (
        "The low-back curve was not measured: it needs the person's silhouette. Turn on 'Keep "
        "silhouettes' under Settings and analyse again."
    ),
    WarningCode.RAW_THIGH_ANGLE: lambda data: (
        "There was no upright standing in the clip, so the hanging thigh is graded from the raw "
        f"thigh-trunk angle, about {data['offset_deg']:.0f}° off the norm's zero: film a few seconds "
        "standing upright, side-on, before lying down."
    ),
    WarningCode.TRUNK_TILTED: lambda data: (
        f"The lying trunk was {data['tilt_deg']:.0f}° off level in the picture: harmless if the camera "
        "was tilted, but a pillow or a raised head tilts the line the angles are taken from. Lie flat."
    ),
    WarningCode.HELD_HIP_LOW: lambda data: (
        f"The held knee was not well to the chest (hip flexed {data['flexion_deg']:.0f}°): the low back "
        "may not have been flat, which lets the hanging thigh drop and can hide shortness. Hug the knee "
        "closer."
    ),
    WarningCode.RETRACKED: lambda data: (
        "The people were followed through the clip again before the review, so person numbers follow "
        "that tracking."
    ),
    WarningCode.SHORT_DETECTIONS: lambda data: (
        f"{data['count']} brief detection(s) shorter than {data['min_duration_s']:g} s were left out as "
        "likely glitches."
    ),
    WarningCode.IDENTITY_UNSURE: lambda data: (
        f"Person {data['person']} left the view; the one who came back may be someone else (identity "
        f"confidence {data['confidence']:.2f}). Check their thumbnail."
    ),
}
