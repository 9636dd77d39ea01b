"""Fonts, colours and paragraph styles of the PDF report.

The text face is DejaVu Sans, taken from matplotlib's own font folder
(matplotlib is a dependency already), embedded as TrueType so every
character (°, −, ≤, accented names) shows and the text can be searched and copied.

DejaVu Sans has no Chinese, Japanese or Korean glyphs. Text in those scripts
(a client's name, a clip's file name) is set in reportlab's built-in Adobe
CJK fonts (:data:`HAN_FONT`, :data:`HANGUL_FONT`): PDF readers supply those
fonts themselves (Acrobat and the browsers' viewers do; others substitute a
CJK font of the system), so nothing is downloaded and the text stays
searchable. No CJK font with TrueType outlines, which reportlab needs to
embed one, is published on PyPI under a clear licence; embedding would add
some 10 MB to every report anyway. Characters no font here covers (most
emoji) are listed by :func:`missing_characters`, so a report can say which
ones it does not show.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from html import escape
from itertools import groupby
from pathlib import Path

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

FONT = "DejaVuSans"
_FACES = {
    FONT: "DejaVuSans.ttf",
    f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
    f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf",
    f"{FONT}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}

# reportlab's built-in Adobe fonts for Chinese characters with Japanese kana, and for Korean.
HAN_FONT = "STSong-Light"
HANGUL_FONT = "HYSMyeongJo-Medium"
# Code point ranges (inclusive) each of them is used for.
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF))
_HAN = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x312F),
    (0x3190, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
    (0x20000, 0x2FA1F),
)

INK = colors.HexColor("#1a202c")
SOFT = colors.HexColor("#4a5568")
FAINT = colors.HexColor("#a0aec0")
RULE = colors.HexColor("#e2e8f0")
BAND = colors.HexColor("#f7fafc")
ACCENT = colors.HexColor("#234e52")
MARK_COLOURS = {
    "good": colors.HexColor("#38a169"),
    "caution": colors.HexColor("#d69e2e"),
    "alert": colors.HexColor("#c53030"),
}


def register_fonts() -> None:
    """Register the DejaVu Sans family and the CJK fonts with reportlab (once per process)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in _FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Oblique", boldItalic=f"{FONT}-BoldOblique"
    )
    for name in (HAN_FONT, HANGUL_FONT):
        pdfmetrics.registerFont(UnicodeCIDFont(name))


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _face_of(character: str) -> str | None:
    """The font a character is set in: ``None`` for the text face, else a CJK font's name."""
    code = ord(character)
    if _in(code, _HANGUL):
        return HANGUL_FONT
    if _in(code, _HAN) and code not in _text_face_characters():
        return HAN_FONT
    return None


@cache
def _text_face_characters() -> dict[int, int]:
    """Code point -> glyph of the text face (fonts are registered on first use)."""
    register_fonts()
    face: dict[int, int] = pdfmetrics.getFont(FONT).face.charToGlyph
    return face


def markup(text: str) -> str:
    """``text`` as reportlab paragraph markup: escaped, with CJK runs set in a CJK font.

    Bold and italic tags around the result still apply to the text face.
    """
    parts = []
    for face, run in groupby(text, key=_face_of):
        chunk = escape("".join(run), quote=False)
        parts.append(chunk if face is None else f'<font face="{face}">{chunk}</font>')
    return "".join(parts)


def missing_characters(texts: Iterable[str]) -> list[str]:
    """The distinct characters of ``texts`` that no font of the PDF can show, in order of first use.

    White space and control characters are not counted (they draw nothing anyway).
    """
    covered = _text_face_characters()
    missing: dict[str, None] = {}
    for text in texts:
        for character in text:
            if character.isspace() or not character.isprintable():
                continue
            if ord(character) not in covered and _face_of(character) is None:
                missing[character] = None
    return list(missing)


def _style(name: str, size: float, **extra: object) -> ParagraphStyle:
    values: dict[str, object] = {"fontName": FONT, "fontSize": size, "leading": size * 1.35, "textColor": INK}
    values.update(extra)
    return ParagraphStyle(name, **values)  # type: ignore[arg-type]


STYLES = {
    "brand": _style("brand", 8, textColor=ACCENT, fontName=f"{FONT}-Bold"),
    "title": _style("title", 19, leading=24, spaceAfter=6),
    # A table's title may be followed by a page break inside the table: see pdf_document._table.
    "table_title": _style(
        "table_title", 12.5, textColor=ACCENT, fontName=f"{FONT}-Bold", spaceBefore=12, spaceAfter=5
    ),
    "h2": _style(
        "h2", 12.5, textColor=ACCENT, fontName=f"{FONT}-Bold", spaceBefore=12, spaceAfter=5, keepWithNext=1
    ),
    "h3": _style("h3", 10.5, fontName=f"{FONT}-Bold", spaceBefore=8, spaceAfter=3, keepWithNext=1),
    "body": _style("body", 9, spaceAfter=4),
    "small": _style("small", 7.8, textColor=SOFT, spaceAfter=2),
    "bullet": _style("bullet", 9, leftIndent=12, bulletIndent=2, spaceAfter=2, bulletFontName=FONT),
    "small_bullet": _style(
        "small_bullet", 7.8, textColor=SOFT, leftIndent=12, bulletIndent=2, spaceAfter=1, bulletFontName=FONT
    ),
    "fact_label": _style("fact_label", 6.8, textColor=SOFT),
    "fact_value": _style("fact_value", 9, fontName=f"{FONT}-Bold"),
    "cell": _style("cell", 7.8),
    "cell_muted": _style("cell_muted", 7.8, textColor=FAINT),
    "head": _style("head", 7.8, textColor=SOFT, fontName=f"{FONT}-Bold"),
    "running_head": _style("running_head", 7, leading=8, textColor=SOFT, alignment=TA_RIGHT),
}
