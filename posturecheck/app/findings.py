"""An assessment's result on screen: its view check, finding cards with reference ranges, its reading."""

from __future__ import annotations

import streamlit as st

from posturecheck.app.cards import interval_words, value_with_interval
from posturecheck.app.text import confidence_mark
from posturecheck.app.views.learn import note_link
from posturecheck.assessments import AssessmentResult, Finding, NormalRange
from posturecheck.reports.plain_words import warning_words

CARDS_PER_ROW = 3
UNITS = {"deg": "°", "%": "%", "cm": " cm", "s": " s", "steps/min": " steps/min", "count": ""}
STATUS_WORDS = {
    "within": ":green[within the reference range]",
    "below": ":orange[below the reference range]",
    "above": ":orange[above the reference range]",
    "outside": ":orange[differs from the reference]",
    "unknown": ":gray[no reference range]",
}


def finding_value(value: float | str | None, unit: str) -> str:
    """A finding's value with its unit: one decimal, whole numbers for counts, words as they are."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if unit == "count":
        return f"{value:.0f}"
    return f"{value:.1f}{UNITS.get(unit, ' ' + unit)}"


def finding_shown(item: Finding) -> str:
    """A finding's large value: with its 95 % interval (``"12.0 ± 25°"``) where it has one."""
    if isinstance(item.value, float) and item.interval_95 is not None:
        return value_with_interval(item.value, item.unit, item.interval_95)
    return finding_value(item.value, item.unit)


def reference_text(normal: NormalRange, unit: str) -> str:
    """A reference range in words: ``"10.0° to 20.0°"``, ``"at least 120.0°"``, ``"expected: negative"``."""
    if normal.expected is not None:
        return f"expected: {normal.expected}"
    if normal.low is not None and normal.high is not None:
        return f"{finding_value(normal.low, unit)} to {finding_value(normal.high, unit)}"
    if normal.low is not None:
        return f"at least {finding_value(normal.low, unit)}"
    return f"at most {finding_value(normal.high, unit)}"


def _card(item: Finding) -> None:
    """One bordered card: label (wrapped, not cut), value, reference range and source, status, confidence."""
    label = item.label[:1].upper() + item.label[1:]
    with st.container(border=True):
        st.markdown(f"**{label}**")
        st.metric(label, finding_shown(item), label_visibility="collapsed")
        if item.normal is not None:
            st.caption(
                f"Reference: {reference_text(item.normal, item.unit)} ({item.normal.what})",
                help=f"Source: {item.normal.source}",
            )
        st.markdown(
            f"{STATUS_WORDS[item.status]}  \n{confidence_mark(item.confidence)} · "
            f"valid in {item.fraction_valid:.0%} of the frames it rests on"
        )
        if item.note:
            st.caption(item.note)
        if isinstance(item.value, float) and item.unit == "deg":
            st.caption(interval_words(item.interval_95))


def finding_cards(findings: tuple[Finding, ...]) -> None:
    """A bordered card per finding, :data:`CARDS_PER_ROW` to a row."""
    for start in range(0, len(findings), CARDS_PER_ROW):
        row = findings[start : start + CARDS_PER_ROW]
        for column, item in zip(st.columns(CARDS_PER_ROW)[: len(row)], row, strict=True):
            with column:
                _card(item)


def show_assessment(title: str, assessed: AssessmentResult, cards: bool = True) -> None:
    """The footage check, finding cards (unless ``cards`` is False), reading, caveats and note link."""
    st.markdown(f"### {title}")
    if not assessed.view_ok:
        st.error(
            f"The footage does not suit this assessment: {assessed.view_message}",
            icon=":material/videocam_off:",
        )
    else:
        st.caption(f"Footage check: {assessed.view_message}")
    if cards and assessed.findings:
        finding_cards(assessed.findings)
    for line in assessed.interpretation:
        st.markdown(f"- {line}")
    for warning in assessed.warnings:
        st.warning(warning_words(warning), icon=":material/info:")
    note_link(assessed.education_topic)
