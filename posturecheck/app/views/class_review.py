"""Class review page: everyone in a group clip, a row each with a thumbnail; pick one to see their figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from posturecheck.app.analysis import Analysis, AnalysisRequest, analysis_on_click
from posturecheck.app.cards import measure_cards, value_with_interval
from posturecheck.app.findings import finding_cards, show_assessment
from posturecheck.app.inputs import pick_input
from posturecheck.app.results import measure_plot, show_warnings
from posturecheck.app.settings import MAX_PEOPLE, current_settings
from posturecheck.app.thumbnails import thumbnails
from posturecheck.assessments import get_assessment
from posturecheck.measures.uncertainty import Interval95
from posturecheck.reports.wording import NO_INTERVAL

KEY = "class"
ASSESSMENT = "class"
DEFAULT_PEOPLE = 4
_THUMBNAILS = "posturecheck.class_thumbnails"


def _hip(person: dict, side: str) -> str:
    """Most hip flexion of one side with its 95 % interval and confidence, e.g. ``"34.2 ± 9° (high, 80%
    valid)"``, or ``"34.2°, no uncertainty recorded (low, ...)"``; ``"–"`` when never valid."""
    hip = person[f"hip_{side}"]
    if hip["max_deg"] is None:
        return "–"
    # A result from before each hip range carried its confidence reads as unchecked: low.
    confidence = hip.get("confidence", "low")
    interval = Interval95.from_dict(hip.get("interval_95"))
    value = value_with_interval(hip["max_deg"], "deg", interval)
    unchecked = f", {NO_INTERVAL}" if interval is None else ""
    return f"{value}{unchecked} ({confidence}, {hip['fraction_valid']:.0%} valid)"


def _rows(people: list[dict], photos: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "photo": photo,
                "person": person["label"],
                "in view": f"{person['first_s']:.1f}–{person['last_s']:.1f} s",
                "seconds": round(person["seconds_seen"], 1),
                "identity": f"{person['identity_confidence']:.0%}",
                "view": person["view"],
                "most hip flexion L": _hip(person, "left"),
                "most hip flexion R": _hip(person, "right"),
                "steady holds": len(person["holds"]),
            }
            for person, photo in zip(people, photos, strict=True)
        ]
    )


def _table(people: list[dict], photos: list[str]) -> int | None:
    """The people table; returns the row the user picked, if any."""
    event = st.dataframe(
        _rows(people, photos),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"{KEY}.table",
        row_height=90,
        column_config={
            "photo": st.column_config.ImageColumn("photo", width="small"),
            "identity": st.column_config.TextColumn(
                "identity",
                help="How sure the tracker is that this is one person throughout (100 %: followed "
                "continuously; lower: recognised again after leaving the view, from body proportions).",
            ),
        },
    )
    rows = event.selection.rows if event is not None else []
    return int(rows[0]) if rows else None


def _photos(request: AnalysisRequest, analysis: Analysis) -> list[str]:
    """The people's thumbnails, cut once per analysis and kept for the session."""
    kept = st.session_state.setdefault(_THUMBNAILS, {})
    if request.key not in kept:
        source = analysis.result.tracked.source
        with st.spinner("Cutting out each person's picture…"):
            kept[request.key] = thumbnails(
                request.input.path, analysis.assessment.details["people"], (source.width, source.height)
            )
    return kept[request.key]


def _person(analysis: Analysis, person: dict, photo: str) -> None:
    """One person's findings, measure cards and plot."""
    slot = person["slot"]
    st.subheader(person["label"].capitalize())
    picture, about = st.columns([1, 5])
    picture.image(photo)
    about.markdown(f"In view {person['first_s']:.1f}–{person['last_s']:.1f} s; mostly {person['view']} view.")
    prefix = f"person_{slot + 1}_"
    finding_cards(tuple(f for f in analysis.assessment.findings if f.name.startswith(prefix)))
    summary = next(p for p in analysis.result.summary.people if p.person == slot + 1)
    table = next(t for t in analysis.result.tables if t.person == slot)
    measure_cards(summary)
    measure_plot(table, summary, key=f"{KEY}.plot.{slot}")


def render() -> None:
    """Draw the page."""
    st.title("Class review")
    st.caption(
        "Everyone in a group clip, each followed with a stable number. Pick a row to see that person's "
        "figures. Education, not diagnosis."
    )
    assessment = get_assessment(ASSESSMENT)
    with st.expander("How to film a class", expanded=False, icon=":material/checklist:"):
        st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(assessment.instructions, start=1)))
    chosen = pick_input(KEY, default_sample="two_people.mp4")
    people = st.number_input(
        "Most people in view at once", 2, MAX_PEOPLE, DEFAULT_PEOPLE, key=f"{KEY}.people"
    )
    if chosen is None:
        st.info("Upload a clip, or pick a sample clip.")
        return
    request = AnalysisRequest(chosen, current_settings(), ASSESSMENT, num_people=int(people))
    analysis = analysis_on_click(request, "Find everyone", "Finding everyone in the clip", f"{KEY}.run")
    if analysis is None:
        return
    show_warnings(analysis.result)
    show_assessment(assessment.title, analysis.assessment, cards=False)
    if not analysis.assessment.view_ok:
        return
    found = analysis.assessment.details["people"]
    photos = _photos(request, analysis)
    picked = _table(found, photos)
    if picked is None:
        st.info("Click a row to see that person's figures.", icon=":material/touch_app:")
        return
    _person(analysis, found[picked], photos[picked])
