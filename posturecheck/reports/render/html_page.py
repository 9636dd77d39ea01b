"""A :class:`Report` as one self-contained HTML page: styles inline, images as data URIs, print CSS for A4.

The page loads nothing from anywhere (no fonts, scripts or images from the
network), so it opens offline and shows the same everywhere.
"""

from __future__ import annotations

import base64
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from posturecheck.reports.content import Picture, Report
from posturecheck.reports.render.note_markdown import note_html

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"


def data_uri(picture: Picture) -> str:
    """The picture as a ``data:`` URI."""
    return f"data:{picture.mime};base64,{base64.b64encode(picture.data).decode('ascii')}"


def render_html(report: Report) -> str:
    """The report as an HTML document (text escaped; the note's Markdown rendered without raw HTML)."""
    environment = Environment(
        loader=PackageLoader("posturecheck.reports.render", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2")),
        undefined=StrictUndefined,
        trim_blocks=False,
    )
    environment.filters["data_uri"] = data_uri
    css = (files("posturecheck.reports.render") / "templates" / STYLESHEET).read_text(encoding="utf-8")
    client = dict(report.facts).get("Client", "")
    return environment.get_template(TEMPLATE).render(
        report=report,
        client=client,
        css=Markup(css),
        note_html=Markup(note_html(report.note.markdown)) if report.note else "",
    )
