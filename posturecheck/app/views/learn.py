"""Learn page: the educational notes, one at a time, each with its sources."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from posturecheck.app.navigation import page
from posturecheck.app.text import literal
from posturecheck.education import DISCLAIMER, TOPICS, all_notes, load_note
from posturecheck.errors import PostureCheckError

if TYPE_CHECKING:
    from posturecheck.storage import MeasurementError

DEFAULT_TOPIC = "about"
# The note whose published figures are shown beside this set-up's own.
MEASUREMENT_ERROR_TOPIC = "measurement-error"


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
        if topic == MEASUREMENT_ERROR_TOPIC:
            _clinic_errors()


def _clinic_errors() -> None:
    """The clinic's default measurement errors kept in the history, beside the published ones above."""
    from sqlalchemy.exc import (
        DatabaseError,
    )  # the history is imported only for this note: the others open fast

    st.markdown("#### This set-up's own")
    try:
        errors = _kept_defaults()
    except (PostureCheckError, DatabaseError) as exc:
        st.error(literal(f"the history could not be read: {exc}"), icon=":material/error:")
        return
    if not errors:
        st.info(
            "No repeatability kept as the clinic's default yet. Film the same test three times the same "
            "way, then run `posturecheck repeatability CLIP CLIP CLIP --assessment NAME --clinic-default` "
            "(or `--client CODE` for one client)."
        )
        return
    st.dataframe(
        [
            {
                "Assessment": e.assessment,
                "Figure": e.name,
                "SEM": f"{e.sem:.1f} {e.unit}",
                "MDC95": f"{e.mdc95:.1f} {e.unit}",
                "Clips": e.trials,
                "Confidence": e.confidence,
                "Measured": e.measured_at.astimezone().strftime("%Y-%m-%d"),
            }
            for e in errors
        ],
        hide_index=True,
        width="stretch",
    )
    st.caption("A change between visits larger than the MDC95 is beyond this set-up's measurement error.")


def _kept_defaults() -> list[MeasurementError]:
    """The clinic's defaults in the history; none when the default history file was never made."""
    from posturecheck.storage import open_history
    from posturecheck.storage.location import database_url

    url = database_url()
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_file():
        return []  # reading a note should not create a history
    with open_history() as history:
        return history.measurement_errors(None)
