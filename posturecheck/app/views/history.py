"""History page: a client's visits, progress on any key figure, a progress report, export, import, delete."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import DatabaseError
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.uploaded_file_manager import UploadedFile

from posturecheck.app.analysis import workspace
from posturecheck.app.plots import PLOT_CONFIG, progress_figure
from posturecheck.app.results import offer_report
from posturecheck.app.text import confidence_mark, format_value, literal, measure_title
from posturecheck.errors import PostureCheckError
from posturecheck.measures.catalogue import HIP_FLEXION, key_figure_name
from posturecheck.reports import ReportFiles
from posturecheck.reports.progress_change import (
    interval_half_width,
    measured_sessions,
    visit_changes,
    visit_confidence,
)
from posturecheck.reports.progress_report import build_progress_report
from posturecheck.reports.wording import NO_INTERVAL
from posturecheck.storage import ClientInfo, History, MeasurementError, SessionInfo, open_history
from posturecheck.storage.archive import export_archive, import_archive
from posturecheck.storage.errors import unusable_database
from posturecheck.storage.exchange import parse_client_json
from posturecheck.storage.history_entry import split_statistic

KEY = "history"
DATE = "%Y-%m-%d %H:%M"
DEFAULT_MEASURE = key_figure_name(HIP_FLEXION.of("left"), "max")
PENDING_CLIENT = f"{KEY}.pending_client"


def figure_title(name: str) -> str:
    """A key figure's display name: ``hip_flexion_left_max`` -> "Left hip flexion (max)"."""
    measure, statistic = split_statistic(name)
    return f"{measure_title(measure)} ({statistic})" if statistic else measure_title(name)


def _sessions_table(sessions: Sequence[SessionInfo]) -> None:
    st.dataframe(
        [
            {
                "Visit": s.recorded_at.astimezone().strftime(DATE),
                "Assessment": s.assessment,
                "Clip": s.source_name or "–",
                "Key figures": sum(m.is_measured for m in s.measures),
                "Report": "yes" if any(f.kind.startswith("report") for f in s.media) else "no",
            }
            for s in sessions
        ],
        hide_index=True,
        width="stretch",
    )


def _progress(
    client: ClientInfo, sessions: Sequence[SessionInfo], errors: Sequence[MeasurementError]
) -> str | None:
    """The progress plot, values and changes of one key figure; returns its name (``None``: none kept).

    Each change between visits says whether it is beyond measurement error and what it was
    judged against (:mod:`posturecheck.reports.progress_change`); none is called better or worse.
    """
    units = {m.name: m.unit for s in sessions for m in s.measures}
    if not units:
        return None
    names = sorted(units)
    name = st.selectbox(
        "Key figure",
        names,
        index=names.index(DEFAULT_MEASURE) if DEFAULT_MEASURE in names else 0,
        key=f"{KEY}.measure",
        format_func=figure_title,
        help="A measure's statistic over the visit (e.g. _max: the most flexion seen), or an "
        "assessment's finding.",
    )
    measured = measured_sessions(sessions, name)
    if not measured:
        st.info(f"No visit of {literal(client.code)} has a value for {name} (not measurable in any of them).")
        return name
    points = [(session.recorded_at, figure.value) for session, figure in measured]
    valid = [figure.valid_fraction for _, figure in measured]
    widths = [interval_half_width(session, figure) for session, figure in measured]
    confidences = [visit_confidence(session, figure) for session, figure in measured]
    changes = visit_changes(sessions, name, errors)
    verdicts = [change.verdict for change in changes]
    st.plotly_chart(
        progress_figure(points, valid, confidences, figure_title(name), units[name], verdicts, widths),
        config=PLOT_CONFIG,
    )
    st.markdown(
        "\n".join(
            f"- {when.astimezone().strftime(DATE)}: **{format_value(value, units[name])}**"
            f"{_plus_minus(width)}, {confidence_mark(confidence)} "
            f"(valid in {share:.0%} of the frames in view)"
            for (when, value), share, width, confidence in zip(
                points, valid, widths, confidences, strict=True
            )
        )
    )
    st.caption("Error bars: each visit's 95% interval, where its analysis recorded one.")
    if changes:
        st.markdown("**Changes between visits**")
        st.markdown(
            "\n".join(
                f"- {change.before_at.astimezone().strftime(DATE)} to "
                f"{change.after_at.astimezone().strftime(DATE)}: {literal(change.sentence())}"
                for change in changes
            )
        )
        st.caption(
            "Beyond measurement error: larger than this set-up's error (a kept repeatability run, else "
            "the visits' 95% intervals). Within it: not a measurable change, whichever way it points. "
            "Keep a repeatability run with `posturecheck repeatability CLIP CLIP CLIP --client CODE`."
        )
    return name


