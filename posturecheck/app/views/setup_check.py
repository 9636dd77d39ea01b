"""Check your set-up: the same test filmed three times, how far each key figure moves between the takes.

The takes are analysed and compared by
:func:`~posturecheck.repeatability_run.run_repeatability`, the job behind
``posturecheck repeatability``: per key figure the SEM, the ICC (not defined
for one person) and the minimal detectable change MDC95 of this camera,
room and way of filming. The card can be kept for a client, or as the
clinic's default for the assessment, in the history
(:meth:`~posturecheck.storage.History.keep_measurement_errors`); changes
between visits are then judged against it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import streamlit as st

from posturecheck.app.analysis import InputFile, uploaded_input, workspace
from posturecheck.app.navigation import page
from posturecheck.app.progress import ProgressBar
from posturecheck.app.settings import current_settings
from posturecheck.app.text import format_value, literal
from posturecheck.app.views.analyse import choose_assessment
from posturecheck.errors import PostureCheckError
from posturecheck.io.kinds import GIF_SUFFIXES, IMAGE_SUFFIXES, VIDEO_SUFFIXES

if TYPE_CHECKING:
    from posturecheck.assessments import Assessment
    from posturecheck.repeatability_run import FigureRepeatability

KEY = "setup"
TAKES = 3
_RESULT = f"{KEY}.result"
_KEPT = f"{KEY}.kept"
NEW_CLIENT = "A new client"
CLINIC = "The clinic's default for this assessment"

HOW_TO_FILM = (
    "Film all three takes in one session, one after the other.",
    "Keep the camera where it is: on a tripod or a shelf, same height, distance and angle. "
    "Do not zoom or turn the phone between takes.",
    "Mark where the person stands (tape on the floor) and have them step away and back to the mark "
    "between takes, as they would on another visit.",
    "Same light, same clothes, the same words of instruction, one person in view.",
    "Each take is the whole test, from start to end, as you would film it for a client.",
)


@dataclass(frozen=True)
class SetupCheck:
    """A finished check: the assessment, the takes' names and each key figure's repeatability."""

    key: str
    assessment: str
    takes: tuple[str, ...]
    figures: tuple[FigureRepeatability, ...]


def _upload_types(assessment: Assessment) -> list[str]:
    """The file suffixes (no dots) the assessment accepts: clips, photos or both (a GIF may be either)."""
    suffixes = {"clip": VIDEO_SUFFIXES + GIF_SUFFIXES, "image": IMAGE_SUFFIXES + GIF_SUFFIXES}.get(
        assessment.input_kind, VIDEO_SUFFIXES + GIF_SUFFIXES + IMAGE_SUFFIXES
    )
    return [suffix.lstrip(".") for suffix in suffixes]


def _takes(assessment: Assessment) -> list[InputFile | None]:
    """Three uploaders side by side; each take's stored file, ``None`` while it is missing."""
    types = _upload_types(assessment)
    takes = []
    for number, column in enumerate(st.columns(TAKES), start=1):
        with column:
            upload = st.file_uploader(f"Take {number}", type=types, key=f"{KEY}.take{number}")
        takes.append(uploaded_input(upload.name, upload.getvalue()) if upload is not None else None)
    return takes


def check_key(takes: Sequence[InputFile], assessment: str) -> str:
    """The key a check is kept under: the takes' contents, their order, the assessment and the settings."""
    digests = "|".join(take.digest for take in takes)
    text = f"{digests}|{assessment}|{current_settings().cache_key()}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def run_check(takes: Sequence[InputFile], assessment: Assessment, key: str) -> SetupCheck | None:
    """Analyse the takes and compare them (the model runs); ``None`` with one line said when it cannot."""
    from posturecheck.repeatability_run import TrialError, run_repeatability

    out_dir = workspace() / "repeatability" / key
    bar = ProgressBar(f"Take 1 of {TAKES}")
    current = [0]

    def on_trial(number: int) -> None:
        current[0] = number
        bar.label = f"Finding the pose in take {number} of {TAKES} ({takes[number - 1].name})"

    options = replace(
        current_settings().analyze_options(out_dir, masks=assessment.needs_masks),
        annotated_video=False,
        on_progress=bar,
        assessment=assessment.name,
    )
    try:
        figures = run_repeatability([take.path for take in takes], options, on_trial)
    except TrialError as exc:
        st.error(
            literal(f"Take {exc.trial} ({takes[exc.trial - 1].name}): {exc.reason}"), icon=":material/error:"
        )
        return None
    except PostureCheckError as exc:
        st.error(literal(_take_problem(exc, takes, current[0])), icon=":material/error:")
        return None
    finally:
        bar.close()
    return SetupCheck(key, assessment.name, tuple(take.name for take in takes), tuple(figures))


def _take_problem(exc: PostureCheckError, takes: Sequence[InputFile], number: int) -> str:
    """A problem as one line; one about take ``number`` (it names its file) names the take and the upload.

    The analysis names a file by the path it was stored at in the session's folder; the user
    knows it by the name it was uploaded with.
    """
    message = str(exc)
    take = takes[number - 1] if number > 0 else None
    if take is None or str(take.path) not in message:
        return message
    return f"Take {number}: {message.replace(str(take.path), take.name)}"


def detectable_change(figure: FigureRepeatability) -> str:
    """What size of change this set-up can detect for one figure, in plain words."""
    mdc = figure.result.mdc95
    if not mdc > 0:
        return (
            f"**{literal(figure.label)}**: the takes gave exactly the same value, so no error could be "
            "measured (the same clip uploaded twice?); film the test again."
        )
    firmer = (
        " It rests on low-confidence values: film again for a firmer figure."
        if figure.confidence != "high"
        else ""
    )
    return (
        f"**{literal(figure.label)}**: a change of more than {format_value(mdc, figure.unit)} is beyond "
        f"measurement error; a smaller one cannot be told from it.{firmer}"
    )


