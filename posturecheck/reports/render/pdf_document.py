"""A :class:`Report` as an A4 PDF, laid out with reportlab's Platypus (pure Python, from PyPI alone).

Every page carries the client, the page number and the reminder that the
report is not a diagnosis.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from posturecheck.reports.content import Picture, Report, Table
from posturecheck.reports.render.markdown_pdf import note_flowables
from posturecheck.reports.render.pdf_style import (
    ACCENT,
    BAND,
    FONT,
    MARK_COLOURS,
    RULE,
    SOFT,
    STYLES,
    markup,
    missing_characters,
    register_fonts,
)

MARGIN = 16 * mm
FRAME_WIDTH = A4[0] - 2 * MARGIN
# Key frames are scaled to fit one row and at most this tall.
KEY_FRAME_MAX_HEIGHT = 78 * mm
GAP = 3 * mm
# A table starts on a new page when less than this is left of the current one.
TABLE_START_SPACE = 40 * mm
# Horizontal padding of a table cell (left and right together) and of a header fact, points; the first
# column of a table has 3 points more, for the coloured mark.
CELL_PADDING = 11.0
FACT_PADDING = 10.0
# Added to every measured width, points: a paragraph wraps text that fills its width exactly, and the first
# column's extra padding must fit.
WIDTH_SLACK = 4.0


def write_pdf(report: Report, path: Path) -> Path:
    """Lay out ``report`` and write it to ``path``; returns the path."""
    register_fonts()
    client = dict(report.facts).get("Client", "")
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN + 2 * mm,
        title=f"{report.title}: {client}",
        author="posturecheck",
        subject="Posture and hip-flexion measurements (not a diagnosis)",
        creator="posturecheck",
    )

    def decorate(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        _page_furniture(canvas, doc, client)

    document.build(_story(report), onFirstPage=decorate, onLaterPages=decorate)
    return path


def _page_furniture(canvas: Canvas, doc: SimpleDocTemplate, client: str) -> None:
    """Header rule with the client, footer with the disclaimer and page number."""
    width, height = A4
    canvas.saveState()
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, height - MARGIN + 1 * mm, width - MARGIN, height - MARGIN + 1 * mm)
    canvas.setFont(f"{FONT}-Bold", 7)
    canvas.setFillColor(ACCENT)
    canvas.drawString(MARGIN, height - MARGIN + 2.5 * mm, "POSTURECHECK")
    canvas.setFont(FONT, 7)
    canvas.setFillColor(SOFT)
    # A paragraph, not drawString, so a client named in Chinese, Japanese or Korean shows.
    name = Paragraph(markup(f"Client: {client}"), STYLES["running_head"])
    _, name_height = name.wrap(FRAME_WIDTH / 2, 2 * MARGIN)
    # Its first baseline one font size below its top, level with the brand's.
    name.drawOn(canvas, width / 2, height - MARGIN + 2.5 * mm - name_height + STYLES["running_head"].fontSize)
    canvas.drawString(MARGIN, MARGIN - 4 * mm, "Measurement and education aid, not a diagnosis.")
    canvas.drawRightString(width - MARGIN, MARGIN - 4 * mm, f"Page {doc.page}")
    canvas.restoreState()


def _story(report: Report) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph("POSTURECHECK", STYLES["brand"]),
        Paragraph(markup(report.title), STYLES["title"]),
        _facts(report.facts),
        *_not_shown(report),
        Spacer(1, 4 * mm),
        _statement(report),
    ]
    if report.summary_lines:
        story += [_heading("What was seen"), *_bullets(report.summary_lines)]
    story += _table(report.setup)
    for table in report.figures:
        story += _table(table)
    story.append(
        Paragraph(
            '<font color="#38a169">■</font> within range or check passed   '
            '<font color="#d69e2e">■</font> low confidence or worth checking   '
            '<font color="#c53030">■</font> outside range or check failed   '
            '<font color="#a0aec0">■</font> not measured',
            STYLES["small"],
        )
    )
    for index, plot in enumerate(report.plots):
        # Headings stay with what follows; a picture and its caption stay together.
        story.append(KeepTogether([*([_heading("Over time")] if index == 0 else []), *_picture(plot)]))
    story.append(KeepTogether([_heading("Key frames"), *_key_frame_block(report)]))
    if report.warnings:
        story += [_heading("Warnings"), *_bullets(report.warnings)]
    if report.note is not None:
        story.append(_heading(f"Background: {report.note.title}"))
        story += note_flowables(report.note.markdown)
    story += [
        _heading("How the figures were computed"),
        *_bullets(report.processing, "small_bullet"),
        Spacer(1, 4 * mm),
        Paragraph(markup(report.privacy), STYLES["small"]),
        Paragraph(markup(report.footer), STYLES["small"]),
    ]
    return story


def _not_shown(report: Report) -> list[Flowable]:
    """A line naming the characters no font of the PDF has (most emoji), if the report holds any."""
    missing = missing_characters(_texts(report))
    if not missing:
        return []
    names = ", ".join(f"U+{ord(character):04X}" for character in missing)
    return [Paragraph(f"Characters this PDF cannot show (no font here has them): {names}.", STYLES["small"])]


def _texts(report: Report) -> Iterator[str]:
    """Every text the report shows, to check that its fonts cover them."""
    yield report.title
    for label, value in report.facts:
        yield from (label, value)
    yield from report.summary_lines
    for table in (report.setup, *report.figures):
        yield from (table.title, table.caption or "", *table.columns)
        for row in table.rows:
            yield from row
    yield from (picture.caption for picture in (*report.plots, *report.key_frames))
    yield from (report.key_frames_note, *report.warnings, *report.processing, report.footer)


def _heading(text: str) -> Paragraph:
    return Paragraph(markup(text), STYLES["h2"])


def _bullets(lines: Sequence[str], style: str = "bullet") -> list[Flowable]:
    return [Paragraph(markup(line), STYLES[style], bulletText="•") for line in lines]


def _facts(facts: Sequence[tuple[str, str]]) -> PdfTable:
    cells = [
        [Paragraph(markup(label.upper()), STYLES["fact_label"]) for label, _ in facts],
        [Paragraph(markup(value), STYLES["fact_value"]) for _, value in facts],
    ]
    columns = [[label.upper(), value] for label, value in facts]
    table = PdfTable(cells, colWidths=_column_widths(columns, STYLES["fact_value"].fontSize, FACT_PADDING))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), FACT_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LINEBELOW", (0, -1), (-1, -1), 1.5, ACCENT),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ]
        )
    )
    return table


def _statement(report: Report) -> PdfTable:
    cell = [
        Paragraph(f"<b>What this measures.</b> {markup(report.what_it_measures)}", STYLES["body"]),
        Paragraph(
            f'<font color="#c53030"><b>Not a diagnosis.</b></font> {markup(report.not_a_diagnosis)}',
            STYLES["body"],
        ),
    ]
    box = PdfTable([[cell]], colWidths=[FRAME_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BAND),
                ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return box


def _table(table: Table) -> list[Flowable]:
    """A report table: header repeated on every page, marks as a coloured bar before the row."""
    rows = [[Paragraph(markup(column), STYLES["head"]) for column in table.columns]]
    for index, row in enumerate(table.rows):
        style = STYLES["cell_muted"] if table.mark(index) == "muted" else STYLES["cell"]
        rows.append([Paragraph(markup(cell), style) for cell in row])
    grid = PdfTable(
        rows,
        colWidths=_column_widths(
            [[column, *(row[i] for row in table.rows)] for i, column in enumerate(table.columns)],
            STYLES["cell"].fontSize,
            CELL_PADDING,
        ),
        repeatRows=1,
    )
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING - 4),
        ("LEFTPADDING", (0, 0), (0, -1), 7),
    ]
    for index in range(len(table.rows)):
        if index % 2:
            commands.append(("BACKGROUND", (0, index + 1), (-1, index + 1), BAND))
        colour = MARK_COLOURS.get(table.mark(index))
        if colour is not None:
            commands.append(("LINEBEFORE", (0, index + 1), (0, index + 1), 3, colour))
    grid.setStyle(TableStyle(commands))
    # A long table may start low on a page and run on (its header repeats), but never with its title alone.
    story: list[Flowable] = [
        CondPageBreak(TABLE_START_SPACE),
        Paragraph(markup(table.title), STYLES["table_title"]),
        grid,
    ]
    if table.caption:
        story.append(Paragraph(markup(table.caption), STYLES["small"]))
    return story


def _column_widths(columns: Sequence[Sequence[str]], size: float, padding: float) -> list[float]:
    """Widths sharing :data:`FRAME_WIDTH` among columns of text, as a browser lays out a table.

    Parameters
    ----------
    columns : the texts of each column (header included).
    size : font size, points; widths are measured in the bold face, the wider one.
    padding : horizontal padding of a cell, points.

    Notes
    -----
    Every column gets at least its longest word, so no word is broken; the
    rest of the width goes to the columns in proportion to how much more their
    longest text needs, so short columns stay on one line and long ones wrap.
    """

    def width(text: str) -> float:
        return stringWidth(text, f"{FONT}-Bold", size) + padding + WIDTH_SLACK

    least = [max(width(word) for text in column for word in [*text.split(), ""]) for column in columns]
    most = [max(width(text) for text in column) for column in columns]
    spare = FRAME_WIDTH - sum(least)
    wanted = sum(m - low for m, low in zip(most, least, strict=True))
    if spare <= 0 or wanted <= 0:
        return [FRAME_WIDTH * low / sum(least) for low in least] if spare <= 0 else most
    if wanted <= spare:
        extra = (spare - wanted) / len(columns)
        return [m + extra for m in most]
    return [low + spare * (m - low) / wanted for m, low in zip(most, least, strict=True)]


def _image(picture: Picture, width: float, max_height: float | None = None) -> Image:
    height = width * picture.height_px / picture.width_px
    if max_height is not None and height > max_height:
        width, height = max_height * picture.width_px / picture.height_px, max_height
    return Image(io.BytesIO(picture.data), width=width, height=height)


def _picture(picture: Picture) -> list[Flowable]:
    return [_image(picture, FRAME_WIDTH), Paragraph(markup(picture.caption), STYLES["small"])]


def _key_frame_block(report: Report) -> list[Flowable]:
    """The key frames with the note on how to read them, or why there are none."""
    if not report.key_frames:
        return [Paragraph(markup(report.key_frames_note), STYLES["small"])]
    return [
        _key_frames(report.key_frames),
        Paragraph(
            "Skeleton as the pose model found it; arcs show the angle between the trunk line and the "
            'thigh (hip) and between thigh and shank (knee). <font color="#2b6cb0"><b>Left side blue'
            '</b></font>, <font color="#dd6b20"><b>right side orange</b></font>.',
            STYLES["small"],
        ),
    ]


def _key_frames(frames: Sequence[Picture]) -> PdfTable:
    """The key frames side by side, each with its caption below."""
    column = (FRAME_WIDTH - GAP * (len(frames) - 1)) / len(frames)
    cells = [
        [_image(frame, column, KEY_FRAME_MAX_HEIGHT) for frame in frames],
        [Paragraph(markup(frame.caption), STYLES["small"]) for frame in frames],
    ]
    grid = PdfTable(
        cells, colWidths=[column + (GAP if i < len(frames) - 1 else 0) for i in range(len(frames))]
    )
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, 0), "LEFT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), GAP),
                ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
            ]
        )
    )
    return grid
