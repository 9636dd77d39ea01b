"""Clients, their assessment sessions, key figures and media files, kept in a database.

SQLite in the user's data folder by default; any SQLAlchemy URL (e.g.
PostgreSQL for a clinic) through :func:`open_history` or the
``POSTURECHECK_DB_URL`` variable. Every method is one transaction: it
stores all it was given or nothing. Writes queue for the history's write
lock (:func:`.engine.writing`), so several programs can save at once.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, or_, select
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from posturecheck.errors import InputError
from posturecheck.storage.engine import connect, writing
from posturecheck.storage.errors import HistoryError, unusable_database
from posturecheck.storage.exchange import client_document, read_client_document
from posturecheck.storage.location import database_url, kept_results_dir
from posturecheck.storage.migrations import migrate
from posturecheck.storage.models import Client, Measure, MeasurementErrorRecord, Media, SessionRecord
from posturecheck.storage.ownership import deletable, owned_file
from posturecheck.storage.records import (
    ClientInfo,
    DeletionPlan,
    DeletionReport,
    MeasurementError,
    MeasureValue,
    MediaFile,
    SavedSession,
    SessionData,
    SessionInfo,
)

MAX_CODE_LENGTH = 100


def open_history(url: str | None = None) -> History:
    """Open (creating or upgrading as needed) the history database.

    Parameters
    ----------
    url : SQLAlchemy database URL; ``None`` for ``$POSTURECHECK_DB_URL`` or
        ``history.db`` in the user's data folder (see :mod:`.location`).

    Raises
    ------
    HistoryError
        If the URL is malformed, its database driver is not installed, the
        database cannot be opened, or its schema is newer than this release.
    """
    try:
        resolved = database_url(url)
        engine = connect(resolved)
    except (ArgumentError, ImportError) as exc:
        raise HistoryError(f"history database URL {url!r}: {exc}") from exc
    try:
        migrate(engine)
    except DatabaseError as exc:  # unreachable, locked, or not a database (a damaged SQLite file)
        engine.dispose()
        named = resolved.database if resolved.get_backend_name() == "sqlite" else None
        raise unusable_database(named or resolved.render_as_string(hide_password=True), exc.orig) from exc
    except BaseException:
        engine.dispose()
        raise
    return History(engine)


class History:
    """A history database; get one from :func:`open_history` and :meth:`close` it (or use ``with``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._orm = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writing(engine), expire_on_commit=False)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def add_client(self, code: str, notes: str = "", created_at: datetime | None = None) -> int:
        """Add a client; returns their id.

        Parameters
        ----------
        code : a name or pseudonymous code, unique in this history (surrounding spaces dropped).
        notes : free text.
        created_at : timezone-aware; now by default.

        Raises
        ------
        HistoryError
            If ``code`` is empty or already used.
        ValueError
            If ``created_at`` is naive.
        """
        created_at = _require_zone(created_at or datetime.now(UTC), "created_at")
        with self._writing() as db:
            client = self._new_client(db, code.strip(), created_at, notes)
            return client.id

    def client(self, client_id: int) -> ClientInfo:
        """The client with id ``client_id``; :class:`HistoryError` if there is none."""
        with self._orm() as db:
            return _client_info(_get_client(db, client_id))

    def clients(self) -> list[ClientInfo]:
        """Every client, by code."""
        with self._orm() as db:
            return [_client_info(c) for c in db.scalars(select(Client).order_by(Client.code))]

    def save_session(
        self,
        client_id: int,
        assessment: str,
        recorded_at: datetime,
        result: Mapping[str, Any],
        measures: Sequence[MeasureValue] = (),
        media: Sequence[MediaFile] = (),
        *,
        source_name: str = "",
        result_version: int = 1,
        media_folder: Path | None = None,
    ) -> int:
        """Store one session with its key figures and media files, all or nothing; returns its id.

        Parameters
        ----------
        client_id : an existing client.
        assessment : name of the assessment protocol.
        recorded_at : when the footage was recorded; timezone-aware.
        result : the assessment's result; must be JSON without NaN or infinity.
        measures : key figures for progress queries; a NaN value is stored as "not measured".
        media : existing files of this session.
        source_name : the analysed file; only its name is kept, not its folder.
        result_version : version of the layout of ``result``.
        media_folder : the folder the media come from (an analysis folder). The session owns the
            media inside it, and deleting the client deletes those; any other file is recorded but
            never deleted (:mod:`.ownership`). ``None``: the session owns none.

        Raises
        ------
        HistoryError
            If the client does not exist.
        InputError
            If a media file does not exist.
        ValueError
            If ``recorded_at`` is naive, ``result`` is not strict JSON or two measures share a name.
        """
        data = _session_data(assessment, recorded_at, result, measures, media, source_name, result_version)
        with self._writing() as db:
            _get_client(db, client_id)
            record = _add_session(db, client_id, data, media_folder)
            db.flush()
            return record.id

    def save_client_session(
        self,
        code: str,
        assessment: str,
        recorded_at: datetime,
        result: Mapping[str, Any],
        measures: Sequence[MeasureValue] = (),
        media: Sequence[MediaFile] = (),
        *,
        source_name: str = "",
        result_version: int = 1,
        media_folder: Path | None = None,
    ) -> SavedSession:
        """Store one session for the client with ``code``, creating the client if new: one transaction.

        A client is never stored without the session it was created for,
        even when the program is killed part-way, and two programs saving
        for the same new code at once make one client. Parameters are as
        for :meth:`save_session`, with the client's code (surrounding spaces
        dropped) instead of its id.

        Raises
        ------
        HistoryError
            If ``code`` is empty, too long or not one line.
        InputError, ValueError
            As :meth:`save_session`.
        """
        data = _session_data(assessment, recorded_at, result, measures, media, source_name, result_version)
        code = client_code(code)
        with self._writing() as db:
            client = db.scalar(select(Client).where(Client.code == code))
            new_client = client is None
            if client is None:
                client = self._new_client(db, code, datetime.now(UTC), "")
            record = _add_session(db, client.id, data, media_folder)
            db.flush()
            return SavedSession(record.id, _client_info(client), new_client)

    def sessions(self, client_id: int) -> list[SessionInfo]:
        """A client's sessions with their measures and media, oldest first."""
        with self._orm() as db:
            _get_client(db, client_id)
            return _session_infos(db, client_id)

    def progress(self, client_id: int, measure_name: str) -> list[tuple[datetime, float]]:
        """``(recorded_at, value)`` of one measure over a client's sessions, oldest first.

        Sessions where the measure is missing or was not measured (NaN) are left out.
        """
        query = (
            select(SessionRecord.recorded_at, Measure.value)
            .join(Measure, Measure.session_id == SessionRecord.id)
            .where(
                SessionRecord.client_id == client_id, Measure.name == measure_name, Measure.value.is_not(None)
            )
            .order_by(SessionRecord.recorded_at, SessionRecord.id, Measure.id)
        )
        with self._orm() as db:
            _get_client(db, client_id)
            return [(when, float(value)) for when, value in db.execute(query) if value is not None]

    def keep_measurement_errors(
        self, errors: Sequence[MeasurementError], code: str | None = None
    ) -> ClientInfo | None:
        """Keep key figures' measurement errors for the client with ``code``, or as the clinic's default.

        One transaction. Each replaces the one kept before for the same
        client (or default), assessment and figure; the others stay. The
        errors' own ``client_id`` is not used.

        Parameters
        ----------
        errors : from a repeatability run.
        code : the client's code, created if new; ``None``: the clinic's default per assessment.

        Returns
        -------
        ClientInfo or None
            The client they were kept for; ``None`` for the clinic's default.

        Raises
        ------
        HistoryError
            If ``code`` is empty, too long or not one line.
        """
        for error in errors:
            _require_zone(error.measured_at, "measured_at")
        with self._writing() as db:
            client = None
            if code is not None:
                code = client_code(code)
                client = db.scalar(select(Client).where(Client.code == code))
                if client is None:
                    client = self._new_client(db, code, datetime.now(UTC), "")
            client_id = client.id if client is not None else None
            for error in errors:
                _replace_error(db, client_id, error)
            return _client_info(client) if client is not None else None

    def measurement_errors(self, client_id: int | None) -> list[MeasurementError]:
        """The measurement errors that apply to a client: their own, then the clinic's defaults.

        ``client_id`` ``None``: the clinic's defaults only. Within each, by
        assessment and figure name.
        """
        query = select(MeasurementErrorRecord).order_by(
            MeasurementErrorRecord.client_id.is_(None),
            MeasurementErrorRecord.assessment,
            MeasurementErrorRecord.name,
            MeasurementErrorRecord.id,
        )
        with self._orm() as db:
            if client_id is None:
                query = query.where(MeasurementErrorRecord.client_id.is_(None))
            else:
                _get_client(db, client_id)
                query = query.where(
                    or_(
                        MeasurementErrorRecord.client_id == client_id,
                        MeasurementErrorRecord.client_id.is_(None),
                    )
                )
            return [_measurement_error(row) for row in db.scalars(query)]

    def export_client(self, client_id: int) -> dict[str, Any]:
        """A client and all their sessions as a JSON-serialisable document (see :mod:`.exchange`).

        The client's own measurement errors go along; the clinic's defaults stay with the clinic.
        """
        with self._orm() as db:
            client = _client_info(_get_client(db, client_id))
            return client_document(client, _session_infos(db, client_id), _own_errors(db, client_id))

    def import_client(
        self, document: Mapping[str, Any], code: str | None = None, media_folder: Path | None = None
    ) -> int:
        """Store a client from :meth:`export_client`'s document; returns the new client's id.

        Parameters
        ----------
        document : the export, e.g. read back with :func:`json.load`.
        code : the code to store the client under; the exported one by default.
        media_folder : a folder the importer filled with the client's media (an archive
            import, :mod:`.archive`); the listed files inside it become the client's own.

        Notes
        -----
        Paths in the document are data, not trusted: they are recorded as
        written and never owned, so deleting the client leaves those files
        where they are (:mod:`.ownership`).

        Raises
        ------
        HistoryError
            If the document is not a supported export or the code is already used.
        """
        data = read_client_document(document)
        with self._writing() as db:
            client = self._new_client(db, (code or data.code).strip(), data.created_at, data.notes)
            for session in data.sessions:
                _add_session(db, client.id, session, media_folder)
            for error in data.measurement_errors:
                _replace_error(db, client.id, error)
            return client.id

    def deletion_plan(self, client_id: int) -> DeletionPlan:
        """What :meth:`delete_client` would remove and leave, to show before asking to confirm.

        Raises
        ------
        HistoryError
            If the client does not exist.
        """
        with self._engine.connect() as connection:
            code, sessions, listed = _client_files(connection, client_id)
            to_remove, kept, not_owned = _sort_files(connection, client_id, listed)
        return DeletionPlan(code, sessions, tuple(to_remove), tuple(kept), tuple(not_owned))

    def delete_client(self, client_id: int) -> DeletionReport:
        """Delete a client, every row of theirs and every media file the history owns for them.

        The rows go in one transaction first; then the files are deleted, so
        the database never lists a file that is already gone. Only owned files
        are deleted (:mod:`.ownership`), each checked again just before: a
        file another client's session also owns is kept, a listed file the
        history does not own is left in place, and one whose path now leads
        out of its folder (a symlink put on the way) is not deleted (all reported).

        Raises
        ------
        HistoryError
            If the client does not exist.
        """
        owned = select(SessionRecord.id).where(SessionRecord.client_id == client_id).scalar_subquery()
        with self._busy_is_an_error(), writing(self._engine).begin() as connection:
            code, _sessions, listed = _client_files(connection, client_id)
            media_rows = connection.execute(delete(Media).where(Media.session_id.in_(owned))).rowcount
            measure_rows = connection.execute(delete(Measure).where(Measure.session_id.in_(owned))).rowcount
            session_rows = connection.execute(
                delete(SessionRecord).where(SessionRecord.client_id == client_id)
            ).rowcount
            connection.execute(
                delete(MeasurementErrorRecord).where(MeasurementErrorRecord.client_id == client_id)
            )
            connection.execute(delete(Client).where(Client.id == client_id))
            to_remove, kept, not_owned = _sort_files(connection, client_id, listed)
        removed, missing, failed = _delete_files({path: listed[path] for path in to_remove})
        _remove_emptied_copies(removed + missing)
        return DeletionReport(
            code,
            session_rows,
            measure_rows,
            media_rows,
            removed,
            missing,
            tuple(kept),
            failed,
            tuple(not_owned),
        )

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Session]:
        """An ORM session in a write transaction; a lock not had in time is a :class:`HistoryError`."""
        with self._busy_is_an_error(), self._write.begin() as db:
            yield db

    @contextlib.contextmanager
    def _busy_is_an_error(self) -> Iterator[None]:
        """The write lock not had in time (:data:`.engine.BUSY_TIMEOUT_S`) as one :class:`HistoryError`."""
        try:
            yield
        except OperationalError as exc:
            if not _is_lock_timeout(exc):
                raise
            raise HistoryError(
                f"{self.url}: the history is busy: another program kept it locked for too long; try again"
            ) from exc

    def _new_client(self, db: Session, code: str, created_at: datetime, notes: str) -> Client:
        code = client_code(code)
        if db.scalar(select(func.count()).select_from(Client).where(Client.code == code)):
            raise HistoryError(f"a client with code {code!r} is already in the history")
        client = Client(code=code, created_at=created_at, notes=notes)
        db.add(client)
        db.flush()
        return client


