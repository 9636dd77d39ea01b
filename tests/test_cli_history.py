"""The ``report`` and ``history`` command handlers, on synthetic analysis folders and a temporary history.

Each test runs the handlers as the ``posturecheck`` command does: parse the arguments with the parsers
:func:`add_report_commands` added, call the handler for ``args.command``.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from posturecheck.cli_history import add_report_commands, client_progress, find_client
from posturecheck.errors import InputError, PostureCheckError
from posturecheck.storage import HistoryError, open_history
from posturecheck.storage.location import kept_results_dir
from posturecheck.summary_schema import SCHEMA_VERSION, AnalysisSummary
from tests.test_report import STEM, write_result_folder

Run = Callable[..., int]
TABLES = ("clients", "sessions", "measures", "media")
HIP = "hip_flexion_left_max"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty history in a temporary SQLite file, named by ``POSTURECHECK_DB_URL``."""
    path = tmp_path / "history.db"
    monkeypatch.setenv("POSTURECHECK_DB_URL", f"sqlite:///{path}")
    return path


@pytest.fixture
def run(database: Path) -> Run:
    """``run("history", "list")`` does what ``posturecheck history list`` does and returns its exit status."""
    parser = argparse.ArgumentParser(prog="posturecheck")
    handlers = add_report_commands(parser.add_subparsers(dest="command", required=True))

    def run_command(*argv: str) -> int:
        args = parser.parse_args(argv)
        return handlers[args.command](args)

    return run_command


def rows(database: Path) -> dict[str, int]:
    """Row count of each history table."""
    with sqlite3.connect(database) as connection:
        return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}


def files_in(folder: Path) -> set[Path]:
    return {path for path in folder.iterdir() if path.is_file()}


