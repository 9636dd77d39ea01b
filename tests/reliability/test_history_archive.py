"""Moving a client with ``history export --out X.zip`` and ``history import X.zip`` (issue 9, item 7).

The archive carries the files the history owns; importing restores them into
the data folder, where the new client owns them. Hostile archives (names
that climb out, absolute names, members the document does not list, sizes
that lie) write nothing outside and leave no client behind.
"""

from __future__ import annotations

import argparse
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from posturecheck.cli_history import add_report_commands, find_client
from posturecheck.errors import InputError
from posturecheck.storage import open_history
from posturecheck.storage.archive import DOCUMENT_NAME
from posturecheck.storage.location import kept_results_dir
from tests.test_report import write_result_folder

Run = Callable[..., int]


@pytest.fixture
def run() -> Run:
    """``run("history", "list")`` does what ``posturecheck history list`` does; returns the exit status."""
    parser = argparse.ArgumentParser(prog="posturecheck")
    handlers = add_report_commands(parser.add_subparsers(dest="command", required=True))

    def run_command(*argv: str) -> int:
        args = parser.parse_args(argv)
        return handlers[args.command](args)

    return run_command


def kept_files() -> list[Path]:
    """Everything in the data folder's kept-results folder (none when it was never made)."""
    return sorted(kept_results_dir().rglob("*")) if kept_results_dir().exists() else []


@pytest.fixture
def archive(run: Run, tmp_path: Path) -> Path:
    """Client AB-1 with one visit (summary, landmarks, a report PDF) exported to a zip."""
    write_result_folder(tmp_path / "visit", clip=False)
    (tmp_path / "visit" / "report.pdf").write_bytes(b"%PDF-1.4 the report")
    assert run("history", "add", str(tmp_path / "visit"), "--client", "AB-1") == 0
    out = tmp_path / "ab-1.zip"
    assert run("history", "export", "--client", "AB-1", "--out", str(out)) == 0
    return out


