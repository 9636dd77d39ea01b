"""Paths read from JSON never make the history delete a file it did not make (issue 9, defects 1 and 2).

An import names media by absolute path, by ``../..`` and through a symlink; a
crafted analysis summary names outputs outside its folder. Deleting the client
from the command line (a real ``python -m posturecheck.cli`` process) or with
the app's Delete button must leave every one of those outside files in place,
and still remove the files the history does own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posturecheck.results.folder import open_result_folder
from posturecheck.storage import open_history
from posturecheck.storage.keep import keep_in_history
from posturecheck.storage.location import default_data_dir, kept_results_dir
from tests.test_report import write_result_folder

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
HISTORY_PAGE = "posturecheck/app/page_scripts/history.py"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``posturecheck ARGS`` run as its own process from ``cwd`` with this worktree's code."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "posturecheck.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def outside_files(tmp_path: Path) -> dict[str, Path]:
    """Files the history never made, outside its data folder, each with known content."""
    outside = tmp_path / "outside"
    outside.mkdir()
    files = {name: outside / f"{name}.pdf" for name in ("absolute", "relative", "linked")}
    for name, path in files.items():
        path.write_text(f"the user's own {name} file")
    return files


def planted_link(target: Path) -> Path:
    """A symlink inside the history's own kept folder that leads to ``target`` outside it."""
    folder = kept_results_dir() / "planted"
    folder.mkdir(parents=True)
    link = folder / "report.pdf"
    link.symlink_to(target)
    return link


def hostile_document(document: dict, victims: dict[str, Path], cwd: Path) -> dict:
    """``document`` under code EVIL, its first session also naming the outside files.

    The relative path is written as ``..``-steps from ``cwd``, the folder the import runs in.
    """
    relative = os.path.relpath(victims["relative"], cwd)
    assert relative.startswith("..")
    document["client"]["code"] = "EVIL"
    document["sessions"][0]["media"] += [
        {"kind": "report_pdf", "path": str(victims["absolute"])},
        {"kind": "report_pdf", "path": relative},
        {"kind": "report_pdf", "path": str(planted_link(victims["linked"]))},
    ]
    return document


def assert_untouched(victims: dict[str, Path]) -> None:
    for name, path in victims.items():
        assert path.read_text() == f"the user's own {name} file", name


def test_a_cli_import_naming_outside_files_never_deletes_them(tmp_path: Path) -> None:
    victims = outside_files(tmp_path)
    work = tmp_path / "work" / "deep"
    work.mkdir(parents=True)
    write_result_folder(tmp_path / "visit", clip=False)
    own = sorted(path for path in (tmp_path / "visit").iterdir())
    assert cli("history", "add", str(tmp_path / "visit"), "--client", "AB-1", cwd=work).returncode == 0
    export = tmp_path / "ab-1.json"
    assert cli("history", "export", "--client", "AB-1", "--out", str(export), cwd=work).returncode == 0
    hostile = tmp_path / "evil.json"
    hostile.write_text(json.dumps(hostile_document(json.loads(export.read_text()), victims, work)))

    imported = cli("history", "import", str(hostile), cwd=work)
    assert imported.returncode == 0, imported.stderr
    deleted = cli("history", "delete", "--client", "EVIL", "--yes", cwd=work)

    assert deleted.returncode == 0, deleted.stderr
    assert_untouched(victims)
    assert (kept_results_dir() / "planted" / "report.pdf").is_symlink()
    # The import also named AB-1's own files: they are AB-1's, not EVIL's, and stay.
    assert all(path.exists() for path in own)
    assert "left in place" in deleted.stdout and "removed:" not in deleted.stdout
    # The files the history does own still go with their client.
    assert cli("history", "delete", "--client", "AB-1", "--yes", cwd=work).returncode == 0
    assert not any(path.exists() for path in own)
    assert_untouched(victims)


def crafted_result_folder(tmp_path: Path, victims: dict[str, Path]) -> Path:
    """An analysis folder whose summary lists outputs outside it, and whose landmarks are a symlink out."""
    folder = tmp_path / "results" / "visit"
    summary = write_result_folder(folder, clip=False)
    landmarks = folder / summary["outputs"]["landmarks"]
    landmarks.unlink()
    landmarks.symlink_to(victims["linked"])
    relative = os.path.relpath(victims["relative"], folder)
    summary["outputs"] |= {"csv": str(victims["absolute"]), "annotated_video": relative}
    (folder / "walk.summary.json").write_text(json.dumps(summary))
    return folder


