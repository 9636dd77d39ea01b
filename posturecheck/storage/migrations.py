"""Schema migrations: a version table and ordered steps, each run in its own transaction.

``MIGRATIONS[k]`` takes the schema from version ``k`` to ``k + 1``. A step
is written against SQLAlchemy Core with the tables as they were at that
version, never against :mod:`.models` (which follows the latest schema), so
old steps keep building the same schema. Add a step to change the schema;
never edit a released one.

Notes
-----
Alembic was not used: its autogeneration and branching help projects with
many contributors changing a large schema, and cost a dependency, a
configuration folder and a second way of running the code. Four tables
that change rarely need only an ordered list of functions, a version
table, and a test that the migrated schema equals the ORM's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    inspect,
    select,
    text,
)

from posturecheck.storage.engine import writing
from posturecheck.storage.errors import HistoryError

VERSION_TABLE = "schema_migrations"


def _version_table(metadata: MetaData) -> Table:
    return Table(
        VERSION_TABLE,
        metadata,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("applied_at", DateTime(timezone=True), nullable=False),
    )


def _v1_clients_sessions_measures(connection: Connection) -> None:
    """Version 1: clients, their sessions with the result JSON, and the sessions' key figures."""
    metadata = MetaData()
    Table(
        "clients",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("code", String(200), nullable=False, unique=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("notes", Text, nullable=False),
    )
    Table(
        "sessions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        Column("assessment", String(100), nullable=False),
        Column("source_name", String(500), nullable=False),
        Column("result", JSON, nullable=False),
        Column("result_version", Integer, nullable=False),
    )
    Table(
        "measures",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        Column("name", String(100), nullable=False),
        Column("value", Float, nullable=True),
        Column("unit", String(20), nullable=False),
        Column("valid_fraction", Float, nullable=False),
    )
    metadata.create_all(connection, checkfirst=False)


def _v2_media_and_progress_index(connection: Connection) -> None:
    """Version 2: media files owned by sessions; an index on measure names for progress queries."""
    metadata = MetaData()
    Table("sessions", metadata, autoload_with=connection)
    media = Table(
        "media",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        Column("kind", String(40), nullable=False),
        Column("path", Text, nullable=False),
    )
    media.create(connection, checkfirst=False)
    measures = Table("measures", metadata, autoload_with=connection)
    Index("ix_measures_name", measures.c.name).create(connection, checkfirst=False)


def _v3_media_ownership(connection: Connection) -> None:
    """Version 3: the folder within which the history owns a media file (``NULL``: not owned).

    Rows from before are left ``NULL``: an imported path and a file the
    history was given look alike in them, so none is deleted on trust.
    """
    connection.execute(text("ALTER TABLE media ADD COLUMN owned_within TEXT"))


def _v4_measurement_errors(connection: Connection) -> None:
    """Version 4: each key figure's SEM and MDC95 from a repeatability run, a client's or the clinic's.

    Histories from before have none: their progress says "no uncertainty
    recorded" until a repeatability run is kept.
    """
    metadata = MetaData()
    Table("clients", metadata, autoload_with=connection)
    Table(
        "measurement_errors",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=True, index=True),
        Column("assessment", String(100), nullable=False),
        Column("name", String(100), nullable=False),
        Column("unit", String(20), nullable=False),
        Column("sem", Float, nullable=False),
        Column("mdc95", Float, nullable=False),
        Column("trials", Integer, nullable=False),
        Column("confidence", String(10), nullable=False),
        Column("measured_at", DateTime(timezone=True), nullable=False),
    ).create(connection, checkfirst=False)


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _v1_clients_sessions_measures,
    _v2_media_and_progress_index,
    _v3_media_ownership,
    _v4_measurement_errors,
)
LATEST_VERSION = len(MIGRATIONS)


def schema_version(connection: Connection) -> int:
    """The schema version of the database behind ``connection``; 0 for an empty database."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return 0
    table = _version_table(MetaData())
    return int(connection.execute(select(func.coalesce(func.max(table.c.version), 0))).scalar_one())


def migrate(engine: Engine, target: int = LATEST_VERSION) -> int:
    """Bring the database up to schema version ``target``; returns the version it is at.

    Each step and the record of it commit together, so a failure leaves the
    database at the last completed version. Each step holds the write lock
    (:func:`.engine.writing`) and is skipped when another program opening
    the same history has just done it, so two first runs at once both work.

    Raises
    ------
    HistoryError
        If the database is at a newer version than this posturecheck knows
        (it was written by a later release), or ``target`` is out of range.
    """
    if not 0 <= target <= LATEST_VERSION:
        raise ValueError(f"schema version {target} does not exist (latest is {LATEST_VERSION})")
    with engine.connect() as connection:
        current = schema_version(connection)
    if current < target:
        with writing(engine).begin() as connection:
            _version_table(MetaData()).create(connection, checkfirst=True)
    if current > LATEST_VERSION:
        raise HistoryError(
            f"{engine.url.render_as_string(hide_password=True)}: history schema version {current} is newer "
            f"than this posturecheck supports ({LATEST_VERSION}); update posturecheck"
        )
    table = _version_table(MetaData())
    for version in range(current + 1, target + 1):
        with writing(engine).begin() as connection:
            if schema_version(connection) >= version:  # another program opening the history did it
                continue
            MIGRATIONS[version - 1](connection)
            connection.execute(insert(table).values(version=version, applied_at=datetime.now(UTC)))
    return max(current, target)