def _plus_minus(width: float | None) -> str:
    """A visit's ``" ± 12°"`` (whole degrees), or that it has no interval."""
    return f" ± {width:.0f}°" if width is not None else f" ({NO_INTERVAL})"


def _progress_report(history: History, client: ClientInfo, measure: str | None) -> None:
    """A button that writes the client's progress report (with the figure on show), then its downloads."""
    stored = f"{KEY}.report.{client.id}"
    made = st.button(
        "Make a progress report (HTML and PDF)", key=f"{KEY}.make_report", icon=":material/description:"
    )
    if made:
        out = workspace() / "progress" / str(client.id) / f"progress_{client.id}"
        try:
            with st.spinner("Writing the report..."):
                st.session_state[stored] = build_progress_report(
                    history, client, out, [measure] if measure else []
                )
        except PostureCheckError as exc:
            st.error(literal(str(exc)), icon=":material/error:")
    files: ReportFiles | None = st.session_state.get(stored)
    if files is not None and files.pdf.is_file():
        offer_report(files, KEY, "Progress report", f"progress-{client.id}")


def _export_import(history: History, client: ClientInfo | None) -> None:
    left, right = st.columns(2)
    if client is not None:
        _export(history, client, left)
    upload = right.file_uploader(
        "Import a client's history (zip archive or JSON)",
        type=["zip", "json"],
        key=f"{KEY}.import",
        help="A zip archive brings the client's files along; a JSON file only lists them.",
    )
    if upload is None or st.session_state.get(f"{KEY}.imported") == upload.file_id:
        return
    try:
        imported = _import(history, upload)
    except PostureCheckError as exc:
        right.error(literal(f"{upload.name}: {exc}"), icon=":material/error:")
        return
    st.session_state[f"{KEY}.imported"] = upload.file_id
    # The client selectbox is already drawn in this run: its choice is set at the top of the next.
    st.session_state[PENDING_CLIENT] = imported
    st.rerun()


def _export(history: History, client: ClientInfo, column: DeltaGenerator) -> None:
    """The client's JSON export, and a button that makes the zip archive with their files to download."""
    column.download_button(
        f"Export {literal(client.code)}'s history (JSON)",
        json.dumps(history.export_client(client.id), indent=2),
        file_name=f"posturecheck-history-{client.id}.json",
        mime="application/json",
        icon=":material/download:",
        help="Visits and key figures; media files are listed by path, not included.",
        on_click="ignore",  # a download needs no rerun; one in flight swallowed clicks
    )
    archive = workspace() / "export" / f"posturecheck-history-{client.id}.zip"
    if column.button("Make an archive with their files (zip)", key=f"{KEY}.archive.{client.id}"):
        archive.parent.mkdir(parents=True, exist_ok=True)
        try:
            with st.spinner("Packing the visits and their files..."):
                export_archive(history, client.id, archive)
        except PostureCheckError as exc:
            column.error(literal(str(exc)), icon=":material/error:")
    if archive.is_file():
        with archive.open("rb") as data:
            column.download_button(
                "Download the archive (zip)",
                data,
                file_name=archive.name,
                mime="application/zip",
                icon=":material/download:",
                key=f"{KEY}.archive.download.{client.id}",
                on_click="ignore",
            )


def _import(history: History, upload: UploadedFile) -> str:
    """Store the client in an uploaded zip archive or JSON export; returns their code."""
    data = upload.getvalue()
    if not data.startswith(b"PK"):
        return history.client(history.import_client(parse_client_json(data, upload.name))).code
    held = workspace() / "import" / f"{uuid.uuid4().hex}.zip"
    held.parent.mkdir(parents=True, exist_ok=True)
    held.write_bytes(data)
    try:
        return import_archive(history, held).code
    finally:
        held.unlink(missing_ok=True)


