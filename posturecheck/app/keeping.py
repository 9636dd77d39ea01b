"""Keeping an analysis shown in the app in a client's history.

The app's results live in a temporary folder that goes with the browser
session, so the analysis is first copied to the user's data folder
(:func:`~posturecheck.storage.location.kept_results_dir`), a report is
written into the copy for the client, and the copy's files become the
session's (deleting the client deletes them).
"""

from __future__ import annotations

import shutil
import uuid
from datetime import datetime
from pathlib import Path

import streamlit as st

from posturecheck.analyze import AnalysisResult
from posturecheck.app.navigation import page
from posturecheck.app.text import literal
from posturecheck.errors import InputError, PostureCheckError
from posturecheck.reports import build_report
from posturecheck.storage import open_history
from posturecheck.storage.history import client_code
from posturecheck.storage.keep import KeptSession, keep_in_history
from posturecheck.storage.location import kept_results_dir


def copy_for_keeping(folder: Path, into: Path) -> Path:
    """Copy the analysis ``folder`` into a new folder under ``into`` (named by time and a random id).

    A copy that fails part-way is removed before the error is raised.
    """
    target = into / f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copytree(folder, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def keep_copy(folder: Path, code: str, person: int | None) -> KeptSession:
    """Copy ``folder`` to the data folder, write its report for ``code`` and save it as a session.

    Nothing is left behind when any step fails: the copy is removed and the
    error raised.

    Raises
    ------
    InputError
        If the data folder cannot take the copy (full, read-only), or as
        :func:`~posturecheck.storage.keep.keep_in_history`.
    HistoryError
        If ``code`` is blank or too long (:func:`~posturecheck.storage.history.client_code`).
    """
    into = kept_results_dir()
    try:
        into.mkdir(parents=True, exist_ok=True)
        copy = copy_for_keeping(folder, into)
    except OSError as exc:
        raise InputError(f"{into}: cannot keep a copy of the analysis there ({exc.strerror or exc})") from exc
    try:
        code = client_code(code)  # before the report, which shows it
        build_report(copy, client=code)
        with open_history() as history:
            return keep_in_history(history, copy, code, person)
    except BaseException:
        shutil.rmtree(copy, ignore_errors=True)
        raise


def show_keep(result: AnalysisResult, key: str) -> None:
    """A form that keeps this analysis for a client (new or existing); says where to see it."""
    people = [entry.person for entry in result.summary.people]
    if not people:
        return
    st.markdown("### Keep in a client's history")
    with st.form(f"{key}.keep", border=True):
        code = st.text_input(
            "Client name or code",
            key=f"{key}.keep.client",
            help="A new name starts a new client; an existing one adds a visit. A code keeps names out "
            "of the database.",
        )
        person = None
        if len(people) > 1:
            person = st.selectbox("Whose figures", people, format_func=lambda n: f"Person {n}")
        st.caption(
            "A copy of the results and a report (faces blurred) are kept on this computer with the "
            "client's other visits; the visit's date is the clip's recording date when it has one."
        )
        submitted = st.form_submit_button("Keep", icon=":material/bookmark_add:")
    if not submitted:
        return
    try:
        with st.spinner("Keeping the analysis and writing its report..."):
            kept = keep_copy(result.summary_path.parent, code, person)
    except PostureCheckError as exc:
        st.error(literal(str(exc)), icon=":material/error:")
        return
    when = kept.entry.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M")
    name = literal(kept.client.code)
    st.success(
        f"Kept for {'new ' if kept.new_client else ''}client **{name}**: visit of {when} "
        f"({kept.entry.recorded_how}), {len(kept.entry.measures)} key figures.",
        icon=":material/bookmark_added:",
    )
    st.page_link(page("history"), label="See their history", icon=":material/history:")
