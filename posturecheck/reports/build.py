"""Write the report of an analysis folder: ``report.html`` and ``report.pdf``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from posturecheck.errors import InputError
from posturecheck.reports.assemble import assemble_report
from posturecheck.reports.content import Report
from posturecheck.reports.render.html_page import render_html
from posturecheck.reports.render.pdf_document import write_pdf
from posturecheck.results.folder import open_result_folder

REPORT_NAME = "report"


@dataclass(frozen=True)
class ReportFiles:
    """The two files of a report."""

    html: Path
    pdf: Path


def report_paths(result_dir: Path, out: Path | None = None) -> ReportFiles:
    """Where a report goes.

    ``report.html`` and ``report.pdf`` in ``result_dir`` by default, or in
    ``out`` when it is an existing folder; any other ``out`` names the files
    (its suffix replaced by ``.html`` and ``.pdf``).
    """
    if out is None or out.is_dir():
        folder = result_dir if out is None else out
        return ReportFiles(folder / f"{REPORT_NAME}.html", folder / f"{REPORT_NAME}.pdf")
    return ReportFiles(out.with_suffix(".html"), out.with_suffix(".pdf"))


def build_report(
    result_dir: Path, client: str | None, blur: bool = True, out: Path | None = None
) -> ReportFiles:
    """Make the HTML page and the PDF of the analysis in ``result_dir``.

    Parameters
    ----------
    result_dir : a folder written by ``posturecheck analyze`` (one analysis).
    client : the client's name or code shown on the report; ``None``: "not given".
    blur : make faces in the key frames unrecognisable (default).
    out : see :func:`report_paths`.

    Returns
    -------
    ReportFiles
        The paths written.

    Raises
    ------
    InputError
        If ``result_dir`` holds no readable analysis, or the report cannot be written where asked.
    """
    result_dir = Path(result_dir)
    report = assemble_report(open_result_folder(result_dir), client, blur)
    return write_report(report, report_paths(result_dir, out))


def write_report(report: Report, paths: ReportFiles) -> ReportFiles:
    """Write ``report`` as the HTML page and the PDF named by ``paths`` (their folder is made).

    Raises
    ------
    InputError
        If the files cannot be written there.
    """
    try:
        paths.html.parent.mkdir(parents=True, exist_ok=True)
        paths.html.write_text(render_html(report), encoding="utf-8")
        write_pdf(report, paths.pdf)
    except OSError as exc:
        raise InputError(f"{paths.html.parent}: cannot write the report ({exc.strerror or exc})") from exc
    return paths