def _delete(history: History, client: ClientInfo) -> None:
    """Delete the client after a confirmation that lists the files removed and those left in place."""
    plan = history.deletion_plan(client.id)
    name = literal(client.code)
    removes = f"removes {len(plan.to_remove)} file(s)" if plan.to_remove else "removes no file"
    with st.expander(f"Delete {name}", icon=":material/delete:"):
        _file_list(f"It removes {len(plan.to_remove)} file(s) the history made:", plan.to_remove)
        _file_list(f"It keeps {len(plan.kept)} file(s) another client's visit also owns:", plan.kept)
        _file_list(
            f"It leaves {len(plan.not_owned)} file(s) in place, listed but not made by the history "
            "(imported, or kept before this version):",
            plan.not_owned,
        )
        # A form sends the confirmation and the click together (a button enabled by a tick needed a rerun
        # in between, and a click during it was lost), and typing the code is a deliberate act that a
        # stray click cannot make.
        with st.form(key=f"{KEY}.delete.form.{client.id}", border=False):
            typed = st.text_input(
                f"Delete {name} with {plan.sessions} visit(s); this {removes}. This cannot be undone. "
                f"Type {name} to confirm.",
                key=f"{KEY}.delete.confirm.{client.id}",
            )
            if not st.form_submit_button("Delete", type="primary", key=f"{KEY}.delete.{client.id}"):
                return
            if typed.strip() != client.code:
                st.warning(f"Type {name} exactly to confirm; nothing was deleted.", icon=":material/warning:")
                return
        report = history.delete_client(client.id)
    st.session_state.pop(f"{KEY}.client", None)
    removed = f"{report.sessions} visit(s) and {len(report.files_removed)} file(s)"
    if report.files_failed:
        failed = ", ".join(f"{path} ({why})" for path, why in report.files_failed)
        text = f"Deleted {report.client_code}'s {removed}; these files could not be removed: {failed}"
        st.session_state[f"{KEY}.message"] = ("error", literal(text))
    else:
        st.session_state[f"{KEY}.message"] = ("success", f"Deleted {literal(report.client_code)}: {removed}.")
    st.rerun()


def _file_list(title: str, paths: Sequence[Path]) -> None:
    """``title`` and one path a line, as plain text; nothing when ``paths`` is empty."""
    if paths:
        st.caption(title)
        st.text("\n".join(str(path) for path in paths))


def _show_message() -> None:
    kind, text = st.session_state.pop(f"{KEY}.message", (None, None))
    if kind == "error":
        st.error(text, icon=":material/error:")
    elif kind == "success":
        st.success(text, icon=":material/check_circle:")


def render() -> None:
    """Draw the page."""
    st.title("Client history")
    _show_message()
    try:
        history = open_history()
    except PostureCheckError as exc:
        st.error(literal(str(exc)), icon=":material/error:")
        return
    with history:
        try:
            _page(history)
        except DatabaseError as exc:  # damaged after it opened, or a server gone away: one line, no SQL
            st.error(literal(str(unusable_database(history.url, exc.orig))), icon=":material/error:")


def _page(history: History) -> None:
    """The page's content for an open ``history``."""
    st.caption(
        f"Kept on this computer in {history.url}. Keep a visit from the Analyse page's results "
        "(or with `posturecheck history add`)."
    )
    clients = {c.code: c for c in history.clients()}
    if not clients:
        st.info("No clients yet: analyse a clip, then keep it for a client under its results.")
        _export_import(history, None)
        return
    pending = st.session_state.pop(PENDING_CLIENT, None)
    if pending in clients:
        st.session_state[f"{KEY}.client"] = pending
    if st.session_state.get(f"{KEY}.client") not in clients:
        st.session_state[f"{KEY}.client"] = next(iter(clients))
    code = st.selectbox("Client", list(clients), key=f"{KEY}.client")
    client = clients[code]
    sessions = history.sessions(client.id)
    st.markdown(f"### {literal(client.code)}: {len(sessions)} visit(s)")
    _sessions_table(sessions)
    st.markdown("### Progress")
    measure = _progress(client, sessions, history.measurement_errors(client.id))
    _progress_report(history, client, measure)
    st.markdown("### Keep, move or remove")
    _export_import(history, client)
    _delete(history, client)
