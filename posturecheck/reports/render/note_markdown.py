"""An educational note's Markdown as block tokens and as an HTML fragment, for the report's page and PDF."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Report sections are h2; a note's own sections go one level below.
NOTE_HEADING_LEVEL = 3


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
