"""The ``posturecheck report`` and ``posturecheck history ...`` commands.

:func:`add_report_commands` adds their parsers to the ``posturecheck``
command and returns their handlers by command name. A handler takes the
parsed arguments and returns the exit status; problems the user can act on
are raised as :class:`~posturecheck.errors.PostureCheckError` for the caller
to print as one line.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DatabaseError

from posturecheck.errors import InputError, PostureCheckError
from posturecheck.storage import ClientInfo, DeletionReport, History, HistoryError, open_history
from posturecheck.storage.errors import unusable_database
from posturecheck.storage.history import client_code

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Handler = Callable[[argparse.Namespace], int]

DATE_FORMAT = "%Y-%m-%d %H:%M"
EXIT_INCOMPLETE = 1
NOT_OWNED = "not made by the history: imported paths or older records"


def positive_int(text: str) -> int:
    """An argument that counts from 1 (people, ports, sizes); argparse reports anything else."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _recording_date(text: str) -> datetime:
    """An ISO 8601 date or date and time; without a zone it is taken as this machine's local time."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"not an ISO date like 2025-03-01 or 2025-03-01T09:30: {text!r}"
        ) from exc
    return when if when.tzinfo is not None else when.astimezone()


def add_report_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> dict[str, Handler]:
    """Add the ``report`` and ``history`` sub-commands to ``subparsers``.

    Returns
    -------
    dict
        Command name -> handler, for the caller's dispatch on ``args.command``.
    """
    report = subparsers.add_parser(
        "report",
        help="write an HTML and a PDF report of an analysis",
        description="Write report.html (self-contained, prints well) and report.pdf for the analysis in "
        "RESULT_DIR: key figures, setup checks, plots over time, key frames with faces blurred, "
        "warnings and an educational note. Nothing leaves this computer.",
    )
    report.add_argument("result_dir", type=Path, metavar="RESULT_DIR", help="a folder written by 'analyze'")
    report.add_argument("--client", metavar="CODE", help="the client's name or code shown on the report")
    report.add_argument("--no-blur", action="store_true", help="do not blur faces in the key frames")
    report.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write: a folder, or a file name whose .html and .pdf are written "
        "(default: RESULT_DIR/report.html and report.pdf)",
    )

    history = subparsers.add_parser(
        "history",
        help="keep analyses per client and follow their progress",
        description="Client history in a local SQLite file (or the database named by $POSTURECHECK_DB_URL).",
    )
    actions = history.add_subparsers(dest="history_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="save an analysis for a client (created if new)",
        description="Save the analysis in RESULT_DIR for a client, in one transaction: "
        "the summary, its key figures, and its files (annotated video, landmarks, "
        "report), which are deleted with the client.",
    )
    add.add_argument("result_dir", type=Path, metavar="RESULT_DIR", help="a folder written by 'analyze'")
    add.add_argument("--client", required=True, metavar="CODE", help="the client's name or code")
    add.add_argument(
        "--person",
        type=positive_int,
        metavar="N",
        help="whose figures to keep when the analysis has several people",
    )
    add.add_argument(
        "--date",
        type=_recording_date,
        metavar="ISO",
        help="when the clip was recorded (default: the clip's metadata, else the analysis time)",
    )

    listing = actions.add_parser("list", help="list clients, or one client's sessions")
    listing.add_argument("--client", metavar="CODE", help="list this client's sessions and measures")

    progress = actions.add_parser("progress", help="plot one measure over a client's sessions")
    progress.add_argument("--client", required=True, metavar="CODE")
    progress.add_argument(
        "--measure",
        required=True,
        metavar="NAME",
        help="e.g. hip_flexion_left_max ('history list --client CODE' lists them)",
    )
    progress.add_argument("--out", type=Path, metavar="PNG", help="default: progress_<CODE>_<NAME>.png")

    progress_report = actions.add_parser(
        "report",
        help="write a client's progress over visits as HTML and PDF",
        description="Write a report of a client's visits: every visit, and per key figure its value, "
        "confidence and a plot over the visits (hip flexion, trunk lean and pelvic obliquity by "
        "default). Nothing leaves this computer.",
    )
    progress_report.add_argument("--client", required=True, metavar="CODE")
    progress_report.add_argument(
        "--figure",
        action="append",
        default=[],
        metavar="NAME",
        help="another key figure to show (repeatable; 'history list --client CODE' lists them)",
    )
    progress_report.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="file name whose .html and .pdf are written (default: progress_<CODE>)",
    )

    export = actions.add_parser(
        "export",
        help="write a client's history to a zip archive (with their files) or a JSON file (without)",
    )
    export.add_argument("--client", required=True, metavar="CODE")
    export.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="FILE.zip: the history and the files it owns (to move a client); "
        "FILE.json: the history only, files listed by path",
    )

    imported = actions.add_parser(
        "import", help="read a client's history from an exported zip archive or JSON file"
    )
    imported.add_argument("file", type=Path, metavar="FILE")
    imported.add_argument(
        "--client", metavar="CODE", help="store under this code instead of the exported one"
    )

    delete = actions.add_parser("delete", help="delete a client with all their sessions and files")
    delete.add_argument("--client", required=True, metavar="CODE")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return {"report": run_report, "history": run_history}


def run_report(args: argparse.Namespace) -> int:
    """``posturecheck report``: write the HTML and PDF report of an analysis."""
    from posturecheck.reports import build_report

    code = client_code(args.client) if args.client is not None else None
    files = build_report(args.result_dir, code, blur=not args.no_blur, out=args.out)
    print(f"html: {files.html}")
    print(f"pdf:  {files.pdf}")
    return 0


def run_history(args: argparse.Namespace) -> int:
    """``posturecheck history ACTION``: the action named in ``args.history_command``."""
    actions: dict[str, Callable[[History, argparse.Namespace], int]] = {
        "add": _add,
        "list": _list,
        "progress": _progress,
        "report": _report,
        "export": _export,
        "import": _import,
        "delete": _delete,
    }
    with open_history() as history:
        try:
            return actions[args.history_command](history, args)
        except DatabaseError as exc:  # damaged after it opened, or a server gone away
            raise unusable_database(history.url, exc.orig) from exc


def find_client(history: History, code: str) -> ClientInfo:
    """The client with ``code``; :class:`HistoryError` naming the known codes when there is none."""
    clients = history.clients()
    for client in clients:
        if client.code == code.strip():
            return client
    known = ", ".join(c.code for c in clients) or "none yet"
    raise HistoryError(f"no client {code!r} in the history {history.url} (clients: {known})")


def _add(history: History, args: argparse.Namespace) -> int:
    from posturecheck.storage.keep import keep_in_history

    kept = keep_in_history(history, args.result_dir, args.client, args.person, args.date)
    entry = kept.entry
    print(
        f"saved session {kept.session_id} for {'new ' if kept.new_client else ''}client {kept.client.code}: "
        f"{entry.assessment} of {entry.source_name or 'the input'} "
        f"({entry.recorded_at.astimezone().strftime(DATE_FORMAT)}, {entry.recorded_how}), "
        f"person {entry.person}, {len(entry.measures)} key figures, {len(entry.media)} files"
    )
    if not any(item.kind.startswith("report") for item in entry.media):
        print(f"no report in {args.result_dir}: run 'posturecheck report' before 'history add' to keep one")
    return 0


def _list(history: History, args: argparse.Namespace) -> int:
    if args.client is None:
        clients = history.clients()
        if not clients:
            print(f"no clients yet in {history.url}")
        for client in clients:
            sessions = history.sessions(client.id)
            last = sessions[-1].recorded_at.astimezone().strftime(DATE_FORMAT) if sessions else "–"
            print(f"{client.code:<24} {len(sessions):>3} session(s)   last: {last}")
        return 0
    client = find_client(history, args.client)
    sessions = history.sessions(client.id)
    print(f"client {client.code}: {len(sessions)} session(s)")
    names: dict[str, None] = {}
    for session in sessions:
        print(
            f"  #{session.id:<4} {session.recorded_at.astimezone().strftime(DATE_FORMAT)}  "
            f"{session.assessment:<16} {session.source_name or '–':<24} "
            f"{len(session.measures)} figures, {len(session.media)} files"
        )
        names.update(dict.fromkeys(m.name for m in session.measures))
    if names:
        print("measures for 'history progress --measure': " + ", ".join(sorted(names)))
    return 0


def _progress(history: History, args: argparse.Namespace) -> int:
    from posturecheck.reports.progress_change import interval_half_width, measured_sessions, visit_changes

    client = find_client(history, args.client)
    figure, points, unit = client_progress(history, client, args.measure)
    out = args.out or Path(f"progress_{_safe(client.code)}_{args.measure}.png")
    try:
        figure.savefig(out, dpi=150)
    except OSError as exc:
        raise InputError(f"{out}: cannot write the plot ({exc.strerror or exc})") from exc
    sessions = history.sessions(client.id)
    # Each figure is printed with its 95 % interval (or says it has none) and the share of frames it
    # rested on in its session.
    for session, kept in measured_sessions(sessions, args.measure):
        width = interval_half_width(session, kept)
        interval = f" ± {width:.0f}" if width is not None else ""
        unknown = "" if width is not None else "; no uncertainty recorded"
        print(
            f"{session.recorded_at.astimezone().strftime(DATE_FORMAT)}  {kept.value:.1f}{interval} {unit}  "
            f"(valid in {kept.valid_fraction:.0%} of the frames in view{unknown})"
        )
    # Each change is stated with the error it was judged against, never as better or worse.
    for change in visit_changes(sessions, args.measure, history.measurement_errors(client.id)):
        print(
            f"change {change.before_at.astimezone().strftime(DATE_FORMAT)} -> "
            f"{change.after_at.astimezone().strftime(DATE_FORMAT)}: {change.sentence()}"
        )
    print(f"{len(points)} session(s) with {args.measure}; plot: {out}")
    return 0


def _report(history: History, args: argparse.Namespace) -> int:
    from posturecheck.reports.progress_report import build_progress_report

    client = find_client(history, args.client)
    out = args.out or Path(f"progress_{_safe(client.code)}")
    files = build_progress_report(history, client, out, args.figure)
    print(f"html: {files.html}")
    print(f"pdf:  {files.pdf}")
    return 0


def client_progress(
    history: History, client: ClientInfo, measure: str
) -> tuple[Figure, list[tuple[datetime, float]], str]:
    """A client's progress on one measure: the plot, its ``(recorded_at, value)`` points and the unit.

    Each change between visits is drawn as beyond, within, or with no recorded measurement
    error (:mod:`posturecheck.reports.progress_change`); each visit's 95 % interval, where its
    summary kept one, as an error bar.

    Raises
    ------
    HistoryError
        If none of the client's sessions has the measure (the message suggests names that do).
    """
    from posturecheck.reports.plots.measure_over_visits import progress_figure
    from posturecheck.reports.progress_change import interval_half_width, measured_sessions, visit_changes

    sessions = history.sessions(client.id)
    units = {m.name: m.unit for s in sessions for m in s.measures}
    if measure not in units:
        containing = [name for name in sorted(units) if measure in name][:4]
        close = containing or difflib.get_close_matches(measure, list(units), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise HistoryError(f"client {client.code} has no measure {measure!r}{hint}")
    measured = measured_sessions(sessions, measure)
    points = [(session.recorded_at, figure.value) for session, figure in measured]
    verdicts = [c.verdict for c in visit_changes(sessions, measure, history.measurement_errors(client.id))]
    widths = [interval_half_width(session, figure) for session, figure in measured]
    figure = progress_figure(points, measure, units[measure], verdicts=verdicts, half_widths=widths)
    return figure, points, units[measure]


def _safe(text: str) -> str:
    """``text`` with only characters safe in a file name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "client"


