"""Fonts, colours and paragraph styles of the PDF report.

The text face is DejaVu Sans, taken from matplotlib's own font folder
(matplotlib is a dependency already), embedded as TrueType so every
character (°, −, ≤, accented names) shows and the text can be searched and copied.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "DejaVuSans"
_FACES = {
    FONT: "DejaVuSans.ttf",
    f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
    f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf",
    f"{FONT}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}

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
    """Register the DejaVu Sans family with reportlab (once per process)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in _FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Oblique", boldItalic=f"{FONT}-BoldOblique"
    )


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
}
