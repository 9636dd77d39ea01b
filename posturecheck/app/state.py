"""Which page the session is on, and which it was on in the previous script run."""

from __future__ import annotations

import streamlit as st

_PAGE = "posturecheck.page"
_PREVIOUS_PAGE = "posturecheck.previous_page"


def remember_page(url_path: str) -> None:
    """Record the page this script run shows (call once per full run, before the page runs)."""
    st.session_state[_PREVIOUS_PAGE] = st.session_state.get(_PAGE)
    st.session_state[_PAGE] = url_path


def stayed_on(url_path: str) -> bool:
    """The previous full script run showed the same page as this one, ``url_path``."""
    return st.session_state.get(_PREVIOUS_PAGE) == url_path == st.session_state.get(_PAGE)