def _export(history: History, args: argparse.Namespace) -> int:
    from posturecheck.storage.archive import export_archive

    client = find_client(history, args.client)
    suffix = args.out.suffix.lower()
    if suffix not in (".zip", ".json"):
        raise InputError(
            f"{args.out}: name the export .zip (the history and its files) or .json (the history only)"
        )
    if suffix == ".zip":
        counts = export_archive(history, client.id, args.out)
        print(
            f"exported client {client.code} with {counts.sessions} session(s) and {counts.files} file(s) "
            f"to {args.out}"
        )
        return 0
    document = history.export_client(client.id)
    try:
        args.out.write_text(json.dumps(document, indent=2), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{args.out}: cannot write the export ({exc.strerror or exc})") from exc
    print(
        f"exported client {client.code} with {len(document['sessions'])} session(s) to {args.out}; "
        "media files were not included (listed by path only): export to a .zip to take them along"
    )
    return 0


def _import(history: History, args: argparse.Namespace) -> int:
    from posturecheck.storage.archive import import_archive, is_archive
    from posturecheck.storage.exchange import parse_client_json

    try:
        if is_archive(args.file):
            counts = import_archive(history, args.file, args.client)
            print(
                f"imported client {counts.code} with {counts.sessions} session(s) and {counts.files} "
                f"file(s) from {args.file}"
            )
            return 0
        data = args.file.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{args.file}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{args.file}: cannot be read ({exc.strerror or exc})") from exc
    client = history.client(history.import_client(parse_client_json(data, str(args.file)), args.client))
    sessions = history.sessions(client.id)
    listed = sum(len(session.media) for session in sessions)
    print(
        f"imported client {client.code} with {len(sessions)} session(s) from {args.file}; media were not "
        f"included: {listed} file(s) listed by path, left where they are and never deleted by the history"
    )
    return 0


def _delete(history: History, args: argparse.Namespace) -> int:
    client = find_client(history, args.client)
    if not args.yes:
        if not sys.stdin.isatty():
            raise PostureCheckError(f"deleting client {client.code} needs --yes (no terminal to ask on)")
        plan = history.deletion_plan(client.id)
        _print_files(
            ("will remove", plan.to_remove),
            ("will keep (another client's session owns them)", plan.kept),
            (f"will leave in place ({NOT_OWNED})", plan.not_owned),
        )
        question = (
            f"delete client {client.code} with {plan.sessions} session(s) "
            f"and remove {len(plan.to_remove)} file(s)? [y/N] "
        )
        if input(question).strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return 0
    report = history.delete_client(client.id)
    _print_deletion(report)
    if not report.files_failed:
        return 0
    print(
        f"error: {len(report.files_failed)} file(s) of client {report.client_code} could not be removed "
        "(listed above)",
        file=sys.stderr,
    )
    return EXIT_INCOMPLETE


def _print_deletion(report: DeletionReport) -> None:
    print(
        f"deleted client {report.client_code}: {report.sessions} session(s), "
        f"{report.measures} key figure(s), {report.media_records} file record(s)"
    )
    _print_files(
        ("removed", report.files_removed),
        ("already missing", report.files_missing),
        ("kept (another client's session owns them)", report.files_kept),
        ("could not remove", [f"{p} ({why})" for p, why in report.files_failed]),
        (f"left in place ({NOT_OWNED})", report.files_not_owned),
    )


def _print_files(*groups: tuple[str, Sequence[object]]) -> None:
    """Each non-empty group of files as a titled count and one indented line per file."""
    for title, paths in groups:
        if paths:
            print(f"{title}: {len(paths)} file(s)")
            for path in paths:
                print(f"  {path}")
