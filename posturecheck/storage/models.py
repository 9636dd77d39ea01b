"""The history's tables as SQLAlchemy ORM classes (the latest schema; :mod:`.migrations` builds it).

Tables: ``clients`` 1-n ``sessions`` 1-n ``measures`` and ``media``;
``measurement_errors`` (a client's, or with no client the clinic's default).
Child rows are deleted with their parent (``ON DELETE CASCADE`` and ORM cascade).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, Float, ForeignKey, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC.

    Naive datetimes are refused: their time zone would be a guess. SQLite
    has no time zone type, so UTC is stored without an offset there and the
    zone is put back on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"datetime {value.isoformat()} has no time zone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the history tables."""

    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON}


class Client(Base):
    """A person whose sessions are kept."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
    notes: Mapped[str] = mapped_column(Text)
    sessions: Mapped[list[SessionRecord]] = relationship(
        back_populates="client", cascade="all, delete-orphan", passive_deletes=True
    )
    measurement_errors: Mapped[list[MeasurementErrorRecord]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class SessionRecord(Base):
    """One analysed recording of a client under one assessment protocol."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[datetime]
    assessment: Mapped[str] = mapped_column(String(100))
    source_name: Mapped[str] = mapped_column(String(500))
    result: Mapped[dict[str, Any]]
    result_version: Mapped[int]
    client: Mapped[Client] = relationship(back_populates="sessions")
    measures: Mapped[list[Measure]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True, order_by="Measure.id"
    )
    media: Mapped[list[Media]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True, order_by="Media.id"
    )


class Measure(Base):
    """A key figure of a session; ``value`` is NULL when nothing valid was measured."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    valid_fraction: Mapped[float] = mapped_column(Float)
    session: Mapped[SessionRecord] = relationship(back_populates="measures")


class Media(Base):
    """A file on disk listed by a session (annotated video, landmarks, report).

    ``owned_within`` is the folder the history was entrusted with when the
    file was recorded (see :mod:`.ownership`); the file is deleted with its
    client only then. ``NULL``: recorded as data (an imported path, or a row
    from before schema version 3), never deleted.
    """

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(Text)
    owned_within: Mapped[str | None] = mapped_column(Text)
    session: Mapped[SessionRecord] = relationship(back_populates="media")


class MeasurementErrorRecord(Base):
    """A key figure's SEM and MDC95 from a repeatability run (schema version 4).

    ``client_id`` NULL: the clinic's default for ``assessment``. At most one
    row per client (or default), assessment and name: a new run replaces it.
    """

    __tablename__ = "measurement_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    assessment: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20))
    sem: Mapped[float] = mapped_column(Float)
    mdc95: Mapped[float] = mapped_column(Float)
    trials: Mapped[int]
    confidence: Mapped[str] = mapped_column(String(10))
    measured_at: Mapped[datetime]