def test_an_archive_moves_a_client_with_their_files(
    run: Run, archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with zipfile.ZipFile(archive) as zipped:
        assert len([name for name in zipped.namelist() if name.startswith("media/")]) == 3
    originals = {path.name: path.read_bytes() for path in (tmp_path / "visit").iterdir()}
    assert run("history", "delete", "--client", "AB-1", "--yes") == 0
    assert not any((tmp_path / "visit").iterdir())  # gone from this machine, kept in the archive

    assert run("history", "import", str(archive)) == 0
    assert "imported client AB-1 with 1 session(s) and 3 file(s)" in capsys.readouterr().out
    with open_history() as history:
        (session,) = history.sessions(find_client(history, "AB-1").id)
    assert all(item.owned and item.path.is_relative_to(kept_results_dir()) for item in session.media)
    restored = {item.path.name.split("-", 3)[-1]: item.path.read_bytes() for item in session.media}
    assert restored == originals
    assert run("history", "delete", "--client", "AB-1", "--yes") == 0
    assert list(kept_results_dir().iterdir()) == []  # the restored files and their folder went


def test_a_json_export_says_media_were_not_included(
    run: Run, archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ab-1.json"
    assert run("history", "export", "--client", "AB-1", "--out", str(out)) == 0
    assert "media files were not included" in capsys.readouterr().out
    assert run("history", "import", str(out), "--client", "AB-2") == 0
    assert "media were not included: 3 file(s) listed by path" in capsys.readouterr().out
    with pytest.raises(InputError, match=r"name the export \.zip .* or \.json"):
        run("history", "export", "--client", "AB-1", "--out", str(tmp_path / "ab-1.tar"))


def rewrite(archive: Path, target: Path, change: Callable[[dict, zipfile.ZipFile], dict[str, bytes]]) -> Path:
    """A copy of ``archive`` whose document ``change`` edits; ``change`` returns extra members to add."""
    with zipfile.ZipFile(archive) as source:
        document = json.loads(source.read(DOCUMENT_NAME))
        extra = change(document, source)
        with zipfile.ZipFile(target, "w") as copy:
            for info in source.infolist():
                if info.filename != DOCUMENT_NAME:
                    copy.writestr(info, source.read(info))
            for name, data in extra.items():
                copy.writestr(name, data)
            document["client"]["code"] = "X"
            copy.writestr(DOCUMENT_NAME, json.dumps(document))
    return target


@pytest.mark.parametrize(
    "member",
    ["../../escaped.pdf", "/tmp/absolute.pdf", "media/1/../../../escaped.pdf", "media\\1\\1-x.pdf", "C:/x"],
)
def test_a_member_name_that_leaves_the_media_folder_is_refused(
    run: Run, archive: Path, tmp_path: Path, member: str
) -> None:
    def plant(document: dict, _source: zipfile.ZipFile) -> dict[str, bytes]:
        document["sessions"][0]["media"][0]["file"] = member
        return {member: b"planted"}

    hostile = rewrite(archive, tmp_path / "hostile.zip", plant)
    before = sorted(p for p in tmp_path.rglob("*"))
    with pytest.raises(InputError, match="outside media/"):
        run("history", "import", str(hostile))
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not (tmp_path.parent / "escaped.pdf").exists() and not Path("/tmp/absolute.pdf").exists()
    with open_history() as history:
        assert [c.code for c in history.clients()] == ["AB-1"]
    assert kept_files() == []


def test_members_the_document_does_not_list_are_not_extracted(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    def add_unlisted(document: dict, _source: zipfile.ZipFile) -> dict[str, bytes]:
        return {"media/9/1-unlisted.pdf": b"not listed", "../../escaped.pdf": b"not listed either"}

    hostile = rewrite(archive, tmp_path / "extra.zip", add_unlisted)
    assert run("history", "import", str(hostile)) == 0
    names = sorted(path.name for path in kept_results_dir().rglob("*") if path.is_file())
    assert len(names) == 3 and not any("unlisted" in name for name in names)
    assert not (tmp_path.parent / "escaped.pdf").exists()


def test_a_listed_member_missing_from_the_archive_leaves_nothing(
    run: Run, archive: Path, tmp_path: Path
) -> None:
    def name_missing(document: dict, _source: zipfile.ZipFile) -> dict[str, bytes]:
        document["sessions"][0]["media"][0]["file"] = "media/1/9-not-there.pdf"
        return {}

    with pytest.raises(InputError, match="does not hold it"):
        run("history", "import", str(rewrite(archive, tmp_path / "missing.zip", name_missing)))
    assert kept_files() == []
    with open_history() as history:
        assert [c.code for c in history.clients()] == ["AB-1"]


def test_media_larger_than_the_bound_are_refused_before_extracting(
    run: Run, archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("posturecheck.storage.archive.MAX_MEDIA_BYTES", 10)
    with pytest.raises(InputError, match=r"its media take .* at most 0 MiB"):
        run("history", "import", str(archive), "--client", "AB-2")
    assert kept_files() == []


def test_a_member_whose_size_is_understated_is_refused(run: Run, archive: Path, tmp_path: Path) -> None:
    """A zip's central directory may lie about sizes: never more than announced is written, and no client."""
    lying = tmp_path / "lying.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(lying, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            copy.writestr(info, data)
    raw = bytearray(lying.read_bytes())
    # Make every central-directory record claim an uncompressed size of 1 byte.
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        raw[at + 24 : at + 28] = (1).to_bytes(4, "little")
        at = raw.find(b"PK\x01\x02", at + 4)
    lying.write_bytes(bytes(raw))
    with pytest.raises(InputError):
        run("history", "import", str(lying), "--client", "AB-2")
    assert kept_files() == []
    with open_history() as history:
        assert [c.code for c in history.clients()] == ["AB-1"]


def test_the_app_makes_and_imports_the_archive(run: Run, archive: Path) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("posturecheck/app/page_scripts/history.py").run()
    at.button(key="history.archive.1").click().run()
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the archive (zip)" in labels
    assert run("history", "delete", "--client", "AB-1", "--yes") == 0
    at.file_uploader(key="history.import").set_value(("ab-1.zip", archive.read_bytes(), "application/zip"))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.selectbox(key="history.client").value == "AB-1"
    with open_history() as history:
        (session,) = history.sessions(find_client(history, "AB-1").id)
    assert len(session.media) == 3 and all(item.owned and item.path.is_file() for item in session.media)
