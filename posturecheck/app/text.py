"""Words the app shows: measure names, confidence marks and plain-words warnings.

The pipeline's reasons and warnings are precise but technical (they name
thresholds and landmarks); the app leads with what the person can do about
them and keeps the technical line for a details section.
"""

from __future__ import annotations

import re

from posturecheck.measures import glitches
from posturecheck.measures.catalogue import ViewNeeded, measure_label

# Card groups: the view each measure needs, in words (the labels themselves come from the catalogue).
GROUP_TITLES: dict[ViewNeeded, str] = {
    ViewNeeded.SIDE: "Side view: hips, knees and trunk",
    ViewNeeded.FRONT: "Front or back view: level and lean",
    ViewNeeded.STANDING_SIDE: "Standing posture (side view)",
    ViewNeeded.SILHOUETTE: "Silhouette (experimental)",
}

UNITS = {"deg": "°", "%": "%", "cm": " cm"}

CONFIDENCE_MARKS = {
    "high": ":green[●] high confidence",
    "low": ":orange[◐] low confidence",
    "none": ":gray[○] not measurable",
}


def measure_title(name: str) -> str:
    """Display name of a measure: its catalogue label."""
    return measure_label(name)


def format_value(value: float | None, unit: str) -> str:
    """A value with its unit, one decimal; an en dash when there is none."""
    if value is None:
        return "–"
    return f"{value:.1f}{UNITS.get(unit, ' ' + unit)}"


def confidence_mark(confidence: str) -> str:
    """Coloured mark plus words for a confidence label ("high", "low", "none")."""
    return CONFIDENCE_MARKS.get(confidence, f":gray[?] {confidence}")


def plain_reason(reason: str) -> str:
    """What a pipeline reason (``Measure.reason``) asks the person to do, in plain words."""
    if not reason:
        return ""
    rules = (
        ("no person detected", "nobody was in view"),
        ("not visible", "part of the body was hard to see (light, clothing, something in the way)"),
        ("outside the frame", "part of the body was outside the picture: step back or move the camera back"),
        ("person spans", "the person was too small in the picture: come closer"),
        ("needs a side view", "the camera did not see the person side-on: turn side-on to the camera"),
        ("needs a side or oblique view", "the person faced the camera: turn side-on to the camera"),
        (
            "needs a front or back view",
            "the camera saw the person side-on: face the camera or turn your back to it",
        ),
        ("needs a front, back or oblique view", "the camera saw the person side-on: face the camera"),
        ("facing direction unclear", "it was unclear which way the person faced"),
        ("not standing straight", "the person was not standing straight (knees bent)"),
        ("segmentation mask", "no silhouette was kept: turn on 'Keep silhouettes' under Settings"),
        (glitches.JUMP, "the detected pose jumped in a way no body moves (a detection glitch): left out"),
        (glitches.PROPORTIONS, "the detected body was out of proportion (a detection glitch): left out"),
        (glitches.OVERLAP, "another person overlapped this one in the picture: keep people apart"),
        (glitches.TRACK_START, "the person was just coming into view"),
        (glitches.TRACK_END, "the person was about to leave the view"),
        (
            glitches.FRAME_EDGE,
            "part of the body was at the edge of the picture: step back or move the camera back",
        ),
    )
    for needle, words in rules:
        if needle in reason:
            return words
    return reason


def people_warnings(summary: dict) -> list[str]:
    """Plain-words warnings about people being out of view for part of the clip."""
    warnings = []
    frames = summary.get("frames_analysed", 0)
    for person in summary.get("people", []):
        if frames > 1 and person["fraction_detected"] < 0.8:
            warnings.append(
                f"Person {person['person']} was in view for {person['fraction_detected']:.0%} of the clip "
                f"({person['first_seen_s']:.1f}–{person['last_seen_s']:.1f} s); "
                "the figures cover only that part."
            )
    return warnings


def roll_warning(summary: dict) -> str | None:
    """Plain words on the camera's roll: unknown, or known and corrected for."""
    roll = summary.get("camera_roll") or {}
    if roll.get("source") == "assumed level":
        return (
            "We could not tell whether the camera was level, so angles against the vertical (trunk "
            "lean, thigh angle, plumb line) assume it was. If the phone was tilted, enter its tilt "
            "under Settings → camera roll."
        )
    deg = roll.get("deg")
    if deg is not None and abs(deg) > 3 and roll.get("source") == "estimated from the scene":
        return (
            f"The camera was tilted about {abs(deg):.0f}° ({'clockwise' if deg > 0 else 'anticlockwise'}), "
            "judged from upright lines in the room; angles against the vertical were corrected for it."
        )
    return None


def view_warning(person: dict) -> str | None:
    """Plain words when the view does not suit side-view measures (hip flexion)."""
    view = person.get("view", {})
    label = view.get("label")
    if label in ("front", "back"):
        return (
            f"Person {person['person']} was seen mostly from the {label}: hip and knee angles need a side "
            "view. Film side-on to the camera."
        )
    if label == "oblique":
        return (
            f"Person {person['person']} was seen at an angle (about {view.get('median_degrees_from_side')}° "
            "from side-on): side-view angles are less certain. Film square to the side."
        )
    return None


def visibility_warnings(person: dict) -> list[str]:
    """Plain words for hip flexion that the footage could not support, per side."""
    warnings = []
    for side in ("left", "right"):
        hip = person.get("measures", {}).get(f"hip_flexion_{side}")
        if hip is None or hip["confidence"] == "high":
            continue
        why = plain_reason(hip.get("main_reason_invalid", ""))
        share = f"{hip['fraction_valid']:.0%}"
        warnings.append(
            f"Person {person['person']}: the {side} hip angle could be measured in only {share} of "
            f"the frames" + (f", mostly because {why}." if why else ".")
        )
    return warnings


def plain_warnings(summary: dict) -> list[str]:
    """Every plain-words warning for an analysis summary, most important first."""
    warnings = []
    if summary.get("problem"):
        warnings.append("The file ended early or is damaged; the results cover the part that could be read.")
    for person in summary.get("measures", []):
        view = view_warning(person)
        if view:
            warnings.append(view)
        warnings += visibility_warnings(person)
    warnings += people_warnings(summary)
    roll = roll_warning(summary)
    if roll:
        warnings.append(roll)
    return warnings


_MARKDOWN_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Invisible, but it breaks the runs GitHub-flavoured Markdown turns into links even when escaped
# ("http://", "www." and e-mail addresses are found in the text after escapes are undone).
_WORD_JOINER = "\u2060"


def literal(text: str) -> str:
    """``text`` escaped so Streamlit's Markdown shows it as typed (client names, file paths).

    Every ASCII punctuation character gets a backslash (CommonMark lets any
    of them be escaped), so an imported name cannot plant a link, an image,
    emphasis, a heading, a ``:colour[...]`` directive or ``$`` maths; a word
    joiner (U+2060, invisible) after each ``:`` and ``@`` and inside ``www``
    stops bare URLs and e-mail addresses from being linked; line breaks
    become spaces.
    """
    escaped = "".join(
        f"\\{character}{_WORD_JOINER if character in ':@' else ''}"
        if character in _MARKDOWN_PUNCTUATION
        else " "
        if character in "\r\n"
        else character
        for character in text
    )
    return re.sub("(?i)w(?=ww)", lambda found: found[0] + _WORD_JOINER, escaped)
