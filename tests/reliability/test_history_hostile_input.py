"""Hostile or broken input to the history gives one line naming the file and the problem (issue 9, item 6).

A damaged database, NaN and infinity in an import, JSON nested 50,000 deep,
a 10,000-character client name, and names written as Markdown: each is
tried from a real ``python -m posturecheck.cli`` process (one line on
stderr, no SQL, no traceback) or in the app (shown as typed, never as a link).
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from posturecheck.errors import PostureCheckError
from posturecheck.storage import HistoryError, open_history
from posturecheck.storage.location import default_data_dir
from tests.test_report import write_result_folder

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
HISTORY_PAGE = "posturecheck/app/page_scripts/history.py"
DEEP = 50_000


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``posturecheck ARGS`` run as its own process with this worktree's code."""
    return subprocess.run(
        [sys.executable, "-m", "posturecheck.cli", *args],
        cwd=cwd,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The single ``error:`` line the command printed; checks it has ``words`` and no SQL or traceback."""
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert not any(bad in lines[0] for bad in ("SQL", "Traceback", "unexpected", "INSERT", "SELECT")), lines[
        0
    ]
    assert all(word in lines[0] for word in words), (words, lines[0])
    return lines[0]


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_history_database_is_named_in_one_line(tmp_path: Path, damage: str) -> None:
    with open_history() as history:
        for number in range(30):
            history.add_client(f"C-{number}", notes="x" * 500)
    database = default_data_dir() / "history.db"
    for leftover in ("-wal", "-shm"):
        Path(f"{database}{leftover}").unlink(missing_ok=True)
    content = database.read_bytes()
    database.write_bytes(os.urandom(8192) if damage == "garbage" else content[:5000])
    done = cli("history", "list", cwd=tmp_path)
    one_line_error(done, str(database), "move it aside")


def export_text(tmp_path: Path) -> str:
    """A real JSON export of client AB-1 with one visit."""
    write_result_folder(tmp_path / "visit", clip=False)
    assert cli("history", "add", str(tmp_path / "visit"), "--client", "AB-1", cwd=tmp_path).returncode == 0
    out = tmp_path / "ab-1.json"
    assert cli("history", "export", "--client", "AB-1", "--out", str(out), cwd=tmp_path).returncode == 0
    return out.read_text()


@pytest.mark.parametrize(
    "old, new, problem",
    [
        ('"result": {', '"result": {"bad": NaN, ', "holds NaN"),
        ('"result": {', '"result": {"bad": -Infinity, ', "holds -Infinity"),
        ('"result": {', '"result": {"bad": 1e999, ', "malformed export"),
        ('"valid_fraction": ', '"valid_fraction": 1e999, "x": ', "malformed export"),
    ],
)
def test_nan_or_infinity_in_an_import_is_one_line(tmp_path: Path, old: str, new: str, problem: str) -> None:
    text = export_text(tmp_path).replace('"code": "AB-1"', '"code": "AB-2"')
    assert old in text
    hostile = tmp_path / "nan.json"
    hostile.write_text(text.replace(old, new, 1))
    one_line_error(cli("history", "import", str(hostile), cwd=tmp_path), problem)
    with open_history() as history:
        assert [c.code for c in history.clients()] == ["AB-1"]


def test_json_nested_fifty_thousand_deep_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * DEEP + "]" * DEEP)
    one_line_error(cli("history", "import", str(deep), cwd=tmp_path), str(deep), "nested too deeply")
    inner = export_text(tmp_path).replace('"code": "AB-1"', '"code": "AB-2"')
    nested = tmp_path / "nested.json"
    nested.write_text(inner.replace('"result": {', '"result": {"deep": ' + "[" * DEEP + "]" * DEEP + ", ", 1))
    one_line_error(cli("history", "import", str(nested), cwd=tmp_path), "nested too deeply")
    summary = tmp_path / "visit" / "walk.summary.json"
    summary.write_text(
        summary.read_text().replace(
            '"measures": [', '"deep": ' + "[" * DEEP + "]" * DEEP + ', "measures": [', 1
        )
    )
    one_line_error(
        cli("history", "add", str(tmp_path / "visit"), "--client", "AB-3", cwd=tmp_path), "nested too deeply"
    )


def test_a_ten_thousand_character_name_is_refused_with_the_limit(tmp_path: Path) -> None:
    write_result_folder(tmp_path / "visit", clip=False)
    name = "N" * 10_000
    one_line_error(
        cli("history", "add", str(tmp_path / "visit"), "--client", name, cwd=tmp_path), "at most 100"
    )
    one_line_error(cli("report", str(tmp_path / "visit"), "--client", name, cwd=tmp_path), "at most 100")
    with open_history() as history:
        with pytest.raises(HistoryError, match="10000 characters long; use at most 100"):
            history.add_client(name)
        with pytest.raises(HistoryError, match="line break"):
            history.add_client("two\nlines")
        assert history.add_client("N" * 100)
        assert history.clients() and len(history.clients()) == 1


def test_the_app_refuses_to_keep_under_a_ten_thousand_character_name(tmp_path: Path) -> None:
    from posturecheck.app.keeping import keep_copy
    from posturecheck.storage.location import kept_results_dir

    write_result_folder(tmp_path / "visit", clip=False)
    with pytest.raises(PostureCheckError, match="at most 100"):
        keep_copy(tmp_path / "visit", "N" * 10_000, None)
    assert list(kept_results_dir().iterdir()) == []


HOSTILE_NAMES = (
    "[click](http://example.com)",
    "**bold**",
    "<http://example.com>",
    "![x](http://e.com/i.png)",
    "www.example.com",
    "ann@example.com",
)
# What GitHub-flavoured Markdown (Streamlit's) links by itself in plain text, escaped or not.
AUTOLINKED = re.compile(r"https?://|www\.|[\w.+-]@[\w-]")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_app_shows_client_names_as_typed_never_as_markdown(tmp_path: Path, name: str) -> None:
    write_result_folder(tmp_path / "visit", clip=False)
    from posturecheck.storage.keep import keep_in_history

    with open_history() as history:
        client = keep_in_history(history, tmp_path / "visit", name).client
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(HISTORY_PAGE).run()
    assert not at.exception
    labels = [
        *(e.value for e in [*at.markdown, *at.info, *at.success, *at.caption]),
        *(e.label for e in at.expander),
        at.text_input(key=f"history.delete.confirm.{client.id}").label,
        *(b.proto.label for b in at.get("download_button")),
    ]
    showing = [text for text in labels if any(word in text for word in ("example", "bold", "i\\.png"))]
    assert len(showing) >= 4, labels  # the heading, the export button, the expander, the confirmation
    markdown = MarkdownIt("commonmark")
    for text in showing:
        rendered = markdown.render(text)
        assert "<a " not in rendered and "<img" not in rendered and "<strong>" not in rendered, rendered
        shown = html.unescape(rendered)
        assert not AUTOLINKED.search(shown), shown
        assert name in shown.replace("\u2060", ""), rendered  # word joiners are invisible


def test_the_app_names_a_damaged_history_database_in_one_line() -> None:
    database = default_data_dir() / "history.db"
    database.parent.mkdir(parents=True)
    database.write_bytes(os.urandom(8192))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(HISTORY_PAGE).run()
    assert not at.exception
    (error,) = at.error
    shown = re.sub(r"\\(.)", r"\1", error.value).replace("\u2060", "")  # as Markdown shows it
    assert shown.startswith(f"{database}: cannot use the history database (file is not a database)")
    assert "SQL" not in shown and "\n" not in shown
