"""Client history: round trip, all-or-nothing saves, migrations, export/import, deletion, progress.

A save killed with SIGKILL and parallel saves are in ``tests/reliability/``.

Each test that takes ``url`` runs on a SQLite file in a temp folder and on a
new database of a throwaway PostgreSQL cluster (``tests/postgresql_cluster.py``).
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pytest
from sqlalchemy import Engine, MetaData, Table, create_engine, event, func, insert, inspect, select, text

from posturecheck.errors import InputError
from posturecheck.reports.plots.measure_over_visits import progress_figure
from posturecheck.storage import (
    HistoryError,
    MeasurementError,
    MeasureValue,
    MediaFile,
    SessionInfo,
    open_history,
)
from posturecheck.storage.engine import connect
from posturecheck.storage.location import URL_VARIABLE, database_url, default_data_dir
from posturecheck.storage.migrations import LATEST_VERSION, VERSION_TABLE, migrate, schema_version
from posturecheck.storage.models import Base

HISTORY_TABLES = ("media", "measures", "sessions", "clients", VERSION_TABLE)
FLEXION = "hip_flexion_left_max"
TILT = "pelvic_tilt_mean"
MORNING = datetime(2025, 3, 1, 9, 30, 15, 250000, tzinfo=UTC)
CEST = timezone(timedelta(hours=2))


@pytest.fixture
def url(history_url: str) -> str:
    """An empty database: a SQLite file, then one on a real PostgreSQL server (``tests/conftest.py``)."""
    return history_url


def measures(flexion: float) -> list[MeasureValue]:
    """Two key figures: a measured hip flexion and a tilt no frame could give."""
    return [MeasureValue(FLEXION, flexion, "deg", 0.9), MeasureValue(TILT, math.nan, "deg", 0.0)]


def media_files(folder: Path, stem: str) -> list[MediaFile]:
    """An annotated video and a landmarks file, written to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    video, landmarks = folder / f"{stem}.annotated.mp4", folder / f"{stem}.landmarks.npz"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    landmarks.write_bytes(b"PK\x03\x04")
    return [MediaFile("annotated_video", video), MediaFile("landmarks", landmarks)]


def plain(session: SessionInfo) -> dict[str, Any]:
    """A session without its ids, NaN as None, for equality across databases."""
    return {
        "recorded_at": session.recorded_at,
        "assessment": session.assessment,
        "source_name": session.source_name,
        "result": session.result,
        "result_version": session.result_version,
        "measures": [
            (m.name, m.value if m.is_measured else None, m.unit, m.valid_fraction) for m in session.measures
        ],
        "media": [(f.kind, f.path) for f in session.media],
    }


def row_counts(url: str) -> dict[str, int]:
    """Rows in each history table, read with a plain engine."""
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {
            table: connection.scalar(text(f"SELECT COUNT(*) FROM {table}")) or 0
            for table in HISTORY_TABLES
            if table != VERSION_TABLE
        }
    engine.dispose()
    return counts


def test_session_round_trip_through_a_reopened_database(url: str, tmp_path: Path) -> None:
    files = media_files(tmp_path / "out", "walk")
    result = {"assessment": "standing_posture", "angles": [1.5, None, 3.0], "view": {"side": "left"}}
    with open_history(url) as history:
        client = history.add_client("  C-014 ", notes="left hip replacement 2024")
        session = history.save_session(
            client,
            "standing_posture",
            MORNING.astimezone(CEST),
            result,
            measures(104.5),
            files,
            source_name="/home/ann/clips/walk.mp4",
            result_version=3,
            media_folder=tmp_path / "out",
        )
    with open_history(url) as history:
        [stored_client] = history.clients()
        [stored] = history.sessions(client)
    assert (stored_client.id, stored_client.code) == (client, "C-014")
    assert stored_client.notes == "left hip replacement 2024"
    assert stored_client.created_at.tzinfo is not None
    assert stored.id == session and stored.client_id == client
    assert stored.recorded_at == MORNING and stored.recorded_at.utcoffset() == timedelta(0)
    assert (stored.assessment, stored.source_name, stored.result, stored.result_version) == (
        "standing_posture",
        "walk.mp4",
        result,
        3,
    )
    assert stored.measures[0] == MeasureValue(FLEXION, 104.5, "deg", 0.9)
    assert stored.measures[1].name == TILT and math.isnan(stored.measures[1].value)
    assert stored.media == tuple(MediaFile(f.kind, f.path.resolve(), owned=True) for f in files)


