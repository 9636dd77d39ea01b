"""The app's pages: where each page script is, its title, icon and URL, for ``st.navigation`` and links."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage


@dataclass(frozen=True)
class PageSpec:
    """One page: its script, title, Material icon and URL path."""

    script: Path
    title: str
    icon: str
    url_path: str


# Absolute, so the app runs the same from app.py, ``posturecheck app`` or any working folder.
_SCRIPTS = Path(__file__).with_name("page_scripts")
PAGES = {
    "analyse": PageSpec(_SCRIPTS / "analyse.py", "Analyse", ":material/analytics:", "analyse"),
    "live": PageSpec(_SCRIPTS / "live.py", "Live self-check", ":material/videocam:", "live"),
    "class": PageSpec(_SCRIPTS / "class_review.py", "Class review", ":material/groups:", "class"),
    "history": PageSpec(_SCRIPTS / "history.py", "Client history", ":material/history:", "history"),
    "setup": PageSpec(_SCRIPTS / "setup_check.py", "Check your set-up", ":material/straighten:", "setup"),
    "learn": PageSpec(_SCRIPTS / "learn.py", "Learn", ":material/school:", "learn"),
    "settings": PageSpec(_SCRIPTS / "settings.py", "Settings", ":material/settings:", "settings"),
}
DEFAULT_PAGE = "analyse"


def page(name: str) -> StreamlitPage:
    """The ``st.Page`` of one page in :data:`PAGES`, for ``st.navigation`` or ``st.page_link``."""
    spec = PAGES[name]
    return st.Page(
        spec.script, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=name == DEFAULT_PAGE
    )
