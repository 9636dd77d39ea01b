"""Showing one analysis: warnings, annotated video, cards and plots per person, downloads."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import streamlit as st

from posturecheck.analyze import AnalysisResult
from posturecheck.app.cards import measure_cards
from posturecheck.app.plots import PLOT_CONFIG, measures_figure
from posturecheck.app.text import measure_title, plain_warnings, technical_line
from posturecheck.draw.skeleton import draw_skeletons
from posturecheck.errors import PostureCheckError
from posturecheck.io.sources import open_source
from posturecheck.measures.catalogue import HIP_FLEXION
from posturecheck.measures.summary import PersonSummary
from posturecheck.measures.table import MeasureTable
from posturecheck.measures.uncertainty import frame_half_width
from posturecheck.reports import ReportFiles, build_report
from posturecheck.reports.wording import BAND_LABEL, NO_INTERVAL
from posturecheck.summary_schema import SUMMARY_SUFFIX, summary_stem

DEFAULT_PLOTTED = HIP_FLEXION.names


def show_warnings(result: AnalysisResult) -> None:
    """Plain-words warnings first; the stored codes and data in a details section."""
    for warning in plain_warnings(result.summary):
        st.warning(warning, icon=":material/warning:")
    if result.warnings or result.problem:
        with st.expander("Technical details of the warnings"):
            for line in ([result.problem] if result.problem else []) + [
                technical_line(warning) for warning in result.warnings
            ]:
                st.markdown(f"- `{line}`")


def annotated_photo(result: AnalysisResult) -> np.ndarray:
    """The analysed photo (RGB, working size) with every person's skeleton drawn."""
    frame = next(iter(open_source(result.tracked.source.path, expect="image")))
    image, visibility = result.tracked.frame(0)
    return draw_skeletons(frame.image, image, visibility)


def show_overview(result: AnalysisResult) -> None:
    """The annotated video (clips) beside the key facts of the analysis."""
    summary = result.summary
    left, right = st.columns([3, 2])
    with left:
        if result.video_path is not None and result.video_path.is_file():
            st.video(str(result.video_path))
        elif result.tracked.source.kind == "image":
            st.image(annotated_photo(result), caption="The figures below come from this one picture.")
    with right:
        st.markdown(
            f"**{summary.frames_analysed} frame(s)** analysed, "
            f"{summary.duration_s:.1f} s · **{len(summary.presence)} person(s)** found"
        )
        for person in summary.people:
            view = person.view
            st.markdown(
                f"Person {person.person}: mostly **{view.label}** view "
                f"({view.median_degrees_from_side}° from side-on), facing {view.facing}"
            )
        frame_rate = summary.processing.frames_per_second
        st.caption(f"Processed at {frame_rate:.0f} frames/s on this computer.")


def _measurable(table: MeasureTable, person: PersonSummary) -> list[str]:
    """Summarised measures with at least one valid frame, in summary order."""
    return [
        name
        for name, figure in person.measures.items()
        if figure.confidence != "none" and name in table.measures
    ]


def measure_plot(table: MeasureTable, person: PersonSummary, key: str) -> None:
    """A measure picker and the chosen measures over time (valid frames distinct from the others)."""
    names = _measurable(table, person)
    if not names:
        st.info("No measure had a valid frame, so there is nothing to plot.")
        return
    default = [n for n in DEFAULT_PLOTTED if n in names] or names[:1]
    chosen = st.multiselect("Plot over time", names, default=default, format_func=measure_title, key=key)
    units = {table.measures[name].unit for name in chosen}
    if len(units) > 1:
        st.caption("Measures with different units are plotted one below the other.")
    widths = {name: frame_half_width(person.measures[name].interval_95) for name in chosen}
    for unit in sorted(units):
        same = [name for name in chosen if table.measures[name].unit == unit]
        st.plotly_chart(measures_figure(table, same, widths), config=PLOT_CONFIG, key=f"{key}.{unit}")
    st.caption(
        "Solid lines: valid frames. Grey crosses: computed but not valid (hover to see why). "
        f"Shaded: the {BAND_LABEL}; '{NO_INTERVAL}' where no error was measured for the view."
    )


def _repetitions(person: PersonSummary) -> None:
    rows = [
        {
            "side": side,
            "start (s)": rep.start_s,
            "peak (s)": rep.peak_s,
            "end (s)": rep.end_s,
            "peak hip flexion (°)": rep.peak_deg,
        }
        for side, reps in person.hip_flexion_repetitions.items()
        for rep in reps
    ]
    if rows:
        st.markdown("##### Hip flexion movements")
        st.dataframe(pd.DataFrame(rows).sort_values("start (s)"), hide_index=True)
        symmetry = person.hip_flexion_symmetry_index_pct
        if symmetry is not None:
            st.caption(
                f"Left-right symmetry index of peak hip flexion: {symmetry:.1f} % (0 = symmetric), "
                "from valid frames only."
            )