def client_code(text: str) -> str:
    """``text`` as a client's code: surrounding spaces dropped, checked to be one short line.

    Raises
    ------
    HistoryError
        If it is empty, longer than :data:`MAX_CODE_LENGTH` characters, or holds
        a line break or other control character.
    """
    code = text.strip()
    if not code:
        raise HistoryError("a client needs a name or code")
    if len(code) > MAX_CODE_LENGTH:
        raise HistoryError(
            f"client name or code {code[:20]!r}... is {len(code)} characters long; "
            f"use at most {MAX_CODE_LENGTH}"
        )
    if any(not character.isprintable() for character in code):
        raise HistoryError(f"client name or code {code[:40]!r} holds a line break or control character")
    return code


def _client_files(connection: Connection, client_id: int) -> tuple[str, int, dict[Path, Path | None]]:
    """A client's code, session count, and the files their sessions list, each with the folder owning it.

    A path listed both owned and not owned (an import naming a kept file) counts as owned.
    """
    code = connection.scalar(select(Client.code).where(Client.id == client_id))
    if code is None:
        raise HistoryError(f"no client with id {client_id} in the history")
    sessions = select(SessionRecord.id).where(SessionRecord.client_id == client_id).scalar_subquery()
    count = connection.scalar(select(func.count()).where(SessionRecord.client_id == client_id)) or 0
    listed: dict[Path, Path | None] = {}
    for path, folder in connection.execute(
        select(Media.path, Media.owned_within).where(Media.session_id.in_(sessions)).order_by(Media.id)
    ):
        if listed.get(Path(path)) is None:
            listed[Path(path)] = None if folder is None else Path(folder)
    return code, count, listed


