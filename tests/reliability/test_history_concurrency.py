"""Many ``history add`` at once: parallel writer processes lose no session and raise nothing.

Eight processes save fifty sessions each into one new database, through
the same call as ``posturecheck history add``. Pairs of writers share a client
code, so creating a client races too, and all of them open the new database
at once, so its first migration races as well. Runs on SQLite and on a real
PostgreSQL server (see ``tests/conftest.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from posturecheck.storage import HistoryError, engine, open_history
from posturecheck.storage.location import database_url
from tests.reliability.history_writers import run_writers
from tests.test_history import MORNING
from tests.test_report import write_result_folder

WRITERS = 8
SAVES = 50


def test_parallel_history_adds_lose_nothing_and_raise_nothing(history_url: str, tmp_path: Path) -> None:
    folders = [tmp_path / f"visit{w}" for w in range(WRITERS)]
    for folder in folders:
        write_result_folder(folder, clip=False)
    codes = [f"C-{w // 2}" for w in range(WRITERS)]

    run = run_writers(history_url, folders, codes, SAVES)

    assert run.failures == [], run.errors[:2]
    assert run.exit_codes == [0] * WRITERS and run.errors == []
    assert len(run.saved) == WRITERS * SAVES and len({sid for sid, _ in run.saved}) == WRITERS * SAVES
    files_per_session = {files for _, files in run.saved}
    assert len(files_per_session) == 1 and files_per_session != {0}
    with open_history(history_url) as history:
        clients = history.clients()
        assert sorted(c.code for c in clients) == sorted(set(codes))
        for client in clients:
            sessions = history.sessions(client.id)
            assert len(sessions) == 2 * SAVES
            assert {len(s.media) for s in sessions} == files_per_session


def test_a_writer_that_waits_too_long_for_the_lock_gets_one_clear_error(
    history_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_S", 0.2)
    holder = engine.connect(database_url(history_url))
    with open_history(history_url) as history:
        busy = "the history is busy: another program kept it locked"
        with engine.writing(holder).begin(), pytest.raises(HistoryError, match=busy):
            history.save_client_session("LATE", "standing_posture", MORNING, {})
        holder.dispose()
        saved = history.save_client_session("LATE", "standing_posture", MORNING, {})
        assert saved.new_client and [c.code for c in history.clients()] == ["LATE"]


def test_a_save_holds_the_write_lock_from_its_first_statement(
    history_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save that read as a reader first could not write after another program's commit."""
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_S", 0.1)
    other = engine.connect(database_url(history_url))
    checked: list[str] = []

    def write_from_elsewhere(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not checked and "FROM clients" in statement:
            checked.append(statement)
            with pytest.raises(OperationalError), engine.writing(other).begin():
                pass

    with open_history(history_url) as history:
        client = history.add_client("C-1")
        event.listen(Engine, "before_cursor_execute", write_from_elsewhere)
        try:
            history.save_session(client, "standing_posture", MORNING, {})
        finally:
            event.remove(Engine, "before_cursor_execute", write_from_elsewhere)
            other.dispose()
        assert checked and len(history.sessions(client)) == 1