def show_people(result: AnalysisResult, key: str) -> None:
    """A tab per person: metric cards, plots over time, hip flexion movements."""
    people = result.summary.people
    if not people:
        st.info("Nobody was found, so there are no figures.")
        return
    tabs = st.tabs([f"Person {person.person}" for person in people])
    for tab, table, person in zip(tabs, result.tables, people, strict=True):
        with tab:
            measure_cards(person)
            measure_plot(table, person, key=f"{key}.plot.{person.person}")
            if result.tracked.n_frames > 1:
                _repetitions(person)


def show_report(result: AnalysisResult, key: str) -> None:
    """A button that writes the HTML and PDF report (faces blurred), then their download buttons.

    The report is written once per analysis and kept in the session.
    """
    stored = f"{key}.report"
    if st.button(
        "Make a report (HTML and PDF, faces blurred)", key=f"{key}.make_report", icon=":material/description:"
    ):
        try:
            with st.spinner("Writing the report..."):
                st.session_state[stored] = build_report(result.summary_path.parent, client=None)
        except PostureCheckError as exc:
            st.error(str(exc))
    files: ReportFiles | None = st.session_state.get(stored)
    if files is not None:
        offer_report(files, key)


def offer_report(files: ReportFiles, key: str, title: str = "Report", stem: str | None = None) -> None:
    """Download buttons for a written report: ``<title> (PDF)`` and ``<title> (HTML, prints well)``.

    ``stem`` names the downloaded files (default: the written files' names).
    """
    left, right = st.columns(2)
    left.download_button(
        f"{title} (PDF)",
        files.pdf.read_bytes(),
        file_name=f"{stem}.pdf" if stem else files.pdf.name,
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key=f"{key}.pdf",
        on_click="ignore",  # a download needs no rerun; one in flight swallowed clicks
    )
    right.download_button(
        f"{title} (HTML, prints well)",
        files.html.read_bytes(),
        file_name=f"{stem}.html" if stem else files.html.name,
        mime="text/html",
        icon=":material/html:",
        key=f"{key}.html",
        on_click="ignore",
    )


def show_downloads(result: AnalysisResult, extra: dict | None = None) -> None:
    """Download buttons: per-frame CSV, summary JSON (with ``extra`` merged in), annotated video."""
    stem = summary_stem(result.summary_path)
    columns = st.columns(3)
    if result.csv_path is not None and result.csv_path.is_file():
        columns[0].download_button(
            "Per-frame measures (CSV)",
            result.csv_path.read_bytes(),
            file_name=f"{stem}.measures.csv",
            mime="text/csv",
            icon=":material/table:",
            on_click="ignore",
        )
    summary = {**result.summary.to_dict(), **(extra or {})}
    columns[1].download_button(
        "Summary (JSON)",
        json.dumps(summary, indent=2),
        file_name=f"{stem}{SUMMARY_SUFFIX}",
        mime="application/json",
        icon=":material/data_object:",
        on_click="ignore",
    )
    if result.video_path is not None and result.video_path.is_file():
        columns[2].download_button(
            "Annotated video (MP4)",
            result.video_path.read_bytes(),
            file_name=f"{stem}.annotated.mp4",
            mime="video/mp4",
            icon=":material/movie:",
            on_click="ignore",
        )
    show_export_downloads(result)


# Per export format: button label and MIME type.
EXPORT_DOWNLOADS = {
    ".trc": ("OpenSim markers (TRC)", "text/plain"),
    ".mot": ("OpenSim angles (MOT)", "text/plain"),
    ".c3d": ("Markers and angles (C3D)", "application/octet-stream"),
}


def show_export_downloads(result: AnalysisResult) -> None:
    """A download button per export file (TRC, MOT, C3D per person), if the analysis wrote them."""
    paths = [path for path in result.export_paths if path.suffix in EXPORT_DOWNLOADS and path.is_file()]
    if not paths:
        return
    st.caption(
        "For OpenSim, C3D viewers and your own scripts: world landmarks in metres (Y up), angles in degrees."
    )
    several = len(paths) > len(EXPORT_DOWNLOADS)  # one file per person and format
    columns = st.columns(len(EXPORT_DOWNLOADS))
    for index, path in enumerate(paths):
        label, mime = EXPORT_DOWNLOADS[path.suffix]
        columns[index % len(columns)].download_button(
            f"{label}: {path.name}" if several else label,
            path.read_bytes(),
            file_name=path.name,
            mime=mime,
            icon=":material/download:",
            key=f"export.{path.name}",
            on_click="ignore",
        )