def _sort_files(
    connection: Connection, client_id: int, listed: Mapping[Path, Path | None]
) -> tuple[list[Path], list[Path], list[Path]]:
    """A client's ``listed`` files split: to remove, owned by another client too, not owned."""
    owned = [path for path, folder in listed.items() if folder is not None]
    of_others = (
        select(Media.path)
        .join(SessionRecord, SessionRecord.id == Media.session_id)
        .where(
            SessionRecord.client_id != client_id,
            Media.path.in_([str(p) for p in owned]),
            Media.owned_within.is_not(None),
        )
    )
    others = set(connection.scalars(of_others))
    not_owned = [path for path, folder in listed.items() if folder is None]
    return [p for p in owned if str(p) not in others], [p for p in owned if str(p) in others], not_owned


def _delete_files(
    files: Mapping[Path, Path | None],
) -> tuple[tuple[Path, ...], tuple[Path, ...], tuple[tuple[Path, str], ...]]:
    """Delete owned ``files`` (path -> the folder owning it) that are still inside their folder.

    Returns those removed, those already missing, and those not removed with why.
    """
    removed: list[Path] = []
    missing: list[Path] = []
    failed: list[tuple[Path, str]] = []
    for path, folder in files.items():
        if not (path.exists() or path.is_symlink()):
            missing.append(path)
            continue
        if folder is None or not deletable(path, folder):
            failed.append((path, f"it no longer leads to a file inside {folder}; left in place"))
            continue
        try:
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            missing.append(path)
        except OSError as exc:
            failed.append((path, exc.strerror or str(exc)))
    return tuple(removed), tuple(missing), tuple(failed)


