"""Plain words for invalid-frame reasons and analysis warnings: what the app and reports show.

They lead with what the person can do and name no command-line option (the
command line words the same codes in :mod:`posturecheck.cli_words`). Numbers
come from the data a code carries, or from the constants that decide.
"""

from __future__ import annotations

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
            f"{data['error_deg']:.0f}° off from this camera view (as measured on real footage filmed "
            "from several sides). Film side-on to the camera for a closer figure."
        )
    if code is WarningCode.HIP_FEW_VALID:
        why = plain_reason(str(data.get("reason") or ""))
        return (
            f"Person {data['person']}: the {data['side']} hip angle could be measured in only "
            f"{data['fraction']:.0%} of the frames" + (f", mostly because {why}." if why else ".")
        )
    if code is WarningCode.NO_PERSON_READ:
        return f"Nobody was found in the {data['frames']} frames that could be read."
    return str(data.get("text", code.value))
