"""Analyse page: choose an assessment, see how to film it, analyse a clip or photo, see what it found.

The first page anyone sees: what shows results (plots, reports, the
history) is imported once there is a result to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from posturecheck.app.analysis import AnalysisRequest, analysis_on_click
from posturecheck.app.inputs import pick_input
from posturecheck.app.settings import current_settings
from posturecheck.assessments import list_assessments

if TYPE_CHECKING:
    from posturecheck.assessments import Assessment

KEY = "analyse"
DEFAULT_ASSESSMENT = "free"
# The class review has its own page.
ELSEWHERE = ("class",)
INPUT_WORDS = {"clip": "a video clip", "image": "a photo", "any": "a video clip or a photo"}


def choose_assessment(key: str = KEY) -> Assessment:
    """The assessment picker, with the chosen one's purpose and set-up shown before anything is analysed.

    ``key`` keeps the pickers of different pages apart.
    """
    offered = {a.name: a for a in list_assessments() if a.name not in ELSEWHERE}
    names = list(offered)
    name = (
        st.selectbox(
            "What do you want to check?",
            names,
            index=names.index(DEFAULT_ASSESSMENT),
            format_func=lambda n: offered[n].title,
            key=f"{key}.assessment",
        )
        or DEFAULT_ASSESSMENT
    )
    assessment = offered[name]
    with st.expander(f"How to film it: {assessment.title}", expanded=True, icon=":material/checklist:"):
        st.markdown(assessment.purpose)
        st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(assessment.instructions, start=1)))
        st.caption(
            f"Needs {INPUT_WORDS[assessment.input_kind]}; view: {assessment.view_needed}."
            + (" Silhouettes are kept for it (slower)." if assessment.needs_masks else "")
        )
    return assessment


def render() -> None:
    """Draw the page."""
    st.title("Analyse a clip or photo")
    st.caption(
        "Posture and hip-flexion figures, each with its confidence. Education, not diagnosis; "
        "everything stays on this computer."
    )
    assessment = choose_assessment()
    chosen = pick_input(KEY)
    if chosen is None:
        st.info("Upload a clip or photo, or pick a sample clip.")
        return
    request = AnalysisRequest(input=chosen, settings=current_settings(), assessment=assessment.name)
    analysis = analysis_on_click(
        request, "Analyse", f"Finding the pose in {request.input.name}", f"{KEY}.run"
    )
    if analysis is None:
        return
    from posturecheck.app.findings import show_assessment
    from posturecheck.app.keeping import show_keep
    from posturecheck.app.results import (
        show_downloads,
        show_overview,
        show_people,
        show_report,
        show_warnings,
    )

    result = analysis.result
    st.success(f"Results for **{chosen.name}**", icon=":material/check_circle:")
    show_warnings(result)
    show_overview(result)
    show_assessment(assessment.title, analysis.assessment)
    st.markdown("### Every measure")
    show_people(result, KEY)
    st.markdown("### Downloads")
    show_downloads(result, {"assessment": analysis.assessment.to_dict()})
    show_report(result, KEY)
    show_keep(result, KEY)