def card_rows(check: SetupCheck) -> list[dict[str, str]]:
    """The card as table rows: per key figure each take's value, SEM, ICC, MDC95 and confidence."""
    rows = []
    for figure in check.figures:
        r = figure.result
        row = {"Key figure": figure.label}
        row |= {f"Take {n}": format_value(v, figure.unit) for n, v in enumerate(figure.values, start=1)}
        row |= {
            "SEM": format_value(r.sem, figure.unit),
            "ICC": "–" if r.icc is None else f"{r.icc:.2f}",
            "MDC95": format_value(r.mdc95, figure.unit),
            "Confidence": figure.confidence,
        }
        rows.append(row)
    return rows


def show_card(check: SetupCheck) -> None:
    """The repeatability card: the table, then what size of change the set-up can detect."""
    st.markdown("### How far each key figure moved between the takes")
    st.dataframe(card_rows(check), hide_index=True, width="stretch")
    st.caption(
        "SEM: the standard error of measurement, how far a figure moves when the same test is filmed "
        "again. MDC95: the smallest change between two visits that is beyond that error, with 95% "
        "confidence (1.96 × √2 × SEM). ICC needs several people, so it is not given for one person "
        "filmed three times. With three takes the SEM is itself uncertain (its 95% interval spans "
        "about 0.5× to 6×): repeat the check on other days or clients for a firmer figure."
    )
    st.markdown(
        "### What size of change this set-up can detect\n"
        + "\n".join(f"- {detectable_change(figure)}" for figure in check.figures)
    )


def served_visits(assessment: str, title: str) -> str:
    """The visits a kept check serves, in words (:func:`~posturecheck.storage.history_entry.error_key`)."""
    from posturecheck.storage.history_entry import PLAIN_ANALYSIS, error_key

    if error_key(assessment) == PLAIN_ANALYSIS:
        return f"*{literal(title)}* and of analyses without an assessment"
    return f"*{literal(title)}*"


def _client_codes() -> list[str]:
    from posturecheck.storage import open_history

    with open_history() as history:
        return [client.code for client in history.clients()]


def show_keep(check: SetupCheck, title: str) -> None:
    """A form keeping the SEM and MDC95 for a client (chosen or typed) or as the clinic's default."""
    st.markdown("### Keep it")
    codes = _client_codes()
    with st.form(f"{KEY}.keep", border=True):
        whom = st.radio(
            "For whom",
            [*codes, NEW_CLIENT, CLINIC],
            index=len(codes),
            key=f"{KEY}.keep.whom",
            help="A client's own set-up is used for their visits; the clinic's default for clients "
            "without their own, for this assessment.",
        )
        code = st.text_input("A new client's name or code", key=f"{KEY}.keep.client")
        st.caption(
            f"Kept for visits of {served_visits(check.assessment, title)}: changes between them are "
            "then judged against these figures."
        )
        submitted = st.form_submit_button("Keep", icon=":material/bookmark_add:")
    _say_kept()
    if not submitted:
        return
    from posturecheck.repeatability_run import measurement_errors
    from posturecheck.storage import open_history

    errors = measurement_errors(check.figures, check.assessment, datetime.now(UTC))
    if not errors:
        st.error("No figure moved between the takes, so no measurement error was kept: film the test again.")
        return
    target = None if whom == CLINIC else code if whom == NEW_CLIENT else whom
    try:
        with open_history() as history:
            client = history.keep_measurement_errors(errors, target)
    except PostureCheckError as exc:
        st.error(literal(str(exc)), icon=":material/error:")
        return
    where = f"for client **{literal(client.code)}**" if client is not None else "as the clinic's default"
    # Said after a rerun, so the form already offers a client just created by name.
    st.session_state[_KEPT] = (
        f"Kept the SEM and MDC95 of {len(errors)} key figure(s) {where}: changes between visits "
        f"of {served_visits(check.assessment, title)} are now judged against them."
    )
    st.rerun()


def _say_kept() -> None:
    """What the last Keep kept, once, with the way to the history."""
    kept = st.session_state.pop(_KEPT, None)
    if kept is not None:
        st.success(kept, icon=":material/bookmark_added:")
        st.page_link(page("history"), label="See the client history", icon=":material/history:")


def render() -> None:
    """Draw the page."""
    st.title("Check your set-up")
    st.caption(
        "Film the same test three times, the same way, and see how far each key figure moves between "
        "the takes: the smallest change between visits your camera, room and way of filming can tell "
        "from measurement error. Everything stays on this computer."
    )
    assessment = choose_assessment(KEY)
    with st.expander("How to film the three takes the same way", expanded=True, icon=":material/videocam:"):
        st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(HOW_TO_FILM, start=1)))
    takes = _takes(assessment)
    missing = [str(n) for n, take in enumerate(takes, start=1) if take is None]
    if missing:
        st.info(f"Upload all three takes of the same test (missing: take {', '.join(missing)}).")
        return
    given = [take for take in takes if take is not None]
    key = check_key(given, assessment.name)
    check = st.session_state.get(_RESULT)
    if not isinstance(check, SetupCheck) or check.key != key:
        if not st.button("Check the set-up", type="primary", icon=":material/play_arrow:", key=f"{KEY}.run"):
            return
        check = run_check(given, assessment, key)
        if check is None:
            return
        st.session_state[_RESULT] = check
    show_card(check)
    show_keep(check, assessment.title)
