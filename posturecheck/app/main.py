"""The app's frame: page set-up, navigation, and the guard that keeps tracebacks from users."""

from __future__ import annotations

import streamlit as st

from posturecheck.app.launch import privacy_problems
from posturecheck.app.navigation import PAGES, page
from posturecheck.app.state import remember_page
from posturecheck.errors import PostureCheckError


def run() -> None:
    """Set up the page, show the navigation and run the chosen page."""
    st.set_page_config(page_title="posturecheck", page_icon=":material/accessibility_new:", layout="wide")
    current = st.navigation([page(name) for name in PAGES])
    remember_page(current.url_path)
    problems = privacy_problems()
    if problems:
        st.warning(
            " ".join(problems) + " Stop it and start it with `posturecheck app`, which keeps everything "
            "on this computer.",
            icon=":material/shield:",
        )
    with st.sidebar:
        st.caption(
            "posturecheck measures posture and hip flexion from video. It is an educational "
            "tool, not a medical device and not a diagnosis. Nothing you show it leaves this computer."
        )
    try:
        current.run()
    except PostureCheckError as exc:
        st.error(str(exc), icon=":material/error:")
