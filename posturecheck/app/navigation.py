"""The app's pages: where each page script is, its title, icon and URL, for ``st.navigation`` and links."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage


@dataclass(frozen=True)
class PageSpec:
    """One page: its script (relative to ``app.py``), title, Material icon and URL path."""

    script: str
    title: str
    icon: str
    url_path: str


PAGES = {
    "analyse": PageSpec("posturecheck/app/pages/analyse.py", "Analyse", ":material/analytics:", "analyse"),
    "live": PageSpec("posturecheck/app/pages/live.py", "Live self-check", ":material/videocam:", "live"),
    "class": PageSpec("posturecheck/app/pages/class_review.py", "Class review", ":material/groups:", "class"),
    "learn": PageSpec("posturecheck/app/pages/learn.py", "Learn", ":material/school:", "learn"),
    "settings": PageSpec("posturecheck/app/pages/settings.py", "Settings", ":material/settings:", "settings"),
}
DEFAULT_PAGE = "analyse"


def page(name: str) -> StreamlitPage:
    """The ``st.Page`` of one page in :data:`PAGES`, for ``st.navigation`` or ``st.page_link``."""
    spec = PAGES[name]
    return st.Page(
        spec.script, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=name == DEFAULT_PAGE
    )