def test_a_crafted_summary_makes_history_add_adopt_nothing_outside_its_folder(tmp_path: Path) -> None:
    victims = outside_files(tmp_path)
    folder = crafted_result_folder(tmp_path, victims)
    result = open_result_folder(folder)
    assert [result.output(key) for key in ("csv", "annotated_video", "landmarks")] == [None, None, None]

    added = cli("history", "add", str(folder), "--client", "AB-1", cwd=folder)
    assert added.returncode == 0, added.stderr
    with open_history() as history:
        (client,) = history.clients()
        (session,) = history.sessions(client.id)
    assert [(item.kind, item.path) for item in session.media] == [
        ("summary", (folder / "walk.summary.json").resolve())
    ]
    deleted = cli("history", "delete", "--client", "AB-1", "--yes", cwd=folder)
    assert deleted.returncode == 0, deleted.stderr
    assert_untouched(victims)
    assert not (folder / "walk.summary.json").exists()  # its own file went
    assert (folder / "walk.landmarks.npz").is_symlink()  # the link was never the history's


def test_an_owned_file_whose_folder_became_a_symlink_out_is_not_deleted(tmp_path: Path) -> None:
    """The check is made again when deleting: a folder swapped for a symlink does not lead the delete out."""
    write_result_folder(tmp_path / "visit", clip=False)
    with open_history() as history:
        kept = keep_in_history(history, tmp_path / "visit", "AB-1")
        shutil.move(tmp_path / "visit", tmp_path / "elsewhere")
        (tmp_path / "visit").symlink_to(tmp_path / "elsewhere")
        report = history.delete_client(kept.client.id)
    assert report.files_removed == ()
    assert {path.name for path, _ in report.files_failed} == {item.path.name for item in kept.entry.media}
    assert all(path.exists() for path in (tmp_path / "elsewhere").iterdir())


def _history_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(HISTORY_PAGE).run()
    assert not at.exception
    return at


def test_the_apps_delete_lists_what_it_removes_and_leaves_outside_files(tmp_path: Path) -> None:
    victims = outside_files(tmp_path)
    write_result_folder(tmp_path / "visit", clip=False)
    own = sorted(path for path in (tmp_path / "visit").iterdir())
    with open_history() as history:
        keep_in_history(history, tmp_path / "visit", "AB-1")
        document = hostile_document(history.export_client(history.clients()[0].id), victims, Path.cwd())
        evil = history.import_client(document)
    at = _history_page()
    at.selectbox(key="history.client").set_value("EVIL").run()
    confirm = at.text_input(key=f"history.delete.confirm.{evil}")
    assert "removes no file" in confirm.label
    listing = " ".join(e.value for e in [*at.markdown, *at.caption, *at.text])
    assert "leaves 5 file(s) in place" in listing and str(victims["absolute"]) in listing
    confirm.input("EVIL")  # a form: sent with the click
    at.button(key=f"history.delete.{evil}").click().run()
    assert not at.exception and at.success[0].value.startswith("Deleted EVIL")
    assert_untouched(victims)
    assert all(path.exists() for path in own)
    # AB-1's confirmation names the files that do go.
    at.selectbox(key="history.client").set_value("AB-1").run()
    assert f"removes {len(own)} file(s)" in at.text_input(key="history.delete.confirm.1").label


def test_the_apps_keep_of_a_crafted_folder_adopts_nothing_of_the_data_folder(tmp_path: Path) -> None:
    """``../../history.db`` from a kept copy in the data folder would name the history's own database."""
    from posturecheck.app.keeping import keep_copy

    folder = tmp_path / "visit"
    summary = write_result_folder(folder, clip=False)
    summary["outputs"]["csv"] = "../../history.db"
    (folder / "walk.summary.json").write_text(json.dumps(summary))
    with open_history() as history:
        history.add_client("OTHER")
    database = (default_data_dir() / "history.db").resolve()
    kept = keep_copy(folder, "AB-1", None)
    assert database not in [item.path.resolve() for item in kept.entry.media]
    at = _history_page()
    at.selectbox(key="history.client").set_value("AB-1").run()
    at.text_input(key=f"history.delete.confirm.{kept.client.id}").input("AB-1")  # sent with the click
    at.button(key=f"history.delete.{kept.client.id}").click().run()
    assert not at.exception and at.success[0].value.startswith("Deleted AB\\-1")
    # The database file the page reopens is still the one holding OTHER, not a new empty one.
    with open_history() as history:
        assert [client.code for client in history.clients()] == ["OTHER"]
    assert list(kept_results_dir().iterdir()) == []


@pytest.mark.parametrize("name", ["../../victim.pdf", "/abs/victim.pdf"])
def test_an_output_name_is_looked_up_in_the_folder_only(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "a" / "b"
    summary = write_result_folder(folder, clip=False)
    (tmp_path / "victim.pdf").write_text("outside")
    (folder / "victim.pdf").write_text("inside")
    summary["outputs"]["csv"] = name
    (folder / "walk.summary.json").write_text(json.dumps(summary))
    assert open_result_folder(folder).output("csv") == (folder / "victim.pdf").resolve()
