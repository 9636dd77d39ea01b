"""Words the app shows: measure names, confidence marks and plain-words warnings.

The pipeline's reasons and warnings are codes with data
(:mod:`posturecheck.measures.reasons`); the app words them as the reports do
(:mod:`posturecheck.reports.plain_words`), leading with what the person can
do, and keeps the stored code and data for a details section.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from posturecheck.measures.catalogue import ViewNeeded, measure_label
from posturecheck.measures.reasons import AnalysisWarning
from posturecheck.reports import plain_words

if TYPE_CHECKING:
    from posturecheck.measures.summary import PersonSummary
    from posturecheck.summary_schema import AnalysisSummary

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
    """What a pipeline reason (``Measure.reason``) asks the person to do, in plain words (its code's)."""
    return plain_words.plain_reason(reason)


def view_warning(person: PersonSummary) -> str | None:
    """Plain words when the view does not suit side-view measures (hip flexion)."""
    label = person.view.label
    if label in ("front", "back"):
        return (
            f"Person {person.person} was seen mostly from the {label}: hip and knee angles need a side "
            "view. Film side-on to the camera."
        )
    if label == "oblique":
        return (
            f"Person {person.person} was seen at an angle (about {person.view.median_degrees_from_side}° "
            "from side-on): side-view angles are less certain. Film square to the side."
        )
    return None


def plain_warnings(summary: AnalysisSummary) -> list[str]:
    """Every plain-words warning for an analysis summary, most important first.

    The analysis's own warnings (codes with data, or the English lines of
    summaries written before the codes) are worded, not judged again here.
    """
    warnings = []
    if summary.problem:
        warnings.append("The file ended early or is damaged; the results cover the part that could be read.")
    for person in summary.people:
        view = view_warning(person)
        if view:
            warnings.append(view)
    warnings += [plain_words.warning_words(warning) for warning in summary.warnings]
    return warnings


def technical_line(warning: AnalysisWarning) -> str:
    """A warning's code and data as stored, for a details section."""
    data = ", ".join(f"{key} {value}" for key, value in warning.data.items())
    return f"{warning.code.value}: {data}" if data else warning.code.value


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