def test_sqlite_history_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    open_history(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_data_folder_follows_each_platform() -> None:
    home = {"HOME": "/home/ann"}
    assert default_data_dir("linux", home) == Path("/home/ann/.local/share/posturecheck")
    assert default_data_dir("linux", home | {"XDG_DATA_HOME": "/data/ann"}) == Path("/data/ann/posturecheck")
    assert default_data_dir("linux", home | {"XDG_DATA_HOME": "relative/ignored"}) == Path(
        "/home/ann/.local/share/posturecheck"
    )
    assert default_data_dir("darwin", home) == Path("/home/ann/Library/Application Support/posturecheck")
    assert default_data_dir("win32", home | {"APPDATA": "/roaming"}) == Path("/roaming/posturecheck")


def test_database_url_from_argument_environment_or_data_folder(tmp_path: Path) -> None:
    environ = {URL_VARIABLE: "postgresql+psycopg://clinic:secret@db/posturecheck", "HOME": str(tmp_path)}
    assert database_url("sqlite:////srv/h.db", environ).database == "/srv/h.db"
    assert database_url(None, environ).render_as_string(hide_password=True) == (
        "postgresql+psycopg://clinic:***@db/posturecheck"
    )
    default = database_url(None, {"XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path)})
    assert default.drivername == "sqlite"
    assert default.database == str(tmp_path / "xdg" / "posturecheck" / "history.db")
    assert (tmp_path / "xdg" / "posturecheck").is_dir()


def test_open_history_reads_the_url_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "from_env.db"
    monkeypatch.setenv(URL_VARIABLE, f"sqlite:///{path}")
    with open_history() as history:
        history.add_client("A")
    assert path.is_file()


class SimulatedCrash(Exception):
    """Raised from inside a save, after some of its rows were sent to the database."""


def test_a_crash_inside_a_save_keeps_earlier_sessions_and_no_half_session(url: str, tmp_path: Path) -> None:
    with open_history(url) as history:
        client = history.add_client("C-1")
        first = history.save_session(
            client,
            "standing_posture",
            MORNING,
            {"n": 1},
            measures(100.0),
            media_files(tmp_path / "s1", "first"),
        )
        sent: list[str] = []

        def crash_at_media(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.startswith("INSERT INTO"):
                table = statement.split()[2]
                if table == "media":
                    raise SimulatedCrash
                sent.append(table)

        event.listen(Engine, "before_cursor_execute", crash_at_media)
        try:
            with pytest.raises(SimulatedCrash):
                history.save_session(
                    client,
                    "standing_posture",
                    MORNING + timedelta(days=7),
                    {"n": 2},
                    measures(110.0),
                    media_files(tmp_path / "s2", "second"),
                )
        finally:
            event.remove(Engine, "before_cursor_execute", crash_at_media)
        assert "sessions" in sent
    with open_history(url) as history:
        [kept] = history.sessions(client)
    assert kept.id == first and kept.result == {"n": 1} and len(kept.measures) == 2 and len(kept.media) == 2
    assert row_counts(url) == {"media": 2, "measures": 2, "sessions": 1, "clients": 1}


def _schema(engine: Engine) -> dict[str, Any]:
    """Columns (name, nullable), foreign keys, indexed and unique columns of each history table."""
    inspector = inspect(engine)
    return {
        table: {
            "columns": sorted((c["name"], c["nullable"]) for c in inspector.get_columns(table)),
            "foreign_keys": sorted(
                (tuple(k["constrained_columns"]), k["referred_table"])
                for k in inspector.get_foreign_keys(table)
            ),
            "indexed": sorted(
                tuple(i["column_names"])
                for i in inspector.get_indexes(table)
                if "duplicates_constraint" not in i
            ),
            "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
        }
        for table in sorted(inspector.get_table_names())
        if table != VERSION_TABLE
    }


def _model_schema() -> dict[str, Any]:
    return {
        table.name: {
            "columns": sorted((c.name, bool(c.nullable)) for c in table.columns),
            "foreign_keys": sorted(((k.parent.name,), k.column.table.name) for k in table.foreign_keys),
            "indexed": sorted(tuple(c.name for c in i.columns) for i in table.indexes),
            "unique": sorted((c.name,) for c in table.columns if c.unique),
        }
        for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name)
    }


def test_an_empty_database_is_migrated_to_the_schema_of_the_models(url: str) -> None:
    open_history(url).close()
    engine = create_engine(url)
    with engine.connect() as connection:
        assert schema_version(connection) == LATEST_VERSION
    assert _schema(engine) == _model_schema()
    engine.dispose()


def test_a_version_1_database_is_migrated_keeping_its_data(url: str, tmp_path: Path) -> None:
    engine = connect(database_url(url))
    assert migrate(engine, target=1) == 1
    with engine.begin() as connection:
        assert not inspect(connection).has_table("media")
        tables = MetaData()
        clients, sessions, rows = (
            Table(name, tables, autoload_with=connection) for name in ("clients", "sessions", "measures")
        )
        client = connection.execute(
            insert(clients).values(code="OLD-1", created_at=MORNING, notes="").returning(clients.c.id)
        ).scalar_one()
        session = connection.execute(
            insert(sessions)
            .values(
                client_id=client,
                recorded_at=MORNING,
                assessment="standing_posture",
                source_name="a.mp4",
                result={"n": 1},
                result_version=1,
            )
            .returning(sessions.c.id)
        ).scalar_one()
        connection.execute(
            insert(rows).values(session_id=session, name=FLEXION, value=98.0, unit="deg", valid_fraction=0.8)
        )
    engine.dispose()

    with open_history(url) as history:
        [old] = history.sessions(client)
        assert (old.id, old.result, old.measures, old.media) == (
            session,
            {"n": 1},
            (MeasureValue(FLEXION, 98.0, "deg", 0.8),),
            (),
        )
        history.save_session(
            client,
            "standing_posture",
            MORNING + timedelta(days=1),
            {"n": 2},
            measures(101.0),
            media_files(tmp_path, "new"),
        )
        assert [value for _, value in history.progress(client, FLEXION)] == [98.0, 101.0]
    engine = create_engine(url)
    with engine.connect() as connection:
        assert schema_version(connection) == LATEST_VERSION
    assert _schema(engine) == _model_schema()
    engine.dispose()


def test_a_database_from_a_newer_release_is_refused(url: str) -> None:
    open_history(url).close()
    engine = create_engine(url)
    with engine.begin() as connection:
        versions = Table(VERSION_TABLE, MetaData(), autoload_with=connection)
        connection.execute(insert(versions).values(version=LATEST_VERSION + 1, applied_at=MORNING))
    engine.dispose()
    with pytest.raises(HistoryError, match="newer than this posturecheck"):
        open_history(url)


def test_export_then_import_into_another_database_gives_the_same_history(url: str, tmp_path: Path) -> None:
    with open_history(url) as history:
        client = history.add_client("C-7", notes="yoga, hamstrings")
        history.save_session(
            client,
            "hip_flexion",
            MORNING,
            {"reps": [1, 2]},
            measures(95.0),
            media_files(tmp_path / "a", "a"),
            source_name="a.mp4",
        )
        history.save_session(
            client, "hip_flexion", MORNING + timedelta(days=14), {"reps": [3]}, measures(99.0)
        )
        document = json.loads(json.dumps(history.export_client(client)))
        original = [plain(s) for s in history.sessions(client)]
        created_at = history.client(client).created_at
    assert document["format_version"] == 1

    with open_history(f"sqlite:///{tmp_path / 'other.db'}") as other:
        copy = other.import_client(document)
        assert (other.client(copy).code, other.client(copy).notes) == ("C-7", "yoga, hamstrings")
        assert other.client(copy).created_at == created_at
        assert [plain(s) for s in other.sessions(copy)] == original
        assert other.export_client(copy) == document


def test_import_refuses_a_used_code_and_foreign_documents(url: str) -> None:
    with open_history(url) as history:
        document = history.export_client(history.add_client("C-1"))
        with pytest.raises(HistoryError, match="already in the history"):
            history.import_client(document)
        with pytest.raises(HistoryError, match="not a posturecheck client export"):
            history.import_client({"format": "something-else"})
        with pytest.raises(HistoryError, match="malformed"):
            history.import_client(document | {"sessions": [{"recorded_at": "2025-01-01"}]})
        assert [c.code for c in history.clients()] == ["C-1"]


def test_deleting_a_client_removes_every_row_and_file_of_theirs_only(url: str, tmp_path: Path) -> None:
    with open_history(url) as history:
        gone = history.add_client("GONE")
        kept = history.add_client("KEPT")
        gone_files = media_files(tmp_path / "gone1", "s1") + media_files(tmp_path / "gone2", "s2")
        history.save_session(
            gone, "standing_posture", MORNING, {}, measures(90.0), gone_files[:2], media_folder=tmp_path
        )
        history.save_session(
            gone,
            "standing_posture",
            MORNING + timedelta(days=3),
            {},
            measures(92.0),
            gone_files[2:],
            media_folder=tmp_path,
        )
        kept_files = media_files(tmp_path / "kept", "s")
        history.save_session(
            kept, "standing_posture", MORNING, {}, measures(80.0), kept_files, media_folder=tmp_path
        )
        gone_files[3].path.unlink()

        report = history.delete_client(gone)

        counts = (report.client_code, report.sessions, report.measures, report.media_records)
        assert counts == ("GONE", 2, 4, 4)
        assert set(report.files_removed) == {f.path.resolve() for f in gone_files[:3]}
        assert report.files_missing == (gone_files[3].path.resolve(),)
        assert report.complete
        assert not any(f.path.exists() for f in gone_files)
        assert all(f.path.exists() for f in kept_files)
        assert [c.code for c in history.clients()] == ["KEPT"]
        assert len(history.sessions(kept)[0].media) == 2
        with pytest.raises(HistoryError, match="no client"):
            history.sessions(gone)
    assert row_counts(url) == {"media": 2, "measures": 2, "sessions": 1, "clients": 1}
    engine = create_engine(url)
    with engine.connect() as connection:
        sessions = Table("sessions", MetaData(), autoload_with=connection)
        assert connection.scalar(select(func.count()).where(sessions.c.client_id == gone)) == 0
    engine.dispose()


def test_deleting_a_client_keeps_files_another_client_still_owns(url: str, tmp_path: Path) -> None:
    with open_history(url) as history:
        first, second = history.add_client("A"), history.add_client("B")
        files = media_files(tmp_path, "shared")
        for client in (first, second):
            history.save_session(
                client, "standing_posture", MORNING, {}, measures(90.0), files, media_folder=tmp_path
            )
        plan = history.deletion_plan(first)
        assert (plan.to_remove, set(plan.kept), plan.not_owned) == ((), {f.path.resolve() for f in files}, ())

        report = history.delete_client(first)

        assert report.files_removed == () and not report.complete
        assert set(report.files_kept) == {f.path.resolve() for f in files}
        assert all(f.path.exists() for f in files)
        assert history.delete_client(second).files_removed == tuple(f.path.resolve() for f in files)
        assert not any(f.path.exists() for f in files)


def test_an_imported_copy_neither_owns_nor_holds_back_the_files_it_lists(url: str, tmp_path: Path) -> None:
    with open_history(url) as history:
        original = history.add_client("A")
        files = media_files(tmp_path, "shared")
        history.save_session(
            original, "standing_posture", MORNING, {}, measures(90.0), files, media_folder=tmp_path
        )
        duplicate = history.import_client(history.export_client(original), code="A-copy")
        assert [item.owned for item in history.sessions(duplicate)[0].media] == [False, False]
        plan = history.deletion_plan(duplicate)
        assert (plan.to_remove, plan.kept, set(plan.not_owned)) == ((), (), {f.path.resolve() for f in files})

        report = history.delete_client(duplicate)

        assert report.files_removed == () and set(report.files_not_owned) == {f.path.resolve() for f in files}
        assert all(f.path.exists() for f in files)
        assert history.delete_client(original).files_removed == tuple(f.path.resolve() for f in files)


def test_progress_over_two_sessions_in_time_order_and_its_figure(url: str) -> None:
    later = MORNING + timedelta(days=21)
    with open_history(url) as history:
        client = history.add_client("C-3")
        other = history.add_client("C-4")
        history.save_session(client, "hip_flexion", later, {}, measures(112.0))
        history.save_session(other, "hip_flexion", MORNING + timedelta(days=7), {}, measures(70.0))
        history.save_session(client, "hip_flexion", MORNING, {}, measures(101.0))
        points = history.progress(client, FLEXION)
        assert history.progress(client, TILT) == []
    assert points == [(MORNING, 101.0), (later, 112.0)]

    figure = progress_figure(points, "hip flexion (left, max)", "deg", tz=UTC)
    [line] = figure.axes[0].get_lines()
    x = np.asarray(line.get_xdata(), dtype=np.float64)
    y = np.asarray(line.get_ydata(), dtype=np.float64)
    np.testing.assert_allclose(x, mdates.date2num([MORNING, later]))
    np.testing.assert_allclose(y, np.array([101.0, 112.0]))
    assert figure.axes[0].get_ylabel() == "hip flexion (left, max) (deg)"
    figure.canvas.draw()
    assert not progress_figure([], FLEXION, "deg").axes[0].get_lines()


def test_bad_saves_are_refused_and_store_nothing(url: str, tmp_path: Path) -> None:
    with open_history(url) as history:
        client = history.add_client("C-5")
        with pytest.raises(HistoryError, match="no client with id"):
            history.save_session(client + 100, "standing_posture", MORNING, {}, measures(1.0))
        with pytest.raises(InputError, match="no such file"):
            history.save_session(
                client,
                "standing_posture",
                MORNING,
                {},
                measures(1.0),
                [MediaFile("report", tmp_path / "missing.pdf")],
            )
        with pytest.raises(ValueError, match="no time zone"):
            history.save_session(client, "standing_posture", datetime(2025, 1, 1), {}, measures(1.0))
        with pytest.raises(ValueError, match="no time zone"):
            history.add_client("C-6", created_at=datetime(2025, 1, 1))
        with pytest.raises(ValueError, match="not strict JSON"):
            history.save_session(client, "standing_posture", MORNING, {"mean": math.nan}, measures(1.0))
        with pytest.raises(ValueError, match="distinct names"):
            history.save_session(client, "standing_posture", MORNING, {}, measures(1.0) + measures(2.0))
        with pytest.raises(HistoryError, match="already in the history"):
            history.add_client("C-5")
        assert history.sessions(client) == []


@pytest.mark.parametrize(
    "bad_url, problem",
    [
        ("not a database url", "history database URL"),
        ("postgresql+nosuchdriver://db/posturecheck", "history database URL"),
        ("sqlite:////nonexistent-folder/history.db", "cannot use the history database"),
    ],
)
def test_an_unusable_database_url_is_one_clear_error(bad_url: str, problem: str) -> None:
    with pytest.raises(HistoryError, match=problem):
        open_history(bad_url)


def _error(name: str, mdc95: float, assessment: str = "thomas-test") -> MeasurementError:
    """A repeatability kept for ``name``: three clips, SEM = MDC95 / 2.77."""
    return MeasurementError(assessment, name, "deg", mdc95 / 2.77, mdc95, 3, "high", MORNING)


def test_a_version_3_database_is_migrated_and_its_visits_open_without_uncertainties(url: str) -> None:
    engine = connect(database_url(url))
    assert migrate(engine, target=3) == 3
    with engine.begin() as connection:
        assert not inspect(connection).has_table("measurement_errors")
        tables = MetaData()
        clients, sessions, rows = (
            Table(name, tables, autoload_with=connection) for name in ("clients", "sessions", "measures")
        )
        client = connection.execute(
            insert(clients).values(code="OLD-3", created_at=MORNING, notes="").returning(clients.c.id)
        ).scalar_one()
        for day, value in ((0, 98.0), (14, 104.0)):
            session = connection.execute(
                insert(sessions)
                .values(
                    client_id=client,
                    recorded_at=MORNING + timedelta(days=day),
                    assessment="thomas-test",
                    source_name="a.mp4",
                    result={"n": day},
                    result_version=1,
                )
                .returning(sessions.c.id)
            ).scalar_one()
            connection.execute(
                insert(rows).values(
                    session_id=session, name=FLEXION, value=value, unit="deg", valid_fraction=0.8
                )
            )
    engine.dispose()

    with open_history(url) as history:
        assert history.measurement_errors(client) == []
        assert [value for _, value in history.progress(client, FLEXION)] == [98.0, 104.0]
        history.keep_measurement_errors([_error(FLEXION, 5.0)], "OLD-3")
        [kept] = history.measurement_errors(client)
    assert (kept.client_id, kept.name, kept.mdc95, kept.measured_at) == (client, FLEXION, 5.0, MORNING)
    engine = create_engine(url)
    with engine.connect() as connection:
        assert schema_version(connection) == LATEST_VERSION == 4
    assert _schema(engine) == _model_schema()
    engine.dispose()


def test_measurement_errors_are_kept_per_client_or_as_the_clinic_default_and_replaced(url: str) -> None:
    with open_history(url) as history:
        assert history.keep_measurement_errors([_error(FLEXION, 9.0)]) is None  # the clinic's default
        new = history.keep_measurement_errors([_error(FLEXION, 6.0), _error(TILT, 4.0)], "C-1")
        assert new is not None and new.code == "C-1" and history.sessions(new.id) == []
        other = history.add_client("C-2")
        history.keep_measurement_errors([_error(FLEXION, 7.0)], "C-1")  # replaces the first run's
        mine = [(e.client_id, e.name, e.mdc95) for e in history.measurement_errors(new.id)]
        assert mine == [(new.id, FLEXION, 7.0), (new.id, TILT, 4.0), (None, FLEXION, 9.0)]
        assert [(e.client_id, e.mdc95) for e in history.measurement_errors(other)] == [(None, 9.0)]
        assert [e.mdc95 for e in history.measurement_errors(None)] == [9.0]
        with pytest.raises(HistoryError, match="needs a name or code"):
            history.keep_measurement_errors([_error(FLEXION, 1.0)], "  ")
        with pytest.raises(ValueError, match="MDC95 0.0 is not a number > 0"):
            _error(FLEXION, 0.0)

        document = history.export_client(new.id)
        assert [e["mdc95"] for e in document["measurement_errors"]] == [7.0, 4.0]  # not the clinic's
        history.delete_client(new.id)
        assert [e.client_id for e in history.measurement_errors(other)] == [None]  # the default stays
        copy = history.import_client(document)
        assert [(e.client_id, e.mdc95) for e in history.measurement_errors(copy)][:2] == [
            (copy, 7.0),
            (copy, 4.0),
        ]
        del document["measurement_errors"]  # an export from before errors were kept
        older = history.import_client(document, code="C-3")
        assert [e.client_id for e in history.measurement_errors(older)] == [None]
