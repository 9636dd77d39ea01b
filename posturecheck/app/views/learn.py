"""Learn page: the educational notes, one at a time, each with its sources."""

from __future__ import annotations

import streamlit as st

from posturecheck.app.navigation import page
from posturecheck.education import DISCLAIMER, TOPICS, all_notes, load_note

DEFAULT_TOPIC = "about"


def note_link(topic: str) -> None:
    """A link to the Learn page opened at ``topic``'s note."""
    st.page_link(
        page("learn"),
        label=f"Learn more: {load_note(topic).title}",
        icon=":material/school:",
        query_params={"topic": topic},
    )


def render() -> None:
    """Draw the page."""
    st.title("Learn")
    st.caption(DISCLAIMER)
    notes = {note.topic: note for note in all_notes()}
    asked = st.query_params.get("topic") or DEFAULT_TOPIC
    topics = list(TOPICS)
    menu, body = st.columns([1, 3])
    with menu:
        topic = (
            st.radio(
                "Notes",
                topics,
                index=topics.index(asked) if asked in notes else 0,
                format_func=lambda t: notes[t].title,
                key="learn.topic",
            )
            or DEFAULT_TOPIC
        )
    st.query_params["topic"] = topic
    with body:
        st.markdown(notes[topic].markdown)
