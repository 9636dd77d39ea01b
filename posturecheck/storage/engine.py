"""Open a database engine, with SQLite set up for real transactions, WAL and foreign keys.

Writes take the history's write lock when their transaction begins (see
:func:`writing`), so concurrent writers queue instead of failing part-way.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event

BUSY_TIMEOUT_S = 30.0
"""How long a write waits for another program's write to finish before it gives up, in seconds."""

WRITE_OPTION = "posturecheck_write"
"""Execution option that marks an engine's transactions as writes (see :func:`writing`)."""

# Key of the PostgreSQL advisory lock that stands for the history's write lock
# (any constant; advisory locks are per database, so histories never share one).
_PG_WRITE_LOCK = 0x706F7374757265


def connect(url: URL) -> Engine:
    """A SQLAlchemy engine for ``url``.

    Results are stored as JSON that refuses NaN and infinity, which
    PostgreSQL's JSON type rejects and other readers may not parse.

    Notes
    -----
    For SQLite the connection is put in write-ahead-log mode, so readers do
    not block the writer and a crash leaves the last committed transaction
    intact; foreign keys are enforced (SQLite leaves them off by default);
    and Python's ``sqlite3`` driver is stopped from managing transactions
    itself (it would open them lazily, after schema changes), so every
    ``engine.begin()`` block is one real ``BEGIN ... COMMIT``, schema changes
    included. This is the recipe from SQLAlchemy's SQLite dialect notes.
    A connection that finds the database locked waits up to
    :data:`BUSY_TIMEOUT_S` for it.
    """
    sqlite = url.get_backend_name() == "sqlite"
    engine = create_engine(
        url,
        json_serializer=partial(json.dumps, allow_nan=False),
        connect_args={"timeout": BUSY_TIMEOUT_S} if sqlite else {},
    )
    if sqlite:
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "begin", _postgresql_on_begin)
    return engine


def writing(engine: Engine) -> Engine:
    """``engine`` whose transactions take the history's write lock as they begin.

    Notes
    -----
    A transaction that reads before it writes (is the client there? then
    insert the session) must hold the write lock from its first statement.
    SQLite otherwise starts it as a reader and, when another connection has
    committed in between, refuses the upgrade at once with "database is
    locked": waiting cannot help, as the snapshot it read is stale. So a
    write begins with ``BEGIN IMMEDIATE``, which waits (up to
    :data:`BUSY_TIMEOUT_S`) for the lock instead. On PostgreSQL the same
    lock is a transaction-level advisory lock, waited for at most as long,
    so "create the client unless it exists" cannot race either. Reads use
    the plain engine and never wait for writers.
    """
    return engine.execution_options(**{WRITE_OPTION: True})


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _postgresql_on_begin(connection: Any) -> None:
    if connection.get_execution_options().get(WRITE_OPTION, False):
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(BUSY_TIMEOUT_S * 1000)}ms'")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_WRITE_LOCK})")