def _remove_emptied_copies(files: Sequence[Path]) -> None:
    """Remove the folders of kept copies (:func:`.location.kept_results_dir`) that ``files`` leave empty.

    Only folders directly in the kept-results folder are touched, so a
    folder the user made (``history add`` keeps files where they are) stays.
    """
    kept = kept_results_dir().resolve()
    for folder in {path.parent for path in files if path.parent.parent.resolve() == kept}:
        with contextlib.suppress(OSError):  # not empty (a file the history does not own), or gone
            folder.rmdir()


def _session_data(
    assessment: str,
    recorded_at: datetime,
    result: Mapping[str, Any],
    measures: Sequence[MeasureValue],
    media: Sequence[MediaFile],
    source_name: str,
    result_version: int,
) -> SessionData:
    """A session checked and ready to store (see :meth:`History.save_session` for the checks)."""
    _require_zone(recorded_at, "recorded_at")
    names = [m.name for m in measures]
    if len(set(names)) != len(names):
        raise ValueError(f"a session's measures need distinct names, got {names}")
    try:
        stored_result = json.loads(json.dumps(result, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"session result is not strict JSON ({exc})") from exc
    owned = []
    for item in media:
        path = Path(item.path).expanduser().resolve()
        if not path.is_file():
            raise InputError(f"{path}: no such file to attach to the session")
        owned.append(MediaFile(item.kind, path))
    return SessionData(
        recorded_at,
        assessment,
        Path(source_name).name,
        stored_result,
        result_version,
        tuple(measures),
        tuple(owned),
    )


def _is_lock_timeout(error: OperationalError) -> bool:
    """Whether ``error`` is the write lock not had in time (:data:`.engine.BUSY_TIMEOUT_S`)."""
    if getattr(error.orig, "sqlstate", None) == "55P03":  # PostgreSQL lock_not_available
        return True
    return "database is locked" in str(error.orig)


def _require_zone(when: datetime, name: str) -> datetime:
    """``when`` itself if it is timezone-aware; a naive time would be stored under a guessed zone."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{name} {when.isoformat()} has no time zone")
    return when


def _get_client(db: Session, client_id: int) -> Client:
    client = db.get(Client, client_id)
    if client is None:
        raise HistoryError(f"no client with id {client_id} in the history")
    return client


def _add_session(db: Session, client_id: int, data: SessionData, media_folder: Path | None) -> SessionRecord:
    """Add ``data`` as a session, owning what :func:`.ownership.owned_file` finds in ``media_folder``."""
    root = media_folder.resolve() if media_folder is not None else None
    media = []
    for item in data.media:
        owned = owned_file(item.path, root) if root is not None else None
        if owned is None:
            media.append(Media(kind=item.kind, path=str(item.path), owned_within=None))
        else:
            media.append(Media(kind=item.kind, path=str(owned), owned_within=str(root)))
    record = SessionRecord(
        client_id=client_id,
        recorded_at=data.recorded_at,
        assessment=data.assessment,
        source_name=data.source_name,
        result=data.result,
        result_version=data.result_version,
        measures=[
            Measure(
                name=m.name,
                value=float(m.value) if m.is_measured else None,
                unit=m.unit,
                valid_fraction=float(m.valid_fraction),
            )
            for m in data.measures
        ],
        media=media,
    )
    db.add(record)
    return record


def _replace_error(db: Session, client_id: int | None, error: MeasurementError) -> None:
    """Add ``error`` for ``client_id`` (``None``: the clinic's default), dropping the one it replaces."""
    owner = (
        MeasurementErrorRecord.client_id.is_(None)
        if client_id is None
        else MeasurementErrorRecord.client_id == client_id
    )
    db.execute(
        delete(MeasurementErrorRecord).where(
            owner,
            MeasurementErrorRecord.assessment == error.assessment,
            MeasurementErrorRecord.name == error.name,
        )
    )
    db.add(
        MeasurementErrorRecord(
            client_id=client_id,
            assessment=error.assessment,
            name=error.name,
            unit=error.unit,
            sem=float(error.sem),
            mdc95=float(error.mdc95),
            trials=int(error.trials),
            confidence=error.confidence,
            measured_at=error.measured_at,
        )
    )


def _measurement_error(row: MeasurementErrorRecord) -> MeasurementError:
    return MeasurementError(
        row.assessment,
        row.name,
        row.unit,
        row.sem,
        row.mdc95,
        row.trials,
        row.confidence,
        row.measured_at,
        row.client_id,
    )


def _own_errors(db: Session, client_id: int) -> list[MeasurementError]:
    """The measurement errors kept for ``client_id`` themself (not the clinic's defaults)."""
    query = (
        select(MeasurementErrorRecord)
        .where(MeasurementErrorRecord.client_id == client_id)
        .order_by(MeasurementErrorRecord.assessment, MeasurementErrorRecord.name)
    )
    return [_measurement_error(row) for row in db.scalars(query)]


def _client_info(client: Client) -> ClientInfo:
    return ClientInfo(client.id, client.code, client.created_at, client.notes)


def _session_infos(db: Session, client_id: int) -> list[SessionInfo]:
    query = (
        select(SessionRecord)
        .where(SessionRecord.client_id == client_id)
        .options(selectinload(SessionRecord.measures), selectinload(SessionRecord.media))
        .order_by(SessionRecord.recorded_at, SessionRecord.id)
    )
    return [
        SessionInfo(
            id=r.id,
            client_id=r.client_id,
            recorded_at=r.recorded_at,
            assessment=r.assessment,
            source_name=r.source_name,
            result=r.result,
            result_version=r.result_version,
            measures=tuple(
                MeasureValue(m.name, math.nan if m.value is None else m.value, m.unit, m.valid_fraction)
                for m in r.measures
            ),
            media=tuple(MediaFile(f.kind, Path(f.path), f.owned_within is not None) for f in r.media),
        )
        for r in db.scalars(query)
    ]
