"""Metric cards: each figure with its confidence mark, valid share and method."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from posturecheck.app.text import GROUP_TITLES, confidence_mark, format_value, measure_title, plain_reason
from posturecheck.measures.catalogue import MEASURES, key_figures
from posturecheck.measures.uncertainty import Interval95
from posturecheck.reports.wording import NO_INTERVAL, format_plus_minus

if TYPE_CHECKING:
    from posturecheck.measures.summary import MeasureSummary, PersonSummary

CARDS_PER_ROW = 4
HEADLINE_WORDS = {"max": "largest shown", "median": "median shown"}


def value_with_interval(value: float | None, unit: str, interval: Interval95 | None) -> str:
    """A card's large value: ``"31.6 ± 32°"`` with its 95 % interval, else as :func:`format_value` has it."""
    if value is None or interval is None:
        return format_value(value, unit)
    return f"{value:.1f} {format_plus_minus(interval)}"


def interval_words(interval: Interval95 | None) -> str:
    """What a card says about its ± under the value: the interval's basis, or that there is none."""
    if interval is None:
        return NO_INTERVAL
    return f"± is a 95 % interval: {interval.basis}"


def _card(name: str, figure: MeasureSummary) -> None:
    """One bordered card: headline statistic, range, confidence, valid share, method."""
    spec = MEASURES.get(name)
    headline = spec.headline if spec else "median"
    unit = figure.unit
    interval = figure.interval_95
    with st.container(border=True):
        st.metric(
            label=measure_title(name),
            value=value_with_interval(figure.statistic(headline), unit, interval),
            help=spec.meaning if spec else None,
        )
        low, high = format_value(figure.min, unit), format_value(figure.max, unit)
        median = format_value(figure.median, unit)
        st.caption(f"{HEADLINE_WORDS[headline]} · median {median} · range {low} to {high}")
        share = figure.fraction_valid_in_view
        st.markdown(
            f"{confidence_mark(figure.confidence)}  \n"
            f"valid in {share:.0%} of the frames in view · {figure.method.upper()}"
        )
        st.caption(interval_words(interval))


def measure_cards(person: PersonSummary) -> None:
    """Cards for one person's measurable figures, grouped; the unmeasurable ones listed with why."""
    figures = key_figures(person.measures)
    groups: dict[str, list[str]] = {}
    missing = []
    for name, figure in figures.items():
        if figure.confidence == "none":
            missing.append(name)
            continue
        group = GROUP_TITLES[MEASURES[name].view] if name in MEASURES else "Other"
        groups.setdefault(group, []).append(name)
    for group, names in groups.items():
        st.markdown(f"##### {group}")
        for start in range(0, len(names), CARDS_PER_ROW):
            row = names[start : start + CARDS_PER_ROW]
            for column, name in zip(st.columns(CARDS_PER_ROW)[: len(row)], row, strict=True):
                with column:
                    _card(name, figures[name])
    if missing:
        with st.expander(f"Not measurable in this footage ({len(missing)})"):
            for name in missing:
                why = plain_reason(figures[name].main_reason_invalid) or "no valid frame"
                st.markdown(f"- **{measure_title(name)}**: {why}")
