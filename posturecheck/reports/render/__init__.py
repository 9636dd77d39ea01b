"""A :class:`~posturecheck.reports.content.Report` rendered: the HTML page (``html_page``), the A4 PDF
(``pdf_document``, its styles in ``pdf_style``) and the educational note's Markdown in both
(``note_markdown``, ``markdown_pdf``). Rendering only: what a report says is assembled in
:mod:`posturecheck.reports`.
"""
