"""``kill -9`` in the middle of a save: the history keeps only whole sessions and whole new clients.

A child process saves, either as ``history add`` does for a new client or
a session of an existing client, and is stopped (a real SIGKILL from the
test, not an exception) while its transaction is open, after the session's
rows were sent and before its media rows. Afterwards the database
passes SQLite's integrity check, no client is left without a session, and
no measure or media row is left without its session.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from posturecheck.storage import MeasureValue, open_history
from tests.test_history import MORNING
from tests.test_report import write_result_folder

SAVE_UNTIL_KILLED = """
import sys
from datetime import datetime, timezone
from sqlalchemy import Engine, event
from posturecheck.storage.keep import keep_in_history
from posturecheck.storage import MeasureValue, MediaFile, open_history

url, target, how = sys.argv[1], sys.argv[2], sys.argv[3]
sent = []

@event.listens_for(Engine, "before_cursor_execute")
def wait_at_media(conn, cursor, statement, *args):
    if statement.startswith("INSERT INTO"):
        table = statement.split()[2]
        if table == "media":
            print("at media after", " ".join(sent), flush=True)
            sys.stdin.readline()  # the test kills the process here
            raise SystemExit("not killed")
        sent.append(table)

with open_history(url) as history:
    if how == "new client":  # as 'posturecheck history add RESULT_DIR --client K-NEW' does
        keep_in_history(history, target, "K-NEW")
    else:
        [client] = [c for c in history.clients() if c.code == "K-1"]
        history.save_session(client.id, "standing_posture", datetime(2025, 1, 8, tzinfo=timezone.utc),
                             {"n": 2}, [MeasureValue("m", 2.0, "deg", 1.0)], [MediaFile("report", target)])
"""

ORPHANS = {
    "clients without a session": "SELECT COUNT(*) FROM clients c WHERE NOT EXISTS "
    "(SELECT 1 FROM sessions s WHERE s.client_id = c.id)",
    "sessions without a client": "SELECT COUNT(*) FROM sessions s WHERE NOT EXISTS "
    "(SELECT 1 FROM clients c WHERE c.id = s.client_id)",
    "measures without a session": "SELECT COUNT(*) FROM measures m WHERE NOT EXISTS "
    "(SELECT 1 FROM sessions s WHERE s.id = m.session_id)",
    "media without a session": "SELECT COUNT(*) FROM media m WHERE NOT EXISTS "
    "(SELECT 1 FROM sessions s WHERE s.id = m.session_id)",
}


def orphans(url: str) -> dict[str, int]:
    """Rows of each kind that a half-finished save could leave."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {what: int(connection.scalar(text(query)) or 0) for what, query in ORPHANS.items()}
    engine.dispose()
    return found


def kill_mid_save(url: str, target: Path, how: str) -> str:
    """Run :data:`SAVE_UNTIL_KILLED`, SIGKILL it at its media insert; returns the tables it had sent."""
    child = subprocess.Popen(
        [sys.executable, "-c", SAVE_UNTIL_KILLED, url, str(target), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stderr is not None
        line = child.stdout.readline()
        if not line.startswith("at media"):
            pytest.fail(f"the saving process ended before its media rows: {child.stderr.read()}")
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        child.kill()
        child.wait()
    return line


@pytest.mark.parametrize("how", ["new client", "existing client"])
def test_a_save_killed_mid_transaction_leaves_whole_sessions_only(
    history_url: str, tmp_path: Path, how: str
) -> None:
    if how == "new client":
        target = tmp_path / "visit"
        write_result_folder(target, clip=False)
    else:
        target = tmp_path / "report.html"
        target.write_text("<html></html>")
    files = sorted(target.rglob("*")) if target.is_dir() else [target]
    with open_history(history_url) as history:
        client = history.add_client("K-1")
        first = history.save_session(
            client, "standing_posture", MORNING, {"n": 1}, [MeasureValue("m", 1.0, "deg", 1.0)]
        )

    sent = kill_mid_save(history_url, target, how).split()

    assert "sessions" in sent and ("clients" in sent) == (how == "new client")
    if history_url.startswith("sqlite"):
        with sqlite3.connect(history_url.removeprefix("sqlite:///")) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert orphans(history_url) == dict.fromkeys(ORPHANS, 0)
    with open_history(history_url) as history:
        assert [c.code for c in history.clients()] == ["K-1"]
        [kept] = history.sessions(client)
        assert (kept.id, kept.result, kept.media) == (first, {"n": 1}, ())
        again = history.save_client_session("K-NEW", "standing_posture", MORNING, {"n": 3})
        assert again.new_client and [s.result for s in history.sessions(again.client.id)] == [{"n": 3}]
    assert all(path.exists() for path in files)
