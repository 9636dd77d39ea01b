"""Educational notes: every topic loads, is sourced, ends with the disclaimer and never prescribes."""

from __future__ import annotations

import dataclasses
import re
from importlib.resources import files

import pytest

from posturecheck.education import DISCLAIMER, TOPICS, Note, all_notes, load_note, parse_note

EXPECTED_TOPICS = {
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
}

# Phrases that would turn a note into advice, a prescription or a promise
# (matched case-insensitively on word boundaries, in the note's own text: the
# titles of cited works are theirs, e.g. "... pressures in the disc in daily life").
FORBIDDEN = (
    r"you should",
    r"you must",
    r"you need to",
    r"make sure (?:you|to)",
    r"cur(?:e|es|ed|ing)",
    r"heal(?:s|ed|ing)?",
    r"fix(?:es)?",
    r"guarantee[sd]?",
    r"prescri(?:be|bed|bes|ption)",
    r"diagnos(?:e|ed|ing)",
    r"treats?",
    r"stretch your",
    r"strengthen your",
    r"release your",
    r"\d+\s*(?:sets|reps|repetitions|times|minutes|seconds)",
    r"(?:once|twice|\w+ times) (?:a|per) (?:day|week)",
    r"every day",
    r"daily",
    r"hold (?:it |the stretch |this )?for",
)
FORBIDDEN_PATTERN = re.compile(r"\b(?:" + "|".join(FORBIDDEN) + r")\b", re.IGNORECASE)

# Invented-looking citation details: DOIs and page numbers are never given.
CITATION_DETAIL = re.compile(r"\bdoi\b|\bpp?\.\s*\d|\d+\s*\(\d+\)\s*:\s*\d+|;\s*\d+\s*:\s*\d+", re.IGNORECASE)


def _body(note: Note) -> str:
    """The note without its Sources section and the closing disclaimer."""
    return re.split(r"^## +Sources\s*$", note.markdown, flags=re.MULTILINE | re.IGNORECASE)[0]


def test_topics_are_exactly_the_agreed_ids_and_files() -> None:
    assert set(TOPICS) == EXPECTED_TOPICS
    assert len(TOPICS) == len(EXPECTED_TOPICS)
    folder = files("posturecheck.education") / "notes"
    shipped = {entry.name.removesuffix(".md") for entry in folder.iterdir() if entry.name.endswith(".md")}
    assert shipped == EXPECTED_TOPICS


@pytest.mark.parametrize("topic", TOPICS)
def test_note_loads_with_title_and_sources(topic: str) -> None:
    note = load_note(topic)
    assert note.topic == topic
    assert note.title and not note.title.startswith("#")
    assert note.markdown.lstrip().startswith(f"# {note.title}")
    assert note.sources
    assert all(len(source) > 20 for source in note.sources)


@pytest.mark.parametrize("topic", TOPICS)
def test_note_ends_with_not_diagnosis_line(topic: str) -> None:
    last_line = load_note(topic).markdown.strip().splitlines()[-1]
    assert DISCLAIMER in last_line
    assert "not diagnosis" in last_line
    assert "qualified clinician" in last_line


@pytest.mark.parametrize("topic", TOPICS)
def test_note_has_no_prescriptive_or_curative_phrases(topic: str) -> None:
    found = FORBIDDEN_PATTERN.findall(_body(load_note(topic)))
    assert found == []


@pytest.mark.parametrize("topic", TOPICS)
def test_sources_give_no_dois_or_page_numbers(topic: str) -> None:
    note = load_note(topic)
    assert not CITATION_DETAIL.search(note.markdown)


@pytest.mark.parametrize("topic", TOPICS)
def test_popular_books_are_labelled_as_such(topic: str) -> None:
    for source in load_note(topic).sources:
        if any(book in source for book in ("Somatics", "The Psoas Book", "Awareness Through Movement")):
            assert "popular book" in source


@pytest.mark.parametrize("topic", TOPICS)
def test_note_body_is_short_enough_to_read_beside_results(topic: str) -> None:
    words = len(_body(load_note(topic)).split())
    assert 250 <= words <= 520


def test_all_notes_follow_topic_order() -> None:
    assert [note.topic for note in all_notes()] == list(TOPICS)


def test_unknown_topic_raises_value_error_naming_valid_topics() -> None:
    with pytest.raises(ValueError, match="unknown education topic 'psoas'") as raised:
        load_note("psoas")
    assert all(topic in str(raised.value) for topic in TOPICS)


def test_note_is_frozen() -> None:
    note = load_note("about")
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.title = "changed"  # type: ignore[misc]


def test_parse_note_reads_title_and_sources_up_to_the_disclaimer() -> None:
    markdown = (
        "Preamble line.\n"
        "# A title  \n\n"
        "Body text.\n\n"
        "## Sources\n\n"
        "- First source, 1990.\n"
        "* Second source,\n"
        "  continued on the next line.\n\n"
        "---\n\n"
        f"*{DISCLAIMER}*\n"
    )
    note = parse_note("example", markdown)
    assert note == Note(
        topic="example",
        title="A title",
        markdown=markdown,
        sources=("First source, 1990.", "Second source, continued on the next line."),
    )


def test_parse_note_stops_sources_at_the_next_heading() -> None:
    note = parse_note("x", "# T\n\n## Sources\n- One.\n## Further reading\n- Not a source.\n")
    assert note.sources == ("One.",)


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("No title here.\n\n## Sources\n- One.\n", "no '# ' title"),
        ("# T\n\nBody without sources.\n", "no '## Sources' section"),
        ("# T\n\n## Sources\n\nJust a paragraph.\n", "lists no sources"),
    ],
)
def test_parse_note_rejects_incomplete_notes(markdown: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_note("broken", markdown)


def test_the_pelvic_tilt_note_says_the_withdrawn_value_is_not_shown() -> None:
    # pelvic_tilt_proxy is withdrawn (it moved opposite to the true tilt on a rendered body): the
    # Learn page must not describe it as a value posturecheck gives.
    text = (files("posturecheck.education") / "notes" / "pelvic-tilt.md").read_text(encoding="utf-8")
    proxy = text.split("## Why video gives only a proxy", 1)[1].split("\n## ", 1)[0]
    assert "value is therefore experimental" not in proxy
    assert re.search(r"does not show a pelvic-tilt value", proxy)
    assert "opposite" in proxy and "lumbar" in proxy
