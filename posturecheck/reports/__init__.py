"""Reports of an analysis: one self-contained HTML page and an A4 PDF with the same content.

Start with :func:`build_report`; :func:`assemble_report` gives the content as plain data.
"""

from posturecheck.reports.assemble import assemble_report
from posturecheck.reports.build import ReportFiles, build_report

__all__ = ["ReportFiles", "assemble_report", "build_report"]
