"""Open a database engine, with SQLite set up for real transactions, WAL and foreign keys."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event


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
    """
    engine = create_engine(url, json_serializer=partial(json.dumps, allow_nan=False))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")
