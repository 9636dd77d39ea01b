"""An educational note's Markdown as reportlab paragraphs: headings, paragraphs, lists, emphasis, links."""

from __future__ import annotations

from html import escape

from markdown_it.token import Token
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, HRFlowable, Paragraph

from posturecheck.reports.render.note_markdown import note_blocks
from posturecheck.reports.render.pdf_style import RULE, STYLES

# Inline Markdown tokens and the reportlab paragraph markup they stand for.
_INLINE_TAGS = {
    "strong_open": "<b>",
    "strong_close": "</b>",
    "em_open": "<i>",
    "em_close": "</i>",
    "link_close": "</a>",
    "softbreak": " ",
    "hardbreak": "<br/>",
}
# Indent of each list level, points.
LIST_INDENT = 12.0


def note_flowables(markdown: str) -> list[Flowable]:
    """The note (see :func:`~posturecheck.reports.render.note_markdown.note_blocks`) as flowables.

    List items become paragraphs with a bullet (or number), indented by
    level, so a heading can be kept on the page of what follows it.
    """
    flowables: list[Flowable] = []
    lists: list[list[int]] = []  # per open list: [ordered (0/1), next number]
    bullet: str | None = None
    style = STYLES["body"]
    for token in note_blocks(markdown):
        if token.type == "heading_open":
            style = STYLES["h3"]
        elif token.type == "heading_close":
            style = STYLES["body"]
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append([int(token.type == "ordered_list_open"), int(token.attrGet("start") or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            ordered, number = lists[-1]
            bullet = f"{number}." if ordered else "•"
            lists[-1][1] += 1
        elif token.type == "inline":
            flowables.append(Paragraph(inline_markup(token), _indented(style, len(lists)), bulletText=bullet))
            bullet = None
        elif token.type == "hr":
            flowables.append(HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=4, spaceAfter=4))
        elif token.type in ("code_block", "fence"):
            flowables.append(Paragraph(escape(token.content), STYLES["body"]))
    return flowables


def _indented(style: ParagraphStyle, depth: int) -> ParagraphStyle:
    if not depth:
        return style
    return ParagraphStyle(
        f"{style.name}-list{depth}",
        parent=STYLES["bullet"],
        leftIndent=LIST_INDENT * depth,
        bulletIndent=LIST_INDENT * depth - 10,
    )


def inline_markup(token: Token) -> str:
    """Reportlab paragraph markup of one inline token: text escaped, emphasis and links kept."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type == "text":
            parts.append(escape(child.content, quote=False))
        elif child.type == "code_inline":
            parts.append(f'<font face="Courier">{escape(child.content, quote=False)}</font>')
        elif child.type == "link_open":
            parts.append(f'<a href="{escape(str(child.attrs.get("href", "")))}" color="#234e52">')
        else:
            parts.append(_INLINE_TAGS.get(child.type, ""))
    return "".join(parts)