def test_two_visits_make_a_progress_plot_of_two_points(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_result_folder(tmp_path / "march", amplitude=15.0)
    second = write_result_folder(tmp_path / "april", amplitude=30.0)
    assert (
        run("history", "add", str(tmp_path / "march"), "--client", "AB-1", "--date", "2025-03-01T09:30") == 0
    )
    assert (
        run("history", "add", str(tmp_path / "april"), "--client", "AB-1", "--date", "2025-04-01T09:30") == 0
    )
    out = capsys.readouterr().out
    assert "new client AB-1" in out and out.count("saved session") == 2

    assert run("history", "list") == 0
    assert run("history", "list", "--client", "AB-1") == 0
    listing = capsys.readouterr().out
    assert "AB-1" in listing and "2 session(s)" in listing and "hip_flexion_left_max" in listing

    plot = tmp_path / "progress.png"
    assert (
        run(
            "history", "progress", "--client", "AB-1", "--measure", "hip_flexion_left_max", "--out", str(plot)
        )
        == 0
    )
    assert plot.read_bytes().startswith(b"\x89PNG")
    expected = [s["measures"][0]["measures"]["hip_flexion_left"]["max"] for s in (first, second)]
    printed = capsys.readouterr().out
    assert "2 session(s) with hip_flexion_left_max" in printed
    assert printed.count("of the frames in view") == 2  # each figure with the share of frames it rests on
    with open_history() as history:
        figure, points, unit = client_progress(history, find_client(history, "AB-1"), "hip_flexion_left_max")
    assert unit == "deg" and [value for _, value in points] == pytest.approx(expected)
    line = figure.axes[0].lines[0]
    assert len(line.get_xdata()) == 2 and list(line.get_ydata()) == pytest.approx(expected)


def test_a_saved_session_holds_the_summary_key_figures_and_files(run: Run, tmp_path: Path) -> None:
    summary = write_result_folder(tmp_path / "visit")
    (tmp_path / "visit" / "report.html").write_text("<html></html>")
    (tmp_path / "visit" / "report.pdf").write_bytes(b"%PDF-1.4")
    assert run("history", "add", str(tmp_path / "visit"), "--client", "AB-1") == 0
    with open_history() as history:
        (session,) = history.sessions(find_client(history, "AB-1").id)
    # The summary is kept in today's layout, with its version, whichever layout the folder's file had.
    assert session.result == AnalysisSummary.from_dict(summary).to_dict()
    assert session.result_version == SCHEMA_VERSION == session.result["schema_version"]
    assert session.assessment == "analysis" and session.source_name == "walk.mp4"
    figures = {m.name: m for m in session.measures}
    hip = summary["measures"][0]["measures"]["hip_flexion_left"]
    assert figures["hip_flexion_left_median"].value == pytest.approx(hip["median"])
    # The share the figure's confidence rests on: valid frames among those the person was in view.
    assert figures["hip_flexion_left_range"].valid_fraction == pytest.approx(hip["fraction_valid_in_view"])
    assert math.isnan(figures["pelvic_obliquity_max"].value)  # not measured in a side view
    kinds = {f.kind: f.path.name for f in session.media}
    assert kinds == {
        "summary": "walk.summary.json",
        "landmarks": "walk.landmarks.npz",
        "report_html": "report.html",
        "report_pdf": "report.pdf",
    }


def test_delete_removes_every_row_and_file_of_the_client(
    run: Run, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("one", "two"):
        write_result_folder(tmp_path / name)
        assert run("history", "add", str(tmp_path / name), "--client", "AB-1") == 0
    write_result_folder(tmp_path / "other")
    assert run("history", "add", str(tmp_path / "other"), "--client", "CD-2") == 0
    kept_rows = rows(database)
    other_files = files_in(tmp_path / "other")
    with open_history() as history:
        owned = {f.path for s in history.sessions(find_client(history, "AB-1").id) for f in s.media}
    capsys.readouterr()

    assert run("history", "delete", "--client", "AB-1", "--yes") == 0
    out = capsys.readouterr().out
    assert "deleted client AB-1: 2 session(s)" in out and f"removed: {len(owned)} file(s)" in out
    assert all(str(path) in out for path in owned)
    assert not any(path.exists() for path in owned)
    assert files_in(tmp_path / "other") == other_files
    left = rows(database)
    assert left["clients"] == 1 and left["sessions"] == 1
    assert left["measures"] == kept_rows["measures"] // 3 and left["media"] == kept_rows["media"] // 3
    with pytest.raises(HistoryError, match="no client 'AB-1'"):
        run("history", "list", "--client", "AB-1")


def test_export_and_import_round_trip(run: Run, tmp_path: Path) -> None:
    write_result_folder(tmp_path / "visit")
    assert run("history", "add", str(tmp_path / "visit"), "--client", "AB-1", "--date", "2025-03-01") == 0
    export = tmp_path / "ab-1.json"
    assert run("history", "export", "--client", "AB-1", "--out", str(export)) == 0
    assert json.loads(export.read_text())["client"]["code"] == "AB-1"
    assert run("history", "import", str(export), "--client", "AB-1 copy") == 0
    with open_history() as history:
        original, copy = (history.sessions(find_client(history, code).id) for code in ("AB-1", "AB-1 copy"))
    assert len(copy) == 1 and copy[0].recorded_at == original[0].recorded_at
    assert copy[0].result == original[0].result
    # The JSON names the files by path: recorded as data, owned only by the session that made them.
    assert [(f.kind, f.path) for f in copy[0].media] == [(f.kind, f.path) for f in original[0].media]
    assert [f.owned for f in original[0].media + copy[0].media] == [True] * 2 + [False] * 2
    assert [(m.name, m.unit) for m in copy[0].measures] == [(m.name, m.unit) for m in original[0].measures]
    with pytest.raises(HistoryError, match="already in the history"):
        run("history", "import", str(export))


def test_a_failed_save_leaves_no_new_client(run: Run, database: Path, tmp_path: Path) -> None:
    summary = write_result_folder(tmp_path / "visit")
    summary["processing"] = {"frames_per_second": float("nan")}  # not strict JSON: the save is refused
    (tmp_path / "visit" / "walk.summary.json").write_text(json.dumps(summary))
    with pytest.raises(HistoryError, match="cannot be saved"):
        run("history", "add", str(tmp_path / "visit"), "--client", "AB-1")
    assert rows(database) == dict.fromkeys(TABLES, 0)


def test_history_problems_are_one_line_errors(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_result_folder(tmp_path / "two", people=2)
    with pytest.raises(InputError, match="2 people were measured .*--person N"):
        run("history", "add", str(tmp_path / "two"), "--client", "AB-1")
    with pytest.raises(InputError, match="there is no person 3"):
        run("history", "add", str(tmp_path / "two"), "--client", "AB-1", "--person", "3")
    assert run("history", "add", str(tmp_path / "two"), "--client", "AB-1", "--person", "2") == 0
    with pytest.raises(HistoryError, match="has no measure 'hip_flex'; did you mean hip_flexion_left_max"):
        run("history", "progress", "--client", "AB-1", "--measure", "hip_flex")
    with pytest.raises(HistoryError, match=r"no client 'XY' in the history .* \(clients: AB-1\)"):
        run("history", "export", "--client", "XY", "--out", str(tmp_path / "x.json"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(PostureCheckError, match="needs --yes"):
        run("history", "delete", "--client", "AB-1")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(InputError, match="not a JSON file"):
        run("history", "import", str(tmp_path / "broken.json"))
    with pytest.raises(InputError, match="no such folder"):
        run("history", "add", str(tmp_path / "missing"), "--client", "AB-1")


def test_delete_asks_first_on_a_terminal(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_result_folder(tmp_path / "visit")
    assert run("history", "add", str(tmp_path / "visit"), "--client", "AB-1") == 0
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda question: "n")
    assert run("history", "delete", "--client", "AB-1") == 0
    out = capsys.readouterr().out
    assert "nothing deleted" in out
    # What goes is listed before the question, each file on its own line.
    assert "will remove: 2 file(s)" in out and f"  {(tmp_path / 'visit' / 'walk.summary.json')}" in out
    assert (tmp_path / "visit" / "walk.summary.json").exists()
    monkeypatch.setattr("builtins.input", lambda question: "y")
    assert run("history", "delete", "--client", "AB-1") == 0
    assert not (tmp_path / "visit" / "walk.summary.json").exists()


def test_report_command_writes_both_files(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_result_folder(tmp_path / "visit")
    out = tmp_path / "reports"
    out.mkdir()
    assert run("report", str(tmp_path / "visit"), "--client", "AB-1", "--no-blur", "--out", str(out)) == 0
    assert (out / "report.html").is_file() and (out / "report.pdf").read_bytes().startswith(b"%PDF")
    printed = capsys.readouterr().out
    assert f"html: {out / 'report.html'}" in printed and f"pdf:  {out / 'report.pdf'}" in printed
    with pytest.raises(InputError, match="no analysis summary"):
        run("report", str(out))


def test_history_report_writes_the_progress_report(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for month, amplitude in (("03", 15.0), ("04", 30.0)):
        write_result_folder(tmp_path / month, amplitude=amplitude)
        assert (
            run("history", "add", str(tmp_path / month), "--client", "AB-1", "--date", f"2025-{month}-01")
            == 0
        )
    out = tmp_path / "reports" / "ab1"
    assert (
        run("history", "report", "--client", "AB-1", "--figure", "knee_flexion_left_max", "--out", str(out))
        == 0
    )
    assert f"pdf:  {out}.pdf" in capsys.readouterr().out
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "Progress over visits" in html and "Knee flexion, left: most" in html
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(PostureCheckError, match="no key figure 'nope'"):
        run("history", "report", "--client", "AB-1", "--figure", "nope", "--out", str(out))


def test_deleting_removes_emptied_kept_copies_but_no_other_folder(run: Run, tmp_path: Path) -> None:
    """A kept copy's folder (the app's) goes with its files; a folder the user made stays."""
    kept = kept_results_dir() / "20260301-093000-abcdef12"
    kept.parent.mkdir(parents=True)
    for folder in (kept, tmp_path / "mine"):
        write_result_folder(folder)
        (folder / "walk.mp4").unlink()  # the clip is not part of an analysis's own files
    assert run("history", "add", str(kept), "--client", "AB-1") == 0
    assert run("history", "add", str(tmp_path / "mine"), "--client", "AB-1") == 0
    assert run("history", "delete", "--client", "AB-1", "--yes") == 0
    assert not kept.exists() and list(kept_results_dir().iterdir()) == []
    assert (tmp_path / "mine").is_dir() and list((tmp_path / "mine").iterdir()) == []


def _two_visits(run: Run, tmp_path: Path, before_uncertainty: bool = False) -> list[float]:
    """Two visits of client AB-1 (left hip flexion max from swings of 15 then 30 deg); their values.

    ``before_uncertainty``: their summaries as written before errors and intervals were recorded.
    """
    values = []
    for name, amplitude, date in (("march", 15.0, "2025-03-01T09:30"), ("april", 30.0, "2025-04-01T09:30")):
        summary = write_result_folder(tmp_path / name, amplitude=amplitude)
        if before_uncertainty:
            for person in summary["measures"]:
                for measure in person["measures"].values():
                    measure.pop("expected_error_deg", None)
                    measure.pop("interval_95", None)
            (tmp_path / name / f"{STEM}.summary.json").write_text(json.dumps(summary))
        values.append(summary["measures"][0]["measures"]["hip_flexion_left"]["max"])
        assert run("history", "add", str(tmp_path / name), "--client", "AB-1", "--date", date) == 0
    return values


def _progress_changes(run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The change lines ``history progress`` prints for left hip flexion."""
    capsys.readouterr()
    plot = tmp_path / "progress.png"
    assert run("history", "progress", "--client", "AB-1", "--measure", HIP, "--out", str(plot)) == 0
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("change ")]


def test_history_progress_judges_each_change_against_the_kept_mdc(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from posturecheck.measures.repeatability import ChangeVerdict
    from posturecheck.storage import MeasurementError

    before, after = _two_visits(run, tmp_path, before_uncertainty=True)
    change = after - before
    assert change > 2.0  # the swings differ, so the test can tell within from beyond

    # A history kept before uncertainties existed: the change is a number, judged against nothing.
    (line,) = _progress_changes(run, tmp_path, capsys)
    assert (
        line.startswith("change 2025-03-01 09:30 -> 2025-04-01 09:30: +")
        and "no uncertainty recorded" in line
    )
    assert "beyond" not in line and "within" not in line

    for mdc95, verdict in (
        (change + 1.0, ChangeVerdict.WITHIN_ERROR),
        (change - 1.0, ChangeVerdict.BEYOND_ERROR),
    ):
        error = MeasurementError("analysis", HIP, "deg", mdc95 / 2.77, mdc95, 3, "high", datetime.now(UTC))
        with open_history() as history:
            history.keep_measurement_errors([error], "AB-1")
            figure, _, _ = client_progress(history, find_client(history, "AB-1"), HIP)
        (line,) = _progress_changes(run, tmp_path, capsys)
        assert f"{verdict.value} (judged against the MDC95 of {mdc95:.1f}° kept for this client" in line
        segment = figure.axes[0].lines[1]  # the line from the first visit to the second
        assert segment.get_linestyle() == ("-" if verdict is ChangeVerdict.BEYOND_ERROR else "--")
        assert figure.axes[0].get_legend().get_texts()[0].get_text().startswith(verdict.value)


def test_history_progress_prints_each_visits_95_interval_or_says_it_has_none(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Visit 1 kept a ± 3.4° interval for left hip flexion; visit 2 is from before intervals."""
    from posturecheck.storage import MeasureValue

    interval = {"half_width_deg": 3.4, "expected_error_deg": 1.4, "spread_deg": None, "n": None, "basis": "x"}
    kept = ({"max": 30.0, "unit": "deg", "interval_95": interval}, {"max": 36.5, "unit": "deg"})
    days = (datetime(2025, 3, 1, 9, 30, tzinfo=UTC), datetime(2025, 4, 1, 9, 30, tzinfo=UTC))
    with open_history() as history:
        client = history.add_client("AB-1")
        for when, hip in zip(days, kept, strict=True):
            summary = {"measures": [{"person": 1, "measures": {"hip_flexion_left": hip}}]}
            figure = MeasureValue(HIP, hip["max"], "deg", 0.9)
            history.save_session(client, "analysis", when, summary, [figure], source_name="walk.mp4")
    capsys.readouterr()
    assert (
        run("history", "progress", "--client", "AB-1", "--measure", HIP, "--out", str(tmp_path / "p.png"))
        == 0
    )
    visits = [line for line in capsys.readouterr().out.splitlines() if "of the frames in view" in line]
    assert len(visits) == 2
    assert "30.0 ± 3 deg" in visits[0] and "uncertainty" not in visits[0]
    assert "36.5 deg" in visits[1] and "no uncertainty recorded" in visits[1]
