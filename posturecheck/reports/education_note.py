"""The educational note that matches an analysis, and its Markdown as report blocks.

The notes live in :mod:`posturecheck.education`; a result whose topic has no
note (one written by a later version, say) gets a report without one.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from posturecheck.education import Note, load_note
from posturecheck.summary_schema import AnalysisSummary

# Report sections are h2; a note's own sections go one level below.
NOTE_HEADING_LEVEL = 3


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


def note_blocks(markdown: str) -> list[Token]:
    """The note's Markdown as block tokens, its title heading left out and its headings moved down.

    Raw HTML in the note is not passed through (CommonMark with ``html`` off),
    so the page shows only what Markdown itself can express.
    """
    tokens = _parser().parse(markdown)
    title = next((i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"), None)
    if title is not None:
        del tokens[title : title + 3]
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + NOTE_HEADING_LEVEL - 2)}"
    return tokens


def note_html(markdown: str) -> str:
    """The note as an HTML fragment (see :func:`note_blocks`)."""
    parser = _parser()
    return str(parser.renderer.render(note_blocks(markdown), parser.options, {}))


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})
