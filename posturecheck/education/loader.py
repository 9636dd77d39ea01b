"""Load the educational notes in ``notes/*.md`` and split out their title and sources.

Each note is one Markdown file named ``<topic>.md``. Its first ``# `` heading is
the title; a ``## Sources`` section lists one source per ``- `` item (an item
may continue on indented lines); the note ends with :data:`DISCLAIMER`. The
files are read with :mod:`importlib.resources`, so they are found in an
installed package as well as in a source checkout, provided the package data
includes ``education/notes/*.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

# Order is the reading order a front end may offer: what the tool is, then
# anatomy, then what the measures relate to.
TOPICS: tuple[str, ...] = (
    "about",
    "psoas-anatomy",
    "hip-flexor-tightness",
    "startle-reflex",
    "constructive-rest",
    "gait-hip-extension",
    "pelvic-tilt",
    "posture-types",
    "thomas-test",
    "measurement-error",
)

DISCLAIMER = (
    "This note is education, not diagnosis or treatment. "
    "If you have pain or concerns, see a qualified clinician."
)

_PACKAGE = "posturecheck.education"
_NOTES_FOLDER = "notes"
_TITLE = re.compile(r"^# +(?P<title>\S.*?)\s*$")
_SOURCES_HEADING = re.compile(r"^## +Sources\s*$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^[-*] +(?P<text>\S.*?)\s*$")


@dataclass(frozen=True)
class Note:
    """One educational note.

    Attributes
    ----------
    topic : the note's id, one of :data:`TOPICS` (its file name without ``.md``).
    title : text of the note's first ``# `` heading.
    markdown : the whole note, Markdown text as stored (title and sources included).
    sources : the items of its ``## Sources`` section in order, inline Markdown kept,
        continuation lines joined with single spaces.
    """

    topic: str
    title: str
    markdown: str
    sources: tuple[str, ...]


def load_note(topic: str) -> Note:
    """The educational note for ``topic``.

    Parameters
    ----------
    topic : str
        One of :data:`TOPICS`, e.g. ``"psoas-anatomy"``.

    Returns
    -------
    Note

    Raises
    ------
    ValueError
        ``topic`` is not one of :data:`TOPICS` (the message lists them), or the
        note has no title or no sources.
    FileNotFoundError
        The note's file is not in the installed package (package data missing).
    """
    if topic not in TOPICS:
        raise ValueError(f"unknown education topic {topic!r}; valid topics: {', '.join(TOPICS)}")
    resource = files(_PACKAGE) / _NOTES_FOLDER / f"{topic}.md"
    try:
        markdown = resource.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"education note {topic!r} is missing from the installed package: "
            f"{_PACKAGE.replace('.', '/')}/{_NOTES_FOLDER}/{topic}.md was not packaged"
        ) from error
    return parse_note(topic, markdown)


def all_notes() -> list[Note]:
    """Every educational note, in the order of :data:`TOPICS`."""
    return [load_note(topic) for topic in TOPICS]


def parse_note(topic: str, markdown: str) -> Note:
    """Split a note's Markdown into title and sources.

    Parameters
    ----------
    topic : str
        Id the note is filed under; only used in the result and in error messages.
    markdown : str
        The note's text.

    Returns
    -------
    Note

    Raises
    ------
    ValueError
        No ``# `` title line, no ``## Sources`` heading, or no list item under it.

    Notes
    -----
    The Sources section ends at the next heading or at the first line that is
    neither blank, a ``- ``/``* `` item nor an indented continuation of one,
    so the closing disclaimer paragraph is not taken for a source.
    """
    lines = markdown.splitlines()
    title = next((m.group("title") for m in map(_TITLE.match, lines) if m), None)
    if title is None:
        raise ValueError(f"education note {topic!r} has no '# ' title line")
    start = next((i for i, line in enumerate(lines) if _SOURCES_HEADING.match(line)), None)
    if start is None:
        raise ValueError(f"education note {topic!r} has no '## Sources' section")
    sources = _list_items(lines[start + 1 :])
    if not sources:
        raise ValueError(f"education note {topic!r} lists no sources under '## Sources'")
    return Note(topic=topic, title=title, markdown=markdown, sources=sources)


def _list_items(lines: list[str]) -> tuple[str, ...]:
    """Text of the Markdown list at the top of ``lines`` (blank lines skipped), one string per item."""
    items: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        item = _LIST_ITEM.match(line)
        if item:
            items.append(item.group("text"))
        elif items and line[0] in " \t":
            items[-1] = f"{items[-1]} {line.strip()}"
        else:
            break
    return tuple(items)
