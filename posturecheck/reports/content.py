"""What a report holds, as plain data: the HTML page and the PDF are two renderings of one :class:`Report`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from posturecheck.education import Note

# How a table row is marked: "good" (within range, check passed), "caution"
# (low confidence, check with a caveat), "alert" (out of range, check failed),
# "muted" (nothing measured) or "" (plain).
RowMark = Literal["good", "caution", "alert", "muted", ""]


@dataclass(frozen=True)
class Table:
    """A titled table of text cells.

    Attributes
    ----------
    title : shown above the table.
    columns : header cells.
    rows : one tuple of cells per row, as long as ``columns``.
    marks : one :data:`RowMark` per row (empty: all plain).
    caption : a line under the table saying how to read it.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    marks: tuple[RowMark, ...] = ()
    caption: str = ""

    def __post_init__(self) -> None:
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError(f"table {self.title!r}: every row needs {len(self.columns)} cells")
        if self.marks and len(self.marks) != len(self.rows):
            raise ValueError(f"table {self.title!r}: one mark per row or none")

    def mark(self, row: int) -> RowMark:
        """The mark of row ``row`` (``""`` when the table has none)."""
        return self.marks[row] if self.marks else ""


@dataclass(frozen=True)
class Picture:
    """An image with its caption.

    Attributes
    ----------
    data : the encoded image.
    mime : ``"image/png"`` or ``"image/jpeg"``.
    width_px, height_px : its size in pixels.
    caption : one or two lines under it.
    alt : a text alternative for screen readers.
    """

    data: bytes
    mime: str
    width_px: int
    height_px: int
    caption: str
    alt: str


@dataclass(frozen=True)
class Report:
    """Everything a report shows, in reading order.

    Attributes
    ----------
    title : the report's heading.
    facts : (label, value) pairs of the header: client, date, clip, assessment.
    what_it_measures, not_a_diagnosis, privacy : the fixed statements.
    summary_lines : plain-language lines of the assessment's reading (may be empty).
    setup : the setup and view checks.
    figures : key figure tables (the assessment's findings, or one per person).
    plots : measures over time.
    key_frames : frames with the skeleton and angles drawn.
    key_frames_note : why there are no key frames, or ``""``.
    warnings : caveats about the footage and the measures.
    note : the matching educational note, if there is one for the topic.
    processing : how the figures were computed (filtering, variants), one line each.
    footer : software and model, one line.
    """

    title: str
    facts: tuple[tuple[str, str], ...]
    what_it_measures: str
    not_a_diagnosis: str
    privacy: str
    summary_lines: tuple[str, ...]
    setup: Table
    figures: tuple[Table, ...]
    plots: tuple[Picture, ...]
    key_frames: tuple[Picture, ...]
    key_frames_note: str
    warnings: tuple[str, ...]
    note: Note | None
    processing: tuple[str, ...]
    footer: str
