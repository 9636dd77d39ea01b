"""Reports of an analysis: one self-contained HTML page and an A4 PDF with the same content.

Start with :func:`build_report`; :func:`assemble_report` gives the content as plain data.
This folder assembles what a report says (an analysis's in ``assemble``, a client's progress in
``progress_report``); ``render/`` lays it out as HTML and PDF; ``plots/`` draws its plots.
"""

from posturecheck.reports.assemble import assemble_report
from posturecheck.reports.build import ReportFiles, build_report

__all__ = ["ReportFiles", "assemble_report", "build_report"]
