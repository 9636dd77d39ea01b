"""The Learn page: every note renders, links open the right one, the address follows the note shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posturecheck.education import TOPICS, load_note

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "posturecheck/app/page_scripts/learn.py"


def _learn(topic: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if topic is not None:
        at.query_params["topic"] = topic
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("topic", TOPICS)
def test_each_note_opens_from_its_link(topic: str) -> None:
    at = _learn(topic)
    note = load_note(topic)
    assert at.radio(key="learn.topic").value == topic
    assert any(m.value.strip() == note.markdown.strip() for m in at.markdown)
    assert all(any(source in m.value for m in at.markdown) for source in note.sources)


def test_choosing_a_note_updates_the_address() -> None:
    at = _learn()
    assert at.radio(key="learn.topic").value == "about"
    at.radio(key="learn.topic").set_value("thomas-test").run()
    assert at.query_params["topic"] == "thomas-test"
    assert any(m.value.strip() == load_note("thomas-test").markdown.strip() for m in at.markdown)


def test_an_unknown_topic_falls_back_to_the_first_note() -> None:
    at = _learn("no-such-note")
    assert at.radio(key="learn.topic").value == TOPICS[0]


def test_the_measurement_error_note_shows_the_clinics_own_beside_the_published_figures() -> None:
    from datetime import UTC, datetime

    from posturecheck.storage import MeasurementError, open_history
    from posturecheck.storage.location import database_url

    at = _learn("measurement-error")
    assert "No repeatability kept as the clinic's default yet" in at.info[0].value
    assert not Path(str(database_url().database)).exists()  # reading the note made no history
    error = MeasurementError(
        "thomas-test", "hanging_thigh_angle", "deg", 2.0, 5.54, 3, "low", datetime.now(UTC)
    )
    with open_history() as history:
        history.keep_measurement_errors([error])
    at = _learn("measurement-error")
    assert not at.info and any("Pua" in m.value for m in at.markdown)  # the published figures
    (row,) = at.dataframe[0].value.to_dict("records")
    assert (row["Assessment"], row["Figure"], row["MDC95"], row["Confidence"]) == (
        "thomas-test",
        "hanging_thigh_angle",
        "5.5 deg",
        "low",
    )
